package broadcast_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// sounds stands for ffmpeg (internal/audio has its own tests against the real one): every
// sound becomes a minute of "MP3".
type sounds struct{ got [][]byte }

func (s *sounds) Convert(_ context.Context, b []byte) ([]byte, audio.Info, error) {
	s.got = append(s.got, b)
	if audio.Kind(b) == "" {
		return nil, audio.Info{}, audio.ErrNotAudio
	}
	return append([]byte("ID3"), b...), audio.Info{Format: "mp3", Seconds: 60}, nil
}

// voice stands for espeak-ng and keeps what it was asked to say.
type voice struct{ said []string }

func (v *voice) Synthesize(_ context.Context, text string) ([]byte, error) {
	v.said = append(v.said, text)
	return []byte("RIFF\x00\x00\x00\x00WAVEfmt "), nil
}

func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	t, err := time.ParseInLocation(layout, s, locale.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLoudspeakers(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	leader, admin, counter := d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "quantri", auth.RoleUnitAdmin), d.Member(t, "motcua", auth.RoleCounter)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	clock := at("2026-12-07 05:59")
	snd, vc := &sounds{}, &voice{}
	s := &broadcast.Service{Store: d.Store, Sounds: snd, Voice: vc, Blobs: blobs, Now: func() time.Time { return clock }}

	if _, err := s.CreateCluster(ctx, counter, d.Unit, "thon-dong", "Thôn Đông"); !errors.Is(err, broadcast.ErrForbidden) {
		t.Fatalf("a counter officer adds a cluster: %v", err)
	}
	east, err := s.CreateCluster(ctx, admin, d.Unit, "thon-dong", "Thôn Đông")
	if err != nil {
		t.Fatal(err)
	}
	west, err := s.CreateCluster(ctx, admin, d.Unit, "thon-tay", "Thôn Tây")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCluster(ctx, admin, d.Unit, "thon-dong", "again"); !errors.Is(err, broadcast.ErrCluster) {
		t.Fatalf("the same code twice: %v", err)
	}
	sp, token, err := s.RegisterSpeaker(ctx, admin, d.Unit, east.ID, "Loa nhà văn hóa thôn Đông")
	if err != nil || token == "" {
		t.Fatal(err)
	}
	_, westToken, err := s.RegisterSpeaker(ctx, admin, d.Unit, west.ID, "Loa thôn Tây")
	if err != nil {
		t.Fatal(err)
	}

	// The daily programme, read aloud from its text, on both clusters.
	rule, err := broadcast.ParseRule("FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0")
	if err != nil {
		t.Fatal(err)
	}
	programme, err := s.CreateBulletin(ctx, admin, d.Unit, broadcast.Draft{Title: "Chương trình phát thanh", Text: "Lịch tiêm chủng 7h30 ngày 14/12/2026 tại UBND xã.",
		Priority: broadcast.Normal, Clusters: []int64{east.ID, west.ID},
		Schedule: broadcast.Schedule{Start: at("2026-12-07 00:00"), Rule: &rule, End: at("2026-12-31 23:59")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vc.said) != 1 || vc.said[0] != "chương trình phát thanh. lịch tiêm chủng bảy giờ ba mươi phút ngày mười bốn tháng mười hai năm hai nghìn không trăm hai mươi sáu tại ủy ban nhân dân xã" {
		t.Fatalf("the voice was asked to say %q", vc.said)
	}
	if programme.Status != broadcast.StatusDraft || programme.Seconds != 60 || programme.AudioKey == "" {
		t.Fatalf("draft: %+v", programme)
	}
	// A draft does not play; the leader approves.
	if _, f, err := s.FeedFor(ctx, token, -1); err != nil || f.Now != nil || len(f.Next) != 0 {
		t.Fatalf("feed before approval: %+v, %v", f, err)
	}
	if _, err := s.Approve(ctx, admin, programme.ID); !errors.Is(err, broadcast.ErrForbidden) {
		t.Fatalf("the administrator approves: %v", err)
	}
	// The culture officer (công chức văn hóa - xã hội) runs the speakers but does not approve.
	culture := d.Member(t, "vanhoa", auth.RoleCulture)
	if _, err := s.CreateCluster(ctx, culture, d.Unit, "trung-tam", "Trung tâm xã"); err != nil {
		t.Fatalf("the culture officer adds a cluster: %v", err)
	}
	if _, err := s.Approve(ctx, culture, programme.ID); !errors.Is(err, broadcast.ErrForbidden) {
		t.Fatalf("the culture officer approves: %v", err)
	}
	changed := s.Changes() // a speaker's long poll waits on it
	if programme, err = s.Approve(ctx, leader, programme.ID); err != nil || programme.Status != broadcast.StatusApproved {
		t.Fatalf("approve: %+v, %v", programme, err)
	}
	select {
	case <-changed:
	default:
		t.Fatal("the approval woke no waiting speaker")
	}
	if _, err := s.Approve(ctx, leader, programme.ID); !errors.Is(err, broadcast.ErrState) {
		t.Fatalf("approved twice: %v", err)
	}
	_, f, err := s.FeedFor(ctx, token, 70)
	if err != nil || f.Now != nil || len(f.Next) != 2 || !f.Next[0].Start.Equal(at("2026-12-07 06:00")) || f.Next[0].Bulletin != programme.ID {
		t.Fatalf("feed at 5:59: %+v, %v", f, err)
	}
	clock = at("2026-12-07 06:00")
	if _, f, err = s.FeedFor(ctx, token, -1); err != nil || f.Now == nil || f.Now.Bulletin != programme.ID {
		t.Fatalf("feed at 6:00: %+v, %v", f, err)
	}

	// An emergency for the east cluster, uploaded: it cuts the programme there only.
	clock = at("2026-12-07 06:00:20")
	flood, err := s.CreateBulletin(ctx, leader, d.Unit, broadcast.Draft{Title: "Cảnh báo lũ", Priority: broadcast.Emergency,
		Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: at("2026-12-07 06:00:40")}, Audio: []byte("ID3 flood")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, leader, flood.ID); err != nil {
		t.Fatal(err)
	}
	clock = at("2026-12-07 06:00:41")
	if _, f, err = s.FeedFor(ctx, token, -1); err != nil || f.Now == nil || f.Now.Bulletin != flood.ID {
		t.Fatalf("east at 6:00:41: %+v, %v", f, err)
	}
	if _, f, err = s.FeedFor(ctx, westToken, -1); err != nil || f.Now == nil || f.Now.Bulletin != programme.ID {
		t.Fatalf("west at 6:00:41: %+v, %v", f, err)
	}
	// A normal bulletin over the emergency is refused when the leader approves it.
	clash, err := s.CreateBulletin(ctx, admin, d.Unit, broadcast.Draft{Title: "Thông báo", Text: "Họp thôn", Priority: broadcast.Normal,
		Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: at("2026-12-07 06:01")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, leader, clash.ID); !errors.Is(err, broadcast.ErrOverlapsEmergency) {
		t.Fatalf("over the emergency: %v", err)
	}

	// Plays are reported once each; a play of another cluster or at a time it was not due is refused.
	clock = at("2026-12-07 06:12")
	if err := s.ReportPlay(ctx, token, programme.ID, at("2026-12-07 06:00"), "cut"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReportPlay(ctx, token, programme.ID, at("2026-12-07 06:00"), "cut"); err != nil {
		t.Fatalf("reported again: %v", err)
	}
	for _, bad := range []struct {
		token string
		id    int64
		due   string
		st    string
	}{
		{westToken, flood.ID, "2026-12-07 06:00:40", "played"}, // not on the west cluster
		{token, programme.ID, "2026-12-07 06:05", "played"},    // not a due time
		{token, programme.ID, "2026-12-07 17:00", "played"},    // not yet
		{token, programme.ID, "2026-12-07 06:00", "exploded"},  // no such status
		{token, clash.ID, "2026-12-07 06:01", "played"},        // not approved
	} {
		if err := s.ReportPlay(ctx, bad.token, bad.id, at(bad.due), bad.st); !errors.Is(err, broadcast.ErrPlay) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	plays, err := d.Store.Plays(ctx, programme.ID)
	if err != nil || len(plays) != 1 || plays[0].SpeakerID != sp.ID || plays[0].Status != "cut" {
		t.Fatalf("plays: %+v, %v", plays, err)
	}

	// Speakers: the east one was last seen at 6:00:41 with the volume it said at 5:59; at
	// 6:12 both are silent.
	sps, err := d.Store.Speakers(ctx, d.Unit)
	if err != nil || len(sps) != 2 || sps[0].Volume != 70 || !broadcast.Silent(sps[0], clock) || broadcast.Silent(sps[0], at("2026-12-07 06:01:30")) {
		t.Fatalf("speakers: %+v, %v", sps, err)
	}
	if _, _, err := s.FeedFor(ctx, "not-a-token", -1); !errors.Is(err, broadcast.ErrSpeaker) {
		t.Fatalf("a wrong token: %v", err)
	}

	// Withdrawn, it plays no more.
	if _, err := s.Withdraw(ctx, admin, programme.ID); err != nil {
		t.Fatal(err)
	}
	clock = at("2026-12-07 16:59")
	if _, f, err = s.FeedFor(ctx, westToken, -1); err != nil || f.Now != nil || len(f.Next) != 0 {
		t.Fatalf("after withdrawal: %+v, %v", f, err)
	}

	// Bad drafts.
	for _, c := range []struct {
		d    broadcast.Draft
		want error
	}{
		{broadcast.Draft{Title: "", Text: "x", Priority: broadcast.Normal, Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: clock}}, broadcast.ErrTitle},
		{broadcast.Draft{Title: "x", Text: "x", Priority: "loud", Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: clock}}, broadcast.ErrPriority},
		{broadcast.Draft{Title: "x", Text: "x", Priority: broadcast.Normal, Clusters: []int64{999999}, Schedule: broadcast.Schedule{Start: clock}}, broadcast.ErrCluster},
		{broadcast.Draft{Title: "x", Priority: broadcast.Normal, Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: clock}}, broadcast.ErrNoSound},
		{broadcast.Draft{Title: "x", Priority: broadcast.Normal, Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: clock}, Audio: []byte("%PDF-1.7")}, audio.ErrNotAudio},
		{broadcast.Draft{Title: "x", Text: "x", Priority: broadcast.Normal, Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: clock, Rule: &rule}}, broadcast.ErrNoEnd},
	} {
		if _, err := s.CreateBulletin(ctx, admin, d.Unit, c.d); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.d.Title, err, c.want)
		}
	}
}
