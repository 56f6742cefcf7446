package broadcast_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestPlayLog: the daily programme on two clusters (two speakers east, one west), cut at
// 6:00:40 on the east by an emergency; the log holds every speaker × planned play with
// its report, and the month's totals count them per cluster.
func TestPlayLog(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	leader, admin, counter := d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "quantri", auth.RoleUnitAdmin), d.Member(t, "motcua", auth.RoleCounter)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	clock := at("2026-12-07 05:00")
	s := &broadcast.Service{Store: d.Store, Sounds: &sounds{}, Voice: &voice{}, Blobs: blobs, Now: func() time.Time { return clock }}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	east, err := s.CreateCluster(ctx, admin, d.Unit, "thon-dong", "Thôn Đông")
	must(err)
	west, err := s.CreateCluster(ctx, admin, d.Unit, "thon-tay", "Thôn Tây")
	must(err)
	e1, tok1, err := s.RegisterSpeaker(ctx, admin, d.Unit, east.ID, "Loa 1 thôn Đông")
	must(err)
	e2, _, err := s.RegisterSpeaker(ctx, admin, d.Unit, east.ID, "Loa 2 thôn Đông")
	must(err)
	w1, tokW, err := s.RegisterSpeaker(ctx, admin, d.Unit, west.ID, "Loa thôn Tây")
	must(err)
	rule, err := broadcast.ParseRule("FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0")
	must(err)
	programme, err := s.CreateBulletin(ctx, admin, d.Unit, broadcast.Draft{Title: "Chương trình phát thanh", Text: "Tin trong ngày.",
		Priority: broadcast.Normal, Clusters: []int64{east.ID, west.ID},
		Schedule: broadcast.Schedule{Start: at("2026-12-07 00:00"), Rule: &rule, End: at("2026-12-31 23:59")}})
	must(err)
	_, err = s.Approve(ctx, leader, programme.ID)
	must(err)
	flood, err := s.CreateBulletin(ctx, leader, d.Unit, broadcast.Draft{Title: "Cảnh báo lũ", Priority: broadcast.Emergency,
		Clusters: []int64{east.ID}, Schedule: broadcast.Schedule{Start: at("2026-12-07 06:00:40")}, Audio: []byte("ID3 flood")})
	must(err)
	_, err = s.Approve(ctx, leader, flood.ID)
	must(err)

	clock = at("2026-12-07 06:12")
	must(s.ReportPlay(ctx, tok1, programme.ID, at("2026-12-07 06:00"), "cut"))
	must(s.ReportPlay(ctx, tok1, flood.ID, at("2026-12-07 06:00:40"), "played"))
	must(s.ReportPlay(ctx, tokW, programme.ID, at("2026-12-07 06:00"), "played"))

	day, next := at("2026-12-07 00:00"), at("2026-12-08 00:00")
	if _, err := s.PlayLog(ctx, counter, programme.ID, day, next); !errors.Is(err, broadcast.ErrForbidden) {
		t.Fatalf("a counter officer reads the log: %v", err)
	}
	for _, p := range [][2]time.Time{{next, day}, {day, day}, {day, day.AddDate(0, 0, 32)}} {
		if _, err := s.PlayLog(ctx, admin, programme.ID, p[0], p[1]); !errors.Is(err, broadcast.ErrPeriod) {
			t.Errorf("period %v: %v", p, err)
		}
	}
	log, err := s.PlayLog(ctx, admin, programme.ID, day, next)
	must(err)
	var got []string
	for _, e := range log.Entries {
		got = append(got, fmt.Sprintf("%s %d cut=%t %q", e.Due.Format("15:04"), e.SpeakerID, e.Cut, e.Reported))
	}
	want := []string{
		fmt.Sprintf("06:00 %d cut=true \"cut\"", e1.ID),
		fmt.Sprintf("06:00 %d cut=true \"\"", e2.ID),
		fmt.Sprintf("06:00 %d cut=false \"played\"", w1.ID),
		fmt.Sprintf("17:00 %d cut=false \"\"", e1.ID),
		fmt.Sprintf("17:00 %d cut=false \"\"", e2.ID),
		fmt.Sprintf("17:00 %d cut=false \"\"", w1.ID),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || log.Acknowledged != 2 {
		t.Fatalf("log (%d acknowledged):\n%s\nwant:\n%s", log.Acknowledged, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !log.Entries[0].End.Equal(at("2026-12-07 06:00:40")) {
		t.Errorf("the cut play ends at %v", log.Entries[0].End)
	}
	// A draft has planned nothing yet.
	draft, err := s.CreateBulletin(ctx, admin, d.Unit, broadcast.Draft{Title: "Họp thôn", Text: "Họp thôn lúc 19h.", Priority: broadcast.Normal,
		Clusters: []int64{west.ID}, Schedule: broadcast.Schedule{Start: at("2026-12-07 19:00")}})
	must(err)
	if dl, err := s.PlayLog(ctx, admin, draft.ID, day, next); err != nil || len(dl.Entries) != 0 {
		t.Fatalf("a draft's log: %+v, %v", dl.Entries, err)
	}

	// The month: 25 days × 2 plays; the east also has the emergency, and loses 20 s of
	// the 6:00 programme to it.
	if _, err := broadcast.ParseMonth("2026-13"); !errors.Is(err, broadcast.ErrMonth) {
		t.Fatalf("month 13: %v", err)
	}
	month, err := broadcast.ParseMonth("2026-12")
	must(err)
	if _, err := s.Monthly(ctx, counter, d.Unit, month); !errors.Is(err, broadcast.ErrForbidden) {
		t.Fatalf("a counter officer reads the totals: %v", err)
	}
	totals, err := s.Monthly(ctx, leader, d.Unit, month)
	must(err)
	if len(totals) != 2 {
		t.Fatalf("totals: %+v", totals)
	}
	type tot struct {
		planned, ack, emergencies int
		minutes                   float64
	}
	for i, w := range []tot{{102, 2, 1, 49 + 40.0/60 + 1}, {50, 1, 0, 50}} {
		g := totals[i]
		if g.Planned != w.planned || g.Acknowledged != w.ack || g.Emergencies != w.emergencies || math.Abs(g.Minutes-w.minutes) > 1e-6 {
			t.Errorf("%s: %+v, want %+v", g.Cluster.Name, g, w)
		}
	}
	// A bulletin approved after its first due time: that play was never planned.
	rule5, err := broadcast.ParseRule("FREQ=DAILY;BYHOUR=6;BYMINUTE=5")
	must(err)
	late, err := s.CreateBulletin(ctx, admin, d.Unit, broadcast.Draft{Title: "Tin sáng", Text: "Tin sáng.", Priority: broadcast.Normal,
		Clusters: []int64{west.ID}, Schedule: broadcast.Schedule{Start: at("2026-12-07 00:00"), Rule: &rule5, End: at("2026-12-08 23:59")}})
	must(err)
	_, err = s.Approve(ctx, leader, late.ID) // at 6:12
	must(err)
	ll, err := s.PlayLog(ctx, admin, late.ID, day, next.AddDate(0, 0, 1))
	must(err)
	if len(ll.Entries) != 1 || !ll.Entries[0].Due.Equal(at("2026-12-08 06:05")) {
		t.Fatalf("approved at 6:12, due 6:05 daily: %+v", ll.Entries)
	}
	// November had nothing.
	nov, err := broadcast.ParseMonth("2026-11")
	must(err)
	totals, err = s.Monthly(ctx, leader, d.Unit, nov)
	must(err)
	for _, g := range totals {
		if g.Planned != 0 || g.Minutes != 0 {
			t.Errorf("November: %+v", g)
		}
	}

	// Withdrawn at noon on the 10th, the programme played until then: on the 10th only its
	// 6:00 play is in its log, and the month counts its plays of the 7th to the 10th.
	clock = at("2026-12-10 12:00")
	_, err = s.Withdraw(ctx, admin, programme.ID)
	must(err)
	wl, err := s.PlayLog(ctx, admin, programme.ID, at("2026-12-10 00:00"), at("2026-12-11 00:00"))
	must(err)
	if len(wl.Entries) != 3 || !wl.Entries[0].Due.Equal(at("2026-12-10 06:00")) {
		t.Fatalf("withdrawn, its log of the 10th: %+v", wl.Entries)
	}
	totals, err = s.Monthly(ctx, leader, d.Unit, month)
	must(err)
	// East: 7 plays of the programme and the emergency, × 2 speakers; west: 7 and Tin sáng's one.
	if totals[0].Planned != 16 || totals[0].Acknowledged != 2 || totals[0].Emergencies != 1 || totals[1].Planned != 8 || totals[1].Acknowledged != 1 {
		t.Fatalf("after the withdrawal: %+v", totals)
	}
}
