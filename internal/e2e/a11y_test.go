package e2e

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// axeTags are the axe-core rule tags CI enforces: WCAG 2.0 and 2.1, levels A and AA.
// .ci/browser.sh passes the same list to @axe-core/cli.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// a11yPages are the pages axe-core checks in the browser, as whom, and what to do on the
// page first (nil: nothing). Public pages are also checked by @axe-core/cli in
// .ci/browser.sh; the office pages can only be reached here, after login.
var a11yPages = []struct {
	name, user, path string
	status           int // of the page; 0 means 200
	then             func(b *tab)
}{
	{name: "portal", path: "/"},
	{name: "login", path: "/login"},
	{name: "login-error", path: "/login", then: func(b *tab) {
		b.step("submit a wrong password", typeInto("#username", "motcua"), typeInto("#password", "sai"),
			follow(`main form button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`)))
	}},
	{name: "not-found", path: "/khong-co-trang-nay", status: http.StatusNotFound},
	{name: "account", user: "congdan", path: "/account"},
	{name: "offline", path: "/ngoai-tuyen"},
	{name: "telehealth-slots", path: "/kham-tu-xa"},
	{name: "station", user: "tramyte", path: "/tram-y-te"},
	{name: "office", user: "motcua", path: "/office"},
	{name: "certifications", user: "motcua", path: "/office/certifications", then: func(b *tab) {
		// Filled in at once: typing key by key takes seconds a word on a busy 2-core machine.
		b.step("record a copy of 0 pages", chromedp.Evaluate[chromedp.Void](`document.querySelector("#cert-pages").value = "0";
			document.querySelector("#cert-document").value = "Giấy khai sinh";
			document.querySelector("#cert-requester").value = "Nguyễn Văn An"`),
			follow(`form[method="post"][action^="/office/certifications"] button[type="submit"]`),
			hasText("#cert-pages-error", "Lỗi: Số trang phải là số nguyên từ 1 đến 10.000."))
	}},
	{name: "certification-reconciliation", user: "ketoan", path: "/office/certifications/reconciliation"},
	{name: "mail", user: "vanthu", path: "/office/mail"},
	{name: "mail-message", user: "vanthu", path: "/office/mail", then: func(b *tab) {
		addLetter(b)
		b.step("open the letter", b.open("/office/mail"), follow(`main ul.items a`), hasText("main h1",
			"Công văn số 215/UBND-VP về việc tổng kết chuyển đổi số năm 2026"))
	}},
	{name: "broadcast", user: "lanhdao", path: "/office/truyen-thanh"},
	{name: "broadcast-timeline", user: "vanhoa", path: "/office/truyen-thanh/lich"},
	{name: "announcements-office", user: "lanhdao", path: "/office/thong-bao", then: func(b *tab) {
		b.step("write an announcement and publish it", chromedp.Evaluate[chromedp.Void](`document.querySelector("#tb-title").value = "Lịch tiêm phòng dại cho chó, mèo";
			document.querySelector("#tb-body").value = "Sáng thứ Bảy, tại nhà văn hóa các thôn."`),
			follow(`form[action="/office/thong-bao"] button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS(".flash")),
			follow(`form[action$="/dang"] button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS(".flash")))
		b.step("the page fits the phone's width", noSideScroll())
	}},
	{name: "announcements", path: "/thong-bao"},
	{name: "broadcast-full", user: "quantri", path: "/office/truyen-thanh", then: func(b *tab) {
		// A cluster, a bulletin on today's timeline waiting for approval, and the page
		// that shows a new speaker's token: every part of the page filled.
		if _, err := audio.Find(); err != nil {
			testtool.Missing(b.t, "ffmpeg is not installed: the bulletin's sound cannot be converted", "apt-get install ffmpeg")
		}
		wav := filepath.Join(b.t.TempDir(), "a11y.wav")
		if err := os.WriteFile(wav, audio.Tone(1, 16000), 0o600); err != nil {
			b.t.Fatal(err)
		}
		b.step("add a cluster", chromedp.SetValue(chromedp.CSS("#cl-name"), "Thôn Yên Thổ"), chromedp.SetValue(chromedp.CSS("#cl-code"), "a11y-yen-tho"),
			follow(`form[action="/office/truyen-thanh/cum-loa"] button[type="submit"]`), atPath("/office/truyen-thanh"))
		b.step("write a bulletin", chromedp.SetValue(chromedp.CSS("#bt-title"), "Thông báo thử"), chromedp.SetUploadFiles("#bt-audio", []string{wav}),
			chromedp.Click(chromedp.CSS(`input[name="cluster"]`)),
			chromedp.SetValue(chromedp.CSS("#bt-at"), time.Now().In(locale.Zone).Format("2006-01-02T15:04")),
			follow(`form[action="/office/truyen-thanh/ban-tin"] button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS(".flash")))
		b.step("register a speaker", chromedp.SetValue(chromedp.CSS("#sp-name"), "Loa thử"),
			follow(`form[action="/office/truyen-thanh/loa"] button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS("#speaker-token")))
	}},
	{name: "admin", user: "quantri", path: "/admin"},
	{name: "audit", user: "quantri", path: "/admin/audit"},
	{name: "audit-system", user: "admin", path: "/admin/audit"},
	{name: "calendar", user: "quantri", path: "/admin/calendar"},
	{name: "stats", user: "lanhdao", path: "/office/thong-ke?by=procedure"},
	{name: "dashboard", user: "lanhdao", path: "/office/tong-quan"},
	{name: "dx", user: "lanhdao", path: "/office/chuyen-doi-so?nam=2021&thon=14731-02"},
	{name: "dx-indicator", user: "lanhdao", path: "/office/chuyen-doi-so/app_installs_counted?nam=2021&limit=10"},
	// The community (issue 21): the villages with each member's training and end forms,
	// the volunteer's page with its visit form, the public help form from a poster.
	{name: "villages", user: "lanhdao", path: "/office/thon"},
	{name: "volunteer", user: "tocongnghe", path: "/cong-dong"},
	{name: "help-form", path: "/ho-tro?thon=14731-01"},
	{name: "search", user: "motcua", path: "/office/dossiers?q=nguyen+van+an"},
	{name: "search-error", user: "motcua", path: "/office/dossiers?from=31%2F02%2F2026x", status: http.StatusUnprocessableEntity},
	{name: "transparency", path: "/cong-khai"},
	{name: "verify-code", path: "/xac-thuc?ma=000.31.37.H45-260101-9999-KQ1"},
	{name: "calendar-system", user: "admin", path: "/admin/calendar"},
	{name: "admin-procedures", user: "quantri", path: "/admin/procedures?q=khai+sinh"},
	{name: "admin-procedures-system", user: "admin", path: "/admin/procedures?q=ket+hon"},
	{name: "admin-procedures-import-errors", user: "quantri", path: "/admin/procedures?q=khai+tu", then: func(b *tab) {
		file := filepath.Join(b.t.TempDir(), "danh-muc.json")
		if err := os.WriteFile(file, []byte(`{"schema": "xaso.catalog/v1", "procedures": [{"code": "1.001193", "name": ""}]}`), 0o600); err != nil {
			b.t.Fatal(err)
		}
		b.step("send a catalog file with mistakes", chromedp.SetUploadFiles("#file", []string{file}),
			follow(`#nhap-danh-muc button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`)))
	}},
	{name: "admin-procedure-new", user: "quantri", path: "/admin/procedures/new"},
	{name: "admin-procedure-errors", user: "quantri", path: "/admin/procedures/new", then: func(b *tab) {
		b.step("fill a fee wrongly and save", typeInto("#fees-0-name", "Lệ phí"), typeInto("#fees-0-amount", "-1"),
			follow("#save"), chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`)))
	}},
	{name: "admin-procedure-edit", user: "quantri", path: "/admin/procedures/1.001193/edit"},
	{name: "admin-procedure-versions", user: "quantri", path: "/admin/procedures/1.001193/versions"},
	{name: "catalog", path: "/thu-tuc?q=khai+sinh"},
	{name: "procedure", path: "/thu-tuc/1.001193"},
	{name: "lookup", path: "/tra-cuu"},
	{name: "transparency", path: "/cong-khai"},
	{name: "verify", path: "/xac-thuc"},
	{name: "verify-code", path: "/xac-thuc?ma=H01.20-261126-0001-KQ1"},
	{name: "lookup-unknown", path: "/tra-cuu/000.31.37.H45-260101-9999", status: http.StatusNotFound},
	{name: "lookup-applicant", user: "congdan", path: "/account", then: func(b *tab) {
		b.step("open the citizen's dossier", follow(`main a[href^="/tra-cuu/"]`),
			chromedp.Click(chromedp.CSS("details#rut-ho-so summary")))
	}},
	{name: "file", user: "congdan", path: "/nop-ho-so/1.001193"},
	{name: "file-errors", user: "congdan", path: "/nop-ho-so/1.001193", then: func(b *tab) {
		b.step("send the form empty", follow(`main form.intake button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`)))
	}},
	{name: "file-assisted", user: "tocongnghe", path: "/nop-ho-so/1.001193"},
	{name: "account-volunteer", user: "tocongnghe", path: "/account"},
	{name: "receive", user: "motcua", path: "/office/receive?procedure=1.001193"},
	{name: "payments", user: "ketoan", path: "/office/payments", then: func(b *tab) {
		b.step("open a confirmation form", chromedp.Click(chromedp.CSS(`section[aria-labelledby="cho-nop"] details summary`)))
	}},
	{name: "admin-payments", user: "quantri", path: "/admin/payments"},
	{name: "admin-signing", user: "quantri", path: "/admin/signing"},
	{name: "admin-signing-system", user: "admin", path: "/admin/signing"},
	{name: "dossier", user: "motcua", path: "/office", then: func(b *tab) {
		b.step("open the first dossier of the inbox", follow(`main table a[href^="/office/dossiers/"]`))
	}},
	{name: "admin-floor", user: "quantri", path: "/admin/quay", then: func(b *tab) {
		b.step("open a kiosk's form", chromedp.Click(chromedp.CSS(`section[aria-labelledby="h-kiosks"] details summary`)))
		b.step("the page fits the phone's width", noSideScroll())
	}},
	{name: "dossier-assign", user: "lanhdao", path: "/office", then: func(b *tab) {
		b.step("open the first overdue dossier", follow(`section.group-qua-han table a[href^="/office/dossiers/"]`))
		b.step("open the assignment form", chromedp.Click(chromedp.CSS(`details#giao-xu-ly summary`)))
		b.step("the page fits the phone's width", noSideScroll())
	}},
	{name: "delegations", user: "chuyenvien", path: "/office/uy-quyen", then: func(b *tab) {
		b.step("the page fits the phone's width", noSideScroll())
	}},
	{name: "products", path: "/san-pham", then: func(b *tab) { b.step("the page fits the phone's width", noSideScroll()) }},
	{name: "product", path: "/san-pham/" + demo.ProductSlug, then: func(b *tab) { b.step("the page fits the phone's width", noSideScroll()) }},
	{name: "product-batch", path: "/01/" + demo.ProductGTIN + "/10/" + demo.ProductLot, then: func(b *tab) {
		b.step("the page fits the phone's width", noSideScroll())
	}},
	{name: "product-bad-link", path: "/01/08934563000012/10/X", status: http.StatusBadRequest},
	{name: "products-office", user: "chuyenvien", path: "/office/san-pham", then: func(b *tab) {
		b.step("open the form to add a product", chromedp.Click(chromedp.CSS(`main details summary`)), noSideScroll())
	}},
	{name: "product-office", user: "chuyenvien", path: "/office/san-pham", then: func(b *tab) {
		b.step("open the product", follow(`#t-products a[href^="/office/san-pham/"]`), noSideScroll())
	}},
	{name: "product-label", user: "chuyenvien", path: "/office/san-pham", then: func(b *tab) {
		b.step("open the product's batch label", follow(`#t-products a[href^="/office/san-pham/"]`),
			follow(`#t-batches a[href$="/nhan"]`), chromedp.WaitVisible(chromedp.CSS("#label-qr svg")))
	}},
}

func TestAccessibility(t *testing.T) {
	needBrowser(t)
	src := axeSource(t)
	s := newSite(t) // the pages change nothing, so they share one site
	for _, p := range a11yPages {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			b := s.newTab(t, false)
			if p.user != "" {
				b.logIn(p.user, demo.Password, homeOf(t, p.user))
			}
			b.step("open "+p.path, b.openStatus(p.path, cmp.Or(p.status, http.StatusOK)))
			if p.then != nil {
				p.then(b)
			}
			// axe-core takes seconds on a long page (the calendar's 12 months) of a busy
			// 2-core machine.
			b.stepWithin(2*time.Minute, "axe-core finds no WCAG 2.1 A/AA violation", axeClean(src))
		})
	}
}

var axeJS struct {
	once sync.Once
	src  string
	err  error
}

// axeSource reads npm axe-core's axe.min.js: $XASO_AXE_JS, or tools/axe's node_modules.
func axeSource(t *testing.T) string {
	t.Helper()
	axeJS.once.Do(func() {
		path := os.Getenv("XASO_AXE_JS")
		if path == "" {
			path = filepath.Join("..", "..", "tools", "axe", "node_modules", "axe-core", "axe.min.js")
		}
		b, err := os.ReadFile(path)
		if err != nil {
			axeJS.err = fmt.Errorf("axe-core is not installed (%w); or set XASO_AXE_JS to an axe.min.js", err)
			return
		}
		axeJS.src = string(b)
	})
	if axeJS.err != nil {
		testtool.Missing(t, axeJS.err.Error(), "CHROMEDRIVER_SKIP_DOWNLOAD=true npm ci --prefix tools/axe (at the top of the repository)")
	}
	return axeJS.src
}

// axeResult is the part of axe.run's result the test reports.
type axeResult struct {
	TestEngine struct {
		Version string `json:"version"`
	} `json:"testEngine"`
	Violations []struct {
		ID      string `json:"id"`
		Impact  string `json:"impact"`
		Help    string `json:"help"`
		HelpURL string `json:"helpUrl"`
		Nodes   []struct {
			Target         []any  `json:"target"`
			HTML           string `json:"html"`
			FailureSummary string `json:"failureSummary"`
		} `json:"nodes"`
	} `json:"violations"`
}

// axeClean injects axe-core into the page (once per document), runs it with the WCAG 2.1
// A/AA rules, and fails listing every violation: rule, impact, the elements' selectors.
func axeClean(src string) chromedp.Action[chromedp.Void] {
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	run := `axe.run(document, {runOnly: {type: "tag", values: ` + tags + `}, resultTypes: ["violations"]})`
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		loaded, err := chromedp.Evaluate[bool](`typeof axe === "object"`)(ctx, t)
		if err != nil {
			return err
		}
		if !loaded {
			if _, err := chromedp.Evaluate[chromedp.Void](src)(ctx, t); err != nil {
				return fmt.Errorf("inject axe-core: %w", err)
			}
		}
		res, err := chromedp.Evaluate[axeResult](run, chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return fmt.Errorf("axe.run: %w", err)
		}
		if len(res.Violations) == 0 {
			return nil
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d WCAG 2.1 A/AA rules violated (axe-core %s):", len(res.Violations), res.TestEngine.Version)
		for _, v := range res.Violations {
			fmt.Fprintf(&b, "\n  - %s (%s): %s — %s", v.ID, v.Impact, v.Help, v.HelpURL)
			for _, n := range v.Nodes {
				summary := strings.Join(strings.Fields(n.FailureSummary), " ")
				fmt.Fprintf(&b, "\n      at %s: %s\n        %s", targetString(n.Target), summary, n.HTML)
			}
		}
		return fmt.Errorf("%s", b.String())
	})
}

// targetString prints an axe target: a list of CSS selectors, with a nested list for an
// element inside a shadow root or an iframe.
func targetString(target []any) string {
	parts := make([]string, len(target))
	for i, p := range target {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, " » ")
}
