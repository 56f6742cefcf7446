package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/demo"
)

// The heart of the one-stop shop, end to end on one site: a citizen files a birth
// registration online from a phone with a photo of the birth certificate; the counter
// officer finds it in the inbox and receives it; the specialist forwards it; the leader
// signs; the counter attaches the result and hands it over; the citizen follows the
// dossier from the account page, downloads the result and rates the service.

// birthAnswers are the online form's answers, by input id.
var birthAnswers = [][2]string{
	{"#applicant-id_number", "037085001234"}, {"#applicant-phone", "0912345678"}, {"#applicant-address", "Thôn Quảng Từ"},
	{"#fields-child_name", "Nguyễn Thị Bé"}, {"#fields-child_birth_date", "2026-02-20"}, {"#fields-child_sex", "Nữ"},
	{"#fields-child_birth_place", "Trạm y tế xã Yên Từ"}, {"#fields-child_ethnicity", "Kinh"},
	{"#fields-child_home_town", "Yên Từ, Ninh Bình"}, {"#fields-relationship", "Cha"},
	// The requester is the applicant: asked once, the requester's questions stay folded
	// and blank.
}

// resultPDF is the result the office attaches: a one-page A4 PDF as a word processor's
// export would be, with a cross-reference table the signer can extend.
func resultPDF(b *tab) []byte {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	f.SetFont("Times", "B", 14)
	f.CellFormat(0, 10, "GIAY KHAI SINH (ban dien tu)", "", 1, "C", false, 0, "")
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		b.t.Fatal(err)
	}
	return out.Bytes()
}

func onlineDossierToResult(b *tab) {
	dir := b.t.TempDir()
	photo := filepath.Join(dir, "giay-chung-sinh.png")
	writePNG(b, photo, 640, 480)
	result := filepath.Join(dir, "giay-khai-sinh.pdf")
	resultBytes := resultPDF(b)
	if err := os.WriteFile(result, resultBytes, 0o644); err != nil {
		b.t.Fatal(err)
	}

	// The citizen files.
	b.logIn("congdan", demo.Password, "/account")
	b.step("open the procedure from the catalog", b.open("/thu-tuc/1.001193"), hasText("main h1", "Thủ tục đăng ký khai sinh"))
	b.step("start the online filing", follow(`main a[href="/nop-ho-so/1.001193"]`), atPath("/nop-ho-so/1.001193"),
		hasText("main h1", "Nộp hồ sơ trực tuyến"), hasValue("#applicant-full_name", "Nguyễn Văn An"))
	fill := []chromedp.Action[chromedp.Void]{}
	for _, a := range birthAnswers {
		fill = append(fill, chromedp.SetValue(chromedp.CSS(a[0]), a[1]))
	}
	b.step("answer the form", fill...)
	b.step("attach a photo of the birth certificate", chromedp.SetUploadFiles(chromedp.CSS("#paper-1"), []string{photo}),
		noSideScroll(), b.keep("filing-form"))
	b.step("send the dossier", follow(`form.intake button[type="submit"]`), hasText("main h1", "Đã nộp hồ sơ"), b.keep("filed"))
	code := b.text("dd.code")
	if !strings.HasPrefix(code, "000.31.37.H45-") {
		b.t.Fatalf("dossier code %q", code)
	}
	dossierPage := "/office/dossiers/" + code

	// The counter officer checks it from the inbox and receives it.
	counter := b.site.newTab(b.t, false)
	counter.logIn("motcua", demo.Password, "/office")
	counter.step("filter the inbox to dossiers waiting for the counter", chromedp.SetValue(chromedp.CSS("#status"), "submitted"),
		follow(`form[action="/office"] button`))
	counter.step("open the new dossier from the inbox", follow(`a[href="`+dossierPage+`"]`), atPath(dossierPage),
		hasText("span.status", "Chờ tiếp nhận"))
	counter.step("see the citizen's photo among the papers", hasTextContaining("ul.files", "giay-chung-sinh.png"),
		download(`ul.files a[href$="?preview=1"]`, "image/jpeg", -1))
	counter.act(code, "receive", "Đã tiếp nhận")
	counter.step("open the receipt (form 01) to print", follow(`a[href="/api/v1/dossiers/`+code+`/forms/01.html"]`),
		hasTitlePrefix("Giấy tiếp nhận hồ sơ và hẹn trả kết quả "+code), hasTextContaining("body", code), counter.keep("receipt-01"))
	counter.step("back to the dossier", counter.open(dossierPage), hasText("span.status", "Đã tiếp nhận"))
	counter.act(code, "forward", "Đang giải quyết")

	// The specialist finds a paper missing and asks for it.
	specialist := b.site.newTab(b.t, false)
	specialist.logIn("chuyenvien", demo.Password, "/office")
	specialist.step("open the dossier from the inbox", follow(`a[href="`+dossierPage+`"]`), atPath(dossierPage))
	specialist.step("ask for a supplement", chromedp.Click(chromedp.CSS(`details.act:has(form[action$="/actions/request_supplement"]) summary`)),
		typeInto("#reason-request_supplement", "Bổ sung ảnh căn cước của người đi khai sinh"),
		follow(`form[action="`+dossierPage+`/actions/request_supplement"] button`), hasText("span.status", "Chờ bổ sung hồ sơ"))

	// The citizen sends it from the dossier's page and says it is done.
	b.step("open the account page", b.open("/account"), hasText("main h1", "Xin chào, Nguyễn Văn An"))
	b.step("open the dossier from the account page", follow(`main a[href^="/tra-cuu/`+code+`?secret="]`),
		hasText("main h1", "Hồ sơ "+code), hasText("p.status", "Chờ bổ sung hồ sơ"),
		hasTextContaining("main", "Bổ sung ảnh căn cước của người đi khai sinh"), noSideScroll(), b.keep("supplement"))
	b.stepWithin(2*time.Minute, "axe-core finds no WCAG 2.1 A/AA violation on the supplement page", axeClean(axeSource(b.t)))
	b.step("send the missing paper", chromedp.SetValue(chromedp.CSS("#supplement-name"), "Căn cước"),
		chromedp.SetUploadFiles(chromedp.CSS("#supplement-file"), []string{photo}),
		follow(`form#supplement-upload button`), hasTextPrefix("p.flash", "Đã gửi “Căn cước”"),
		hasTextContaining("section#giay-to", "Căn cước (Giấy tờ bổ sung"))
	b.step("say the supplement is complete", follow(`form#supplement-done button`), hasText("p.status", "Đang giải quyết"))

	// The specialist forwards it to the leader, who signs.
	specialist.step("reopen the dossier", specialist.open(dossierPage), hasText("span.status", "Đang giải quyết"),
		hasTextContaining("ul.files", "Căn cước"))
	specialist.act(code, "forward", "Đang giải quyết")
	leader := b.site.newTab(b.t, false)
	leader.logIn("lanhdao", demo.Password, "/office/tong-quan")
	leader.step("open the dossier from the inbox", leader.open("/office"), follow(`a[href="`+dossierPage+`"]`), atPath(dossierPage),
		hasTextContaining("#sign-next", "đính kèm kết quả"))
	leader.step("cannot sign the result before there is one", follow(`form[action="`+dossierPage+`/actions/sign"] button`),
		hasTextContaining("p.error", "chưa có tệp kết quả"), leader.keep("sign-without-result"))

	// The counter attaches the result the leader is to sign.
	counter.step("reopen the dossier", counter.open(dossierPage), hasText("span.status", "Đang giải quyết"))
	counter.step("attach the result", chromedp.SetUploadFiles(chromedp.CSS("#file-file"), []string{result}),
		chromedp.SetValue(chromedp.CSS("#file-name"), "Giấy khai sinh"), chromedp.SetValue(chromedp.CSS("#file-kind"), "result"),
		follow(`form[action="`+dossierPage+`/files"] button`), hasTextPrefix("p.flash", "Đã đính kèm “Giấy khai sinh”"))

	// The leader signs the result with their key (the demo's test CA): one act that also
	// signs the result in the workflow; the signed copy, <code>-KQ1, is attached and
	// registered.
	leader.step("reopen the dossier", leader.open(dossierPage), hasText("span.status", "Đang giải quyết"),
		hasTextContaining("#sign-next", "lãnh đạo"), noSideScroll())
	leader.stepWithin(2*time.Minute, "axe-core finds no WCAG 2.1 A/AA violation with the signing form", axeClean(axeSource(leader.t)))
	leader.step("sign the result", typeInto("#sign-passphrase", demo.Password), follow(`form[action="`+dossierPage+`/sign"] button`),
		hasTextPrefix("p.flash", "Đã ký số: "+code+"-KQ1"), hasTextContaining("p.flash", "Tiếp theo: văn thư"),
		hasText("span.status", "Đã có kết quả, chờ trả"), hasTextContaining("ul.files", code+"-KQ1.pdf"), leader.keep("signed"))

	// The clerk adds the commune's seal to the leader's signed copy, chosen for them:
	// version 2 of the same document, whose verification QR code already leads to it.
	clerk := b.site.newTab(b.t, false)
	clerk.logIn("vanthu", demo.Password, "/office")
	clerk.step("open the dossier by its code", clerk.open("/office?code="+code), atPath(dossierPage),
		hasTextContaining("#sign-next", "văn thư"), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			chosen, err := chromedp.Evaluate[string](`document.querySelector("#sign-file").selectedOptions[0].text`)(ctx, t)
			if err == nil && !strings.HasPrefix(chosen, code+"-KQ1.pdf") {
				err = fmt.Errorf("the clerk's form chooses %q, want the leader's %s-KQ1.pdf", chosen, code)
			}
			return err
		}))
	clerk.step("choose the seal", choose("#sign-key", "con dấu"),
		typeInto("#sign-passphrase", demo.Password), noSideScroll(), clerk.keep("seal-form"))
	clerk.step("seal the result", follow(`form[action="`+dossierPage+`/sign"] button`),
		hasTextPrefix("p.flash", "Đã ký số: "+code+"-KQ1"), hasTextContaining("ul.files", code+"-KQ1-v2.pdf"),
		hasTextContaining(`section[aria-labelledby="qua-trinh"] table.stack`, "Đóng dấu số của cơ quan"))
	counter.step("reopen the dossier to hand it over", counter.open(dossierPage))
	counter.act(code, "return_result", "Đã trả kết quả")

	// The citizen follows, downloads the result and rates the service.
	b.step("open the account page", b.open("/account"), hasText("main h1", "Xin chào, Nguyễn Văn An"))
	b.step("open the dossier from the account page", follow(`main a[href^="/tra-cuu/`+code+`?secret="]`),
		hasText("main h1", "Hồ sơ "+code), hasText("p.status", "Đã trả kết quả"), noSideScroll(), b.keep("returned"))
	b.stepWithin(2*time.Minute, "axe-core finds no WCAG 2.1 A/AA violation on the result page", axeClean(axeSource(b.t)))
	// Only the final result: the sealed version, never the draft nor the leader's.
	b.step("download the result", hasText("a.result", "Tải kết quả: Kết quả đã ký số và đóng dấu số"),
		download("a.result", "application/pdf", -1), hasTextContaining("section#ket-qua", code+"-KQ1-v2.pdf"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			n, err := chromedp.Evaluate[int](`document.querySelectorAll("a.result").length`)(ctx, t)
			if err == nil && n != 1 {
				err = fmt.Errorf("%d results shown, want the final one only", n)
			}
			return err
		}))
	b.step("rate the service", chromedp.Click(chromedp.CSS(`input[name="rating"][value="satisfied"]`)),
		typeInto("#rating-comment", "Cán bộ hướng dẫn tận tình"), follow(`form#rating-form button`),
		hasText("p#rated", "Hài lòng: “Cán bộ hướng dẫn tận tình”"), b.keep("rated"))
}

// act takes an action that needs no reason with its button on the dossier page, and
// checks the status it leads to.
func (b *tab) act(code, action, status string) {
	b.t.Helper()
	b.step("take the action "+action, follow(`form[action="/office/dossiers/`+code+`/actions/`+action+`"] button`),
		atPath("/office/dossiers/"+code), hasText("span.status", status))
}

// hasTextContaining checks that the first element sel finds is visible and its text
// (spaces folded) contains want.
func hasTextContaining(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", sel, err)
		}
		if got = strings.Join(strings.Fields(got), " "); !strings.Contains(got, want) {
			return fmt.Errorf("%s shows %q, want it to contain %q", sel, got, want)
		}
		return nil
	})
}

// hasTitlePrefix checks the page's title.
func hasTitlePrefix(prefix string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		title, err := chromedp.Title()(ctx, t)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(title, prefix) {
			return fmt.Errorf("the page's title is %q, want it to start with %q", title, prefix)
		}
		return nil
	})
}

// text is the visible text of the first element sel finds.
func (b *tab) text(sel string) string {
	b.t.Helper()
	var got string
	b.step("read "+sel, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var err error
		got, err = chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)(ctx, t)
		return err
	}))
	return strings.TrimSpace(got)
}

// download fetches what the link sel points to, as the page would (its cookies), and
// checks the answer's status, type and size (any size but empty when size < 0).
func download(sel, contentType string, size int) chromedp.Action[chromedp.Void] {
	type got struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Size   int    `json:"size"`
	}
	js := fmt.Sprintf(`fetch(document.querySelector(%q).href).then(async r => ({status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength}))`, sel)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		g, err := chromedp.Evaluate[got](js, chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return err
		}
		if g.Status != 200 || g.Type != contentType || size >= 0 && g.Size != size || g.Size == 0 {
			return fmt.Errorf("download %s: %d %s, %d bytes; want 200 %s, %d bytes", sel, g.Status, g.Type, g.Size, contentType, size)
		}
		return nil
	})
}

func writePNG(b *tab, path string, w, h int) {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		b.t.Fatal(err)
	}
}
