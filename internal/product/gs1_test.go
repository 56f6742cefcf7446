package product

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// GS1 Digital Link URIs with valid and invalid GTIN-8/12/13/14 and lots are accepted
// or refused as the GS1 General Specifications and the Digital Link standard say.
func TestParsePath(t *testing.T) {
	for _, c := range []struct {
		path      string
		gtin, lot string
		err       error
	}{
		// Valid GTINs of each length, padded to 14 digits.
		{"/01/12345670", "00000012345670", "", nil},       // GTIN-8
		{"/01/614141123452", "00614141123452", "", nil},   // GTIN-12 (UPC-A)
		{"/01/9501101020917", "09501101020917", "", nil},  // GTIN-13
		{"/01/09506000134352", "09506000134352", "", nil}, // GTIN-14
		{"/01/19506000134359", "19506000134359", "", nil}, // GTIN-14, indicator 1
		{"/01/09506000134352/10/ABC123", "09506000134352", "ABC123", nil},
		{"/01/9520123000011/10/L2026-12", "09520123000011", "L2026-12", nil},
		{"/01/12345670/10/12345678901234567890", "00000012345670", "12345678901234567890", nil}, // 20: the most
		// Lots with the punctuation of set 82, percent-encoded or not.
		{"/01/09506000134352/10/A%2FB", "09506000134352", "A/B", nil},
		{"/01/09506000134352/10/%21%22%25%26%27%28%29%2A%2B%2C", "09506000134352", `!"%&'()*+,`, nil},
		{"/01/09506000134352/10/-.:;%3C=%3E%3F_z", "09506000134352", "-.:;<=>?_z", nil},
		// Wrong check digits.
		{"/01/08934563000012/10/X", "", "", ErrGTINCheck}, // the contract check's
		{"/01/12345678", "", "", ErrGTINCheck},
		{"/01/614141123453", "", "", ErrGTINCheck},
		{"/01/9501101020918", "", "", ErrGTINCheck},
		{"/01/09506000134353", "", "", ErrGTINCheck},
		// Wrong lengths or characters.
		{"/01/1234567", "", "", ErrGTINLength},
		{"/01/123456789", "", "", ErrGTINLength},
		{"/01/12345678901", "", "", ErrGTINLength},
		{"/01/123456789012345", "", "", ErrGTINLength},
		{"/01/", "", "", ErrGTINLength},
		{"/01/1234567a", "", "", ErrGTINLength},
		{"/01/+1234567", "", "", ErrGTINLength},
		{"/01/ 9501101020917", "", "", ErrGTINLength},
		{"/01/%39501101020917", "", "", ErrGTINLength}, // a GTIN is digits, never encoded
		// Lots outside set 82 or too long.
		{"/01/09506000134352/10/", "", "", ErrLot},
		{"/01/09506000134352/10/123456789012345678901", "", "", ErrLot}, // 21
		{"/01/09506000134352/10/A%20B", "", "", ErrLot},                 // space
		{"/01/09506000134352/10/L%C3%B4", "", "", ErrLot},               // "Lô"
		{"/01/09506000134352/10/A#B", "", "", ErrLot},
		{"/01/09506000134352/10/A@B", "", "", ErrLot},
		{"/01/09506000134352/10/A%7EB", "", "", ErrLot}, // ~ is not in set 82
		{"/01/09506000134352/10/A%00", "", "", ErrLot},
		{"/01/09506000134352/10/%ZZ", "", "", ErrLot},
		{"/01/09506000134352/10/%", "", "", ErrLot},
		{"/01/09506000134352/10/" + strings.Repeat("%41", 21), "", "", ErrLot}, // 21 once decoded
		// Not a Digital Link of a batch.
		{"/01/09506000134352/21/X", "", "", ErrLink},
		{"/01/09506000134352/10/A/B", "", "", ErrLink},
		{"/02/09506000134352", "", "", ErrLink},
		{"/01/09506000134352/10/" + strings.Repeat("A", 100), "", "", ErrLink},
	} {
		k, err := ParsePath(c.path)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err %v, want %v", c.path, err, c.err)
			}
			continue
		}
		if err != nil || k.GTIN != c.gtin || k.Lot != c.lot {
			t.Errorf("%s: %+v, %v; want %s %q", c.path, k, err, c.gtin, c.lot)
		}
	}
}

// A key's path parses back to the key, for every character of set 82.
func TestKeyPathRoundTrip(t *testing.T) {
	set := `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`
	if len(set) != 82 {
		t.Fatalf("set 82 has %d characters", len(set))
	}
	for i := 0; i < len(set); i += 20 {
		lot := set[i:min(i+20, len(set))]
		k := Key{GTIN: "09506000134352", Lot: lot}
		got, err := ParsePath(k.Path())
		if err != nil || got != k {
			t.Errorf("%q → %s → %+v, %v", lot, k.Path(), got, err)
		}
	}
	for c := 0; c < 256; c++ {
		if CheckLot(string(rune(c))) == nil != strings.ContainsRune(set, rune(c)) || c >= 128 && CheckLot(string([]byte{byte(c)})) == nil {
			t.Errorf("character %#x: accepted %v", c, CheckLot(string(rune(c))) == nil)
		}
	}
}

// The link set has RFC 9264's JSON shape (§4.2): an object with one member "linkset",
// an array of link context objects, each with an "anchor" (an absolute URI) and link
// relation types as members, each an array of target objects with an "href" (and
// "type" a string, "hreflang" an array of strings, "title" a string); GS1's relation
// types are absolute URIs.
func TestLinksetShape(t *testing.T) {
	p := Product{Slug: "gio-trung-non-khe", Name: "Giò trứng Nộn Khê", GTIN: "09520123000011",
		Certificates: []string{"Giấy chứng nhận OCOP 3 sao"}, Links: []Link{{ID: 7, Label: "Shopee", URL: "https://shopee.vn/x"}}}
	b := Batch{Lot: "NK/2026-12"}
	raw, err := json.Marshal(LinksetFor("https://xa.example.vn/", p, b))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc) != 1 {
		t.Fatalf("members: %v", doc)
	}
	set, ok := doc["linkset"].([]any)
	if !ok || len(set) != 1 {
		t.Fatalf("linkset: %s", raw)
	}
	ctx, ok := set[0].(map[string]any)
	if !ok || ctx["anchor"] != "https://xa.example.vn/01/09520123000011/10/NK%2F2026-12" {
		t.Fatalf("anchor: %s", raw)
	}
	rels := 0
	for rel, v := range ctx {
		if rel == "anchor" {
			continue
		}
		rels++
		if !strings.HasPrefix(rel, "https://gs1.org/voc/") {
			t.Errorf("relation %q is not a GS1 link type", rel)
		}
		targets, ok := v.([]any)
		if !ok || len(targets) == 0 {
			t.Fatalf("%s: %v is not an array of targets", rel, v)
		}
		for _, tv := range targets {
			tg, ok := tv.(map[string]any)
			if !ok {
				t.Fatalf("%s: target %v", rel, tv)
			}
			if h, ok := tg["href"].(string); !ok || !strings.HasPrefix(h, "https://xa.example.vn/") {
				t.Errorf("%s: href %v", rel, tg["href"])
			}
			for k, a := range tg {
				switch k {
				case "href", "type", "title":
					if _, ok := a.(string); !ok {
						t.Errorf("%s: %s %v", rel, k, a)
					}
				case "hreflang":
					l, ok := a.([]any)
					if !ok || len(l) == 0 {
						t.Errorf("%s: hreflang %v", rel, a)
					}
					for _, x := range l {
						if _, ok := x.(string); !ok {
							t.Errorf("%s: hreflang %v", rel, a)
						}
					}
				default:
					t.Errorf("%s: unexpected target attribute %q", rel, k)
				}
			}
		}
	}
	for _, rel := range []string{RelDefault, RelPIP, RelTraceability, RelRetailers, RelCertificates} {
		if _, ok := ctx[rel]; !ok {
			t.Errorf("no %s", rel)
		}
	}
	pip := ctx[RelPIP].([]any)[0].(map[string]any)
	if pip["href"] != "https://xa.example.vn/san-pham/gio-trung-non-khe" || pip["type"] != "text/html" {
		t.Errorf("pip: %v", pip)
	}
	if r := ctx[RelRetailers].([]any)[0].(map[string]any); r["href"] != "https://xa.example.vn/san-pham/gio-trung-non-khe/mua/7" {
		t.Errorf("retailer goes through the counted redirect: %v", r)
	}
}

func TestStarsFor(t *testing.T) {
	for total, want := range map[int]int{0: 1, 29: 1, 30: 2, 49: 2, 50: 3, 69: 3, 70: 4, 89: 4, 90: 5, 100: 5} {
		if got := StarsFor(total); got != want {
			t.Errorf("StarsFor(%d) = %d, want %d", total, got, want)
		}
	}
	if c := CriteriaFor(2024); c.MaxA != 40 || c.MaxB != 25 || c.MaxC != 35 {
		t.Errorf("148: %+v", c)
	}
	if c := CriteriaFor(2021); c.MaxA != 35 || c.MaxB != 25 || c.MaxC != 40 {
		t.Errorf("1048: %+v", c)
	}
}
