package payment

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
)

// ReceiptNamespace is the XML namespace of xaso's receipt records and daily summaries.
// It is xaso's own format: the tax authority's schema for transmitting receipts is
// UNCONFIRMED, and a converter to it belongs next to the submission, not here.
const ReceiptNamespace = "urn:xaso:receipt:1"

// SignedElementID is the Id of the element a signature covers, in a receipt and in a
// summary: the signer adds one ds:Signature (http://www.w3.org/2000/09/xmldsig#) inside
// the empty CollectorSignature element, with a Reference to "#data" canonicalised by
// exclusive XML canonicalisation (http://www.w3.org/2001/10/xml-exc-c14n#). Since the
// signature sits outside the signed element, no enveloped-signature transform is needed
// and the signed bytes do not change when it is added.
const SignedElementID = "data"

type xmlRules struct {
	From  string   `xml:"From,omitempty"`
	Basis []string `xml:"Basis"`
}

type xmlParty struct {
	Name    string `xml:"Name"`
	TaxCode string `xml:"TaxCode,omitempty"`
	Address string `xml:"Address,omitempty"`
}

type xmlItem struct {
	Name   string `xml:"Name"`
	Amount int64  `xml:"Amount"`
}

type xmlReceiptData struct {
	ID           string    `xml:"Id,attr"`
	Rules        xmlRules  `xml:"Rules"`
	Name         string    `xml:"Name"`
	Template     string    `xml:"Template"`
	Series       string    `xml:"Series"`
	Number       int       `xml:"Number"`
	IssuedAt     string    `xml:"IssuedAt"`
	Date         string    `xml:"Date"`
	Collector    xmlParty  `xml:"Collector"`
	Payer        xmlParty  `xml:"Payer"`
	DossierCode  string    `xml:"DossierCode,omitempty"`
	Reference    string    `xml:"PaymentReference,omitempty"`
	Method       string    `xml:"PaymentMethod"`
	Items        []xmlItem `xml:"Items>Item"`
	Currency     string    `xml:"Currency"`
	Total        int64     `xml:"Total"`
	TotalFigures string    `xml:"TotalInFigures"`
	TotalWords   string    `xml:"TotalInWords"`
	// Replaces names the cancelled receipt a replacement stands for.
	Replaces *xmlReplaces `xml:"Replaces,omitempty"`
}

type xmlReplaces struct {
	Template string `xml:"Template"`
	Series   string `xml:"Series"`
	Number   int    `xml:"Number"`
	Date     string `xml:"Date"`
}

// signatureSlot is the empty element the signer fills.
type signatureSlot struct{}

type xmlReceipt struct {
	XMLName   xml.Name       `xml:"urn:xaso:receipt:1 Receipt"`
	Version   string         `xml:"version,attr"`
	Data      xmlReceiptData `xml:"Data"`
	Signature signatureSlot  `xml:"CollectorSignature"`
}

// FeeReceiptXML writes the receipt's XML record: the mandatory content in a Data element
// (Id "data") with the amount in figures and in words and the rules it was issued
// under, then the empty CollectorSignature element the signer fills (SignedElementID).
// The receipt is validated first; the output is UTF-8, indented, deterministic.
func FeeReceiptXML(r FeeReceipt) ([]byte, error) {
	r = r.normalized()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	rules := r.Rules()
	d := xmlReceiptData{
		ID:          SignedElementID,
		Rules:       xmlRulesOf(rules),
		Name:        r.Name,
		Template:    r.Template,
		Series:      r.Series,
		Number:      r.Number,
		IssuedAt:    r.IssuedAt.In(locale.Zone).Format(time.RFC3339),
		Date:        calendar.DateOf(r.IssuedAt).String(),
		Collector:   xmlParty(r.Collector),
		Payer:       xmlParty(r.Payer),
		DossierCode: r.DossierCode,
		Reference:   r.Reference,
		Method:      string(r.Method),
		Currency:    "VND",
		Total:       r.Total,
		// The figures and words are part of the signed record: what the citizen reads is
		// what the unit signed.
		TotalFigures: locale.Money(r.Total),
		TotalWords:   locale.MoneyWords(r.Total),
	}
	for _, it := range r.Items {
		d.Items = append(d.Items, xmlItem{Name: it.Name, Amount: it.Amount})
	}
	if x := r.Replaces; x != nil {
		d.Replaces = &xmlReplaces{Template: x.Template, Series: x.Series, Number: x.Number, Date: calendar.DateOf(x.IssuedAt).String()}
	}
	return marshalXML(xmlReceipt{Version: "1", Data: d})
}

func xmlRulesOf(r ReceiptRules) xmlRules {
	x := xmlRules{Basis: r.Basis}
	if !r.From.IsZero() {
		x.From = r.From.String()
	}
	return x
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("payment: xml: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// Summary is the day's receipts of one collecting unit, for the tax authority
// (bảng tổng hợp biên lai): every receipt issued that day, and per template and series
// the count, the first and last number and the total.
type Summary struct {
	Day       calendar.Date   `json:"day"`
	Collector Party           `json:"collector"`
	Rules     ReceiptRules    `json:"rules"`
	Series    []SeriesSummary `json:"series"`
	Receipts  []SummaryLine   `json:"receipts"`
	Count     int             `json:"count"`
	Total     int64           `json:"total"`
	// Cancellations are the receipts cancelled on the day, whatever day they were
	// issued; CancelledTotal their amount and Net = Total − CancelledTotal, so that a
	// cancelled receipt and its replacement count once over the days' summaries.
	Cancellations  []CancellationLine `json:"cancellations,omitempty"`
	CancelledTotal int64              `json:"cancelled_total"`
	Net            int64              `json:"net"`
}

// CancellationLine is a receipt cancelled on the summary's day.
type CancellationLine struct {
	Template    string `json:"template" xml:"Template"`
	Series      string `json:"series" xml:"Series"`
	Number      int    `json:"number" xml:"Number"`
	IssuedOn    string `json:"issued_on" xml:"IssuedOn"`
	CancelledAt string `json:"cancelled_at" xml:"CancelledAt"`
	Reason      string `json:"reason" xml:"Reason"`
	Total       int64  `json:"total" xml:"Total"`
	DossierCode string `json:"dossier_code,omitempty" xml:"DossierCode,omitempty"`
}

// AddCancellations records on the summary the receipts cancelled on its day (each
// with its Cancellation set, of the same unit).
func (s *Summary) AddCancellations(cancelled []StoredFeeReceipt) error {
	for _, r := range cancelled {
		c := r.Cancellation
		if c == nil || calendar.DateOf(c.At) != s.Day {
			return fmt.Errorf("payment: summary of %s: receipt %d not cancelled that day: %w", s.Day, r.Number, ErrInvalidSummary)
		}
		s.Cancellations = append(s.Cancellations, CancellationLine{Template: r.Template, Series: r.Series, Number: r.Number,
			IssuedOn: calendar.DateOf(r.IssuedAt).String(), CancelledAt: c.At.In(locale.Zone).Format(time.RFC3339),
			Reason: c.Reason, Total: r.Total, DossierCode: r.DossierCode})
		s.CancelledTotal += r.Total
	}
	s.Net = s.Total - s.CancelledTotal
	return nil
}

// SeriesSummary totals one template and series. Missing counts the numbers between
// First and Last that are not in the day's list: receipts are numbered in order, so it
// should be zero.
type SeriesSummary struct {
	Template string `json:"template" xml:"Template"`
	Series   string `json:"series" xml:"Series"`
	Count    int    `json:"count" xml:"Count"`
	First    int    `json:"first" xml:"First"`
	Last     int    `json:"last" xml:"Last"`
	Missing  int    `json:"missing" xml:"Missing"`
	Total    int64  `json:"total" xml:"Total"`
}

// SummaryLine is one receipt of the summary.
type SummaryLine struct {
	Template    string `json:"template" xml:"Template"`
	Series      string `json:"series" xml:"Series"`
	Number      int    `json:"number" xml:"Number"`
	IssuedAt    string `json:"issued_at" xml:"IssuedAt"`
	Payer       string `json:"payer" xml:"Payer"`
	Fees        string `json:"fees" xml:"Fees"`
	Total       int64  `json:"total" xml:"Total"`
	DossierCode string `json:"dossier_code,omitempty" xml:"DossierCode,omitempty"`
}

// DailySummary summarises the receipts issued on day (in Vietnam) by one collecting
// unit. Every receipt must be valid, issued that day, by the same unit and tax code,
// and appear once: a receipt from another day or unit means the caller's query is
// wrong, which must not go to the tax authority unnoticed. With no receipts the
// summary is empty and its Collector is left for the caller to fill.
func DailySummary(receipts []FeeReceipt, day calendar.Date) (Summary, error) {
	s := Summary{Day: day, Rules: RulesOn(day)}
	type key struct {
		template, series string
		number           int
	}
	seen := map[key]bool{}
	var ps []apperr.Detail
	bad := func(i int, format string, args ...any) {
		ps = append(ps, apperr.Detail{Field: fmt.Sprintf("receipts[%d]", i), Message: fmt.Sprintf(format, args...)})
	}
	rs := make([]FeeReceipt, len(receipts))
	for i, r := range receipts {
		r = r.normalized()
		rs[i] = r
		if err := r.Validate(); err != nil {
			bad(i, "%v", err)
			continue
		}
		if got := calendar.DateOf(r.IssuedAt); got != day {
			bad(i, "biên lai số %d lập ngày %s, không phải ngày %s", r.Number, got, day)
		}
		if i > 0 && (r.UnitID != rs[0].UnitID || r.Collector.TaxCode != rs[0].Collector.TaxCode) {
			bad(i, "biên lai số %d của đơn vị thu khác (mã số thuế %s)", r.Number, r.Collector.TaxCode)
		}
		k := key{r.Template, r.Series, r.Number}
		if seen[k] {
			bad(i, "biên lai %s %s số %d có hai lần", r.Template, r.Series, r.Number)
		}
		seen[k] = true
	}
	if len(ps) > 0 {
		return Summary{}, fmt.Errorf("payment: summary of %s: %w", day, &summaryError{ps})
	}
	slices.SortFunc(rs, func(a, b FeeReceipt) int {
		if c := strings.Compare(a.Template, b.Template); c != 0 {
			return c
		}
		if c := strings.Compare(a.Series, b.Series); c != 0 {
			return c
		}
		return a.Number - b.Number
	})
	for _, r := range rs {
		if len(s.Series) == 0 || s.Series[len(s.Series)-1].Template != r.Template || s.Series[len(s.Series)-1].Series != r.Series {
			s.Series = append(s.Series, SeriesSummary{Template: r.Template, Series: r.Series, First: r.Number})
		}
		ss := &s.Series[len(s.Series)-1]
		ss.Count++
		ss.Last = r.Number
		ss.Missing = ss.Last - ss.First + 1 - ss.Count
		ss.Total += r.Total
		names := make([]string, len(r.Items))
		for i, it := range r.Items {
			names[i] = it.Name
		}
		s.Receipts = append(s.Receipts, SummaryLine{Template: r.Template, Series: r.Series, Number: r.Number,
			IssuedAt: r.IssuedAt.In(locale.Zone).Format(time.RFC3339), Payer: r.Payer.Name,
			Fees: strings.Join(names, "; "), Total: r.Total, DossierCode: r.DossierCode})
		s.Count++
		s.Total += r.Total
	}
	if len(rs) > 0 {
		s.Collector = rs[0].Collector
	}
	s.Net = s.Total
	return s, nil
}

// summaryError lists what is wrong with the receipts given for a summary.
type summaryError struct{ problems []apperr.Detail }

func (e *summaryError) Error() string {
	parts := make([]string, len(e.problems))
	for i, p := range e.problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return strings.Join(parts, "; ")
}

func (e *summaryError) Unwrap() error            { return ErrInvalidSummary }
func (e *summaryError) Details() []apperr.Detail { return e.problems }

type xmlSummaryData struct {
	ID        string          `xml:"Id,attr"`
	Rules     xmlRules        `xml:"Rules"`
	Day       string          `xml:"Day"`
	Collector xmlParty        `xml:"Collector"`
	Currency  string          `xml:"Currency"`
	Count     int             `xml:"Count"`
	Total     int64           `xml:"Total"`
	Series    []SeriesSummary `xml:"SeriesTotals>SeriesTotal"`
	Receipts  []SummaryLine   `xml:"Receipts>Receipt"`
	// Present only on a day with cancellations, so the summaries of other days keep
	// their form.
	Cancellations  *xmlCancellations `xml:"Cancellations,omitempty"`
	CancelledTotal int64             `xml:"CancelledTotal,omitempty"`
	Net            *int64            `xml:"Net,omitempty"`
}

type xmlCancellations struct {
	Lines []CancellationLine `xml:"Cancelled"`
}

type xmlSummary struct {
	XMLName   xml.Name       `xml:"urn:xaso:receipt:1 ReceiptSummary"`
	Version   string         `xml:"version,attr"`
	Data      xmlSummaryData `xml:"Data"`
	Signature signatureSlot  `xml:"CollectorSignature"`
}

// XML writes the summary for the tax authority in the receipts' namespace, with the
// same Data element and signature slot as a receipt, so the same signer signs both.
// XML rather than CSV: the text is Vietnamese (CSV has no declared encoding, and
// spreadsheet programs guess wrong), the record must carry a signature, and the
// receipts themselves are XML.
func (s Summary) XML() ([]byte, error) {
	if s.Collector.Name == "" || !taxCodeRE.MatchString(s.Collector.TaxCode) {
		return nil, fmt.Errorf("payment: summary of %s: collecting unit name and tax code: %w", s.Day, ErrInvalidSummary)
	}
	var net *int64
	var cancellations *xmlCancellations
	if len(s.Cancellations) > 0 {
		net, cancellations = &s.Net, &xmlCancellations{s.Cancellations}
	}
	return marshalXML(xmlSummary{Version: "1", Data: xmlSummaryData{
		ID: SignedElementID, Rules: xmlRulesOf(s.Rules), Day: s.Day.String(), Collector: xmlParty(s.Collector),
		Currency: "VND", Count: s.Count, Total: s.Total, Series: s.Series, Receipts: s.Receipts,
		Cancellations: cancellations, CancelledTotal: s.CancelledTotal, Net: net,
	}})
}
