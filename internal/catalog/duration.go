package catalog

import "fmt"

// HoursPerDay is the length of a working day in working hours (the offices work
// mornings and afternoons, 8 hours in all); it converts a legal time in days into the
// hours that workflow budgets are counted in.
const HoursPerDay = 8

// DurationUnit is the unit of a legal processing time.
type DurationUnit string

const (
	Days  DurationUnit = "days"  // ngày làm việc
	Hours DurationUnit = "hours" // giờ làm việc
)

// Duration is a legal processing time (thời hạn giải quyết) in working days or, for
// procedures settled within the day, working hours. The calendar package turns it into
// a due time; this package only needs it to check workflow budgets.
type Duration struct {
	Value int          `json:"value"`
	Unit  DurationUnit `json:"unit"`
}

// WorkingHours returns the duration in working hours.
func (d Duration) WorkingHours() int {
	if d.Unit == Days {
		return d.Value * HoursPerDay
	}
	return d.Value
}

// String says the duration in Vietnamese: "3 ngày làm việc", "2 giờ làm việc".
func (d Duration) String() string {
	if d.Unit == Days {
		return fmt.Sprintf("%d ngày làm việc", d.Value)
	}
	return fmt.Sprintf("%d giờ làm việc", d.Value)
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
	case Hours:
		if d.Value < 1 || d.Value > maxHours {
			ps.add(path+".value", "thời hạn tính theo giờ làm việc phải từ 1 đến %d; dài hơn thì tính theo ngày", maxHours)
		}
	default:
		ps.add(path+".unit", "đơn vị thời hạn %q không hợp lệ; dùng \"days\" (ngày làm việc) hoặc \"hours\" (giờ làm việc)", d.Unit)
	}
}
