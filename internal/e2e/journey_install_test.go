package e2e

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/demo"
)

// citizenAppCountsInstall: a phone comes to the help form from the fifth village's QR
// poster; when the browser says the app was installed, the app makes its random id,
// keeps it on the phone and reports it once (docs/COMMUNITY.md): the server holds the
// id's hash, set up for that village, and a second "installed" or a reload counts
// nothing more.
func citizenAppCountsInstall(b *tab) {
	ctx := context.Background()
	u, err := b.site.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		b.t.Fatal(err)
	}
	village, err := b.site.st.CommunityVillages(ctx, u.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	v := village[4]
	// The village's installs first seen from an hour ago: their hashes' first digits.
	q := community.RowQuery{UnitID: u.ID, VillageID: v.ID, Indicator: "app_installs_counted", Part: community.Numerator,
		From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)}
	rows := func() []community.DXRow {
		got, _, _, err := b.site.st.DXRows(ctx, q)
		if err != nil {
			b.t.Fatal(err)
		}
		return got
	}
	counted := func() (int, bool) { n := len(rows()); return n, n > 0 }
	if n, _ := counted(); n != 0 {
		b.t.Fatalf("%d installs before", n)
	}
	installed := chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('appinstalled'))`)
	b.step("open the help form from the village's poster", b.open("/ho-tro?thon="+v.Code), hasText("main h1", "Nhờ tổ công nghệ số hỗ trợ"))
	b.step("the browser installs the app", installed)
	waitFor(b, "the install counted", counted)
	var id string
	b.step("the phone keeps its id, marked sent", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		const js = `(() => { const s = JSON.parse(localStorage.getItem('xaso-install') || '{}'); return s.sent === true ? s.id : ''; })()`
		for range 50 {
			got, err := chromedp.Evaluate[string](js)(ctx, t)
			if err != nil {
				return err
			}
			if got != "" {
				id = got
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		return fmt.Errorf("the install id is not marked sent")
	}))
	if got := rows(); len(id) != 32 || len(got) != 1 || got[0].Code != community.InstallHash(id)[:12] || got[0].Detail != v.Name {
		b.t.Fatalf("the phone's id %q: kept %+v", id, got)
	}
	// Installed again and reloaded: the phone's id, already counted, is answered 200 and
	// counts nothing more.
	b.step("installed again, and reloaded", installed, b.open("/"), hasText("main h1", "Cổng dịch vụ công Xã Yên Từ"), installed,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			js := `fetch('/api/v1/app/installs', {method: 'POST', credentials: 'omit', headers: {'Content-Type': 'application/json'},
				body: JSON.stringify({install_id: ` + "`" + `${JSON.parse(localStorage.getItem('xaso-install')).id}` + "`" + `, village: '` + v.Code + `'})}).then(r => r.status)`
			status, err := chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise)(ctx, t)
			if err != nil {
				return err
			}
			if status != 200 {
				return fmt.Errorf("the same id again: %d", status)
			}
			return nil
		}))
	if n, _ := counted(); n != 1 {
		b.t.Fatalf("%d installs counted for one phone", n)
	}
}
