package broadcast_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// The operator rearranges a cluster's day (Service.Move): a play of the daily programme
// moved or skipped that day, on that cluster; the feed, the play reports and the play
// log follow; an emergency is never moved, and nothing is moved onto one.
func TestMovePlays(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	leader, culture, counter := d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "vanhoa", auth.RoleCulture), d.Member(t, "motcua", auth.RoleCounter)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	clock := at("2026-12-07 05:00")
	s := &broadcast.Service{Store: d.Store, Sounds: &sounds{}, Voice: &voice{}, Blobs: blobs, Now: func() time.Time { return clock }}
	east, err := s.CreateCluster(ctx, culture, d.Unit, "thon-dong", "Thôn Đông")
	if err != nil {
		t.Fatal(err)
	}
	west, err := s.CreateCluster(ctx, culture, d.Unit, "thon-tay", "Thôn Tây")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := s.RegisterSpeaker(ctx, culture, d.Unit, east.ID, "Loa thôn Đông")
	if err != nil {
		t.Fatal(err)
	}
	_, westToken, err := s.RegisterSpeaker(ctx, culture, d.Unit, west.ID, "Loa thôn Tây")
	if err != nil {
		t.Fatal(err)
	}
	rule, err := broadcast.ParseRule("FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0")
	if err != nil {
		t.Fatal(err)
	}
	approve := func(dr broadcast.Draft) broadcast.Record {
		t.Helper()
		r, err := s.CreateBulletin(ctx, culture, d.Unit, dr)
		if err != nil {
			t.Fatal(err)
		}
		if r, err = s.Approve(ctx, leader, r.ID); err != nil {
			t.Fatal(err)
		}
		return r
	}
	programme := approve(broadcast.Draft{Title: "Chương trình phát thanh", Text: "Tin trong ngày.", Priority: broadcast.Normal,
		Clusters: []int64{east.ID, west.ID}, Schedule: broadcast.Schedule{Start: at("2026-12-01 00:00"), Rule: &rule, End: at("2026-12-31 23:59")}})
	flood := approve(broadcast.Draft{Title: "Cảnh báo lũ", Priority: broadcast.Emergency, Clusters: []int64{east.ID},
		Schedule: broadcast.Schedule{Start: at("2026-12-07 09:00")}, Audio: []byte("ID3 flood")})

	for _, c := range []struct {
		name    string
		p       *auth.Principal
		id      int64
		cluster int64
		due, to string
		skip    bool
		want    error
	}{
		{"a counter officer", counter, programme.ID, east.ID, "2026-12-07 17:00", "2026-12-07 19:00", false, broadcast.ErrForbidden},
		{"not a time of its schedule", culture, programme.ID, east.ID, "2026-12-07 17:05", "2026-12-07 19:00", false, broadcast.ErrMove},
		{"to another day", culture, programme.ID, east.ID, "2026-12-07 17:00", "2026-12-08 08:00", false, broadcast.ErrMove},
		{"to a past time", culture, programme.ID, east.ID, "2026-12-07 17:00", "2026-12-07 04:00", false, broadcast.ErrMove},
		{"a play already past", culture, programme.ID, east.ID, "2026-12-06 17:00", "2026-12-06 19:00", false, broadcast.ErrMove},
		{"an emergency, on a cluster it does not play on", culture, flood.ID, west.ID, "2026-12-07 09:00", "2026-12-07 10:00", false, broadcast.ErrMoveEmergency},
		{"an emergency", culture, flood.ID, east.ID, "2026-12-07 09:00", "2026-12-07 10:00", false, broadcast.ErrMoveEmergency},
		{"onto an emergency", culture, programme.ID, east.ID, "2026-12-07 17:00", "2026-12-07 08:59:30", false, broadcast.ErrOverlapsEmergency},
		{"no such bulletin", culture, 1 << 40, east.ID, "2026-12-07 17:00", "2026-12-07 19:00", false, broadcast.ErrNotFound},
	} {
		_, err := s.Move(ctx, c.p, c.id, c.cluster, at(c.due), at(c.to), c.skip)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// Onto the emergency's cluster but on the other one, the same time is free.
	if _, err := s.Move(ctx, culture, programme.ID, west.ID, at("2026-12-07 17:00"), at("2026-12-07 08:59:30"), false); err != nil {
		t.Fatalf("west onto 8:59:30: %v", err)
	}
	// The culture officer moves the east evening play to 19:30 and skips tomorrow's morning one.
	changed := s.Changes()
	got, err := s.Move(ctx, culture, programme.ID, east.ID, at("2026-12-07 17:00"), at("2026-12-07 19:30"), false)
	if err != nil || len(got.Moves) != 2 {
		t.Fatalf("move: %+v, %v", got.Moves, err)
	}
	select {
	case <-changed:
	default:
		t.Fatal("the move woke no waiting speaker")
	}
	if _, err := s.Move(ctx, culture, programme.ID, east.ID, at("2026-12-08 06:00"), time.Time{}, true); err != nil {
		t.Fatal(err)
	}
	clock = at("2026-12-07 16:59")
	_, f, err := s.FeedFor(ctx, token, -1)
	// (tomorrow's 6:00 skipped, the next within a day is the moved one only)
	if err != nil || f.Now != nil || len(f.Next) != 1 || !f.Next[0].Start.Equal(at("2026-12-07 19:30")) || !f.Next[0].Due.Equal(at("2026-12-07 17:00")) ||
		!f.Next[0].Moved {
		t.Fatalf("east feed at 16:59: %+v, %v", f, err)
	}
	// The west cluster plays the evening one at its time (it was moved there to the morning).
	if _, f, err = s.FeedFor(ctx, westToken, -1); err != nil || len(f.Next) == 0 || !f.Next[0].Start.Equal(at("2026-12-08 06:00")) {
		t.Fatalf("west feed at 16:59: %+v, %v", f, err)
	}
	// Reported at its key (17:00) once it has played at 19:30, not before.
	if err := s.ReportPlay(ctx, token, programme.ID, at("2026-12-07 17:00"), "played"); !errors.Is(err, broadcast.ErrPlay) {
		t.Fatalf("reported before the moved play: %v", err)
	}
	clock = at("2026-12-07 19:41")
	if err := s.ReportPlay(ctx, token, programme.ID, at("2026-12-07 17:00"), "played"); err != nil {
		t.Fatal(err)
	}
	log, err := s.PlayLog(ctx, leader, programme.ID, at("2026-12-07 00:00"), at("2026-12-08 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, e := range log.Entries {
		if e.ClusterID == east.ID && e.Due.Equal(at("2026-12-07 17:00")) && e.Start.Equal(at("2026-12-07 19:30")) && e.Acknowledged() {
			moved++
		}
	}
	if log.Acknowledged != 1 || moved != 1 || len(log.Entries) != 4 {
		t.Fatalf("play log: %+v", log)
	}
	// Once played, it cannot be moved again; put back before its time it plays as scheduled.
	if _, err := s.Move(ctx, culture, programme.ID, east.ID, at("2026-12-07 17:00"), at("2026-12-07 20:00"), false); !errors.Is(err, broadcast.ErrMove) {
		t.Fatalf("moved after playing: %v", err)
	}
	if _, err := s.Move(ctx, culture, programme.ID, east.ID, at("2026-12-08 06:00"), at("2026-12-08 06:00"), false); err != nil {
		t.Fatal(err)
	}
	if _, f, err = s.FeedFor(ctx, token, -1); err != nil || len(f.Next) == 0 || !f.Next[0].Start.Equal(at("2026-12-08 06:00")) || f.Next[0].Moved {
		t.Fatalf("east feed after putting back: %+v, %v", f, err)
	}
}
