package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
)

// status answers a GET as the caller: a session cookie (c) or a bearer token.
func status(t *testing.T, e *env, c *http.Client, token, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c == nil {
		c = e.client()
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func userID(t *testing.T, e *env, name string) int64 {
	t.Helper()
	u, err := e.st.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestDisabledUserIsLockedOutAtOnce: disabling an account ends its sessions and its API
// tokens at their next request, and it cannot log in (with the message of a wrong
// password); enabling it again lets it log in, but the old session stays ended.
func TestDisabledUserIsLockedOutAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cookie, resp := e.login(t, "motcua", demo.Password)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	token := bearer(t, e, "motcua")
	for _, c := range []struct {
		c     *http.Client
		token string
		path  string
	}{{cookie, "", "/account"}, {cookie, "", "/api/v1/me"}, {nil, token, "/api/v1/me"}} {
		if code, _ := status(t, e, c.c, c.token, c.path); code != http.StatusOK {
			t.Fatalf("before: %s: %d", c.path, code)
		}
	}
	id := userID(t, e, "motcua")
	if err := e.st.SetUserDisabled(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if code, loc := status(t, e, cookie, "", "/account"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
		t.Errorf("a disabled user's page: %d %q, want a redirect to the login page", code, loc)
	}
	if code, _ := status(t, e, cookie, "", "/api/v1/me"); code != http.StatusUnauthorized {
		t.Errorf("a disabled user's cookie on the API: %d, want 401", code)
	}
	if code, _ := status(t, e, nil, token, "/api/v1/me"); code != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d, want 401", code)
	}
	_, wrong := postLogin(t, e, "lanhdao", "sai-mat-khau")
	// With a wrong password a disabled account answers as any other (no enumeration);
	// with its right one, it says it is disabled and whom to ask.
	r, guess := postLogin(t, e, "motcua", "sai-mat-khau")
	if r.StatusCode != http.StatusUnauthorized || text(t, guess, "p") != text(t, wrong, "p") {
		t.Errorf("a wrong password on a disabled account: %d %q, want the message of a wrong password %q", r.StatusCode, text(t, guess, "p"), text(t, wrong, "p"))
	}
	r, disabled := postLogin(t, e, "motcua", demo.Password)
	if r.StatusCode != http.StatusUnauthorized || text(t, disabled, "p") != "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị." {
		t.Errorf("a disabled user logs in: %d %q, want 401 and the account's state", r.StatusCode, text(t, disabled, "p"))
	}

	if err := e.st.SetUserDisabled(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if code, _ := status(t, e, cookie, "", "/api/v1/me"); code != http.StatusUnauthorized {
		t.Errorf("the session of before the disabling came back: %d", code)
	}
	if code, _ := status(t, e, nil, token, "/api/v1/me"); code != http.StatusOK {
		t.Errorf("the token after enabling: %d", code)
	}
	if _, resp := e.login(t, "motcua", demo.Password); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("login after enabling: %d", resp.StatusCode)
	}
}

// TestPasswordResetEndsSessions: a new password set by the operator (xaso user
// set-password) ends every session of the user at its next request: cookie on pages
// (to the login page) and on the API (401). API tokens are credentials of their own,
// made by the operator for a program: they stay until revoked or the user is disabled.
func TestPasswordResetEndsSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first, _ := e.login(t, "motcua", demo.Password)
	second, _ := e.login(t, "motcua", demo.Password)
	other, _ := e.login(t, "lanhdao", demo.Password)
	token := bearer(t, e, "motcua")
	hash, err := auth.NewHasher(auth.TestParams, 1).Hash("mat-khau-moi-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ReplacePassword(ctx, userID(t, e, "motcua"), hash); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*http.Client{first, second} {
		if code, loc := status(t, e, c, "", "/account"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("an old session's page after the reset: %d %q", code, loc)
		}
	}
	if code, _ := status(t, e, second, "", "/api/v1/me"); code != http.StatusUnauthorized {
		t.Errorf("an old session on the API after the reset: %d", code)
	}
	if code, _ := status(t, e, nil, token, "/api/v1/me"); code != http.StatusOK {
		t.Errorf("the API token after a password reset: %d", code)
	}
	if code, _ := status(t, e, other, "", "/api/v1/me"); code != http.StatusOK {
		t.Errorf("another user's session: %d", code)
	}
	if _, resp := e.login(t, "motcua", demo.Password); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password still logs in: %d", resp.StatusCode)
	}
	fresh, resp := e.login(t, "motcua", "mat-khau-moi-1")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the new password: %d", resp.StatusCode)
	}
	if code, _ := status(t, e, fresh, "", "/api/v1/me"); code != http.StatusOK {
		t.Errorf("a session opened after the reset: %d", code)
	}
}

// TestRevokedRoleEndsAtTheNextRequest: taking a role away takes effect on the very next
// request of an open session and of a token.
func TestRevokedRoleEndsAtTheNextRequest(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cookie, _ := e.login(t, "motcua", demo.Password)
	token := bearer(t, e, "motcua")
	if code, _ := status(t, e, cookie, "", "/office/receive"); code != http.StatusOK {
		t.Fatalf("before: %d", code)
	}
	home, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	id := userID(t, e, "motcua")
	ms, err := e.st.Memberships(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if err := e.st.RemoveMembership(ctx, id, m.UnitID, m.Role); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.st.RemoveMembership(ctx, id, home.ID, auth.RoleCounter); !errors.Is(err, auth.ErrMembershipNotFound) {
		t.Errorf("revoking a role not held: %v", err)
	}
	if code, _ := status(t, e, cookie, "", "/office/receive"); code != http.StatusForbidden {
		t.Errorf("the counter page after the revocation: %d", code)
	}
	var me map[string]any
	if code, _ := apiGet(t, e, token, "/api/v1/me", &me); code != http.StatusOK || strings.Contains(fmt.Sprint(me), "counter") {
		t.Errorf("the token's roles after the revocation: %d %v", code, me)
	}
}

// TestExpiredTokenIsRefused: a token past its expiry answers 401; one before it works.
func TestExpiredTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := userID(t, e, "motcua")
	for _, c := range []struct {
		expires time.Time
		want    int
	}{{time.Now().Add(-time.Minute), http.StatusUnauthorized}, {time.Now().Add(time.Hour), http.StatusOK}} {
		plain, hash := auth.NewToken()
		if _, err := e.st.CreateTokenUntil(ctx, id, "test", hash, c.expires); err != nil {
			t.Fatal(err)
		}
		if code, _ := status(t, e, nil, plain, "/api/v1/me"); code != c.want {
			t.Errorf("a token expiring %s: %d, want %d", c.expires.Format(time.RFC3339), code, c.want)
		}
	}
}

// TestChangingOwnPasswordEndsOtherSessions: a user who changes their password on the
// account page stays logged in there; their other sessions end (the login page for
// pages, 401 on the API). A wrong current password, a mismatch or a weak password change
// nothing.
func TestChangingOwnPasswordEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	here, _ := e.login(t, "motcua", demo.Password)
	elsewhere, _ := e.login(t, "motcua", demo.Password)
	_, page := get(t, here, e.ts.URL+"/account")
	if !has(t, page, "form[action=/account/password]") {
		t.Fatal("no password form on the account page")
	}
	change := func(current, next, confirm string) (*http.Response, string) {
		return post(t, here, e.ts.URL+"/account/password", url.Values{"current": {current}, "new": {next}, "confirm": {confirm}})
	}
	for _, c := range []struct{ current, next, confirm, want string }{
		{"sai-mat-khau", "mat-khau-moi-1", "mat-khau-moi-1", "không đúng"},
		{demo.Password, "mat-khau-moi-1", "mat-khau-khac", "không khớp"},
		{demo.Password, "ngan", "ngan", "8 ký tự"},
	} {
		resp, page := change(c.current, c.next, c.confirm)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "p#password-error"), c.want) {
			t.Errorf("%+v: %d %q", c, resp.StatusCode, textAt(t, page, "p#password-error"))
		}
	}
	if code, _ := status(t, e, elsewhere, "", "/api/v1/me"); code != http.StatusOK {
		t.Fatalf("a refused change ended a session: %d", code)
	}
	resp, _ := change(demo.Password, "mat-khau-moi-1", "mat-khau-moi-1")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		t.Fatalf("change: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, _ := status(t, e, here, "", "/account"); code != http.StatusOK {
		t.Errorf("the session that changed the password: %d", code)
	}
	if code, _ := status(t, e, here, "", "/api/v1/me"); code != http.StatusOK {
		t.Errorf("the session that changed the password, on the API: %d", code)
	}
	if code, loc := status(t, e, elsewhere, "", "/account"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
		t.Errorf("another session's page: %d %q", code, loc)
	}
	if _, resp := e.login(t, "motcua", "mat-khau-moi-1"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the new password: %d", resp.StatusCode)
	}
}
