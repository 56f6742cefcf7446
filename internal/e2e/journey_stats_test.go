package e2e

import (
	"net/http/httptest"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/webtest"
)

// leaderStats: the leader opens the Thống kê tab, asks for 2021 by channel and reads the
// pilot's figures — 2,094 received, 26.1% online, 43.9% early, 56.1% on time, none late —
// on a page that fits the phone, charts included; then picks a preset period. It runs on a
// site of its own that has the demo's 2021 history.
func leaderStats(b *tab) {
	srv, _ := webtest.NewWith(b.t, demo.Options{History: true, Payments: true})
	ts := httptest.NewServer(srv)
	b.t.Cleanup(ts.Close)
	b = (&site{url: ts.URL}).newTab(b.t, false)
	b.logInWithin(time.Minute, "lanhdao", demo.Password, "/office/tong-quan")
	b.step("read the dashboard", hasText("main h1", "Tổng quan"),
		chromedp.WaitVisible(chromedp.CSS(`svg[role="img"][aria-labelledby="theo-thang-t theo-thang-d"]`)),
		chromedp.WaitVisible(chromedp.CSS("#overdue-now")), noSideScroll(), b.keep("dashboard"))
	b.step("find a dossier from the header", typeInto("#tim-nhanh", "nguyen van an"), follow(`form.quick-search button`),
		hasText("main h1", "Tìm hồ sơ"), hasTextPrefix("#ket-qua", "Tìm thấy "), noSideScroll(), b.keep("search"))
	b.step("open the Thống kê tab", follow(`header nav.tabs a[href="/office/thong-ke"]`), atPath("/office/thong-ke"),
		hasText("main h1", "Thống kê"), hasText(`header nav.tabs a[aria-current="page"]`, "Thống kê"), noSideScroll())
	b.step("ask for 2021 by channel", chromedp.SetValue(chromedp.CSS("#from"), "2021-01-01"),
		chromedp.SetValue(chromedp.CSS("#to"), "2021-12-31"), chromedp.SetValue(chromedp.CSS("#by"), "channel"),
		follow(`main form.stats-form button[type="submit"]`),
		atPath("/office/thong-ke?unit="+demo.CommuneCode+"&from=2021-01-01&to=2021-12-31&by=channel"))
	b.step("read the pilot's 2021", hasText("#stat-received", "2.094"), hasText("#stat-online-rate", "26,1%"),
		hasText("#stat-early-rate", "43,9%"), hasText("#stat-on-time-rate", "56,1%"), hasText("#stat-late", "0 (0,0%)"),
		chromedp.WaitVisible(chromedp.CSS(`svg[role="img"][aria-labelledby="da-giai-quyet-t da-giai-quyet-d"]`)),
		chromedp.WaitVisible(chromedp.CSS(`svg[role="img"][aria-labelledby="chi-so-theo-thang-t chi-so-theo-thang-d"]`)),
		noSideScroll(), b.keep("stats-2021"))
	b.step("the public results of 2021, charted", b.open("/cong-khai?year=2021"), hasText("main h1", "Công khai kết quả giải quyết hồ sơ năm 2021"),
		hasTextContaining("main dl.facts", "2.094 (trực tuyến 26,1%)"),
		chromedp.WaitVisible(chromedp.CSS(`svg[role="img"][aria-labelledby="cong-khai-theo-thang-t cong-khai-theo-thang-d"]`)),
		noSideScroll(), b.keep("cong-khai-2021"))
	b.step("pick this year", b.open("/office/thong-ke"), follow(`main ul.presets a[href*="from="]:nth-of-type(1)`), hasText("main h1", "Thống kê"),
		chromedp.WaitVisible(chromedp.CSS("#stat-received")), noSideScroll())
}
