package locale

import (
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestDates(t *testing.T) {
	tests := []struct {
		name     string
		t        time.Time
		long     string
		date     string
		dateTime string
	}{
		{"two-digit day and month", time.Date(2026, 11, 26, 15, 4, 0, 0, Zone),
			"ngày 26 tháng 11 năm 2026", "26/11/2026", "15 giờ 04 phút, ngày 26/11/2026"},
		{"day below 10, February", time.Date(2026, 2, 5, 8, 0, 0, 0, Zone),
			"ngày 05 tháng 02 năm 2026", "05/02/2026", "08 giờ 00 phút, ngày 05/02/2026"},
		{"January", time.Date(2027, 1, 1, 7, 30, 0, 0, Zone),
			"ngày 01 tháng 01 năm 2027", "01/01/2027", "07 giờ 30 phút, ngày 01/01/2027"},
		{"March has no zero", time.Date(2026, 3, 9, 13, 5, 0, 0, Zone),
			"ngày 09 tháng 3 năm 2026", "09/3/2026", "13 giờ 05 phút, ngày 09/3/2026"},
		{"September", time.Date(2025, 9, 15, 10, 0, 0, 0, Zone),
			"ngày 15 tháng 9 năm 2025", "15/9/2025", "10 giờ 00 phút, ngày 15/9/2025"},
		{"December 31", time.Date(2026, 12, 31, 23, 59, 0, 0, Zone),
			"ngày 31 tháng 12 năm 2026", "31/12/2026", "23 giờ 59 phút, ngày 31/12/2026"},
		{"UTC evening is the next day in Vietnam", time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC),
			"ngày 26 tháng 11 năm 2026", "26/11/2026", "01 giờ 30 phút, ngày 26/11/2026"},
		{"another zone", time.Date(2026, 7, 4, 20, 0, 0, 0, time.FixedZone("EDT", -4*3600)),
			"ngày 05 tháng 7 năm 2026", "05/7/2026", "07 giờ 00 phút, ngày 05/7/2026"},
		{"zero time leaves blanks", time.Time{},
			"ngày … tháng … năm …", "…/…/…", "… giờ … phút, ngày …/…/…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateLong(tt.t); got != tt.long {
				t.Errorf("DateLong = %q, want %q", got, tt.long)
			}
			if got := Date(tt.t); got != tt.date {
				t.Errorf("Date = %q, want %q", got, tt.date)
			}
			if got := DateTime(tt.t); got != tt.dateTime {
				t.Errorf("DateTime = %q, want %q", got, tt.dateTime)
			}
		})
	}
}

func TestPlaceDate(t *testing.T) {
	d := time.Date(2026, 11, 26, 9, 0, 0, 0, Zone)
	tests := []struct {
		place string
		t     time.Time
		want  string
	}{
		{"Yên Từ", d, "Yên Từ, ngày 26 tháng 11 năm 2026"},
		{"Hà Nội", time.Date(2023, 2, 1, 0, 0, 0, 0, Zone), "Hà Nội, ngày 01 tháng 02 năm 2023"},
		{"", d, "Ngày 26 tháng 11 năm 2026"},
		{"Yên Từ", time.Time{}, "Yên Từ, ngày … tháng … năm …"},
	}
	for _, tt := range tests {
		if got := PlaceDate(tt.place, tt.t); got != tt.want {
			t.Errorf("PlaceDate(%q, %v) = %q, want %q", tt.place, tt.t, got, tt.want)
		}
	}
}

func TestNFC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nguyễn Thị Ngọc Ánh", "Nguyễn Thị Ngọc Ánh"},
		{norm.NFD.String("Nguyễn Thị Ngọc Ánh"), "Nguyễn Thị Ngọc Ánh"},
		{"Đăng ky\u0301 khai sinh", "Đăng ký khai sinh"},
		{"U\u0309y ban nhân dân xã Yên Từ", "Ủy ban nhân dân xã Yên Từ"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NFC(tt.in); got != tt.want {
			t.Errorf("NFC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
