package e2e

import (
	"context"
	"fmt"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
)

// visitSentJS waits until the one visit queued on the phone has been sent.
const visitSentJS = `(async () => {` + queueJS + `
	for (;;) {
		const recs = await queued();
		if (recs.length === 1 && recs[0].state === 'sent') return recs[0].state;
		if (recs.length !== 1 || recs[0].state !== 'waiting') throw new Error('queue: ' + JSON.stringify(recs.map(r => r.state)));
		await new Promise(r => setTimeout(r, 50));
	}
})()`

// visitsJS is how many visits the volunteer has recorded, as the API counts them.
const visitsJS = `fetch('/api/v1/community/visits?limit=1', {credentials: 'same-origin'}).then(r => r.json()).then(o => o.total)`

// volunteerOfflineVisit (issue 21): the village's volunteer records a visit on
// /cong-dong with the network cut; the citizen app keeps it on the phone, lists it as
// waiting and clears the form for the next one. With the network back it is sent with
// the phone's key; the same record replayed twice more still makes one visit.
func volunteerOfflineVisit(b *tab) {
	b.logIn("tocongnghe", demo.Password, "/cong-dong")
	var before int
	b.step("count my visits and wait for the app", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise)(ctx, t); err != nil {
			return err
		}
		n, err := chromedp.Evaluate[int](visitsJS, chromedp.EvalAwaitPromise)(ctx, t)
		before = n
		return err
	}))
	b.step("fill the visit", chromedp.SetValue(chromedp.CSS("#v-households"), "5"), chromedp.SetValue(chromedp.CSS("#v-installs"), "2"),
		chromedp.SetValue(chromedp.CSS("#v-accounts"), "1"), chromedp.SetValue(chromedp.CSS("#v-note"), "Xóm Bắc"))
	b.step("cut the network", b.setOffline(true))
	b.step("save the visit without connection", chromedp.Click(chromedp.CSS(`#ghi-nhan button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#nop-offline")),
		hasText("#nop-offline", "Chưa có mạng: đã lưu trên máy và sẽ tự gửi khi có mạng. Xem mục chờ gửi"),
		chromedp.WaitVisible(chromedp.CSS("#cho-gui li.queued-waiting")), hasTextContaining("#cho-gui li.queued-waiting", "Chuyến thăm hộ dân"),
		hasValue("#v-households", ""), atPath("/cong-dong"), noSideScroll(), b.keep("queued"))
	b.step("keep a copy of the queued visit", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		n, err := chromedp.Evaluate[int](`(async () => {`+queueJS+`
			const recs = await queued(); window.keptVisit = recs[0]; return recs.length; })()`, chromedp.EvalAwaitPromise)(ctx, t)
		if err == nil && n != 1 {
			err = fmt.Errorf("%d records queued, want 1", n)
		}
		return err
	}))
	b.step("the network comes back: the visit is sent", b.setOffline(false), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[string](`window.dispatchEvent(new Event('online')), `+visitSentJS, chromedp.EvalAwaitPromise)(ctx, t)
		return err
	}))
	for i := 2; i <= 3; i++ {
		b.step(fmt.Sprintf("replay %d: the same visit queued again and sent", i), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[string](`(async () => {`+queueJS+`
				await req((await queue('readwrite')).put(window.keptVisit));
				window.dispatchEvent(new Event('online'));
			})().then(() => `+visitSentJS+`)`, chromedp.EvalAwaitPromise)(ctx, t)
			return err
		}))
	}
	b.step("three sends made one visit", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		n, err := chromedp.Evaluate[int](visitsJS, chromedp.EvalAwaitPromise)(ctx, t)
		if err == nil && n != before+1 {
			err = fmt.Errorf("%d visits, %d before: want one more", n, before)
		}
		return err
	}))
	b.step("the page lists it sent and counts it", b.open("/cong-dong"), chromedp.WaitVisible(chromedp.CSS("#cho-gui li.queued-sent")),
		hasTextContaining("#cho-gui li.queued-sent", "Đã gửi."), hasTextPrefix("#totals", fmt.Sprintf("%d chuyến", before+1)),
		noSideScroll(), b.keep("sent"))
}
