package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/app"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/webtest"
)

// Viewport of the cheap phone every journey runs on.
const (
	phoneWidth  = 360
	phoneHeight = 740
	phoneScale  = 2
)

// stepTimeout bounds one step; a step that waits for something that never comes fails
// with a screenshot instead of hanging the test binary.
const stepTimeout = 20 * time.Second

// site is an in-process xaso on a fresh database with the demo commune, served over
// HTTP on a local port.
type site struct {
	url string
	st  *store.Store // for what a journey needs from outside the browser (a bank's secret)
	// down drops every connection without an answer, as a network that is cut: the
	// service worker's own fetches see it too, which Chromium's emulation of an offline
	// page does not reach.
	down atomic.Bool
	// The notifications' local gateways, as `xaso serve --demo` runs them: what they
	// received is what a journey reads (a one-time code, a push).
	sms     *notify.FakeSMS
	push    *notify.FakePush
	pushURL string // the fake push service's base, where subscriptions' endpoints point
}

func newSite(t testing.TB) *site {
	t.Helper()
	// the demo as `xaso serve --demo` loads it, payments and keys included
	deps := webtest.Deps(t, demo.Options{Payments: true, Signing: true}, time.Now)
	s := &site{st: deps.Store}
	var srv http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			panic(http.ErrAbortHandler) // the connection closes with no answer
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	s.url = ts.URL
	deps.Notify = app.NewNotify(deps)
	gateways := s.fakeGateways(t, deps.Notify)
	var err error
	if srv, err = app.New(deps); err != nil {
		t.Fatal(err)
	}
	// The worker delivers the outbox as the server's does, looking often: a journey
	// waits for what it sends.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&notify.Worker{Store: deps.Store, Sender: notify.LogSender{Log: deps.Log}, Gateways: gateways, Log: deps.Log,
			Interval: 200 * time.Millisecond, Now: time.Now, Timeout: 10 * time.Second}).Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

// fakeGateways serves the local SMS gateway, Zalo ZNS and push service on loopback
// ports, as cmd/xaso's notifySetup does in the demo: the SMS gateway reports each
// message delivered to the site, push subscriptions may point at the fake push
// service, and the site has its VAPID key.
func (s *site) fakeGateways(t testing.TB, svc *notify.Service) map[string]notify.Gateway {
	t.Helper()
	const secret = "e2e-webhook-secret"
	s.sms = &notify.FakeSMS{Callback: s.url + "/api/v1/notify/receipts/sms", Secret: []byte(secret)}
	smsSv := httptest.NewServer(s.sms)
	znsSv := httptest.NewServer(&notify.FakeZNS{})
	s.push = &notify.FakePush{}
	pushSv := httptest.NewServer(s.push)
	t.Cleanup(func() { smsSv.Close(); znsSv.Close(); pushSv.Close() })
	s.push.Origin = pushSv.URL
	s.pushURL = pushSv.URL + "/push"
	svc.PushBases = append(svc.PushBases, s.pushURL)
	svc.Secrets = map[string][]byte{"sms": []byte(secret), "zalo": []byte(secret)}
	v, err := svc.VAPID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	return map[string]notify.Gateway{
		notify.ChanSMS:  notify.SMSGateway{URL: smsSv.URL, BrandName: "XASO", Client: client},
		notify.ChanZNS:  notify.ZNSGateway{URL: znsSv.URL, Client: client},
		notify.ChanPush: notify.PushGateway{VAPID: v, Client: client},
	}
}

// tab is one browser tab in a browser context of its own (its own cookies), emulating
// the phone. Its steps fail the test that opened it.
type tab struct {
	t    *testing.T
	ctx  context.Context
	site *site
}

// newTab opens a tab on s; it closes when the test ends. With noScript the tab runs no
// JavaScript of the pages, as a phone with scripts off or a browser that failed to load
// them.
func (s *site) newTab(t *testing.T, noScript bool) *tab {
	t.Helper()
	needBrowser(t)
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &tab{t: t, ctx: ctx, site: s}
	setup := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(phoneScale), chromedp.EmulateMobile),
	}
	if noScript {
		setup = append(setup, disableScripts())
	}
	// The first Do attaches the tab, which lives as long as ctx: no deadline here.
	if err := chromedp.Do(ctx, setup...); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return b
}

// newProfileTab is newTab in the browser's own profile rather than a context of its
// own: Chromium judges installability only outside incognito-like contexts (which
// WithNewBrowserContext makes). Its cookies are shared with any other such tab: use it
// for anonymous visits only.
func (s *site) newProfileTab(t *testing.T) *tab {
	t.Helper()
	needBrowser(t)
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	b := &tab{t: t, ctx: ctx, site: s}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(phoneScale), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return b
}

// step runs actions as one named step of a journey. When one fails, the test fails with
// the step's name, the page's address, the error and the path of a full-page screenshot.
func (b *tab) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.stepWithin(stepTimeout, name, actions...)
}

// stepWithin is step with a time limit of its own, for slow work such as an axe-core run
// on a long page.
func (b *tab) stepWithin(limit time.Duration, name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, limit)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: the step did not finish in %v", err, limit)
		}
		shot := b.screenshot("FAIL " + name)
		b.t.Fatalf("step %q failed on %s: %v\n\tscreenshot: %s", name, b.location(), err, shot)
	}
}

// screenshot saves a full-page PNG of the tab in the artifacts directory and returns its
// path, or why it could not.
func (b *tab) screenshot(name string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	path := filepath.Join(artifacts, fileName(b.t.Name()+"--"+name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	return path
}

// keep is a step action that saves a screenshot of the page under name, for people to look
// at (each role's home page, for one).
func (b *tab) keep(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(artifacts, fileName(b.t.Name()+"--"+name)+".png"), png, 0o644)
	})
}

func (b *tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page: " + err.Error() + ")"
	}
	return loc
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileName(s string) string { return strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_") }

// Actions that journeys combine into steps.

// open navigates to a path of the site and waits for the page to load.
func (b *tab) open(path string) chromedp.Action[chromedp.Void] {
	return chromedp.Navigate(b.site.url + path)
}

// openStatus is open for a page that must answer with status (an error page must not
// pass for the page under test).
func (b *tab) openStatus(path string, status int) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		resp, err := chromedp.NavigateResponse(b.site.url+path)(ctx, t)
		if err != nil {
			return err
		}
		if resp == nil || resp.Status != int64(status) {
			got := "no response"
			if resp != nil {
				got = fmt.Sprint(resp.Status)
			}
			return fmt.Errorf("GET %s: %s, want %d", path, got, status)
		}
		return nil
	})
}

// follow clicks what sel finds (a link or a submit button) and waits for the page it
// leads to.
func follow(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))(ctx, t); err != nil {
			return fmt.Errorf("click %s and wait for the next page: %w", sel, err)
		}
		return nil
	})
}

// typeInto types text into the field sel finds, key by key as a person would.
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.SendKeys(chromedp.CSS(sel), text)(ctx, t); err != nil {
			return fmt.Errorf("type into %s: %w", sel, err)
		}
		return nil
	})
}

// choose picks, in the select sel finds, the option whose text contains text, as a
// person picks it from the list.
func choose(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		js := fmt.Sprintf(`(() => { const s = document.querySelector(%q); if (!s) return "";
			for (const o of s.options) if (o.text.includes(%q)) { s.value = o.value; return o.value; } return ""; })()`, sel, text)
		v, err := chromedp.Evaluate[string](js)(ctx, t)
		if err != nil {
			return err
		}
		if v == "" {
			return fmt.Errorf("no option %q in %s", text, sel)
		}
		return nil
	})
}

// atPath checks the path (and query, when want has one) of the current page.
func atPath(want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		loc, err := chromedp.Location()(ctx, t)
		if err != nil {
			return err
		}
		u, err := url.Parse(loc)
		if err != nil {
			return err
		}
		got := u.Path
		if strings.Contains(want, "?") {
			got = u.RequestURI()
		}
		if got != want {
			return fmt.Errorf("on %s, want %s", got, want)
		}
		return nil
	})
}

// hasText checks that the first element sel finds is visible and shows want (spaces
// folded).
func hasText(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", sel, err)
		}
		if got = strings.Join(strings.Fields(got), " "); got != want {
			return fmt.Errorf("%s shows %q, want %q", sel, got, want)
		}
		return nil
	})
}

// hasTextPrefix is hasText for a text that only starts with prefix.
func hasTextPrefix(sel, prefix string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", sel, err)
		}
		if got = strings.Join(strings.Fields(got), " "); !strings.HasPrefix(got, prefix) {
			return fmt.Errorf("%s shows %q, want it to start with %q", sel, got, prefix)
		}
		return nil
	})
}

// hasValue checks the value of a form field.
func hasValue(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Value(chromedp.CSS(sel))(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", sel, err)
		}
		if got != want {
			return fmt.Errorf("%s holds %q, want %q", sel, got, want)
		}
		return nil
	})
}

// overflow is what noSideScroll measures.
type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	Wide        []string `json:"wide"`
}

// overflowJS measures the page and names the elements that reach past the right edge (a
// few, outermost first), so a failure says what to fix.
var overflowJS = fmt.Sprintf(`(() => {
	const w = %d, wide = [];
	const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
		(e.classList.length ? '.' + [...e.classList].join('.') : '');
	for (const e of document.body.querySelectorAll('*')) {
		const r = e.getBoundingClientRect();
		// An element past the edge, or one whose content spills past it (text or a
		// child wider than its box); of nested ones the innermost is named.
		const spills = e.scrollWidth > w + 0.5 && getComputedStyle(e).overflowX === 'visible';
		if (r.right > w + 0.5 || spills) {
			for (let i = wide.length - 1; i >= 0; i--) {
				if (wide[i].el.contains(e)) wide.splice(i, 1);
			}
			wide.push({el: e, text: name(e) + ' (right edge at ' + Math.round(r.right) + ' px, content ' + e.scrollWidth + ' px wide)'});
		}
	}
	return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5).map(x => x.text)};
})()`, phoneWidth)

// noSideScroll checks that the page does not scroll sideways on the phone: the document
// is no wider than the viewport.
func noSideScroll() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		o, err := chromedp.Evaluate[overflow](overflowJS)(ctx, t)
		if err != nil {
			return err
		}
		if o.ScrollWidth > phoneWidth {
			return fmt.Errorf("the page is %d px wide at %d px and scrolls sideways; too wide: %s",
				o.ScrollWidth, phoneWidth, strings.Join(o.Wide, ", "))
		}
		return nil
	})
}

// Steps that several journeys share.

// logIn signs in through the login form and checks the landing page.
func (b *tab) logIn(username, password, home string) {
	b.t.Helper()
	b.logInWithin(stepTimeout, username, password, home)
}

// logInWithin is logIn whose last step, the landing page, has a time limit of its own: the
// leader's dashboard over a year of history is the slowest page of all under the race
// detector on a busy CI machine (BenchmarkLeaderDashboard: about 0.1 s without it).
func (b *tab) logInWithin(limit time.Duration, username, password, home string) {
	b.t.Helper()
	b.step("open the login page", b.open("/login"), hasText("h1", "Đăng nhập"))
	b.step("type the username and password as "+username,
		typeInto("#username", username), typeInto("#password", password))
	b.stepWithin(limit, "submit the login form", follow(`main form button[type="submit"]`), atPath(home))
}

// logOut signs out with the header's button and checks that the session is gone.
func (b *tab) logOut(home string) {
	b.t.Helper()
	b.step("log out with the header button", follow(`header form[action="/logout"] button`), atPath("/"),
		hasText("header nav a[href='/login']", "Đăng nhập"))
	b.step("the home page asks for a login again", b.open(home), atPath("/login"))
}
