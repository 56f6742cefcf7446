package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/speech"
	"github.com/xaso-vn/xaso/internal/testtool"
	"github.com/xaso-vn/xaso/internal/webtest"
)

// viewport sets the tab's screen: the kiosk's portrait touch screen, the desk's PC, the
// hall's TV, the desk's tablet.
func viewport(w, h int64) chromedp.Action[chromedp.Void] { return chromedp.EmulateViewport(w, h) }

// waitText waits until the first element sel finds shows want (the screen's script
// redraws it from the event stream).
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent.trim() : ""; })()`, sel)
		for {
			got, err := chromedp.Evaluate[string](js)(ctx, t)
			if err != nil {
				return err
			}
			if got == want {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s shows %q, want %q: %w", sel, got, want, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}

// readText reads the text of the first element sel finds into *out.
func readText(sel string, out *string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)(ctx, t)
		*out = got
		return err
	})
}

// TestFloorJourney: a citizen books a visit on the phone; at the kiosk (1080×1920) a
// citizen takes an ordinary ticket and the booked one checks in by the QR code's
// content for a priority ticket; the counter officer calls next at the desk (1280), and
// the hall's TV (1920×1080) shows the call — the time from the click to the screen is
// logged, not asserted; the call's audio is produced; the citizen rates the officer on
// the desk's tablet and the rating reaches the officer's figures. Screenshots at each
// size.
func TestFloorJourney(t *testing.T) {
	needBrowser(t)
	srv, st := webtest.NewWith(t, demo.Options{Payments: true})
	var clock atomic.Int64
	setClock := func(h, m int) { clock.Store(time.Date(2026, 7, 7, h, m, 0, 0, locale.Zone).UnixNano()) }
	setClock(7, 0)
	srv.Queue.Now = func() time.Time { return time.Unix(0, clock.Load()) }
	if p, err := speech.FindESpeak(); err == nil {
		srv.Speech = p
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	s := &site{url: ts.URL}
	unitPath := "/" + demo.CommuneCode

	phone := s.newTab(t, false)
	var code string
	phone.step("book a visit for Chứng thực at 08:30", phone.open("/dat-lich?group=chung-thuc&day=2026-07-07"),
		hasText("main h1", "Đặt lịch hẹn"), chromedp.Click(chromedp.CSS(`input[name="time"][value="08:30"]`)),
		follow(`form[method="post"][action="/dat-lich"] button[type="submit"]`), readText("#booking-code", &code),
		chromedp.WaitVisible(chromedp.CSS("figure.qr svg")), noSideScroll(), phone.keep("booking-phone"))

	setClock(8, 0)
	kiosk := s.newTab(t, false)
	kiosk.step("the kiosk's screen", viewport(1080, 1920), kiosk.open("/kiosk"+unitPath+"?kiosk=k1"),
		hasText("h1", "Lấy số thứ tự"), kiosk.keep("kiosk"))
	kiosk.step("take an ordinary ticket for Tư pháp – Hộ tịch", follow(`form.take button[value="tu-phap-ho-tich"]`),
		hasText("#ticket-number", "A001"), chromedp.WaitVisible(chromedp.CSS("figure.qr svg")), kiosk.keep("kiosk-ticket"))
	kiosk.step("the booked visit checks in with its QR code's content", kiosk.open("/kiosk"+unitPath+"?kiosk=k1"),
		typeInto("#code", ts.URL+"/hen/"+code), follow(`form.check-in button[type="submit"]`),
		hasText("#ticket-number", "B001"), hasText("p.group", "Chứng thực · Ưu tiên: Đặt lịch hẹn"), kiosk.keep("kiosk-check-in"))

	tv := s.newTab(t, false)
	tv.step("the hall's screen follows the floor", viewport(1920, 1080), tv.open("/man-hinh"+unitPath),
		chromedp.WaitVisible(chromedp.CSS(`#display[data-live="1"]`)), waitText("#waiting", "2"), tv.keep("tv-waiting"))

	desk := s.newTab(t, false)
	desk.step("the desk's screen", viewport(1280, 800))
	desk.logIn("motcua", demo.Password, "/office")
	desk.step("open desk 1", desk.open("/office/quay/1"), hasText("main h1", "Quầy số 1"), desk.keep("desk"))
	setClock(8, 5)
	clicked := time.Now()
	desk.step("call the next number: the booked visit first", follow("#call-next"), hasText("#serving", "B001"))
	deskDone := time.Since(clicked)
	var shownAt float64 // when the screen's script drew the call, by the browser's clock (ms since 1970)
	tv.step("the screen shows the call", waitText("#calling td.num", "B001"), waitText("#calling td:nth-child(2)", "1"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			v, err := chromedp.Evaluate[string](`document.getElementById("display").getAttribute("data-shown-at")`)(ctx, t)
			if err == nil {
				_, err = fmt.Sscan(v, &shownAt)
			}
			return err
		}))
	// Reported, not asserted: the figure depends on the machine's load.
	latency := time.UnixMilli(int64(shownAt)).Sub(clicked)
	t.Logf("calling screen drew the call %v after the officer clicked \"Gọi số tiếp theo\" (the desk's own page took %v to come back)",
		latency.Round(time.Millisecond), deskDone.Round(time.Millisecond))
	tv.step("the announcement", hasText("#announce", "Mời số B001 đến quầy số 1"), waitText("#waiting", "1"), tv.keep("tv-call"))

	// The call's voice.
	var d struct {
		LastCall struct {
			Text  string `json:"text"`
			Audio string `json:"audio"`
		} `json:"last_call"`
	}
	getJSON(t, ts.URL+"/api/v1/queue/display?unit="+demo.CommuneCode, "", &d)
	if d.LastCall.Text != "số bê không không một, mời đến quầy số một" {
		t.Errorf("the call's text: %q", d.LastCall.Text)
	}
	if srv.Speech == nil {
		testtool.Missing(t, "espeak-ng is not installed: the call's audio is not produced", "apt-get install espeak-ng")
	} else {
		resp, err := http.Get(ts.URL + d.LastCall.Audio)
		if err != nil {
			t.Fatal(err)
		}
		wav, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !speech.IsWAV(wav) {
			t.Fatalf("the call's audio: %d, %d bytes", resp.StatusCode, len(wav))
		}
		t.Logf("the call's audio: %d bytes of WAV", len(wav))
	}

	setClock(8, 15)
	desk.step("finish serving", desk.keep("desk-serving"), follow("#finish"), chromedp.WaitVisible(chromedp.CSS("p.flash")))
	tablet := s.newTab(t, false)
	tablet.step("the desk's tablet asks the citizen just served", viewport(1280, 800), tablet.open("/quay"+unitPath+"/1/danh-gia"),
		hasText("#officer", "Trần Thị Bình"), tablet.keep("tablet"))
	tablet.step("rate Rất hài lòng", chromedp.Click(chromedp.CSS(`input[name="reason"][value="tan-tinh"]`)),
		follow(`button.face[value="4"]`), hasText("#thanks", "Cảm ơn bạn đã đánh giá!"), tablet.keep("tablet-thanks"))

	var figs struct {
		Items []struct {
			Officer string `json:"officer"`
			Ratings int    `json:"ratings"`
		} `json:"items"`
	}
	getJSON(t, ts.URL+"/api/v1/queue/officers?from=2026-07-07", webtest.Bearer(t, st, "lanhdao"), &figs)
	if len(figs.Items) != 1 || figs.Items[0].Officer != "Trần Thị Bình" || figs.Items[0].Ratings != 1 {
		t.Fatalf("the rating did not reach the officer's figures: %+v", figs)
	}
}

func getJSON(t *testing.T, url, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(out); err != nil {
		t.Fatal(err)
	}
}
