package locale

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestNumberAndMoney(t *testing.T) {
	tests := []struct {
		n     int64
		want  string
		money string
	}{
		{0, "0", "0 đồng"},
		{7, "7", "7 đồng"},
		{999, "999", "999 đồng"},
		{1000, "1.000", "1.000 đồng"},
		{50000, "50.000", "50.000 đồng"},
		{100000, "100.000", "100.000 đồng"},
		{1205000, "1.205.000", "1.205.000 đồng"},
		{1000000000, "1.000.000.000", "1.000.000.000 đồng"},
		{-8000, "-8.000", "-8.000 đồng"},
		{math.MaxInt64, "9.223.372.036.854.775.807", "9.223.372.036.854.775.807 đồng"},
		{math.MinInt64, "-9.223.372.036.854.775.808", "-9.223.372.036.854.775.808 đồng"},
	}
	for _, tt := range tests {
		if got := Number(tt.n); got != tt.want {
			t.Errorf("Number(%d) = %q, want %q", tt.n, got, tt.want)
		}
		if got := Money(tt.n); got != tt.money {
			t.Errorf("Money(%d) = %q, want %q", tt.n, got, tt.money)
		}
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "Không"},
		{1, "Một"},
		{4, "Bốn"},
		{5, "Năm"},
		{7, "Bảy"},
		{10, "Mười"},
		{11, "Mười một"},
		{14, "Mười bốn"},
		{15, "Mười lăm"},
		{19, "Mười chín"},
		{20, "Hai mươi"},
		{21, "Hai mươi mốt"},
		{24, "Hai mươi tư"},
		{44, "Bốn mươi tư"},
		{104, "Một trăm linh bốn"},
		{114, "Một trăm mười bốn"},
		{1024, "Một nghìn không trăm hai mươi tư"},
		{25, "Hai mươi lăm"},
		{55, "Năm mươi lăm"},
		{91, "Chín mươi mốt"},
		{100, "Một trăm"},
		{101, "Một trăm linh một"},
		{105, "Một trăm linh năm"},
		{110, "Một trăm mười"},
		{111, "Một trăm mười một"},
		{115, "Một trăm mười lăm"},
		{121, "Một trăm hai mươi mốt"},
		{999, "Chín trăm chín mươi chín"},
		{1000, "Một nghìn"},
		{1001, "Một nghìn không trăm linh một"},
		{1005, "Một nghìn không trăm linh năm"},
		{1010, "Một nghìn không trăm mười"},
		{1015, "Một nghìn không trăm mười lăm"},
		{1021, "Một nghìn không trăm hai mươi mốt"},
		{1100, "Một nghìn một trăm"},
		{8000, "Tám nghìn"},
		{10000, "Mười nghìn"},
		{15000, "Mười lăm nghìn"},
		{21000, "Hai mươi mốt nghìn"},
		{50000, "Năm mươi nghìn"},
		{100000, "Một trăm nghìn"},
		{105000, "Một trăm linh năm nghìn"},
		{1000000, "Một triệu"},
		{1000500, "Một triệu năm trăm"},
		{1000005, "Một triệu không trăm linh năm"},
		{1005000, "Một triệu không trăm linh năm nghìn"},
		{1205000, "Một triệu hai trăm linh năm nghìn"},
		{25500000, "Hai mươi lăm triệu năm trăm nghìn"},
		{1000000000, "Một tỷ"},
		{1000000005, "Một tỷ không trăm linh năm"},
		{1000005000, "Một tỷ không trăm linh năm nghìn"},
		{2015000000, "Hai tỷ không trăm mười lăm triệu"},
		{1000000000000, "Một nghìn tỷ"},
		{1000000000000000000, "Một tỷ tỷ"},
		{math.MaxInt64, "Chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn không trăm ba mươi sáu tỷ " +
			"tám trăm năm mươi tư triệu bảy trăm bảy mươi lăm nghìn tám trăm linh bảy"},
		{-8000, "Âm tám nghìn"},
		{-1, "Âm một"},
	}
	for _, tt := range tests {
		if got := Words(tt.n); got != tt.want {
			t.Errorf("Words(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got, want := MoneyWords(50000), "Năm mươi nghìn đồng"; got != want {
		t.Errorf("MoneyWords(50000) = %q, want %q", got, want)
	}
	if got, want := MoneyWords(1205000), "Một triệu hai trăm linh năm nghìn đồng"; got != want {
		t.Errorf("MoneyWords(1205000) = %q, want %q", got, want)
	}
	if got := Words(math.MinInt64); !strings.HasPrefix(got, "Âm chín tỷ") || !strings.HasSuffix(got, "tám trăm linh tám") {
		t.Errorf("Words(MinInt64) = %q", got)
	}
}

// TestWordsRules checks the reading rules on every number below 12.000, which covers
// every digit pattern of a group after and before a scale word, and on a stride through
// the larger numbers, where a table cannot go.
func TestWordsRules(t *testing.T) {
	for n := int64(1); n < 12_000; n++ {
		checkWordsRules(t, n)
	}
	for n := int64(12_000); n < 5_000_000_000; n += 99_991 {
		checkWordsRules(t, n)
	}
}

func FuzzWords(f *testing.F) {
	for _, n := range []int64{0, 5, 15, 21, 105, 1005000, 1e9 + 5, math.MaxInt64, math.MinInt64} {
		f.Add(n)
	}
	f.Fuzz(checkWordsRules)
}

// checkWordsRules asserts properties every reading must have, so a rule broken for
// some digit pattern shows up without listing every pattern.
func checkWordsRules(t *testing.T, n int64) {
	t.Helper()
	got := Words(n)
	w := strings.Fields(strings.ToLower(got))
	if strings.Join(w, " ") != strings.ToLower(got) || got == "" {
		t.Fatalf("Words(%d) = %q: stray spaces", n, got)
	}
	if n > 0 && w[0] == "không" {
		t.Fatalf("Words(%d) = %q: leading không", n, got)
	}
	for i, x := range w {
		prev := ""
		if i > 0 {
			prev = w[i-1]
		}
		switch x {
		case "mốt":
			if prev != "mươi" {
				t.Fatalf("Words(%d) = %q: mốt after %q", n, got, prev)
			}
		case "lăm":
			if prev != "mười" && prev != "mươi" {
				t.Fatalf("Words(%d) = %q: lăm after %q", n, got, prev)
			}
		case "năm", "một":
			if prev == "mươi" || prev == "mười" && x == "năm" {
				t.Fatalf("Words(%d) = %q: %s after %q", n, got, x, prev)
			}
		case "tư":
			if prev != "mươi" {
				t.Fatalf("Words(%d) = %q: tư after %q", n, got, prev)
			}
		case "bốn":
			if prev == "mươi" {
				t.Fatalf("Words(%d) = %q: bốn after mươi", n, got)
			}
		case "linh":
			if prev != "trăm" {
				t.Fatalf("Words(%d) = %q: linh after %q", n, got, prev)
			}
		}
	}
}

func TestDecimalAndPercent(t *testing.T) {
	for _, c := range []struct {
		f      float64
		digits int
		want   string
	}{
		{26.1, 1, "26,1"},
		{26.149, 1, "26,1"},
		{2094, 0, "2.094"},
		{2094.5, 1, "2.094,5"},
		{1234567.891, 2, "1.234.567,89"},
		{5.5, -1, "5,5"},
		{7.33, -1, "7,33"},
		{12, -1, "12"},
		{0, 1, "0,0"},
		{-3.25, 2, "-3,25"},
		{-0.01, 1, "0,0"}, // no "-0,0"
		{100, 1, "100,0"},
		{1e20, 0, "100000000000000000000"},
	} {
		if got := Decimal(c.f, c.digits); got != c.want {
			t.Errorf("Decimal(%v, %d) = %q, want %q", c.f, c.digits, got, c.want)
		}
	}
	if got := Percent(26.12); got != "26,1%" {
		t.Errorf("Percent(26.12) = %q", got)
	}
}

func TestDay(t *testing.T) {
	if got := Day(time.Date(2026, 3, 4, 20, 0, 0, 0, time.UTC)); got != "05/03/2026" { // 03:00 on the 5th in Vietnam
		t.Errorf("Day = %q", got)
	}
	if got := Day(time.Time{}); got != "" {
		t.Errorf("Day(zero) = %q", got)
	}
}
