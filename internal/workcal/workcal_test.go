package workcal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

func setup(t *testing.T) (*store.Store, int64, int64) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	p, err := st.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.CreateUnit(ctx, unit.Unit{Code: "14731", Level: unit.Commune, ParentID: &p, Name: "Xã Yên Từ", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	return st, p, c
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func due(t *testing.T, svc *workcal.Service, unitID int64, from string, days int) string {
	t.Helper()
	cal, err := svc.For(context.Background(), unitID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := cal.AddWorkingDays(at(from), days)
	if err != nil {
		t.Fatal(err)
	}
	return d.In(locale.Zone).Format(time.RFC3339)
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestDecisionsChangeDeadlinesEverywhere(t *testing.T) {
	ctx := context.Background()
	st, province, commune := setup(t)
	svc, other := workcal.New(st), workcal.New(st) // two instances on one database
	const from = "2026-02-27T09:00:00+07:00"       // a Friday

	if got := due(t, svc, commune, from, 1); got != "2026-03-02T09:00:00+07:00" {
		t.Fatalf("default: %s", got)
	}
	// The commune gets Monday 2 March off: due Tuesday, on every instance.
	id, err := st.CreateDecision(ctx, commune, calendar.Decision{Number: "01/QĐ-UBND", Date: day("2026-02-20"),
		Days: []calendar.DecidedDay{{Date: day("2026-03-02"), Off: true, Name: "Nghỉ theo quyết định"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*workcal.Service{svc, other} {
		if got := due(t, s, commune, from, 1); got != "2026-03-03T09:00:00+07:00" {
			t.Fatalf("after the commune's decision: %s", got)
		}
	}
	// The province makes Saturday 28 February a working day: it binds its communes.
	if _, err := st.CreateDecision(ctx, province, calendar.Decision{Number: "02/QĐ-UBND",
		Days: []calendar.DecidedDay{{Date: day("2026-02-28"), Off: false, Name: "Làm bù"}}}); err != nil {
		t.Fatal(err)
	}
	if got := due(t, svc, commune, from, 1); got != "2026-02-28T09:00:00+07:00" {
		t.Fatalf("after the province's decision: %s", got)
	}
	d, err := st.CalendarDecision(ctx, id)
	if err != nil || d.UnitID != commune || d.Number != "01/QĐ-UBND" || d.Date != day("2026-02-20") || len(d.Days) != 1 {
		t.Fatalf("CalendarDecision = %+v, %v", d, err)
	}
	if err := st.DeleteDecision(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CalendarDecision(ctx, id); !errors.Is(err, workcal.ErrNotFound) {
		t.Fatalf("deleted decision: %v", err)
	}
	if got := due(t, other, province, from, 2); got != "2026-03-02T09:00:00+07:00" {
		t.Fatalf("the province's calendar after deleting the commune's decision: %s", got)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestNationwideDecision(t *testing.T) {
	ctx := context.Background()
	st, _, commune := setup(t)
	svc := workcal.New(st)
	// Quốc khánh 2026: suppose the notice chose 1–2 September instead of 2–3.
	if _, err := st.CreateDecision(ctx, 0, calendar.Decision{Number: "9999/TB-BNV", Days: []calendar.DecidedDay{
		{Date: day("2026-09-01"), Off: true, Name: "Quốc khánh"}, {Date: day("2026-09-03"), Off: false, Name: "Làm việc"}}}); err != nil {
		t.Fatal(err)
	}
	cal, err := svc.For(ctx, commune)
	if err != nil {
		t.Fatal(err)
	}
	if cal.IsWorkingDay(day("2026-09-01")) || !cal.IsWorkingDay(day("2026-09-03")) || cal.IsWorkingDay(day("2026-09-02")) {
		t.Fatal("the nationwide decision is not applied")
	}
}

func TestOfficeHours(t *testing.T) {
	ctx := context.Background()
	st, _, commune := setup(t)
	svc := workcal.New(st)
	h := calendar.DefaultOfficeHours()
	h.Week[time.Monday] = calendar.Shift{{Start: calendar.NewClock(7, 0), End: calendar.NewClock(11, 0)}, {Start: calendar.NewClock(13, 30), End: calendar.NewClock(17, 30)}}
	h.Week[time.Saturday] = calendar.Shift{{Start: calendar.NewClock(7, 30), End: calendar.NewClock(11, 30)}}
	if err := st.SetOfficeHours(ctx, commune, h); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Hours(ctx, commune)
	if err != nil || got.Week[time.Monday].String() != "07:00-11:00,13:30-17:30" || got.Week[time.Saturday].String() != "07:30-11:30" {
		t.Fatalf("Hours = %+v, %v", got, err)
	}
	cal, err := svc.For(ctx, commune)
	if err != nil {
		t.Fatal(err)
	}
	// Saturday's desk is open, but Saturday is not a working day for deadlines.
	sat := at("2026-03-07T08:00:00+07:00")
	if !cal.DeskOpen(sat) || cal.InOfficeHours(sat) {
		t.Fatal("Saturday desk hours must not count as working time")
	}
	if !cal.InOfficeHours(at("2026-03-09T07:10:00+07:00")) {
		t.Fatal("Monday's own hours are not used")
	}
	bad := calendar.DefaultOfficeHours()
	bad.Week[time.Tuesday] = nil
	if err := st.SetOfficeHours(ctx, commune, bad); err == nil {
		t.Fatal("a weekday without hours accepted")
	}
}

func TestCheckDecision(t *testing.T) {
	ok := calendar.DecidedDay{Date: day("2026-03-02"), Off: true, Name: "x"}
	tests := []struct {
		name string
		d    calendar.Decision
		want error
	}{
		{"no number", calendar.Decision{Days: []calendar.DecidedDay{ok}}, workcal.ErrDecisionNumber},
		{"no days", calendar.Decision{Number: "1"}, workcal.ErrDecisionDays},
		{"duplicate day", calendar.Decision{Number: "1", Days: []calendar.DecidedDay{ok, ok}}, workcal.ErrDecisionDays},
		{"unnamed day", calendar.Decision{Number: "1", Days: []calendar.DecidedDay{{Date: day("2026-03-02")}}}, workcal.ErrDecisionDays},
		{"too early", calendar.Decision{Number: "1", Days: []calendar.DecidedDay{{Date: day("2001-03-02"), Name: "x"}}}, workcal.ErrDecisionYears},
	}
	for _, tt := range tests {
		err := workcal.CheckDecision(tt.d)
		if !errors.Is(err, tt.want) || apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}
