package dossier

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
)

// ActAssign is the history entry of a named assignment (giao xử lý) of the current step
// to one officer, or of a reassignment (giao lại) with its reason.
const ActAssign Action = "assign"

// Errors of assignment and delegation.
var (
	ErrAssignForbidden = apperr.New(apperr.Forbidden, "assign_forbidden",
		"Chỉ lãnh đạo hoặc quản trị đơn vị giao hồ sơ cho cán bộ.")
	ErrAssigneeRole = apperr.New(apperr.Invalid, "assignee_lacks_role",
		"Cán bộ được giao không giữ vai trò của bước hiện tại trong đơn vị (hoặc tài khoản đã bị khóa). Hãy chọn cán bộ khác.")
	ErrAlreadyAssigned   = apperr.New(apperr.Conflict, "already_assigned", "Hồ sơ đã được giao cho cán bộ này.")
	ErrAssignedElsewhere = apperr.New(apperr.Conflict, "assigned_to_other",
		"Bước này của hồ sơ đã được giao cho cán bộ khác; lãnh đạo có thể giao lại.")
	ErrDelegationForbidden = apperr.New(apperr.Forbidden, "delegation_forbidden",
		"Chỉ chính cán bộ vắng mặt hoặc quản trị đơn vị ghi ủy quyền của cán bộ đó.")
	ErrDelegationDates = apperr.New(apperr.Invalid, "invalid_delegation_dates",
		"Thời gian ủy quyền không hợp lệ: ngày kết thúc không trước ngày bắt đầu, chưa qua, và không quá 1 năm.")
	ErrDelegate = apperr.New(apperr.Invalid, "invalid_delegate",
		"Người được ủy quyền phải là một cán bộ khác của cùng đơn vị, tài khoản đang hoạt động.")
	ErrDelegationNotFound = apperr.New(apperr.NotFound, "delegation_not_found", "Không tìm thấy ủy quyền.")
)

// MaxDelegationDays bounds a delegation: a long absence is a change of duties.
const MaxDelegationDays = 366

// Delegation is an official's delegation while away (ủy quyền khi vắng mặt): during
// From..To (dates in Vietnam, both included) Delegate acts on the dossiers assigned to
// Absent in the unit. It ends by itself after To, or earlier when ended.
type Delegation struct {
	ID           int64
	UnitID       int64
	AbsentID     int64
	AbsentName   string
	DelegateID   int64
	DelegateName string
	From, To     calendar.Date
	CreatedBy    int64
	CreatedAt    time.Time
	EndedAt      time.Time
}

// InForce reports whether the delegation covers day.
func (g Delegation) InForce(day calendar.Date) bool {
	return g.EndedAt.IsZero() && !day.Before(g.From) && !day.After(g.To)
}

// Staff is what assignment and delegation need from storage besides the Store.
type Staff interface {
	// UserAndMemberships loads a user and their roles.
	UserAndMemberships(ctx context.Context, id int64) (auth.User, []auth.Membership, error)
	// DelegationsTo lists the delegations to delegate not ended early whose period
	// covers day.
	DelegationsTo(ctx context.Context, delegateID int64, day calendar.Date) ([]Delegation, error)
	CreateDelegation(ctx context.Context, g Delegation) (Delegation, error)
	Delegation(ctx context.Context, id int64) (Delegation, error)
	// UnitDelegations lists a unit's delegations not ended whose period ends on or after
	// since, the earliest first.
	UnitDelegations(ctx context.Context, unitID int64, since calendar.Date) ([]Delegation, error)
	EndDelegation(ctx context.Context, g Delegation, by int64, at time.Time) error
	// UnitOfficials lists the active officials of a unit with their roles there, by name.
	UnitOfficials(ctx context.Context, unitID int64) ([]Official, error)
}

// Official is an active official of a unit with their roles there: whom a step can be
// assigned to, whom one can delegate to.
type Official struct {
	ID    int64
	Name  string
	Roles []auth.Role
}

// Assignees lists the officials d's current step can be assigned to: those holding
// its role in the unit where it is worked (none when it cannot be assigned).
func (s *Service) Assignees(ctx context.Context, d Dossier, r Rules) ([]Official, error) {
	role, ok := d.Assignable(r)
	if !ok {
		return nil, nil
	}
	all, err := s.Store.UnitOfficials(ctx, d.stepUnit(role))
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(o Official) bool { return !slices.Contains(o.Roles, role) }), nil
}

// Officials lists a unit's active officials for p, one of them or its administrator.
func (s *Service) Officials(ctx context.Context, p *auth.Principal, unitID int64) ([]Official, error) {
	if !p.Can(unitID, auth.OfficeRoles...) {
		return nil, ErrDelegationForbidden
	}
	return s.Store.UnitOfficials(ctx, unitID)
}

// stepUnit is the unit where the dossier's current step is worked: the receiving unit
// for counter work, the competent unit otherwise.
func (d Dossier) stepUnit(role auth.Role) int64 {
	if role == auth.RoleCounter {
		return d.ReceivingUnitID
	}
	return d.CompetentUnitID
}

// Assignable reports whether the dossier's current step can be assigned, and the role
// the assignee must hold.
func (d Dossier) Assignable(r Rules) (auth.Role, bool) {
	if !d.Status.Open() {
		return "", false
	}
	st, ok := d.step(r)
	if !ok {
		return "", false
	}
	return st.Role, true
}

// MayAssign reports whether p may assign d's current step: the leader or the unit
// administrator of the unit where the step is worked.
func (d Dossier) MayAssign(r Rules, p *auth.Principal) bool {
	role, ok := d.Assignable(r)
	return ok && p.Can(d.stepUnit(role), auth.RoleLeader, auth.RoleUnitAdmin)
}

// Assign gives d's current step to the officer to by name and returns the history
// event. to must hold the step's role in the unit where it is worked (toRoles are their
// memberships); a reassignment needs a reason.
func (d *Dossier) Assign(r Rules, to auth.User, toRoles []auth.Membership, reason string, a Actor, now time.Time) (Event, error) {
	role, ok := d.Assignable(r)
	if !ok {
		return Event{}, ErrTransition
	}
	if a.P == nil || !a.P.Can(d.stepUnit(role), auth.RoleLeader, auth.RoleUnitAdmin) {
		return Event{}, ErrAssignForbidden
	}
	unit := d.stepUnit(role)
	if to.Disabled || !slices.ContainsFunc(toRoles, func(m auth.Membership) bool { return m.UnitID == unit && m.Role == role }) {
		return Event{}, ErrAssigneeRole
	}
	if to.ID == d.AssignedTo {
		return Event{}, ErrAlreadyAssigned
	}
	reason = locale.Clip(strings.TrimSpace(reason), MaxReason)
	if d.AssignedTo != 0 && reason == "" {
		return Event{}, ErrReason
	}
	name := to.FullName
	if name == "" {
		name = to.Username
	}
	note := "Giao cho " + name
	if d.AssignedTo != 0 {
		note = "Giao lại cho " + name
	}
	if reason != "" {
		note += ". Lý do: " + reason
	}
	d.AssignedTo = to.ID
	ev := Event{At: now, ActorName: a.Name(), Action: ActAssign, FromStatus: d.Status, ToStatus: d.Status,
		FromStep: d.Step, ToStep: d.Step, Note: note}
	ev.ActorID = a.P.UserID
	return ev, nil
}

// AssignRequest asks to give a dossier's current step to an officer.
type AssignRequest struct {
	UserID  int64
	Reason  string
	Actor   Actor
	Version int // the version the assigner saw; 0: the current one
}

// Assign gives the current step of the dossier with code to an officer by name, in one
// transaction with its history event and audit record.
func (s *Service) Assign(ctx context.Context, code string, req AssignRequest) (Dossier, error) {
	before, err := s.Store.DossierByCode(ctx, code)
	if err != nil {
		return Dossier{}, err
	}
	if req.Version != 0 && req.Version != before.Version {
		return Dossier{}, ErrStale
	}
	rules, err := s.Rules(ctx, before)
	if err != nil {
		return Dossier{}, err
	}
	if !before.MayAssign(rules, req.Actor.P) {
		if _, ok := before.Assignable(rules); !ok {
			return Dossier{}, ErrTransition
		}
		return Dossier{}, ErrAssignForbidden
	}
	u, ms, err := s.Store.UserAndMemberships(ctx, req.UserID)
	if errors.Is(err, auth.ErrUserNotFound) {
		return Dossier{}, ErrAssigneeRole
	} else if err != nil {
		return Dossier{}, err
	}
	after := before
	ev, err := after.Assign(rules, u, ms, req.Reason, req.Actor, s.Now())
	if err != nil {
		return Dossier{}, err
	}
	return s.Store.SaveTransition(ctx, before, after, ev, nil)
}

// ActorFor is p acting on d as Access allows, and, when d's step is assigned to an
// official p acts for under a delegation in force today, acting for them: the state
// machine then lets p act on the step and the history says "(thay …)".
func (s *Service) ActorFor(ctx context.Context, d Dossier, p *auth.Principal) (Actor, error) {
	a, err := s.Access(ctx, d, p)
	if err != nil {
		return a, err
	}
	return s.actingFor(ctx, d, a)
}

// actingFor fills in whom a acts for on d (Actor.ForID) from the delegations to a in
// force today.
func (s *Service) actingFor(ctx context.Context, d Dossier, a Actor) (Actor, error) {
	if a.P == nil || d.AssignedTo == 0 || d.AssignedTo == a.P.UserID || a.Owner || a.Assistant || a.ForID != 0 {
		return a, nil
	}
	gs, err := s.Store.DelegationsTo(ctx, a.P.UserID, calendar.DateOf(s.Now()))
	if err != nil {
		return a, err
	}
	for _, g := range gs {
		if g.AbsentID == d.AssignedTo && (g.UnitID == d.CompetentUnitID || g.UnitID == d.ReceivingUnitID) {
			a.ForID, a.ForName = g.AbsentID, g.AbsentName
			return a, nil
		}
	}
	return a, nil
}

// NewDelegation is a delegation to record.
type NewDelegation struct {
	UnitID     int64
	AbsentID   int64 // 0: the one recording it
	DelegateID int64
	From, To   calendar.Date
}

// official reports whether the user, with their memberships, is an active official of
// unit.
func official(u auth.User, ms []auth.Membership, unit int64) bool {
	return !u.Disabled && slices.ContainsFunc(ms, func(m auth.Membership) bool {
		return m.UnitID == unit && slices.Contains(auth.OfficeRoles, m.Role)
	})
}

// mayManageDelegation: the absent official themselves, or the unit's administrator.
func mayManageDelegation(p *auth.Principal, unitID, absentID int64) bool {
	return p != nil && (p.UserID == absentID || p.Can(unitID, auth.RoleUnitAdmin))
}

// Delegate records a delegation while away: the absent official records it for
// themselves, or the unit administrator for them. Audited in its transaction.
func (s *Service) Delegate(ctx context.Context, p *auth.Principal, in NewDelegation) (Delegation, error) {
	if in.AbsentID == 0 && p != nil {
		in.AbsentID = p.UserID
	}
	if !mayManageDelegation(p, in.UnitID, in.AbsentID) {
		return Delegation{}, ErrDelegationForbidden
	}
	today := calendar.DateOf(s.Now())
	if in.From.IsZero() || in.To.IsZero() || !in.From.IsValid() || !in.To.IsValid() || in.To.Before(in.From) ||
		in.To.Before(today) || in.To.Sub(in.From) >= MaxDelegationDays {
		return Delegation{}, ErrDelegationDates
	}
	absent, ams, err := s.Store.UserAndMemberships(ctx, in.AbsentID)
	if err != nil {
		if errors.Is(err, auth.ErrUserNotFound) {
			return Delegation{}, ErrDelegationForbidden
		}
		return Delegation{}, err
	}
	if !official(absent, ams, in.UnitID) {
		return Delegation{}, ErrDelegationForbidden
	}
	if in.DelegateID == in.AbsentID {
		return Delegation{}, ErrDelegate
	}
	del, dms, err := s.Store.UserAndMemberships(ctx, in.DelegateID)
	if errors.Is(err, auth.ErrUserNotFound) {
		return Delegation{}, ErrDelegate
	} else if err != nil {
		return Delegation{}, err
	}
	if !official(del, dms, in.UnitID) {
		return Delegation{}, ErrDelegate
	}
	return s.Store.CreateDelegation(ctx, Delegation{UnitID: in.UnitID, AbsentID: in.AbsentID, AbsentName: displayName(absent),
		DelegateID: in.DelegateID, DelegateName: displayName(del), From: in.From, To: in.To, CreatedBy: p.UserID, CreatedAt: s.Now()})
}

// Delegations lists the unit's delegations that have not ended (in force or to come)
// that p may see: every one for the unit's officials.
func (s *Service) Delegations(ctx context.Context, p *auth.Principal, unitID int64) ([]Delegation, error) {
	if !p.Can(unitID, auth.OfficeRoles...) {
		return nil, ErrDelegationForbidden
	}
	return s.Store.UnitDelegations(ctx, unitID, calendar.DateOf(s.Now()))
}

// EndDelegation ends a delegation before its last day (the absent official is back):
// the absent official or the unit administrator.
func (s *Service) EndDelegation(ctx context.Context, p *auth.Principal, id int64) error {
	g, err := s.Store.Delegation(ctx, id)
	if err != nil {
		return err
	}
	if !mayManageDelegation(p, g.UnitID, g.AbsentID) {
		if p.Can(g.UnitID, auth.OfficeRoles...) {
			return ErrDelegationForbidden
		}
		return ErrDelegationNotFound
	}
	if !g.EndedAt.IsZero() {
		return ErrDelegationNotFound
	}
	return s.Store.EndDelegation(ctx, g, p.UserID, s.Now())
}

func displayName(u auth.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Username
}
