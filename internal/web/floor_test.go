package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/speech"
	"github.com/xaso-vn/xaso/internal/testtool"
	"github.com/xaso-vn/xaso/internal/webtest"
)

// floorClock puts the floor on a working morning, 7 July 2026 at 08:00, whatever the
// day the tests run.
func floorClock(e *env) *time.Time {
	now := time.Date(2026, 7, 7, 8, 0, 0, 0, locale.Zone)
	e.srv.Queue.Now = func() time.Time { return now }
	return &now
}

// apiCall sends a JSON request (bearer token when not "") and decodes the answer.
func apiCall(t *testing.T, e *env, method, path, token string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %d, not JSON: %v", method, path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode
}

type problem struct {
	Code string `json:"code"`
}

// TestQueueAPI: 200 tickets taken at once from two kiosks, no number twice; the
// counter officer calls at the desk they hold (and not at another); the screen's JSON.
func TestQueueAPI(t *testing.T) {
	e := newEnv(t)
	floorClock(e)
	const n = 200
	var wg sync.WaitGroup
	numbers := make([]string, n)
	status := make([]int, n)
	for i := range n {
		wg.Go(func() {
			var out struct {
				Number string `json:"number"`
			}
			body := map[string]string{"unit": demo.CommuneCode, "group": []string{"tu-phap-ho-tich", "chung-thuc", "dat-dai"}[i%3],
				"kiosk": []string{"k1", "k2"}[i%2]}
			status[i] = apiCall(t, e, "POST", "/api/v1/queue/tickets", "", body, &out)
			numbers[i] = out.Number
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, num := range numbers {
		if status[i] != http.StatusCreated || num == "" {
			t.Fatalf("ticket %d: %d %q", i, status[i], num)
		}
		if seen[num] {
			t.Fatalf("number %s given twice", num)
		}
		seen[num] = true
	}
	if !seen["A067"] || seen["A068"] || !seen["C066"] || seen["C067"] {
		t.Errorf("numbers per group do not run 1..n: %v", seen)
	}
	motcua := webtest.Bearer(t, e.st, "motcua")
	var called struct {
		Number string `json:"number"`
		Desk   int    `json:"desk"`
	}
	if s := apiCall(t, e, "POST", "/api/v1/queue/desks/1/call-next", motcua, nil, &called); s != http.StatusOK || !seen[called.Number] || called.Desk != 1 {
		t.Fatalf("call-next: %d %+v", s, called)
	}
	var p problem
	if s := apiCall(t, e, "POST", "/api/v1/queue/desks/2/call-next", motcua, nil, &p); s != http.StatusForbidden || p.Code != "desk_not_held" {
		t.Fatalf("call on desk 2: %d %+v, want 403 desk_not_held", s, p)
	}
	if s := apiCall(t, e, "POST", "/api/v1/queue/desks/1/call-next", webtest.Bearer(t, e.st, "chuyenvien"), nil, &p); s != http.StatusForbidden {
		t.Fatalf("a specialist calling: %d", s)
	}
	var d struct {
		Calling []struct {
			Number string `json:"number"`
			Desk   int    `json:"desk"`
		} `json:"calling"`
		Waiting  int `json:"waiting"`
		LastCall struct {
			Text  string `json:"text"`
			Audio string `json:"audio"`
		} `json:"last_call"`
	}
	if s := apiCall(t, e, "GET", "/api/v1/queue/display?unit="+demo.CommuneCode, "", nil, &d); s != http.StatusOK {
		t.Fatalf("display: %d", s)
	}
	// Every ticket was taken at the same instant (the test's clock): the first stored is called.
	if len(d.Calling) != 1 || d.Calling[0].Number != called.Number || d.Calling[0].Desk != 1 || d.Waiting != n-1 ||
		d.LastCall.Text != queue.CallText(called.Number, 1) || !strings.HasSuffix(d.LastCall.Audio, ".wav") {
		t.Fatalf("display: %+v", d)
	}
	for _, c := range []struct {
		body map[string]string
		code string
	}{
		{map[string]string{"unit": demo.CommuneCode, "group": "khong-co"}, "unknown_queue_group"},
		{map[string]string{"unit": "99999", "group": "dat-dai"}, "unit_not_found"},
		{map[string]string{"group": "dat-dai"}, "unit_required"},
		{map[string]string{"unit": demo.CommuneCode, "group": "dat-dai", "priority": "booked"}, "unknown_priority"},
	} {
		if s := apiCall(t, e, "POST", "/api/v1/queue/tickets", "", c.body, &p); p.Code != c.code || s < 400 || s >= 500 {
			t.Errorf("ticket %v: %d %s, want %s", c.body, s, p.Code, c.code)
		}
	}
}

// TestKioskLimit: one kiosk at one address takes a burst of 120 tickets, then is
// refused with 429 until its bucket refills.
func TestKioskLimit(t *testing.T) {
	e := newEnv(t)
	floorClock(e)
	// The limiter's clock stands still: no token comes back however slow the machine.
	stopped := time.Now()
	e.srv.Kiosks.WithClock(func() time.Time { return stopped })
	c := e.client()
	for i := range 120 {
		resp, _ := post(t, c, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/so", url.Values{"group": {"chung-thuc"}, "kiosk": {"k1"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("ticket %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, page := post(t, c, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/so", url.Values{"group": {"chung-thuc"}, "kiosk": {"k1"}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "thao tác quá nhanh") {
		t.Fatalf("ticket 121: %d", resp.StatusCode)
	}
	// Another kiosk is counted apart.
	if resp, _ := post(t, c, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/so", url.Values{"group": {"chung-thuc"}, "kiosk": {"k2"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("kiosk k2: %d", resp.StatusCode)
	}
}

// TestFloorPages: the kiosk gives a ticket, the desk calls it, the screen's event
// stream shows the call, the desk starts a dossier from it, the tablet rates the
// officer and the rating reaches the officer's figures; a booked visit checks in by its
// QR code's content for a priority ticket.
func TestFloorPages(t *testing.T) {
	e := newEnv(t)
	now := floorClock(e)
	ctx := context.Background()
	kiosk := e.client()
	_, page := get(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"?kiosk=k1")
	if got := len(all(t, page, `form.take button[name="group"]`)); got != 3 {
		t.Fatalf("kiosk shows %d groups, want 3", got)
	}
	resp, _ := post(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/so", url.Values{"group": {"tu-phap-ho-tich"}, "kiosk": {"k1"},
		"priority": {"elderly"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("take: %d", resp.StatusCode)
	}
	_, page = get(t, kiosk, e.ts.URL+resp.Header.Get("Location"))
	if got := textAt(t, page, "#ticket-number"); got != "A001" {
		t.Fatalf("ticket page shows %q", got)
	}
	if !has(t, page, "figure.qr svg") {
		t.Error("no QR code on the kiosk's ticket")
	}
	resp, page = post(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/so", url.Values{"group": {"khong-co"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !has(t, page, "p.error") {
		t.Fatalf("unknown group: %d", resp.StatusCode)
	}

	// The screen's stream: its first event, then the call.
	events, stop := openEvents(t, e)
	defer stop()
	first := <-events
	if first.Waiting != 1 || len(first.Calling) != 0 {
		t.Fatalf("first event: %+v", first)
	}
	officer, _ := e.login(t, "motcua", demo.Password)
	resp, _ = post(t, officer, e.ts.URL+"/office/quay/1/call-next", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("call-next: %d", resp.StatusCode)
	}
	for ev := range events {
		if len(ev.Calling) == 1 && ev.Calling[0].Number == "A001" && ev.Calling[0].Desk == 1 && ev.LastCall != nil {
			break
		}
	}
	stop()
	_, page = get(t, officer, e.ts.URL+"/office/quay/1")
	if got := textAt(t, page, "#serving"); got != "A001" {
		t.Fatalf("desk page serves %q", got)
	}
	// Start a dossier from the ticket.
	link := attrAt(t, page, "#start-dossier", "href")
	if link != "/office/receive?ticket=A001" {
		t.Fatalf("start-dossier link %q", link)
	}
	resp, page = post(t, officer, e.ts.URL+"/office/receive", url.Values{"procedure": {demo.CurrentProcedure}, "ticket": {"A001"},
		"channel": {"counter"}, "key": {"k-floor-1"}, "applicant.full_name": {"Nguyễn Văn An"}, "applicant.id_number": {"037085001234"},
		"applicant.phone": {"0912345678"}, "applicant.address": {"Thôn Quảng Từ"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("receive from the ticket: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	code := strings.TrimPrefix(resp.Header.Get("Location"), "/office/dossiers/")
	if got, err := e.st.DossierQueueTicket(ctx, code); err != nil || got != "A001" {
		t.Fatalf("dossier %s ticket %q %v", code, got, err)
	}
	resp, _ = post(t, officer, e.ts.URL+"/office/receive", url.Values{"procedure": {demo.CurrentProcedure}, "ticket": {"B007"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("receive from a ticket not served: %d", resp.StatusCode)
	}

	// The desk's tablet: the citizen just served rates the officer.
	tablet := e.client()
	_, page = get(t, tablet, e.ts.URL+"/quay/"+demo.CommuneCode+"/1/danh-gia")
	if got := textAt(t, page, "#officer"); got != "Trần Thị Bình" {
		t.Fatalf("tablet names %q", got)
	}
	ticketID := attrAt(t, page, `input[name="ticket"]`, "value")
	resp, _ = post(t, tablet, e.ts.URL+"/quay/"+demo.CommuneCode+"/1/danh-gia", url.Values{"ticket": {ticketID}, "score": {"4"}, "reason": {"tan-tinh"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rate: %d", resp.StatusCode)
	}
	resp, page = post(t, tablet, e.ts.URL+"/quay/"+demo.CommuneCode+"/1/danh-gia", url.Values{"ticket": {ticketID}, "score": {"1"}})
	if resp.StatusCode != http.StatusConflict || !has(t, page, "#rating-error") {
		t.Fatalf("second rating: %d", resp.StatusCode)
	}
	var figs struct {
		Items []struct {
			Officer string  `json:"officer"`
			Ratings int     `json:"ratings"`
			Average float64 `json:"average"`
		} `json:"items"`
	}
	if s := apiCall(t, e, "GET", "/api/v1/queue/officers?from=2026-07-07&to=2026-07-07", webtest.Bearer(t, e.st, "lanhdao"), nil, &figs); s != http.StatusOK {
		t.Fatalf("officers: %d", s)
	}
	if len(figs.Items) != 1 || figs.Items[0].Officer != "Trần Thị Bình" || figs.Items[0].Ratings != 1 || figs.Items[0].Average != 4 {
		t.Fatalf("officer figures: %+v", figs)
	}
	leader, _ := e.login(t, "lanhdao", demo.Password)
	_, page = get(t, leader, e.ts.URL+"/office/quay/thong-ke?from=2026-07-07")
	if got := textAt(t, page, "#floor-tickets"); got != "1" || !has(t, page, `svg[role="img"]`) {
		t.Fatalf("floor statistics: tickets %q", got)
	}
	if name, count := textAt(t, page, "#officer-ratings tbody td:nth-child(1)"), textAt(t, page, "#officer-ratings tbody td:nth-child(3)"); name != "Trần Thị Bình" || count != "1" {
		t.Fatalf("officer ratings on the statistics page: %q %q", name, count)
	}
	// The dossiers started from tickets, by officer (queue.CountDossiers; counted in
	// TestFloorDossiersByOfficer: here the dossier's clock is not the floor's).
	if !has(t, page, "#officer-dossiers") {
		t.Fatal("no table of the dossiers by officer")
	}

	// A booked visit, then its check-in by the QR code's content.
	*now = time.Date(2026, 7, 7, 7, 0, 0, 0, locale.Zone)
	citizen := e.client()
	_, page = get(t, citizen, e.ts.URL+"/dat-lich?group=dat-dai&day=2026-07-07")
	if got := len(all(t, page, `input[name="time"]`)); got != 16 {
		t.Fatalf("booking form offers %d slots, want 16", got)
	}
	resp, page = post(t, citizen, e.ts.URL+"/dat-lich", url.Values{"group": {"dat-dai"}, "day": {"2026-07-07"}, "time": {"12:00"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "#time-error"), "ngoài giờ làm việc") {
		t.Fatalf("booking at noon: %d", resp.StatusCode)
	}
	resp, _ = post(t, citizen, e.ts.URL+"/dat-lich", url.Values{"group": {"dat-dai"}, "day": {"2026-07-07"}, "time": {"08:30"},
		"email": {"an@example.vn"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/hen/") {
		t.Fatalf("booking: %d", resp.StatusCode)
	}
	bookingPath := resp.Header.Get("Location")
	_, page = get(t, citizen, e.ts.URL+bookingPath)
	if !has(t, page, "figure.qr svg") || textAt(t, page, "#booking-status") != "Đã đặt" {
		t.Fatalf("booking page")
	}
	*now = time.Date(2026, 7, 7, 8, 20, 0, 0, locale.Zone)
	resp, _ = post(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/hen", url.Values{"code": {"http://xa.example.vn" + bookingPath}, "kiosk": {"k1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("check-in: %d", resp.StatusCode)
	}
	_, page = get(t, kiosk, e.ts.URL+resp.Header.Get("Location"))
	if got := textAt(t, page, "p.group"); got != "Đất đai · Ưu tiên: Đặt lịch hẹn" {
		t.Fatalf("checked-in ticket: %q", got)
	}
	resp, page = post(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/hen", url.Values{"code": {"http://xa.example.vn" + bookingPath}})
	if resp.StatusCode != http.StatusConflict || !has(t, page, "#code-error") {
		t.Fatalf("second check-in: %d", resp.StatusCode)
	}
	// Over capacity and outside hours through the API: stable codes.
	var p problem
	for i := range 2 {
		s := apiCall(t, e, "POST", "/api/v1/queue/bookings", "", map[string]string{"unit": demo.CommuneCode, "group": "dat-dai",
			"day": "2026-07-07", "time": "09:00"}, &p)
		if s != http.StatusCreated {
			t.Fatalf("booking %d: %d %s", i, s, p.Code)
		}
	}
	if s := apiCall(t, e, "POST", "/api/v1/queue/bookings", "", map[string]string{"unit": demo.CommuneCode, "group": "dat-dai",
		"day": "2026-07-07", "time": "09:00"}, &p); s != http.StatusConflict || p.Code != "slot_full" {
		t.Fatalf("third booking of a slot of 2: %d %s", s, p.Code)
	}
	if s := apiCall(t, e, "POST", "/api/v1/queue/bookings", "", map[string]string{"unit": demo.CommuneCode, "group": "dat-dai",
		"day": "2026-07-07", "time": "19:00"}, &p); s != http.StatusUnprocessableEntity || p.Code != "outside_working_hours" {
		t.Fatalf("booking at 19:00: %d %s", s, p.Code)
	}
}

type displayEvent struct {
	Calling []struct {
		Number string `json:"number"`
		Desk   int    `json:"desk"`
	} `json:"calling"`
	Waiting  int `json:"waiting"`
	LastCall *struct {
		ID int64 `json:"id"`
	} `json:"last_call"`
}

// openEvents reads the screen's event stream; stop ends it (and the channel).
func openEvents(t *testing.T, e *env) (<-chan displayEvent, func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/man-hinh/"+demo.CommuneCode+"/su-kien", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" || resp.Header.Get("Content-Encoding") != "" {
		cancel()
		t.Fatalf("stream: %s, encoding %q", ct, resp.Header.Get("Content-Encoding"))
	}
	out := make(chan displayEvent)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var ev displayEvent
			if json.Unmarshal([]byte(data), &ev) != nil {
				return
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	var once sync.Once
	return out, func() { once.Do(cancel) }
}

type fakeVoice struct{ texts []string }

func (f *fakeVoice) Synthesize(_ context.Context, text string) ([]byte, error) {
	f.texts = append(f.texts, text)
	return []byte("RIFF\x24\x00\x00\x00WAVEfmt "), nil
}

// TestCallAudio: each call's voice is served as WAV, made from the call's text, once;
// without a voice the answer says so.
func TestCallAudio(t *testing.T) {
	e := newEnv(t)
	floorClock(e)
	var out struct {
		Number string `json:"number"`
	}
	apiCall(t, e, "POST", "/api/v1/queue/tickets", "", map[string]string{"unit": demo.CommuneCode, "group": "chung-thuc"}, &out)
	apiCall(t, e, "POST", "/api/v1/queue/desks/1/call-next", webtest.Bearer(t, e.st, "motcua"), nil, nil)
	var d struct {
		LastCall struct {
			Audio string `json:"audio"`
		} `json:"last_call"`
	}
	apiCall(t, e, "GET", "/api/v1/queue/display?unit="+demo.CommuneCode, "", nil, &d)
	c := e.client()
	if resp, _ := get(t, c, e.ts.URL+d.LastCall.Audio); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("audio without a voice: %d", resp.StatusCode)
	}
	voice := &fakeVoice{}
	e.srv.Speech = voice
	for range 2 {
		resp, body := get(t, c, e.ts.URL+d.LastCall.Audio)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/wav" || !speech.IsWAV([]byte(body)) {
			t.Fatalf("audio: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if len(voice.texts) != 1 || voice.texts[0] != "số bê không không một, mời đến quầy số một" {
		t.Fatalf("spoken: %q", voice.texts)
	}
	if resp, _ := get(t, c, e.ts.URL+"/man-hinh/"+demo.CommuneCode+"/goi/999.wav"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown call: %d", resp.StatusCode)
	}
	// With espeak-ng installed, the real voice.
	path := testtool.Path(t, "espeak-ng", "apt-get install espeak-ng")
	e.srv.Speech = &speech.ESpeak{Path: path}
	apiCall(t, e, "POST", "/api/v1/queue/tickets", "", map[string]string{"unit": demo.CommuneCode, "group": "chung-thuc"}, &out)
	apiCall(t, e, "POST", "/api/v1/queue/desks/1/call-next", webtest.Bearer(t, e.st, "motcua"), nil, nil)
	apiCall(t, e, "GET", "/api/v1/queue/display?unit="+demo.CommuneCode, "", nil, &d)
	resp, body := get(t, c, e.ts.URL+d.LastCall.Audio)
	if resp.StatusCode != http.StatusOK || !speech.IsWAV([]byte(body)) || len(body) < 8000 {
		t.Fatalf("espeak-ng audio: %d, %d bytes", resp.StatusCode, len(body))
	}
}

// principalOf is a demo user as the services see them.
func principalOf(t *testing.T, e *env, username string) *auth.Principal {
	t.Helper()
	u, err := e.st.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	_, ms, err := e.st.UserAndMemberships(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Memberships: ms}
}
