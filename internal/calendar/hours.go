package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Clock is a time of day in minutes after midnight, 0 to 1440 (24:00, only as the end of
// an interval). Office hours and cut-offs are clock times; the package counts time to
// the minute.
type Clock int

// NewClock returns the clock time h:m.
func NewClock(h, m int) Clock { return Clock(h*60 + m) }

// ClockOf returns the clock time of t in Vietnam, seconds dropped.
func ClockOf(t time.Time) Clock {
	h, m, _ := t.In(locale.Zone).Clock()
	return NewClock(h, m)
}

// ParseClock parses "HH:MM" (00:00 to 24:00).
func ParseClock(s string) (Clock, error) {
	digit := func(i int) int {
		if i < len(s) && '0' <= s[i] && s[i] <= '9' {
			return int(s[i] - '0')
		}
		return -100
	}
	h, m := digit(0)*10+digit(1), digit(3)*10+digit(4)
	if len(s) != 5 || s[2] != ':' || h < 0 || m < 0 || m > 59 || NewClock(h, m) > 24*60 {
		return 0, fmt.Errorf("calendar: clock %q: want HH:MM: %w", s, ErrSyntax)
	}
	return NewClock(h, m), nil
}

// String formats the clock time as "07:30".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Interval is a stretch of a day, from Start included to End excluded: an office that
// works 07:30–11:30 is open at 11:29 and closed at 11:30.
type Interval struct {
	Start, End Clock
}

// Shift is the working time of one day: intervals in order, not overlapping.
type Shift []Interval

// String formats the shift as "07:30-11:30,13:00-17:00" ("" for no hours), the form
// administrators type and storage keeps.
func (s Shift) String() string {
	parts := make([]string, len(s))
	for i, iv := range s {
		parts[i] = iv.Start.String() + "-" + iv.End.String()
	}
	return strings.Join(parts, ",")
}

// ParseShift parses the form String writes; spaces are ignored and "" is no hours.
func ParseShift(text string) (Shift, error) {
	text = strings.ReplaceAll(text, " ", "")
	if text == "" {
		return nil, nil
	}
	var s Shift
	for _, part := range strings.Split(text, ",") {
		a, b, ok := strings.Cut(part, "-")
		start, err1 := ParseClock(a)
		end, err2 := ParseClock(b)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("calendar: hours %q: want HH:MM-HH:MM[,HH:MM-HH:MM]: %w", text, ErrSyntax)
		}
		s = append(s, Interval{start, end})
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("calendar: hours %q: %w", text, err)
	}
	return s, nil
}

// Minutes returns the length of the shift in minutes.
func (s Shift) Minutes() int {
	n := 0
	for _, iv := range s {
		n += int(iv.End - iv.Start)
	}
	return n
}

// Contains reports whether clock time c is inside one of the intervals.
func (s Shift) Contains(c Clock) bool {
	for _, iv := range s {
		if iv.Start <= c && c < iv.End {
			return true
		}
	}
	return false
}

// minutesBefore returns the working minutes of the shift before clock time c.
func (s Shift) minutesBefore(c Clock) int {
	n := 0
	for _, iv := range s {
		if c <= iv.Start {
			break
		}
		n += int(min(c, iv.End) - iv.Start)
	}
	return n
}

// clockAfter returns the earliest clock time at which m working minutes of the shift
// have passed, for 0 < m <= s.Minutes(). Landing on the end of an interval gives that
// end (11:30), not the next start (13:00): a four-hour task begun at 07:30 is done at
// 11:30.
func (s Shift) clockAfter(m int) Clock {
	for _, iv := range s {
		d := int(iv.End - iv.Start)
		if m <= d {
			return iv.Start + Clock(m)
		}
		m -= d
	}
	panic("calendar: clockAfter past the end of the shift")
}

func (s Shift) validate() error {
	for i, iv := range s {
		if iv.Start < 0 || iv.End > 24*60 || iv.Start >= iv.End {
			return fmt.Errorf("interval %v–%v: %w", iv.Start, iv.End, ErrInvalid)
		}
		if i > 0 && iv.Start < s[i-1].End {
			return fmt.Errorf("interval %v–%v overlaps or precedes %v–%v: %w", iv.Start, iv.End, s[i-1].Start, s[i-1].End, ErrInvalid)
		}
	}
	return nil
}

// OfficeHours are a unit's working hours (giờ làm việc). Each province sets its own;
// DOMAIN: 8 hours a day, mornings and afternoons.
type OfficeHours struct {
	// Week holds the hours of each day of the week, indexed by time.Weekday. On a working
	// day they are the working time that deadlines count. On an ordinary Saturday or
	// Sunday, which is not a working day, they are only when the desk receives
	// dossiers (a one-stop desk open on Saturday morning): see [Calendar.DeskOpen].
	// Monday to Friday must have hours.
	Week [7]Shift
	// Makeup is the working time of a weekend day worked by decision (làm bù), which
	// replaces a weekday and is worked like one.
	Makeup Shift
}

// StandardShift is the common working day, 07:30–11:30 and 13:00–17:00: eight hours,
// the length of one working day in hour-based deadlines.
func StandardShift() Shift {
	return Shift{{NewClock(7, 30), NewClock(11, 30)}, {NewClock(13, 0), NewClock(17, 0)}}
}

// DefaultOfficeHours returns the standard shift Monday to Friday, nothing on Saturday
// and Sunday, and the standard shift on weekend days worked by decision. For a desk
// that also receives on Saturday morning, set
// Week[time.Saturday] = Shift{{NewClock(7, 30), NewClock(11, 30)}}.
func DefaultOfficeHours() OfficeHours {
	var h OfficeHours
	for d := time.Monday; d <= time.Friday; d++ {
		h.Week[d] = StandardShift()
	}
	h.Makeup = StandardShift()
	return h
}

// Validate checks that every interval is well formed and in order, and that each
// weekday and Makeup have hours (a working day without working time would make "the
// next opening" undefined).
func (h OfficeHours) Validate() error {
	for d, s := range h.Week {
		if err := s.validate(); err != nil {
			return fmt.Errorf("calendar: office hours of %v: %w", time.Weekday(d), err)
		}
		if len(s) == 0 && d != int(time.Saturday) && d != int(time.Sunday) {
			return fmt.Errorf("calendar: office hours of %v: none: %w", time.Weekday(d), ErrInvalid)
		}
	}
	if err := h.Makeup.validate(); err != nil {
		return fmt.Errorf("calendar: office hours of a makeup day: %w", err)
	}
	if len(h.Makeup) == 0 {
		return fmt.Errorf("calendar: office hours of a makeup day: none: %w", ErrInvalid)
	}
	return nil
}

// clone returns a deep copy, so that a compiled Calendar cannot be changed through the
// caller's slices.
func (h OfficeHours) clone() OfficeHours {
	for d := range h.Week {
		h.Week[d] = slices.Clone(h.Week[d])
	}
	h.Makeup = slices.Clone(h.Makeup)
	return h
}
