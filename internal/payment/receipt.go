package payment

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
)

// ReceiptRules are the rules in force for electronic fee receipts (biên lai thu phí, lệ
// phí điện tử) from a date on. The receipt's issue date (in Vietnam) picks them.
type ReceiptRules struct {
	// From is the first day the rules apply; the earliest rules apply before it too.
	From calendar.Date `json:"from"`
	// Basis cites the texts, for the XML record and the administrator's screen.
	Basis []string `json:"basis"`
	// MaxNumberDigits bounds the receipt number; numbers restart at 1 on each 1 January
	// for each template and series.
	MaxNumberDigits int `json:"max_number_digits"`
	// Name is the receipt name printed as its title, unless the unit configures another.
	Name string `json:"name"`
	// SeriesYear: a series symbol that begins with two digits must begin with the last
	// two digits of the year of issue, as "26T" for 2026.
	SeriesYear bool `json:"series_year"`
	// Unconfirmed lists what these rules assume without a primary text to cite.
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

// receiptRules, oldest first. ../shared/DOMAIN.md §4 is the source; of the texts, only
// Decree 70/2025/NĐ-CP (20 March 2025, in force 1 June 2025, amending Decree 123/2020)
// could be checked against a copy (docs/PAYMENTS.md lists what is UNCONFIRMED).
var receiptRules = []ReceiptRules{
	{
		Basis: []string{
			"Nghị định 123/2020/NĐ-CP, sửa đổi, bổ sung bởi Nghị định 70/2025/NĐ-CP",
			"Thông tư 32/2025/TT-BTC",
		},
		MaxNumberDigits: 7,
		Name:            "BIÊN LAI THU PHÍ, LỆ PHÍ",
		SeriesYear:      true,
		Unconfirmed: []string{
			"số biên lai tối đa 7 chữ số (DOMAIN.md §4, chưa đối chiếu văn bản)",
			"ký hiệu biên lai bắt đầu bằng 2 chữ số năm lập (theo cách ghi ký hiệu hóa đơn; chưa đối chiếu văn bản)",
			"tên biên lai mặc định",
		},
	},
	{
		From: calendar.Date{Year: 2026, Month: time.July, Day: 1},
		Basis: []string{
			"Nghị định 254/2026/NĐ-CP",
			"Thông tư 91/2026/TT-BTC",
		},
		MaxNumberDigits: 8,
		Name:            "BIÊN LAI THU PHÍ, LỆ PHÍ",
		SeriesYear:      true,
		Unconfirmed: []string{
			"số hiệu, ngày hiệu lực của Nghị định 254/2026/NĐ-CP và Thông tư 91/2026/TT-BTC (DOMAIN.md §4, chưa đối chiếu văn bản)",
			"số biên lai tối đa 8 chữ số (DOMAIN.md §4, chưa đối chiếu văn bản)",
			"ký hiệu biên lai bắt đầu bằng 2 chữ số năm lập (theo cách ghi ký hiệu hóa đơn; chưa đối chiếu văn bản)",
			"tên biên lai mặc định",
		},
	},
}

// RulesOn returns the receipt rules in force on day.
func RulesOn(day calendar.Date) ReceiptRules {
	r := receiptRules[0]
	for _, next := range receiptRules[1:] {
		if !day.Before(next.From) {
			r = next
		}
	}
	return r
}

// MaxNumber is the largest receipt number the rules allow.
func (r ReceiptRules) MaxNumber() int {
	n := 1
	for range r.MaxNumberDigits {
		n *= 10
	}
	return n - 1
}

// ReceiptConfig is a unit's receipt settings, set by the administrator from what the
// tax authority registered: the template and series symbols change with the rules and,
// for a series with the year in it, every 1 January.
type ReceiptConfig struct {
	UnitID int64 `json:"unit_id"`
	// Name overrides the rules' receipt name ("" for the default).
	Name string `json:"name,omitempty"`
	// Template is the template symbol (ký hiệu mẫu biên lai), e.g. "EBL01".
	Template string `json:"template"`
	// Series is the series symbol (ký hiệu biên lai), e.g. "26T".
	Series string `json:"series"`
	// Collector is the collecting unit: name and tax code are mandatory on a receipt.
	Collector Party `json:"collector"`
	// ValidFrom and ValidUntil bound the days (in Vietnam) receipts may be issued with
	// these symbols, as registered with the tax authority; zero: unbounded on that side.
	ValidFrom  calendar.Date `json:"valid_from,omitzero"`
	ValidUntil calendar.Date `json:"valid_until,omitzero"`
}

// InForce reports whether receipts may be issued with the configuration on day.
func (c ReceiptConfig) InForce(day calendar.Date) bool {
	return (c.ValidFrom.IsZero() || !day.Before(c.ValidFrom)) && (c.ValidUntil.IsZero() || !day.After(c.ValidUntil))
}

// validityProblems are the problems of the configuration's dates, and of issuing with
// it at day.
func (c ReceiptConfig) validityProblems(day calendar.Date) []apperr.Detail {
	var ps []apperr.Detail
	switch {
	case !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && c.ValidUntil.Before(c.ValidFrom):
		ps = append(ps, apperr.Detail{Field: "valid_until", Message: "ngày hết hiệu lực " + c.ValidUntil.String() + " trước ngày bắt đầu " + c.ValidFrom.String()})
	case !c.ValidFrom.IsZero() && day.Before(c.ValidFrom):
		ps = append(ps, apperr.Detail{Field: "valid_from", Message: "ký hiệu biên lai chỉ dùng từ ngày " + c.ValidFrom.String()})
	case !c.ValidUntil.IsZero() && day.After(c.ValidUntil):
		ps = append(ps, apperr.Detail{Field: "valid_until", Message: "ký hiệu biên lai đã hết hiệu lực từ sau ngày " + c.ValidUntil.String()})
	}
	return ps
}

// Party is the collecting unit or the payer as a receipt names them.
type Party struct {
	Name    string `json:"name"`
	TaxCode string `json:"tax_code,omitempty"`
	Address string `json:"address,omitempty"`
}

// FeeReceipt is an electronic fee receipt (biên lai thu phí, lệ phí điện tử): the record
// FeeReceiptXML writes and the collecting unit signs; the PDF is its view.
type FeeReceipt struct {
	ID        int64 `json:"id"`
	UnitID    int64 `json:"unit_id"`
	RequestID int64 `json:"request_id"`
	// DossierCode and Reference tie the receipt to the dossier and the payment.
	DossierCode string `json:"dossier_code"`
	Reference   string `json:"reference"`
	// Name is the receipt name (tên biên lai), its title.
	Name     string `json:"name"`
	Template string `json:"template"`
	Series   string `json:"series"`
	// Number is allocated by storage per Sequence: 1 on the first receipt of a year.
	Number    int       `json:"number"`
	IssuedAt  time.Time `json:"issued_at"`
	Collector Party     `json:"collector"`
	Payer     Party     `json:"payer"`
	// Items are the fees collected, each with its name; Total is their sum.
	Items  []Item `json:"items"`
	Total  int64  `json:"total"`
	Method Method `json:"method"`
	// Replaces is the cancelled receipt this one replaces (nil for an ordinary one).
	Replaces *ReceiptRef `json:"replaces,omitempty"`
}

// ReceiptRef names a receipt as another refers to it: "Thay thế cho biên lai số … ngày …".
type ReceiptRef struct {
	ID       int64     `json:"id"`
	Template string    `json:"template"`
	Series   string    `json:"series"`
	Number   int       `json:"number"`
	IssuedAt time.Time `json:"issued_at"`
}

// RefOf names r.
func RefOf(r FeeReceipt) *ReceiptRef {
	return &ReceiptRef{ID: r.ID, Template: r.Template, Series: r.Series, Number: r.Number, IssuedAt: r.IssuedAt}
}

// Words says the reference as the replacement prints it.
func (x ReceiptRef) Words() string {
	n := FeeReceipt{Number: x.Number, IssuedAt: x.IssuedAt}.NumberText()
	return fmt.Sprintf("Thay thế cho biên lai ký hiệu mẫu %s, ký hiệu %s, số %s ngày %s", x.Template, x.Series, n,
		locale.Date(x.IssuedAt))
}

// ReceiptSequence is what receipt numbers count within: storage keeps one counter per
// key and increments it in the transaction that stores the receipt, so a number is
// neither skipped nor repeated, and a new year starts a new counter at 1.
type ReceiptSequence struct {
	UnitID   int64
	Template string
	Series   string
	Year     int
}

// Sequence returns the counter the receipt's number comes from.
func (r FeeReceipt) Sequence() ReceiptSequence {
	return ReceiptSequence{UnitID: r.UnitID, Template: r.Template, Series: r.Series, Year: calendar.DateOf(r.IssuedAt).Year}
}

// Rules returns the rules in force on the receipt's issue date.
func (r FeeReceipt) Rules() ReceiptRules { return RulesOn(calendar.DateOf(r.IssuedAt)) }

// NumberText writes the number with leading zeros to the width the rules allow, as
// receipts print it ("0000123"). The XML record carries the number without them.
func (r FeeReceipt) NumberText() string {
	return fmt.Sprintf("%0*d", r.Rules().MaxNumberDigits, r.Number)
}

// IssueFeeReceipt makes the receipt for a paid request: its fees, the unit's
// configuration, the payer, the number storage allocated from the Sequence of
// (cfg's unit, template, series, year of at), and the time of issue.
func IssueFeeReceipt(cfg ReceiptConfig, r Request, payer Party, number int, at time.Time) (FeeReceipt, error) {
	if r.State != StatePaid {
		return FeeReceipt{}, fmt.Errorf("payment: receipt for request %s in state %s: %w", r.Reference, r.State, ErrInvalidTransition)
	}
	name := cfg.Name
	if strings.TrimSpace(name) == "" {
		name = RulesOn(calendar.DateOf(at)).Name
	}
	rc := FeeReceipt{
		UnitID: cfg.UnitID, RequestID: r.ID, DossierCode: r.DossierCode, Reference: r.Reference,
		Name: name, Template: cfg.Template, Series: cfg.Series, Number: number, IssuedAt: at,
		Collector: cfg.Collector, Payer: payer, Items: append([]Item(nil), r.Items...), Total: r.Amount, Method: r.Method,
	}
	rc = rc.normalized()
	ps := cfg.validityProblems(calendar.DateOf(at))
	if err := rc.Validate(); err != nil {
		var re *FeeReceiptError
		if !errors.As(err, &re) {
			return FeeReceipt{}, err
		}
		ps = append(ps, re.Problems...)
	}
	if len(ps) > 0 {
		return FeeReceipt{}, &FeeReceiptError{Problems: ps}
	}
	return rc, nil
}

// normalized trims the receipt's text and puts it in NFC, as everything bound for
// paper is.
func (r FeeReceipt) normalized() FeeReceipt {
	t := func(s string) string { return locale.NFC(strings.TrimSpace(s)) }
	r.Name, r.Template, r.Series = t(r.Name), strings.ToUpper(t(r.Template)), strings.ToUpper(t(r.Series))
	for _, p := range []*Party{&r.Collector, &r.Payer} {
		p.Name, p.TaxCode, p.Address = t(p.Name), t(p.TaxCode), t(p.Address)
	}
	for i := range r.Items {
		r.Items[i].Name = t(r.Items[i].Name)
	}
	return r
}

var (
	// templateRE and seriesRE are the shapes of symbols accepted: capital letters
	// and digits, with the dash and slash that older symbols carried ("01BLP0-001",
	// "AA/22E"). The exact shapes under Circulars 32/2025 and 91/2026 are UNCONFIRMED,
	// so the check is only what keeps a symbol printable and unambiguous.
	templateRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/-]{0,19}$`)
	seriesRE   = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/-]{0,9}$`)
	// taxCodeRE: an organisation's tax code, 10 digits, or 10 and a 3-digit branch
	// suffix.
	taxCodeRE = regexp.MustCompile(`^\d{10}(-\d{3})?$`)
)

// FeeReceiptError lists every problem of a receipt; it wraps ErrInvalidReceipt.
type FeeReceiptError struct {
	Problems []apperr.Detail
}

func (e *FeeReceiptError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "payment: receipt: " + strings.Join(parts, "; ")
}

// Unwrap returns ErrInvalidReceipt.
func (e *FeeReceiptError) Unwrap() error { return ErrInvalidReceipt }

// Details lists the problems by field (apperr.Detailed).
func (e *FeeReceiptError) Details() []apperr.Detail { return e.Problems }

// Validate checks the mandatory content of a receipt under the rules of its issue date:
// receipt name; template and series symbols; number (1 to the rules' maximum); the
// collecting unit's name and tax code; the payer's name; each fee's name and amount;
// the total, equal to the sum of the fees (its words are derived from it); the date.
// The collecting unit's digital signature is added to the XML record afterwards.
func (r FeeReceipt) Validate() error {
	var ps []apperr.Detail
	add := func(field, msg string, args ...any) {
		ps = append(ps, apperr.Detail{Field: field, Message: fmt.Sprintf(msg, args...)})
	}
	text := func(field, what, s string, required bool, limit int) {
		switch {
		case s == "" && required:
			add(field, "thiếu %s", what)
		case !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl):
			add(field, "%s có ký tự không hợp lệ", what)
		case utf8.RuneCountInString(s) > limit:
			add(field, "%s dài quá %d ký tự", what, limit)
		}
	}
	if r.IssuedAt.IsZero() {
		add("issued_at", "thiếu ngày lập biên lai")
	}
	rules := r.Rules()
	text("name", "tên biên lai", r.Name, true, 200)
	if !templateRE.MatchString(r.Template) {
		add("template", "ký hiệu mẫu biên lai %q không hợp lệ (chữ in hoa, chữ số, - hoặc /; tối đa 20 ký tự)", r.Template)
	}
	if !seriesRE.MatchString(r.Series) {
		add("series", "ký hiệu biên lai %q không hợp lệ (chữ in hoa, chữ số, - hoặc /; tối đa 10 ký tự)", r.Series)
	} else if yy, ok := seriesYear(r.Series); ok && rules.SeriesYear && !r.IssuedAt.IsZero() &&
		yy != calendar.DateOf(r.IssuedAt).Year%100 {
		add("series", "ký hiệu biên lai %q không thuộc năm %d", r.Series, calendar.DateOf(r.IssuedAt).Year)
	}
	if r.Number < 1 || r.Number > rules.MaxNumber() {
		add("number", "số biên lai %d phải từ 1 đến %d (%d chữ số)", r.Number, rules.MaxNumber(), rules.MaxNumberDigits)
	}
	text("collector.name", "tên đơn vị thu", r.Collector.Name, true, 400)
	if !taxCodeRE.MatchString(r.Collector.TaxCode) {
		add("collector.tax_code", "mã số thuế của đơn vị thu %q phải gồm 10 chữ số (hoặc 10 chữ số, dấu - và 3 chữ số)", r.Collector.TaxCode)
	}
	text("collector.address", "địa chỉ đơn vị thu", r.Collector.Address, false, 400)
	text("payer.name", "tên người nộp", r.Payer.Name, true, 400)
	text("payer.tax_code", "mã số thuế người nộp", r.Payer.TaxCode, false, 20)
	text("payer.address", "địa chỉ người nộp", r.Payer.Address, false, 400)
	if len(r.Items) == 0 {
		add("items", "thiếu tên khoản phí, lệ phí")
	}
	var sum int64
	for i, it := range r.Items {
		text(fmt.Sprintf("items[%d].name", i), "tên khoản phí, lệ phí", it.Name, true, maxItemName)
		if it.Amount <= 0 || it.Amount > maxAmount {
			add(fmt.Sprintf("items[%d].amount", i), "số tiền %d không hợp lệ", it.Amount)
		} else {
			sum += it.Amount
		}
	}
	if r.Total <= 0 || r.Total != sum {
		add("total", "tổng số tiền %d khác tổng các khoản %d", r.Total, sum)
	}
	if _, ok := methodLabels[r.Method]; !ok {
		add("method", "hình thức thanh toán %q không hợp lệ", r.Method)
	}
	if len(ps) > 0 {
		return &FeeReceiptError{Problems: ps}
	}
	return nil
}

// seriesYear reads the two digits a series symbol begins with.
func seriesYear(s string) (int, bool) {
	if len(s) < 2 || !allDigits(s[:2]) {
		return 0, false
	}
	n, _ := strconv.Atoi(s[:2])
	return n, true
}

// CheckReceiptConfig checks a unit's receipt configuration at now by issuing a sample receipt with it and
// keeping the problems that concern the configuration; it returns the configuration as
// receipts will print it (trimmed, NFC, symbols in capitals).
func CheckReceiptConfig(cfg ReceiptConfig, now time.Time) (ReceiptConfig, error) {
	if cfg.UnitID <= 0 {
		return cfg, fmt.Errorf("payment: receipt configuration without a unit: %w", ErrInvalidReceipt)
	}
	cfg.Name = locale.NFC(strings.TrimSpace(cfg.Name))
	sample := Request{ID: 1, State: StatePaid, Items: []Item{{Name: "Lệ phí", Amount: 1}}, Amount: 1,
		Paid: 1, Method: MethodCash}
	// try issues the sample at a time: the receipt, or the configuration's problems.
	try := func(at time.Time) (FeeReceipt, []apperr.Detail, error) {
		rc, err := IssueFeeReceipt(cfg, sample, Party{Name: "Người nộp"}, 1, at)
		var re *FeeReceiptError
		if !errors.As(err, &re) {
			return rc, nil, err
		}
		var ps []apperr.Detail
		for _, p := range re.Problems {
			if p.Field == "name" || p.Field == "template" || p.Field == "series" || strings.HasPrefix(p.Field, "collector.") ||
				p.Field == "valid_from" || p.Field == "valid_until" {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			return rc, nil, fmt.Errorf("payment: sample receipt: %w", err) // a problem of the sample itself
		}
		return rc, ps, nil
	}
	// A configuration that starts later is checked on its first day.
	at := now
	if !cfg.ValidFrom.IsZero() && cfg.ValidFrom.Time().After(now) {
		at = cfg.ValidFrom.Time().Add(12 * time.Hour)
	}
	rc, ps, err := try(at)
	if len(ps) > 0 {
		// A series for next year, entered in advance.
		next := calendar.NewDate(calendar.DateOf(now).Year+1, time.January, 1).Time()
		if rc2, ps2, err2 := try(next); len(ps2) == 0 && err2 == nil {
			rc, ps = rc2, nil
		}
	}
	switch {
	case err != nil:
		return cfg, err
	case len(ps) > 0:
		return cfg, &FeeReceiptError{Problems: ps}
	}
	cfg.Template, cfg.Series, cfg.Collector = rc.Template, rc.Series, rc.Collector
	return cfg, nil
}
