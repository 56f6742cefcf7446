package web

import (
	"bytes"
	"image/png"
	"testing"
	"unicode/utf8"
)

func TestAppShortName(t *testing.T) {
	for _, c := range []struct{ unit, want string }{
		{"Xã Yên Từ", "Yên Từ"},
		{"Phường Hoàn Kiếm", "Hoàn Kiếm"},
		{"Đặc khu Phú Quốc", "Phú Quốc"},
		{"Xã Quảng Phú Cầu Mới", "Dịch vụ công"}, // 16 letters: too long for a home screen
		{"Xã ", "Dịch vụ công"},
		{"Xã số", "Xã số"},
	} {
		got := appShortName(c.unit)
		if got != c.want {
			t.Errorf("appShortName(%q) = %q, want %q", c.unit, got, c.want)
		}
		if n := utf8.RuneCountInString(got); n > shortNameMax {
			t.Errorf("appShortName(%q) = %q has %d characters, over %d", c.unit, got, n, shortNameMax)
		}
	}
}

// TestIconsDraw: the mark is drawn (red and white, not blank), and the maskable icon
// fills its square while the other is rounded (transparent corners).
func TestIconsDraw(t *testing.T) {
	for _, c := range []struct {
		size     int
		maskable bool
	}{{192, false}, {512, true}} {
		img, err := png.Decode(bytes.NewReader(drawIcon(c.size, c.maskable)))
		if err != nil {
			t.Fatal(err)
		}
		_, _, _, cornerA := img.At(0, 0).RGBA()
		if c.maskable != (cornerA == 0xffff) {
			t.Errorf("size %d maskable %v: corner alpha %#x", c.size, c.maskable, cornerA)
		}
		r, g, b, _ := img.At(c.size/2, c.size/2).RGBA()
		if r>>8 != 0xff || g>>8 != 0xff || b>>8 != 0xff {
			t.Errorf("size %d: the centre is not the white star: %d %d %d", c.size, r>>8, g>>8, b>>8)
		}
		r, g, b, _ = img.At(c.size/2, c.size/20+2).RGBA()
		if r>>8 != 0xa3 || g>>8 != 0x16 || b>>8 != 0x0f {
			t.Errorf("size %d: the top is not the portal's red: %d %d %d", c.size, r>>8, g>>8, b>>8)
		}
	}
}
