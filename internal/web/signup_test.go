package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
)

var otpDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// smsTo returns the bodies of the one-time-code messages waiting in the outbox for
// number (E.164), claiming them so each is read once: what the fake SMS gateway would
// receive.
func smsTo(t *testing.T, e *env, number string) []string {
	t.Helper()
	ps, err := e.st.ClaimOutbox(context.Background(), time.Now().Add(time.Hour), time.Minute, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		if p.To == "tel:"+number && strings.HasPrefix(p.Ref, "otp:") {
			out = append(out, p.Body)
		}
	}
	return out
}

// otpFor reads the code of the one SMS sent to number.
func otpFor(t *testing.T, e *env, number string) string {
	t.Helper()
	bodies := smsTo(t, e, number)
	if len(bodies) != 1 {
		t.Fatalf("SMS to %s: %q, want one", number, bodies)
	}
	code := otpDigits.FindString(bodies[0])
	if code == "" {
		t.Fatalf("no 6-digit code in %q", bodies[0])
	}
	return code
}

// freeCounterDossiers are the demo's counter dossiers without an owner.
func freeCounterDossiers(t *testing.T, e *env) []dossier.Dossier {
	t.Helper()
	all, _, err := e.st.Dossiers(context.Background(), store.DossierQuery{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var out []dossier.Dossier
	for _, d := range all {
		if d.Channel == dossier.ChannelCounter && d.OwnerID == 0 {
			out = append(out, d)
		}
	}
	if len(out) < 2 {
		t.Fatalf("the demo has %d counter dossiers without an owner", len(out))
	}
	return out
}

// TestRegisterFromThePages: a citizen registers by phone (the code read from the SMS in
// the outbox), is logged in, logs in again with the number, adds a counter dossier with
// its code and secret, resets the password by SMS (the other session ends), and an
// officer joins another dossier to the account with the code the citizen reads back.
func TestRegisterFromThePages(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	_, page := get(t, anon, e.ts.URL+"/login")
	if !has(t, page, "a[href='/dang-ky']") || !has(t, page, "a[href='/quen-mat-khau']") {
		t.Fatal("the login page links neither registration nor the forgotten password")
	}
	resp, page := post(t, anon, e.ts.URL+"/dang-ky", url.Values{"target": {"0212345678"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "#signup-error"), "03, 05, 07, 08 hoặc 09") ||
		attrAt(t, page, "#target", "value") != "0212345678" {
		t.Fatalf("a landline: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	resp, _ = post(t, anon, e.ts.URL+"/dang-ky", url.Values{"target": {"0912 345 678"}})
	step := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(step, "/dang-ky/") {
		t.Fatalf("start: %d %s", resp.StatusCode, step)
	}
	_, page = get(t, anon, e.ts.URL+step)
	if !strings.Contains(textAt(t, page, "main"), "091****678") || !has(t, page, "input#code[autocomplete=one-time-code]") {
		t.Fatalf("code page: %q", textAt(t, page, "main"))
	}
	code := otpFor(t, e, "+84912345678")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	resp, page = post(t, anon, e.ts.URL+step, url.Values{"step": {"code"}, "code": {wrong}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "#signup-error"), "không đúng") {
		t.Fatalf("a wrong code: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	resp, page = post(t, anon, e.ts.URL+step, url.Values{"step": {"code"}, "code": {code}})
	if resp.StatusCode != http.StatusOK || !has(t, page, "input#full_name") || attrAt(t, page, "input[name=code]", "value") != code {
		t.Fatalf("right code: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	details := url.Values{"step": {"details"}, "code": {code}, "full_name": {"Lê Văn Bình"}, "citizen_id": {"001099012345"},
		"password": {"mat-khau-dai"}, "confirm": {"mat-khau-khac"}}
	resp, page = post(t, anon, e.ts.URL+step, details)
	if resp.StatusCode != http.StatusUnprocessableEntity || attrAt(t, page, "#full_name", "value") != "Lê Văn Bình" {
		t.Fatalf("mismatched passwords: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	details.Set("confirm", "mat-khau-dai")
	resp, _ = post(t, anon, e.ts.URL+step, details)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = get(t, anon, e.ts.URL+"/account")
	if !strings.Contains(textAt(t, page, "h1"), "Lê Văn Bình") || !has(t, page, "form[action='/account/ho-so-truc-tiep']") {
		t.Fatalf("account page: %q", textAt(t, page, "main"))
	}
	// The same code does not open a second account.
	resp, _ = post(t, e.client(), e.ts.URL+step, details)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the code was used twice: %d", resp.StatusCode)
	}

	// Logging in with the number, however written.
	phone, resp := e.login(t, "+84 912 345 678", "mat-khau-dai")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		t.Fatalf("login with the number: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A counter dossier joins the account with its code and secret.
	free := freeCounterDossiers(t, e)
	resp, _ = post(t, phone, e.ts.URL+"/account/ho-so-truc-tiep", url.Values{"code": {free[0].Code}, "secret": {"SAI"}})
	_, page = get(t, phone, e.ts.URL+"/account")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(textAt(t, page, "#link-error"), "Không tìm thấy hồ sơ") {
		t.Fatalf("a wrong secret: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	post(t, phone, e.ts.URL+"/account/ho-so-truc-tiep", url.Values{"code": {strings.ToLower(free[0].Code)}, "secret": {free[0].Secret}})
	_, page = get(t, phone, e.ts.URL+"/account")
	if !strings.Contains(textAt(t, page, "ul[aria-labelledby=ho-so]"), free[0].Code) {
		t.Fatalf("Hồ sơ của tôi lacks %s: %q", free[0].Code, textAt(t, page, "main"))
	}

	// The forgotten password, by SMS: the new password logs in, the other session ends.
	reset := e.client()
	resp, _ = post(t, reset, e.ts.URL+"/quen-mat-khau", url.Values{"target": {"0912345678"}})
	rstep := resp.Header.Get("Location")
	if !strings.HasPrefix(rstep, "/quen-mat-khau/") {
		t.Fatalf("reset start: %d %s", resp.StatusCode, rstep)
	}
	rcode := otpFor(t, e, "+84912345678")
	resp, page = post(t, reset, e.ts.URL+rstep, url.Values{"step": {"code"}, "code": {rcode}})
	if resp.StatusCode != http.StatusOK || has(t, page, "input#full_name") || !has(t, page, "input#password") {
		t.Fatalf("reset code: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	resp, _ = post(t, reset, e.ts.URL+rstep, url.Values{"step": {"details"}, "code": {rcode}, "password": {"mat-khau-moi"}, "confirm": {"mat-khau-moi"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if resp, _ := get(t, phone, e.ts.URL+"/account"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("the session before the reset goes on: %d", resp.StatusCode)
	}
	if _, resp := e.login(t, "0912345678", "mat-khau-moi"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", resp.StatusCode)
	}
	// A reset for a number without an account answers the same, and sends nothing.
	resp, _ = post(t, e.client(), e.ts.URL+"/quen-mat-khau", url.Values{"target": {"0987654321"}})
	if resp.StatusCode != http.StatusSeeOther || len(smsTo(t, e, "+84987654321")) != 0 {
		t.Errorf("reset of an unknown number: %d", resp.StatusCode)
	}

	// The officer's way: the citizen's number, then the code they read back.
	counter, _ := e.login(t, "motcua", demo.Password)
	dpath := e.ts.URL + "/office/dossiers/" + free[1].Code
	_, page = get(t, counter, dpath)
	if !has(t, page, "details#lien-ket input#link-phone") {
		t.Fatalf("the dossier page offers no link: %q", textAt(t, page, "main"))
	}
	resp, _ = post(t, counter, dpath+"/lien-ket", url.Values{"phone": {"0912345678"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("link start: %d", resp.StatusCode)
	}
	_, page = get(t, counter, dpath)
	if !has(t, page, "input#link-otp") {
		t.Fatalf("no code field: %q", textAt(t, page, "main"))
	}
	lcode := otpFor(t, e, "+84912345678")
	post(t, counter, dpath+"/lien-ket/xac-nhan", url.Values{"otp": {lcode}})
	if d, _ := e.st.DossierByCode(context.Background(), free[1].Code); d.OwnerID == 0 {
		t.Fatal("the dossier was not linked")
	}
	_, page = get(t, counter, dpath)
	if has(t, page, "details#lien-ket") {
		t.Error("a linked dossier still offers the link")
	}
}

// apiAnon sends a JSON body without credentials.
func apiAnon(t *testing.T, e *env, path, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(e.ts.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRegisterAPI: the API's registration, reset and link answer as the pages do, with
// stable codes; an existing number gets the same answer and no code.
func TestRegisterAPI(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ body, code string }{
		{`{"phone":"12345"}`, "phone_invalid"},
		{`{"phone":"+14155550100"}`, "phone_invalid"},
		{`{"email":"not-an-address"}`, "email_invalid"},
		{`{}`, "phone_or_email_required"},
		{`{"phone":"0912345678","email":"a@b.vn"}`, "phone_or_email_required"},
		{`{"phone":"0912345678","extra":1}`, "invalid_json"},
	} {
		if code, out := apiAnon(t, e, "/api/v1/citizens/registrations", tc.body); code != 422 && code != 400 || !strings.Contains(out, `"code":"`+tc.code+`"`) {
			t.Errorf("%s: %d %s, want %s", tc.body, code, out, tc.code)
		}
	}
	code, out := apiAnon(t, e, "/api/v1/citizens/registrations", `{"phone":"0356 123 456"}`)
	ch := decode[map[string]string](t, out)
	if code != 202 || ch["channel"] != "sms" || ch["sent_to"] != "035****456" || ch["challenge"] == "" {
		t.Fatalf("start: %d %s", code, out)
	}
	otp := otpFor(t, e, "+84356123456")
	confirm := "/api/v1/citizens/registrations/" + ch["challenge"] + "/confirm"
	if code, out := apiAnon(t, e, confirm, `{"code":"abc","full_name":"Phạm Thị Hoa","password":"mat-khau-dai"}`); code != 422 || !strings.Contains(out, `"code":"otp_invalid"`) {
		t.Errorf("a wrong code: %d %s", code, out)
	}
	code, out = apiAnon(t, e, confirm, `{"code":"`+otp+`","full_name":"Phạm Thị Hoa","password":"mat-khau-dai"}`)
	acct := decode[map[string]any](t, out)
	if code != 201 || acct["username"] != "0356123456" {
		t.Fatalf("confirm: %d %s", code, out)
	}
	if code, out := apiAnon(t, e, confirm, `{"code":"`+otp+`","full_name":"Phạm Thị Hoa","password":"mat-khau-dai"}`); code != 422 || !strings.Contains(out, `"code":"otp_invalid"`) {
		t.Errorf("the code reused: %d %s", code, out)
	}
	// The same number again: the same answer, and an SMS without a code.
	code, out = apiAnon(t, e, "/api/v1/citizens/registrations", `{"phone":"+84356123456"}`)
	if again := decode[map[string]string](t, out); code != 202 || again["sent_to"] != "035****456" {
		t.Errorf("again: %d %s", code, out)
	}
	if bodies := smsTo(t, e, "+84356123456"); len(bodies) != 1 || otpDigits.MatchString(bodies[0]) {
		t.Errorf("SMS to a registered number: %q", bodies)
	}

	code, out = apiAnon(t, e, "/api/v1/password-resets", `{"phone":"0356123456"}`)
	rs := decode[map[string]string](t, out)
	if code != 202 {
		t.Fatalf("reset: %d %s", code, out)
	}
	rotp := otpFor(t, e, "+84356123456")
	if code, out := apiAnon(t, e, "/api/v1/password-resets/"+rs["challenge"]+"/confirm", `{"code":"`+rotp+`","password":"ngan"}`); code != 422 || !strings.Contains(out, "weak_password") {
		t.Errorf("a weak password: %d %s", code, out)
	}
	if code, out := apiAnon(t, e, "/api/v1/password-resets/"+rs["challenge"]+"/confirm", `{"code":"`+rotp+`","password":"mat-khau-moi"}`); code != 204 {
		t.Errorf("reset confirm: %d %s", code, out)
	}
	if _, resp := e.login(t, "0356123456", "mat-khau-moi"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("login after the reset: %d", resp.StatusCode)
	}

	free := freeCounterDossiers(t, e)
	citizen := bearer(t, e, "congdan")
	if code, out := apiSend(t, e, citizen, "POST", "/api/v1/me/dossiers/link", `{"code":"`+free[0].Code+`","secret":"SAI"}`); code != 404 || !strings.Contains(out, "dossier_not_found") {
		t.Errorf("a wrong secret: %d %s", code, out)
	}
	if code, out := apiSend(t, e, citizen, "POST", "/api/v1/me/dossiers/link", `{"code":"`+free[0].Code+`","secret":"`+free[0].Secret+`"}`); code != 200 {
		t.Errorf("link: %d %s", code, out)
	}
	if code, out := apiSend(t, e, bearer(t, e, "ketoan"), "POST", "/api/v1/me/dossiers/link", `{"code":"`+free[0].Code+`","secret":"`+free[0].Secret+`"}`); code != 409 || !strings.Contains(out, "dossier_already_linked") {
		t.Errorf("another account: %d %s", code, out)
	}

	// A second citizen, whose number the officer links (the first had three codes in
	// 15 minutes already).
	_, out = apiAnon(t, e, "/api/v1/citizens/registrations", `{"phone":"0356123457"}`)
	ch2 := decode[map[string]string](t, out)
	_, out = apiAnon(t, e, "/api/v1/citizens/registrations/"+ch2["challenge"]+"/confirm",
		`{"code":"`+otpFor(t, e, "+84356123457")+`","full_name":"Phạm Văn Hải","password":"mat-khau-dai"}`)
	acct = decode[map[string]any](t, out)
	counter := bearer(t, e, "motcua")
	if code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+free[1].Code+"/owner-link", `{"phone":"0999999999"}`); code != 404 || !strings.Contains(out, "citizen_not_found") {
		t.Errorf("an unknown number: %d %s", code, out)
	}
	code, out = apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+free[1].Code+"/owner-link", `{"phone":"0356123457"}`)
	lk := decode[map[string]string](t, out)
	if code != 202 {
		t.Fatalf("owner link: %d %s", code, out)
	}
	lotp := otpFor(t, e, "+84356123457")
	if code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+free[1].Code+"/owner-link/"+lk["challenge"]+"/confirm", `{"code":"`+lotp+`"}`); code != 204 {
		t.Errorf("owner link confirm: %d %s", code, out)
	}
	if d, _ := e.st.DossierByCode(context.Background(), free[1].Code); d.OwnerID != int64(acct["id"].(float64)) {
		t.Errorf("owner %d, want %v", d.OwnerID, acct["id"])
	}
}

// TestRegisterByEmailLink: the e-mail's link opens the last step at once; the account
// logs in with the address.
func TestRegisterByEmailLink(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	resp, _ := post(t, c, e.ts.URL+"/dang-ky", url.Values{"target": {"Hoa.Pham@Example.vn"}})
	step := resp.Header.Get("Location")
	_, page := get(t, c, e.ts.URL+step)
	if !strings.Contains(textAt(t, page, "main"), "h***@example.vn") {
		t.Fatalf("code page: %q", textAt(t, page, "main"))
	}
	ps, err := e.st.ClaimOutbox(context.Background(), time.Now().Add(time.Hour), time.Minute, 500)
	if err != nil {
		t.Fatal(err)
	}
	var link string
	for _, p := range ps {
		if p.To == "hoa.pham@example.vn" {
			link = regexp.MustCompile(`/dang-ky/[a-z0-9]+\?ma=[A-Za-z0-9_-]+`).FindString(p.Body)
		}
	}
	if link == "" || !strings.HasPrefix(link, step+"?ma=") {
		t.Fatalf("no link to %s in the mail: %q", step, link)
	}
	if resp, page := get(t, e.client(), e.ts.URL+step+"?ma=wrong"); resp.StatusCode != http.StatusUnprocessableEntity || has(t, page, "input#full_name") {
		t.Errorf("a wrong token: %d", resp.StatusCode)
	}
	browser := e.client() // the mail is opened elsewhere: no session needed
	_, page = get(t, browser, e.ts.URL+link)
	if !has(t, page, "input#full_name") {
		t.Fatalf("the link does not open the last step: %q", textAt(t, page, "main"))
	}
	code := attrAt(t, page, "input[name=code]", "value")
	resp, _ = post(t, browser, e.ts.URL+step, url.Values{"step": {"details"}, "code": {code}, "full_name": {"Phạm Thị Hoa"},
		"password": {"mat-khau-dai"}, "confirm": {"mat-khau-dai"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if _, resp := e.login(t, "HOA.PHAM@example.vn", "mat-khau-dai"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		t.Errorf("login with the address: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
