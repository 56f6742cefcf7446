package report_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
	"github.com/xuri/excelize/v2"
)

func loadDemo(t *testing.T) (*store.Store, unit.Unit) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.Load(ctx, st, auth.NewHasher(auth.TestParams, 1)); err != nil {
		t.Fatal(err)
	}
	u, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	return st, u
}

// TestDemo2021 checks the figures PRODUCT.md quotes for the pilot commune.
func TestDemo2021(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	r, err := report.OneStopReport(ctx, st, commune, report.Params{From: "2021-01-01", To: "2021-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	want := report.OneStop{
		Received:   report.Received{Total: 2094, Online: 547, Counter: 1547},
		Resolved:   report.Resolved{Total: 2094, Early: 919, OnTime: 1175},
		Returned:   2094,
		OnlineRate: 26.1, EarlyRate: 43.9, OnTimeRate: 56.1,
	}
	if r.OneStop != want {
		t.Fatalf("2021:\n got %+v\nwant %+v", r.OneStop, want)
	}
	// The province rolls up its commune; a breakdown by channel adds up to the total.
	province, _ := st.UnitByCode(ctx, "37")
	p, err := report.OneStopReport(ctx, st, province, report.Params{From: "2021-01-01", To: "2021-12-31", By: report.ByChannel})
	if err != nil || p.OneStop != want {
		t.Fatalf("province: %+v %v", p.OneStop, err)
	}
	var online int64
	for _, g := range p.Groups {
		if dossier.Channel(g.Key).Electronic() {
			online += g.Received.Online
		}
	}
	if online != 547 {
		t.Fatalf("groups by channel: %+v", p.Groups)
	}
	// A quarter: what was received before and still open is carried over (none in 2021).
	q, err := report.OneStopReport(ctx, st, commune, report.Params{From: "2021-04-01", To: "2021-06-30", By: report.ByField})
	if err != nil || q.Received.Total == 0 || q.Received.CarriedOver < 0 || len(q.Groups) == 0 {
		t.Fatalf("quarter: %+v %v", q.OneStop, err)
	}
	for _, bad := range []report.Params{{From: "2021-12-31", To: "2021-01-01"}, {From: "2021-13-01", To: "2021-12-31"}, {From: "2021-01-01", To: "2021-12-31", By: "colour"}} {
		if _, err := report.OneStopReport(ctx, st, commune, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// fixture files dossiers of a 3-working-day procedure through the service at chosen times.
type fixture struct {
	st       *store.Store
	province unit.Unit
	svc      *dossier.Service
	commune  unit.Unit
	now      time.Time
	actors   map[auth.Role]dossier.Actor
}

// newFixture is a commune with the sample catalog and no dossiers.
func newFixture(t *testing.T) *fixture {
	return newFixtureOn(t, storetest.Open(t))
}

func newFixtureOn(t *testing.T, st *store.Store) *fixture {
	ctx := context.Background()
	p, err := st.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.CreateUnit(ctx, unit.Unit{Code: demo.CommuneCode, Level: unit.Commune, ParentID: &p, Name: "Xã Yên Từ", IdentCode: "000.31.37.H45", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	sample, err := catalog.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportCatalog(ctx, id, sample, true); err != nil {
		t.Fatal(err)
	}
	commune, _ := st.UnitByID(ctx, id)
	province, _ := st.UnitByID(ctx, p)
	f := &fixture{st: st, province: province, commune: commune, actors: map[auth.Role]dossier.Actor{}}
	f.svc = &dossier.Service{Store: st, Calendars: workcal.New(st), Now: func() time.Time { return f.now }}
	for _, r := range []auth.Role{auth.RoleCounter, auth.RoleSpecialist, auth.RoleLeader, auth.RoleClerk} {
		f.actors[r] = dossier.Actor{P: &auth.Principal{Username: string(r), Memberships: []auth.Membership{{UnitID: commune.ID, Role: r}}}}
	}
	return f
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func (f *fixture) file(t *testing.T, when string) string {
	t.Helper()
	f.now = at(when)
	d, _, err := f.svc.File(context.Background(), demo.CurrentProcedure, dossier.Intake{Channel: dossier.ChannelCounter,
		ReceivingUnitID: f.commune.ID, Applicant: dossier.Applicant{FullName: "Nguyễn Văn Thử"}}, f.actors[auth.RoleCounter], dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Code
}

func (f *fixture) act(t *testing.T, code, when string, act dossier.Action, role auth.Role) {
	t.Helper()
	f.now = at(when)
	if _, err := f.svc.Act(context.Background(), code, dossier.Request{Action: act, Actor: f.actors[role], Reason: "lý do"}); err != nil {
		t.Fatalf("%s %s at %s: %v", act, code, when, err)
	}
}

// toResolved walks a dossier of the demo procedure to the leader's signature.
func (f *fixture) toResolved(t *testing.T, code, when string) {
	f.act(t, code, when, dossier.ActForward, auth.RoleCounter)
	f.act(t, code, when, dossier.ActForward, auth.RoleSpecialist)
	f.act(t, code, when, dossier.ActSign, auth.RoleLeader)
}

func (f *fixture) report(t *testing.T, from, to string) report.OneStop {
	t.Helper()
	r, err := report.OneStopReport(context.Background(), f.st, f.commune, report.Params{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	return r.OneStop
}

// TestBoundaries: hand-built dossiers around the definitions' edges, in March 2027 (a
// month with nothing else in the demo).
func TestBoundaries(t *testing.T) {
	f := newFixture(t)
	// Received Monday 1 March 2027 09:00, 3 working days: due Thursday 4 March 09:00.
	onDueDateLate := f.file(t, "2027-03-01T09:00:00+07:00")
	f.toResolved(t, onDueDateLate, "2027-03-04T16:59:00+07:00") // on the due date, after its hour: on time
	nextMorning := f.file(t, "2027-03-01T09:00:00+07:00")
	f.toResolved(t, nextMorning, "2027-03-05T07:31:00+07:00") // the next morning: late
	early := f.file(t, "2027-03-01T09:00:00+07:00")
	f.toResolved(t, early, "2027-03-02T10:00:00+07:00")
	// Paused two working days for supplements: due moves from Thursday 4 to Monday 8
	// March 09:00; resolved on Monday 8 March at 10:00 it is on time.
	paused := f.file(t, "2027-03-01T09:00:00+07:00")
	f.act(t, paused, "2027-03-01T10:00:00+07:00", dossier.ActForward, auth.RoleCounter)
	f.act(t, paused, "2027-03-02T09:00:00+07:00", dossier.ActRequestSupplement, auth.RoleSpecialist)
	f.act(t, paused, "2027-03-04T09:00:00+07:00", dossier.ActSupplement, auth.RoleCounter)
	f.act(t, paused, "2027-03-08T09:00:00+07:00", dossier.ActForward, auth.RoleSpecialist)
	f.act(t, paused, "2027-03-08T10:00:00+07:00", dossier.ActSign, auth.RoleLeader)
	// Withdrawn while waiting for a supplement.
	withdrawn := f.file(t, "2027-03-01T09:00:00+07:00")
	f.act(t, withdrawn, "2027-03-01T10:00:00+07:00", dossier.ActForward, auth.RoleCounter)
	f.act(t, withdrawn, "2027-03-02T09:00:00+07:00", dossier.ActRequestSupplement, auth.RoleSpecialist)
	f.act(t, withdrawn, "2027-03-03T09:00:00+07:00", dossier.ActWithdraw, auth.RoleCounter)
	// Still waiting for a supplement at the end of March.
	waiting := f.file(t, "2027-03-22T09:00:00+07:00")
	f.act(t, waiting, "2027-03-22T10:00:00+07:00", dossier.ActForward, auth.RoleCounter)
	f.act(t, waiting, "2027-03-23T09:00:00+07:00", dossier.ActRequestSupplement, auth.RoleSpecialist)
	// Open and overdue at the end of March: received 24 March, due 29 March. (The one
	// waiting for a supplement is not overdue: its clock is paused.)
	f.file(t, "2027-03-24T09:00:00+07:00")
	// Received in March, resolved in April: open within its deadline at March's end.
	spanning := f.file(t, "2027-03-30T09:00:00+07:00")
	f.toResolved(t, spanning, "2027-04-01T09:00:00+07:00")

	march := f.report(t, "2027-03-01", "2027-03-31")
	want := report.OneStop{
		Received:          report.Received{Total: 8, Counter: 8},
		Resolved:          report.Resolved{Total: 4, Early: 1, OnTime: 2, Late: 1},
		InProgress:        report.InProgress{Total: 3, WithinDeadline: 2, Overdue: 1},
		SupplementWaiting: 1,
		Withdrawn:         1,
		EarlyRate:         25, OnTimeRate: 50, LateRate: 25,
	}
	if march != want {
		t.Fatalf("March 2027:\n got %+v\nwant %+v", march, want)
	}
	april := f.report(t, "2027-04-01", "2027-04-30")
	if april.Received.CarriedOver != 3 || april.Resolved.Total != 1 || april.InProgress.Total != 2 || april.InProgress.Overdue != 1 {
		t.Fatalf("April 2027: %+v", april)
	}
}

// office is a commune of the fixture's province with an officer of each role.
type office struct {
	unit   unit.Unit
	actors map[auth.Role]dossier.Actor
}

// addCommune adds a commune with the sample catalog to the fixture's province.
func (f *fixture) addCommune(t *testing.T, code, ident string) office {
	t.Helper()
	ctx := context.Background()
	id, err := f.st.CreateUnit(ctx, unit.Unit{Code: code, Level: unit.Commune, ParentID: &f.province.ID, Name: "Xã " + code, IdentCode: ident, ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	sample, err := catalog.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ImportCatalog(ctx, id, sample, true); err != nil {
		t.Fatal(err)
	}
	u, _ := f.st.UnitByID(ctx, id)
	o := office{unit: u, actors: map[auth.Role]dossier.Actor{}}
	for _, r := range []auth.Role{auth.RoleCounter, auth.RoleSpecialist, auth.RoleLeader, auth.RoleClerk} {
		o.actors[r] = dossier.Actor{P: &auth.Principal{Username: string(r) + code, Memberships: []auth.Membership{{UnitID: id, Role: r}}}}
	}
	return o
}

// history plays random histories: dossiers filed in offices, acted on at random later
// instants. Random actions are often not allowed: that is the point, only allowed ones
// happen.
type history struct {
	f      *fixture
	rng    *rand.Rand
	office map[string]office    // by dossier code
	last   map[string]time.Time // each dossier's latest instant acted at
}

var randomActs = []struct {
	act  dossier.Action
	role auth.Role
}{{dossier.ActForward, auth.RoleCounter}, {dossier.ActForward, auth.RoleSpecialist}, {dossier.ActRequestSupplement, auth.RoleSpecialist},
	{dossier.ActSupplement, auth.RoleCounter}, {dossier.ActSign, auth.RoleLeader}, {dossier.ActForward, auth.RoleClerk},
	{dossier.ActReturn, auth.RoleCounter}, {dossier.ActRefuse, auth.RoleSpecialist}, {dossier.ActWithdraw, auth.RoleCounter},
	{dossier.ActStop, auth.RoleLeader}, {dossier.ActSendBack, auth.RoleSpecialist}}

// file files n dossiers in random offices at random instants of [start, start+days).
func (h *history) file(t *testing.T, offices []office, n int, start time.Time, days int) {
	t.Helper()
	for range n {
		o := offices[h.rng.IntN(len(offices))]
		h.f.now = start.Add(time.Duration(h.rng.IntN(days*24)) * time.Hour)
		ch := dossier.ChannelCounter
		if h.rng.IntN(4) == 0 {
			ch = dossier.ChannelPost
		}
		d, _, err := h.f.svc.File(context.Background(), demo.CurrentProcedure, dossier.Intake{Channel: ch, ReceivingUnitID: o.unit.ID,
			Applicant: dossier.Applicant{FullName: "Nguyễn Văn Thử"}}, o.actors[auth.RoleCounter], dossier.Idempotency{})
		if err != nil {
			t.Fatal(err)
		}
		h.office[d.Code], h.last[d.Code] = o, h.f.now
	}
}

// act acts up to k times on every dossier, at instants after its last one and not
// before after, each 1 to maxGap hours after the previous.
func (h *history) act(k, maxGap int, after time.Time) {
	for _, code := range slices.Sorted(maps.Keys(h.office)) {
		when := h.last[code]
		if when.Before(after) {
			when = after
		}
		for range h.rng.IntN(k + 1) {
			when = when.Add(time.Duration(1+h.rng.IntN(maxGap)) * time.Hour)
			a := randomActs[h.rng.IntN(len(randomActs))]
			h.f.now = when
			h.f.svc.Act(context.Background(), code, dossier.Request{Action: a.act, Actor: h.office[code].actors[a.role], Reason: "lý do"})
		}
		h.last[code] = when
	}
}

// counts is the one-stop report without its rates, which do not add up.
func counts(r report.OneStop) report.OneStop {
	r.OnlineRate, r.EarlyRate, r.OnTimeRate, r.LateRate = 0, 0, 0, 0
	return r
}

func addCounts(a, b report.OneStop) report.OneStop {
	a.Received.Total += b.Received.Total
	a.Received.Online += b.Received.Online
	a.Received.Counter += b.Received.Counter
	a.Received.Post += b.Received.Post
	a.Received.CarriedOver += b.Received.CarriedOver
	a.Resolved.Total += b.Resolved.Total
	a.Resolved.Early += b.Resolved.Early
	a.Resolved.OnTime += b.Resolved.OnTime
	a.Resolved.Late += b.Resolved.Late
	a.InProgress.Total += b.InProgress.Total
	a.InProgress.WithinDeadline += b.InProgress.WithinDeadline
	a.InProgress.Overdue += b.InProgress.Overdue
	a.SupplementWaiting += b.SupplementWaiting
	a.Withdrawn += b.Withdrawn
	a.Refused += b.Refused
	a.Stopped += b.Stopped
	a.Returned += b.Returned
	return counts(a)
}

// rollupPeriods straddle the months closed and open during TestRebuildEqualsIncremental.
var rollupPeriods = [][2]string{{"2027-06-01", "2027-06-30"}, {"2027-06-10", "2027-07-20"}, {"2027-05-01", "2027-08-31"},
	{"2027-07-01", "2027-07-31"}, {"2027-07-15", "2027-09-30"}, {"2027-06-01", "2027-07-31"}, {"2027-01-01", "2027-12-31"},
	{"2027-06-30", "2027-07-01"}, {"2027-08-01", "2027-08-15"}, {"2027-06-15", "2027-06-15"}}

// checkProvince checks that the province's report equals the sum of its communes' (a
// commune's report never reads the roll-up), in total and by channel, for every period.
func checkProvince(t *testing.T, f *fixture, offices []office, stage string) {
	t.Helper()
	ctx := context.Background()
	for _, p := range rollupPeriods {
		params := report.Params{From: p[0], To: p[1], By: report.ByChannel}
		prov, err := report.OneStopReport(ctx, f.st, f.province, params)
		if err != nil {
			t.Fatal(err)
		}
		var sum report.OneStop
		groups := map[string]report.OneStop{}
		for _, o := range offices {
			c, err := report.OneStopReport(ctx, f.st, o.unit, params)
			if err != nil {
				t.Fatal(err)
			}
			sum = addCounts(sum, c.OneStop)
			for _, g := range c.Groups {
				groups[g.Key] = addCounts(groups[g.Key], g.OneStop)
			}
		}
		if counts(prov.OneStop) != sum {
			t.Errorf("%s, %s – %s: province\n got %+v\nwant %+v (its communes)", stage, p[0], p[1], counts(prov.OneStop), sum)
		}
		for _, g := range prov.Groups {
			if counts(g.OneStop) != groups[g.Key] {
				t.Errorf("%s, %s – %s, channel %s: province\n got %+v\nwant %+v", stage, p[0], p[1], g.Key, counts(g.OneStop), groups[g.Key])
			}
		}
	}
}

func queryInt(t *testing.T, st *store.Store, q string) int64 {
	t.Helper()
	var n int64
	if err := store.ReaderOf(st).QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func foldedThrough(t *testing.T, st *store.Store) string {
	t.Helper()
	var f string
	if err := store.ReaderOf(st).QueryRow(`SELECT folded_through FROM dossier_counts_rollup_state`).Scan(&f); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRebuildEqualsIncremental replays random histories in two communes of a province,
// folds the province's roll-up, adds late counters that land in folded months (late
// transitions, an import), folds again, and checks at every stage that the province's
// report equals the sum of its communes', and at the end that rebuilding the counters and
// folding them from scratch gives back exactly the counters and the roll-up kept
// incrementally.
func TestRebuildEqualsIncremental(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	offices := []office{{unit: f.commune, actors: f.actors}, f.addCommune(t, "14732", "000.32.37.H45")}
	h := &history{f: f, rng: rand.New(rand.NewPCG(7, 7)), office: map[string]office{}, last: map[string]time.Time{}}
	// June and early July 2027, acted on until 15 July.
	h.file(t, offices, 60, at("2027-06-01T08:00:00+07:00"), 40)
	h.act(8, 40, time.Time{})
	// A dossier received in June and left open, to be resolved late after June is folded.
	lateOne := f.file(t, "2027-06-21T09:00:00+07:00")
	checkProvince(t, f, offices, "before any fold")
	check766(t, f, offices, "before any fold")

	// On 15 July, May and June are closed.
	if _, err := f.st.FoldCounts(ctx, calendar.NewDate(2027, time.July, 15)); err != nil {
		t.Fatal(err)
	}
	if got := foldedThrough(t, f.st); got != "2027-06" {
		t.Fatalf("folded through %s", got)
	}
	checkProvince(t, f, offices, "June folded")

	// Late counters: transitions after 15 July (the late resolution's overdue_from lands
	// in June), more filings, and a dossier of June imported.
	f.toResolved(t, lateOne, "2027-07-20T10:00:00+07:00")
	h.act(6, 72, at("2027-07-15T08:00:00+07:00"))
	h.file(t, offices, 20, at("2027-07-15T08:00:00+07:00"), 35)
	h.act(6, 60, time.Time{})
	returned := at("2027-06-15T10:00:00+07:00")
	resolved := at("2027-06-14T15:00:00+07:00")
	if _, err := dossier.Import(ctx, f.st, []dossier.Record{{Unit: offices[1].unit.Code, ProcedureCode: demo.CurrentProcedure,
		Channel: dossier.ChannelCounter, Applicant: dossier.Applicant{FullName: "Trần Thị Cũ"}, ReceivedAt: at("2027-06-07T09:00:00+07:00"),
		DueAt: at("2027-06-10T09:00:00+07:00"), ResolvedAt: &resolved, Status: dossier.StatusReturned, EndedAt: &returned}}); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, f.st, `SELECT COUNT(*) FROM dossier_counts_dirty WHERE month = '2027-06'`); n != 2 {
		t.Fatalf("June marked for %d communes, want 2", n)
	}
	checkProvince(t, f, offices, "June marked")
	check766(t, f, offices, "June marked")

	// Folding again on 1 August folds June again and July for the first time.
	if _, err := f.st.FoldCounts(ctx, calendar.NewDate(2027, time.August, 1)); err != nil {
		t.Fatal(err)
	}
	if got, n := foldedThrough(t, f.st), queryInt(t, f.st, `SELECT COUNT(*) FROM dossier_counts_dirty`); got != "2027-07" || n != 0 {
		t.Fatalf("folded through %s, %d marks left", got, n)
	}
	checkProvince(t, f, offices, "July folded")
	check766(t, f, offices, "July folded")
	// Another dossier of June imported: June is folded again, July's days are kept.
	if _, err := dossier.Import(ctx, f.st, []dossier.Record{{Unit: offices[0].unit.Code, ProcedureCode: demo.CurrentProcedure,
		Channel: dossier.ChannelPost, Applicant: dossier.Applicant{FullName: "Lê Văn Cũ"}, ReceivedAt: at("2027-06-08T09:00:00+07:00"),
		DueAt: at("2027-06-11T09:00:00+07:00"), ResolvedAt: &resolved, Status: dossier.StatusReturned, EndedAt: &returned}}); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, f.st, `SELECT COUNT(*) FROM dossier_counts_dirty WHERE month = '2027-06'`); n != 1 {
		t.Fatalf("June marked for %d communes, want 1", n)
	}
	checkProvince(t, f, offices, "June marked again")
	if _, err := f.st.FoldCounts(ctx, calendar.NewDate(2027, time.August, 1)); err != nil {
		t.Fatal(err)
	}
	checkProvince(t, f, offices, "June folded again")
	// Folding again changes nothing.
	before := snapshot(t, f.st)
	if n, err := f.st.FoldCounts(ctx, calendar.NewDate(2027, time.August, 1)); err != nil || n != 0 {
		t.Fatalf("fold again: %d months, %v", n, err)
	}
	if after := snapshot(t, f.st); !slices.Equal(before, after) {
		t.Fatalf("a second fold changed the roll-up:\n%s", diff(before, after))
	}

	n, err := f.st.RebuildCounts(ctx)
	if err != nil || n != 83 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	checkProvince(t, f, offices, "rebuilt, not folded")
	if _, err := f.st.FoldCounts(ctx, calendar.NewDate(2027, time.August, 1)); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, f.st); !slices.Equal(before, after) {
		t.Fatalf("rebuild differs from incremental:\n%s", diff(before, after))
	}
	checkProvince(t, f, offices, "rebuilt and folded")
	check766(t, f, offices, "rebuilt and folded")
}

// TestFoldConcurrent folds the roll-up from two instances at once while transitions add
// counters to the months being folded; the result is the roll-up of a rebuild.
func TestFoldConcurrent(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	open := func() *store.Store {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	f := newFixtureOn(t, open())
	other := open()
	offices := []office{{unit: f.commune, actors: f.actors}, f.addCommune(t, "14732", "000.32.37.H45")}
	h := &history{f: f, rng: rand.New(rand.NewPCG(8, 8)), office: map[string]office{}, last: map[string]time.Time{}}
	h.file(t, offices, 40, at("2027-05-01T08:00:00+07:00"), 70)
	h.act(4, 40, time.Time{})
	today := calendar.NewDate(2027, time.August, 1)
	done := make(chan struct{})
	errs := make(chan error, 2)
	for _, st := range []*store.Store{f.st, other} {
		go func() {
			for {
				if _, err := st.FoldCounts(ctx, today); err != nil {
					errs <- err
					return
				}
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
			}
		}()
	}
	// Meanwhile: late transitions (their overdue_from lands in folded months) and more.
	for i := range 3 {
		h.act(4, 30, at("2027-08-01T08:00:00+07:00").Add(time.Duration(i)*240*time.Hour))
	}
	close(done)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	checkProvince(t, f, offices, "after concurrent folds")
	if _, err := other.FoldCounts(ctx, today); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, f.st, `SELECT COUNT(*) FROM dossier_counts_dirty`); n != 0 {
		t.Fatalf("%d marks left", n)
	}
	checkProvince(t, f, offices, "folded")
	before := snapshot(t, f.st)
	if _, err := f.st.RebuildCounts(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.FoldCounts(ctx, today); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, f.st); !slices.Equal(before, after) {
		t.Fatalf("the roll-up folded concurrently differs from the rebuild's:\n%s", diff(before, after))
	}
}

func snapshot(t *testing.T, st *store.Store) []string {
	t.Helper()
	db := store.ReaderOf(st)
	var out []string
	for _, q := range []string{`SELECT unit_id, day, procedure_code, channel, measure, n FROM dossier_counts`,
		`SELECT unit_id, month, procedure_code, channel, measure, n FROM dossier_counts_monthly`,
		`SELECT unit_id, 'roll-up ' || month, procedure_code, channel, measure, n FROM dossier_counts_rollup`,
		`SELECT unit_id, 'roll-up ' || day, procedure_code, channel, measure, n FROM dossier_counts_rollup_daily`,
		`SELECT unit_id, 'folded through', folded_through, units, '', 0 FROM dossier_counts_rollup_state`} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var u, n int64
			var a, b, c, d string
			if err := rows.Scan(&u, &a, &b, &c, &d, &n); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%d %s %s %s %s %d", u, a, b, c, d, n))
		}
		rows.Close()
	}
	slices.Sort(out)
	return out
}

func diff(a, b []string) string {
	var lines []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			lines = append(lines, "- "+x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			lines = append(lines, "+ "+x)
		}
	}
	return strings.Join(lines, "\n")
}

func TestIndex766(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	idx, err := report.IndexReport(ctx, st, commune, report.Params{From: "2021-01-01", To: "2021-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]report.Indicator{}
	for _, ind := range idx.Indicators {
		byID[ind.ID] = ind
	}
	od := byID["online.dossiers"]
	if od.Numerator == nil || *od.Numerator != 547 || *od.Denominator != 2094 || *od.Rate != 26.12 || *od.Score != 2.87 {
		t.Fatalf("online dossiers: %+v", od)
	}
	if pt := byID["progress.on_time"]; pt.Score == nil || *pt.Score != 10 {
		t.Fatalf("on time: %+v", pt)
	}
	// No result of 2021 was signed in xaso: 0 of the 2,094 resolved, 0 points.
	if er := byID["digitisation.e_results"]; er.Numerator == nil || *er.Numerator != 0 || *er.Denominator != 2094 || *er.Score != 0 {
		t.Fatalf("e-results: %+v", er)
	}
	for _, id := range []string{"transparency.synced", "digitisation.reused"} {
		if ind := byID[id]; ind.Score != nil || ind.Computable || ind.Note == "" {
			t.Errorf("%s must show as not computable, got %+v", id, ind)
		}
	}
	// No dossier of 2021 was late, and no complaint or dissatisfied rating: 100%.
	if sr := byID["satisfaction.rate"]; sr.Rate == nil || *sr.Rate != 100 || *sr.Score != 6 {
		t.Errorf("satisfaction: %+v", sr)
	}
	if idx.OutOf != 100 || idx.Earned != idx.Total || idx.MeasuredTo != "2021-12-31" {
		t.Errorf("earned %v (total %v) out of %v, measured to %s", idx.Earned, idx.Total, idx.OutOf, idx.MeasuredTo)
	}
	if len(idx.Months) != 12 || idx.Total <= 0 || idx.Computable <= 0 || idx.Total > idx.Computable {
		t.Fatalf("index: total %v of %v, %d months", idx.Total, idx.Computable, len(idx.Months))
	}
	// The dashboard's one figure: the same whole period without the monthly trend.
	whole, err := report.IndexReport(ctx, st, commune, report.Params{From: "2021-01-01", To: "2021-12-31", WholeOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if whole.Months != nil || whole.Total != idx.Total || whole.Computable != idx.Computable || len(whole.Indicators) != len(idx.Indicators) {
		t.Fatalf("whole only: total %v of %v, %d months; want %v of %v, none", whole.Total, whole.Computable, len(whole.Months), idx.Total, idx.Computable)
	}
	var points float64
	_, defs, _ := report.Definitions()
	for _, d := range defs {
		points += d.Points
	}
	if points < 99.99 || points > 100.01 {
		t.Fatalf("the indicators' points add up to %v, not 100", points)
	}
}

// TestXLSX reads the workbook back: the summary sheet holds the same numbers as the
// JSON, as numbers.
func TestXLSX(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	res, err := report.OneStopReport(ctx, st, commune, report.Params{From: "2021-01-01", To: "2021-12-31", By: report.ByChannel})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, res); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Tổng hợp" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("Tổng hợp")
	if err != nil || len(rows) < 4 || rows[2][1] != "Tiếp nhận: tổng" || rows[3][1] != "2094" || rows[3][2] != "547" || rows[3][17] != "26.1" {
		t.Fatalf("summary rows %v %v", rows, err)
	}
	// Numbers are stored as numbers: not as shared or inline strings.
	if typ, _ := f.GetCellType("Tổng hợp", "B4"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("B4 is stored as text: %v", typ)
	}
	if typ, _ := f.GetCellType("Tổng hợp", "B3"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Fatalf("the check cannot tell text from numbers: header cell type %v", typ)
	}
}

func TestPresets(t *testing.T) {
	got := report.Presets(calendar.NewDate(2026, time.November, 26))
	want := [][3]string{
		{"month", "2026-11-01", "2026-11-30"},
		{"quarter", "2026-10-01", "2026-12-31"},
		{"year", "2026-01-01", "2026-12-31"},
		{"last_year", "2025-01-01", "2025-12-31"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d presets, want %d", len(got), len(want))
	}
	for i, p := range got {
		if p.Key != want[i][0] || p.From.String() != want[i][1] || p.To.String() != want[i][2] {
			t.Errorf("preset %d = %s %s..%s, want %v", i, p.Key, p.From, p.To, want[i])
		}
	}
	if q := report.Presets(calendar.NewDate(2024, time.February, 29))[1]; q.From.String() != "2024-01-01" || q.To.String() != "2024-03-31" {
		t.Errorf("quarter of 29 Feb 2024 = %s..%s", q.From, q.To)
	}
}

// The Decision 766 indicator "dossiers paid online" is PaymentCounts' ratio: of the
// dossiers billed in the period, those paid by bank transfer. The demo's 2021 has no
// bills, so there it has no data and no points.
func TestIndex766PaidOnline(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	all, _, err := st.Dossiers(ctx, store.DossierQuery{UnitID: commune.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var fee []dossier.Dossier
	for _, d := range all {
		if p, err := st.ProcedureVersion(ctx, d.ProcedureID); err == nil && len(p.Fees) > 0 && p.Fees[0].Amount > 0 {
			fee = append(fee, d)
		}
	}
	if len(fee) < 3 {
		t.Fatalf("the demo has %d current dossiers with fees, want 3", len(fee))
	}
	accountant, err := st.UserByUsername(ctx, "ketoan")
	if err != nil {
		t.Fatal(err)
	}
	by := payment.Actor{ID: accountant.ID, Name: accountant.FullName}
	at := time.Date(2026, time.March, 10, 9, 0, 0, 0, locale.Zone)
	st.SetClock(func() time.Time { return at })
	bill := func(d dossier.Dossier) payment.StoredRequest {
		p, err := st.ProcedureVersion(ctx, d.ProcedureID)
		if err != nil {
			t.Fatal(err)
		}
		req, ev, err := payment.NewRequest(d.Code, p.Fees, d.Channel.Electronic(), at)
		if err != nil {
			t.Fatal(err)
		}
		req.UnitID, ev.By = d.CompetentUnitID, by
		pr, err := st.CreatePaymentRequest(ctx, d.ID, req, ev)
		if err != nil {
			t.Fatal(err)
		}
		return pr
	}
	pay := func(pr payment.StoredRequest, p payment.Payment) {
		after := pr
		ev, err := after.Confirm(p, at)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := (&payment.Service{Store: st}).Save(ctx, payment.Change{Before: pr, After: after.Request, Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	a, b := bill(fee[0]), bill(fee[1])
	bill(fee[2]) // billed, not paid yet
	pay(a, payment.Payment{Method: payment.MethodBankNotification, Amount: a.Amount, At: at, TransactionID: "FT766"})
	pay(b, payment.Payment{Method: payment.MethodCash, Amount: b.Amount, At: at, By: by})

	paid := func(from, to string) report.Indicator {
		t.Helper()
		idx, err := report.IndexReport(ctx, st, commune, report.Params{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range idx.Indicators {
			if ind.ID == "online.paid" {
				return ind
			}
		}
		t.Fatal("no indicator online.paid")
		return report.Indicator{}
	}
	got := paid("2026-03-01", "2026-03-31")
	if got.Score == nil || *got.Numerator != 1 || *got.Denominator != 3 || *got.Rate != 33.33 || *got.Score != 1.83 {
		t.Fatalf("online.paid in March 2026: %+v", got)
	}
	if got := paid("2021-01-01", "2021-12-31"); got.Score != nil || got.Note != "không có dữ liệu trong kỳ" {
		t.Fatalf("online.paid in 2021: %+v", got)
	}
}

// check766 holds indicator 2.1 from the counters (report.OnTime766 over ReportSums,
// the path the index takes: the province through its roll-up) to the rule judged
// dossier by dossier from its history (dossier.Standing766), for every period.
func check766(t *testing.T, f *fixture, offices []office, stage string) {
	t.Helper()
	ctx := context.Background()
	type hist struct {
		d   dossier.Dossier
		evs []dossier.Event
	}
	byUnit := map[int64][]hist{}
	for _, o := range offices {
		ds, _, err := f.st.Dossiers(ctx, store.DossierQuery{UnitID: o.unit.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.CompetentUnitID != o.unit.ID {
				continue
			}
			evs, err := f.st.DossierEvents(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			byUnit[o.unit.ID] = append(byUnit[o.unit.ID], hist{d, evs})
		}
	}
	for _, p := range rollupPeriods {
		from, _ := calendar.ParseDate(p[0])
		to, _ := calendar.ParseDate(p[1])
		var wantOn, wantAll int64
		for _, o := range offices {
			var on, all int64
			for _, h := range byUnit[o.unit.ID] {
				if counted, onTime := dossier.Standing766(h.d, h.evs, from, to); counted {
					all++
					if onTime {
						on++
					}
				}
			}
			sums, err := f.st.ReportSums(ctx, []int64{o.unit.ID}, from, to, func(string, dossier.Channel) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			if gotOn, gotAll := report.OnTime766(sums[""]); gotOn != on || gotAll != all {
				t.Errorf("%s, %s – %s, %s: 2.1 from counters %d/%d, dossier by dossier %d/%d", stage, p[0], p[1], o.unit.Code, gotOn, gotAll, on, all)
			}
			wantOn, wantAll = wantOn+on, wantAll+all
		}
		units, err := f.st.UnitsUnder(ctx, f.province.ID)
		if err != nil {
			t.Fatal(err)
		}
		sums, err := f.st.ReportSums(ctx, units, from, to, func(string, dossier.Channel) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if gotOn, gotAll := report.OnTime766(sums[""]); gotOn != wantOn || gotAll != wantAll {
			t.Errorf("%s, %s – %s, province: 2.1 from counters %d/%d, dossier by dossier %d/%d", stage, p[0], p[1], gotOn, gotAll, wantOn, wantAll)
		}
	}
}

// PeriodCounts reads only a period's counters and agrees with the full report on every
// figure of what happened within the period, month by month and over the year.
func TestPeriodCountsAgreeWithTheReport(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	periods := [][2]calendar.Date{{calendar.NewDate(2021, time.January, 1), calendar.NewDate(2021, time.December, 31)},
		{calendar.NewDate(2021, time.March, 15), calendar.NewDate(2021, time.April, 20)}}
	for m := time.January; m <= time.December; m++ {
		periods = append(periods, [2]calendar.Date{calendar.NewDate(2021, m, 1), calendar.NewDate(2021, m+1, 0)})
	}
	for _, p := range periods {
		full, err := report.OneStopReport(ctx, st, commune, report.Params{From: p[0].String(), To: p[1].String()})
		if err != nil {
			t.Fatal(err)
		}
		h, err := report.PeriodCounts(ctx, st, commune, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		o := full.OneStop
		want := report.Happened{Received: o.Received.Online + o.Received.Counter + o.Received.Post, Online: o.Received.Online,
			Resolved: o.Resolved.Total, EarlyOrOnTime: o.Resolved.Early + o.Resolved.OnTime, Late: o.Resolved.Late,
			Refused: o.Refused, Withdrawn: o.Withdrawn, Returned: o.Returned, Stopped: o.Stopped,
			OnTimeRate: report.Percent(o.Resolved.Early+o.Resolved.OnTime, o.Resolved.Total), OnlineRate: o.OnlineRate}
		if h != want {
			t.Errorf("%s–%s: period counts %+v, the report's %+v", p[0], p[1], h, want)
		}
		if p[0].Month == time.January && p[1].Month == time.December && h.Received != 2094 {
			t.Errorf("2021 received %d, want the demo's 2,094", h.Received)
		}
	}
}
