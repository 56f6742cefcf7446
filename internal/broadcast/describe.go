package broadcast

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

var dayNames = map[time.Weekday]string{time.Monday: "thứ Hai", time.Tuesday: "thứ Ba", time.Wednesday: "thứ Tư",
	time.Thursday: "thứ Năm", time.Friday: "thứ Sáu", time.Saturday: "thứ Bảy", time.Sunday: "Chủ nhật"}

// Describe says the schedule in Vietnamese, as the operator's page shows it: "Một lần lúc
// 10:15 ngày 07/12/2026", "Hằng ngày lúc 06:00, 17:00, từ 07/12/2026 đến 31/12/2026".
// A rule beyond the common shapes is given as it is written.
func (s Schedule) Describe() string {
	start := s.Start.In(locale.Zone)
	if s.Rule == nil {
		return "Một lần lúc " + start.Format("15:04") + " ngày " + locale.Day(start)
	}
	r := s.Rule
	var what string
	plain := len(r.ByMonthDay) == 0 && len(r.ByMonth) == 0 && !slices.ContainsFunc(r.ByDay, func(d WeekdayNth) bool { return d.N != 0 })
	switch {
	case plain && r.Freq == Daily && len(r.ByDay) == 0:
		what = "Hằng ngày"
		if r.Interval > 1 {
			what = fmt.Sprintf("Cách %d ngày một lần", r.Interval)
		}
	case plain && (r.Freq == Weekly || r.Freq == Daily) && len(r.ByDay) > 0:
		days := make([]string, len(r.ByDay))
		for i, d := range r.ByDay {
			days[i] = dayNames[d.Day]
		}
		what = "Các ngày " + strings.Join(days, ", ")
		if r.Interval > 1 && r.Freq == Weekly {
			what += fmt.Sprintf(", cách %d tuần một lần", r.Interval)
		}
	case plain && r.Freq == Weekly:
		what = "Hằng tuần vào " + dayNames[start.Weekday()]
	default:
		what = "Theo quy tắc " + r.String()
	}
	hours, minutes := r.ByHour, r.ByMinute
	if len(hours) == 0 {
		hours = []int{start.Hour()}
	}
	if len(minutes) == 0 {
		minutes = []int{start.Minute()}
	}
	var times []string
	for _, h := range slices.Sorted(slices.Values(hours)) {
		for _, m := range slices.Sorted(slices.Values(minutes)) {
			times = append(times, fmt.Sprintf("%02d:%02d", h, m))
		}
	}
	out := what + " lúc " + strings.Join(times, ", ") + ", từ " + locale.Day(start)
	if end := s.end(); !end.IsZero() {
		out += " đến " + locale.Day(end)
	}
	if r.Count > 0 {
		out += fmt.Sprintf(" (%d lần)", r.Count)
	}
	return out
}
