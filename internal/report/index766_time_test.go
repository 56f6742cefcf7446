package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	xcal "github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// fileProc files a counter dossier of procedure code at when.
func (f *fixture) fileProc(t *testing.T, code, when string) string {
	t.Helper()
	f.now = at(when)
	d, _, err := f.svc.File(context.Background(), code, dossier.Intake{Channel: dossier.ChannelCounter,
		ReceivingUnitID: f.commune.ID, Applicant: dossier.Applicant{FullName: "Nguyễn Văn Thử"}}, f.actors[auth.RoleCounter], dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Code
}

// TestAverageTime766 is indicator 2.2 (average time per procedure) over March 2027 on
// the default calendar (07:30–11:30, 13:00–17:00), with dossiers of a procedure in
// working hours, one in working days and one in calendar days.
func TestAverageTime766(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	const (
		hours    = "1.001193" // 2 working hours
		days     = "1.004873" // 3 working days
		calendar = "2.000509" // 15 days
	)
	// Working hours: 1.5 h and 3 h (10:00–11:30, 13:00–14:30): 2.25 h, over the 2 h limit.
	a := f.fileProc(t, hours, "2027-03-01T08:00:00+07:00")
	f.toResolved(t, a, "2027-03-01T09:30:00+07:00")
	b := f.fileProc(t, hours, "2027-03-01T10:00:00+07:00")
	f.toResolved(t, b, "2027-03-01T14:30:00+07:00")

	// Working days. Paused from Tuesday 09:00 to Thursday 09:00: 8 h before the request,
	// 17 h after (Thursday 6.5, Friday 8, Monday 2.5): 25 h = 3.125 days → 3.13.
	paused := f.fileProc(t, days, "2027-03-01T09:00:00+07:00")
	f.act(t, paused, "2027-03-01T10:00:00+07:00", dossier.ActForward, auth.RoleCounter)
	f.act(t, paused, "2027-03-02T09:00:00+07:00", dossier.ActRequestSupplement, auth.RoleSpecialist)
	f.act(t, paused, "2027-03-04T09:00:00+07:00", dossier.ActSupplement, auth.RoleCounter)
	f.act(t, paused, "2027-03-08T09:00:00+07:00", dossier.ActForward, auth.RoleSpecialist)
	f.act(t, paused, "2027-03-08T10:00:00+07:00", dossier.ActSign, auth.RoleLeader)
	// Refused by the counter after one working hour: 0.125 day → 0.13.
	refused := f.fileProc(t, days, "2027-03-01T09:00:00+07:00")
	f.act(t, refused, "2027-03-01T10:00:00+07:00", dossier.ActRefuse, auth.RoleCounter)
	// Withdrawn while waiting for a supplement: measured at the request, 8 h → 1 day.
	withdrawn := f.fileProc(t, days, "2027-03-01T09:00:00+07:00")
	f.act(t, withdrawn, "2027-03-01T10:00:00+07:00", dossier.ActForward, auth.RoleCounter)
	f.act(t, withdrawn, "2027-03-02T09:00:00+07:00", dossier.ActRequestSupplement, auth.RoleSpecialist)
	f.act(t, withdrawn, "2027-03-03T09:00:00+07:00", dossier.ActWithdraw, auth.RoleCounter)
	// Not measured in March: open; received in February; ended in April.
	f.fileProc(t, days, "2027-03-10T09:00:00+07:00")
	february := f.fileProc(t, days, "2027-02-26T09:00:00+07:00")
	f.toResolved(t, february, "2027-03-02T09:00:00+07:00")
	april := f.fileProc(t, days, "2027-03-30T09:00:00+07:00")
	f.toResolved(t, april, "2027-04-01T09:00:00+07:00")

	// Calendar days: 2 days to the request (Wednesday 09:00), waiting 5 days to Monday
	// 09:00, then 4 days 6 hours to Friday 15:00: 6.25 days, weekends included.
	cal := f.fileProc(t, calendar, "2027-03-01T09:00:00+07:00")
	f.act(t, cal, "2027-03-01T10:00:00+07:00", dossier.ActForward, auth.RoleCounter)
	f.act(t, cal, "2027-03-03T09:00:00+07:00", dossier.ActRequestSupplement, auth.RoleSpecialist)
	f.act(t, cal, "2027-03-08T09:00:00+07:00", dossier.ActSupplement, auth.RoleCounter)
	f.act(t, cal, "2027-03-12T15:00:00+07:00", dossier.ActForward, auth.RoleSpecialist)
	f.act(t, cal, "2027-03-12T15:00:00+07:00", dossier.ActSign, auth.RoleLeader)

	want := []report.AverageTime{
		{Procedure: hours, Unit: catalog.Hours, UnitLabel: "giờ làm việc", Average: 2.25, LegalLimit: 2, Finished: 2, Within: false},
		{Procedure: days, Unit: catalog.Days, UnitLabel: "ngày làm việc", Average: 1.42, LegalLimit: 3, Finished: 3, Within: true}, // (313 + 13 + 100) / 3
		{Procedure: calendar, Unit: catalog.CalendarDays, UnitLabel: "ngày", Average: 6.25, LegalLimit: 15, Finished: 1, Within: true},
	}
	check := func(when string) {
		t.Helper()
		idx, err := report.IndexReport(ctx, f.st, f.commune, report.Params{From: "2027-03-01", To: "2027-03-31", WholeOnly: true, Today: xcal.NewDate(2027, time.June, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if len(idx.AverageTimes) != len(want) {
			t.Fatalf("%s: averages %+v", when, idx.AverageTimes)
		}
		for i, got := range idx.AverageTimes {
			w := want[i]
			if got.Name == "" {
				t.Errorf("%s: %s has no name", when, got.Procedure)
			}
			got.Name = ""
			if got != w {
				t.Errorf("%s: average %d\n got %+v\nwant %+v", when, i, got, w)
			}
		}
		var ind report.Indicator
		for _, x := range idx.Indicators {
			if x.ID == "progress.average_time" {
				ind = x
			}
		}
		// Two procedures of three within their limit.
		if !ind.Computable || ind.Numerator == nil || *ind.Numerator != 2 || *ind.Denominator != 3 || ind.Rate == nil || *ind.Rate != 66.67 {
			t.Fatalf("%s: indicator 2.2 %+v", when, ind)
		}
	}
	check("recorded at the end")

	// Dossiers ended before the time was recorded (or imported) are measured from their
	// histories; a rebuild measures them all again, to the same figures.
	for _, code := range []string{a, paused, withdrawn, cal} {
		d, err := f.st.DossierByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.SetProcessing(ctx, d.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := dossier.MeasureProcessing(ctx, f.st, workcal.New(f.st), false); err != nil || n != 4 {
		t.Fatalf("measured %d: %v", n, err)
	}
	check("measured from the histories")
	if n, err := dossier.MeasureProcessing(ctx, f.st, workcal.New(f.st), true); err != nil || n != 8 {
		t.Fatalf("rebuild measured %d: %v", n, err)
	}
	check("rebuilt")

	// A month with no finished dossier started in it: "—", not 0%.
	idx, err := report.IndexReport(ctx, f.st, f.commune, report.Params{From: "2027-05-01", To: "2027-05-31", WholeOnly: true, Today: xcal.NewDate(2027, time.June, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range idx.Indicators {
		if x.ID == "progress.average_time" && (x.Rate != nil || x.Score != nil || len(idx.AverageTimes) != 0) {
			t.Fatalf("May: %+v %+v", x, idx.AverageTimes)
		}
	}
}
