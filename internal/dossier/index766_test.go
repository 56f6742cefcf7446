package dossier

import (
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// TestStanding766 covers every clause of indicator 2.1 (index766.go) for one dossier,
// measured over March 2026 (its last day the 31st). Histories are written by hand: the
// events with the appointment each leaves, as storage records them.
func TestStanding766(t *testing.T) {
	vn := func(s string) time.Time {
		t, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			panic(err)
		}
		return t.Add(-7 * time.Hour).UTC() // written in Vietnam's time
	}
	due := vn("2026-03-10 17:00")
	moved := vn("2026-03-13 17:00") // after a three-day supplement wait
	ev := func(at string, from, to Status, d time.Time) Event {
		return Event{At: vn(at), FromStatus: from, ToStatus: to, Due: d}
	}
	received := ev("2026-03-02 09:00", "", StatusReceived, due)
	processing := ev("2026-03-02 10:00", StatusReceived, StatusProcessing, due)
	resolvedOn := func(day string) Event { return ev(day, StatusProcessing, StatusResolved, due) }
	asked := func(at string) Event { return ev(at, StatusProcessing, StatusSupplementRequested, due) }
	supplied := func(at string, d time.Time) Event { return ev(at, StatusSupplementRequested, StatusProcessing, d) }
	from, x := calendar.NewDate(2026, time.March, 1), calendar.NewDate(2026, time.March, 31)

	cases := []struct {
		name            string
		receivedAt      time.Time
		due             time.Time
		evs             []Event
		from, x         calendar.Date
		counted, onTime bool
	}{
		{name: "resolved before the appointment: on time",
			evs: []Event{received, processing, resolvedOn("2026-03-09 15:00")}, counted: true, onTime: true},
		{name: "resolved on the appointment's date, after its hour: on time (dates compared)",
			evs: []Event{received, processing, resolvedOn("2026-03-10 20:00")}, counted: true, onTime: true},
		{name: "resolved after the appointment's date: late",
			evs: []Event{received, processing, resolvedOn("2026-03-11 08:00")}, counted: true, onTime: false},
		{name: "resolved on time, returned late: the end is the resolution, on time",
			evs:     []Event{received, processing, resolvedOn("2026-03-09 15:00"), ev("2026-03-20 09:00", StatusResolved, StatusReturned, due)},
			counted: true, onTime: true},
		{name: "returned at once by the desk after the appointment: late",
			evs: []Event{received, ev("2026-03-12 09:00", StatusReceived, StatusReturned, due)}, counted: true, onTime: false},
		{name: "refused before the appointment: on time",
			evs: []Event{received, processing, ev("2026-03-05 09:00", StatusProcessing, StatusRefused, due)}, counted: true, onTime: true},
		{name: "refused after the appointment: late",
			evs: []Event{received, processing, ev("2026-03-16 09:00", StatusProcessing, StatusRefused, due)}, counted: true, onTime: false},
		{name: "withdrawn before the appointment: on time",
			evs: []Event{received, ev("2026-03-03 09:00", StatusReceived, StatusWithdrawn, due)}, counted: true, onTime: true},
		{name: "stopped while waiting, asked before the appointment: measured at the request, on time",
			evs:     []Event{received, processing, asked("2026-03-06 09:00"), ev("2026-03-25 09:00", StatusSupplementRequested, StatusStopped, due)},
			counted: true, onTime: true},
		{name: "open within the appointment on the period's last day: on time",
			due: vn("2026-04-03 17:00"),
			evs: []Event{ev("2026-03-27 09:00", "", StatusReceived, vn("2026-04-03 17:00"))}, counted: true, onTime: true},
		{name: "open with the appointment on the period's last day: on time",
			due: vn("2026-03-31 08:00"),
			evs: []Event{ev("2026-03-24 09:00", "", StatusReceived, vn("2026-03-31 08:00"))}, counted: true, onTime: true},
		{name: "open past the appointment on the period's last day: late",
			evs: []Event{received, processing}, counted: true, onTime: false},
		{name: "measured to an earlier day (today, the period not over): open, still within, on time",
			evs: []Event{received, processing}, x: calendar.NewDate(2026, time.March, 10), counted: true, onTime: true},
		{name: "resolved after the period's last day: measured open on that day",
			evs: []Event{received, processing, resolvedOn("2026-04-02 09:00")}, counted: true, onTime: false},
		{name: "waiting on the last day, asked before the appointment: measured at the request, on time",
			evs: []Event{received, processing, asked("2026-03-06 09:00")}, counted: true, onTime: true},
		{name: "waiting on the last day, asked after the appointment's date: late",
			evs: []Event{received, processing, asked("2026-03-12 09:00")}, counted: true, onTime: false},
		{name: "the citizen's supplement time is subtracted: resolved after the first appointment, within the moved one",
			due: moved,
			evs: []Event{received, processing, asked("2026-03-05 09:00"), supplied("2026-03-10 09:00", moved),
				ev("2026-03-12 15:00", StatusProcessing, StatusResolved, moved)}, counted: true, onTime: true},
		{name: "the supplement time subtracted, open: within the moved appointment on its date",
			due: moved, x: calendar.NewDate(2026, time.March, 13),
			evs: []Event{received, processing, asked("2026-03-05 09:00"), supplied("2026-03-10 09:00", moved)}, counted: true, onTime: true},
		{name: "two supplement requests, resolved early: late",
			due: moved,
			evs: []Event{received, processing, asked("2026-03-03 09:00"), supplied("2026-03-04 09:00", due), asked("2026-03-05 09:00"),
				supplied("2026-03-06 09:00", moved), ev("2026-03-07 09:00", StatusProcessing, StatusResolved, moved)}, counted: true, onTime: false},
		{name: "two supplement requests, open within the appointment: late",
			due:     vn("2026-04-30 17:00"),
			evs:     []Event{received, processing, asked("2026-03-03 09:00"), supplied("2026-03-04 09:00", due), asked("2026-03-05 09:00")},
			counted: true, onTime: false},
		{name: "two supplement requests, both after the period: measured before them, open within",
			due: vn("2026-04-30 17:00"), x: calendar.NewDate(2026, time.March, 4),
			evs:     []Event{received, processing, asked("2026-03-05 09:00"), supplied("2026-03-06 09:00", due), asked("2026-03-07 09:00")},
			counted: true, onTime: true},
		{name: "a request at the counter's check, before receipt, is not a supplement of processing",
			receivedAt: vn("2026-03-04 09:00"),
			evs: []Event{ev("2026-03-02 09:00", "", StatusSubmitted, time.Time{}), ev("2026-03-03 09:00", StatusSubmitted, StatusSupplementRequested, time.Time{}),
				ev("2026-03-03 15:00", StatusSupplementRequested, StatusSubmitted, time.Time{}), ev("2026-03-04 09:00", StatusSubmitted, StatusReceived, due),
				ev("2026-03-09 09:00", StatusReceived, StatusResolved, due)}, counted: true, onTime: true},
		{name: "received before the period and ended in it: counted (carried over)",
			receivedAt: vn("2026-02-20 09:00"),
			evs:        []Event{ev("2026-02-20 09:00", "", StatusReceived, due), ev("2026-03-09 09:00", StatusReceived, StatusResolved, due)},
			counted:    true, onTime: true},
		{name: "ended before the period: not counted",
			receivedAt: vn("2026-02-20 09:00"),
			evs:        []Event{ev("2026-02-20 09:00", "", StatusReceived, due), ev("2026-02-25 09:00", StatusReceived, StatusRefused, due)}},
		{name: "received after the period: not counted",
			receivedAt: vn("2026-04-02 09:00"),
			evs:        []Event{ev("2026-04-02 09:00", "", StatusReceived, due)}},
		{name: "never received (refused at the counter's check): not counted",
			receivedAt: time.Time{}, evs: []Event{ev("2026-03-02 09:00", "", StatusSubmitted, time.Time{}), ev("2026-03-03 09:00", StatusSubmitted, StatusRefused, time.Time{})}},
		{name: "no appointment: counted on time (xaso gives every received dossier one)",
			due: time.Time{}, evs: []Event{ev("2026-03-02 09:00", "", StatusReceived, time.Time{})}, counted: true, onTime: true},
		{name: "events stored before their appointment was recorded: measured against the final one",
			evs:     []Event{ev("2026-03-02 09:00", "", StatusReceived, time.Time{}), ev("2026-03-12 09:00", StatusReceived, StatusResolved, time.Time{})},
			counted: true, onTime: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Dossier{ReceivedAt: received.At, DueAt: due}
			if c.receivedAt != (time.Time{}) || c.name == "never received (refused at the counter's check): not counted" {
				d.ReceivedAt = c.receivedAt
			}
			if c.due != (time.Time{}) || c.name == "no appointment: counted on time (xaso gives every received dossier one)" {
				d.DueAt = c.due
			}
			f, xx := from, x
			if c.from != (calendar.Date{}) {
				f = c.from
			}
			if c.x != (calendar.Date{}) {
				xx = c.x
			}
			counted, onTime := Standing766(d, c.evs, f, xx)
			if counted != c.counted || onTime != c.onTime {
				t.Fatalf("counted %v, on time %v; want %v, %v", counted, onTime, c.counted, c.onTime)
			}
		})
	}
}

// TestCounts766 checks the counters EventCounts writes for the clauses of 2.1 against
// Standing766 on every day of March: ended on time or late on the end's day, and the
// days open and late bounded by late_open_from/late_open_until, with the open span now
// judged as the store judges it (Span.LateOn).
func TestCounts766(t *testing.T) {
	vn := func(s string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", s)
		return t.Add(-7 * time.Hour).UTC()
	}
	due, moved := vn("2026-03-10 17:00"), vn("2026-03-16 17:00")
	ev := func(at string, from, to Status, d time.Time) Event {
		return Event{At: vn(at), FromStatus: from, ToStatus: to, Due: d}
	}
	histories := [][]Event{
		{ev("2026-03-02 09:00", "", StatusReceived, due), ev("2026-03-20 09:00", StatusReceived, StatusResolved, due)},
		{ev("2026-03-02 09:00", "", StatusReceived, due), ev("2026-03-04 09:00", StatusReceived, StatusSupplementRequested, due),
			ev("2026-03-09 09:00", StatusSupplementRequested, StatusProcessing, moved), ev("2026-03-12 09:00", StatusProcessing, StatusSupplementRequested, moved),
			ev("2026-03-14 09:00", StatusSupplementRequested, StatusProcessing, moved), ev("2026-03-25 09:00", StatusProcessing, StatusResolved, moved)},
		{ev("2026-03-02 09:00", "", StatusReceived, due), ev("2026-03-12 09:00", StatusReceived, StatusSupplementRequested, due),
			ev("2026-03-18 09:00", StatusSupplementRequested, StatusProcessing, moved)},
		{ev("2026-03-02 09:00", "", StatusReceived, due), ev("2026-03-05 09:00", StatusReceived, StatusSupplementRequested, due),
			ev("2026-03-28 09:00", StatusSupplementRequested, StatusWithdrawn, due)},
	}
	for i, evs := range histories {
		d := Dossier{ReceivedAt: evs[0].At, DueAt: evs[len(evs)-1].Due, Status: evs[len(evs)-1].ToStatus}
		var span Span
		for _, e := range evs {
			span = span.Next(e, d.DueAt)
		}
		d.ChangedAt, d.Supplements, d.PausedAt = span.Since, span.Supplements, span.PausedAt
		counts := HistoryCounts(d, evs)
		first := calendar.NewDate(2026, time.March, 1)
		for x := first; x.Month == time.March; x = x.AddDays(1) {
			var ended, endedOnTime, lateOpen int64
			for _, c := range counts {
				if c.Day.After(x) {
					continue
				}
				switch c.Measure {
				case MeasureEndOnTime:
					ended++
					endedOnTime++
				case MeasureEndLate:
					ended++
				case MeasureLateFrom:
					lateOpen++
				case MeasureLateUntil:
					lateOpen--
				}
			}
			if now := SpanOf(d); ended == 0 && !calendar.DateOf(now.Since).After(x) && now.open() && now.LateOn(x) {
				lateOpen++
			}
			counted, onTime := Standing766(d, evs, first, x)
			if !counted && calendar.DateOf(d.ReceivedAt).After(x) {
				continue // not received yet
			}
			gotOnTime := endedOnTime == 1 || ended == 0 && lateOpen == 0
			if !counted || gotOnTime != onTime || lateOpen < 0 || lateOpen > 1 {
				t.Fatalf("history %d on %s: counters say on time %v (ended %d, late open %d), Standing766 %v", i, x, gotOnTime, ended, lateOpen, onTime)
			}
		}
	}
}
