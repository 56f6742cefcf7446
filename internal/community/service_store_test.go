package community_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/workcal"
)

func service(t *testing.T, now time.Time) (*community.Service, storetest.Demo) {
	t.Helper()
	d := storetest.OpenDemo(t)
	return &community.Service{Store: d.Store, Calendars: workcal.New(d.Store), Now: func() time.Time { return now }}, d
}

// The demo's twelve villages have stable codes, their counts and a team of three each:
// 36 members, joined in 2021.
func TestDemoVillagesAndTeams(t *testing.T) {
	ctx := context.Background()
	svc, d := service(t, time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	vs, err := svc.Villages(ctx, d.Unit)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 12 || vs[0].Code != demo.CommuneCode+"-01" || vs[11].Code != demo.CommuneCode+"-12" {
		t.Fatalf("villages: %d, first %q", len(vs), vs[0].Code)
	}
	for i, v := range vs {
		if v.Name != demo.Villages[i] || v.Count.Households != demo.VillageCounts[i][0] || v.Count.Source == "" || len(v.Coverage) != 2 {
			t.Errorf("village %d: %+v", i, v)
		}
	}
	leader := d.Member(t, "lanhdao", auth.RoleLeader)
	teams, err := svc.Teams(ctx, leader, d.Unit)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, tm := range teams {
		if tm.Members != 3 {
			t.Errorf("team of %s: %d members", tm.Village.Name, tm.Members)
		}
		total += tm.Members
	}
	members, err := svc.Members(ctx, leader, d.Unit, 0)
	if err != nil {
		t.Fatal(err)
	}
	joined2021 := 0
	for _, m := range members {
		if m.Joined.Year == 2021 {
			joined2021++
		}
	}
	if total != demo.TeamMembers || joined2021 != demo.TeamMembers {
		t.Fatalf("members: %d serving, %d joined in 2021", total, joined2021)
	}
	// A citizen sees neither the teams nor the members' phones; a volunteer sees the
	// teams' counts but not the phones.
	if _, err := svc.Teams(ctx, d.Member(t, "congdan", auth.RoleCitizen), d.Unit); !errors.Is(err, community.ErrNotReader) {
		t.Fatalf("citizen's teams: %v", err)
	}
	volunteer := d.Member(t, "tocongnghe", auth.RoleDigitalTeam)
	if _, err := svc.Teams(ctx, volunteer, d.Unit); err != nil {
		t.Fatalf("volunteer's teams: %v", err)
	}
	if _, err := svc.Members(ctx, volunteer, d.Unit, 0); !errors.Is(err, community.ErrNotReader) {
		t.Fatalf("volunteer's members: %v", err)
	}
}

// A visit is the volunteer's own record, in their own village; a household count below
// the accounts the team opened there is refused.
func TestVisitsAndCounts(t *testing.T) {
	ctx := context.Background()
	svc, d := service(t, time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	volunteer := d.Member(t, "tocongnghe", auth.RoleDigitalTeam)
	today := svc.Today()
	v, err := svc.RecordVisit(ctx, volunteer, community.VisitInput{Visited: today, Households: 4, Installs: 3, Accounts: 4500, Payments: 1})
	var fe *community.FieldError
	if !errors.As(err, &fe) || fe.Fields["accounts"] == "" {
		t.Fatalf("4,500 accounts in one visit: %v", err)
	}
	v, err = svc.RecordVisit(ctx, volunteer, community.VisitInput{Visited: today, Households: 4, Installs: 3, Accounts: 2, Payments: 1, Note: "Hướng dẫn cài VNeID"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordVisit(ctx, volunteer, community.VisitInput{Visited: today.AddDays(1), Households: 1}); !errors.As(err, &fe) || fe.Fields["visited_on"] == "" {
		t.Fatalf("a visit tomorrow: %v", err)
	}
	if _, err := svc.RecordVisit(ctx, d.Member(t, "congdan", auth.RoleCitizen), community.VisitInput{Visited: today, Households: 1}); !errors.Is(err, community.ErrNotMember) {
		t.Fatalf("a citizen's visit: %v", err)
	}
	visits, totals, err := svc.MyVisits(ctx, volunteer, 10)
	if err != nil || len(visits) != 1 || visits[0].ID != v.ID || totals.Installs != 3 {
		t.Fatalf("my visits: %v %+v %+v", err, visits, totals)
	}
	other := d.Member(t, "tcn05", auth.RoleDigitalTeam)
	if vs, _, err := svc.MyVisits(ctx, other, 10); err != nil || len(vs) != 0 {
		t.Fatalf("another volunteer sees %d visits (%v)", len(vs), err)
	}

	leader := d.Member(t, "lanhdao", auth.RoleLeader)
	if _, err := svc.AddCount(ctx, leader, community.Count{VillageID: v.VillageID, AsOf: today, Households: 1, People: 3, Source: "Thử"}); !errors.Is(err, community.ErrBelowAccounts) {
		t.Fatalf("households below accounts: %v", err)
	}
	if _, err := svc.AddCount(ctx, leader, community.Count{VillageID: v.VillageID, AsOf: today, Households: 420, People: 1600}); !errors.As(err, &fe) || fe.Fields["source"] == "" {
		t.Fatalf("a count without source: %v", err)
	}
	if _, err := svc.AddCount(ctx, volunteer, community.Count{VillageID: v.VillageID, AsOf: today, Households: 420, People: 1600, Source: "Thử"}); !errors.Is(err, community.ErrNotEditor) {
		t.Fatalf("a volunteer's count: %v", err)
	}
	if _, err := svc.AddCount(ctx, leader, community.Count{VillageID: v.VillageID, AsOf: today, Households: 420, People: 1600, Source: "Trưởng thôn báo cáo"}); err != nil {
		t.Fatal(err)
	}
	got, err := d.Store.CommunityVillage(ctx, v.VillageID)
	if err != nil || got.Count.Households != 420 || got.Count.AsOf != today {
		t.Fatalf("latest count: %v %+v", err, got.Count)
	}
}

// An anonymous filer with a phone asks for help; the request goes to the village's
// team, which works it; the filer closes it with the secret. Others see its progress,
// never the phone; the volunteer of another village cannot move it; an address files at
// most FloodLimit requests a day.
func TestHelpRequestLifecycle(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC) // a Monday
	svc, d := service(t, now)
	in := community.Filing{Unit: demo.CommuneCode, Village: demo.CommuneCode + "-01", Phone: "+84 912 345 678", Topic: "install_app",
		Description: "Nhờ cài ứng dụng VNeID cho bố mẹ."}
	h, secret, err := svc.FileHelp(ctx, community.Filer{Client: "192.0.2.1"}, in)
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != community.StatusAssigned || h.Phone != "0912345678" || secret == "" || !community.ValidCode(h.Code) ||
		h.DueAt.Before(now.Add(72*time.Hour)) {
		t.Fatalf("filed: %+v", h)
	}
	// By name too, without "Thôn".
	if _, _, err := svc.FileHelp(ctx, community.Filer{Client: "192.0.2.9"}, community.Filing{Unit: demo.CommuneCode, Village: "yên thổ",
		Phone: "0987654321", Topic: "internet"}); err != nil {
		t.Fatalf("by name: %v", err)
	}
	pub, full, err := svc.LookupHelp(ctx, nil, h.Code, "")
	if err != nil || full || pub.Phone != "" || pub.Description != "" || pub.Status != community.StatusAssigned || len(pub.Events) != 2 {
		t.Fatalf("public look-up: %v %v %+v", err, full, pub)
	}
	if got, full, _ := svc.LookupHelp(ctx, nil, h.Code, secret); !full || got.Phone != "0912345678" {
		t.Fatalf("with the secret: %v %+v", full, got)
	}
	volunteer := d.Member(t, "tocongnghe", auth.RoleDigitalTeam) // village 01
	other := d.Member(t, "tcn05", auth.RoleDigitalTeam)          // village 02
	if _, full, _ := svc.LookupHelp(ctx, other, h.Code, ""); full {
		t.Fatal("another village's volunteer sees the phone")
	}
	if _, err := svc.Act(ctx, other, h.Code, "", community.ActStart, 0, ""); !errors.Is(err, community.ErrHelpNotFound) {
		t.Fatalf("another village's volunteer starts it: %v", err)
	}
	list, n, err := svc.HelpList(ctx, other, community.HelpQuery{UnitID: d.Unit})
	if err != nil || n != 1 || list[0].VillageCode != demo.CommuneCode+"-02" {
		t.Fatalf("village 02's list: %v %d", err, n)
	}
	if _, err := svc.Act(ctx, nil, h.Code, secret, community.ActClose, 0, ""); !errors.Is(err, community.ErrHelpStep) {
		t.Fatalf("closed before done: %v", err)
	}
	h, err = svc.Act(ctx, volunteer, h.Code, "", community.ActStart, h.Version, "")
	if err != nil || h.Status != community.StatusInProgress || h.Assignee != "Đinh Văn Minh" {
		t.Fatalf("start: %v %+v", err, h)
	}
	if _, err := svc.Act(ctx, volunteer, h.Code, "", community.ActDone, h.Version-1, ""); !errors.Is(err, community.ErrHelpChanged) {
		t.Fatalf("stale version: %v", err)
	}
	if h, err = svc.Act(ctx, volunteer, h.Code, "", community.ActDone, h.Version, "Đã cài xong"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Act(ctx, volunteer, h.Code, "", community.ActClose, 0, ""); !errors.Is(err, community.ErrHelpNotFiler) {
		t.Fatalf("the volunteer closes it: %v", err)
	}
	if h, err = svc.Act(ctx, nil, h.Code, secret, community.ActReopen, 0, ""); err != nil || h.Status != community.StatusReopened {
		t.Fatalf("reopen: %v %+v", err, h)
	}
	if h, err = svc.Act(ctx, volunteer, h.Code, "", community.ActDone, 0, ""); err != nil {
		t.Fatal(err)
	}
	if h, err = svc.Act(ctx, nil, h.Code, " "+secret+" ", community.ActClose, 0, ""); err != nil || h.Status != community.StatusClosed {
		t.Fatalf("close: %v %+v", err, h)
	}
	got, _, _ := svc.LookupHelp(ctx, nil, h.Code, "")
	var steps []community.Status
	for _, e := range got.Events {
		steps = append(steps, e.Status)
	}
	want := []community.Status{"received", "assigned", "in_progress", "done", "reopened", "done", "closed"}
	if len(steps) != len(want) {
		t.Fatalf("history: %v", steps)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("history: %v", steps)
		}
	}

	// The flood limit: one address, FloodLimit requests in a day.
	var last error
	for range community.FloodLimit + 1 {
		_, _, last = svc.FileHelp(ctx, community.Filer{Client: "198.51.100.7"}, in)
	}
	var ae *apperr.Error
	if !errors.As(last, &ae) || ae.Code != "help_request_flood" || ae.Kind != apperr.TooManyRequests {
		t.Fatalf("flood: %v", last)
	}
	// Bad input: every field named.
	_, _, err = svc.FileHelp(ctx, community.Filer{Client: "203.0.113.1"}, community.Filing{Unit: demo.CommuneCode, Village: "Thôn Không Có",
		Phone: "12345", Topic: "pizza"})
	var fe *community.FieldError
	if !errors.As(err, &fe) || fe.Fields["village"] == "" || fe.Fields["phone"] == "" || fe.Fields["topic"] == "" {
		t.Fatalf("bad filing: %v", err)
	}
}

// A request still open after its deadline counts on the leader's dashboard; its
// reminder waits in the outbox until then and is dropped when the team finishes.
func TestOverdueAndReminder(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	svc, d := service(t, now)
	h, _, err := svc.FileHelp(ctx, community.Filer{Client: "192.0.2.1"}, community.Filing{Unit: demo.CommuneCode, Village: "Thôn Yên Lạc",
		Phone: "0912345678", Topic: "loudspeaker"})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := svc.Overdue(ctx, d.Unit); n != 0 {
		t.Fatalf("overdue at once: %d", n)
	}
	late := *svc
	late.Now = func() time.Time { return h.DueAt.Add(time.Hour) }
	if n, _ := late.Overdue(ctx, d.Unit); n != 1 {
		t.Fatalf("overdue after the deadline: %d", n)
	}
	// A second request stays open: its reminder goes out at its deadline; the first's,
	// finished by the team, does not.
	open, _, err := svc.FileHelp(ctx, community.Filer{Client: "192.0.2.2"}, community.Filing{Unit: demo.CommuneCode, Village: "Thôn Yên Lạc",
		Phone: "0912345679", Topic: "internet"})
	if err != nil {
		t.Fatal(err)
	}
	volunteer := d.Member(t, "tcn07", auth.RoleDigitalTeam) // village 03
	if _, err := svc.Act(ctx, volunteer, h.Code, "", community.ActDone, 0, ""); err != nil {
		t.Fatal(err)
	}
	due, err := d.Store.ClaimOutbox(ctx, h.DueAt.Add(24*time.Hour), time.Minute, 500)
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	commune, members := 0, map[int64]string{}
	for _, m := range due {
		refs[m.Ref] = true
		if m.Ref != community.ReminderRef(open.Code) {
			continue
		}
		// Never the citizen: neither the phone they gave nor anything but the code,
		// the topic and the village.
		if strings.Contains(m.Body+m.Subject, "0912345679") || strings.Contains(m.Body+m.Subject, "912345679") ||
			!strings.Contains(m.Body, open.Code) || !strings.Contains(m.Body, "Thôn Yên Lạc") {
			t.Fatalf("reminder: %+v", m.Message)
		}
		wantKey := "help:" + open.Code + ":reminder:" + open.DueAt.UTC().Format("20060102T150405Z") + ":"
		if !strings.HasPrefix(m.DedupKey, wantKey) {
			t.Fatalf("reminder's dedup key %q, want %q…", m.DedupKey, wantKey)
		}
		if m.To != "" {
			commune++
			continue
		}
		// A team member: their account and their phone on record, for the ladder.
		if m.UserID == 0 || !strings.HasPrefix(m.Phone, "+84") || m.Kind != "" {
			t.Fatalf("member's reminder: %+v", m.Message)
		}
		members[m.UserID] = m.Phone
	}
	if !refs[community.ReminderRef(open.Code)] || refs[community.ReminderRef(h.Code)] {
		t.Fatalf("reminders due: %v", refs)
	}
	leader := d.Member(t, "lanhdao", auth.RoleLeader)
	team, err := svc.Members(ctx, leader, d.Unit, open.VillageID)
	if err != nil {
		t.Fatal(err)
	}
	if commune != 1 || len(members) != len(team) || len(team) != 3 {
		t.Fatalf("reminders: %d to the commune, %d to members (%v), team of %d", commune, len(members), members, len(team))
	}
	for _, m := range team {
		if members[m.UserID] != notify.E164(m.Phone) {
			t.Errorf("member %d: reminded at %q, phone on record %q", m.UserID, members[m.UserID], m.Phone)
		}
	}
	// The ladder reaches a member with no channel chosen by SMS on that phone.
	for _, m := range due {
		if m.Ref == community.ReminderRef(open.Code) && m.To == "" {
			if r := notify.Ladder(m.Message, notify.Contacts{}); len(r) == 0 || r[0].Channel != notify.ChanSMS || r[0].Address != m.Phone {
				t.Fatalf("member's ladder: %+v", r)
			}
		}
	}
	if n, _ := late.Overdue(ctx, d.Unit); n != 1 {
		t.Fatalf("overdue after one is done: %d, want the other only", n)
	}
}

// Reminders are queued once per request, deadline and recipient: filing the same
// request's reminders again (a retried transaction, a replay) adds none; a reopened
// request's new deadline gets new ones and the old are dropped.
func TestReminderDedup(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	svc, d := service(t, now)
	h, secret, err := svc.FileHelp(ctx, community.Filer{Client: "192.0.2.9"}, community.Filing{Unit: demo.CommuneCode, Village: "Thôn Yên Lạc",
		Phone: "0912345678", Topic: "internet"})
	if err != nil {
		t.Fatal(err)
	}
	count := func(at time.Time) map[string]int {
		t.Helper()
		due, err := d.Store.ClaimOutbox(ctx, at, time.Nanosecond, 500)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]int{}
		for _, m := range due {
			if m.Ref == community.ReminderRef(h.Code) {
				keys[m.DedupKey]++
			}
		}
		return keys
	}
	volunteer := d.Member(t, "tcn07", auth.RoleDigitalTeam)
	if _, err := svc.Act(ctx, volunteer, h.Code, "", community.ActDone, 0, ""); err != nil {
		t.Fatal(err)
	}
	if keys := count(h.DueAt.Add(time.Hour)); len(keys) != 0 {
		t.Fatalf("reminders after done: %v", keys)
	}
	later := *svc
	later.Now = func() time.Time { return now.Add(48 * time.Hour) }
	re, err := later.Act(ctx, nil, h.Code, secret, community.ActReopen, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	// The same reminder queued again (a replay) is not added.
	again := "help:" + h.Code + ":reminder:" + re.DueAt.UTC().Format("20060102T150405Z") + ":commune"
	if err := d.Store.Enqueue(ctx, notify.Message{UnitID: d.Unit, To: "xa@example.vn", Ref: community.ReminderRef(h.Code),
		Subject: "x", Body: "x", DedupKey: again}); err != nil {
		t.Fatal(err)
	}
	keys := count(re.DueAt.Add(time.Hour))
	if keys[again] != 1 || len(keys) != 4 { // the commune's mailbox and the three members
		t.Fatalf("reminders after reopening: %v", keys)
	}
	for k, n := range keys {
		if n != 1 || !strings.Contains(k, re.DueAt.UTC().Format("20060102T150405Z")) {
			t.Fatalf("reminder %q ×%d", k, n)
		}
	}
}

// Ending a membership keeps the volunteer's role while they serve another village of the
// unit, and takes it away with their last one; the history stays.
func TestEndMemberRevokesWithTheLast(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	svc, d := service(t, now)
	leader := d.Member(t, "lanhdao", auth.RoleLeader)
	volunteer := d.Member(t, "tcn07", auth.RoleDigitalTeam)
	vs, err := svc.Villages(ctx, d.Unit)
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.AddMember(ctx, leader, vs[5].ID, volunteer.UserID, "0912000111", calendar.Date{Year: 2026, Month: 1, Day: 5})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := d.Store.MemberOf(ctx, volunteer.UserID)
	var first community.Member
	for _, m := range ms {
		if m.ID != second.ID {
			first = m
		}
	}
	if _, _, err := svc.EndMember(ctx, volunteer, d.Unit, first.ID, svc.Today()); !errors.Is(err, community.ErrNotEditor) {
		t.Fatalf("a volunteer ends a membership: %v", err)
	}
	if _, _, err := svc.EndMember(ctx, leader, d.Unit, second.ID, calendar.Date{Year: 2026, Month: 1, Day: 4}); !errors.Is(err, community.ErrInvalid) {
		t.Fatalf("left before joining: %v", err)
	}
	if _, _, err := svc.EndMember(ctx, leader, d.Unit, second.ID, calendar.Date{Year: 2026, Month: 12, Day: 8}); !errors.Is(err, community.ErrInvalid) {
		t.Fatalf("left in the future: %v", err)
	}
	if _, revoked, err := svc.EndMember(ctx, leader, d.Unit, first.ID, calendar.Date{Year: 2026, Month: 6, Day: 30}); err != nil || revoked {
		t.Fatalf("end the first: revoked %v, %v", revoked, err)
	}
	if _, _, err := svc.EndMember(ctx, leader, d.Unit, first.ID, svc.Today()); !errors.Is(err, community.ErrMemberEnded) {
		t.Fatalf("end twice: %v", err)
	}
	// A request in the second village waits with a reminder to each member; ending the
	// membership drops the one to this member, not the others'.
	h, _, err := svc.FileHelp(ctx, community.Filer{Client: "192.0.2.77"}, community.Filing{Unit: demo.CommuneCode, Village: vs[5].Code,
		Phone: "0912345678", Topic: "internet"})
	if err != nil {
		t.Fatal(err)
	}
	if _, revoked, err := svc.EndMember(ctx, leader, d.Unit, second.ID, svc.Today()); err != nil || !revoked {
		t.Fatalf("end the last: revoked %v, %v", revoked, err)
	}
	due, err := d.Store.ClaimOutbox(ctx, h.DueAt.Add(time.Hour), time.Minute, 500)
	if err != nil {
		t.Fatal(err)
	}
	toMembers := 0
	for _, m := range due {
		if m.Ref == community.ReminderRef(h.Code) && m.To == "" {
			toMembers++
			if m.UserID == volunteer.UserID {
				t.Fatal("the member who left is still reminded")
			}
		}
	}
	if toMembers != 3 { // the village's three
		t.Fatalf("%d reminders to the team after one left, want 3", toMembers)
	}
	roles, _ := d.Store.Memberships(ctx, volunteer.UserID)
	for _, r := range roles {
		if r.Role == auth.RoleDigitalTeam {
			t.Fatal("the role is still held")
		}
	}
	if ms, _ := d.Store.MemberOf(ctx, volunteer.UserID); len(ms) != 2 || ms[0].Left.IsZero() || ms[1].Left.IsZero() {
		t.Fatalf("history: %+v", ms)
	}
}
