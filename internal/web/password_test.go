package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/demo"
)

// TestOneTimePasswordMustBeChanged: the password a unit administrator hands over (a new
// account, a reset) is a one-time password. Logging in with it leads to the change of
// password; until then no other page needing a login opens (a redirect there), a form is
// refused, and the API answers 403 password_change_required to the session and to a
// bearer token alike; public pages serve the user as a visitor. The user's own change
// clears it; a reset sets it again. The audit names the reset and holds no password.
func TestOneTimePasswordMustBeChanged(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.login(t, "quantri", demo.Password)
	resp, page := post(t, admin, e.ts.URL+"/admin/users", url.Values{"username": {"tranthimai"}, "full_name": {"Trần Thị Mai"}, "role": {"counter"}})
	otp := textAt(t, page, "#one-time-password")
	if resp.StatusCode != http.StatusCreated || len(otp) != 12 {
		t.Fatalf("create: %d %q", resp.StatusCode, otp)
	}
	u, err := e.st.UserByUsername(context.Background(), "tranthimai")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("the new account's flag: %+v %v", u.MustChangePassword, err)
	}
	token := bearer(t, e, "tranthimai")

	official, resp := e.login(t, "tranthimai", otp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("login with the one-time password: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/office", "/office/receive", "/account", "/office/dossiers?q=abc"} {
		if resp, _ := get(t, official, e.ts.URL+path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
			t.Errorf("%s before the change: %d %q, want a redirect to the change of password", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, page := post(t, official, e.ts.URL+"/office/receive", url.Values{}); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(textAt(t, page, "main"), "đổi mật khẩu") {
		t.Errorf("a form before the change: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	if resp, body := get(t, official, e.ts.URL+"/api/v1/me"); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"password_change_required"`) {
		t.Errorf("the API with the session: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/api/v1/me", "/api/v1/dossiers"} {
		if code, p := apiGet(t, e, token, path, nil); code != http.StatusForbidden || p.Code != "password_change_required" {
			t.Errorf("%s with a bearer token: %d %+v", path, code, p)
		}
	}
	// Every route needing a login, but the change and logging out, the same way.
	for _, rt := range e.srv.Routes() {
		if rt.Access.Public || rt.PasswordChange {
			continue
		}
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = paramRE.ReplaceAllString(path, "x")
		req, _ := http.NewRequest(method, e.ts.URL+path, nil)
		resp, err := official.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		redirected := resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/account/password"
		if method == http.MethodGet && !strings.HasPrefix(path, "/api/") && !redirected ||
			(method != http.MethodGet || strings.HasPrefix(path, "/api/")) && resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s before the change: %d %q", rt.Pattern, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// A public page serves them as a visitor: the login counts for nothing else.
	if resp, page := get(t, official, e.ts.URL+"/"); resp.StatusCode != http.StatusOK || !has(t, page, `header a[href="/login"]`) {
		t.Errorf("the home page before the change: %d, logged in: %v", resp.StatusCode, !has(t, page, `header a[href="/login"]`))
	}
	resp, page = get(t, official, e.ts.URL+"/account/password")
	if resp.StatusCode != http.StatusOK || !has(t, page, "#mot-lan") || has(t, page, "nav[aria-label='Chức năng']") {
		t.Fatalf("the change page: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"the same password", url.Values{"current": {otp}, "new": {otp}, "confirm": {otp}}, "phải khác"},
		{"not confirmed", url.Values{"current": {otp}, "new": {"mat-khau-cua-mai"}, "confirm": {"mat-khau-khac"}}, "không khớp"},
		{"wrong current", url.Values{"current": {"sai-mat-khau"}, "new": {"mat-khau-cua-mai"}, "confirm": {"mat-khau-cua-mai"}}, "không đúng"},
		{"too short", url.Values{"current": {otp}, "new": {"ngan"}, "confirm": {"ngan"}}, "8 ký tự"},
	} {
		resp, page := post(t, official, e.ts.URL+"/account/password", tc.form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "#password-error"), tc.want) || !has(t, page, "#mot-lan") {
			t.Errorf("%s: %d %q", tc.name, resp.StatusCode, textAt(t, page, "main"))
		}
	}
	resp, _ = post(t, official, e.ts.URL+"/account/password", url.Values{"current": {otp}, "new": {"mat-khau-cua-mai"}, "confirm": {"mat-khau-cua-mai"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/office" {
		t.Fatalf("the change: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, official, e.ts.URL+"/office"); resp.StatusCode != http.StatusOK {
		t.Errorf("the office after the change: %d", resp.StatusCode)
	}
	if code, _ := apiGet(t, e, token, "/api/v1/me", &map[string]any{}); code != http.StatusOK {
		t.Errorf("the token after the change: %d", code)
	}
	if _, page := get(t, official, e.ts.URL+"/account/password"); has(t, page, "#mot-lan") {
		t.Error("the change page still asks for a one-time password's change")
	}
	if _, page := get(t, admin, e.ts.URL+"/admin/users/"+itoa(u.ID)); has(t, page, "#password-state") {
		t.Error("the user's page says the password is not changed after the change")
	}

	// A reset makes it a one-time password again, shown to the administrator (API: the flag).
	resp, page = post(t, admin, e.ts.URL+"/admin/users/"+itoa(u.ID)+"/password", url.Values{})
	otp2 := textAt(t, page, "#one-time-password")
	if resp.StatusCode != http.StatusOK || len(otp2) != 12 {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if !has(t, page, "#password-state") {
		t.Error("the user's page does not say the one-time password is not changed yet")
	}
	if code, body := apiSend(t, e, bearer(t, e, "quantri"), "GET", "/api/v1/users/"+itoa(u.ID), ""); code != http.StatusOK ||
		!strings.Contains(body, `"must_change_password":true`) {
		t.Errorf("the API's user after a reset: %d %s", code, body)
	}
	if _, resp := e.login(t, "tranthimai", otp2); resp.Header.Get("Location") != "/account/password" {
		t.Errorf("login after the reset: %q", resp.Header.Get("Location"))
	}
	if code, p := apiGet(t, e, token, "/api/v1/me", nil); code != http.StatusForbidden || p.Code != "password_change_required" {
		t.Errorf("the token after the reset: %d %+v", code, p)
	}

	recs, _, err := e.st.AuditRecords(context.Background(), audit.SystemChain, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, r := range recs {
		if r.Event.ObjectID == itoa(u.ID) {
			actions[r.Event.Action] = r.Actor
		}
		for _, f := range r.Event.Fields {
			if strings.Contains(f, otp) || strings.Contains(f, otp2) || strings.Contains(f, "mat-khau-cua-mai") {
				t.Errorf("a password in the audit: %s %v", r.Event.Action, r.Event.Fields)
			}
		}
	}
	if actions["user.password.reset"] != "user:quantri" || actions["user.password"] != "user:tranthimai" {
		t.Errorf("audited changes of the password: %v", actions)
	}
}
