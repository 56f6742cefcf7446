package dossier

import (
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Action is a transition a person asks for.
type Action string

const (
	ActReceive           Action = "receive"            // tiếp nhận hồ sơ trực tuyến
	ActForward           Action = "forward"            // chuyển bước tiếp theo
	ActSendBack          Action = "send_back"          // trả lại bước trước
	ActRequestSupplement Action = "request_supplement" // yêu cầu bổ sung (mẫu 02)
	ActSupplement        Action = "supplement"         // công dân đã bổ sung
	ActRefuse            Action = "refuse"             // từ chối (mẫu 03)
	ActApprove           Action = "approve"            // phê duyệt
	ActSign              Action = "sign"               // ký kết quả
	ActReturn            Action = "return_result"      // trả kết quả
	ActExtend            Action = "extend"             // xin lỗi, gia hạn (mẫu 04)
	ActStop              Action = "stop"               // dừng giải quyết (mẫu 05)
	ActWithdraw          Action = "withdraw"           // rút hồ sơ
)

// Actions lists every action.
var Actions = []Action{ActReceive, ActForward, ActSendBack, ActRequestSupplement, ActSupplement, ActRefuse,
	ActApprove, ActSign, ActReturn, ActExtend, ActStop, ActWithdraw}

var actionLabels = map[Action]string{
	ActReceive: "Tiếp nhận", ActForward: "Chuyển bước tiếp", ActSendBack: "Trả lại bước trước",
	ActRequestSupplement: "Yêu cầu bổ sung", ActSupplement: "Đã bổ sung", ActRefuse: "Từ chối",
	ActApprove: "Phê duyệt", ActSign: "Ký kết quả", ActReturn: "Trả kết quả", ActExtend: "Xin lỗi và gia hạn",
	ActStop: "Dừng giải quyết", ActWithdraw: "Rút hồ sơ", ActReschedule: "Dời hẹn theo lịch làm việc mới",
	ActAssign: "Giao xử lý",
}

// Label is the Vietnamese name of the action.
func (a Action) Label() string { return actionLabels[a] }

// Letter names the official letter the action issues, which takes the next number of
// the competent unit's outgoing register in the action's transaction: form 04 for an
// apology and extension (Decree 118/2025: a letter of the body at fault). "" for none.
func (a Action) Letter() string {
	if a == ActExtend {
		return "04"
	}
	return ""
}

// ParseAction accepts an action name.
func ParseAction(s string) (Action, bool) {
	_, ok := actionLabels[Action(s)]
	return Action(s), ok
}

// MaxReason bounds a reason, in characters: longer ones are cut (between characters).
const MaxReason = 2000

// needsReason lists the actions whose reason the citizen is owed in writing.
var needsReason = map[Action]bool{ActSendBack: true, ActRequestSupplement: true, ActRefuse: true,
	ActExtend: true, ActStop: true, ActWithdraw: true}

// Actor is who asks: the principal, and whether they own the dossier or help its
// owner (the volunteer who filed it with the owner's consent: they may send papers and
// say a supplement is complete, never decide, withdraw or attach a result).
type Actor struct {
	P         *auth.Principal
	Owner     bool
	Assistant bool
	// ForID is the absent official P acts for under a delegation in force (ForName
	// their name, for the history): P may then act on a step assigned to them
	// (Service.ActorFor finds it).
	ForID   int64
	ForName string
}

// Name says who acted, for the history.
func (a Actor) Name() string {
	if a.P == nil {
		return "công dân"
	}
	name := a.P.Username
	if a.P.FullName != "" {
		name = a.P.FullName
	}
	if a.ForName != "" {
		name += " (thay " + a.ForName + ")"
	}
	return name
}

// Request is a transition asked for.
type Request struct {
	Action Action
	Actor  Actor
	Reason string    // required for some actions (needsReason)
	NewDue time.Time // extend: the new appointment
	// ApproveLonger is the leader's approval of an extension past the cap (the
	// procedure's own legal time once more): only a leader may give it.
	ApproveLonger bool
	Now           time.Time
}

// Event is one entry of a dossier's append-only history: who did what, when, from
// which status and step to which. Form 06 (process-control slip) is built from these.
type Event struct {
	At         time.Time
	ActorID    int64
	ActorName  string
	Action     Action
	FromStatus Status
	ToStatus   Status
	FromStep   int
	ToStep     int
	Note       string
	// Due is the appointment after the event (storage records it with the event, from
	// the dossier it stores; zero before receipt, and for events stored before
	// migration 0023): what the 766 counters measure a span of the history against.
	Due time.Time
}

// Rules is what a transition needs besides the dossier: the procedure version it was
// received under and the unit's calendar.
type Rules struct {
	Procedure catalog.Procedure
	Calendar  *calendar.Calendar
}

// may reports whether the actor holds role where the step acts: counter work happens in
// the receiving unit, the rest in the competent unit (non-boundary receipt).
func (d *Dossier) may(a Actor, role auth.Role) bool {
	unit := d.CompetentUnitID
	if role == auth.RoleCounter {
		unit = d.ReceivingUnitID
	}
	return a.P.Can(unit, role)
}

func (d *Dossier) step(r Rules) (catalog.Step, bool) {
	steps := r.Procedure.Workflow.Steps
	if d.Step < 0 || d.Step >= len(steps) {
		return catalog.Step{}, false
	}
	return steps[d.Step], true
}

// stepAllows reports whether the current step permits act and the actor holds its role.
func (d *Dossier) stepAllows(r Rules, a Actor, act catalog.Action) error {
	st, ok := d.step(r)
	if !ok || !st.Allows(act) {
		return ErrTransition
	}
	// A step assigned by name is the assignee's, or theirs who acts for them under a
	// delegation (whatever their own roles: the assignee held the step's role when
	// given it); the system administrator may still repair anything.
	if d.AssignedTo != 0 && a.P != nil && !a.P.IsSystemAdmin() {
		switch {
		case a.ForID == d.AssignedTo:
			return nil
		case a.P.UserID != d.AssignedTo:
			if d.may(a, st.Role) {
				return ErrAssignedElsewhere
			}
			return ErrNotYourStep
		}
	}
	if !d.may(a, st.Role) {
		return ErrNotYourStep
	}
	return nil
}

// Allowed lists the actions the actor may take now, for the buttons an officer sees.
func (d Dossier) Allowed(r Rules, a Actor, now time.Time) []Action {
	var out []Action
	for _, act := range Actions {
		c := d
		req := Request{Action: act, Actor: a, Reason: "x", Now: now}
		if act == ActExtend {
			if c.DueAt.IsZero() {
				continue
			}
			req.NewDue = c.DueAt.Add(24 * time.Hour)
		}
		if _, err := c.Apply(r, req); err == nil {
			out = append(out, act)
		}
	}
	return out
}

// Apply performs the transition on d and returns the event to append. On error d is
// unchanged.
func (d *Dossier) Apply(r Rules, req Request) (Event, error) {
	if req.Actor.P == nil && !req.Actor.Owner {
		return Event{}, ErrNotYourStep
	}
	req.Reason = strings.TrimSpace(req.Reason)
	if needsReason[req.Action] && req.Reason == "" {
		return Event{}, ErrReason
	}
	req.Reason = locale.Clip(req.Reason, MaxReason)
	next := *d
	if err := next.apply(r, req); err != nil {
		return Event{}, err
	}
	ev := Event{At: req.Now, ActorName: req.Actor.Name(), Action: req.Action, FromStatus: d.Status, ToStatus: next.Status,
		FromStep: d.Step, ToStep: next.Step, Note: req.Reason}
	if req.Actor.P != nil {
		ev.ActorID = req.Actor.P.UserID
	}
	if next.Step != d.Step {
		next.StepStartedAt = req.Now
	}
	if next.Step != d.Step || next.Status.Final() {
		next.AssignedTo = 0 // a named assignment is of one step
	}
	*d = next
	return ev, nil
}

func (d *Dossier) apply(r Rules, req Request) error {
	a, now := req.Actor, req.Now
	counter := a.P != nil && d.may(a, auth.RoleCounter)
	switch req.Action {
	case ActReceive:
		if d.Status != StatusSubmitted || !counter {
			return denied(d.Status == StatusSubmitted)
		}
		return d.receive(r, now)

	case ActRequestSupplement:
		switch {
		case d.Status == StatusSubmitted:
			// The counter's check of an online dossier found it incomplete: the guidance
			// (form 02) lists what is missing; the clock has not started.
			if !counter {
				return ErrNotYourStep
			}
		case d.Status == StatusReceived || d.Status == StatusProcessing:
			if err := d.stepAllows(r, a, catalog.ActionRequestSupplement); err != nil {
				return err
			}
			d.PausedAt = now
			d.Supplements++
		default:
			return ErrTransition
		}
		d.Status = StatusSupplementRequested
		return nil

	case ActSupplement:
		if d.Status != StatusSupplementRequested || !(a.Owner || a.Assistant || counter) {
			return denied(d.Status == StatusSupplementRequested)
		}
		if d.ReceivedAt.IsZero() {
			d.Status = StatusSubmitted
			return nil
		}
		if err := d.resume(r, now); err != nil {
			return err
		}
		d.Status = StatusProcessing
		if d.Step == 0 {
			d.Status = StatusReceived
		}
		return nil

	case ActRefuse:
		switch d.Status {
		case StatusSubmitted:
			if !counter {
				return ErrNotYourStep
			}
		case StatusReceived, StatusProcessing:
			if err := d.stepAllows(r, a, catalog.ActionRefuse); err != nil {
				return err
			}
		default:
			return ErrTransition
		}
		return d.end(StatusRefused, req)

	case ActForward:
		if d.Status != StatusReceived && d.Status != StatusProcessing && d.Status != StatusResolved {
			return ErrTransition
		}
		if d.Step+1 >= len(r.Procedure.Workflow.Steps) {
			return ErrTransition
		}
		if err := d.stepAllows(r, a, catalog.ActionForward); err != nil {
			return err
		}
		d.Step++
		if d.Status == StatusReceived {
			d.Status = StatusProcessing
		}
		return nil

	case ActSendBack:
		if (d.Status != StatusProcessing && d.Status != StatusResolved) || d.Step == 0 {
			return ErrTransition
		}
		if err := d.stepAllows(r, a, catalog.ActionSendBack); err != nil {
			return err
		}
		d.Step--
		if d.Step == 0 && d.Status == StatusProcessing {
			d.Status = StatusReceived
		}
		return nil

	case ActApprove, ActSign:
		act := catalog.ActionApprove
		if req.Action == ActSign {
			act = catalog.ActionSign
		}
		if d.Status != StatusReceived && d.Status != StatusProcessing {
			return ErrTransition
		}
		if err := d.stepAllows(r, a, act); err != nil {
			return err
		}
		if err := d.resolve(r, now); err != nil {
			return err
		}
		if d.Step+1 < len(r.Procedure.Workflow.Steps) {
			d.Step++
		}
		return nil

	case ActReturn:
		if d.Status != StatusReceived && d.Status != StatusProcessing && d.Status != StatusResolved {
			return ErrTransition
		}
		if err := d.stepAllows(r, a, catalog.ActionReturnResult); err != nil {
			return err
		}
		if d.Status != StatusResolved {
			// A workflow without an approval step (a certification done at the desk):
			// the result is made and handed over at once.
			if err := d.resolve(r, now); err != nil {
				return err
			}
		}
		d.Status = StatusReturned
		d.EndedAt = now
		return nil

	case ActExtend:
		// A dossier the counter sent back for supplements before receiving it has no
		// appointment yet: there is nothing to extend (the calendar refused the zero
		// time, and the caller got an error without a code).
		if d.Status != StatusReceived && d.Status != StatusProcessing && d.Status != StatusSupplementRequested ||
			d.ReceivedAt.IsZero() {
			return ErrTransition
		}
		// The letter comes from the body at fault: its leader, or the specialist at
		// whose step the dossier is late (Decree 118/2025); the desk only hands it over.
		leader := d.may(a, auth.RoleLeader)
		st, _ := d.step(r)
		if !(leader || st.Role == auth.RoleSpecialist && d.may(a, auth.RoleSpecialist)) {
			return ErrNotYourStep
		}
		if !d.ExtendedDueAt.IsZero() {
			return ErrExtendedOnce
		}
		if !req.NewDue.After(d.DueAt) {
			return ErrExtendDate
		}
		left, err := r.Calendar.WorkingDaysBetween(now, d.DueAt)
		if err != nil {
			return fmt.Errorf("dossier: extend: %w", err)
		}
		if left < 1 {
			return ErrExtendLate
		}
		limit, err := ExtensionCap(r, d.DueAt)
		if err != nil {
			return err
		}
		if req.NewDue.After(limit) && !(leader && req.ApproveLonger) {
			e := *ErrExtendCap
			e.Message = fmt.Sprintf("Ngày hẹn mới không được sau %s: gia hạn tối đa bằng thời hạn giải quyết của thủ tục (%s); "+
				"dài hơn thì lãnh đạo phải duyệt.", localTime(limit), r.Procedure.LegalTime.Words(""))
			return &e
		}
		d.ExtendedDueAt = req.NewDue
		return nil

	case ActStop:
		if d.Status != StatusReceived && d.Status != StatusProcessing && d.Status != StatusSupplementRequested {
			return ErrTransition
		}
		if !d.may(a, auth.RoleLeader) {
			return ErrNotYourStep
		}
		return d.end(StatusStopped, req)

	case ActWithdraw:
		if d.Status.Final() || d.Status == StatusResolved {
			return ErrTransition
		}
		if !(a.Owner || counter) {
			return ErrNotYourStep
		}
		return d.end(StatusWithdrawn, req)
	}
	return ErrTransition
}

// denied picks the error for an action refused for its status or for its actor.
func denied(rightStatus bool) error {
	if rightStatus {
		return ErrNotYourStep
	}
	return ErrTransition
}

// end closes the dossier with its reason.
func (d *Dossier) end(s Status, req Request) error {
	d.Status, d.EndedAt, d.Reason = s, req.Now, req.Reason
	return nil
}

// receive starts the clock: the due time is the legal time after the receipt, or after
// the next working day's opening when the procedure's cut-off has passed.
func (d *Dossier) receive(r Rules, now time.Time) error {
	due, err := DueAt(r, now)
	if err != nil {
		return err
	}
	d.Status, d.ReceivedAt, d.DueAt, d.Step = StatusReceived, now, due, 0
	return nil
}

// DueAt computes the appointment of a dossier received at t: the procedure's legal time
// from the receipt, or from the next working day's opening when its cut-off has passed.
// A limit in calendar days ends on or before the law's last day (calendar.AddCalendarDays).
func DueAt(r Rules, t time.Time) (time.Time, error) {
	start := t
	if c, ok := r.Procedure.CutOffClock(); ok {
		var err error
		if start, err = r.Calendar.ApplyCutoff(t, c); err != nil {
			return time.Time{}, fmt.Errorf("dossier: due time: %w", err)
		}
	}
	return legalEnd(r, start)
}

// ExtensionCap is the latest new appointment an apology and extension (form 04) may
// set without the leader's approval: the procedure's own legal time once more, counted
// from the current appointment.
func ExtensionCap(r Rules, due time.Time) (time.Time, error) { return legalEnd(r, due) }

// legalEnd is the end of the procedure's legal time counted from start.
func legalEnd(r Rules, start time.Time) (time.Time, error) {
	var due time.Time
	var err error
	lt := r.Procedure.LegalTime
	switch lt.Unit {
	case catalog.Hours:
		due, err = r.Calendar.AddWorkingHours(start, time.Duration(lt.Value)*time.Hour)
	case catalog.CalendarDays:
		// Counted from the receipt's date whatever the office hours: a limit in
		// calendar days is never stretched by days off (DOMAIN §2).
		due, err = r.Calendar.AddCalendarDays(start, lt.Value)
	default:
		due, err = r.Calendar.AddWorkingDays(start, lt.Value)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("dossier: due time: %w", err)
	}
	return due, nil
}

// resume ends a supplement pause: the working time it lasted is added to the due time,
// since the citizen's time does not count against the office.
func (d *Dossier) resume(r Rules, now time.Time) error {
	paused, err := r.Calendar.WorkingHoursBetween(d.PausedAt, now)
	if err != nil {
		return fmt.Errorf("dossier: resume: %w", err)
	}
	if paused > 0 {
		due, err := r.Calendar.AddWorkingHours(d.DueAt, paused)
		if err != nil {
			return fmt.Errorf("dossier: resume: %w", err)
		}
		d.DueAt = due
		if !d.ExtendedDueAt.IsZero() {
			if d.ExtendedDueAt, err = r.Calendar.AddWorkingHours(d.ExtendedDueAt, paused); err != nil {
				return fmt.Errorf("dossier: resume: %w", err)
			}
		}
	}
	d.PausedMinutes += int64(paused / time.Minute)
	d.PausedAt = time.Time{}
	return nil
}

// resolve records the result and its timeliness against the appointment (DueAt, which
// already includes supplement pauses, never the extended date).
func (d *Dossier) resolve(r Rules, now time.Time) error {
	d.Status, d.ResolvedAt = StatusResolved, now
	d.Timeliness = Classify(now, d.DueAt)
	return nil
}

// Classify says whether something done at done met the appointment due: early when done
// on a day before the due date, on time on the due date, late after it (DOMAIN §2:
// compared by date in Vietnam's time zone).
func Classify(done, due time.Time) Timeliness {
	a, b := calendar.DateOf(done), calendar.DateOf(due)
	switch {
	case a.Before(b):
		return Early
	case a == b:
		return OnTime
	default:
		return Late
	}
}

// OwnedBy reports whether p owns d: the citizen who filed it or whose it is.
func (d Dossier) OwnedBy(p *auth.Principal) bool {
	return p != nil && d.OwnerID != 0 && d.OwnerID == p.UserID
}

// HandledBy reports whether p is an official of d's receiving or competent unit.
func (d Dossier) HandledBy(p *auth.Principal) bool {
	return p.Can(d.ReceivingUnitID, auth.OfficeRoles...) || p.Can(d.CompetentUnitID, auth.OfficeRoles...)
}

// AssistedFor reports whether p is the volunteer who filed d for its owner under a
// recorded consent and still serves on the receiving unit's digital team. Whether the
// consent still stands is for Service.Access to ask the store.
func (d Dossier) AssistedFor(p *auth.Principal) bool {
	return p != nil && d.Channel == ChannelAssisted && d.AssistedBy != 0 && d.AssistedBy == p.UserID &&
		d.ConsentID != 0 && d.OwnerID != 0 && p.Can(d.ReceivingUnitID, auth.RoleDigitalTeam)
}

// ActorFor is p acting on d.
func (d Dossier) ActorFor(p *auth.Principal) Actor { return Actor{P: p, Owner: d.OwnedBy(p)} }
