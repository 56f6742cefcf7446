package dossier

import "github.com/xaso-vn/xaso/internal/calendar"

// Measure names a statistics counter. docs/STATISTICS.md defines every report figure in
// terms of these.
type Measure string

// The counters a transition may move, each on a local date. A dossier adds to
// "received" once, on the day it was received; to one resolved_* on the day it was
// resolved; to one end counter when it ends after receipt. Supplement waits open and
// close. A dossier finished after its appointment adds overdue_from on the day after
// the appointment's date and overdue_until on the day it finished, so that "open and
// overdue at the end of day X" is a difference of two running sums.
const (
	MeasureReceived            Measure = "received"
	MeasureResolvedEarly       Measure = "resolved_early"
	MeasureResolvedOnTime      Measure = "resolved_on_time"
	MeasureResolvedLate        Measure = "resolved_late"
	MeasureReturned            Measure = "returned"
	MeasureRefused             Measure = "refused"
	MeasureStopped             Measure = "stopped"
	MeasureWithdrawn           Measure = "withdrawn"
	MeasureSupplementRequested Measure = "supplement_requested"
	MeasureSupplementClosed    Measure = "supplement_closed"
	MeasureOverdueFrom         Measure = "overdue_from"
	MeasureOverdueUntil        Measure = "overdue_until"
	// MeasureResolvedResupplied counts dossiers resolved early or on time after more than
	// one supplement request: Decision 766 counts them late all the same.
	MeasureResolvedResupplied Measure = "resolved_resupplied"
	// MeasureEndOnTime and MeasureEndLate count, on the day of its end of processing (its
	// resolution, or its refusal, stop or withdrawal when it was never resolved), each
	// dossier as indicator 2.1 of Decision 766 judges it then (index766.go).
	MeasureEndOnTime Measure = "end_on_time"
	MeasureEndLate   Measure = "end_late"
	// MeasureLateFrom and MeasureLateUntil bound the days a dossier was open and late
	// by indicator 2.1 (asked to supplement more than once, waiting for a supplement
	// requested after its appointment's date, or past that date), one pair for each
	// span of its history that had such days; written when the span ends. "Open and late
	// at the end of day X" is their difference through X, plus the dossiers whose
	// current span began by X (read from the dossiers themselves).
	MeasureLateFrom  Measure = "late_open_from"
	MeasureLateUntil Measure = "late_open_until"
)

// Count is one increment of a counter, attributed to the competent unit (the one whose
// timeliness it is) on a local date.
type Count struct {
	UnitID        int64
	Day           calendar.Date
	ProcedureCode string
	Channel       Channel
	Measure       Measure
}

// EventCounts returns the counters one history event increments. d is the dossier after
// the event — or, when rebuilding, the dossier as it is now: the fields read here
// (ReceivedAt, ResolvedAt, Timeliness, DueAt, EndedAt) are set once and, for DueAt, not
// changed after the dossier is finished, so both give the same counts. prev is the span
// of its history the event ends: SpanOf(the dossier before the event) when a
// transition is stored, the span HistoryCounts replays when rebuilding — the same
// values, since every field of a span is stored with the event that begins it. Storage
// applies them in the transition's transaction; `xaso report rebuild` replays every
// event through this same function, so rebuild equals incremental by construction.
func EventCounts(d Dossier, prev Span, ev Event) []Count {
	c := func(m Measure, day calendar.Date) Count {
		return Count{UnitID: d.CompetentUnitID, Day: day, ProcedureCode: d.ProcedureCode, Channel: d.Channel, Measure: m}
	}
	// received reports whether the dossier had been received when the event happened:
	// refusals, withdrawals and supplement requests at the counter's check of an online
	// dossier come before receipt and count nowhere.
	if d.ReceivedAt.IsZero() || ev.At.Before(d.ReceivedAt) {
		return nil
	}
	day := calendar.DateOf(ev.At)
	var out []Count
	if ev.ToStatus == StatusReceived && (ev.FromStatus == "" || ev.FromStatus == StatusSubmitted) {
		out = append(out, c(MeasureReceived, day))
	}
	if ev.ToStatus == StatusSupplementRequested && ev.FromStatus != StatusSupplementRequested {
		out = append(out, c(MeasureSupplementRequested, day))
	}
	if ev.FromStatus == StatusSupplementRequested && ev.ToStatus != StatusSupplementRequested {
		out = append(out, c(MeasureSupplementClosed, day))
	}
	if prev.open() {
		// The span ends today: the days of it on which the dossier was late.
		if from, until := prev.lateDays(calendar.DateOf(prev.Since), day); from.Before(until) {
			out = append(out, c(MeasureLateFrom, from), c(MeasureLateUntil, until))
		}
	}
	finished := false
	if ev.ToStatus == StatusResolved || (ev.ToStatus == StatusReturned && ev.FromStatus != StatusResolved) {
		m := map[Timeliness]Measure{Early: MeasureResolvedEarly, OnTime: MeasureResolvedOnTime, Late: MeasureResolvedLate}[d.Timeliness]
		out = append(out, c(m, day))
		if d.Supplements > 1 && d.Timeliness != Late {
			out = append(out, c(MeasureResolvedResupplied, day))
		}
		finished = true
	}
	if ev.ToStatus.Final() && ev.FromStatus != ev.ToStatus {
		m := map[Status]Measure{StatusReturned: MeasureReturned, StatusRefused: MeasureRefused, StatusStopped: MeasureStopped,
			StatusWithdrawn: MeasureWithdrawn}[ev.ToStatus]
		out = append(out, c(m, day))
		finished = finished || d.ResolvedAt.IsZero()
	}
	if finished {
		m := MeasureEndOnTime
		if prev.EndLate(ev.At) {
			m = MeasureEndLate
		}
		out = append(out, c(m, day))
	}
	if finished && !d.DueAt.IsZero() {
		due := calendar.DateOf(d.DueAt)
		if day.After(due.AddDays(1)) {
			out = append(out, c(MeasureOverdueFrom, due.AddDays(1)), c(MeasureOverdueUntil, day))
		}
	}
	return out
}

// HistoryCounts returns the counters of a dossier's whole history (d as it is now, its
// events oldest first): EventCounts over each event and the span before it.
func HistoryCounts(d Dossier, evs []Event) []Count {
	var out []Count
	var span Span
	for _, ev := range evs {
		out = append(out, EventCounts(d, span, ev)...)
		span = span.Next(ev, d.DueAt)
	}
	return out
}
