package dossier

import "github.com/xaso-vn/xaso/internal/calendar"

// Measure names a statistics counter.
type Measure string

// The counters a transition may move. Each dossier adds to "received" once, on the day
// it was received; to one resolved_* on the day it was resolved; and to one end counter.
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

// Counts returns the counters that moving a dossier from before to after increments;
// before is nil for a new dossier. Storage applies them in the transition's transaction,
// and `xaso report rebuild` recomputes the same from the dossiers, so the two agree.
func Counts(before *Dossier, after Dossier) []Count {
	var prev Dossier
	if before != nil {
		prev = *before
	}
	c := func(m Measure, day calendar.Date) Count {
		return Count{UnitID: after.CompetentUnitID, Day: day, ProcedureCode: after.ProcedureCode, Channel: after.Channel, Measure: m}
	}
	var out []Count
	if prev.ReceivedAt.IsZero() && !after.ReceivedAt.IsZero() {
		out = append(out, c(MeasureReceived, calendar.DateOf(after.ReceivedAt)))
	}
	if prev.ResolvedAt.IsZero() && !after.ResolvedAt.IsZero() {
		m := map[Timeliness]Measure{Early: MeasureResolvedEarly, OnTime: MeasureResolvedOnTime, Late: MeasureResolvedLate}[after.Timeliness]
		out = append(out, c(m, calendar.DateOf(after.ResolvedAt)))
	}
	if after.Supplements > prev.Supplements {
		out = append(out, c(MeasureSupplementRequested, calendar.DateOf(after.PausedAt)))
	}
	if prev.Status != after.Status && after.Status.Final() {
		m := map[Status]Measure{StatusReturned: MeasureReturned, StatusRefused: MeasureRefused, StatusStopped: MeasureStopped,
			StatusWithdrawn: MeasureWithdrawn}[after.Status]
		out = append(out, c(m, calendar.DateOf(after.EndedAt)))
	}
	return out
}
