// Package broadcast is the commune's loudspeaker system (truyền thanh cơ sở, DOMAIN.md §13):
// bulletins, their schedules, the clusters of speakers and what each plays.
//
// This file is the schedule: a bulletin plays once at an exact time, or again and again by
// a recurrence rule of RFC 5545 (iCalendar's RRULE) between a first and a last day — the
// daily programmes at 6:00 and 17:00 are FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0.
//
// xaso reads and expands the part of RFC 5545 a programme needs itself, day by day within
// the window asked for, so that any rule a user writes costs at most a few thousand steps:
// the chosen library's iterator (teambition/rrule-go), given a rule that never matches
// (BYMONTH=2;BYMONTHDAY=30), walks to the year 9999 whatever its UNTIL says.
package broadcast

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Errors of schedules, with stable codes.
var (
	ErrRule = apperr.New(apperr.Invalid, "schedule_rule_invalid",
		"Quy tắc lặp lại không đúng dạng (ví dụ đúng: FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0).")
	ErrTooFrequent = apperr.New(apperr.Invalid, "schedule_too_frequent",
		"Lịch phát lặp lại quá dày: nhiều nhất 24 lần một ngày, không lặp theo giờ, phút hay giây.")
	ErrNoEnd = apperr.New(apperr.Invalid, "schedule_no_end",
		"Lịch phát lặp lại cần ngày kết thúc, trong vòng 5 năm kể từ ngày bắt đầu.")
	ErrEndsBeforeStart = apperr.New(apperr.Invalid, "schedule_ends_before_start",
		"Lịch phát kết thúc trước khi bắt đầu.")
	ErrWindow = apperr.New(apperr.Invalid, "schedule_window_too_long",
		"Chỉ xem được lịch phát trong tối đa 400 ngày một lần.")
)

// Limits of a schedule.
const (
	maxRuleBytes  = 300
	maxPerDay     = 24
	maxYears      = 5
	maxWindowDays = 400
	maxCount      = 10_000
	maxInterval   = 366
)

// Frequency is a rule's FREQ: the unit its INTERVAL counts.
type Frequency string

const (
	Daily   Frequency = "DAILY"
	Weekly  Frequency = "WEEKLY"
	Monthly Frequency = "MONTHLY"
	Yearly  Frequency = "YEARLY"
)

// WeekdayNth is a BYDAY entry: a weekday, and for a monthly or yearly rule its position in
// the month (1 the first, -1 the last; 0 every one).
type WeekdayNth struct {
	Day time.Weekday
	N   int
}

// Rule is a recurrence rule within the subset xaso reads.
type Rule struct {
	Freq       Frequency
	Interval   int // 1 when not given
	Count      int // 0: not limited by a count
	Until      time.Time
	ByDay      []WeekdayNth
	ByMonthDay []int
	ByMonth    []time.Month
	ByHour     []int
	ByMinute   []int
	WeekStart  time.Weekday // WKST, Monday when not given
}

var weekdays = map[string]time.Weekday{"MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday, "SU": time.Sunday}

// ParseRule reads an RRULE value ("FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0"; an "RRULE:"
// prefix is allowed). UNTIL is read in Vietnam's time unless it ends in Z.
func ParseRule(s string) (Rule, error) {
	if len(s) > maxRuleBytes {
		return Rule{}, ErrRule.With(fmt.Errorf("longer than %d bytes", maxRuleBytes))
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), "RRULE:")
	r := Rule{Interval: 1, WeekStart: time.Monday}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ";") {
		key, value, ok := strings.Cut(part, "=")
		key = strings.ToUpper(strings.TrimSpace(key))
		value = strings.ToUpper(strings.TrimSpace(value))
		if !ok || value == "" || seen[key] {
			return Rule{}, ErrRule.With(fmt.Errorf("part %q", part))
		}
		seen[key] = true
		var err error
		switch key {
		case "FREQ":
			switch f := Frequency(value); f {
			case Daily, Weekly, Monthly, Yearly:
				r.Freq = f
			case "HOURLY", "MINUTELY", "SECONDLY":
				return Rule{}, ErrTooFrequent
			default:
				err = fmt.Errorf("FREQ %q", value)
			}
		case "INTERVAL":
			r.Interval, err = intIn(value, 1, maxInterval)
		case "COUNT":
			r.Count, err = intIn(value, 1, maxCount)
		case "UNTIL":
			r.Until, err = parseUntil(value)
		case "BYDAY":
			r.ByDay, err = parseByDay(value)
		case "BYMONTHDAY":
			r.ByMonthDay, err = intList(value, -31, 31, true)
		case "BYMONTH":
			var ms []int
			ms, err = intList(value, 1, 12, false)
			for _, m := range ms {
				r.ByMonth = append(r.ByMonth, time.Month(m))
			}
		case "BYHOUR":
			r.ByHour, err = intList(value, 0, 23, false)
		case "BYMINUTE":
			r.ByMinute, err = intList(value, 0, 59, false)
		case "BYSECOND":
			if value != "0" {
				return Rule{}, ErrTooFrequent
			}
		case "WKST":
			d, ok := weekdays[value]
			if !ok {
				err = fmt.Errorf("WKST %q", value)
			}
			r.WeekStart = d
		default: // BYSETPOS, BYYEARDAY, BYWEEKNO, and anything else
			err = fmt.Errorf("%s is not supported", key)
		}
		if err != nil {
			return Rule{}, ErrRule.With(err)
		}
	}
	if r.Freq == "" {
		return Rule{}, ErrRule.With(fmt.Errorf("no FREQ"))
	}
	if r.Count > 0 && !r.Until.IsZero() {
		return Rule{}, ErrRule.With(fmt.Errorf("both COUNT and UNTIL"))
	}
	for _, d := range r.ByDay {
		if d.N != 0 && r.Freq != Monthly && r.Freq != Yearly {
			return Rule{}, ErrRule.With(fmt.Errorf("a numbered BYDAY in a %s rule", r.Freq))
		}
	}
	if max(len(r.ByHour), 1)*max(len(r.ByMinute), 1) > maxPerDay {
		return Rule{}, ErrTooFrequent
	}
	return r, nil
}

func intIn(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a number from %d to %d", s, lo, hi)
	}
	return n, nil
}

// intList reads a comma-separated list of distinct numbers within lo..hi, zero excluded
// when noZero.
func intList(s string, lo, hi int, noZero bool) ([]int, error) {
	var out []int
	for v := range strings.SplitSeq(s, ",") {
		n, err := intIn(v, lo, hi)
		if err != nil {
			return nil, err
		}
		if (noZero && n == 0) || slices.Contains(out, n) {
			return nil, fmt.Errorf("%q", v)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseByDay(s string) ([]WeekdayNth, error) {
	var out []WeekdayNth
	for v := range strings.SplitSeq(s, ",") {
		if len(v) < 2 {
			return nil, fmt.Errorf("BYDAY %q", v)
		}
		d, ok := weekdays[v[len(v)-2:]]
		if !ok {
			return nil, fmt.Errorf("BYDAY %q", v)
		}
		n := 0
		if pos := v[:len(v)-2]; pos != "" {
			var err error
			if n, err = strconv.Atoi(pos); err != nil || n == 0 || n < -5 || n > 5 {
				return nil, fmt.Errorf("BYDAY %q", v)
			}
		}
		w := WeekdayNth{d, n}
		if slices.Contains(out, w) {
			return nil, fmt.Errorf("BYDAY %q twice", v)
		}
		out = append(out, w)
	}
	return out, nil
}

func parseUntil(s string) (time.Time, error) {
	for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		loc := locale.Zone
		if strings.HasSuffix(layout, "Z") {
			loc = time.UTC
		}
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			if layout == "20060102" { // the whole of that day
				t = t.Add(24*time.Hour - time.Second)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("UNTIL %q", s)
}

// String writes the rule back in RFC 5545's form.
func (r Rule) String() string {
	parts := []string{"FREQ=" + string(r.Freq)}
	if r.Interval > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(r.Interval))
	}
	if r.Count > 0 {
		parts = append(parts, "COUNT="+strconv.Itoa(r.Count))
	}
	if !r.Until.IsZero() {
		parts = append(parts, "UNTIL="+r.Until.UTC().Format("20060102T150405Z"))
	}
	join := func(ns []int) string {
		s := make([]string, len(ns))
		for i, n := range ns {
			s[i] = strconv.Itoa(n)
		}
		return strings.Join(s, ",")
	}
	if len(r.ByDay) > 0 {
		s := make([]string, len(r.ByDay))
		for i, d := range r.ByDay {
			name := strings.ToUpper(d.Day.String()[:2])
			if d.N != 0 {
				name = strconv.Itoa(d.N) + name
			}
			s[i] = name
		}
		parts = append(parts, "BYDAY="+strings.Join(s, ","))
	}
	if len(r.ByMonthDay) > 0 {
		parts = append(parts, "BYMONTHDAY="+join(r.ByMonthDay))
	}
	if len(r.ByMonth) > 0 {
		ms := make([]int, len(r.ByMonth))
		for i, m := range r.ByMonth {
			ms[i] = int(m)
		}
		parts = append(parts, "BYMONTH="+join(ms))
	}
	if len(r.ByHour) > 0 {
		parts = append(parts, "BYHOUR="+join(r.ByHour))
	}
	if len(r.ByMinute) > 0 {
		parts = append(parts, "BYMINUTE="+join(r.ByMinute))
	}
	if r.WeekStart != time.Monday {
		parts = append(parts, "WKST="+strings.ToUpper(r.WeekStart.String()[:2]))
	}
	return strings.Join(parts, ";")
}

// Schedule is when a bulletin plays: once at Start (no Rule), or by Rule from Start (its
// DTSTART, which gives the time of day when the rule names no hours) through the last
// day End, in Vietnam's time.
type Schedule struct {
	Start time.Time
	Rule  *Rule
	End   time.Time // the last moment a recurring schedule may play; ignored for a one-off
}

// Check refuses a recurring schedule without an end or ending more than five years
// after its start.
func (s Schedule) Check() error {
	if s.Start.IsZero() {
		return ErrRule.With(fmt.Errorf("no start"))
	}
	if s.Rule == nil {
		return nil
	}
	end := s.end()
	if end.IsZero() && s.Rule.Count == 0 {
		return ErrNoEnd
	}
	if !end.IsZero() && end.Before(s.Start) {
		return ErrEndsBeforeStart
	}
	if !end.IsZero() && end.After(s.Start.AddDate(maxYears, 0, 0)) {
		return ErrNoEnd
	}
	return nil
}

// end is the earlier of End and the rule's UNTIL.
func (s Schedule) end() time.Time {
	end := s.End
	if u := s.Rule.Until; !u.IsZero() && (end.IsZero() || u.Before(end)) {
		end = u
	}
	return end
}

// Between returns the times the schedule plays within [from, to), in order. The window is
// at most 400 days; a rule's COUNT counts from Start, so the days from Start to the window
// are walked too (at most five years of them, Check's bound).
func (s Schedule) Between(from, to time.Time) ([]time.Time, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if to.Sub(from) > maxWindowDays*24*time.Hour {
		return nil, ErrWindow
	}
	if s.Rule == nil {
		if !s.Start.Before(from) && s.Start.Before(to) {
			return []time.Time{s.Start.In(locale.Zone)}, nil
		}
		return nil, nil
	}
	r, start := s.Rule, s.Start.In(locale.Zone)
	end := s.end()
	hours, minutes := r.ByHour, r.ByMinute
	if len(hours) == 0 {
		hours = []int{start.Hour()}
	}
	if len(minutes) == 0 {
		minutes = []int{start.Minute()}
	}
	hours, minutes = slices.Sorted(slices.Values(hours)), slices.Sorted(slices.Values(minutes))
	var out []time.Time
	count := 0
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, locale.Zone)
	for ; ; day = day.AddDate(0, 0, 1) {
		if !day.Before(to) || (!end.IsZero() && day.After(end)) {
			return out, nil
		}
		if day.After(start.AddDate(maxYears, 0, 1)) { // unreachable after Check; a guard
			return out, nil
		}
		if !r.matches(day, start) {
			continue
		}
		for _, h := range hours {
			for _, m := range minutes {
				t := time.Date(day.Year(), day.Month(), day.Day(), h, m, start.Second(), 0, locale.Zone)
				if t.Before(start) || (!end.IsZero() && t.After(end)) {
					continue
				}
				count++
				if r.Count > 0 && count > r.Count {
					return out, nil
				}
				if !t.Before(from) && t.Before(to) {
					out = append(out, t)
				}
			}
		}
	}
}

// matches says whether the rule plays on day (midnight, Vietnam's time), counting its
// interval from start.
func (r *Rule) matches(day, start time.Time) bool {
	first := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, locale.Zone)
	switch r.Freq {
	case Daily:
		if daysBetween(first, day)%r.Interval != 0 {
			return false
		}
	case Weekly:
		if weeksBetween(first, day, r.WeekStart)%r.Interval != 0 {
			return false
		}
	case Monthly:
		if ((day.Year()-first.Year())*12+int(day.Month())-int(first.Month()))%r.Interval != 0 {
			return false
		}
	case Yearly:
		if (day.Year()-first.Year())%r.Interval != 0 {
			return false
		}
	}
	if len(r.ByMonth) > 0 && !slices.Contains(r.ByMonth, day.Month()) {
		return false
	}
	last := time.Date(day.Year(), day.Month()+1, 0, 0, 0, 0, 0, locale.Zone).Day()
	if len(r.ByMonthDay) > 0 && !slices.ContainsFunc(r.ByMonthDay, func(n int) bool {
		return n == day.Day() || n < 0 && last+1+n == day.Day()
	}) {
		return false
	}
	if len(r.ByDay) > 0 && !slices.ContainsFunc(r.ByDay, func(w WeekdayNth) bool {
		if w.Day != day.Weekday() {
			return false
		}
		switch {
		case w.N > 0:
			return (day.Day()-1)/7+1 == w.N
		case w.N < 0:
			return (last-day.Day())/7+1 == -w.N
		}
		return true
	}) {
		return false
	}
	// Without BY-parts a rule repeats on its start's day of the week, month or year.
	if len(r.ByDay) == 0 && len(r.ByMonthDay) == 0 {
		switch r.Freq {
		case Weekly:
			return day.Weekday() == first.Weekday()
		case Monthly:
			return day.Day() == first.Day()
		case Yearly:
			return day.Day() == first.Day() && (len(r.ByMonth) > 0 || day.Month() == first.Month())
		}
	}
	return true
}

func daysBetween(a, b time.Time) int {
	ya, yb := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC), time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(yb.Sub(ya).Hours() / 24)
}

// weeksBetween counts the weeks (starting on wkst) from a's week to b's.
func weeksBetween(a, b time.Time, wkst time.Weekday) int {
	back := func(t time.Time) time.Time { return t.AddDate(0, 0, -((int(t.Weekday())-int(wkst))+7)%7) }
	return daysBetween(back(a), back(b)) / 7
}
