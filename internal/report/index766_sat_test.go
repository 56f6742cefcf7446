package report_test

import (
	"context"
	"testing"
	"time"

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
