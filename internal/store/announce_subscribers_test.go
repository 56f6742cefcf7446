package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// Publishing an announcement owes a message to each subscriber it concerns, in the
// publish's transaction, once per subscriber, with a few hundred of them.
func TestAnnouncementToSubscribers(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	st := d.Store
	villages, err := st.Villages(ctx, d.Unit)
	if err != nil || len(villages) < 3 {
		t.Fatalf("villages %v, %v", villages, err)
	}
	ns := &notify.Service{Store: st, Announcements: st}
	const n = 300
	want := map[string]map[int64]bool{"commune": {}, "village0": {}}
	var withdrawn int64
	for i := range n {
		id, err := st.CreateUser(ctx, auth.User{Username: fmt.Sprintf("dan%03d", i), FullName: "Công dân"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := &auth.Principal{UserID: id}
		switch i % 4 {
		case 0: // the whole commune
			err = ns.SubscribeAnnouncements(ctx, p, d.Unit, true, nil)
			want["commune"][id], want["village0"][id] = true, true
		case 1: // village 0 (and 1)
			err = ns.SubscribeAnnouncements(ctx, p, d.Unit, false, []int64{villages[0].ID, villages[1].ID})
			want["commune"][id], want["village0"][id] = true, true
		case 2: // village 2 only
			err = ns.SubscribeAnnouncements(ctx, p, d.Unit, false, []int64{villages[2].ID})
			want["commune"][id] = true
		case 3: // none
		}
		if err != nil {
			t.Fatal(err)
		}
		if i == 4 { // subscribed, then unsubscribed: owed nothing
			if err := ns.SubscribeAnnouncements(ctx, p, d.Unit, false, nil); err != nil {
				t.Fatal(err)
			}
			delete(want["commune"], id)
			delete(want["village0"], id)
			withdrawn = id
		}
	}
	if commune, vs, err := ns.Subscriptions(ctx, &auth.Principal{UserID: withdrawn}, d.Unit); err != nil || commune || len(vs) != 0 {
		t.Fatalf("withdrawn subscriptions %v %v %v", commune, vs, err)
	}
	subs, err := st.AnnouncementSubscriptions(ctx, withdrawn, d.Unit)
	if err != nil || len(subs) != 1 || subs[0].WithdrawnAt.IsZero() || subs[0].Text != notify.AnnouncementConsentText {
		t.Fatalf("the withdrawn consent is kept with its text and when: %+v %v", subs, err)
	}
	if err := ns.SubscribeAnnouncements(ctx, &auth.Principal{UserID: withdrawn}, d.Unit, false, []int64{-5}); err == nil {
		t.Fatal("a village not of the commune is taken")
	}
	if err := ns.SubscribeAnnouncements(ctx, nil, d.Unit, true, nil); err == nil {
		t.Fatal("subscribed without logging in")
	}

	leader := d.Member(t, "lanhdao", auth.RoleLeader)
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, locale.Zone)
	svc := &announce.Service{Store: st, Now: func() time.Time { return now }, BaseURL: "https://xa.example.vn/"}
	from, _ := calendar.ParseDate("2026-12-10")
	to, _ := calendar.ParseDate("2026-12-20")
	for name, vs := range map[string][]int64{"commune": nil, "village0": {villages[0].ID}} {
		a, err := svc.Create(ctx, leader, d.Unit, announce.Draft{Title: "Lịch tiêm phòng " + name, Body: "Tại nhà văn hóa.", ValidFrom: from, ValidTo: to, Villages: vs})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Publish(ctx, leader, a.ID); err != nil {
			t.Fatal(err)
		}
		// A second publication (replayed from an old version) owes nothing more.
		if _, err := st.PublishAnnouncement(ctx, a, a, notify.Message{UnitID: d.Unit, Kind: notify.KindAnnouncement,
			DedupKey: fmt.Sprintf("announcement:%d:user:", a.ID)}); err == nil {
			t.Fatal("a stale publication was stored")
		}
		rows, err := st.ReaderDB().QueryContext(ctx, `SELECT user_id, kind, recipient, data, dedup_key, status FROM outbox WHERE ref = $1`,
			fmt.Sprintf("announcement:%d", a.ID))
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for rows.Next() {
			var uid int64
			var kind, to, data, key, status string
			if err := rows.Scan(&uid, &kind, &to, &data, &key, &status); err != nil {
				t.Fatal(err)
			}
			if got[uid] {
				t.Errorf("%s: user %d owed twice", name, uid)
			}
			got[uid] = true
			link := fmt.Sprintf("https://xa.example.vn/thong-bao/%d", a.ID)
			if kind != notify.KindAnnouncement || to != "" || status != "pending" || key != fmt.Sprintf("announcement:%d:user:%d", a.ID, uid) ||
				!strings.Contains(data, link) || !strings.Contains(data, "Lịch tiêm phòng") {
				t.Errorf("%s: row %q %q %q %q %q", name, kind, to, data, key, status)
			}
		}
		rows.Close()
		if len(got) != len(want[name]) {
			t.Errorf("%s: %d owed, want %d", name, len(got), len(want[name]))
		}
		for uid := range want[name] {
			if !got[uid] {
				t.Errorf("%s: subscriber %d owed nothing", name, uid)
			}
		}
	}
	// The message renders for each channel: SMS with the link, ZNS within 400.
	data := map[string]string{"tieu_de": strings.Repeat("Thông báo dài ", 14), "duong_dan": "https://xa.example.vn/thong-bao/12"}
	if sms := notify.Render(notify.DefaultTemplate(notify.KindAnnouncement, notify.ChanSMS), data); !strings.Contains(sms, "/thong-bao/12") {
		t.Errorf("SMS %q", sms)
	}
	if _, err := notify.CheckTemplate(notify.KindAnnouncement, notify.ChanZNS, notify.DefaultTemplate(notify.KindAnnouncement, notify.ChanZNS)); err != nil {
		t.Error(err)
	}
}
