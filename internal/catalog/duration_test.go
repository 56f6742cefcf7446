package catalog

import "testing"

func TestDurationWords(t *testing.T) {
	tests := []struct {
		d      Duration
		cutOff string
		words  string
		str    string
		hours  int
	}{
		{Duration{2, Hours}, "15:00", "Trong ngày làm việc; sau 15 giờ thì trả trong ngày làm việc tiếp theo", "2 giờ làm việc", 2},
		{Duration{8, Hours}, "16:30", "Trong ngày làm việc; sau 16 giờ 30 thì trả trong ngày làm việc tiếp theo", "8 giờ làm việc", 8},
		{Duration{4, Hours}, "", "Trong ngày làm việc", "4 giờ làm việc", 4},
		{Duration{16, Hours}, "", "16 giờ làm việc", "16 giờ làm việc", 16},
		{Duration{3, Days}, "", "03 ngày làm việc", "3 ngày làm việc", 24},
		{Duration{15, CalendarDays}, "", "15 ngày", "15 ngày", 80},
		{Duration{3, CalendarDays}, "", "03 ngày", "3 ngày", 16},
	}
	for _, tt := range tests {
		if got := tt.d.Words(tt.cutOff); got != tt.words {
			t.Errorf("%+v.Words(%q) = %q, want %q", tt.d, tt.cutOff, got, tt.words)
		}
		if got := tt.d.String(); got != tt.str {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.str)
		}
		if got := tt.d.WorkingHours(); got != tt.hours {
			t.Errorf("%+v.WorkingHours() = %d, want %d", tt.d, got, tt.hours)
		}
	}
}

func TestDurationCheck(t *testing.T) {
	tests := []struct {
		d    Duration
		path string // the problem's path, "" when valid
	}{
		{Duration{15, CalendarDays}, ""},
		{Duration{365, CalendarDays}, ""},
		{Duration{0, CalendarDays}, "legal_time.value"},
		{Duration{366, CalendarDays}, "legal_time.value"},
		{Duration{3, "weeks"}, "legal_time.unit"},
	}
	for _, tt := range tests {
		ps := problems{}
		tt.d.check(&ps, "legal_time")
		switch {
		case tt.path == "" && len(ps.list) > 0:
			t.Errorf("%+v: unexpected %v", tt.d, ps.list)
		case tt.path != "" && (len(ps.list) != 1 || ps.list[0].Path != tt.path):
			t.Errorf("%+v: problems %v, want one at %s", tt.d, ps.list, tt.path)
		}
	}
}
