package e2e

import (
	"context"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
)

// accountantConfirms: the demo accountant lands on the Thu phí tab, the queue of the
// requests waiting for money (with the payer's name) and the unmatched transfers,
// confirms the first of them against the bank statement with the transaction's
// reference, and sees it paid with its electronic receipt — all on the phone, with
// plain forms.
func accountantConfirms(b *tab) {
	b.logIn("ketoan", demo.Password, "/office/payments")
	b.step("land on the payments queue", atPath("/office/payments"),
		hasText("main h1", "Thu phí, lệ phí"), hasText(`header nav.tabs a[aria-current="page"]`, "Thu phí"),
		hasTextPrefix(`#cho-nop`, "Đang chờ nộp tiền"), hasTextPrefix(`#chua-khop`, "Giao dịch chuyển khoản chưa khớp"),
		hasTextContaining(`section[aria-labelledby="cho-nop"] li.pay-request:first-of-type`, "Người nộp:"),
		noSideScroll(), b.keep("payments"))
	first := `section[aria-labelledby="cho-nop"] li.pay-request:first-of-type`
	var ref string
	b.step("read the first pending request", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var err error
		ref, err = chromedp.Text(chromedp.CSS(first+` p:first-of-type strong`), chromedp.NodeVisible)(ctx, t)
		return err
	}))
	if len(ref) != 15 {
		b.t.Fatalf("the first pending request shows %q, want a 15-character reference", ref)
	}
	card := `li#yc-` + ref
	b.step("open its confirmation by statement", chromedp.Click(chromedp.CSS(card+` details:first-of-type summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#`+ref+`-confirm-transaction_id`)), hasValue(`#`+ref+`-confirm-amount`, "5000"))
	b.step("submit without the transaction's reference", follow(card+` form[action$="/confirm"] button[type="submit"]`),
		hasText(`#`+ref+`-confirm-transaction_id-error`, "Lỗi: Nhập mã giao dịch in trên sao kê ngân hàng."), noSideScroll(),
		b.keep("confirm-error"))
	b.step("type the statement's transaction reference", typeInto(`#`+ref+`-confirm-transaction_id`, "FT26330912345"))
	b.step("confirm", follow(card+` form[action$="/confirm"] button[type="submit"]`), atPath("/office/payments"),
		hasTextPrefix("p.flash", "Đã ghi nhận chuyển khoản theo sao kê: yêu cầu "+ref))
	b.step("see it paid with its receipt", hasText(card+` .badge`, "Đã thanh toán"),
		hasTextPrefix(card+` a[href$=".pdf"]`, "xem biên lai (PDF)"), noSideScroll(), b.keep("paid"))
}
