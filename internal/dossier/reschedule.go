package dossier

import (
	"fmt"
	"time"
)

// ActReschedule is the history entry of an appointment moved because the calendar
// changed after the dossier was received (a decision entered late). Printed appointments
// stay as they are unless an administrator chooses to move them.
const ActReschedule Action = "reschedule"

// Recomputed returns the appointment d would have under rules' calendar: the legal time
// from the receipt, plus the working time it spent waiting for supplements.
func (d Dossier) Recomputed(r Rules) (time.Time, error) {
	due, err := DueAt(r, d.ReceivedAt)
	if err != nil {
		return time.Time{}, err
	}
	if d.PausedMinutes > 0 {
		if due, err = r.Calendar.AddWorkingHours(due, time.Duration(d.PausedMinutes)*time.Minute); err != nil {
			return time.Time{}, fmt.Errorf("dossier %s: recompute: %w", d.Code, err)
		}
	}
	return due, nil
}

// Reschedule moves an open dossier's appointment to due and returns the history event.
func (d *Dossier) Reschedule(due time.Time, actor Actor, now time.Time) (Event, error) {
	if !(d.Status == StatusReceived || d.Status == StatusProcessing || d.Status == StatusSupplementRequested) {
		return Event{}, ErrTransition
	}
	old := d.DueAt
	d.DueAt = due
	ev := Event{At: now, ActorName: actor.Name(), Action: ActReschedule, FromStatus: d.Status, ToStatus: d.Status,
		FromStep: d.Step, ToStep: d.Step, Note: "Hẹn cũ " + localTime(old) + ", hẹn mới " + localTime(due)}
	if actor.P != nil {
		ev.ActorID = actor.P.UserID
	}
	return ev, nil
}
