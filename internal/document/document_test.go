package document

import (
	"errors"
	"strings"
	"testing"
)

func TestNotation(t *testing.T) {
	qd, _ := TypeByCode("quyet_dinh")
	cv, _ := TypeByCode(CongVan)
	qyd, _ := TypeByCode("quy_dinh")
	ttr, _ := TypeByCode("to_trinh")
	for _, c := range []struct {
		n        int
		t        Type
		body, du string
		want     string
	}{
		{1, qd, "UBND", "VP", "01/QĐ-UBND"},
		{2, cv, "UBND", "VP", "02/UBND-VP"},
		{10, qd, "UBND", "", "10/QĐ-UBND"},
		{9, qyd, "UBND", "", "09/QyĐ-UBND"},
		{123, ttr, "UBND", "TP", "123/TTr-UBND"},
		{3, cv, "UBND", "", "03/UBND"},
	} {
		if got := Notation(c.n, c.t, c.body, c.du); got != c.want {
			t.Errorf("Notation(%d, %s) = %q, want %q", c.n, c.t.Code, got, c.want)
		}
	}
}

func TestParseNotation(t *testing.T) {
	qd, _ := TypeByCode("quyet_dinh")
	cv, _ := TypeByCode(CongVan)
	for _, c := range []struct {
		s       string
		t       *Type
		number  int
		wantErr error
	}{
		{"15/QĐ-UBND", &qd, 15, nil},
		{"15/QĐ-UBND", nil, 15, nil},
		{"02/UBND-VP", &cv, 2, nil},
		{"123/SNV-VP.1", nil, 123, nil},
		{"15 /QĐ-UBND", nil, 0, ErrNotation},
		{"15/QĐ - UBND", nil, 0, ErrNotation},
		{"15/QĐ-UBND ", nil, 0, ErrNotation},
		{"15/TB-UBND", &qd, 0, ErrAbbreviation},
		{"15/QD-UBND", &qd, 0, ErrAbbreviation},
		{"QĐ-UBND", nil, 0, ErrNotation},
		{"0/QĐ-UBND", nil, 0, ErrNotation},
		{"-1/QĐ-UBND", nil, 0, ErrNotation},
		{"15/", nil, 0, ErrNotation},
		{"15/QĐ--UBND", nil, 0, ErrNotation},
		{"15/QĐ-UBND/x", nil, 0, ErrNotation},
		{"", nil, 0, ErrNotation},
		{"15/QĐ-\xff", nil, 0, ErrNotation},
	} {
		n, _, err := ParseNotation(c.s, c.t)
		if !errors.Is(err, c.wantErr) || err == nil && c.wantErr != nil || n != c.number {
			t.Errorf("ParseNotation(%q) = %d, %v; want %d, %v", c.s, n, err, c.number, c.wantErr)
		}
	}
}

func TestSequence(t *testing.T) {
	groups := map[string]string{"giay_moi": "giay_moi", "cong_van": "cong_van"}
	for _, c := range []struct {
		code                string
		legal, confidential bool
		groups              map[string]string
		want                string
	}{
		{"quyet_dinh", false, false, nil, "hanh_chinh"},
		{CongVan, false, false, nil, "hanh_chinh"},
		{"quyet_dinh", true, false, nil, "qppl_quyet_dinh"},
		{"nghi_quyet", true, false, nil, "qppl_nghi_quyet"},
		{"quyet_dinh", true, true, nil, "mat"},
		{CongVan, false, true, groups, "mat"},
		{CongVan, false, false, groups, "cong_van"},
		{"giay_moi", false, false, groups, "giay_moi"},
		{"thong_bao", false, false, groups, "hanh_chinh"},
		{"quyet_dinh", true, false, groups, "qppl_quyet_dinh"},
	} {
		if got := Sequence(c.code, c.legal, c.confidential, c.groups); got != c.want {
			t.Errorf("Sequence(%s, legal %v, confidential %v) = %q, want %q", c.code, c.legal, c.confidential, got, c.want)
		}
	}
	for _, bad := range []string{"", "den", "mat", "qppl_x", "Hành chính", "a b"} {
		if CheckSequenceName(bad) == nil {
			t.Errorf("CheckSequenceName(%q) accepted", bad)
		}
	}
}

func TestTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, ty := range Types {
		if seen[ty.Code] {
			t.Errorf("type %s twice", ty.Code)
		}
		seen[ty.Code] = true
		if (ty.Abbreviation == "") != (ty.Code == CongVan) {
			t.Errorf("type %s: abbreviation %q", ty.Code, ty.Abbreviation)
		}
	}
	for code, abbr := range map[string]string{"quyet_dinh": "QĐ", "quy_dinh": "QyĐ", "to_trinh": "TTr", "chuong_trinh": "CTr", "thong_cao": "TC"} {
		if ty, ok := TypeByCode(code); !ok || ty.Abbreviation != abbr {
			t.Errorf("%s: %q, want %q", code, ty.Abbreviation, abbr)
		}
	}
}

func TestUrgencyAndHandOver(t *testing.T) {
	for _, c := range []struct {
		s    string
		rank int
		err  bool
	}{{"", 0, false}, {"normal", 0, false}, {"khan", 1, false}, {"thuong_khan", 2, false}, {"hoa_toc", 3, false}, {"urgent", 0, true}} {
		u, err := ParseUrgency(c.s)
		if (err != nil) != c.err || err == nil && u.Rank() != c.rank {
			t.Errorf("ParseUrgency(%q) = %v (%d), %v", c.s, u, u.Rank(), err)
		}
	}
	for _, c := range []struct {
		f    File
		year int
		want bool
	}{
		{File{RetentionYears: 0, EndedOn: "2025-06-30"}, 2026, true},
		{File{RetentionYears: 5, EndedOn: "2025-12-31"}, 2026, true},
		{File{RetentionYears: 10, EndedOn: "2026-01-02"}, 2026, false},
		{File{RetentionYears: 2, EndedOn: "2020-01-01"}, 2026, false},
		{File{RetentionYears: 20}, 2026, false},
	} {
		if got := c.f.DueForHandOver(c.year); got != c.want {
			t.Errorf("%+v in %d: %v, want %v", c.f, c.year, got, c.want)
		}
	}
}

// FuzzParseNotation: any bytes are refused or give a number ≥ 1 and a symbol without
// spaces that formats back to the input's symbol.
func FuzzParseNotation(f *testing.F) {
	for _, s := range []string{"15/QĐ-UBND", "02/UBND-VP", "15 /QĐ", "1/", "/x", "99999999999/A", "1/A--B", "1/\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, sym, err := ParseNotation(s, nil)
		if err != nil {
			return
		}
		if n < 1 || sym == "" || strings.ContainsAny(sym, " \t\n/") || !strings.HasSuffix(s, "/"+sym) {
			t.Fatalf("ParseNotation(%q) = %d, %q", s, n, sym)
		}
	})
}
