package report

import (
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// Preset is a period a leader picks in one click.
type Preset struct {
	Key, Label string
	From, To   calendar.Date
}

// Presets are the usual periods around today (a local date): this month, this quarter,
// this year and last year, each whole (a period may end after today: the figures of
// days to come are zero).
func Presets(today calendar.Date) []Preset {
	y, m := today.Year, today.Month
	q := time.Month((int(m)-1)/3*3 + 1)
	return []Preset{
		{"month", "Tháng này", calendar.NewDate(y, m, 1), calendar.NewDate(y, m+1, 0)},
		{"quarter", "Quý này", calendar.NewDate(y, q, 1), calendar.NewDate(y, q+3, 0)},
		{"year", "Năm nay", calendar.NewDate(y, time.January, 1), calendar.NewDate(y, time.December, 31)},
		{"last_year", "Năm trước", calendar.NewDate(y-1, time.January, 1), calendar.NewDate(y-1, time.December, 31)},
	}
}
