package calendar

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Calendar is a compiled working-day calendar of whole years: which days are worked,
// with what hours, and the prefix sums that make deadline arithmetic O(1) (days) or
// O(log n) (hours). It is immutable, so safe for concurrent use.
//
// Every query about a time outside the compiled years fails with ErrOutOfRange (or, for
// the predicates, reports false): a deadline is never computed from guessed holidays.
//
// The tables run flat across the years rather than one per year, so that a deadline
// crossing New Year is the same subtraction as any other; a year's working-day bitmap
// is the differences of workedBefore over its days.
type Calendar struct {
	fromYear, toYear int
	first            int // day number of fromYear-01-01; day i of the tables is first+i
	hours            OfficeHours

	entries []Day  // the merged entries, sorted by date
	kind    []Kind // per day: the entry's kind, 0 for an ordinary day
	// workedBefore[i] is the number of working days among days 0..i-1, so day i is
	// worked exactly when workedBefore[i+1] > workedBefore[i].
	workedBefore []int32
	// workdays lists the working days in order; workdays[workedBefore[i]] is the first
	// working day at or after day i.
	workdays []int32
	// minutesBefore[i] is the working time, in minutes, of days 0..i-1.
	minutesBefore []int64
}

// Compile builds the calendar of the years from..to (MinYear ≤ from ≤ to ≤ MaxYear).
//
// days are the departures from the weekly pattern: the legal holidays of each year
// ([LegalHolidays]) followed by the entries of the decisions in force
// ([Decision.Entries]), oldest first. For one date a later entry overrides an earlier
// one, except that an entry which does not change whether the date is worked leaves the
// earlier entry in place: a decision restating a legal holiday keeps it a holiday.
// Entries outside the years are ignored, since a list for many years may be compiled a
// few years at a time.
//
// A working day on a Saturday or Sunday (làm bù) works hours.Makeup; any other working
// day works hours.Week of its weekday.
func Compile(days []Day, hours OfficeHours, from, to int) (*Calendar, error) {
	if from < MinYear || to > MaxYear || from > to {
		return nil, fmt.Errorf("calendar: compile %d..%d: want years within %d..%d: %w", from, to, MinYear, MaxYear, ErrOutOfRange)
	}
	if err := hours.Validate(); err != nil {
		return nil, err
	}
	c := &Calendar{
		fromYear: from,
		toYear:   to,
		first:    daysFromCivil(from, time.January, 1),
		hours:    hours.clone(),
	}
	n := daysFromCivil(to+1, time.January, 1) - c.first
	c.kind = make([]Kind, n)
	byIndex := map[int]Day{}
	for _, d := range days {
		if d.Kind < KindHoliday || d.Kind > KindDecreedWorkday || !d.Date.IsValid() || d.Name == "" {
			return nil, fmt.Errorf("calendar: compile: day %v %v %q: %w", d.Date, d.Kind, d.Name, ErrInvalid)
		}
		i := d.Date.days() - c.first
		if i < 0 || i >= n {
			continue
		}
		if old, ok := byIndex[i]; ok && old.Kind.Working() == d.Kind.Working() {
			continue
		}
		byIndex[i] = d
		c.kind[i] = d.Kind
	}
	for _, d := range byIndex {
		c.entries = append(c.entries, d)
	}
	slices.SortFunc(c.entries, func(a, b Day) int { return a.Date.Compare(b.Date) })

	c.workedBefore = make([]int32, n+1)
	c.minutesBefore = make([]int64, n+1)
	for i := range n {
		c.workedBefore[i+1] = c.workedBefore[i]
		c.minutesBefore[i+1] = c.minutesBefore[i]
		if c.worked(i) {
			c.workedBefore[i+1]++
			c.minutesBefore[i+1] += int64(c.shift(i).Minutes())
			c.workdays = append(c.workdays, int32(i))
		}
	}
	return c, nil
}

// Default compiles the calendar of the years from..to with the built-in data: the legal
// holidays, the built-in nationwide decisions and [DefaultOfficeHours]. It is the
// calendar of a unit that has entered nothing of its own.
func Default(from, to int) (*Calendar, error) {
	days, err := defaultDays(from, to)
	if err != nil {
		return nil, err
	}
	return Compile(days, DefaultOfficeHours(), from, to)
}

// defaultDays lists the legal holidays of the years, then the built-in decisions' days.
func defaultDays(from, to int) ([]Day, error) {
	var days []Day
	for y := from; y <= to; y++ {
		h, err := LegalHolidays(y)
		if err != nil {
			return nil, err
		}
		days = append(days, h...)
	}
	for _, d := range builtinDecisions() {
		days = append(days, d.Entries()...)
	}
	return days, nil
}

// worked reports whether day i is a working day, from the weekly pattern and the
// entries; used while compiling, the tables answer afterwards.
func (c *Calendar) worked(i int) bool {
	if k := c.kind[i]; k != 0 {
		return k.Working()
	}
	return !isWeekend(dateOfDays(c.first + i))
}

// shift returns the working time of working day i.
func (c *Calendar) shift(i int) Shift {
	wd := time.Weekday(mod(c.first+i+int(time.Thursday), 7))
	if wd == time.Saturday || wd == time.Sunday {
		return c.hours.Makeup
	}
	return c.hours.Week[wd]
}

// Years returns the first and last compiled years.
func (c *Calendar) Years() (from, to int) { return c.fromYear, c.toYear }

// index returns the table index of date d, or ErrOutOfRange.
func (c *Calendar) index(d Date) (int, error) {
	i := d.days() - c.first
	if i < 0 || i >= len(c.kind) {
		return 0, fmt.Errorf("calendar: %v outside the compiled years %d..%d: %w", d, c.fromYear, c.toYear, ErrOutOfRange)
	}
	return i, nil
}

func (c *Calendar) isWorking(i int) bool { return c.workedBefore[i+1] > c.workedBefore[i] }

// IsWorkingDay reports whether d is a working day; false outside the compiled years.
func (c *Calendar) IsWorkingDay(d Date) bool {
	i, err := c.index(d)
	return err == nil && c.isWorking(i)
}

// Days returns the year's departures from the weekly pattern, sorted by date: every
// holiday and compensatory day, every weekday off by decision and every weekend day
// worked by decision. Holidays falling on a weekend are listed, since they explain
// their compensatory days; decisions that restate the weekly pattern (a Saturday "off")
// are not. It is the list the command line prints; nil outside the compiled years.
func (c *Calendar) Days(year int) []Day {
	var out []Day
	for _, d := range c.entries {
		if d.Date.Year != year {
			continue
		}
		if (d.Kind == KindDecreedOff && isWeekend(d.Date)) || (d.Kind == KindDecreedWorkday && !isWeekend(d.Date)) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// moment is an instant on the calendar's axis: a day index and a clock time.
type moment struct {
	day   int
	clock Clock
}

func (c *Calendar) moment(t time.Time) (moment, error) {
	i, err := c.index(DateOf(t))
	if err != nil {
		return moment{}, err
	}
	return moment{i, ClockOf(t)}, nil
}

func (c *Calendar) instant(m moment) time.Time { return dateOfDays(c.first + m.day).At(m.clock) }

// InOfficeHours reports whether t is working time: a working day, inside its office
// hours. Deadlines run only then. False outside the compiled years.
func (c *Calendar) InOfficeHours(t time.Time) bool {
	m, err := c.moment(t)
	return err == nil && c.isWorking(m.day) && c.shift(m.day).Contains(m.clock)
}

// DeskOpen reports whether the one-stop desk receives dossiers at t: in working time,
// or on an ordinary Saturday or Sunday (not a holiday, not a day off by decision)
// inside that weekday's [OfficeHours.Week] hours. A dossier received at an open desk on
// a Saturday still counts from the next working day's opening. False outside the
// compiled years.
func (c *Calendar) DeskOpen(t time.Time) bool {
	m, err := c.moment(t)
	switch {
	case err != nil:
		return false
	case c.isWorking(m.day):
		return c.shift(m.day).Contains(m.clock)
	case c.kind[m.day] != 0:
		return false
	}
	return c.hours.Week[DateOf(t).Weekday()].Contains(m.clock)
}

// NextOpening returns t (to the minute) when it is working time, otherwise the next
// start of working time: after lunch, the next morning, or the opening of the next
// working day. It is when a receipt at t starts to count.
func (c *Calendar) NextOpening(t time.Time) (time.Time, error) {
	m, err := c.moment(t)
	if err != nil {
		return time.Time{}, err
	}
	if m, err = c.nextOpening(m); err != nil {
		return time.Time{}, err
	}
	return c.instant(m), nil
}

func (c *Calendar) nextOpening(m moment) (moment, error) {
	if c.isWorking(m.day) {
		for _, iv := range c.shift(m.day) {
			if m.clock < iv.End {
				return moment{m.day, max(m.clock, iv.Start)}, nil
			}
		}
	}
	return c.openingAfter(m.day)
}

// openingAfter returns the opening of the first working day after day i.
func (c *Calendar) openingAfter(i int) (moment, error) {
	p := int(c.workedBefore[i+1])
	if p >= len(c.workdays) {
		return moment{}, c.errPastEnd()
	}
	j := int(c.workdays[p])
	return moment{j, c.shift(j)[0].Start}, nil
}

func (c *Calendar) errPastEnd() error {
	return fmt.Errorf("calendar: result after the compiled years %d..%d: %w", c.fromYear, c.toYear, ErrOutOfRange)
}

// ApplyCutoff returns when a receipt at t starts to count under a same-day cut-off: a
// receipt after the cut-off clock time (received at 15:01 with a 15:00 cut-off) counts
// from the opening of the next working day; otherwise it counts from
// [Calendar.NextOpening]. A receipt at the cut-off minute itself still counts that day.
// The cut-off is a per-procedure setting (DOMAIN §2: no general rule).
func (c *Calendar) ApplyCutoff(t time.Time, cutoff Clock) (time.Time, error) {
	m, err := c.moment(t)
	if err != nil {
		return time.Time{}, err
	}
	if m.clock > cutoff {
		m, err = c.openingAfter(m.day)
	} else {
		m, err = c.nextOpening(m)
	}
	if err != nil {
		return time.Time{}, err
	}
	return c.instant(m), nil
}

// AddWorkingDays returns the due time of a task of n working days received at t.
//
// The count starts at [Calendar.NextOpening] of t: a receipt outside working time
// (before opening, at lunch, after closing, on a day off) counts as received at the
// next opening. The due time is that same clock time on the n-th working day after the
// start day, so a dossier received on Friday 09:00 with 1 working day is due on Monday
// 09:00, and one received on Saturday is due at the opening time n working days after
// Monday. Should the due day's hours differ and not reach that clock time, it is moved
// to the nearest end of that day's hours. n = 0 gives the start itself.
//
// Apply a cut-off first with [Calendar.ApplyCutoff] where the procedure has one.
func (c *Calendar) AddWorkingDays(t time.Time, n int) (time.Time, error) {
	if n < 0 {
		return time.Time{}, fmt.Errorf("calendar: add %d working days: %w", n, ErrNegative)
	}
	m, err := c.moment(t)
	if err != nil {
		return time.Time{}, err
	}
	if m, err = c.nextOpening(m); err != nil {
		return time.Time{}, err
	}
	// The start day is a working day, the workedBefore[m.day]-th in order.
	p := int(c.workedBefore[m.day]) + n
	if p >= len(c.workdays) {
		return time.Time{}, c.errPastEnd()
	}
	j := int(c.workdays[p])
	s := c.shift(j)
	return c.instant(moment{j, min(max(m.clock, s[0].Start), s[len(s)-1].End)}), nil
}

// AddCalendarDays returns the due time of a task of n calendar days (ngày, not ngày làm
// việc) received at t. The period starts the day after t's date and ends with its n-th
// day (Civil Code 2015, art. 147–148); days off do not lengthen it. The limit is the
// law's, so the due time is never after it: when the last day is not a working day, the
// due time moves back to the last working day before it (the office returns early
// rather than late). The clock time is t's, kept within that day's office hours, as in
// [Calendar.AddWorkingDays]. Should no working day lie after t's date and within the
// period, the due time is the close of t's own day (t itself if later).
//
// Apply a cut-off first with [Calendar.ApplyCutoff] where the procedure has one.
func (c *Calendar) AddCalendarDays(t time.Time, n int) (time.Time, error) {
	if n < 0 {
		return time.Time{}, fmt.Errorf("calendar: add %d calendar days: %w", n, ErrNegative)
	}
	m, err := c.moment(t)
	if err != nil {
		return time.Time{}, err
	}
	end := m.day + n
	if end >= len(c.kind) {
		return time.Time{}, c.errPastEnd()
	}
	// The last working day at or before the period's end: workedBefore[end+1] working
	// days lie in 0..end, the last of them is workdays[that - 1].
	p := int(c.workedBefore[end+1])
	if p == 0 || int(c.workdays[p-1]) <= m.day {
		if c.isWorking(m.day) {
			s := c.shift(m.day)
			if close := s[len(s)-1].End; m.clock < close {
				return c.instant(moment{m.day, close}), nil
			}
		}
		return c.instant(m), nil
	}
	j := int(c.workdays[p-1])
	s := c.shift(j)
	return c.instant(moment{j, min(max(m.clock, s[0].Start), s[len(s)-1].End)}), nil
}

// WorkingDaysBetween returns the number of working days from the start of a task
// received at a to the date of b: the working days after the start day (the date of
// [Calendar.NextOpening] of a) up to and including b's date, negative when b's date is
// earlier. Clock times do not matter beyond choosing the start day, matching the
// domain's rule that a task is on time when done on its due date. It inverts
// [Calendar.AddWorkingDays]: WorkingDaysBetween(t, AddWorkingDays(t, n)) == n.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) (int, error) {
	ma, err := c.moment(a)
	if err != nil {
		return 0, err
	}
	if ma, err = c.nextOpening(ma); err != nil {
		return 0, err
	}
	mb, err := c.moment(b)
	if err != nil {
		return 0, err
	}
	return int(c.workedBefore[mb.day+1] - c.workedBefore[ma.day+1]), nil
}

// workingMinutes returns the working time from the start of the compiled years to m.
func (c *Calendar) workingMinutes(m moment) int64 {
	wm := c.minutesBefore[m.day]
	if c.isWorking(m.day) {
		wm += int64(c.shift(m.day).minutesBefore(m.clock))
	}
	return wm
}

// AddWorkingHours returns the earliest time at which d of working time has passed
// since t, counting only working days inside office hours, to the minute (d's
// remainder below a minute is dropped). With the standard hours, 8 hours from Monday
// 09:00 is Tuesday 09:00, and 4 hours from 07:30 is 11:30 the same day, not 13:00.
// d = 0 gives [Calendar.NextOpening] of t.
func (c *Calendar) AddWorkingHours(t time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("calendar: add %v working time: %w", d, ErrNegative)
	}
	m, err := c.moment(t)
	if err != nil {
		return time.Time{}, err
	}
	mins := int64(d / time.Minute)
	if mins == 0 {
		if m, err = c.nextOpening(m); err != nil {
			return time.Time{}, err
		}
		return c.instant(m), nil
	}
	target := c.workingMinutes(m) + mins
	// The day that holds the target minute: the first whose cumulative working time
	// reaches it.
	n := len(c.kind)
	i := sort.Search(n, func(i int) bool { return c.minutesBefore[i+1] >= target })
	if i == n {
		return time.Time{}, c.errPastEnd()
	}
	return c.instant(moment{i, c.shift(i).clockAfter(int(target - c.minutesBefore[i]))}), nil
}

// WorkingHoursBetween returns the working time from a to b, to the minute: the time
// inside office hours on working days, negative when b is before a. It inverts
// [Calendar.AddWorkingHours]: WorkingHoursBetween(t, AddWorkingHours(t, d)) == d for d
// a whole number of minutes.
func (c *Calendar) WorkingHoursBetween(a, b time.Time) (time.Duration, error) {
	ma, err := c.moment(a)
	if err != nil {
		return 0, err
	}
	mb, err := c.moment(b)
	if err != nil {
		return 0, err
	}
	return time.Duration(c.workingMinutes(mb)-c.workingMinutes(ma)) * time.Minute, nil
}
