package dossier

import (
	"testing"

	"github.com/xaso-vn/xaso/internal/catalog"
)

// TestProcessingOf: a finished dossier's processing time for indicator 2.2, in
// hundredths of its procedure's unit, on the default calendar (07:30–11:30,
// 13:00–17:00; March 2027 has no holiday).
func TestProcessingOf(t *testing.T) {
	cal := rules(t).Calendar
	type step struct {
		when     string
		from, to Status
	}
	const recv = "2027-03-01T09:00:00+07:00" // a Monday
	tests := []struct {
		name   string
		limit  catalog.Duration
		events []step
		want   int64
		ended  bool
	}{
		{"working hours: 09:00–11:30 and 13:00–14:30, 4 h", catalog.Duration{Value: 8, Unit: catalog.Hours},
			[]step{{"2027-03-01T14:30:00+07:00", StatusProcessing, StatusResolved}}, 400, true},
		{"working days: Monday 09:00 to Tuesday 11:00, 10 h = 1.25 days", catalog.Duration{Value: 3, Unit: catalog.Days},
			[]step{{"2027-03-02T11:00:00+07:00", StatusProcessing, StatusResolved}}, 125, true},
		{"working days, a supplement wait subtracted: 8 h + 17 h", catalog.Duration{Value: 3, Unit: catalog.Days}, []step{
			{"2027-03-02T09:00:00+07:00", StatusProcessing, StatusSupplementRequested},
			{"2027-03-04T09:00:00+07:00", StatusSupplementRequested, StatusProcessing},
			{"2027-03-08T10:00:00+07:00", StatusProcessing, StatusResolved}}, 313, true},
		{"returned after resolution: measured at the resolution", catalog.Duration{Value: 3, Unit: catalog.Days}, []step{
			{"2027-03-01T13:00:00+07:00", StatusProcessing, StatusResolved},
			{"2027-03-05T09:00:00+07:00", StatusResolved, StatusReturned}}, 31, true},
		{"withdrawn while waiting: measured at the request", catalog.Duration{Value: 3, Unit: catalog.Days}, []step{
			{"2027-03-02T09:00:00+07:00", StatusProcessing, StatusSupplementRequested},
			{"2027-03-05T09:00:00+07:00", StatusSupplementRequested, StatusWithdrawn}}, 100, true},
		{"refused", catalog.Duration{Value: 3, Unit: catalog.Days},
			[]step{{"2027-03-01T10:00:00+07:00", StatusReceived, StatusRefused}}, 13, true},
		{"calendar days count weekends: Monday 09:00 to Saturday 21:00", catalog.Duration{Value: 15, Unit: catalog.CalendarDays},
			[]step{{"2027-03-06T21:00:00+07:00", StatusProcessing, StatusResolved}}, 550, true},
		{"calendar days less the wait in calendar time", catalog.Duration{Value: 15, Unit: catalog.CalendarDays}, []step{
			{"2027-03-03T09:00:00+07:00", StatusProcessing, StatusSupplementRequested},
			{"2027-03-08T09:00:00+07:00", StatusSupplementRequested, StatusProcessing},
			{"2027-03-12T15:00:00+07:00", StatusProcessing, StatusResolved}}, 625, true},
		{"open: not measured", catalog.Duration{Value: 3, Unit: catalog.Days},
			[]step{{"2027-03-02T09:00:00+07:00", StatusReceived, StatusProcessing}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Dossier{Code: "X", ReceivedAt: at(recv)}
			evs := []Event{{At: at(recv), FromStatus: StatusSubmitted, ToStatus: StatusReceived}}
			for _, s := range tt.events {
				evs = append(evs, Event{At: at(s.when), FromStatus: s.from, ToStatus: s.to})
			}
			p, ok, err := ProcessingOf(cal, tt.limit, d, evs)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ended || p.Time != tt.want || ok && (p.Unit != tt.limit.Unit || p.Limit != tt.limit.Value) {
				t.Errorf("ProcessingOf = %+v, %v; want %d hundredths, ended %v", p, ok, tt.want, tt.ended)
			}
		})
	}
	// A dossier never received is not measured.
	if _, ok, err := ProcessingOf(cal, catalog.Duration{Value: 3, Unit: catalog.Days}, Dossier{}, nil); ok || err != nil {
		t.Errorf("never received: %v %v", ok, err)
	}
}
