package calendar

import (
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Date is a civil date in Vietnam's Gregorian calendar (dương lịch), with no time of day
// and no zone. The zero Date means "no date".
//
// Methods normalise an invalid date the way time.Date does (2026-02-30 is 2026-03-02);
// use [ParseDate] or [Date.IsValid] to reject one.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date, normalised like time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return dateOfDays(daysFromCivil(year, month, day))
}

// DateOf returns the date of t in Vietnam.
func DateOf(t time.Time) Date {
	y, m, d := t.In(locale.Zone).Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO 8601 calendar date, "2026-02-17".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: date %q: want YYYY-MM-DD: %w", s, ErrSyntax)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// String formats the date as "2026-02-17".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText formats the date as [Date.String] does; the zero Date is empty text.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses a date as [ParseDate] does; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d names a real day (no 30 February, no month 13).
func (d Date) IsValid() bool { return NewDate(d.Year, d.Month, d.Day) == d }

// Time returns the start of the day in Vietnam.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, locale.Zone)
}

// At returns the instant of the clock time c on day d in Vietnam.
func (d Date) At(c Clock) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(c), 0, 0, locale.Zone)
}

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return dateOfDays(d.days() + n) }

// Sub returns the number of days from o to d.
func (d Date) Sub(o Date) int { return d.days() - o.days() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(mod(d.days()+int(time.Thursday), 7))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch a, b := d.days(), o.days(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.days() < o.days() }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.days() > o.days() }

// isWeekend reports whether d is a Saturday or a Sunday.
func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// days returns the day number of d: days since 1970-01-01. Day numbers are the
// package's internal time axis: they make date differences subtractions and index the
// compiled tables.
func (d Date) days() int { return daysFromCivil(d.Year, d.Month, d.Day) }

func dateOfDays(n int) Date {
	y, m, d := civilFromDays(n)
	return Date{y, m, d}
}

// daysFromCivil and civilFromDays convert between proleptic Gregorian dates and day
// numbers with integer arithmetic only (the algorithms of Howard Hinnant's
// "chrono-Compatible Low-Level Date Algorithms"): a day number per call, no time.Time
// allocation, valid for any int year. Out-of-range months and days carry over.
func daysFromCivil(y int, m time.Month, d int) int {
	// Normalise the month first so that the era arithmetic sees 1..12.
	mi := int(m) - 1
	y += floorDiv(mi, 12)
	mi = mod(mi, 12) + 1
	if mi <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((mi+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(n int) (int, time.Month, int) {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
		y++
	}
	return y, time.Month(m), d
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int) int { return a - floorDiv(a, b)*b }
