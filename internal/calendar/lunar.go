package calendar

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The supported range: solar dates from MinYear-01-01 to MaxYear-12-31. Lunar dates are
// supported when their solar date is in that range.
const (
	MinYear = 1900
	MaxYear = 2199
)

// LunarDate is a date of the Vietnamese lunar calendar (âm lịch). Year is the Gregorian
// year in which the lunar year begins (Tết): lunar 1/1/2026 is 2026-02-17, while lunar
// 12/2025 runs into February 2026. Leap marks the leap month (tháng nhuận), which takes
// the number of the month before it.
type LunarDate struct {
	Year, Month, Day int
	Leap             bool
}

// String formats the date for people and the command line: "01/01/2026", and
// "01/04/2020 nhuận" in a leap month. [ParseLunar] reads it back.
func (l LunarDate) String() string {
	s := fmt.Sprintf("%02d/%02d/%04d", l.Day, l.Month, l.Year)
	if l.Leap {
		s += " nhuận"
	}
	return s
}

// ParseLunar parses a lunar date as users type it: "D/M/YYYY", with or without leading
// zeros, optionally followed by " nhuận" (or " nhuan") for a leap month. It checks the
// form and that day and month could exist (1–30, 1–12); whether the date exists in that
// year is for [LunarToSolar] to say.
func ParseLunar(s string) (LunarDate, error) {
	bad := func() (LunarDate, error) {
		return LunarDate{}, fmt.Errorf("calendar: lunar date %q: want D/M/YYYY or D/M/YYYY nhuận: %w", s, ErrSyntax)
	}
	var l LunarDate
	body := strings.TrimSpace(s)
	if head, tail, ok := strings.Cut(body, " "); ok {
		switch strings.ToLower(strings.TrimSpace(tail)) {
		case "nhuận", "nhuan":
			l.Leap = true
		default:
			return bad()
		}
		body = head
	}
	parts := strings.Split(body, "/")
	if len(parts) != 3 {
		return bad()
	}
	var nums [3]int
	for i, p := range parts {
		if len(p) == 0 || len(p) > 4 || (i < 2 && len(p) > 2) || (i == 2 && len(p) != 4) {
			return bad()
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return bad()
			}
		}
		nums[i], _ = strconv.Atoi(p) // cannot fail: at most four ASCII digits
	}
	l.Day, l.Month, l.Year = nums[0], nums[1], nums[2]
	if l.Day < 1 || l.Day > 30 || l.Month < 1 || l.Month > 12 {
		return bad()
	}
	return l, nil
}

// SolarToLunar returns the lunar date of d, for d from MinYear-01-01 to MaxYear-12-31.
// It takes O(log n) time once the month table is built (on first use, a few
// milliseconds).
func SolarToLunar(d Date) (LunarDate, error) {
	if err := checkSolar(d); err != nil {
		return LunarDate{}, err
	}
	return vietnamTable().solarToLunar(d.days()), nil
}

// LunarToSolar returns the solar date of the lunar date l. It fails with ErrNoSuchDate
// for a month or day the lunar year lacks (a leap month the year does not have, day 30
// of a 29-day month) and with ErrOutOfRange when the solar date is outside
// MinYear..MaxYear.
func LunarToSolar(l LunarDate) (Date, error) {
	n, err := vietnamTable().lunarToSolar(l)
	if err != nil {
		return Date{}, err
	}
	d := dateOfDays(n)
	if err := checkSolar(d); err != nil {
		return Date{}, fmt.Errorf("calendar: lunar %v: %w", l, err)
	}
	return d, nil
}

// LeapMonth returns the number of the leap month of the lunar year, or 0 if the year has
// none (2025: 6, a "tháng 6 nhuận"; 2026: 0).
func LeapMonth(lunarYear int) (int, error) {
	t := vietnamTable()
	first, last, err := t.year(lunarYear)
	if err != nil {
		return 0, err
	}
	for _, m := range t.months[first:last] {
		if m.leap {
			return int(m.month), nil
		}
	}
	return 0, nil
}

// MonthDays returns the length, 29 or 30 days, of a month of a lunar year.
func MonthDays(lunarYear, month int, leap bool) (int, error) {
	t := vietnamTable()
	i, err := t.month(LunarDate{Year: lunarYear, Month: month, Day: 1, Leap: leap})
	if err != nil {
		return 0, err
	}
	return t.length(i), nil
}

var (
	heavenlyStems   = [10]string{"Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"}
	earthlyBranches = [12]string{"Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"}
)

// CanChi returns the Vietnamese sexagenary name of a lunar year: "Bính Ngọ" for 2026,
// "Ất Tỵ" for 2025. The cycle has no range limit: year 4 (a Giáp Tý year) anchors it.
func CanChi(lunarYear int) string {
	return heavenlyStems[mod(lunarYear-4, 10)] + " " + earthlyBranches[mod(lunarYear-4, 12)]
}

func checkSolar(d Date) error {
	if d.Year < MinYear || d.Year > MaxYear {
		return fmt.Errorf("calendar: %v outside %d-01-01..%d-12-31: %w", d, MinYear, MaxYear, ErrOutOfRange)
	}
	return nil
}

// lunarMonth is one month of the table.
type lunarMonth struct {
	start int32 // day number of day 1
	year  int16
	month int8
	leap  bool
}

// lunarTable holds every lunar month around the supported range, in order, so that a
// conversion is a binary search (solar to lunar) or an index (lunar to solar).
type lunarTable struct {
	// months are consecutive; the last entry only marks the end of the one before.
	months []lunarMonth
	// firstYear is the lunar year of months[0]; yearStart[y-firstYear] is the index of
	// the first month of lunar year y, and the last entry ends the last year.
	firstYear int
	yearStart []int
}

// vietnamTable is built on first use and shared: read-only afterwards, so safe for
// concurrent use.
var vietnamTable = sync.OnceValue(func() *lunarTable {
	return buildTable(vietnamZone, MinYear-2, MaxYear+1)
})

// buildTable computes the lunar months from month 11 of lunar year from to month 11 of
// lunar year to, in the time zone z, by the rules of the Vietnamese calendar:
//
//   - a month begins on the local day holding a new moon;
//   - month 11 is the month holding the December solstice;
//   - when 13 months lie between two months 11, the first of them after the first
//     month 11 that holds no major solar term is the leap month and takes the number
//     of the month before it.
func buildTable(z zone, from, to int) *lunarTable {
	// month11 returns the lunation that begins month 11 of lunar year y.
	month11 := func(y int) int {
		s := z.winterSolsticeDay(y)
		k := int(math.Floor((float64(s) + jdUnixEpoch - jdeLunation0) / synodicMonth))
		for z.newMoonDay(k+1) <= s {
			k++
		}
		for z.newMoonDay(k) > s {
			k--
		}
		return k
	}
	t := &lunarTable{firstYear: from}
	year, month := from, 10 // the label before the first month 11
	k11 := month11(from)
	for y := from + 1; y <= to; y++ {
		next := month11(y)
		leapAt := -1
		if next-k11 == 13 {
			for i := 1; i < 13; i++ {
				if z.termSector(z.newMoonDay(k11+i)) == z.termSector(z.newMoonDay(k11+i+1)) {
					leapAt = i
					break
				}
			}
			if leapAt < 0 {
				panic(fmt.Sprintf("calendar: lunar year %d has 13 months but every month holds a major term", y))
			}
		}
		for i := range next - k11 {
			leap := i == leapAt
			if !leap {
				if month++; month == 13 {
					year, month = year+1, 1
				}
			}
			t.months = append(t.months, lunarMonth{
				start: int32(z.newMoonDay(k11 + i)),
				year:  int16(year),
				month: int8(month),
				leap:  leap,
			})
		}
		k11 = next
	}
	t.months = append(t.months, lunarMonth{start: int32(z.newMoonDay(k11)), year: int16(to), month: 11})
	for i, m := range t.months {
		if int(m.year)-t.firstYear == len(t.yearStart) {
			t.yearStart = append(t.yearStart, i)
		}
	}
	return t
}

func (t *lunarTable) length(i int) int { return int(t.months[i+1].start - t.months[i].start) }

func (t *lunarTable) solarToLunar(n int) LunarDate {
	// The first month that starts after n, less one, holds n.
	i := sort.Search(len(t.months), func(i int) bool { return int(t.months[i].start) > n }) - 1
	m := t.months[i]
	return LunarDate{Year: int(m.year), Month: int(m.month), Day: n - int(m.start) + 1, Leap: m.leap}
}

// year returns the index range [first, last) of the months of lunar year y.
func (t *lunarTable) year(y int) (first, last int, err error) {
	i := y - t.firstYear
	if i < 0 || i+1 >= len(t.yearStart) {
		return 0, 0, fmt.Errorf("calendar: lunar year %d outside %d..%d: %w", y, t.firstYear, t.firstYear+len(t.yearStart)-2, ErrOutOfRange)
	}
	return t.yearStart[i], t.yearStart[i+1], nil
}

// month returns the index of the month of l, ignoring l.Day.
func (t *lunarTable) month(l LunarDate) (int, error) {
	first, last, err := t.year(l.Year)
	if err != nil {
		return 0, err
	}
	for i := first; i < last; i++ {
		if m := t.months[i]; int(m.month) == l.Month && m.leap == l.Leap {
			return i, nil
		}
	}
	if l.Leap {
		return 0, fmt.Errorf("calendar: lunar year %d has no leap month %d: %w", l.Year, l.Month, ErrNoSuchDate)
	}
	if l.Month < 1 || l.Month > 12 {
		return 0, fmt.Errorf("calendar: lunar month %d: %w", l.Month, ErrNoSuchDate)
	}
	// Only the partial first year of the table lacks a regular month.
	return 0, fmt.Errorf("calendar: lunar %v: %w", l, ErrOutOfRange)
}

func (t *lunarTable) lunarToSolar(l LunarDate) (int, error) {
	i, err := t.month(l)
	if err != nil {
		return 0, err
	}
	if n := t.length(i); l.Day < 1 || l.Day > n {
		return 0, fmt.Errorf("calendar: lunar %v: month has %d days: %w", l, n, ErrNoSuchDate)
	}
	return int(t.months[i].start) + l.Day - 1, nil
}
