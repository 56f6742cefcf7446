package broadcast_test

import (
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/locale"
)

// FuzzReportParams: the play log's days and the totals' month, as a query string brings
// them, never panic, and what they accept is a period of 1 to 31 days (a month of
// 2000–2200).
func FuzzReportParams(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"2026-12-01", "2026-12-31"}, {"2026-12-31", "2026-12-01"}, {"2026-02-30", ""}, {"9999-99-99", "x"}, {"2026-12", "2026-13"}} {
		f.Add(s[0], s[1])
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, locale.Zone)
	f.Fuzz(func(t *testing.T, from, to string) {
		if a, b, err := broadcast.ParsePeriod(from, to, now); err == nil {
			if !b.After(a) || b.Sub(a) > 31*24*time.Hour+time.Hour {
				t.Fatalf("ParsePeriod(%q, %q) = %v, %v", from, to, a, b)
			}
		}
		if m, err := broadcast.ParseMonth(from); err == nil && (m.Day() != 1 || m.Year() < 2000 || m.Year() > 2200) {
			t.Fatalf("ParseMonth(%q) = %v", from, m)
		}
	})
}
