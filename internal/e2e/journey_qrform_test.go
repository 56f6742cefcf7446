package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
)

// visitorAnswersHealthForm (issue 23): a visitor scans the demo's health declaration
// poster and answers on their phone, without an account: the page shows the purpose and
// the retention, does not scroll sideways at 360 px, and thanks them; the culture officer
// then sees the seventh answer on the form's page.
func visitorAnswersHealthForm(b *tab) {
	code, id := healthForm(b)
	b.step("open the form's short link", b.open("/bm/"+code), hasText("main h1", "Tờ khai y tế"),
		hasTextContaining("#qr-purpose", "Theo dõi sức khỏe"), hasTextContaining("main", "14 ngày"), noSideScroll(), b.keep("qr-form"))
	b.step("answer the questions", typeInto("#qa-f1", "Phạm Văn Sáu"), typeInto("#qa-f2", "0987 654 321"),
		choose("#qa-f3", "Thôn Yên Thổ"), chromedp.SetValue(chromedp.CSS("#qa-f4"), "2026-12-06"),
		chromedp.Click(chromedp.CSS(`input[name="f5"][value="Không có"]`)), chromedp.Click(chromedp.CSS(`input[name="f6"][value="Không"]`)),
		chromedp.Click(chromedp.CSS(`input[name="consent"]`)))
	b.step("send", follow(`#qr-answer button[type="submit"]`), hasText("#qr-done h2", "Đã gửi. Cảm ơn ông/bà!"), noSideScroll(),
		b.keep("qr-done"))
	b.logIn("vanhoa", demo.Password, homeOf(b.t, "vanhoa"))
	b.step("the culture officer sees the answer", b.open(fmt.Sprintf("/office/bieu-mau/%d", id)), hasText("#qr-total", "7"),
		hasTextContaining("#t-answers", "Phạm Văn Sáu"))
}

// healthForm is the demo's health declaration: its short link's code and its id.
func healthForm(b *tab) (string, int64) {
	ctx := context.Background()
	u, err := b.site.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		b.t.Fatal(err)
	}
	forms, err := b.site.st.QRForms(ctx, u.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, f := range forms {
		if f.Title == demo.QRFormTitles[0] {
			return f.Code, f.ID
		}
	}
	b.t.Fatal("no demo health declaration")
	return "", 0
}

// TestQRFormWithoutJavaScript: with the pages' scripts off, a visitor answers the health
// declaration; a first try without the consent and a required answer comes back with the
// messages beside the fields, what was typed kept.
func TestQRFormWithoutJavaScript(t *testing.T) {
	needBrowser(t)
	s := newSite(t)
	b := s.newTab(t, true)
	code, _ := healthForm(b)
	b.step("open the form", b.open("/bm/"+code), chromedp.WaitVisible(chromedp.CSS("main h1")), hasText("main h1", "Tờ khai y tế"))
	// The browser's own checks of required fields are HTML, not script: turn them off to
	// reach the server's.
	b.step("answer without the consent", typeInto("#qa-f1", "Phạm Văn Sáu"), typeInto("#qa-f2", "0987654321"),
		choose("#qa-f3", "Thôn Yên Thổ"), chromedp.SetValue(chromedp.CSS("#qa-f4"), "2026-12-06"),
		chromedp.Click(chromedp.CSS(`input[name="f5"][value="Ho"]`)), chromedp.SetAttributeValue(chromedp.CSS("#qr-answer"), "novalidate", ""),
		follow(`#qr-answer button[type="submit"]`), hasTextContaining(".error-summary", "Vui lòng đồng ý"),
		hasTextContaining(".error-summary", "Có tiếp xúc người bệnh truyền nhiễm: vui lòng trả lời câu hỏi này."),
		hasValue("#qa-f1", "Phạm Văn Sáu"), noSideScroll())
	b.step("consent and answer the rest", chromedp.Click(chromedp.CSS(`input[name="f6"][value="Không"]`)),
		chromedp.Click(chromedp.CSS(`input[name="consent"]`)), follow(`#qr-answer button[type="submit"]`),
		hasText("#qr-done h2", "Đã gửi. Cảm ơn ông/bà!"))
}
