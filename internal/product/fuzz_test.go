package product

import (
	"strings"
	"testing"
	"time"
)

// Digital Link paths come from outside (any QR code, any client): any bytes give a
// checked key or an error, never a panic; an accepted key has a 14-digit GTIN with its
// check digit and a lot of set 82 of at most 20 characters, and its path parses back to
// it.
func FuzzParsePath(f *testing.F) {
	f.Add("/01/09506000134352/10/ABC123")
	f.Add("/01/12345670")
	f.Add("/01/08934563000012/10/X")
	f.Add("/01/09506000134352/10/" + strings.Repeat("%25", 100000))
	f.Add("/01/" + strings.Repeat("9", 1<<20))
	f.Add("/01/09506000134352/10/%F0%9F%98%80")
	f.Add("/01/09506000134352/10/%%%")
	f.Add("\x00/01/\xff")
	f.Add(strings.Repeat("/01/", 50000))
	f.Fuzz(func(t *testing.T, path string) {
		k, err := ParsePath(path)
		if err != nil {
			return
		}
		if len(k.GTIN) != 14 || CheckDigit(k.GTIN[:13]) != k.GTIN[13] {
			t.Fatalf("accepted GTIN %q", k.GTIN)
		}
		if k.Lot != "" && CheckLot(k.Lot) != nil {
			t.Fatalf("accepted lot %q", k.Lot)
		}
		if back, err := ParsePath(k.Path()); err != nil || back != k {
			t.Fatalf("%q → %+v → %s → %+v, %v", path, k, k.Path(), back, err)
		}
	})
}

// Marketplace links are https to a host or refused.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://shopee.vn/gio-trung", "http://x.vn", "javascript:alert(1)", "https://user:pw@x.vn/",
		"https:///x", "//evil.example", "https://x.vn/\r\nLocation: y", strings.Repeat("https://a", 10000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := checkURL(s)
		if ok && (!strings.HasPrefix(u, "https://") || len(u) > 3*MaxURL || strings.ContainsAny(u, "\r\n")) {
			t.Fatalf("accepted %q as %q", s, u)
		}
	})
}

// A product's input comes from outside (the office form, the API): any strings and
// numbers give a checked product or field errors, never a panic; an accepted product
// has its GTIN's check digit, https links, scores within their maxima and the stars of
// the total.
func FuzzInputCheck(f *testing.F) {
	f.Add("Giò trứng Nộn Khê", "food", "9520123000011", "0987654321", "https://zalo.me/0987654321", "https://shopee.vn/x", 3, 2024, 24, 13, 20)
	f.Add(strings.Repeat("ả", 100000), "cars", strings.Repeat("9", 1<<16), "\xff\xfe", "javascript:alert(1)", "http://x", -1, 1<<30, -5, 99, 1<<31-1)
	f.Add("", "", "", "", "", "https://u:p@x.vn", 0, 0, 0, 0, 0)
	f.Fuzz(func(t *testing.T, name, cat, gtin, phone, zalo, link string, stars, year, a, b, c int) {
		s := &Service{Now: func() time.Time { return time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC) }}
		var p Product
		err := s.check(Input{Name: name, Category: cat, GTIN: gtin, ProducerName: name, Phone: phone, Zalo: zalo,
			Links: []Link{{Label: "Sàn", URL: link}}, Stars: stars, Year: year, ScoreA: a, ScoreB: b, ScoreC: c}, &p)
		if err != nil {
			return
		}
		if p.GTIN != "" && (len(p.GTIN) != 14 || CheckDigit(p.GTIN[:13]) != p.GTIN[13]) {
			t.Fatalf("GTIN %q", p.GTIN)
		}
		for _, l := range p.Links {
			if !strings.HasPrefix(l.URL, "https://") {
				t.Fatalf("link %q", l.URL)
			}
		}
		if r := p.Rating; r != (Rating{}) {
			cr := CriteriaFor(r.Year)
			if r.A > cr.MaxA || r.B > cr.MaxB || r.C > cr.MaxC || r.A < 0 || r.B < 0 || r.C < 0 || StarsFor(r.Total()) != r.Stars {
				t.Fatalf("rating %+v", r)
			}
		}
	})
}
