package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/demo"
)

// TestLoginNextStaysLocal: whatever `next` says, the redirect after logging in goes to a
// path of this site, even after a browser's own cleaning of the Location (it drops tabs
// and newlines anywhere, strips leading spaces and control characters, and reads a
// backslash as a slash). Each variant goes both ways a browser sends it: in the login
// page's query (then back through its hidden field) and straight in the form.
func TestLoginNextStaysLocal(t *testing.T) {
	e := newEnv(t)
	evil := []string{
		"/\t/evil.example", "/%09/evil.example", "%2F%09%2Fevil.example", "/\\evil.example", "/%5Cevil.example",
		"//evil.example", "/%2F/evil.example", "/%2f/evil.example", "\t//evil.example", "https://evil.example",
		"http:evil.example", "/\x7f/evil.example", " //evil.example", "/ /evil.example", "/\r\n/evil.example",
		"/%0d%0a/evil.example", "/\n/evil.example", "/\x00/evil.example", "/%00/evil.example", "\\\\evil.example",
		"/\u00a0/evil.example", "/\u2028/evil.example", "/\u3000/evil.example", "/\ufeff/evil.example",
		"/\u200b/evil.example", "/\u0085/evil.example", "/%E2%80%A8/evil.example", "/%C2%A0/evil.example",
		"/a/\\evil.example", "/admin\\..\\..\\evil", "javascript:alert(1)", "/%zz", "/\xff/evil.example",
		"///evil.example", "/%2F%2Fevil.example", "evil.example", "", ".//evil.example", "/%09/evil?q=1",
		"/%2F/evil#x", "/?q=\t", "/#\\evil",
	}
	for _, next := range evil {
		if loc := loginWithNext(t, e, next); loc != "/admin" {
			t.Errorf("next=%q: Location %q, want the home page /admin", next, loc)
		}
		if loc := loginThroughPage(t, e, next); loc != "/admin" {
			t.Errorf("next=%q through the login page: Location %q, want /admin", next, loc)
		}
	}
	for _, next := range []string{"/admin/audit", "/office?code=YT-260101-0001", "/admin/calendar?unit=14731&year=2026",
		"/tra-cuu/ABC?secret=a%2Fb", "/thu-tuc/1.004873",
		"/thu-tuc?q=khai%20sinh"} {
		if loc := loginWithNext(t, e, next); loc != next || !browserLocal(loc) {
			t.Errorf("next=%q: Location %q, want it kept", next, loc)
		}
	}
}

func loginWithNext(t *testing.T, e *env, next string) string {
	t.Helper()
	// The transport, not a client: a client refuses a Location it cannot parse, which is
	// the very answer under test.
	form := url.Values{"username": {"quantri"}, "password": {demo.Password}, "next": {next}}
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with next=%q: %d", next, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// loginThroughPage opens /login?next=… as the redirect of a protected page would, then
// posts the form with the hidden field the page drew.
func loginThroughPage(t *testing.T, e *env, next string) string {
	t.Helper()
	_, page := get(t, e.client(), e.ts.URL+"/login?next="+url.QueryEscape(next))
	return loginWithNext(t, e, attrAt(t, page, `input[name=next]`, "value"))
}

// browserLocal reports whether a Location stays on this site once a browser has cleaned
// it as the URL standard says.
func browserLocal(loc string) bool {
	loc = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, loc)
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	loc = strings.ReplaceAll(loc, "\\", "/")
	if !utf8.ValidString(loc) || strings.IndexFunc(loc, unicode.IsControl) >= 0 {
		return false
	}
	u, err := url.Parse(loc)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//")
}
