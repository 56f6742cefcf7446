package speech

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Numbers, the northern way (DOMAIN.md §13).
		{"105", "một trăm linh năm"},
		{"15", "mười lăm"},
		{"21", "hai mươi mốt"},
		{"24", "hai mươi tư"},
		{"25", "hai mươi lăm"},
		{"14", "mười bốn"},
		{"1.250.000", "một triệu hai trăm năm mươi nghìn"},
		{"2026", "hai nghìn không trăm hai mươi sáu"},
		{"3.000.000.000", "ba tỷ"},
		{"3,5", "ba phẩy năm"},
		{"3,05", "ba phẩy không năm"},
		{"tổ 05", "tổ không năm"},
		{"99999999999999999999", "chín chín chín chín chín chín chín chín chín chín chín chín chín chín chín chín chín chín chín chín"},
		// Dates.
		{"14/02/2026", "ngày mười bốn tháng hai năm hai nghìn không trăm hai mươi sáu"},
		{"ngày 14/02/2026", "ngày mười bốn tháng hai năm hai nghìn không trăm hai mươi sáu"},
		{"05-04-2026", "ngày mùng năm tháng tư năm hai nghìn không trăm hai mươi sáu"},
		{"01.12.2025", "ngày mùng một tháng mười hai năm hai nghìn không trăm hai mươi lăm"},
		{"tháng 02/2026", "tháng hai năm hai nghìn không trăm hai mươi sáu"},
		{"ghi ngày tháng năm sinh", "ghi ngày tháng năm sinh"},
		{"02/2026", "tháng hai năm hai nghìn không trăm hai mươi sáu"},
		{"30/4", "ngày ba mươi tháng tư"},
		{"31/02/2026", "ba mươi mốt, không hai, hai nghìn không trăm hai mươi sáu"},
		// Times.
		{"7h30", "bảy giờ ba mươi phút"},
		{"07:30", "bảy giờ ba mươi phút"},
		{"17h", "mười bảy giờ"},
		{"17g00", "mười bảy giờ"},
		{"6h05p", "sáu giờ năm phút"},
		{"từ 7h đến 11h30", "từ bảy giờ đến mười một giờ ba mươi phút"},
		// Money, percent, measures.
		{"50.000đ", "năm mươi nghìn đồng"},
		{"50.000 đ.", "năm mươi nghìn đồng"},
		{"1.250.000 VNĐ", "một triệu hai trăm năm mươi nghìn đồng"},
		{"200.000 đồng/bản", "hai trăm nghìn đồng một bản"},
		{"26,1%", "hai mươi sáu phẩy một phần trăm"},
		{"mưa 120 mm, gió 60 km/h", "mưa một trăm hai mươi mi li mét, gió sáu mươi ki lô mét một giờ"},
		{"5 ha lúa", "năm héc ta lúa"},
		{"5 mẫu", "năm mẫu"},
		{"50 đội viên", "năm mươi đội viên"},
		{"mực nước 3,5 m.", "mực nước ba phẩy năm mét"},
		// Ranges and ordinals.
		{"2025-2030", "hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm ba mươi"},
		{"thứ 4", "thứ tư"},
		{"lần thứ 1", "lần thứ nhất"},
		{"Thứ 7", "thứ bảy"},
		// Phone numbers digit by digit.
		{"0912345678", "không chín một hai ba bốn năm sáu bảy tám"},
		{"gọi 0912.345.678 hoặc 1900 1234", "gọi không chín một hai ba bốn năm sáu bảy tám hoặc một chín không không một hai ba bốn"},
		{"+84912345678", "không chín một hai ba bốn năm sáu bảy tám"},
		// Abbreviations and codes.
		{"UBND xã thông báo", "ủy ban nhân dân xã thông báo"},
		{"Nghị định 30/2020/NĐ-CP", "nghị định ba mươi, hai nghìn không trăm hai mươi, nghị định chính phủ"},
		{"số 135/QĐ-TTg", "số một trăm ba mươi lăm, quyết định thủ tướng"},
		{"mang theo CCCD.", "mang theo căn cước công dân"},
		{"số A012", "số a không một hai"},
		{"ABC", "a bê xê"},
		{"Đ/c Hùng", "đồng chí hùng"},
		// One line.
		{"Thông báo\nLịch tiêm chủng", "thông báo. lịch tiêm chủng"},
	} {
		got, err := Normalize(c.in)
		if err != nil {
			t.Errorf("Normalize(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Normalize(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeRefusesLongText(t *testing.T) {
	if _, err := Normalize(strings.Repeat("a", 100_000)); !errors.Is(err, ErrTooLong) {
		t.Fatalf("100,000 characters: %v, want %v", err, ErrTooLong)
	}
	if _, err := Normalize(strings.Repeat("ệ", MaxText)); err != nil {
		t.Fatalf("%d characters: %v", MaxText, err)
	}
}

func TestAbbreviationTable(t *testing.T) {
	if len(DefaultAbbreviations()) < 30 {
		t.Fatalf("the shipped table has %d entries", len(DefaultAbbreviations()))
	}
	extra, err := ParseAbbreviations(strings.NewReader("# a commune's own\nHTX\thợp tác xã nông nghiệp\nNTM\tnông thôn mới\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewReader(extra).Normalize("HTX và NTM")
	if err != nil || got != "hợp tác xã nông nghiệp và nông thôn mới" {
		t.Fatalf("with an extra table: %q, %v", got, err)
	}
	for _, bad := range []string{"UBND ủy ban", "UBND\t", "\tủy ban", "U B\tx", strings.Repeat("A", 400) + "\tx"} {
		if _, err := ParseAbbreviations(strings.NewReader(bad)); !errors.Is(err, ErrAbbreviations) {
			t.Errorf("%.20q: %v, want %v", bad, err, ErrAbbreviations)
		}
	}
	many := strings.Repeat("X\tx\n", 1) + strings.Repeat("", 0)
	for i := range 2001 {
		many += "A" + strings.Repeat("B", i%50) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)) + "\tx\n"
	}
	if _, err := ParseAbbreviations(strings.NewReader(many)); !errors.Is(err, ErrAbbreviations) {
		t.Errorf("2,002 entries: %v", err)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"105", "14/02/2026", "7h30", "50.000đ", "0912345678", "UBND", "2025-2030", "3,5 m", "thứ 4",
		"\xff\xfe", "1.2.3.4.5", "99/99/9999", strings.Repeat("9", 40), "00:00", "24h99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Normalize(s)
		if err != nil {
			if !errors.Is(err, ErrTooLong) {
				t.Fatalf("Normalize(%q): %v", s, err)
			}
			return
		}
		if !utf8.ValidString(got) || strings.ContainsAny(got, "0123456789\n\r") {
			t.Fatalf("Normalize(%q) = %q: digits, line breaks or invalid UTF-8 left", s, got)
		}
	})
}
