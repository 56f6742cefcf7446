package report_test

import (
	"bytes"
	"context"
	"fmt"
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
	st      *store.Store
	svc     *dossier.Service
	commune unit.Unit
	now     time.Time
	actors  map[auth.Role]dossier.Actor
}

// newFixture is a commune with the sample catalog and no dossiers.
func newFixture(t *testing.T) *fixture {
	ctx := context.Background()
	st := storetest.Open(t)
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
	f := &fixture{st: st, commune: commune, actors: map[auth.Role]dossier.Actor{}}
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

// TestRebuildEqualsIncremental replays random histories, then checks that rebuilding
// the counters from the dossiers gives back exactly the counters kept incrementally.
func TestRebuildEqualsIncremental(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	rng := rand.New(rand.NewPCG(7, 7))
	acts := []struct {
		act  dossier.Action
		role auth.Role
	}{{dossier.ActForward, auth.RoleCounter}, {dossier.ActForward, auth.RoleSpecialist}, {dossier.ActRequestSupplement, auth.RoleSpecialist},
		{dossier.ActSupplement, auth.RoleCounter}, {dossier.ActSign, auth.RoleLeader}, {dossier.ActForward, auth.RoleClerk},
		{dossier.ActReturn, auth.RoleCounter}, {dossier.ActRefuse, auth.RoleSpecialist}, {dossier.ActWithdraw, auth.RoleCounter},
		{dossier.ActStop, auth.RoleLeader}, {dossier.ActSendBack, auth.RoleSpecialist}}
	start := at("2027-06-01T08:00:00+07:00")
	for i := range 60 {
		code := f.file(t, start.Add(time.Duration(rng.IntN(40*24))*time.Hour).Format(time.RFC3339))
		when := f.now
		for range rng.IntN(8) {
			when = when.Add(time.Duration(1+rng.IntN(40)) * time.Hour)
			a := acts[rng.IntN(len(acts))]
			f.now = when
			// Random actions are often not allowed: that is the point, only allowed ones happen.
			f.svc.Act(ctx, code, dossier.Request{Action: a.act, Actor: f.actors[a.role], Reason: fmt.Sprint("lần ", i)})
		}
	}
	before := snapshot(t, f.st)
	n, err := f.st.RebuildCounts(ctx)
	if err != nil || n != 60 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	after := snapshot(t, f.st)
	if !slices.Equal(before, after) {
		t.Fatalf("rebuild differs from incremental:\n%s", diff(before, after))
	}
}

func snapshot(t *testing.T, st *store.Store) []string {
	t.Helper()
	db := store.ReaderOf(st)
	var out []string
	for _, q := range []string{`SELECT unit_id, day, procedure_code, channel, measure, n FROM dossier_counts`,
		`SELECT unit_id, month, procedure_code, channel, measure, n FROM dossier_counts_monthly`} {
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
	if od.Numerator == nil || *od.Numerator != 547 || *od.Denominator != 2094 || *od.Rate != 26.1 || *od.Score != 2.87 {
		t.Fatalf("online dossiers: %+v", od)
	}
	if pt := byID["progress.on_time"]; pt.Score == nil || *pt.Score != 10 {
		t.Fatalf("on time: %+v", pt)
	}
	// No result of 2021 was signed in xaso: 0 of the 2,094 resolved, 0 points.
	if er := byID["digitisation.e_results"]; er.Numerator == nil || *er.Numerator != 0 || *er.Denominator != 2094 || *er.Score != 0 {
		t.Fatalf("e-results: %+v", er)
	}
	for _, id := range []string{"transparency.synced", "satisfaction.rate"} {
		if ind := byID[id]; ind.Score != nil || ind.Note == "" {
			t.Errorf("%s must show as not computable, got %+v", id, ind)
		}
	}
	if len(idx.Months) != 12 || idx.Total <= 0 || idx.Computable <= 0 || idx.Total > idx.Computable {
		t.Fatalf("index: total %v of %v, %d months", idx.Total, idx.Computable, len(idx.Months))
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
	at := time.Date(2026, time.March, 10, 9, 0, 0, 0, calendar.Location)
	st.SetClock(func() time.Time { return at })
	bill := func(d dossier.Dossier) store.PaymentRequest {
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
	pay := func(pr store.PaymentRequest, p payment.Payment) {
		after := pr
		ev, err := after.Confirm(p, at)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.SavePayment(ctx, store.PaymentChange{Before: pr, After: after.Request, Event: ev}); err != nil {
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
	if got.Score == nil || *got.Numerator != 1 || *got.Denominator != 3 || *got.Rate != 33.3 || *got.Score != 1.83 {
		t.Fatalf("online.paid in March 2026: %+v", got)
	}
	if got := paid("2021-01-01", "2021-12-31"); got.Score != nil || got.Note != "không có dữ liệu trong kỳ" {
		t.Fatalf("online.paid in 2021: %+v", got)
	}
}
