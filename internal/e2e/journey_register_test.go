package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/notify/notifytest"
)

// The new citizen's phone: not one of the demo's.
const (
	newPhone      = "0983 214 567"
	newPhoneE164  = "+84983214567"
	newName       = "Lê Thị Hoa"
	newPassword   = "hoa-mat-khau-2026"
	supplementWhy = "Bổ sung bản sao giấy chứng nhận kết hôn của cha mẹ"
)

// deliveryLimit bounds the waits for what the notifications' worker delivers (it looks
// every 200 ms): generous, so a busy machine does not fail the journey.
const deliveryLimit = time.Minute

var otpCode = regexp.MustCompile(`\b(\d{6})\b`)

// citizenRegistersAndHears (issue 20): a new citizen opens an account with their phone
// number, the one-time code read from what the fake SMS gateway received; files a
// dossier online; their browser subscribes to pushes (through the API, with keys the
// test makes: headless Chromium has no push service) and they agree to pushes on the
// notifications page. The counter officer asks for a supplement; the fake push service
// receives a push for the subscription, which the test decrypts with its private key:
// it names the dossier and the supplement. "Hồ sơ của tôi" lists the request under
// "Việc cần làm", and the officer's dossier page shows the push sent.
func citizenRegistersAndHears(b *tab) {
	s := b.site
	b.step("open the registration page", b.open("/dang-ky"), hasText("main h1", "Đăng ký tài khoản"), noSideScroll(),
		b.keep("signup"))
	b.step("type a new phone number and ask for a code", typeInto("#target", newPhone),
		follow(`main form[action="/dang-ky"] button[type="submit"]`), hasText("main h1", "Đăng ký tài khoản"),
		hasTextContaining("main", "Chúng tôi đã gửi tin nhắn có mã xác thực gồm 6 chữ số"), chromedp.WaitVisible(chromedp.CSS("#code")))
	code := waitFor(b, "the fake SMS gateway receives the code", func() (string, bool) {
		for _, m := range s.sms.Sent() {
			if m.To != newPhoneE164 {
				continue
			}
			if c := otpCode.FindStringSubmatch(m.Text); c != nil {
				return c[1], true
			}
		}
		return "", false
	})
	b.step("type the code from the SMS", typeInto("#code", code), follow(`main form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS("#full_name")))
	b.step("set the name and password", typeInto("#full_name", newName), typeInto("#password", newPassword),
		typeInto("#confirm", newPassword), noSideScroll(), b.keep("signup-details"))
	b.step("create the account and land logged in", follow(`main form button[type="submit"]`), atPath("/account"),
		hasText("main h1", "Xin chào, "+newName), hasTextPrefix("p.flash", "Đã tạo tài khoản."),
		hasText("header nav a", newName), noSideScroll(), b.keep("registered"))

	// The citizen files online.
	b.step("open the filing form", b.open("/nop-ho-so/2.000635"), atPath("/nop-ho-so/2.000635"),
		hasText("main h1", "Nộp hồ sơ trực tuyến"), hasValue("#applicant-full_name", newName))
	answers := [][2]string{{"#applicant-id_number", "037190004321"}, {"#applicant-phone", "0983214567"},
		{"#fields-event", "Khai sinh"}, {"#fields-subject_name", "Lê Văn Nam"}, {"#fields-registration_place", "UBND xã Yên Từ"},
		{"#fields-copies", "1"}, {"#fields-requester_name", newName}, {"#fields-requester_id", "037190004321"},
		{"#fields-requester_phone", "0983214567"}}
	fill := []chromedp.Action[chromedp.Void]{}
	for _, a := range answers {
		fill = append(fill, chromedp.SetValue(chromedp.CSS(a[0]), a[1]))
	}
	b.step("answer the form", fill...)
	b.step("send the dossier", follow(`form.intake button[type="submit"]`), hasText("main h1", "Đã nộp hồ sơ"), b.keep("filed"))
	dossierCode := b.text("dd.code")
	if !strings.HasPrefix(dossierCode, "000.31.37.H45-") {
		b.t.Fatalf("dossier code %q", dossierCode)
	}

	// The browser's push subscription, with keys only the test holds, and the consent.
	sub, err := notifytest.NewSubscriber()
	if err != nil {
		b.t.Fatal(err)
	}
	const subID = "trinh-duyet-cua-hoa"
	endpoint := s.pushURL + "/" + subID
	body, _ := json.Marshal(map[string]any{"endpoint": endpoint, "keys": map[string]string{"p256dh": sub.P256DH(), "auth": sub.AuthSecret()}})
	b.step("the browser subscribes to pushes (as the citizen, through the API)", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Evaluate[struct {
			Status   int
			Endpoint string
		}](fmt.Sprintf(`fetch('/api/v1/push-subscriptions', {method: 'POST', credentials: 'same-origin',
			headers: {'Content-Type': 'application/json'}, body: %q})
			.then(async r => ({status: r.status, endpoint: (await r.json()).endpoint}))`, body), chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return err
		}
		if got.Status != 201 || got.Endpoint != endpoint {
			return fmt.Errorf("subscribe: %d %q, want 201 %q", got.Status, got.Endpoint, endpoint)
		}
		return nil
	}))
	push := `section[aria-labelledby="kenh-push"]`
	b.step("open the notifications page", b.open("/account/thong-bao"), hasText("main h1", "Nhận thông báo"),
		hasText(push+" h2", "Thông báo trên trình duyệt"), hasTextContaining(push, "Thiết bị đã bật thông báo: 1."))
	b.step("agree to pushes", chromedp.Click(chromedp.CSS(push+` input[name="agree"]`)),
		follow(push+` form button[type="submit"]`), atPath("/account/thong-bao"),
		hasText("p.flash", "Đã ghi nhận sự đồng ý nhận thông báo qua Thông báo trên trình duyệt. Có thể rút lại bất cứ lúc nào."),
		hasTextPrefix(push+" p strong", "Đang nhận"), noSideScroll(), b.keep("push-consent"))

	// The counter officer finds the dossier incomplete and asks for a supplement.
	dossierPage := "/office/dossiers/" + dossierCode
	counter := s.newTab(b.t, false)
	counter.logIn("motcua", demo.Password, "/office")
	counter.step("open the new dossier", counter.open(dossierPage), hasText("span.status", "Chờ tiếp nhận"))
	counter.step("ask for a supplement", chromedp.Click(chromedp.CSS(`details.act:has(form[action$="/actions/request_supplement"]) summary`)),
		typeInto("#reason-request_supplement", supplementWhy),
		follow(`form[action="`+dossierPage+`/actions/request_supplement"] button`), hasText("span.status", "Chờ bổ sung hồ sơ"))

	// The push arrives, readable only with the subscriber's key.
	var got notify.PushPayload
	waitFor(b, "the fake push service receives the supplement's push", func() (struct{}, bool) {
		for _, p := range s.push.Pushes(subID) {
			plain, err := sub.Decrypt(p)
			if err != nil {
				b.t.Fatalf("decrypt the push: %v", err)
			}
			if err := json.Unmarshal(plain, &got); err != nil {
				b.t.Fatalf("the push's payload %q: %v", plain, err)
			}
			if strings.HasPrefix(got.Title, "Yêu cầu bổ sung") {
				return struct{}{}, true
			}
		}
		return struct{}{}, false
	})
	if want := "Yêu cầu bổ sung hồ sơ " + dossierCode; got.Title != want {
		b.t.Errorf("push title %q, want %q", got.Title, want)
	}
	if want := "Hồ sơ " + dossierCode + " cần bổ sung: " + supplementWhy; got.Body != want {
		b.t.Errorf("push body %q, want %q", got.Body, want)
	}
	if got.Tag != dossierCode {
		b.t.Errorf("push tag %q, want %q", got.Tag, dossierCode)
	}

	// Hồ sơ của tôi: the request, with its reason, is the first thing to do (the fee
	// of the copy is the other).
	ask := `section.asks li.ask-supplement`
	b.step("Hồ sơ của tôi lists the supplement under Việc cần làm", b.open("/account"),
		hasText("main h1", "Xin chào, "+newName), hasTextPrefix("section.asks h2", "Việc cần làm"),
		hasText(ask+" p strong", "Bổ sung hồ sơ"), hasText(ask+" p a", dossierCode),
		hasTextContaining(ask, "Cán bộ đề nghị: "+supplementWhy), noSideScroll(), b.keep("account-360"), b.keepAt(1280, 800, "account-1280"))

	// The officer sees the push sent, once the worker has recorded it.
	waitFor(b, "the push's attempt is recorded as sent", func() (struct{}, bool) {
		as, err := s.st.AttemptsFor(context.Background(), dossierCode)
		if err != nil {
			b.t.Fatal(err)
		}
		for _, a := range as {
			if a.Channel == notify.ChanPush && a.Kind == notify.KindSupplement && a.Status == "accepted" {
				return struct{}{}, true
			}
		}
		return struct{}{}, false
	})
	counter.step("the dossier page shows the push sent", counter.open(dossierPage), hasText("h2#tin-nhan", "Tin nhắn đã gửi"),
		hasTextContaining(`section:has(h2#tin-nhan) tbody`, "Yêu cầu bổ sung Thông báo trên trình duyệt Đã gửi"),
		noSideScroll(), counter.keep("sent-messages"))
}

// waitFor polls found until it reports a value, for at most deliveryLimit (what a
// worker does in the background; no assertion on how long it takes).
func waitFor[T any](b *tab, what string, found func() (T, bool)) T {
	b.t.Helper()
	deadline := time.Now().Add(deliveryLimit)
	for {
		if v, ok := found(); ok {
			return v
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: nothing within %v", what, deliveryLimit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// keepAt is keep on a screen of width×height (a desktop's), the phone's put back after.
func (b *tab) keepAt(width, height int64, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.EmulateViewport(width, height)(ctx, t); err != nil {
			return err
		}
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if _, err2 := chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(phoneScale), chromedp.EmulateMobile)(ctx, t); err2 != nil {
			return fmt.Errorf("back to the phone's screen: %w", err2)
		}
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(artifacts, fileName(b.t.Name()+"--"+name)+".png"), png, 0o644)
	})
}
