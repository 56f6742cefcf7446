package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// The administrator adds a cluster and a speaker (its token shown once) and uploads a
// daily programme; the leader approves it and today's timeline shows it; a bad schedule
// is refused at the form.
func TestBroadcastPage(t *testing.T) {
	testtool.Path(t, "ffmpeg", "apt-get install ffmpeg")
	e := newEnv(t)
	admin, _ := e.login(t, "quantri", demo.Password)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	resp, page := get(t, admin, e.ts.URL+"/office/truyen-thanh")
	if resp.StatusCode != http.StatusOK || text(t, page, "h1") != "Truyền thanh cơ sở" || has(t, page, `form[action="/office/truyen-thanh/ban-tin"]`) {
		t.Fatalf("page without clusters: %d, %q", resp.StatusCode, text(t, page, "h1"))
	}
	if resp, _ = post(t, admin, e.ts.URL+"/office/truyen-thanh/cum-loa", url.Values{"code": {"thon-dong"}, "name": {"Thôn Đông"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a cluster: %d", resp.StatusCode)
	}
	_, page = get(t, admin, e.ts.URL+"/office/truyen-thanh")
	cluster := attrAt(t, page, `input[name="cluster"]`, "value")
	resp, page = post(t, admin, e.ts.URL+"/office/truyen-thanh/loa", url.Values{"name": {"Loa nhà văn hóa"}, "cluster": {cluster}})
	if resp.StatusCode != http.StatusCreated || len(textAt(t, page, "#speaker-token")) < 20 {
		t.Fatalf("register a speaker: %d, token %q", resp.StatusCode, textAt(t, page, "#speaker-token"))
	}
	// A speaker that never asked for its feed is flagged, as not connected yet (not "lost").
	if _, page = get(t, admin, e.ts.URL+"/office/truyen-thanh"); has(t, page, "#speaker-token") ||
		textAt(t, page, `section[aria-labelledby="loa"] tr.urgent td:last-child strong`) != "Chưa kết nối" || strings.Contains(page, "Mất kết nối") {
		t.Fatal("the token is shown again, or the silent speaker is not flagged as never connected")
	}
	// Heard from three minutes ago, at 70%: now it has gone silent.
	u, err := e.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	sps, err := e.st.Speakers(context.Background(), u.ID)
	if err != nil || len(sps) != 1 {
		t.Fatalf("speakers: %v, %d", err, len(sps))
	}
	if err := e.st.SeeSpeaker(context.Background(), sps[0].ID, time.Now().Add(-3*time.Minute).UTC(), 70); err != nil {
		t.Fatal(err)
	}
	if _, page = get(t, admin, e.ts.URL+"/office/truyen-thanh"); textAt(t, page, `section[aria-labelledby="loa"] tr.urgent td:last-child strong`) != "Mất kết nối" ||
		textAt(t, page, `section[aria-labelledby="loa"] td[data-label="Âm lượng"]`) != "70%" {
		t.Fatal("a speaker gone silent is not flagged as lost, or its volume is not shown")
	}

	today := time.Now().In(locale.Zone).Format(time.DateOnly)
	send := func(fields map[string]string, sound []byte) (*http.Response, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if sound != nil {
			fw, _ := mw.CreateFormFile("audio", "chuong-trinh.wav")
			fw.Write(sound)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", e.ts.URL+"/office/truyen-thanh/ban-tin", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := admin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	programme := map[string]string{"title": "Chương trình thời sự", "priority": "normal", "cluster": cluster,
		"kind": "daily", "times": "06:00, 17:00", "start": today, "end": today}
	bad := map[string]string{}
	for k, v := range programme {
		bad[k] = v
	}
	bad["times"] = "06:00, 17:30"
	if resp, page := send(bad, audio.Tone(1, 8000)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "#broadcast-error"), "cùng số phút") {
		t.Fatalf("times at different minutes: %d %q", resp.StatusCode, textAt(t, page, "#broadcast-error"))
	}
	if resp, _ := send(programme, audio.Tone(1, 8000)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the programme: %d", resp.StatusCode)
	}
	_, page = get(t, leader, e.ts.URL+"/office/truyen-thanh")
	approve := attrAt(t, page, `form[action$="/duyet"]`, "action")
	if !strings.Contains(page, "Hằng ngày lúc 06:00, 17:00") || !strings.Contains(page, "Chờ duyệt") {
		t.Fatal("the draft is not listed with its schedule")
	}
	approvedAt := time.Now()
	if resp, _ = post(t, leader, e.ts.URL+approve, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	_, page = get(t, leader, e.ts.URL+"/office/truyen-thanh")
	rows := all(t, page, `section[aria-labelledby="hom-nay"] td`)
	var cells []string
	for _, r := range rows {
		cells = append(cells, textOf(r))
	}
	joined := strings.Join(cells, " | ")
	if !strings.Contains(joined, "06:00:00–06:00:01 | Chương trình thời sự") || !strings.Contains(joined, "17:00:00–17:00:01 | Chương trình thời sự") {
		t.Fatalf("today's timeline: %s", joined)
	}
	// The administrator cannot approve; the menu leads there.
	if _, page = get(t, admin, e.ts.URL+"/office/truyen-thanh"); has(t, page, `form[action$="/duyet"]`) || !has(t, page, `header nav.tabs a[href="/office/truyen-thanh"]`) {
		t.Fatal("the administrator is offered the approval, or the menu lacks the page")
	}

	// The play log: the programme's plays today after its approval (a play due before it
	// was never planned), on the one speaker, none reported yet.
	var planned []string
	for _, hm := range []string{"06:00", "17:00"} {
		if due, _ := time.ParseInLocation("2006-01-02 15:04", today+" "+hm, locale.Zone); !due.Before(approvedAt) {
			planned = append(planned, hm+":00–"+hm+":01")
		}
	}
	logLink := attrAt(t, page, `section[aria-labelledby="ban-tin"] a[href*="nhat-ky="]`, "href")
	_, page = get(t, admin, e.ts.URL+logLink)
	var logCells []string
	for _, r := range all(t, page, `section[aria-labelledby="nhat-ky"] tbody tr`) {
		logCells = append(logCells, textOf(r))
	}
	summary := textAt(t, page, "#log-summary")
	if summary != fmt.Sprintf("Đã phát (loa báo cáo) 0 trên %d lần theo lịch.", len(planned)) || len(logCells) != len(planned) ||
		len(all(t, page, `section[aria-labelledby="nhat-ky"] tbody tr.urgent`)) != len(planned) {
		t.Fatalf("play log: %q, %q; want %q", summary, logCells, planned)
	}
	for i, want := range planned {
		if !strings.Contains(logCells[i], want) || !strings.Contains(logCells[i], "Loa nhà văn hóa") || !strings.Contains(logCells[i], "Chưa báo cáo") {
			t.Errorf("play log row %d: %q, want %s", i, logCells[i], want)
		}
	}
	// A period of two months is refused in the section, the page still shown.
	resp, page = get(t, admin, e.ts.URL+strings.TrimSuffix(logLink, "#nhat-ky")+"&tu=2026-01-01&den=2026-03-01")
	if resp.StatusCode != http.StatusOK || !strings.Contains(textAt(t, page, "#log-error"), "31 ngày") {
		t.Fatalf("a long period: %d, %q", resp.StatusCode, textAt(t, page, "#log-error"))
	}
	// The month's totals: one cluster, the same plays planned (the programme runs only
	// today), none acknowledged, a second each on air.
	_, page = get(t, admin, e.ts.URL+"/office/truyen-thanh")
	var month []string
	for _, c := range all(t, page, "#month-totals td") {
		month = append(month, textOf(c))
	}
	if got, want := strings.Join(month, " | "), fmt.Sprintf("Thôn Đông | %d | 0 | 0,0 | 0", len(planned)); got != want {
		t.Fatalf("month's totals: %q, want %q", got, want)
	}
}
