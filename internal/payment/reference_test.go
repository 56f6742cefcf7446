package payment

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
)

const code7 = "000.31.37.H45-260702-0007" // the dossier of the worked examples

func mustRef(t testing.TB, code string, n int) string {
	t.Helper()
	ref, err := FormatReference(code, n)
	if err != nil {
		t.Fatalf("FormatReference(%q, %d): %v", code, n, err)
	}
	return ref
}

var refShape = regexp.MustCompile(`^XS\d{6}[0-9A-Z]{4}[1-9A-Z][0-9A-Z]{2}$`)

func TestFormatReference(t *testing.T) {
	for _, tc := range []struct {
		code string
		n    int
		want string
	}{
		// Fixed values: a change of the check would orphan every QR code already printed.
		{code7, 1, "XS260702000719H"},
		{code7, 2, "XS26070200072ZB"},
		{"000.00.12.H45-260126-0007", 1, "XS2601260007177"},
		{"000.31.37.H45-260702-12345", 1, "XS260702A29914A"},
	} {
		t.Run(fmt.Sprint(tc.code, "/", tc.n), func(t *testing.T) {
			got := mustRef(t, tc.code, tc.n)
			if got != tc.want {
				t.Errorf("FormatReference = %q, want %q", got, tc.want)
			}
			if len(got) != ReferenceLength || !refShape.MatchString(got) {
				t.Errorf("%q does not have the reference's shape", got)
			}
			if len(PurposePrefix+got) > 25 {
				t.Errorf("purpose %q is longer than VietQR's 25 characters", PurposePrefix+got)
			}
		})
	}
}

func TestFormatReferenceErrors(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		n          int
	}{
		{"not a code", "HS-0007", 1},
		{"bad date", "000.31.37.H45-260230-0007", 1},
		{"ordinal zero", code7, 0},
		{"ordinal too large", code7, MaxOrdinal + 1},
		{"sequence too large", fmt.Sprintf("000.31.37.H45-260702-%d", maxSeq+1), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FormatReference(tc.code, tc.n)
			if !errors.Is(err, ErrInvalidReference) {
				t.Errorf("FormatReference(%q, %d) error = %v, want ErrInvalidReference", tc.code, tc.n, err)
			}
		})
	}
}

// TestReferenceUnique checks that references differ between ordinals of a dossier,
// dossiers of a day, and units with the same date and sequence (but for the expected
// 1-in-1,024 check collisions).
func TestReferenceUnique(t *testing.T) {
	seen := map[string]string{}
	add := func(code string, n int) {
		ref := mustRef(t, code, n)
		if other, ok := seen[ref]; ok {
			t.Fatalf("%s/%d and %s have the same reference %s", code, n, other, ref)
		}
		seen[ref] = fmt.Sprint(code, "/", n)
	}
	day := calendar.Date{Year: 2026, Month: 7, Day: 2}
	for seq := 1; seq <= 300; seq++ {
		for n := 1; n <= 3; n++ {
			add(dossier.FormatCode("000.31.37.H45", day, seq), n)
		}
	}
	for _, seq := range []int{9999, 10000, 10001, 42424, maxSeq} {
		add(dossier.FormatCode("000.31.37.H45", day, seq), 1)
	}
	const units = 2000
	refs := map[string]bool{}
	for u := range units {
		ref := mustRef(t, dossier.FormatCode(fmt.Sprintf("000.%02d.%02d.H%02d", u/100%100, u%100, u/10%100), day, 7), 1)
		refs[ref] = true
	}
	// 2,000 units over 1,024 check values: most collide with some other unit, which is
	// why a reference is only ever looked up within one account's candidates.
	if len(refs) < 700 {
		t.Errorf("%d distinct references for %d units: the check does not spread", len(refs), units)
	}
}

func TestParseReference(t *testing.T) {
	ref := mustRef(t, code7, 1) // XS260702000719H
	for _, tc := range []struct {
		name, desc, want string
	}{
		{"as the QR code writes it", "Le phi " + ref, ref},
		{"alone", ref, ref},
		{"lower case", "le phi " + strings.ToLower(ref), ref},
		{"bank prefix and suffix glued", "MBVCB.3278614178." + ref + ".CT tu 0011004123456 NGUYEN VAN A toi 113366668888", ref},
		{"spaces dropped everywhere", "LEPHI" + ref + "0912345678", ref},
		{"dashes inside", "XS-260702-0007-1-9H", ref},
		{"spaces inside", "xs 260702 0007 19h", ref},
		{"accents around", "Lệ phí chứng thực " + ref + " Nguyễn Thị Đào", ref},
		{"O typed for zero in the check", "XS26012600083XO", "XS26012600083X0"},
		{"typed look-alikes", "XS2601260007I77", "XS2601260007177"},
		{"after a false start", "XS12 then " + ref, ref},
		{"none", "CT tu 0011004123456 NGUYEN VAN A chuyen tien", ""},
		{"impossible date", "XS260230000719H", ""},
		{"sequence zero", "XS260702000019H", ""},
		{"ordinal zero", "XS260702000709H", ""},
		{"U is not base 32", "XS26070200071U3", ""},
		{"cut short", "Le phi XS2607020007", ""},
		{"dossier code instead", "Le phi " + code7, ""},
		// A certification's fee (CT, the year, the book, the number, 1, the check).
		{"certification", "Phi chung thuc CT26B000001219D", "CT26B000001219D"},
		{"certification, bank text around", "MBVCB.3278614178.ct26k0000003-1a7.CT tu 0011004123456", "CT26K00000031A7"},
		{"certification, look-alikes", "CT26H00000O4IOZ", ""},
		{"certification, ordinal I", "CT26H0000004I0Z", "CT26H000000410Z"},
		{"certification, no such book", "CT26X000001219D", ""},
		{"certification, number zero", "CT26B000000019D", ""},
		{"certification, ordinal 2", "CT26B000001229D", ""},
		{"certification, cut short", "CT26B0000012", ""},
		{"chuyen tien then digits", "CT tu 00110041234567 den 113366668888", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseReference(tc.desc)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("ParseReference(%q) = %q, %v; want %q", tc.desc, got, ok, tc.want)
			}
		})
	}
}

func TestFindReferences(t *testing.T) {
	a, b := mustRef(t, code7, 1), mustRef(t, code7, 2)
	got := FindReferences("Le phi " + a + " va " + strings.ToLower(b) + " (" + a + ")")
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("FindReferences = %q, want [%s %s]", got, a, b)
	}
	// Every certification reference is found as written, in every book.
	for _, kind := range []string{"copy", "signature", "contract"} {
		for _, n := range []int{1, 12, 9_999_999} {
			ref, err := CertificationReference(42, kind, 2026, n)
			if err != nil {
				t.Fatal(err)
			}
			if got := FindReferences("MBVCB.1." + strings.ToLower(ref) + ".CT tu 0011 " + a); len(got) != 2 || got[0] != ref || got[1] != a {
				t.Errorf("FindReferences with %s = %q", ref, got)
			}
		}
	}
}

// mangle does to a description what banks and apps do: upper-case it, drop or add
// separators, glue text on either side.
func mangle(s string, how uint8) string {
	if how&1 != 0 {
		s = strings.ToUpper(s)
	}
	if how&2 != 0 {
		s = strings.NewReplacer(" ", "", "-", "", ".", "").Replace(s)
	}
	if how&4 != 0 {
		s = strings.ToLower(s)
	}
	if how&8 != 0 {
		// A separator inside the reference, as a person types it.
		if i := strings.Index(s, "XS"); i >= 0 && len(s) > i+8 {
			s = s[:i+8] + "-" + s[i+8:]
		}
	}
	return s
}

func FuzzParseReference(f *testing.F) {
	f.Add("MBVCB.3278614178.", ".CT tu 0011004 NGUYEN VAN A", uint32(1), uint16(7), uint8(1), uint8(0))
	f.Add("", "", uint32(9000), uint16(9999), uint8(31), uint8(15))
	f.Add("Lệ phí ", " Đào", uint32(400), uint16(10000), uint8(2), uint8(2))
	f.Add("XS1", "XS2601", uint32(0), uint16(1), uint8(3), uint8(8))
	f.Fuzz(func(t *testing.T, prefix, suffix string, days uint32, seq uint16, n, how uint8) {
		// Any text: no panic, and whatever is found has the shape.
		for _, s := range []string{prefix, suffix, prefix + suffix} {
			for _, ref := range FindReferences(s) {
				if !refShape.MatchString(ref) {
					t.Fatalf("FindReferences(%q) found %q", s, ref)
				}
			}
		}
		// A real reference, mangled and surrounded, is found.
		day := calendar.Date{Year: 2025, Month: 1, Day: 1}.AddDays(int(days % 36500))
		if day.Year > 2099 || seq == 0 {
			return
		}
		ord := int(n)%MaxOrdinal + 1
		ref := mustRef(t, dossier.FormatCode("000.31.37.H45", day, int(seq)), ord)
		desc := mangle(prefix+" "+ref+" "+suffix, how)
		if !slices.Contains(FindReferences(desc), ref) {
			t.Fatalf("FindReferences(%q) = %q, missing %s", desc, FindReferences(desc), ref)
		}
	})
}

func TestCompactRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		c := compact(string(b))
		for i := range len(c) {
			if !('0' <= c[i] && c[i] <= '9' || 'A' <= c[i] && c[i] <= 'Z') {
				t.Fatalf("compact(%q) = %q", b, c)
			}
		}
	}
}

// FuzzFindReferences: whatever a bank writes in a description, FindReferences answers
// without panicking, and each reference it finds is one: read again alone it is itself.
func FuzzFindReferences(f *testing.F) {
	f.Add("MBVCB.3278614178.ct26k0000003-1a7.CT tu 0011004123456 NGUYEN VAN A")
	f.Add("Le phi XS260702000719H va CT26B000001219D")
	f.Add("CT tu 00110041234567 den 113366668888 CTCTCT26H0000004IOZ")
	f.Fuzz(func(t *testing.T, description string) {
		for _, ref := range FindReferences(description) {
			if len(ref) != ReferenceLength || !(strings.HasPrefix(ref, "XS") || strings.HasPrefix(ref, "CT")) {
				t.Fatalf("FindReferences(%q) found %q", description, ref)
			}
			if again := FindReferences(ref); len(again) != 1 || again[0] != ref {
				t.Fatalf("%q read alone gives %q", ref, again)
			}
		}
	})
}
