// Package certify is the certification register (sổ chứng thực) of a commune's desk:
// certifying copies from originals, signatures, and contracts or transactions (Decree
// 23/2015/NĐ-CP, amended by Decree 07/2025/NĐ-CP; Circular 01/2020/TT-BTP), each
// recorded in the book of its kind with the next number of the year, its pages and
// copies, the fee of Circular 226/2016/TT-BTC, the certifier and the certification text
// (lời chứng). The rules here are pure; Service stores an entry with its number and its
// fee's payment request in one transaction (internal/store).
package certify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Kind is a kind of certification; each has its own book.
type Kind string

const (
	KindCopy      Kind = "copy"      // chứng thực bản sao từ bản chính
	KindSignature Kind = "signature" // chứng thực chữ ký (and fingerprint, điểm chỉ)
	KindContract  Kind = "contract"  // chứng thực hợp đồng, giao dịch
)

// Kinds lists every kind, in the order the desk shows them.
var Kinds = []Kind{KindCopy, KindSignature, KindContract}

var kindLabels = map[Kind]string{
	KindCopy:      "Chứng thực bản sao từ bản chính",
	KindSignature: "Chứng thực chữ ký",
	KindContract:  "Chứng thực hợp đồng, giao dịch",
}

// symbols are the books' symbols (ký hiệu sổ) as Circular 01/2020/TT-BTP writes them
// after the book number: "Quyển số 01/2026-SCT/BS". UNCONFIRMED against the circular's
// text (not in the reference library): they are the symbols printed on the forms in use.
var symbols = map[Kind]string{
	KindCopy:      "SCT/BS",
	KindSignature: "SCT/CK,ĐC",
	KindContract:  "SCT/HĐ,GD",
}

// Label is the kind's Vietnamese name.
func (k Kind) Label() string { return kindLabels[k] }

// Symbol is the symbol of the kind's book.
func (k Kind) Symbol() string { return symbols[k] }

// ParseKind accepts a kind's name.
func ParseKind(s string) (Kind, bool) {
	_, ok := kindLabels[Kind(s)]
	return Kind(s), ok
}

// Book names the book of kind for year: one book a kind a year, numbered from 1
// (quyển số 01). A paper book that fills up continues in a second volume with the same
// numbering; the electronic register has no such limit.
func Book(k Kind, year int) string { return fmt.Sprintf("01/%d-%s", year, k.Symbol()) }

// YearOf is the register year of an instant: the calendar year in Vietnam, so the
// numbers restart at midnight on 1 January in Vietnam, not in UTC.
func YearOf(t time.Time) int { return calendar.DateOf(t).Year }

// The fees of Circular 226/2016/TT-BTC, Article 4 (in đồng):
//   - a copy from an original: 2,000 a page for the first and second pages, 1,000 a page
//     from the third, at most 200,000 a copy; pages are the original's pages;
//   - a signature: 10,000 a case (one or more signatures on one paper);
//   - a contract or transaction: 50,000 a contract or transaction.
//
// Sources: the circular as quoted by luatduonggia.edu.vn ("Phí sao y bản chính bao nhiêu
// tiền?", citing Article 4) and congchung2tphcm.com.vn ("Chứng thực bản sao"); DOMAIN.md
// §16. The joint circular of 2015 it replaced had 30,000 for a contract.
const (
	FeeCopyPage      = 2000   // pages 1 and 2
	FeeCopyLaterPage = 1000   // page 3 onwards
	FeeCopyCap       = 200000 // per copy
	FeeSignature     = 10000  // per case
	FeeContract      = 50000  // per contract or transaction
)

// Bounds of an entry's figures: beyond them a typing mistake is far likelier than a
// real request (and the fee stays far from overflowing).
const (
	MaxPages        = 10000
	MaxCopies       = 1000
	MaxDocument     = 300 // characters
	MaxRequester    = 100
	MaxCertifierLen = 100
)

// CopyFee is the fee of one certified copy of an original of pages pages.
func CopyFee(pages int) int64 {
	first := min(pages, 2)
	later := max(pages-2, 0)
	return min(int64(first)*FeeCopyPage+int64(later)*FeeCopyLaterPage, FeeCopyCap)
}

// Fee is the fee of a certification of kind: for copies, the fee of one copy (by the
// original's pages) times the copies; for signatures, one case per paper signed (copies);
// for a contract, one fee however many counterparts are certified. pages and copies must
// have been checked (Check).
func Fee(k Kind, pages, copies int) int64 {
	switch k {
	case KindCopy:
		return CopyFee(pages) * int64(copies)
	case KindSignature:
		return FeeSignature * int64(copies)
	case KindContract:
		return FeeContract
	}
	return 0
}

// Errors of the register, each with a stable code; the field errors are drawn at
// their field on the desk's page.
var (
	ErrKind        = apperr.New(apperr.Invalid, "invalid_certification_kind", "Chọn loại chứng thực: bản sao từ bản chính, chữ ký, hoặc hợp đồng, giao dịch.")
	ErrPages       = apperr.New(apperr.Invalid, "invalid_pages", fmt.Sprintf("Số trang phải là số nguyên từ 1 đến %s.", locale.Number(MaxPages)))
	ErrCopies      = apperr.New(apperr.Invalid, "invalid_copies", fmt.Sprintf("Số bản phải là số nguyên từ 1 đến %s.", locale.Number(MaxCopies)))
	ErrDocument    = apperr.New(apperr.Invalid, "document_required", fmt.Sprintf("Nhập tên giấy tờ, văn bản được chứng thực (tối đa %d ký tự).", MaxDocument))
	ErrRequester   = apperr.New(apperr.Invalid, "requester_required", fmt.Sprintf("Nhập họ tên người yêu cầu chứng thực (tối đa %d ký tự).", MaxRequester))
	ErrCertifier   = apperr.New(apperr.Invalid, "invalid_certifier", "Người thực hiện chứng thực phải là lãnh đạo hoặc công chức tư pháp - hộ tịch của đơn vị.")
	ErrInvalid     = apperr.New(apperr.Invalid, "invalid_certification", "Thông tin chứng thực chưa hợp lệ; xem từng trường.")
	ErrNotFound    = apperr.New(apperr.NotFound, "certification_not_found", "Không tìm thấy việc chứng thực này trong sổ.")
	ErrFileType    = apperr.New(apperr.NotFound, "unknown_register_file", "Sổ chứng thực in được dạng .pdf hoặc .xlsx.")
	ErrBadDay      = apperr.New(apperr.Invalid, "invalid_date", "Ngày phải có dạng năm-tháng-ngày (ví dụ 2026-07-02).")
	ErrBadYear     = apperr.New(apperr.Invalid, "invalid_year", "Năm phải từ 2000 đến 2100.")
	ErrUnitUnknown = apperr.New(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị.")
)

// FieldError lists the problems of an entry by field (kind, pages, copies, document,
// requester, certifier). It unwraps to the first problem's own error, so the API answers
// with that code, and lists all of them as details.
type FieldError struct {
	Problems map[string]*apperr.Error
}

// fieldOrder is the order of the desk's form, which decides the code answered.
var fieldOrder = []string{"kind", "pages", "copies", "document", "requester", "certifier"}

func (e *FieldError) Error() string {
	var parts []string
	for _, f := range fieldOrder {
		if p, ok := e.Problems[f]; ok {
			parts = append(parts, f+": "+p.Code)
		}
	}
	return "certify: invalid entry: " + strings.Join(parts, "; ")
}

// Details lists the problems in the form's order (apperr.Detailed).
func (e *FieldError) Details() []apperr.Detail {
	var out []apperr.Detail
	for _, f := range fieldOrder {
		if p, ok := e.Problems[f]; ok {
			out = append(out, apperr.Detail{Field: f, Message: p.Message})
		}
	}
	return out
}

// Unwrap is the first problem's error.
func (e *FieldError) Unwrap() error {
	for _, f := range fieldOrder {
		if p, ok := e.Problems[f]; ok {
			return p
		}
	}
	return ErrInvalid
}

// Request is what the desk records: the kind, the original's pages, the copies (or
// papers signed, or counterparts), the paper certified and who asked. Certifier is the
// username of the official who certifies (optional: the entry is then signed by hand
// and the name written on paper).
type Request struct {
	Kind      Kind
	Pages     int
	Copies    int
	Document  string
	Requester string
	Certifier string
}

// Check normalises r (trimmed, NFC) and reports every problem at its field.
func Check(r Request) (Request, error) {
	probs := map[string]*apperr.Error{}
	if _, ok := ParseKind(string(r.Kind)); !ok {
		probs["kind"] = ErrKind
	}
	if r.Pages < 1 || r.Pages > MaxPages {
		probs["pages"] = ErrPages
	}
	if r.Copies < 1 || r.Copies > MaxCopies {
		probs["copies"] = ErrCopies
	}
	r.Document = locale.NFC(strings.TrimSpace(r.Document))
	if r.Document == "" || utf8.RuneCountInString(r.Document) > MaxDocument || hasControl(r.Document) {
		probs["document"] = ErrDocument
	}
	r.Requester = locale.NFC(strings.TrimSpace(r.Requester))
	if r.Requester == "" || utf8.RuneCountInString(r.Requester) > MaxRequester || hasControl(r.Requester) {
		probs["requester"] = ErrRequester
	}
	r.Certifier = strings.TrimSpace(r.Certifier)
	if len(r.Certifier) > MaxCertifierLen {
		probs["certifier"] = ErrCertifier
	}
	if len(probs) > 0 {
		return r, &FieldError{Problems: probs}
	}
	return r, nil
}

func hasControl(s string) bool {
	for _, c := range s {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			return true
		}
	}
	return false
}

// Entry is one line of a book.
type Entry struct {
	ID     int64
	UnitID int64
	Kind   Kind
	// Year and Number place the entry in its book: the Number-th certification of its
	// kind in the unit in Year (Vietnam time).
	Year   int
	Number int
	Book   string
	At     time.Time // when it was recorded (UTC)
	Day    calendar.Date
	// The paper certified and who asked (personal: never in logs or audit records).
	Document  string
	Requester string
	Pages     int
	Copies    int
	Fee       int64
	// CertifierID is the official who certifies (0: to be signed by hand), with the
	// name and title the text prints.
	CertifierID    int64
	CertifierName  string
	CertifierTitle string
	RecordedBy     int64
	RecorderName   string
	// Statement is the certification text as printed (lời chứng).
	Statement string
	// PaymentReference is the reference of the fee's payment request ("" when the fee
	// is nothing).
	PaymentReference string
}

// Statement writes the certification text (lời chứng) of e, certified in the unit named
// unitName, following the forms of Circular 01/2020/TT-BTP: for a copy "Chứng thực bản
// sao đúng với bản chính" with the number, book and date; for a signature and a contract,
// the date in figures and in words, the place, the certifier, what is certified and the
// number. The forms' blanks for identity papers are left for the certifier to fill in by
// hand: the register keeps no identity number.
func Statement(e Entry, unitName string) string {
	y, m, d := e.At.In(locale.Zone).Date()
	num := fmt.Sprintf("Số chứng thực: %d, quyển số %s.", e.Number, e.Book)
	certifier := e.CertifierName
	if certifier == "" {
		certifier = "…………………………"
	}
	title := e.CertifierTitle
	if title == "" {
		title = "người thực hiện chứng thực"
	}
	dateWords := fmt.Sprintf("Ngày %s (bằng chữ: %s tháng %s năm %s)", locale.Date(e.At),
		strings.ToLower(locale.Words(int64(d))), strings.ToLower(locale.Words(int64(m))), strings.ToLower(locale.Words(int64(y))))
	switch e.Kind {
	case KindCopy:
		return "Chứng thực bản sao đúng với bản chính.\n" + num + "\n" + capitalise(locale.DateLong(e.At)) + "."
	case KindSignature:
		return dateWords + ", tại " + unitName + ", tôi " + certifier + ", " + title + ",\nchứng thực: ông/bà " + e.Requester +
			" đã ký (điểm chỉ) vào giấy tờ, văn bản này (" + e.Document + ") trước mặt tôi.\n" + num
	case KindContract:
		return dateWords + ", tại " + unitName + ", tôi " + certifier + ", " + title + ",\nchứng thực: " + e.Document +
			" được giao kết giữa các bên, trong đó có ông/bà " + e.Requester + "; các bên giao kết đã cam đoan chịu trách nhiệm trước pháp luật về nội dung của hợp đồng, giao dịch; tại thời điểm chứng thực, các bên giao kết có năng lực hành vi dân sự theo quy định của pháp luật, đã ký (điểm chỉ) vào hợp đồng, giao dịch này trước mặt tôi.\n" + num
	}
	return num
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}
