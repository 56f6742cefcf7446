package qr

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestPNG(t *testing.T) {
	b, err := PNG("000.31.37.H45-260126-0007", ScreenSize)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != ScreenSize {
		t.Fatalf("width %d, want %d", w, ScreenSize)
	}
}

func TestSVG(t *testing.T) {
	s, err := SVG("000.31.37.H45-260126-0007", `Mã "hồ sơ"`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `) || !strings.Contains(s, `aria-label="Mã &quot;hồ sơ&quot;"`) ||
		strings.Count(s, "M") < 20 {
		t.Fatalf("svg: %.300s", s)
	}
	if _, err := SVG(strings.Repeat("x", 5000), ""); err == nil {
		t.Fatal("content too long for a QR code accepted")
	}
}
