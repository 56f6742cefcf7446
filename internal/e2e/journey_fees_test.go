package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/vietqr"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// citizenPaysTheFee: a citizen files online "Cấp bản sao trích lục hộ tịch" for two copies
// (8.000 đồng each) and the page after filing shows the Nộp phí block — the amount in
// figures and words, the account as text, the transfer content, the VietQR image and a
// link to save it; the bank's notification of the transfer marks it paid and the
// look-up page shows the receipt. The VietQR image decodes (zbarimg) to a payload asking
// for that amount.
func citizenPaysTheFee(b *tab) {
	b.logIn("congdan", demo.Password, "/account")
	b.step("open the procedure", b.open("/thu-tuc/2.000635"), hasTextContaining("main h1", "bản sao"))
	b.step("start the online filing", follow(`main a[href="/nop-ho-so/2.000635"]`), atPath("/nop-ho-so/2.000635"))
	answers := [][2]string{{"#applicant-id_number", "037085001234"}, {"#applicant-phone", "0912345678"},
		{"#fields-event", "Khai sinh"}, {"#fields-subject_name", "Nguyễn Thị Bé"}, {"#fields-registration_place", "UBND xã Yên Từ"},
		{"#fields-copies", "2"}, {"#fields-requester_name", "Nguyễn Văn An"}, {"#fields-requester_id", "037085001234"},
		{"#fields-requester_phone", "0912345678"}}
	fill := []chromedp.Action[chromedp.Void]{}
	for _, a := range answers {
		fill = append(fill, chromedp.SetValue(chromedp.CSS(a[0]), a[1]))
	}
	b.step("answer the form", fill...)
	b.step("send the dossier", follow(`form.intake button[type="submit"]`), hasText("main h1", "Đã nộp hồ sơ"))
	b.step("see the Nộp phí block", hasText("section#nop-phi h2", "Nộp phí"), hasText("section#nop-phi p.owed", "Còn phải nộp: 16.000 đồng"),
		hasText("section#nop-phi p.words", "Bằng chữ: Mười sáu nghìn đồng"), hasText("section#nop-phi dd.bank", "Agribank"),
		hasText("section#nop-phi dd.account-number", "3700205012345"), hasText("section#nop-phi dd.account-name", "UBND XA YEN TU"),
		hasText("section#nop-phi .badge", "Chờ thanh toán"), chromedp.WaitVisible(chromedp.CSS("section#nop-phi figure.qr img")),
		hasText("section#nop-phi a.save-qr", "Lưu ảnh mã QR"), noSideScroll(), b.keep("nop-phi"))
	code := b.text("dd.code")
	ref := b.text("section#nop-phi dd.transfer-content")
	if len(ref) != payment.ReferenceLength {
		b.t.Fatalf("transfer content %q", ref)
	}
	// The image the page shows, as the browser fetched it (its session), for zbarimg.
	var png []byte
	b.step("fetch the VietQR image the page shows", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		js := `fetch(document.querySelector("section#nop-phi figure.qr img").src).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer()); let s = ""; for (const c of b) s += String.fromCharCode(c);
			return r.headers.get("content-type") + " " + btoa(s); })`
		out, err := chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return err
		}
		ct, b64, _ := strings.Cut(out, " ")
		if ct != "image/png" {
			return fmt.Errorf("the QR image is %q", ct)
		}
		png, err = base64.StdEncoding.DecodeString(b64)
		return err
	}))

	// The bank tells the unit of the transfer, as its notification service would.
	ctx := context.Background()
	u, err := b.site.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		b.t.Fatal(err)
	}
	secret, _, err := (&payment.Service{Store: b.site.st}).RotateWebhookSecret(ctx, u.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"transaction_id": "FT26E2E0001", "bank_bin": "970405", "account": "3700205012345",
		"amount": 16000, "description": "MBVCB.1.Le phi " + ref + ".CT tu 0011004123456 NGUYEN VAN AN",
		"transacted_at": time.Now().Add(-time.Minute).In(locale.Zone).Format(time.RFC3339)})
	req, _ := http.NewRequest(http.MethodPost, b.site.url+"/api/v1/payments/notifications/"+demo.CommuneCode, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(payment.SignatureHeader, payment.SignNotification(body, []byte(secret), time.Now()))
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(answer), `"outcome":"exact"`) {
		b.t.Fatalf("bank notification: %d %s", resp.StatusCode, answer)
	}
	b.step("see it paid with its receipt on the look-up page", b.open("/account"),
		hasTextContaining("p.fee-brief", "Đã thanh toán"),
		follow(`main a[href^="/tra-cuu/`+code+`?secret="]`), hasText("section#nop-phi .badge", "Đã thanh toán"),
		hasTextPrefix("section#nop-phi p.receipt", "Biên lai điện tử"), noSideScroll(), b.keep("paid"))

	// Last, since it skips where zbarimg is missing: the image the citizen saw decodes to
	// a VietQR payload for this transfer.
	zbar := testtool.Path(b.t, "zbarimg", "apt-get install zbar-tools")
	f := filepath.Join(b.t.TempDir(), "vietqr.png")
	if err := os.WriteFile(f, png, 0o600); err != nil {
		b.t.Fatal(err)
	}
	raw, err := exec.Command(zbar, "--raw", "-q", f).Output()
	if err != nil {
		b.t.Fatalf("zbarimg: %v", err)
	}
	p, err := vietqr.Decode(strings.TrimRight(string(raw), "\r\n"))
	if err != nil {
		b.t.Fatalf("decoded %q: %v", raw, err)
	}
	if p.Amount != 16000 || p.Bill != ref || p.BIN != "970405" || p.Account != "3700205012345" {
		b.t.Fatalf("the VietQR payload %+v, want 16000 đồng to 970405/3700205012345 for %s", p, ref)
	}
}

// adminManagesAnAccount: the unit administrator adds an official in the browser, reads
// the one-time password, resets it, and disables the account. The official's first login
// with the one-time password leads to the change of password; their API token is
// refused (403) until they have changed it; once the account is disabled the token gets
// 401 and their login says the account is disabled.
func adminManagesAnAccount(b *tab) {
	b.logIn("quantri", demo.Password, "/admin")
	b.step("open the new user form", follow("a#new-user"), atPath("/admin/users/new"), noSideScroll())
	b.step("fill it in", typeInto("#username", "tranvanbinh"), typeInto("#full_name", "Trần Văn Bình"),
		chromedp.Click(chromedp.CSS("#role-specialist")))
	b.step("add the user", follow(`form#new-user-form button[type="submit"]`), hasText("#mat-khau-moi", "Mật khẩu dùng một lần"),
		noSideScroll(), b.keep("created"))
	first := b.text("#one-time-password")
	b.step("reset the password", follow(`form#reset-form button`), hasText("#mat-khau-moi", "Mật khẩu dùng một lần"))
	second := b.text("#one-time-password")
	if len(first) != 12 || len(second) != 12 || first == second {
		b.t.Fatalf("one-time passwords %q then %q", first, second)
	}
	// The official's token, made before the account is disabled.
	token := newToken(b, "tranvanbinh")
	if status := apiStatus(b, token, "/api/v1/me"); status != http.StatusForbidden {
		b.t.Fatalf("the token before the one-time password is changed: %d, want 403", status)
	}
	official := b.site.newTab(b.t, false)
	official.step("log in with the one-time password", official.open("/login"), typeInto("#username", "tranvanbinh"),
		typeInto("#password", second), follow(`main form button[type="submit"]`), atPath("/account/password"),
		hasTextPrefix("#mot-lan", "Bạn đang dùng mật khẩu dùng một lần"), noSideScroll(), official.keep("password-change"))
	official.step("choose their own password", typeInto("#current", second), typeInto("#new", "mat-khau-cua-binh"),
		typeInto("#confirm", "mat-khau-cua-binh"), follow(`main form button[type="submit"]`), atPath("/office"),
		hasTextPrefix("p.flash", "Đã đổi mật khẩu"))
	if status := apiStatus(b, token, "/api/v1/me"); status != 200 {
		b.t.Fatalf("the token after the change: %d", status)
	}
	b.step("disable the account", follow(`form#disable-form button`), hasText("#account-state", "Đã khóa"), hasTextPrefix("p.flash", "Đã khóa tài khoản"), noSideScroll(), b.keep("disabled"))
	if status := apiStatus(b, token, "/api/v1/me"); status != http.StatusUnauthorized {
		b.t.Fatalf("a disabled official's token: %d, want 401", status)
	}
	official.step("log in as the disabled official", official.open("/login"), typeInto("#username", "tranvanbinh"),
		typeInto("#password", "mat-khau-cua-binh"), follow(`main form button[type="submit"]`), atPath("/login"),
		hasText(`main [role="alert"]`, "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị."), official.keep("login-disabled"))
}

// newToken makes an API token for a user, as `xaso token create` does.
func newToken(b *tab, username string) string {
	ctx := context.Background()
	u, err := b.site.st.UserByUsername(ctx, username)
	if err != nil {
		b.t.Fatal(err)
	}
	plain, hash := auth.NewToken()
	if _, err := b.site.st.CreateToken(ctx, u.ID, "e2e", hash); err != nil {
		b.t.Fatal(err)
	}
	return plain
}

func apiStatus(b *tab, token, path string) int {
	req, _ := http.NewRequest(http.MethodGet, b.site.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// formPrintsUnderCSP: the counter opens form 01 of a received dossier to print; the page
// is styled (its stylesheet applied: Times New Roman, the A5 sheet) and the console shows
// no Content-Security-Policy violation.
func formPrintsUnderCSP(b *tab) {
	var mu sync.Mutex
	var messages []string
	record := func(m string) {
		mu.Lock()
		messages = append(messages, m)
		mu.Unlock()
	}
	// Listen sees each event before the reply to any later command, so once a step has
	// returned, the console messages of the pages it loaded are recorded.
	if err := chromedp.Listen(b.ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			record(string(e.Entry.Level) + ": " + e.Entry.Text)
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			record(string(e.Type) + ": " + strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			record("exception: " + e.ExceptionDetails.Text)
		}
	}); err != nil {
		b.t.Fatal(err)
	}
	b.logIn("motcua", demo.Password, "/office")
	b.step("open a received dossier", b.open("/office?status=received"),
		follow(`main a[href^="/office/dossiers/"]`))
	b.step("open its form 01 to print", follow(`a[href$="/forms/01.html"]`), hasTitlePrefix("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			type style struct {
				Font  string  `json:"font"`
				Width float64 `json:"width"`
				Sheet string  `json:"sheet"`
			}
			st, err := chromedp.Evaluate[style](`(() => { const s = getComputedStyle(document.querySelector(".sheet"));
				return {font: getComputedStyle(document.body).fontFamily, width: parseFloat(s.width), sheet: document.body.className}; })()`)(ctx, t)
			if err != nil {
				return err
			}
			// 148 mm is 559 CSS px; the phone's viewport caps it (max-width: 100%).
			if !strings.Contains(st.Font, "Times New Roman") || st.Sheet != "a5" || st.Width < 300 {
				return fmt.Errorf("form 01 is not styled: %+v", st)
			}
			return nil
		}), b.keep("form-01"),
		// Proof that the console is read: a message the test writes itself.
		chromedp.Evaluate[chromedp.Void](`console.error("xaso-console-probe")`))
	mu.Lock()
	defer mu.Unlock()
	probe := false
	for _, m := range messages {
		probe = probe || strings.Contains(m, "xaso-console-probe")
		if strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Content-Security-Policy") {
			b.t.Fatalf("a CSP violation in the console: %s", m)
		}
	}
	if !probe {
		b.t.Fatalf("the console was not read (messages: %q)", messages)
	}
}
