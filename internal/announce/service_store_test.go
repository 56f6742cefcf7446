package announce_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// bulletins stands for broadcast.Service and keeps the drafts it was given.
type bulletins struct {
	got  []broadcast.Draft
	unit int64
}

func (b *bulletins) CreateBulletin(_ context.Context, _ *auth.Principal, unitID int64, d broadcast.Draft) (broadcast.Record, error) {
	b.got, b.unit = append(b.got, d), unitID
	return broadcast.Record{Bulletin: broadcast.Bulletin{ID: 7, Title: d.Title}}, nil
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAnnouncements(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	leader, admin, counter := d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "quantri", auth.RoleUnitAdmin), d.Member(t, "motcua", auth.RoleCounter)
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, locale.Zone)
	bs := &bulletins{}
	svc := &announce.Service{Store: d.Store, Bulletins: bs, Now: func() time.Time { return now }}
	villages, err := d.Store.Villages(ctx, d.Unit)
	if err != nil || len(villages) < 3 {
		t.Fatalf("villages %v, %v", villages, err)
	}

	draft := announce.Draft{Title: "Lịch tiêm phòng dại cho chó, mèo", Body: "Ngày 14/12/2026 tại nhà văn hóa thôn.",
		ValidFrom: day("2026-12-08"), ValidTo: day("2026-12-14"), Villages: []int64{villages[1].ID, villages[0].ID, villages[1].ID}}
	if _, err := svc.Create(ctx, counter, d.Unit, draft); !errors.Is(err, announce.ErrForbidden) {
		t.Fatalf("a counter officer writes: %v", err)
	}
	for name, bad := range map[string]struct {
		d    announce.Draft
		want error
	}{
		"no title":      {announce.Draft{Body: "x", ValidFrom: day("2026-12-01"), ValidTo: day("2026-12-02")}, announce.ErrTitle},
		"no body":       {announce.Draft{Title: "x", ValidFrom: day("2026-12-01"), ValidTo: day("2026-12-02")}, announce.ErrBody},
		"no dates":      {announce.Draft{Title: "x", Body: "y"}, announce.ErrDates},
		"ends before":   {announce.Draft{Title: "x", Body: "y", ValidFrom: day("2026-12-02"), ValidTo: day("2026-12-01")}, announce.ErrDates},
		"over a year":   {announce.Draft{Title: "x", Body: "y", ValidFrom: day("2026-12-01"), ValidTo: day("2027-12-02")}, announce.ErrDates},
		"other village": {announce.Draft{Title: "x", Body: "y", ValidFrom: day("2026-12-01"), ValidTo: day("2026-12-02"), Villages: []int64{1 << 40}}, announce.ErrVillage},
	} {
		if _, err := svc.Create(ctx, admin, d.Unit, bad.d); !errors.Is(err, bad.want) {
			t.Errorf("%s: %v, want %v", name, err, bad.want)
		}
	}
	a, err := svc.Create(ctx, admin, d.Unit, draft)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Store.Announcement(ctx, a.ID)
	if err != nil || got.Status != announce.StatusDraft || got.Title != draft.Title || got.ValidTo != draft.ValidTo ||
		len(got.Villages) != 2 || got.Villages[0] != min(villages[0].ID, villages[1].ID) {
		t.Fatalf("stored %+v, %v", got, err)
	}
	if cur, err := svc.Current(ctx, d.Unit, 3); err != nil || len(cur) != 0 {
		t.Fatalf("a draft is public: %+v, %v", cur, err)
	}
	if _, err := svc.Public(ctx, a.ID); !errors.Is(err, announce.ErrNotFound) {
		t.Fatalf("a draft's page: %v", err)
	}
	if _, err := svc.Publish(ctx, admin, a.ID); !errors.Is(err, announce.ErrForbidden) {
		t.Fatalf("the administrator publishes: %v", err)
	}
	// The culture officer writes announcements but does not publish them.
	culture := d.Member(t, "vanhoa", auth.RoleCulture)
	if _, err := svc.Publish(ctx, culture, a.ID); !errors.Is(err, announce.ErrForbidden) {
		t.Fatalf("the culture officer publishes: %v", err)
	}
	if a, err = svc.Publish(ctx, leader, a.ID); err != nil || a.Status != announce.StatusPublished || a.PublishedAt.IsZero() {
		t.Fatalf("publish: %+v, %v", a, err)
	}
	if _, err := svc.Publish(ctx, leader, a.ID); !errors.Is(err, announce.ErrState) {
		t.Fatalf("published twice: %v", err)
	}
	// A second one, valid later, and a third published after the first.
	later, err := svc.Create(ctx, admin, d.Unit, announce.Draft{Title: "Họp dân tháng 1", Body: "…", ValidFrom: day("2027-01-02"), ValidTo: day("2027-01-05")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, leader, later.ID); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	third, err := svc.Create(ctx, leader, d.Unit, announce.Draft{Title: "Thu gom rác", Body: "Thứ Bảy.", ValidFrom: day("2026-12-10"), ValidTo: day("2026-12-10")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, leader, third.ID); err != nil {
		t.Fatal(err)
	}
	cur, err := svc.Current(ctx, d.Unit, 3)
	if err != nil || len(cur) != 2 || cur[0].ID != third.ID || cur[1].ID != a.ID || len(cur[1].Villages) != 2 {
		t.Fatalf("current on 10/12: %+v, %v", cur, err)
	}
	if cur, _ := svc.Current(ctx, d.Unit, 1); len(cur) != 1 {
		t.Fatalf("limit 1: %d", len(cur))
	}
	// A village's people see the commune's and their village's; another village's
	// people only the commune's.
	if cur, err := svc.ForVillage(ctx, d.Unit, villages[0].ID, 3); err != nil || len(cur) != 2 {
		t.Fatalf("for the first village: %+v, %v", cur, err)
	}
	if cur, err := svc.ForVillage(ctx, d.Unit, villages[2].ID, 3); err != nil || len(cur) != 1 || cur[0].ID != third.ID {
		t.Fatalf("for the third village: %+v, %v", cur, err)
	}
	now = now.AddDate(0, 0, 1) // 11/12: the third's last day was yesterday
	if cur, _ := svc.Current(ctx, d.Unit, 3); len(cur) != 1 || cur[0].ID != a.ID {
		t.Fatalf("current on 11/12: %+v", cur)
	}
	if _, err := svc.Public(ctx, later.ID); !errors.Is(err, announce.ErrNotFound) {
		t.Fatalf("not yet valid: %v", err)
	}
	if p, err := svc.Public(ctx, a.ID); err != nil || p.Body != draft.Body {
		t.Fatalf("public page: %+v, %v", p, err)
	}

	// Read aloud: a bulletin draft of its text on the chosen clusters.
	sch := broadcast.Schedule{Start: now.Add(time.Hour)}
	if _, err := svc.ReadAloud(ctx, counter, a.ID, []int64{3}, sch); !errors.Is(err, announce.ErrForbidden) {
		t.Fatalf("a counter officer reads aloud: %v", err)
	}
	if _, err := svc.ReadAloud(ctx, admin, a.ID, []int64{3}, sch); err != nil || len(bs.got) != 1 || bs.unit != d.Unit ||
		bs.got[0].Text != draft.Body || bs.got[0].Title != draft.Title || bs.got[0].Clusters[0] != 3 || bs.got[0].Priority != broadcast.Normal {
		t.Fatalf("read aloud: %+v, %v", bs.got, err)
	}

	// Withdrawn: off the portal, and not twice; a stale version is refused.
	if _, err := svc.Withdraw(ctx, counter, a.ID); !errors.Is(err, announce.ErrForbidden) {
		t.Fatalf("a counter officer withdraws: %v", err)
	}
	stale, _ := d.Store.Announcement(ctx, a.ID)
	if _, err := svc.Withdraw(ctx, admin, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Store.SaveAnnouncement(ctx, stale, stale, "announcement.withdraw"); !errors.Is(err, announce.ErrChanged) {
		t.Fatalf("stale save: %v", err)
	}
	if _, err := svc.Withdraw(ctx, admin, a.ID); !errors.Is(err, announce.ErrState) {
		t.Fatalf("withdrawn twice: %v", err)
	}
	if cur, _ := svc.Current(ctx, d.Unit, 3); len(cur) != 0 {
		t.Fatalf("withdrawn still shown: %+v", cur)
	}
	if _, err := svc.ReadAloud(ctx, admin, a.ID, []int64{3}, sch); !errors.Is(err, announce.ErrState) {
		t.Fatalf("a withdrawn one read aloud: %v", err)
	}
	all, err := svc.List(ctx, admin, d.Unit)
	if err != nil || len(all) != 3 || all[0].ID != third.ID {
		t.Fatalf("list: %+v, %v", all, err)
	}
	if _, err := svc.Create(ctx, culture, d.Unit, draft); err != nil {
		t.Fatalf("the culture officer writes: %v", err)
	}
}

// sounds stands for ffmpeg: every sound becomes a minute of "MP3".
type sounds struct{}

func (sounds) Convert(_ context.Context, b []byte) ([]byte, audio.Info, error) {
	return append([]byte("ID3"), b...), audio.Info{Format: "mp3", Seconds: 60}, nil
}

// voice stands for espeak-ng and keeps what it was asked to say.
type voice struct{ said []string }

func (v *voice) Synthesize(_ context.Context, text string) ([]byte, error) {
	v.said = append(v.said, text)
	return []byte("RIFF\x00\x00\x00\x00WAVEfmt "), nil
}

// Read aloud through the real loudspeakers' service: a bulletin draft of the text, read
// by the voice, on the chosen cluster, waiting for the leader's approval.
func TestReadAloudMakesABulletinDraft(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	u, err := d.Store.UserByUsername(ctx, "quantri")
	if err != nil {
		t.Fatal(err)
	}
	admin := &auth.Principal{UserID: u.ID, Memberships: []auth.Membership{{UnitID: d.Unit, Role: auth.RoleUnitAdmin}}}
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, locale.Zone)
	vc := &voice{}
	bc := &broadcast.Service{Store: d.Store, Sounds: sounds{}, Voice: vc, Blobs: blobs, Now: func() time.Time { return now }}
	svc := &announce.Service{Store: d.Store, Bulletins: bc, Now: bc.Now}
	cluster, err := bc.CreateCluster(ctx, admin, d.Unit, "thon-dong", "Thôn Đông")
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Create(ctx, admin, d.Unit, announce.Draft{Title: "Họp dân", Body: "Lúc 7h30 ngày 14/12/2026 tại nhà văn hóa.",
		ValidFrom: day("2026-12-10"), ValidTo: day("2026-12-14")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReadAloud(ctx, admin, a.ID, nil, broadcast.Schedule{Start: now.Add(time.Hour)}); !errors.Is(err, broadcast.ErrCluster) {
		t.Fatalf("no cluster: %v", err)
	}
	b, err := svc.ReadAloud(ctx, admin, a.ID, []int64{cluster.ID}, broadcast.Schedule{Start: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := d.Store.Bulletin(ctx, b.ID)
	if err != nil || stored.Status != broadcast.StatusDraft || stored.Title != "Họp dân" || stored.Body != a.Body ||
		len(stored.Clusters) != 1 || stored.Clusters[0] != cluster.ID || stored.Priority != broadcast.Normal {
		t.Fatalf("bulletin %+v, %v", stored, err)
	}
	if len(vc.said) != 1 || !strings.Contains(vc.said[0], "bảy giờ ba mươi") {
		t.Fatalf("the voice said %q", vc.said)
	}
}
