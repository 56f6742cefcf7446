package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// allRows pages through the rows behind an indicator's part and returns their number,
// the sum of their counts and the total the store reported.
func allRows(t *testing.T, svc *community.Service, p *auth.Principal, unitID int64, year int, village, id string, part community.Part) (n, sum, total int) {
	t.Helper()
	for offset := 0; ; offset += community.MaxRows {
		rows, tot, s, err := svc.Rows(context.Background(), p, unitID, year, village, id, part, community.MaxRows, offset)
		if err != nil {
			t.Fatalf("%s %s %s: %v", id, part, village, err)
		}
		total = tot
		if offset == 0 && s < 0 {
			t.Fatalf("sum %d", s)
		}
		for _, r := range rows {
			n++
			sum += r.Count
			if r.Code == "" || (r.At.IsZero() && r.Day.IsZero()) {
				t.Fatalf("%s %s: row %+v", id, part, r)
			}
		}
		if len(rows) < community.MaxRows {
			return n, sum, total
		}
	}
}

// The drill-down: for every computed indicator of the demo's 2021, for the commune and
// for each village where the part can be attributed, the rows behind the numerator and
// the denominator are as many (their counts add up to) as the value rests on; the
// values per village add up to the commune's where every row names a village; the
// parts a village cannot have are refused; the trend's last year is the year's value;
// the app counts an install once.
func TestDXDrillDown(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.LoadWith(ctx, st, auth.NewHasher(auth.TestParams, 1), demo.Options{History: true, Payments: true}); err != nil {
		t.Fatal(err)
	}
	u, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	svc := &community.Service{Store: st, Calendars: workcal.New(st), Now: func() time.Time { return now }}
	leader, err := st.UserByUsername(ctx, "lanhdao")
	if err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{UserID: leader.ID, Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleLeader}}}
	// 2021's help requests: in the second village two done on time and one late, in the
	// third one late, one still open; and one of 2020 (not counted).
	vs, err := st.CommunityVillages(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range []struct {
		village   int
		filed     time.Time
		doneAfter time.Duration // 0: not done
	}{
		{1, time.Date(2021, 3, 1, 2, 0, 0, 0, time.UTC), 24 * time.Hour},
		{1, time.Date(2021, 6, 1, 2, 0, 0, 0, time.UTC), 48 * time.Hour},
		{1, time.Date(2021, 9, 1, 2, 0, 0, 0, time.UTC), 100 * time.Hour},
		{2, time.Date(2021, 12, 31, 17, 30, 0, 0, time.UTC), 100 * time.Hour}, // 00:30 on 1 January 2022 in Vietnam
		{2, time.Date(2021, 12, 30, 2, 0, 0, 0, time.UTC), 200 * time.Hour},
		{2, time.Date(2021, 10, 1, 2, 0, 0, 0, time.UTC), 0},
		{2, time.Date(2020, 10, 1, 2, 0, 0, 0, time.UTC), time.Hour},
	} {
		x := community.HelpRequest{Code: community.NewHelpCode(), UnitID: u.ID, VillageID: vs[h.village].ID, Topic: community.TopicInternet,
			Phone: "0912345678", SecretHash: community.HashSecret("X"), ClientHash: "c" + strconv.Itoa(i), Status: community.StatusAssigned,
			FiledAt: h.filed, DueAt: h.filed.Add(72 * time.Hour), Events: []community.Event{{Status: community.StatusReceived, At: h.filed}}}
		if h.doneAfter > 0 {
			x.Status = community.StatusDone
			x.Events = append(x.Events, community.Event{Status: community.StatusDone, At: h.filed.Add(h.doneAfter)})
		}
		if _, err := st.CreateHelpRequest(ctx, x, nil); err != nil {
			t.Fatal(err)
		}
	}
	ins, err := svc.Indicators(ctx, p, u.ID, 2021)
	if err != nil {
		t.Fatal(err)
	}
	computed := 0
	for _, in := range ins {
		for _, part := range in.Parts {
			want := in.Numerator
			if part == community.Denominator {
				want = in.Denominator
			}
			n, sum, total := allRows(t, svc, p, u.ID, 2021, "", in.ID, part)
			if n != total || float64(sum) != want {
				t.Errorf("%s %s: %d rows (total %d), sum %d, the indicator %v", in.ID, part, n, total, sum, want)
			}
			computed++
		}
		if in.ID == "app_installs_counted" && (in.Value == nil || *in.Value != demo.DemoInstalls || in.Origin != community.Computed) {
			t.Errorf("installs counted: %+v", in)
		}
	}
	for _, in := range ins {
		if in.ID == "help_on_time" && (in.Numerator != 2 || in.Denominator != 4) {
			t.Errorf("help on time: %v/%v, want 2/4", in.Numerator, in.Denominator)
		}
	}
	if computed != 12 {
		t.Fatalf("%d parts drilled", computed)
	}
	// A manual indicator has no rows; nor a denominator for a count.
	if _, _, _, err := svc.Rows(ctx, p, u.ID, 2021, "", "smartphone_share", community.Numerator, 10, 0); !errors.Is(err, community.ErrDXPart) {
		t.Errorf("manual rows: %v", err)
	}
	if _, _, _, err := svc.Rows(ctx, p, u.ID, 2021, "", "app_installs_counted", community.Denominator, 10, 0); !errors.Is(err, community.ErrDXPart) {
		t.Errorf("installs' denominator: %v", err)
	}

	// Per village.
	table, err := svc.VillageTable(ctx, p, u.ID, 2021)
	if err != nil {
		t.Fatal(err)
	}
	if len(table) != 12 {
		t.Fatalf("%d villages", len(table))
	}
	var installs, households, assisted int
	for i, row := range table {
		installs += row.Installs
		households += row.Households
		assisted += row.Assisted
		if row.Households != demo.VillageCounts[i][0] {
			t.Errorf("%s: %d households", row.Code, row.Households)
		}
		v, vins, err := svc.VillageIndicators(ctx, p, u.ID, 2021, row.Code)
		if err != nil || v.Code != row.Code {
			t.Fatal(v.Code, err)
		}
		for _, in := range vins {
			switch in.ID {
			case "online_dossier_rate", "qr_payment_share", "smartphone_share", "assisted_dossier_share", "accounts_per_household", "telehealth_people":
				if in.Value != nil || in.Unattributed == "" {
					t.Errorf("%s %s: a value without the rows naming the village: %+v", row.Code, in.ID, in)
				}
			case "help_on_time":
				if want := map[int][2]int{1: {2, 3}, 2: {0, 1}}[i]; int(in.Numerator) != want[0] || int(in.Denominator) != want[1] ||
					(want[1] == 0) != (in.Value == nil) {
					t.Errorf("%s help on time: %v/%v, want %v", row.Code, in.Numerator, in.Denominator, want)
				}
			case "app_installs_counted":
				if in.Value == nil || int(*in.Value) != row.Installs {
					t.Errorf("%s installs: %+v, table %d", row.Code, in.Value, row.Installs)
				}
			}
			for _, part := range in.Parts {
				want := in.Numerator
				if part == community.Denominator {
					want = in.Denominator
				}
				n, sum, total := allRows(t, svc, p, u.ID, 2021, row.Code, in.ID, part)
				if n != total || float64(sum) != want {
					t.Errorf("%s %s %s: %d rows, sum %d, the indicator %v", row.Code, in.ID, part, n, sum, want)
				}
			}
		}
	}
	// Every thirteenth demo install names no village; every demo household is in one.
	withVillage := 0
	from := time.Date(2021, 1, 1, 0, 0, 0, 0, locale.Zone)
	if err := st.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM app_installs WHERE unit_id = $1 AND village_id IS NOT NULL
		AND first_seen >= $2 AND first_seen < $3`, u.ID, from.UTC(), from.AddDate(1, 0, 0).UTC()).Scan(&withVillage); err != nil {
		t.Fatal(err)
	}
	if installs != withVillage || withVillage == 0 || withVillage >= demo.DemoInstalls {
		t.Errorf("installs by village %d, recounted %d of %d", installs, withVillage, demo.DemoInstalls)
	}
	var recountAssisted int
	if err := st.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers WHERE competent_unit_id = $1 AND channel = 'assisted'
		AND received_at >= $2 AND received_at < $3 AND assisted_by IN (SELECT user_id FROM team_members)`, u.ID, from.UTC(),
		from.AddDate(1, 0, 0).UTC()).Scan(&recountAssisted); err != nil {
		t.Fatal(err)
	}
	if assisted != recountAssisted {
		t.Errorf("assisted by village %d, recounted %d", assisted, recountAssisted)
	}
	if _, _, _, err := svc.Rows(ctx, p, u.ID, 2021, table[0].Code, "online_dossier_rate", community.Numerator, 10, 0); !errors.Is(err, community.ErrDXUnattributed) {
		t.Errorf("online rate of a village: %v", err)
	}
	if _, _, _, err := svc.Rows(ctx, p, u.ID, 2021, "Thôn Không Có", "help_on_time", community.Numerator, 10, 0); !errors.Is(err, community.ErrVillageNotFound) {
		t.Errorf("unknown village: %v", err)
	}
	volunteer := &auth.Principal{UserID: 1, Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleDigitalTeam}}}
	if _, _, _, err := svc.Rows(ctx, volunteer, u.ID, 2021, "", "help_on_time", community.Numerator, 10, 0); !errors.Is(err, community.ErrNotReader) {
		t.Errorf("a volunteer drills down: %v", err)
	}

	// The trend ends with the year's values.
	trend, err := svc.Trend(ctx, p, u.ID, 2021, "")
	if err != nil || len(trend) == 0 {
		t.Fatal(len(trend), err)
	}
	last := trend[len(trend)-1]
	if last.Year != 2021 || len(last.Indicators) != len(ins) {
		t.Fatalf("trend ends %d", last.Year)
	}
	for i, in := range last.Indicators {
		if (in.Value == nil) != (ins[i].Value == nil) || in.Value != nil && *in.Value != *ins[i].Value {
			t.Errorf("trend %s: %v, the year's %v", in.ID, in.Value, ins[i].Value)
		}
	}

	// The app counts an install once; only the id's hash is kept.
	id := "Zx9-install_0123456789"
	for i, want := range []bool{true, false} {
		created, err := svc.CountInstall(ctx, community.InstallReport{ID: id, Village: table[2].Code}, u.ID)
		if err != nil || created != want {
			t.Fatalf("report %d: %v %v", i, created, err)
		}
	}
	var kept int
	if err := st.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM app_installs WHERE id_hash = $1`, community.InstallHash(id)).Scan(&kept); err != nil || kept != 1 {
		t.Fatalf("kept %d: %v", kept, err)
	}
	this, err := svc.Indicators(ctx, p, u.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range this {
		if in.ID == "app_installs_counted" && (in.Value == nil || *in.Value != 1) {
			t.Errorf("2026 installs: %v", in.Value)
		}
	}
	for _, bad := range []string{"short", "has space in it 0123", "ngắn-nhưng-có-dấu-0123456"} {
		if _, err := svc.CountInstall(ctx, community.InstallReport{ID: bad}, u.ID); !errors.Is(err, community.ErrInstallID) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := svc.CountInstall(ctx, community.InstallReport{ID: "0123456789abcdef", Village: "Thôn Không Có"}, u.ID); !errors.Is(err, community.ErrVillageNotFound) {
		t.Errorf("unknown village: %v", err)
	}
}
