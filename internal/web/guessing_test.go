package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/webtest"
)

// testClock is a time that moves only when a test says so.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newClockedEnv is newEnvWith whose guessing throttles read clock, and whose client
// address is taken from X-Forwarded-For (as behind the deployment's proxy), so a test
// can speak from several addresses.
func newClockedEnv(t *testing.T, opt demo.Options) (*env, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	srv, st := webtest.NewClocked(t, opt, clock.now)
	srv.TrustProxy = true
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{srv: srv, ts: ts, st: st}, clock
}

// loginFrom posts the login form from address ip; it answers the status, the
// Retry-After delay and the page's message.
func loginFrom(t *testing.T, e *env, ip, user, pw string) (int, time.Duration, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/login", strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var wait time.Duration
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		n, err := strconv.Atoi(ra)
		if err != nil || n <= 0 {
			t.Fatalf("Retry-After %q", ra)
		}
		wait = time.Duration(n) * time.Second
	}
	var msg string
	if resp.StatusCode != http.StatusSeeOther {
		b := new(strings.Builder)
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		msg = text(t, b.String(), "p")
	}
	return resp.StatusCode, wait, msg
}

// TestGuessingCannotLockTheOwnerOut: an attacker guessing an official's password from
// another address, waiting out every delay, makes the account wait at most a minute,
// while their own address waits longer and longer; the owner, from their address, waits
// out at most the current delay and logs in. No sleeping: the throttles read a test clock.
func TestGuessingCannotLockTheOwnerOut(t *testing.T) {
	e, clock := newClockedEnv(t, demo.Options{})
	const attacker, owner = "203.0.113.7", "198.51.100.20"
	var attackerWait time.Duration
	for round := range 40 {
		code, wait, msg := loginFrom(t, e, attacker, "motcua", "doan-thu-"+strconv.Itoa(round))
		switch code {
		case http.StatusUnauthorized:
			if wait != 0 {
				t.Fatalf("round %d: a wrong password answered with Retry-After %s", round, wait)
			}
		case http.StatusTooManyRequests:
			if wait <= 0 || !strings.Contains(msg, "Vui lòng thử lại sau") {
				t.Fatalf("round %d: 429 without a delay or a Vietnamese message: %s %q", round, wait, msg)
			}
			attackerWait = wait
			clock.advance(wait)
		default:
			t.Fatalf("round %d: %d %q", round, code, msg)
		}
		if round%5 != 4 {
			continue
		}
		// The owner tries now: refused for at most the account's delay, then in.
		code, wait, msg = loginFrom(t, e, owner, "motcua", demo.Password)
		if code == http.StatusTooManyRequests {
			if wait <= 0 || wait > ratelimit.PerAccount.Max || !strings.Contains(msg, "thử lại sau") {
				t.Fatalf("round %d: the owner is told to wait %s: %q", round, wait, msg)
			}
			clock.advance(wait)
			code, _, msg = loginFrom(t, e, owner, "motcua", demo.Password)
		}
		if code != http.StatusSeeOther {
			t.Fatalf("round %d: the owner, after waiting the delay, cannot log in: %d %q", round, code, msg)
		}
	}
	if attackerWait <= ratelimit.PerAccount.Max {
		t.Errorf("the attacker's address waits only %s at the end, want more than the account's cap", attackerWait)
	}
	// Another official from another address is not held by either delay.
	if code, _, msg := loginFrom(t, e, "198.51.100.21", "lanhdao", demo.Password); code != http.StatusSeeOther {
		t.Errorf("another account from another address: %d %q", code, msg)
	}
}

// TestSigningPassphraseIsThrottled: wrong passphrases of a signing key make the official
// wait growing delays as wrong passwords do (429, Retry-After, a Vietnamese message), and
// nothing is tried while they wait; once the delay has passed the right one signs.
func TestSigningPassphraseIsThrottled(t *testing.T) {
	e, clock := newClockedEnv(t, demo.Options{Signing: true})
	dcode := resultToSign(t, e)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	_, page := get(t, leader, e.ts.URL+"/office/dossiers/"+dcode)
	form := url.Values{"file": {optionOf(t, page, "sign-file", "ket-qua.pdf")}, "key": {optionOf(t, page, "sign-key", "cá nhân")}}
	signURL := e.ts.URL + "/office/dossiers/" + dcode + "/sign"
	form.Set("passphrase", "sai-mat-khau")
	for i := range ratelimit.PerAccount.Free + 1 {
		if resp, page := post(t, leader, signURL, form); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong passphrase %d: %d %q", i+1, resp.StatusCode, textAt(t, page, "p#sign-error"))
		}
	}
	form.Set("passphrase", demo.Password)
	resp, page := post(t, leader, signURL, form)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" ||
		!strings.Contains(textAt(t, page, "p#sign-error"), "thử lại sau 1 giây") {
		t.Fatalf("during the delay: %d Retry-After %q %q", resp.StatusCode, resp.Header.Get("Retry-After"), textAt(t, page, "p#sign-error"))
	}
	clock.advance(time.Second)
	if resp, page := post(t, leader, signURL, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the delay: %d %q", resp.StatusCode, textAt(t, page, "p#sign-error"))
	}
}
