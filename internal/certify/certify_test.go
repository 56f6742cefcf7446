package certify

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
)

// TestFee writes out by hand the fee of Circular 226/2016/TT-BTC, Article 4, for every
// kind of case: the first two pages at 2,000, later pages at 1,000, the cap of 200,000
// per copy, the copies multiplying; 10,000 per signed paper; 50,000 per contract.
func TestFee(t *testing.T) {
	for _, c := range []struct {
		kind          Kind
		pages, copies int
		want          int64
	}{
		{KindCopy, 1, 1, 2000},
		{KindCopy, 2, 1, 4000},
		{KindCopy, 3, 1, 5000},
		{KindCopy, 10, 1, 12000},
		{KindCopy, 1, 3, 6000},
		{KindCopy, 3, 2, 10000},
		{KindCopy, 198, 1, 200000}, // 4,000 + 196 × 1,000: exactly the cap
		{KindCopy, 199, 1, 200000}, // 201,000 capped
		{KindCopy, 500, 1, 200000}, // capped
		{KindCopy, 500, 3, 600000}, // the cap is per copy
		{KindCopy, 10000, 1000, 200000000},
		{KindSignature, 1, 1, 10000},
		{KindSignature, 12, 1, 10000}, // pages do not count for a signature
		{KindSignature, 1, 3, 30000},  // three papers signed: three cases
		{KindContract, 1, 1, 50000},
		{KindContract, 40, 5, 50000}, // one contract, however long, in however many counterparts
	} {
		if got := Fee(c.kind, c.pages, c.copies); got != c.want {
			t.Errorf("Fee(%s, %d pages, %d copies) = %d, want %d", c.kind, c.pages, c.copies, got, c.want)
		}
	}
}

// TestCopyFeeCap checks the cap at every page count around it: never above 200,000, and
// below it the plain sum.
func TestCopyFeeCap(t *testing.T) {
	for pages := 1; pages <= 400; pages++ {
		sum := int64(2000 * min(pages, 2))
		if pages > 2 {
			sum += int64(1000 * (pages - 2))
		}
		want := min(sum, 200000)
		if got := CopyFee(pages); got != want {
			t.Fatalf("CopyFee(%d) = %d, want %d", pages, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	ok := Request{Kind: KindCopy, Pages: 2, Copies: 1, Document: "Giấy khai sinh", Requester: "Nguyễn Văn An"}
	for _, c := range []struct {
		name   string
		change func(*Request)
		code   string   // the error answered
		fields []string // every field with a problem
	}{
		{"valid", func(*Request) {}, "", nil},
		{"zero pages", func(r *Request) { r.Pages = 0 }, "invalid_pages", []string{"pages"}},
		{"negative pages", func(r *Request) { r.Pages = -1 }, "invalid_pages", []string{"pages"}},
		{"too many pages", func(r *Request) { r.Pages = MaxPages + 1 }, "invalid_pages", []string{"pages"}},
		{"zero copies", func(r *Request) { r.Copies = 0 }, "invalid_copies", []string{"copies"}},
		{"unknown kind", func(r *Request) { r.Kind = "notary" }, "invalid_certification_kind", []string{"kind"}},
		{"empty kind", func(r *Request) { r.Kind = "" }, "invalid_certification_kind", []string{"kind"}},
		{"no document", func(r *Request) { r.Document = "  " }, "document_required", []string{"document"}},
		{"long document", func(r *Request) { r.Document = strings.Repeat("ả", MaxDocument+1) }, "document_required", []string{"document"}},
		{"control in requester", func(r *Request) { r.Requester = "An\x00" }, "requester_required", []string{"requester"}},
		{"no requester", func(r *Request) { r.Requester = "" }, "requester_required", []string{"requester"}},
		{"several", func(r *Request) { r.Pages, r.Copies, r.Kind = 0, 0, "x" }, "invalid_certification_kind", []string{"kind", "pages", "copies"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := ok
			c.change(&r)
			_, err := Check(r)
			if c.code == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if got := apperr.From(err); got.Code != c.code || got.Kind != apperr.Invalid {
				t.Fatalf("Check = %v, want code %s", err, c.code)
			}
			var fields []string
			for _, d := range apperr.DetailsOf(err) {
				fields = append(fields, d.Field)
				if d.Message == "" {
					t.Errorf("field %s has no message", d.Field)
				}
			}
			if strings.Join(fields, ",") != strings.Join(c.fields, ",") {
				t.Errorf("fields = %v, want %v", fields, c.fields)
			}
		})
	}
}

func TestCheckNormalises(t *testing.T) {
	r, err := Check(Request{Kind: KindCopy, Pages: 1, Copies: 1, Document: "  Bằng tốt nghiệp ", Requester: "Nguye\u0302\u0303n Văn An"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Document != "Bằng tốt nghiệp" || r.Requester != "Nguyễn Văn An" {
		t.Errorf("Check = %q, %q: want trimmed, NFC", r.Document, r.Requester)
	}
}

func TestBookAndYear(t *testing.T) {
	if got := Book(KindCopy, 2026); got != "01/2026-SCT/BS" {
		t.Errorf("Book = %q", got)
	}
	// 31 December 2025, 23:30 in Vietnam is still 2025; 00:10 on 1 January is 2026, though
	// UTC is still in 2025.
	if y := YearOf(time.Date(2025, 12, 31, 23, 30, 0, 0, locale.Zone)); y != 2025 {
		t.Errorf("YearOf(31/12 23:30) = %d", y)
	}
	if y := YearOf(time.Date(2026, 1, 1, 0, 10, 0, 0, locale.Zone)); y != 2026 {
		t.Errorf("YearOf(1/1 00:10 Vietnam, 31/12 UTC) = %d", y)
	}
}

func TestStatement(t *testing.T) {
	at := time.Date(2026, 3, 5, 9, 0, 0, 0, locale.Zone)
	e := Entry{Kind: KindCopy, Number: 12, Book: Book(KindCopy, 2026), At: at}
	got := Statement(e, "Xã Yên Từ")
	for _, want := range []string{"Chứng thực bản sao đúng với bản chính.", "Số chứng thực: 12, quyển số 01/2026-SCT/BS.", "Ngày 05 tháng 3 năm 2026."} {
		if !strings.Contains(got, want) {
			t.Errorf("copy statement %q lacks %q", got, want)
		}
	}
	e = Entry{Kind: KindSignature, Number: 7, Book: Book(KindSignature, 2026), At: at, Requester: "Nguyễn Văn An",
		Document: "Giấy ủy quyền", CertifierName: "Nguyễn Văn Dũng", CertifierTitle: "lãnh đạo Ủy ban nhân dân"}
	got = Statement(e, "Ủy ban nhân dân xã Yên Từ")
	for _, want := range []string{"Ngày 05/3/2026 (bằng chữ: năm tháng ba năm hai nghìn không trăm hai mươi sáu)",
		"tại Ủy ban nhân dân xã Yên Từ", "tôi Nguyễn Văn Dũng", "ông/bà Nguyễn Văn An đã ký", "Số chứng thực: 7, quyển số 01/2026-SCT/CK,ĐC."} {
		if !strings.Contains(got, want) {
			t.Errorf("signature statement %q lacks %q", got, want)
		}
	}
}

func TestReconcile(t *testing.T) {
	day := calendar.NewDate(2026, 7, 2)
	entry := func(id int64, k Kind, fee int64) Entry {
		return Entry{ID: id, Kind: k, Number: int(id), Book: Book(k, 2026), Fee: fee}
	}
	req := func(amount, paid, refunded int64, st payment.State, receipt int64) *payment.StoredRequest {
		return &payment.StoredRequest{Request: payment.Request{Amount: amount, Paid: paid, Refunded: refunded, State: st, Reference: "CT"}, ReceiptID: receipt}
	}
	for _, c := range []struct {
		name     string
		lines    []DayLine
		problems []string
		balanced bool
		fees     int64
		coll     int64
	}{
		{"empty day", nil, nil, true, 0, 0},
		{"all paid", []DayLine{{entry(1, KindCopy, 5000), req(5000, 5000, 0, payment.StatePaid, 9)},
			{entry(2, KindSignature, 10000), req(10000, 10000, 0, payment.StatePaid, 10)}}, nil, true, 15000, 15000},
		{"unpaid", []DayLine{{entry(1, KindCopy, 5000), req(5000, 0, 0, payment.StatePending, 0)}}, []string{"unpaid"}, false, 5000, 0},
		{"no request", []DayLine{{entry(1, KindContract, 50000), nil}}, []string{"no_request"}, false, 50000, 0},
		{"amount differs", []DayLine{{entry(1, KindCopy, 5000), req(4000, 4000, 0, payment.StatePaid, 0)}}, []string{"amount_differs"}, false, 5000, 4000},
		{"cancelled", []DayLine{{entry(1, KindCopy, 2000), req(2000, 0, 0, payment.StateCancelled, 0)}}, []string{"cancelled"}, false, 2000, 0},
		{"refunded", []DayLine{{entry(1, KindCopy, 2000), req(2000, 2000, 2000, payment.StateRefunded, 0)}}, []string{"refunded"}, false, 2000, 0},
		{"over paid", []DayLine{{entry(1, KindCopy, 2000), req(2000, 3000, 0, payment.StatePaid, 0)}}, []string{"over_paid"}, false, 2000, 3000},
		{"paid without a receipt", []DayLine{{entry(1, KindCopy, 2000), req(2000, 2000, 0, payment.StatePaid, 0)},
			{entry(2, KindCopy, 2000), req(2000, 2000, 0, payment.StatePaid, 11)}}, []string{"no_receipt"}, false, 4000, 4000},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := Reconcile(day, c.lines)
			var probs []string
			for _, p := range rec.Problems {
				probs = append(probs, p.Problem)
				if ProblemLabel(p.Problem) == "" {
					t.Errorf("problem %s has no label", p.Problem)
				}
			}
			if strings.Join(probs, ",") != strings.Join(c.problems, ",") || rec.Balanced != c.balanced || rec.Fees != c.fees || rec.Collected != c.coll {
				t.Errorf("Reconcile = problems %v balanced %v fees %d collected %d; want %v %v %d %d",
					probs, rec.Balanced, rec.Fees, rec.Collected, c.problems, c.balanced, c.fees, c.coll)
			}
		})
	}
}

func TestFieldErrorUnwrap(t *testing.T) {
	_, err := Check(Request{Kind: KindCopy, Pages: 0, Copies: 1, Document: "x", Requester: "y"})
	if !errors.Is(err, ErrPages) {
		t.Errorf("errors.Is(%v, ErrPages) = false", err)
	}
	if strings.Contains(err.Error(), "y") && strings.Contains(err.Error(), "requester: ") {
		t.Errorf("error text %q names a value", err)
	}
}

// FuzzCheck: whatever the desk or a client sends, Check answers without panicking, and
// an accepted request has figures within bounds and a fee within the rule's range.
func FuzzCheck(f *testing.F) {
	f.Add("copy", 3, 2, "Giấy khai sinh", "Nguyễn Văn An")
	f.Add("signature", 0, -1, "", "\x00")
	f.Add("contract", 10001, 1001, strings.Repeat("a", 400), "b")
	f.Fuzz(func(t *testing.T, kind string, pages, copies int, document, requester string) {
		r, err := Check(Request{Kind: Kind(kind), Pages: pages, Copies: copies, Document: document, Requester: requester})
		if err != nil {
			if len(apperr.DetailsOf(err)) == 0 {
				t.Fatalf("refusal without details: %v", err)
			}
			return
		}
		fee := Fee(r.Kind, r.Pages, r.Copies)
		if r.Pages < 1 || r.Pages > MaxPages || r.Copies < 1 || r.Copies > MaxCopies || fee <= 0 || fee > FeeCopyCap*MaxCopies {
			t.Fatalf("accepted %+v with fee %d", r, fee)
		}
	})
}
