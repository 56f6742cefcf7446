package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The culture officer opens a cluster's day, moves the evening programme to 19:30, skips
// the morning one and puts it back; moving onto the emergency is refused with the
// overlap's message; the emergency has no form; a speaker's feed follows the move.
func TestTimelinePage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, locale.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	clock := at("2026-12-07 05:00")
	e.srv.Broadcast.Now = func() time.Time { return clock }
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	leader, err := e.st.UserByUsername(ctx, "lanhdao")
	if err != nil {
		t.Fatal(err)
	}
	cl, err := e.st.CreateCluster(ctx, broadcast.Cluster{UnitID: u.ID, Code: "thon-dong", Name: "Thôn Đông"})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := broadcast.ParseRule("FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0")
	if err != nil {
		t.Fatal(err)
	}
	stored := func(title string, p broadcast.Priority, sch broadcast.Schedule) broadcast.Record {
		t.Helper()
		r, err := e.st.CreateBulletin(ctx, broadcast.Record{Bulletin: broadcast.Bulletin{Title: title, Priority: p, Clusters: []int64{cl.ID},
			Schedule: sch, Seconds: 60, AudioKey: "none"}, UnitID: u.ID, Status: broadcast.StatusDraft, CreatedBy: leader.ID, CreatedAt: clock})
		if err != nil {
			t.Fatal(err)
		}
		after := r
		after.Status, after.ApprovedBy, after.ApprovedAt = broadcast.StatusApproved, leader.ID, clock
		if r, err = e.st.SaveBulletin(ctx, r, after, "bulletin.approve"); err != nil {
			t.Fatal(err)
		}
		return r
	}
	programme := stored("Chương trình thời sự", broadcast.Normal, broadcast.Schedule{Start: at("2026-12-01 00:00"), Rule: &rule, End: at("2026-12-31 23:59")})
	stored("Cảnh báo lũ", broadcast.Emergency, broadcast.Schedule{Start: at("2026-12-07 09:00")})
	_, token, err := e.srv.Broadcast.RegisterSpeaker(ctx, &auth.Principal{UserID: leader.ID, Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleLeader}}}, u.ID, cl.ID, "Loa thôn Đông")
	if err != nil {
		t.Fatal(err)
	}

	culture, _ := e.login(t, "vanhoa", demo.Password)
	page := "/office/truyen-thanh/lich?cum=" + strconv.FormatInt(cl.ID, 10) + "&ngay=2026-12-07"
	plays := func() string {
		t.Helper()
		resp, body := get(t, culture, e.ts.URL+page)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("timeline: %d", resp.StatusCode)
		}
		var out []string
		for _, n := range all(t, body, "#timeline li") {
			out = append(out, textOf(n))
		}
		return strings.Join(out, " | ")
	}
	if got := plays(); !strings.Contains(got, "06:00:00–06:01:00") || !strings.Contains(got, "09:00:00–09:01:00") || !strings.Contains(got, "17:00:00–17:01:00") {
		t.Fatalf("the day: %s", got)
	}
	_, body := get(t, culture, e.ts.URL+page)
	if n := len(all(t, body, "#timeline li form")); n != 2 {
		t.Fatalf("%d plays with a form, want 2 (the emergency has none)", n)
	}
	due := func(hm string) string { return strconv.FormatInt(at("2026-12-07 "+hm).Unix(), 10) }
	change := func(hm, action, to string) (*http.Response, string) {
		return post(t, culture, e.ts.URL+"/office/truyen-thanh/lich", url.Values{"cum": {strconv.FormatInt(cl.ID, 10)}, "ngay": {"2026-12-07"},
			"ban-tin": {strconv.FormatInt(programme.ID, 10)}, "lich": {due(hm)}, "thao-tac": {action}, "gio": {to}})
	}
	if resp, _ := change("17:00", "doi", "19:30"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", resp.StatusCode)
	}
	if got := plays(); !strings.Contains(got, "19:30:00–19:31:00") || !strings.Contains(got, "Đã dời từ 17:00") || strings.Contains(got, "17:00:00–17:01:00") {
		t.Fatalf("after the move: %s", got)
	}
	resp, body := change("06:00", "doi", "09:00")
	if resp.StatusCode != http.StatusUnprocessableEntity || textAt(t, body, "#timeline-error") != broadcast.ErrOverlapsEmergency.Message {
		t.Fatalf("onto the emergency: %d %q", resp.StatusCode, textAt(t, body, "#timeline-error"))
	}
	if resp, body = change("06:00", "doi", "25:00"); resp.StatusCode != http.StatusUnprocessableEntity || !has(t, body, "#timeline-error") {
		t.Fatalf("a bad time: %d", resp.StatusCode)
	}
	if resp, _ := change("06:00", "bo", ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("skip: %d", resp.StatusCode)
	}
	if got := plays(); strings.Contains(got, "06:00:00") {
		t.Fatalf("after the skip: %s", got)
	}
	// The speaker's feed follows: at 5:00 the next play is the emergency, then 19:30.
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/speakers/feed", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	fresp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var feed broadcast.Feed
	err = json.NewDecoder(fresp.Body).Decode(&feed)
	fresp.Body.Close()
	if err != nil || len(feed.Next) < 2 || !feed.Next[0].Start.Equal(at("2026-12-07 09:00")) || !feed.Next[1].Start.Equal(at("2026-12-07 19:30")) ||
		!feed.Next[1].Moved || !feed.Next[1].Due.Equal(at("2026-12-07 17:00")) {
		t.Fatalf("feed: %+v, %v", feed, err)
	}
	_, body = get(t, culture, e.ts.URL+page)
	restore := all(t, body, `form button[value="khoi-phuc"]`)
	if len(restore) != 2 { // the moved play and the skipped one
		t.Fatalf("%d forms to put back, want 2", len(restore))
	}
	if resp, _ := change("06:00", "khoi-phuc", ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("put back: %d", resp.StatusCode)
	}
	if got := plays(); !strings.Contains(got, "06:00:00–06:01:00") {
		t.Fatalf("after putting back: %s", got)
	}
	// A day written wrong, a cluster of no one: refused.
	if resp, _ := get(t, culture, e.ts.URL+"/office/truyen-thanh/lich?ngay=07-12-2026"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bad day: %d", resp.StatusCode)
	}
	if resp, _ := get(t, culture, e.ts.URL+"/office/truyen-thanh/lich?cum=999999"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another cluster: %d", resp.StatusCode)
	}
}
