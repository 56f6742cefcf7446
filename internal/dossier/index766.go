package dossier

import (
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// Indicator 2.1 of Decision 766 (hồ sơ xử lý đúng hạn), as the index's formula
// description defines it (../shared/DOMAIN.md §5): of all the dossiers received or
// handled in a period, the share whose end of processing is on or before the
// appointment.
//   - The end of processing is the first of: resolved, returned, refused / stopped /
//     withdrawn (a dossier resolved and later returned ends when resolved).
//   - A dossier without an end by the period's last day (or today, for a period that
//     ends later) is measured on that day: open within its appointment is on time, open
//     past it is late.
//   - A dossier waiting for a supplement is measured at the request, unless supplements
//     were requested more than once: then it is late, open or finished.
//   - The citizen's supplement time is subtracted: the appointment is moved by the
//     working time of each finished wait (machine.go, resume), so it is compared as it
//     stood then.
//   - Dates are compared in Vietnam's time zone, as Classify does: done on the
//     appointment's date is on time.
//   - A dossier without an appointment would be measured by its elapsed time against
//     the legal limit; xaso gives every received dossier an appointment (receipt
//     computes it, imports require it), so such a dossier is counted on time.
//
// The figure comes from counters (counts.go: end_on_time/end_late on the end's day,
// late_open_from/late_open_until around the late days of each span) and, for the
// dossiers whose current span began by the period's end, from the dossiers' own rows;
// Standing766 is the same rule for one dossier from its history, which the tests hold
// the counters to.

// Span is how a dossier stood between two events of its history: what indicator 2.1
// needs to judge it on any day of that span.
type Span struct {
	Since       time.Time // when the event that began it happened
	Status      Status
	Due         time.Time // the appointment then
	Supplements int       // supplement requests after receipt so far
	PausedAt    time.Time // when the supplement awaited was requested
}

// SpanOf is the span d is in now.
func SpanOf(d Dossier) Span {
	s := Span{Since: d.ChangedAt, Status: d.Status, Due: d.DueAt, Supplements: d.Supplements}
	if d.Status == StatusSupplementRequested {
		s.PausedAt = d.PausedAt
	}
	return s
}

// Next is the span ev begins. finalDue stands in for the appointment of events stored
// before it was recorded with them (migration 0023).
func (s Span) Next(ev Event, finalDue time.Time) Span {
	n := Span{Since: ev.At, Status: ev.ToStatus, Due: ev.Due, Supplements: s.Supplements}
	if n.Due.IsZero() {
		n.Due = finalDue
	}
	if ev.ToStatus == StatusSupplementRequested {
		n.PausedAt = s.PausedAt
		if ev.FromStatus == StatusReceived || ev.FromStatus == StatusProcessing {
			n.Supplements++
			n.PausedAt = ev.At
		}
	}
	return n
}

// open reports whether the span is one of processing: received and not yet resolved or
// ended (waiting for a supplement included).
func (s Span) open() bool {
	return s.Status == StatusReceived || s.Status == StatusProcessing || s.Status == StatusSupplementRequested
}

// LateOn reports whether a dossier in this (open) span, measured on day x, counts late.
func (s Span) LateOn(x calendar.Date) bool {
	switch {
	case s.Supplements > 1:
		return true
	case s.Due.IsZero():
		return false
	case s.Status == StatusSupplementRequested:
		return calendar.DateOf(s.PausedAt).After(calendar.DateOf(s.Due))
	}
	return x.After(calendar.DateOf(s.Due))
}

// lateDays returns the days [from, until) of the span's days [a, b) on which it counts
// late: a suffix of them, since being late only begins as days pass.
func (s Span) lateDays(a, b calendar.Date) (from, until calendar.Date) {
	if s.Supplements > 1 || s.Status == StatusSupplementRequested || s.Due.IsZero() {
		if s.LateOn(a) {
			return a, b
		}
		return b, b
	}
	from = calendar.DateOf(s.Due).AddDays(1)
	if from.Before(a) {
		from = a
	}
	return from, b
}

// EndLate reports whether a dossier whose processing ends at `at`, closing this span,
// counts late: more than one supplement requested, or its end — the request's time if
// it ended while waiting for a supplement — after the appointment's date.
func (s Span) EndLate(at time.Time) bool {
	if s.Status == StatusSupplementRequested {
		at = s.PausedAt
	}
	switch {
	case s.Supplements > 1:
		return true
	case s.Due.IsZero():
		return false
	}
	return calendar.DateOf(at).After(calendar.DateOf(s.Due))
}

// endsProcessing reports whether ev is the end of processing of a received dossier:
// its resolution, or its return, refusal, stop or withdrawal when it was not resolved.
func endsProcessing(ev Event) bool {
	return ev.ToStatus == StatusResolved || ev.ToStatus.Final() && ev.FromStatus != ev.ToStatus && ev.FromStatus != StatusResolved
}

// Standing766 judges one dossier for indicator 2.1 over the period from..x (local dates;
// x is the period's last day, or today if that is later), from its history (oldest
// first): counted reports whether it is in the denominator (received by x and not
// ended before from), onTime whether it is in the numerator.
func Standing766(d Dossier, evs []Event, from, x calendar.Date) (counted, onTime bool) {
	if d.ReceivedAt.IsZero() || calendar.DateOf(d.ReceivedAt).After(x) {
		return false, false
	}
	var span, atX Span
	for _, ev := range evs {
		day := calendar.DateOf(ev.At)
		if day.After(x) {
			break
		}
		if !ev.At.Before(d.ReceivedAt) && endsProcessing(ev) {
			if day.Before(from) {
				return false, false
			}
			return true, !span.EndLate(ev.At)
		}
		span = span.Next(ev, d.DueAt)
		atX = span
	}
	return true, !atX.LateOn(x)
}
