package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/store"
)

// TestSatisfactionIndicator: 5.4 is "100% − (late rate + share of dossiers with a
// complaint or a dissatisfied rating)", both of the 2,094 dossiers of 2021: the demo's
// 2021 has no late dossier, so one dissatisfied rating (of four given) is 1/2094 =
// 0.05%, 99.95%, all 6 points (full at 90%); ratings outside the period do not count.
func TestSatisfactionIndicator(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	ds, _, err := st.Dossiers(ctx, store.DossierQuery{UnitID: commune.ID, Statuses: []dossier.Status{dossier.StatusReturned}, Limit: 5})
	if err != nil || len(ds) < 5 {
		t.Fatalf("returned dossiers: %d %v", len(ds), err)
	}
	in2021 := time.Date(2021, 6, 15, 3, 0, 0, 0, time.UTC)
	for i, r := range []dossier.Rating{dossier.RatingSatisfied, dossier.RatingSatisfied, dossier.RatingNeutral, dossier.RatingDissatisfied} {
		if err := st.RateDossier(ctx, ds[i], dossier.Rated{Rating: r, At: in2021}); err != nil {
			t.Fatal(err)
		}
	}
	// Given in 2022: outside the period.
	if err := st.RateDossier(ctx, ds[4], dossier.Rated{Rating: dossier.RatingDissatisfied, At: in2021.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	idx, err := report.IndexReport(ctx, st, commune, report.Params{From: "2021-01-01", To: "2021-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range idx.Indicators {
		if ind.ID != "satisfaction.rate" {
			continue
		}
		if ind.Rate == nil || *ind.Rate != 99.95 || ind.Score == nil || *ind.Score != 6 ||
			ind.Note != "trễ hạn 0/2094 hồ sơ (0,00%), có phản ánh hoặc không hài lòng mà không trễ hạn 1/2094 (0,05%); 1/4 đánh giá không hài lòng" {
			t.Fatalf("satisfaction: %+v (note %q)", ind, ind.Note)
		}
		return
	}
	t.Fatal("no satisfaction indicator")
}

// TestIndex766Future: a period that ends after today is measured to today — an open
// dossier within its appointment today is on time, not late against the period's last
// day — and its months after today are empty ("—"), not 0. The demo's current dossiers,
// still open, are carried into 2030 too: the test compares with and without one more.
func TestIndex766Future(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	vn := func(s string) time.Time {
		v, _ := time.Parse("2006-01-02 15:04", s)
		return v.Add(-7 * time.Hour).UTC()
	}
	onTime := func(p report.Params) (int64, int64, report.Index) {
		t.Helper()
		idx, err := report.IndexReport(ctx, st, commune, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range idx.Indicators {
			if ind.ID == "progress.on_time" && ind.Numerator != nil {
				return *ind.Numerator, *ind.Denominator, idx
			}
		}
		t.Fatalf("no on-time figures: %+v", idx.Indicators)
		return 0, 0, idx
	}
	year := report.Params{From: "2030-01-01", To: "2030-12-31", Today: calendar.NewDate(2030, time.February, 12)}
	feb := report.Params{From: "2030-02-01", To: "2030-02-28", Today: calendar.NewDate(2030, time.March, 5)}
	n0, d0, _ := onTime(year)
	m0, e0, _ := onTime(feb)
	if _, err := dossier.Import(ctx, st, []dossier.Record{{Unit: commune.Code, ProcedureCode: "1.004873", Channel: dossier.ChannelCounter,
		Applicant: dossier.Applicant{FullName: "Đang giải quyết"}, ReceivedAt: vn("2030-02-10 09:00"), DueAt: vn("2030-02-14 17:00"),
		Status: dossier.StatusProcessing}}); err != nil {
		t.Fatal(err)
	}
	n, d, idx := onTime(year)
	if n != n0+1 || d != d0+1 || idx.MeasuredTo != "2030-02-12" || len(idx.Months) != 12 {
		t.Fatalf("measured today: %d/%d (before %d/%d), measured to %s, %d months", n, d, n0, d0, idx.MeasuredTo, len(idx.Months))
	}
	for i, m := range idx.Months {
		if want := i > 1; m.Empty != want || (want && m.Computable != 0) {
			t.Errorf("month %s: empty %v, computable %v", m.Label, m.Empty, m.Computable)
		}
	}
	// Measured to the period's last day instead, the same dossier is late.
	if m, e, _ := onTime(feb); m != m0 || e != e0+1 {
		t.Fatalf("measured on 28 February: %d/%d (before %d/%d)", m, e, m0, e0)
	}
}
