package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// broadcastOperator: the unit administrator opens the Truyền thanh tab, adds a cluster of
// speakers, registers a speaker and sees its token once, and uploads a recorded bulletin
// (a WAV) to play once later today; the leader, in a browser of their own, approves it,
// and the day's timeline of the cluster shows it, on the leader's page and on the
// administrator's. Every page fits the phone.
func broadcastOperator(b *tab) {
	if _, err := audio.Find(); err != nil {
		testtool.Missing(b.t, "ffmpeg is not installed: the bulletin's sound cannot be converted", "apt-get install ffmpeg")
	}
	wav := filepath.Join(b.t.TempDir(), "thong-bao.wav")
	if err := os.WriteFile(wav, audio.Tone(2, 16000), 0o600); err != nil {
		b.t.Fatal(err)
	}
	// Later today, as the commune's clock reads: the timeline shows today.
	now := time.Now().In(locale.Zone)
	at := now.Add(10 * time.Minute).Truncate(time.Minute)
	if at.Day() != now.Day() {
		at = time.Date(now.Year(), now.Month(), now.Day(), 23, 59, 0, 0, locale.Zone)
	}
	const title = "Thông báo lịch tiêm phòng cho gia súc"

	b.logIn("quantri", demo.Password, "/admin")
	b.step("open the Truyền thanh tab", follow(`header nav.tabs a[href="/office/truyen-thanh"]`), atPath("/office/truyen-thanh"),
		hasText("main h1", "Truyền thanh cơ sở"), hasText(`header nav.tabs a[aria-current="page"]`, "Truyền thanh"),
		noSideScroll(), b.keep("broadcast-empty"))
	b.step("add a cluster", typeInto("#cl-name", "Thôn Quảng Từ"), typeInto("#cl-code", "quang-tu"),
		follow(`form[action="/office/truyen-thanh/cum-loa"] button[type="submit"]`), atPath("/office/truyen-thanh"),
		hasText(".flash", "Đã thêm cụm loa «Thôn Quảng Từ»."), hasText(`section[aria-labelledby="cum-loa"] li`, "Thôn Quảng Từ (quang-tu)"),
		noSideScroll())
	b.step("register a speaker", typeInto("#sp-name", "Loa nhà văn hóa thôn Quảng Từ"), choose("#sp-cluster", "Thôn Quảng Từ"),
		follow(`form[action="/office/truyen-thanh/loa"] button[type="submit"]`), atPath("/office/truyen-thanh/loa"),
		hasText("#ma-loa", "Đã đăng ký loa «Loa nhà văn hóa thôn Quảng Từ»"), tokenShown("#speaker-token"),
		hasText(`section[aria-labelledby="loa"] tbody td`, "Loa nhà văn hóa thôn Quảng Từ"),
		hasText(`section[aria-labelledby="loa"] tr.urgent td:last-child`, "Chưa kết nối"),
		noSideScroll(), b.keep("broadcast-token"))
	b.step("the token is shown once: not on the page again", b.open("/office/truyen-thanh"), absent("#speaker-token"))
	b.step("write a bulletin with a recorded sound", typeInto("#bt-title", title),
		chromedp.SetUploadFiles("#bt-audio", []string{wav}),
		chromedp.Click(chromedp.CSS(`input[name="cluster"]`)), chromedp.Click(chromedp.CSS("#bt-kind-once")),
		chromedp.SetValue(chromedp.CSS("#bt-at"), at.Format("2006-01-02T15:04")))
	b.step("save it", follow(`form[action="/office/truyen-thanh/ban-tin"] button[type="submit"]`), atPath("/office/truyen-thanh"),
		hasText(".flash", "Đã lưu bản tin «"+title+"»; bản tin phát khi lãnh đạo duyệt."),
		hasText(`section[aria-labelledby="ban-tin"] li .status`, "Chờ duyệt"),
		hasText(`section[aria-labelledby="hom-nay"] p.no-slots`, "Hôm nay cụm loa này không có bản tin."), noSideScroll())

	leader := b.site.newTab(b.t, false)
	leader.logInWithin(time.Minute, "lanhdao", demo.Password, "/office/tong-quan")
	leader.step("open the Truyền thanh tab", follow(`header nav.tabs a[href="/office/truyen-thanh"]`), atPath("/office/truyen-thanh"),
		hasText("main h1", "Truyền thanh cơ sở"), hasText(`section[aria-labelledby="ban-tin"] li strong`, title), noSideScroll())
	leader.step("approve the bulletin", follow(`form[action$="/duyet"] button[type="submit"]`), atPath("/office/truyen-thanh"),
		hasText(".flash", "Đã duyệt bản tin «"+title+"»; bản tin phát theo lịch."),
		hasText(`section[aria-labelledby="ban-tin"] li .status`, "Đã duyệt, đang phát theo lịch"),
		absent(`form[action$="/duyet"]`))
	// The sound lasts about two seconds (as ffmpeg measures it): the start is exact.
	slot := at.Format("15:04") + ":00–" + at.Format("15:04") + ":0"
	timeline := `section[aria-labelledby="hom-nay"] tbody tr`
	leader.step("the day's timeline shows it", hasTextPrefix(timeline+" td:nth-child(1)", slot), hasText(timeline+" td:nth-child(2)", title),
		hasText(timeline+" td:nth-child(3)", "Thường"), noSideScroll(), leader.keep("broadcast-approved"), leader.tour("broadcast"))
	b.step("the administrator's page shows it too", b.open("/office/truyen-thanh"), hasText(timeline+" td:nth-child(2)", title),
		hasText(`section[aria-labelledby="ban-tin"] li .status`, "Đã duyệt, đang phát theo lịch"), absent(`form[action$="/duyet"]`),
		noSideScroll())
}

// tokenShown checks that the element sel finds shows a speaker's token: a long code.
func tokenShown(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", sel, err)
		}
		if len(got) < 20 {
			return fmt.Errorf("%s shows %q, not a token", sel, got)
		}
		return nil
	})
}

// absent checks that nothing on the page matches sel.
func absent(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		n, err := chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))(ctx, t)
		if err != nil {
			return err
		}
		if n != 0 {
			return fmt.Errorf("%d elements match %s, want none", n, sel)
		}
		return nil
	})
}
