package e2e

import (
	"context"
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
)

// shellBudget is what the app shell may weigh: the bytes the service worker keeps on
// install (issue 20: ≤ 100 KB).
const shellBudget = 100 << 10

// shellWeight is what shellJS measures.
type shellWeight struct {
	Caches []string `json:"caches"`
	Files  []string `json:"files"`
	Bytes  int      `json:"bytes"`
}

// shellJS waits for the service worker to be active, then sums the bytes of what it
// kept on install (its one xaso-shell-… cache).
const shellJS = `(async () => {
	await navigator.serviceWorker.ready;
	const names = (await caches.keys()).filter(k => k.startsWith('xaso-shell-'));
	const out = {caches: names, files: [], bytes: 0};
	if (names.length !== 1) return out;
	const c = await caches.open(names[0]);
	for (const req of await c.keys()) {
		const n = (await (await c.match(req)).arrayBuffer()).byteLength;
		out.files.push(new URL(req.url).pathname + ' ' + n + ' B');
		out.bytes += n;
	}
	return out;
})()`

// citizenAppOffline: the portal is installable (Chromium's own installability check,
// read through DevTools, finds nothing missing), its app shell weighs ≤ 100 KB; the demo
// citizen files a dossier, sees its receipt page and its look-up page, and with the
// network cut the look-up page reloads from the phone with its heading and code, the
// receipt page and "Hồ sơ của tôi" open, and a page never seen gives the offline page.
func citizenAppOffline(b *tab) {
	b.step("open the portal and wait for the service worker", b.open("/"),
		hasText("main h1", "Cổng dịch vụ công Xã Yên Từ"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			w, err := chromedp.Evaluate[shellWeight](shellJS, chromedp.EvalAwaitPromise)(ctx, t)
			if err != nil {
				return err
			}
			if len(w.Caches) != 1 {
				return fmt.Errorf("app shell caches %v, want one xaso-shell-…", w.Caches)
			}
			b.t.Logf("the app shell weighs %d B:\n\t%s", w.Bytes, strings.Join(w.Files, "\n\t"))
			if w.Bytes == 0 || len(w.Files) < 8 {
				return fmt.Errorf("the app shell holds %d files, %d B: %v", len(w.Files), w.Bytes, w.Files)
			}
			if w.Bytes > shellBudget {
				return fmt.Errorf("the app shell weighs %d B, over the %d B budget: %v", w.Bytes, shellBudget, w.Files)
			}
			return nil
		}))
	installed := b.site.newProfileTab(b.t)
	installed.step("Chromium finds the portal installable", installed.open("/"), hasText("main h1", "Cổng dịch vụ công Xã Yên Từ"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			res, err := cdp.Call(ctx, t, page.GetInstallabilityErrors, cdp.Empty{})
			if err != nil {
				return err
			}
			var errs []string
			for _, e := range res.InstallabilityErrors {
				var args []string
				for _, a := range e.ErrorArguments {
					args = append(args, a.Name+"="+a.Value)
				}
				errs = append(errs, e.ErrorID+" "+strings.Join(args, ","))
			}
			if len(errs) > 0 {
				return fmt.Errorf("installability errors: %s", strings.Join(errs, "; "))
			}
			m, err := cdp.Call(ctx, t, page.GetAppManifest, page.GetAppManifestParams{})
			if err != nil {
				return err
			}
			if len(m.Errors) > 0 || !strings.HasSuffix(m.URL, "/manifest.webmanifest") {
				return fmt.Errorf("manifest %s: errors %+v", m.URL, m.Errors)
			}
			return nil
		}))

	b.logIn("congdan", demo.Password, "/account")
	b.step("file a dossier online", b.open("/nop-ho-so/2.000635"), atPath("/nop-ho-so/2.000635"))
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
	receipt := b.location()
	b.step("open Hồ sơ của tôi", b.open("/account"), hasText("main h1", "Xin chào, Nguyễn Văn An"))
	// The receipt's address ends with the dossier's code; the list holds the demo
	// citizen's other dossiers too, ordered by urgency, so the one just filed is found by
	// its link, not by its place.
	code := receipt[strings.LastIndexByte(receipt, '/')+1:]
	item := `ul[aria-labelledby="ho-so"] li.item h3 a[href*="/` + code + `?"]`
	b.step("find it in Hồ sơ của tôi", hasText(item, code))
	b.step("open the dossier's page", follow(item), hasText("main h1", "Hồ sơ "+code))
	dossierPage := b.location()

	b.step("cut the network", b.setOffline(true), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// Proof that the network is cut: the page says so, and the server cannot be
		// reached, by the page or by the service worker.
		const js = `(async () => {
			const reached = u => fetch(u, {cache: 'no-store'}).then(() => true, () => false);
			return {online: navigator.onLine, page: await reached('/healthz'),
				worker: navigator.serviceWorker.controller !== null};
		})()`
		st, err := chromedp.Evaluate[struct{ Online, Page, Worker bool }](js, chromedp.EvalAwaitPromise)(ctx, t)
		switch {
		case err != nil:
			return err
		case st.Online || st.Page:
			return fmt.Errorf("the network is not cut: %+v", st)
		case !st.Worker:
			return fmt.Errorf("the service worker does not control the page")
		}
		return nil
	}))
	b.step("reload the dossier's page offline", chromedp.Reload(), hasText("main h1", "Hồ sơ "+code), noSideScroll(), b.keep("dossier-offline"))
	b.step("open the receipt page offline", chromedp.Navigate(receipt), hasText("main h1", "Đã nộp hồ sơ"),
		hasTextContaining("main", code))
	b.step("open Hồ sơ của tôi offline", chromedp.Navigate(b.site.url+"/account"), hasText("main h1", "Xin chào, Nguyễn Văn An"),
		hasText(item, code))
	b.step("a page never seen shows the offline page", chromedp.Navigate(b.site.url+"/cong-khai"),
		hasText("main h1", "Không có kết nối mạng"), noSideScroll(), b.keep("offline"))
	b.step("the dossier's page again", chromedp.Navigate(dossierPage), hasText("main h1", "Hồ sơ "+code))

	// Logging out drops the kept pages: the next person on the phone finds none.
	b.step("the network comes back", b.setOffline(false), b.open("/account"), hasText("main h1", "Xin chào, Nguyễn Văn An"))
	b.logOut("/account")
	b.step("cut the network again", b.setOffline(true))
	for _, p := range []string{dossierPage, receipt, b.site.url + "/account"} {
		b.step("nothing kept after logging out: "+strings.TrimPrefix(p, b.site.url), chromedp.Navigate(p),
			hasText("main h1", "Không có kết nối mạng"))
	}
}

// setOffline cuts the network or brings it back. It is cut twice: DevTools puts the
// page offline (navigator.onLine turns false, the page's own requests fail), but
// Chromium's emulation does not reach the service worker's fetches, so the site also
// drops every connection.
func (b *tab) setOffline(offline bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: ptr(offline),
			MatchedNetworkConditions:    []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
		})
		if err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline,
			DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
			return err
		}
		b.site.down.Store(offline)
		return nil
	})
}

func ptr[T any](v T) *T { return &v }
