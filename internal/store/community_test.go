package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// The demo's 2021 dashboard: the seed's figures as manual values with their source, and
// each computed indicator equal to a count over the rows made here independently.
func TestDXIndicators2021(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.LoadWith(ctx, st, auth.NewHasher(auth.TestParams, 1), demo.Options{History: true, Payments: true}); err != nil {
		t.Fatal(err)
	}
	u, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	svc := &community.Service{Store: st, Calendars: workcal.New(st), Now: time.Now}
	leader, err := st.UserByUsername(ctx, "lanhdao")
	if err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{UserID: leader.ID, Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleLeader}}}
	ins, err := svc.Indicators(ctx, p, u.ID, 2021)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]community.Indicator{}
	for _, in := range ins {
		got[in.ID] = in
	}
	for id, want := range map[string]float64{"villages_connected": 12, "team_members": 36, "app_installs": 1200, "smartphone_share": 70, "telehealth_share": 30} {
		in := got[id]
		if in.Origin != community.Manual || in.Value == nil || *in.Value != want || in.Source != demo.DXSource || in.AsOf.Year != 2021 {
			t.Errorf("%s: %+v", id, in)
		}
	}

	// Recount the rows: dossiers received in 2021 (Vietnam's year) by channel.
	from := time.Date(2021, 1, 1, 0, 0, 0, 0, locale.Zone)
	to := from.AddDate(1, 0, 0)
	rows, err := st.ReaderDB().QueryContext(ctx, `SELECT channel, received_at FROM dossiers WHERE competent_unit_id = $1 AND received_at IS NOT NULL`, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var received, online, assisted float64
	for rows.Next() {
		var ch string
		var at time.Time
		if err := rows.Scan(&ch, &at); err != nil {
			t.Fatal(err)
		}
		if at.Before(from) || !at.Before(to) {
			continue
		}
		received++
		if ch != "counter" && ch != "post" {
			online++
		}
		if ch == "assisted" {
			assisted++
		}
	}
	rows.Close()
	if received < 2000 {
		t.Fatalf("the demo's 2021 has %v dossiers", received)
	}
	check := func(id string, num, den float64) {
		t.Helper()
		in := got[id]
		if in.Origin != community.Computed || in.Numerator != num || in.Denominator != den {
			t.Errorf("%s: %v/%v, recounted %v/%v", id, in.Numerator, in.Denominator, num, den)
		}
	}
	check("online_dossier_rate", online, received)
	check("assisted_dossier_share", assisted, received)
	var households float64
	for _, c := range demo.VillageCounts {
		households += float64(c[0])
	}
	var citizens float64
	if err := st.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE unit_id = $1 AND role = 'citizen'`, u.ID).Scan(&citizens); err != nil {
		t.Fatal(err)
	}
	check("accounts_per_household", citizens, households)
	var installs float64
	if err := st.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM app_installs WHERE unit_id = $1 AND first_seen >= $2 AND first_seen < $3`,
		u.ID, from.UTC(), to.UTC()).Scan(&installs); err != nil {
		t.Fatal(err)
	}
	check("app_installs_counted", installs, 0)
	if installs != demo.DemoInstalls {
		t.Errorf("the demo's 2021 installs: %v", installs)
	}
	if v := got["online_dossier_rate"].Value; v == nil || *v < 0 || *v > 100 {
		t.Errorf("online rate %v", v)
	}

	// A manual value needs its source and date; a computed one is not entered.
	var fe *community.FieldError
	if err := svc.SetManual(ctx, p, community.DXValue{UnitID: u.ID, Indicator: "smartphone_share", Year: 2021, Value: 75}); !errors.As(err, &fe) ||
		fe.Fields["source"] == "" || fe.Fields["as_of"] == "" {
		t.Fatalf("without source and date: %v", err)
	}
	if err := svc.SetManual(ctx, p, community.DXValue{UnitID: u.ID, Indicator: "online_dossier_rate", Year: 2021, Value: 75, Source: "x",
		AsOf: got["smartphone_share"].AsOf}); !errors.Is(err, community.ErrDXIndicator) {
		t.Fatalf("a computed one entered: %v", err)
	}
	if err := svc.SetManual(ctx, p, community.DXValue{UnitID: u.ID, Indicator: "smartphone_share", Year: 2021, Value: 140, Source: "x",
		AsOf: got["smartphone_share"].AsOf}); !errors.As(err, &fe) || fe.Fields["value"] == "" {
		t.Fatalf("140%%: %v", err)
	}
	volunteer := &auth.Principal{UserID: 1, Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleDigitalTeam}}}
	if _, err := svc.Indicators(ctx, volunteer, u.ID, 2021); !errors.Is(err, community.ErrNotReader) {
		t.Fatalf("a volunteer reads the indicators: %v", err)
	}
}
