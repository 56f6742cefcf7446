package e2e

import (
	"context"
	"fmt"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
)

// queueJS opens the app's queue of filings on the phone (app.js: IndexedDB "xaso",
// store "nop") for the scripts below.
const queueJS = `const queue = mode => new Promise((ok, fail) => {
	const r = indexedDB.open('xaso', 1);
	r.onupgradeneeded = () => r.result.createObjectStore('nop', {keyPath: 'id'});
	r.onerror = () => fail(r.error);
	r.onsuccess = () => ok(r.result.transaction('nop', mode).objectStore('nop'));
});
const req = r => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
const queued = async () => req((await queue('readonly')).getAll());
`

// sentJS waits until every filing queued on the phone has been sent, and returns the
// code of the dossier the server answered with (a journey's step bounds the wait).
const sentJS = `(async () => {` + queueJS + `
	for (;;) {
		const recs = await queued();
		if (recs.length === 1 && recs[0].state === 'sent') return recs[0].code;
		if (recs.length !== 1 || recs[0].state !== 'waiting') throw new Error('queue: ' + JSON.stringify(recs.map(r => r.state)));
		await new Promise(r => setTimeout(r, 50));
	}
})()`

// totalJS is how many dossiers the citizen has, as the API's overview counts them.
const totalJS = `fetch('/api/v1/me/overview', {credentials: 'same-origin'}).then(r => r.json()).then(o => o.total)`

// citizenOfflineFiling: the demo citizen fills the filing form and sends it with the
// network cut; the app keeps it on the phone and says so. With the network back it is
// sent, with the key made on the phone. The same queued filing replayed twice more (put
// back in the queue as it was, and the replay set off) still makes one dossier, and
// "Hồ sơ của tôi" shows it sent, at 360 px.
func citizenOfflineFiling(b *tab) {
	b.logIn("congdan", demo.Password, "/account")
	var before int
	b.step("count my dossiers", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		n, err := chromedp.Evaluate[int](totalJS, chromedp.EvalAwaitPromise)(ctx, t)
		before = n
		return err
	}))
	b.step("open the filing form", b.open("/nop-ho-so/2.000635"), atPath("/nop-ho-so/2.000635"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise)(ctx, t)
			return err
		}))
	answers := [][2]string{{"#applicant-id_number", "037085001234"}, {"#applicant-phone", "0912345678"},
		{"#fields-event", "Khai sinh"}, {"#fields-subject_name", "Nguyễn Thị Bé"}, {"#fields-registration_place", "UBND xã Yên Từ"},
		{"#fields-copies", "1"}, {"#fields-requester_name", "Nguyễn Văn An"}, {"#fields-requester_id", "037085001234"},
		{"#fields-requester_phone", "0912345678"}}
	fill := []chromedp.Action[chromedp.Void]{}
	for _, a := range answers {
		fill = append(fill, chromedp.SetValue(chromedp.CSS(a[0]), a[1]))
	}
	b.step("answer the form", fill...)
	b.step("cut the network", b.setOffline(true))
	b.step("send the form without connection", chromedp.Click(chromedp.CSS(`form.intake button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#nop-offline")),
		hasText("#nop-offline", "Chưa có mạng: hồ sơ được lưu trên máy và sẽ tự gửi khi có mạng. Xem hồ sơ chờ gửi"),
		atPath("/nop-ho-so/2.000635"), noSideScroll(), b.keep("queued"))
	b.step("the filing waits on the phone with its own key", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// A copy of the queued record as it is, to put back for the replays below.
		st, err := chromedp.Evaluate[struct {
			N         int
			ID, State string
		}](`(async () => {`+queueJS+`
			const recs = await queued();
			window.keptFiling = recs[0];
			return {n: recs.length, id: recs.length ? recs[0].id : '', state: recs.length ? recs[0].state : ''};
		})()`, chromedp.EvalAwaitPromise)(ctx, t)
		switch {
		case err != nil:
			return err
		case st.N != 1 || st.State != "waiting" || len(st.ID) != 36:
			return fmt.Errorf("queue %+v, want one waiting filing with a UUID key", st)
		}
		return nil
	}))

	var code string
	b.step("the network comes back: the filing is sent", b.setOffline(false), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		c, err := chromedp.Evaluate[string](`window.dispatchEvent(new Event('online')), `+sentJS, chromedp.EvalAwaitPromise)(ctx, t)
		code = c
		return err
	}))
	for i := 2; i <= 3; i++ {
		b.step(fmt.Sprintf("replay %d: the same filing queued again and sent", i), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			c, err := chromedp.Evaluate[string](`(async () => {`+queueJS+`
				await req((await queue('readwrite')).put(window.keptFiling));
				window.dispatchEvent(new Event('online'));
			})().then(() => `+sentJS+`)`, chromedp.EvalAwaitPromise)(ctx, t)
			if err != nil {
				return err
			}
			if c != code {
				return fmt.Errorf("replay %d answered %s, the first %s", i, c, code)
			}
			return nil
		}))
	}
	b.step("three replays made one dossier", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		n, err := chromedp.Evaluate[int](totalJS, chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return err
		}
		if n != before+1 {
			return fmt.Errorf("%d dossiers, %d before: want one more", n, before)
		}
		return nil
	}))
	b.step("Hồ sơ của tôi shows it sent", b.open("/account"), hasText("main h1", "Xin chào, Nguyễn Văn An"),
		chromedp.WaitVisible(chromedp.CSS("#cho-gui li.queued-sent")),
		hasText("#cho-gui li.queued-sent a", "Mã hồ sơ "+code),
		hasText(`ul[aria-labelledby="ho-so"] li.item h3 a[href*="/`+code+`?"]`, code), noSideScroll(), b.keep("account"))
	b.step("open the dossier from the phone's list", follow("#cho-gui li.queued-sent a"), hasText("main h1", "Đã nộp hồ sơ"))
}
