package payment

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
)

var update = flag.Bool("update", false, "rewrite testdata/*.xml from FeeReceiptXML and Summary.XML")

var receiptConfig = ReceiptConfig{UnitID: 12, Template: "EBL01", Series: "26T",
	Collector: Party{Name: "Ủy ban nhân dân xã Yên Từ", TaxCode: "5700101234", Address: "Thôn Nam Mẫu, xã Yên Từ, tỉnh Quảng Ninh"}}

// paidRequest is a paid request of two fees.
func paidRequest(t testing.TB, id int64, code string) Request {
	r := Request{ID: id, DossierCode: code, UnitID: 12, Ordinal: 1, Reference: mustRef(t, code, 1), State: StatePaid,
		Items: []Item{{Name: "Lệ phí chứng thực chữ ký", Amount: 10000}, {Name: "Phí chứng thực bản sao (3 trang)", Amount: 6000}}, Amount: 16000,
		Paid: 16000, Method: MethodBankNotification}
	return r
}

func issue(t testing.TB, cfg ReceiptConfig, r Request, payer string, number int, at time.Time) FeeReceipt {
	t.Helper()
	rc, err := IssueFeeReceipt(cfg, r, Party{Name: payer}, number, at)
	if err != nil {
		t.Fatalf("IssueFeeReceipt: %v", err)
	}
	return rc
}

func TestRulesOn(t *testing.T) {
	for _, tc := range []struct {
		day    calendar.Date
		digits int
		basis  string
	}{
		{calendar.Date{Year: 2025, Month: 6, Day: 1}, 7, "Nghị định 123/2020/NĐ-CP"},
		{calendar.Date{Year: 2026, Month: 6, Day: 30}, 7, "Nghị định 123/2020/NĐ-CP"},
		{calendar.Date{Year: 2026, Month: 7, Day: 1}, 8, "Nghị định 254/2026/NĐ-CP"},
		{calendar.Date{Year: 2030, Month: 1, Day: 1}, 8, "Nghị định 254/2026/NĐ-CP"},
	} {
		r := RulesOn(tc.day)
		if r.MaxNumberDigits != tc.digits || !strings.HasPrefix(r.Basis[0], tc.basis) {
			t.Errorf("RulesOn(%s) = %d digits, %v; want %d, %s", tc.day, r.MaxNumberDigits, r.Basis, tc.digits, tc.basis)
		}
	}
	if m := RulesOn(calendar.Date{Year: 2026, Month: 7, Day: 1}).MaxNumber(); m != 99_999_999 {
		t.Errorf("MaxNumber = %d", m)
	}
}

func TestReceiptValidate(t *testing.T) {
	june30 := time.Date(2026, 6, 30, 16, 59, 0, 0, locale.Zone)
	july1 := time.Date(2026, 7, 1, 7, 30, 0, 0, locale.Zone)
	base := issue(t, receiptConfig, paidRequest(t, 1, code7), "Nguyễn Văn An", 1, july1)
	for _, tc := range []struct {
		name   string
		change func(*FeeReceipt)
		fields []string
	}{
		{"valid", func(*FeeReceipt) {}, nil},
		{"7 digits on 30 June", func(r *FeeReceipt) { r.IssuedAt, r.Number = june30, 9_999_999 }, nil},
		{"8 digits on 30 June", func(r *FeeReceipt) { r.IssuedAt, r.Number = june30, 10_000_000 }, []string{"number"}},
		{"8 digits on 1 July", func(r *FeeReceipt) { r.Number = 99_999_999 }, nil},
		{"9 digits", func(r *FeeReceipt) { r.Number = 100_000_000 }, []string{"number"}},
		{"number zero", func(r *FeeReceipt) { r.Number = 0 }, []string{"number"}},
		{"no name", func(r *FeeReceipt) { r.Name = "" }, []string{"name"}},
		{"no template", func(r *FeeReceipt) { r.Template = "" }, []string{"template"}},
		{"template in lower case", func(r *FeeReceipt) { r.Template = "ebl01" }, []string{"template"}},
		{"template with a space", func(r *FeeReceipt) { r.Template = "EBL 01" }, []string{"template"}},
		{"older template shape", func(r *FeeReceipt) { r.Template = "01BLP0-001" }, nil},
		{"no series", func(r *FeeReceipt) { r.Series = "" }, []string{"series"}},
		{"series of last year", func(r *FeeReceipt) { r.Series = "25T" }, []string{"series"}},
		{"series without a year", func(r *FeeReceipt) { r.Series = "AA/26E" }, nil},
		{"series too long", func(r *FeeReceipt) { r.Series = "26TABCDEFGH" }, []string{"series"}},
		{"no collector", func(r *FeeReceipt) { r.Collector = Party{} }, []string{"collector.name", "collector.tax_code"}},
		{"tax code of 9 digits", func(r *FeeReceipt) { r.Collector.TaxCode = "570010123" }, []string{"collector.tax_code"}},
		{"branch tax code", func(r *FeeReceipt) { r.Collector.TaxCode = "5700101234-001" }, nil},
		{"no payer", func(r *FeeReceipt) { r.Payer.Name = "" }, []string{"payer.name"}},
		{"no fees", func(r *FeeReceipt) { r.Items, r.Total = nil, 0 }, []string{"items", "total"}},
		{"fee without name", func(r *FeeReceipt) { r.Items[0].Name = "" }, []string{"items[0].name"}},
		{"fee of zero", func(r *FeeReceipt) { r.Items[1].Amount = 0 }, []string{"items[1].amount", "total"}},
		{"total differs", func(r *FeeReceipt) { r.Total = 15000 }, []string{"total"}},
		{"control character", func(r *FeeReceipt) { r.Payer.Name = "An\x00" }, []string{"payer.name"}},
		{"no date", func(r *FeeReceipt) { r.IssuedAt = time.Time{} }, []string{"issued_at"}},
		{"unknown method", func(r *FeeReceipt) { r.Method = "" }, []string{"method"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			r.Items = append([]Item(nil), base.Items...)
			tc.change(&r)
			err := r.Validate()
			var got []string
			for _, d := range apperr.DetailsOf(err) {
				got = append(got, d.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("Validate() = %v; want problems with %v", err, tc.fields)
			}
			if err != nil && !errors.Is(err, ErrInvalidReceipt) {
				t.Errorf("error %v is not ErrInvalidReceipt", err)
			}
		})
	}
}

func TestIssueFeeReceipt(t *testing.T) {
	at := time.Date(2026, 7, 2, 10, 0, 0, 0, locale.Zone)
	r := paidRequest(t, 1, code7)
	rc := issue(t, receiptConfig, r, " Nguyễn Văn An ", 7, at)
	if rc.Name != "BIÊN LAI THU PHÍ, LỆ PHÍ" || rc.Payer.Name != "Nguyễn Văn An" || rc.Total != 16000 || rc.NumberText() != "00000007" ||
		rc.Sequence() != (ReceiptSequence{UnitID: 12, Template: "EBL01", Series: "26T", Year: 2026}) {
		t.Errorf("receipt = %+v", rc)
	}
	r.State = StatePending
	if _, err := IssueFeeReceipt(receiptConfig, r, Party{Name: "A"}, 1, at); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("receipt for a pending request: %v", err)
	}
	// Numbers restart with the year: the same series symbol cannot be used in 2027.
	jan := time.Date(2027, 1, 1, 8, 0, 0, 0, locale.Zone)
	if _, err := IssueFeeReceipt(receiptConfig, paidRequest(t, 2, code7), Party{Name: "A"}, 1, jan); !errors.Is(err, ErrInvalidReceipt) {
		t.Errorf("26T in 2027: %v", err)
	}
	cfg := receiptConfig
	cfg.Series = "27T"
	if rc := issue(t, cfg, paidRequest(t, 2, code7), "A", 1, jan); rc.Sequence().Year != 2027 {
		t.Errorf("sequence %+v", rc.Sequence())
	}
}

// TestReceiptConfigValidity: a configuration's validity dates bound the days receipts
// may be issued with it, inclusive, in Vietnam time.
func TestReceiptConfigValidity(t *testing.T) {
	cfg := receiptConfig
	cfg.ValidFrom = calendar.Date{Year: 2026, Month: 7, Day: 1}
	cfg.ValidUntil = calendar.Date{Year: 2026, Month: 12, Day: 31}
	for _, tc := range []struct {
		at    time.Time
		field string
	}{
		{time.Date(2026, 6, 30, 23, 59, 0, 0, locale.Zone), "valid_from"},
		{time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC), ""}, // 00:00 on 1 July in Vietnam
		{time.Date(2026, 12, 31, 23, 59, 0, 0, locale.Zone), ""},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, locale.Zone), "valid_until"},
	} {
		_, err := IssueFeeReceipt(cfg, paidRequest(t, 1, code7), Party{Name: "A"}, 1, tc.at)
		var re *FeeReceiptError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.at, err)
		case tc.field != "" && (!errors.As(err, &re) || re.Problems[0].Field != tc.field || !errors.Is(err, ErrInvalidReceipt)):
			t.Errorf("%s: %v, want a problem at %s", tc.at, err, tc.field)
		}
	}
	bad := cfg
	bad.ValidFrom, bad.ValidUntil = bad.ValidUntil, bad.ValidFrom
	if _, err := IssueFeeReceipt(bad, paidRequest(t, 1, code7), Party{Name: "A"}, 1, time.Date(2026, 8, 1, 9, 0, 0, 0, locale.Zone)); !errors.Is(err, ErrInvalidReceipt) {
		t.Errorf("until before from: %v", err)
	}
	if !cfg.InForce(calendar.Date{Year: 2026, Month: 7, Day: 1}) || cfg.InForce(calendar.Date{Year: 2027, Month: 1, Day: 1}) ||
		!receiptConfig.InForce(calendar.Date{Year: 1999, Month: 1, Day: 1}) {
		t.Error("InForce")
	}
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// wellFormed parses doc completely and returns its root element's name, and whether
// its CollectorSignature element is present and empty.
func wellFormed(t *testing.T, doc []byte) (xml.Name, bool) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var root xml.Name
	depth, slot, slotEmpty := 0, false, true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, doc)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				root = tk.Name
			}
			if tk.Name.Local == "CollectorSignature" {
				slot = true
			} else if slot && depth == 2 {
				slotEmpty = false
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return root, slot && slotEmpty
}

func TestFeeReceiptXML(t *testing.T) {
	for _, tc := range []struct {
		file   string
		at     time.Time
		number int
		series string
	}{
		{"receipt_2026-06-30.xml", time.Date(2026, 6, 30, 15, 4, 5, 0, locale.Zone), 1_234_567, "26T"},
		{"receipt_2026-07-02.xml", time.Date(2026, 7, 2, 9, 15, 0, 0, locale.Zone), 12, "26T"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			cfg := receiptConfig
			cfg.Series = tc.series
			rc := issue(t, cfg, paidRequest(t, 1, code7), "Nguyễn Thị Đào", tc.number, tc.at)
			doc, err := FeeReceiptXML(rc)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, doc)
			root, slot := wellFormed(t, doc)
			if root.Space != ReceiptNamespace || root.Local != "Receipt" || !slot {
				t.Errorf("root %v, empty signature slot %v", root, slot)
			}
			for _, want := range []string{`Id="data"`, "<TotalInWords>Mười sáu nghìn đồng</TotalInWords>", "<TotalInFigures>16.000 đồng</TotalInFigures>"} {
				if !bytes.Contains(doc, []byte(want)) {
					t.Errorf("record lacks %s", want)
				}
			}
		})
	}
	bad := issue(t, receiptConfig, paidRequest(t, 1, code7), "A", 1, time.Date(2026, 7, 2, 9, 0, 0, 0, locale.Zone))
	bad.Collector.TaxCode = ""
	if _, err := FeeReceiptXML(bad); !errors.Is(err, ErrInvalidReceipt) {
		t.Errorf("FeeReceiptXML of an invalid receipt: %v", err)
	}
}

func TestDailySummary(t *testing.T) {
	day := calendar.Date{Year: 2026, Month: 7, Day: 2}
	at := func(h, m int) time.Time { return time.Date(2026, 7, 2, h, m, 0, 0, locale.Zone) }
	other := receiptConfig
	other.Template = "EBL02"
	receipts := []FeeReceipt{
		issue(t, receiptConfig, paidRequest(t, 3, "000.31.37.H45-260702-0011"), "Lê Văn Cường", 14, at(14, 30)),
		issue(t, receiptConfig, paidRequest(t, 1, code7), "Nguyễn Thị Đào", 12, at(9, 15)),
		issue(t, other, paidRequest(t, 4, "000.31.37.H45-260701-0003"), "Phạm Thị Hoa", 1, at(16, 45)),
		issue(t, receiptConfig, paidRequest(t, 2, "000.31.37.H45-260702-0009"), "Trần Văn Bình", 13, at(0, 5)),
	}
	s, err := DailySummary(receipts, day)
	if err != nil {
		t.Fatal(err)
	}
	if s.Count != 4 || s.Total != 64000 || len(s.Series) != 2 || s.Series[0].First != 12 || s.Series[0].Last != 14 ||
		s.Series[0].Missing != 0 || s.Series[1].Template != "EBL02" || s.Receipts[0].Number != 12 {
		t.Errorf("summary = %+v", s)
	}
	doc, err := s.XML()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary_2026-07-02.xml", doc)
	if root, slot := wellFormed(t, doc); root.Space != ReceiptNamespace || root.Local != "ReceiptSummary" || !slot {
		t.Errorf("root %v, empty signature slot %v", root, slot)
	}

	gap, err := DailySummary([]FeeReceipt{receipts[0], receipts[1]}, day)
	if err != nil || gap.Series[0].Missing != 1 {
		t.Errorf("a missing number: %+v, %v", gap.Series, err)
	}
	empty, err := DailySummary(nil, day)
	if err != nil || empty.Count != 0 {
		t.Errorf("empty day: %+v, %v", empty, err)
	}
	if _, err := empty.XML(); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("empty summary without collector: %v", err)
	}
	empty.Collector = receiptConfig.Collector
	if _, err := empty.XML(); err != nil {
		t.Errorf("empty summary with collector: %v", err)
	}

	otherUnit := receipts[1]
	otherUnit.UnitID, otherUnit.Collector.TaxCode = 13, "5700109999"
	lateNight := issue(t, receiptConfig, paidRequest(t, 5, code7), "A", 15, time.Date(2026, 7, 3, 0, 0, 0, 0, locale.Zone))
	invalid := receipts[1]
	invalid.Payer.Name = ""
	for _, tc := range []struct {
		name string
		rs   []FeeReceipt
	}{
		{"another day (midnight in Vietnam)", []FeeReceipt{receipts[0], lateNight}},
		{"another unit", []FeeReceipt{receipts[0], otherUnit}},
		{"a receipt twice", []FeeReceipt{receipts[0], receipts[1], receipts[0]}},
		{"an invalid receipt", []FeeReceipt{invalid}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DailySummary(tc.rs, day)
			if !errors.Is(err, ErrInvalidSummary) || len(apperr.DetailsOf(err)) != 1 {
				t.Errorf("DailySummary error = %v", err)
			}
		})
	}
}
