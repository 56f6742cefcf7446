package broadcast_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/broadcast/source"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestSourceSystem: an approved bulletin's metadata and its day's play log reach the
// (fake) source system through the outbox: once each, the log after the metadata, after
// the system was down for the first attempt.
func TestSourceSystem(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	leader, admin := d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "quantri", auth.RoleUnitAdmin)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	clock := at("2026-12-07 05:00")
	now := func() time.Time { return clock }
	d.Store.SetClock(now) // the outbox's times are the store's
	s := &broadcast.Service{Store: d.Store, Sounds: &sounds{}, Voice: &voice{}, Blobs: blobs, Now: now, Source: true,
		UnitCode: func(context.Context, int64) (string, error) { return "14731", nil }}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	east, err := s.CreateCluster(ctx, admin, d.Unit, "thon-dong", "Thôn Đông")
	must(err)
	_, tok, err := s.RegisterSpeaker(ctx, admin, d.Unit, east.ID, "Loa thôn Đông")
	must(err)
	rule, err := broadcast.ParseRule("FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0")
	must(err)
	programme, err := s.CreateBulletin(ctx, admin, d.Unit, broadcast.Draft{Title: "Chương trình phát thanh", Text: "Tin trong ngày.",
		Priority: broadcast.Normal, Clusters: []int64{east.ID},
		Schedule: broadcast.Schedule{Start: at("2026-12-07 00:00"), Rule: &rule, End: at("2026-12-08 23:59")}})
	must(err)
	_, err = s.Approve(ctx, leader, programme.ID)
	must(err)
	clock = at("2026-12-07 06:05")
	must(s.ReportPlay(ctx, tok, programme.ID, at("2026-12-07 06:00"), "played"))
	for range 2 { // the job run twice queues the day once
		n, err := s.QueueDailyLogs(ctx, d.Unit, at("2026-12-07 12:00"))
		if err != nil || n != 1 {
			t.Fatalf("daily logs: %d, %v", n, err)
		}
	}

	fake := &source.Fake{Token: "bi-mat"}
	ts := httptest.NewServer(fake)
	t.Cleanup(ts.Close)
	w := &source.Worker{Store: d.Store, System: &source.Client{URL: ts.URL + "/api/v1", Token: "bi-mat"}, Now: now}
	fake.FailNext(1)
	clock = at("2026-12-08 00:10")
	if n, err := w.Deliver(ctx); err != nil || n != 0 || len(fake.Messages()) != 0 {
		t.Fatalf("the system down: %d sent, %v, %d kept (the log must wait for the metadata)", n, err, len(fake.Messages()))
	}
	// The operators' view of the outbox: both waiting, the metadata tried once.
	if _, err := s.SourceOutbox(ctx, &auth.Principal{Memberships: []auth.Membership{{UnitID: d.Unit, Role: auth.RoleCounter}}}, d.Unit); !errors.Is(err, broadcast.ErrForbidden) {
		t.Fatalf("a counter officer reads the outbox: %v", err)
	}
	o, err := s.SourceOutbox(ctx, admin, d.Unit)
	if err != nil || o.Pending != 2 || o.Sent != 0 || len(o.Latest) != 2 || o.Latest[1].Kind != source.KindBulletin || o.Latest[1].Attempts != 1 ||
		o.Latest[1].LastError == "" || o.Latest[0].Kind != source.KindPlayLog {
		t.Fatalf("outbox while the system is down: %+v, %v", o, err)
	}
	clock = clock.Add(2 * time.Minute)
	if n, err := w.Deliver(ctx); err != nil || n != 2 {
		t.Fatalf("the system back: %d sent, %v", n, err)
	}
	if n, err := w.Deliver(ctx); err != nil || n != 0 {
		t.Fatalf("again: %d sent, %v", n, err)
	}
	if o, err := s.SourceOutbox(ctx, admin, d.Unit); err != nil || o.Pending != 0 || o.Sent != 2 || o.Latest[0].SentAt.IsZero() {
		t.Fatalf("outbox once sent: %+v, %v", o, err)
	}
	got := fake.Messages()
	if len(got) != 2 || got[0].Kind != source.KindBulletin || got[1].Kind != source.KindPlayLog {
		t.Fatalf("received: %+v", got)
	}
	var info source.BulletinInfo
	must(json.Unmarshal(got[0].Payload, &info))
	if info.Unit != "14731" || info.Bulletin != programme.ID || info.Priority != "normal" || len(info.Clusters) != 1 || info.Clusters[0] != "thon-dong" ||
		info.Rule == "" || info.Seconds != 60 {
		t.Fatalf("bulletin: %+v", info)
	}
	var rep source.PlayLogReport
	must(json.Unmarshal(got[1].Payload, &rep))
	if rep.Day != "2026-12-07" || rep.Planned != 2 || rep.Acknowledged != 1 || len(rep.Plays) != 2 || rep.Plays[0].Reported != "played" || rep.Plays[1].Reported != "" {
		t.Fatalf("play log: %+v", rep)
	}
	// A retried send of a message the system has is taken without a second copy; a wrong
	// token is an error.
	c := &source.Client{URL: ts.URL + "/api/v1", Token: "bi-mat"}
	must(c.Send(ctx, source.Message{MessageID: got[0].MessageID, Kind: source.KindBulletin, Payload: got[0].Payload}))
	if len(fake.Messages()) != 2 {
		t.Fatal("a retried send was kept twice")
	}
	bad := &source.Client{URL: ts.URL + "/api/v1", Token: "sai"}
	if err := bad.Send(ctx, source.Message{MessageID: "x", Kind: source.KindBulletin, Payload: []byte("{}")}); err == nil {
		t.Fatal("a wrong token was accepted")
	}
}
