package catalog

import (
	"fmt"
	"strings"
)

// HoursPerDay is the length of a working day in working hours (the offices work
// mornings and afternoons, 8 hours in all); it converts a legal time in days into the
// hours that workflow budgets are counted in.
const HoursPerDay = 8

// DurationUnit is the unit of a legal processing time.
type DurationUnit string

const (
	Days  DurationUnit = "days"  // ngày làm việc
	Hours DurationUnit = "hours" // giờ làm việc
	// CalendarDays counts every day, days off included ("15 ngày" for registering a
	// religious activity): holidays never stretch such a limit (DOMAIN §2).
	CalendarDays DurationUnit = "calendar_days" // ngày (ngày lịch)
)

// DurationUnits lists every unit.
var DurationUnits = []DurationUnit{Days, Hours, CalendarDays}

// Duration is a legal processing time (thời hạn giải quyết) in working days, calendar
// days or, for procedures settled within the day, working hours. The calendar package
// turns it into a due time; this package only needs it to check workflow budgets.
type Duration struct {
	Value int          `json:"value"`
	Unit  DurationUnit `json:"unit"`
}

// WorkingHours returns the duration in working hours. A limit in calendar days counts
// the working days a week of them always holds, five in seven (15 days: 10 working
// days), so the workflow's budget fits even when holidays fall inside it.
func (d Duration) WorkingHours() int {
	switch d.Unit {
	case Days:
		return d.Value * HoursPerDay
	case CalendarDays:
		return d.Value * 5 / 7 * HoursPerDay
	}
	return d.Value
}

// String says the duration in Vietnamese: "3 ngày làm việc", "2 giờ làm việc", "15 ngày".
func (d Duration) String() string {
	switch d.Unit {
	case Days:
		return fmt.Sprintf("%d ngày làm việc", d.Value)
	case CalendarDays:
		return fmt.Sprintf("%d ngày", d.Value)
	}
	return fmt.Sprintf("%d giờ làm việc", d.Value)
}

// Words says the legal time as the law words it, for form 01 and the citizens' pages
// (DOMAIN §3): two digits below ten, as administrative texts write them ("03 ngày làm
// việc", "15 ngày"). A procedure settled within the day (at most one day of working
// hours) with a cut-off reads "trong ngày làm việc; sau 15 giờ thì trả trong ngày làm
// việc tiếp theo"; cutOff is its clock time ("15:00"), "" when it has none.
func (d Duration) Words(cutOff string) string {
	if d.Unit == Hours && d.Value <= HoursPerDay {
		s := "Trong ngày làm việc"
		if cutOff != "" {
			s += "; sau " + clockWords(cutOff) + " thì trả trong ngày làm việc tiếp theo"
		}
		return s
	}
	n := fmt.Sprintf("%02d", d.Value)
	switch d.Unit {
	case Days:
		return n + " ngày làm việc"
	case CalendarDays:
		return n + " ngày"
	}
	return n + " giờ làm việc"
}

// clockWords says a clock time as legal texts do: "15 giờ", "16 giờ 30".
func clockWords(hhmm string) string {
	h, m, _ := strings.Cut(hhmm, ":")
	h = strings.TrimLeft(h, "0")
	if h == "" {
		h = "0"
	}
	if m == "" || m == "00" {
		return h + " giờ"
	}
	return h + " giờ " + m
}

// The longest legal times accepted: more is a typing mistake, and bounds keep
// arithmetic on imported values safe.
const (
	maxDays  = 365
	maxHours = 10 * HoursPerDay
)

func (d Duration) check(ps *problems, path string) {
	switch d.Unit {
	case Days:
		if d.Value < 1 || d.Value > maxDays {
			ps.add(path+".value", "thời hạn tính theo ngày làm việc phải từ 1 đến %d", maxDays)
		}
	case CalendarDays:
		if d.Value < 1 || d.Value > maxDays {
			ps.add(path+".value", "thời hạn tính theo ngày phải từ 1 đến %d", maxDays)
		}
	case Hours:
		if d.Value < 1 || d.Value > maxHours {
			ps.add(path+".value", "thời hạn tính theo giờ làm việc phải từ 1 đến %d; dài hơn thì tính theo ngày", maxHours)
		}
	default:
		ps.add(path+".unit", "đơn vị thời hạn %q không hợp lệ; dùng \"days\" (ngày làm việc), \"calendar_days\" (ngày, kể cả ngày nghỉ) hoặc \"hours\" (giờ làm việc)", d.Unit)
	}
}
