package telehealth_test

import (
	"context"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/telehealth"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// `xaso serve --demo` shows the station's slots of the next five working days (two of
// them booked by the demo citizen) and three consultations held on the last working day.
func TestDemoTelehealth(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.LoadWith(ctx, st, auth.NewHasher(auth.TestParams, 1), demo.Options{Telehealth: true}); err != nil {
		t.Fatal(err)
	}
	u, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	svc := &telehealth.Service{Store: st, Calendars: workcal.New(st)}
	free, err := svc.Free(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(free) != 5*10-2 {
		t.Fatalf("free slots: %d, want 48", len(free))
	}
	now := time.Now()
	ms, err := st.TelehealthMonths(ctx, u.ID, now.AddDate(0, 0, -40), now.AddDate(0, 0, 40))
	if err != nil {
		t.Fatal(err)
	}
	var attended, noShow, booked int
	for _, m := range ms {
		attended, noShow, booked = attended+m.Attended, noShow+m.NoShow, booked+m.Booked
	}
	if attended != 2 || noShow != 1 || booked != 2 {
		t.Fatalf("demo bookings: %d attended, %d no-show, %d booked", attended, noShow, booked)
	}
}
