package payment_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/payment"
)

// TestReceiptCancelAndReplace: a receipt issued in error is cancelled with its reason
// and replaced by the next number of the series, which refers to it; both stay; the
// request's receipt is the replacement; the days' summaries count the money once.
func TestReceiptCancelAndReplace(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	e.receiptConfig(t, "26T")
	pr := e.bill(t, e.dossiers[0], day2(8, 10))
	pr, issued, err := e.cash(pr, 5000, day2(8, 20))
	if err != nil || issued.Receipt == nil {
		t.Fatalf("cash: %+v %v", issued, err)
	}
	old := issued.Receipt

	// Only a cancelled receipt is replaced; a cancellation needs its reason and only the
	// accountant of the collecting unit may make it (others: not found).
	if _, err := e.pay.ReplaceFeeReceipt(ctx, e.official, old.ID, payment.Party{}); !errors.Is(err, payment.ErrReceiptNotCancelled) {
		t.Fatalf("replace before cancel: %v", err)
	}
	if _, err := e.pay.CancelFeeReceipt(ctx, e.official, old.ID, "  "); !errors.Is(err, payment.ErrCancelReason) {
		t.Fatalf("cancel without reason: %v", err)
	}
	stranger := &auth.Principal{UserID: e.official.UserID, Memberships: []auth.Membership{{UnitID: e.unit, Role: auth.RoleCounter}}}
	if _, err := e.pay.CancelFeeReceipt(ctx, stranger, old.ID, "ghi sai tên"); !errors.Is(err, payment.ErrReceiptNotFound) {
		t.Fatalf("cancel by the counter: %v", err)
	}

	e.now = day2(10, 0)
	c, err := e.pay.CancelFeeReceipt(ctx, e.official, old.ID, "Ghi sai tên người nộp")
	if err != nil || c.Cancellation == nil || c.Cancellation.Reason != "Ghi sai tên người nộp" || c.Cancellation.ByName != e.official.FullName ||
		!c.Cancellation.At.Equal(day2(10, 0)) || string(c.XML) != string(issued.XML) {
		t.Fatalf("cancelled: %+v %v", c.Cancellation, err)
	}
	if _, err := e.pay.CancelFeeReceipt(ctx, e.official, old.ID, "lần nữa"); !errors.Is(err, payment.ErrReceiptCancelled) {
		t.Fatalf("cancel twice: %v", err)
	}
	// The request keeps its cancelled receipt until the replacement: no second receipt
	// "issued" for it meanwhile.
	if got, _ := e.s.PaymentRequest(ctx, pr.ID); got.ReceiptID != old.ID {
		t.Fatalf("request's receipt after cancel: %d", got.ReceiptID)
	}

	e.now = day2(10, 5)
	rep, err := e.pay.ReplaceFeeReceipt(ctx, e.official, old.ID, payment.Party{Name: "Nguyễn Thị Đúng Tên"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Number != old.Number+1 || rep.Series != old.Series || rep.Payer.Name != "Nguyễn Thị Đúng Tên" || rep.Total != old.Total ||
		rep.Replaces == nil || rep.Replaces.ID != old.ID || rep.Replaces.Number != old.Number || rep.RequestID != pr.ID {
		t.Fatalf("replacement: %+v", rep.FeeReceipt)
	}
	want := "<Replaces>\n      <Template>EBL01</Template>\n      <Series>26T</Series>\n      <Number>1</Number>\n      <Date>2026-07-02</Date>\n    </Replaces>"
	if !strings.Contains(string(rep.XML), want) {
		t.Fatalf("replacement's record does not name the cancelled one:\n%s", rep.XML)
	}
	if w := rep.Replaces.Words(); w != "Thay thế cho biên lai ký hiệu mẫu EBL01, ký hiệu 26T, số 00000001 ngày 02/7/2026" {
		t.Errorf("reference in words: %q", w)
	}
	if _, err := e.pay.ReplaceFeeReceipt(ctx, e.official, old.ID, payment.Party{}); !errors.Is(err, payment.ErrReceiptReplaced) {
		t.Fatalf("replace twice: %v", err)
	}
	// Both kept: the cancelled one with its record and who cancelled it, pointing at
	// its replacement; the request's receipt is the replacement.
	kept, err := e.s.FeeReceipt(ctx, old.ID)
	if err != nil || kept.Cancellation == nil || kept.ReplacedBy != rep.ID || string(kept.XML) != string(issued.XML) {
		t.Fatalf("cancelled receipt kept: %+v %v", kept, err)
	}
	if got, _ := e.s.PaymentRequest(ctx, pr.ID); got.ReceiptID != rep.ID {
		t.Fatalf("request's receipt after replacement: %d, want %d", got.ReceiptID, rep.ID)
	}
	if prs, err := e.s.PaymentRequestsOfDossier(ctx, e.dossiers[0].ID); err != nil || len(prs) != 1 {
		t.Fatalf("the dossier's requests: %d %v", len(prs), err)
	}

	// The day's summary: both receipts issued (10,000), the cancelled one's 5,000
	// subtracted: 5,000 net, the money received once.
	day := calendar.DateOf(day2(12, 0))
	rs, err := e.s.FeeReceiptsOn(ctx, e.unit, day)
	if err != nil || len(rs) != 2 {
		t.Fatalf("the day's receipts: %d %v", len(rs), err)
	}
	sum, err := payment.DailySummary(rs, day)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, err := e.s.FeeReceiptsCancelledOn(ctx, e.unit, day)
	if err != nil || len(cancelled) != 1 {
		t.Fatalf("cancelled that day: %d %v", len(cancelled), err)
	}
	if err := sum.AddCancellations(cancelled); err != nil {
		t.Fatal(err)
	}
	if sum.Total != 10000 || sum.CancelledTotal != 5000 || sum.Net != 5000 || len(sum.Cancellations) != 1 ||
		sum.Cancellations[0].Number != 1 || sum.Cancellations[0].Reason != "Ghi sai tên người nộp" {
		t.Fatalf("summary: %+v", sum)
	}
	sum.Collector = rs[0].Collector
	b, err := sum.XML()
	if err != nil || !strings.Contains(string(b), "<CancelledTotal>5000</CancelledTotal>") || !strings.Contains(string(b), "<Net>5000</Net>") {
		t.Fatalf("summary XML: %v\n%s", err, b)
	}
	// The next day has nothing cancelled: its summary keeps the ordinary form.
	if next, _ := e.s.FeeReceiptsCancelledOn(ctx, e.unit, day.AddDays(1)); len(next) != 0 {
		t.Fatalf("cancelled the next day: %d", len(next))
	}
}
