package dossier_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// official creates a user with roles in the fixture's commune and returns them as a
// principal.
func (f *fixture) official(t *testing.T, name string, roles ...auth.Role) *auth.Principal {
	t.Helper()
	var ms []auth.Membership
	for _, r := range roles {
		ms = append(ms, auth.Membership{UnitID: f.commune, Role: r})
	}
	id, err := f.st.CreateUser(context.Background(), auth.User{Username: strings.ToLower(strings.ReplaceAll(name, " ", "")), FullName: name}, ms)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: id, Username: name, FullName: name, Memberships: ms}
}

func TestAssignAndDelegate(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	leader := f.official(t, "Lanh Dao", auth.RoleLeader)
	s1 := f.official(t, "Chuyen Vien Mot", auth.RoleSpecialist)
	s2 := f.official(t, "Chuyen Vien Hai", auth.RoleSpecialist)
	counter := f.official(t, "Mot Cua", auth.RoleCounter)
	admin := f.official(t, "Quan Tri", auth.RoleUnitAdmin)
	act := func(p *auth.Principal) dossier.Actor { return dossier.Actor{P: p} }

	d, _, err := f.svc.File(ctx, "1.001193", f.intake("Nguyễn Văn An"), act(counter), dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	if d, err = f.svc.Act(ctx, d.Code, dossier.Request{Action: dossier.ActForward, Actor: act(counter)}); err != nil || d.Step != 1 {
		t.Fatalf("forward to the specialists: %v %d", err, d.Step)
	}

	refusals := []struct {
		name string
		req  dossier.AssignRequest
		want error
	}{
		{"someone without the step's role", dossier.AssignRequest{UserID: counter.UserID, Actor: act(leader)}, dossier.ErrAssigneeRole},
		{"the unit administrator, who serves at no step", dossier.AssignRequest{UserID: admin.UserID, Actor: act(leader)}, dossier.ErrAssigneeRole},
		{"nobody", dossier.AssignRequest{UserID: 99999, Actor: act(leader)}, dossier.ErrAssigneeRole},
		{"by a specialist", dossier.AssignRequest{UserID: s1.UserID, Actor: act(s2)}, dossier.ErrAssignForbidden},
		{"on a version not seen", dossier.AssignRequest{UserID: s1.UserID, Actor: act(leader), Version: d.Version - 1}, dossier.ErrStale},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			if _, err := f.svc.Assign(ctx, d.Code, c.req); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}

	if d, err = f.svc.Assign(ctx, d.Code, dossier.AssignRequest{UserID: s1.UserID, Actor: act(leader), Version: d.Version}); err != nil || d.AssignedTo != s1.UserID {
		t.Fatalf("assign: %v %d", err, d.AssignedTo)
	}
	if _, err := f.svc.Act(ctx, d.Code, dossier.Request{Action: dossier.ActForward, Actor: act(s2)}); !errors.Is(err, dossier.ErrAssignedElsewhere) {
		t.Fatalf("another specialist acted on an assigned step: %v", err)
	}
	if _, err := f.svc.Assign(ctx, d.Code, dossier.AssignRequest{UserID: s2.UserID, Actor: act(leader)}); !errors.Is(err, dossier.ErrReason) {
		t.Fatalf("reassignment without a reason: %v", err)
	}
	if d, err = f.svc.Assign(ctx, d.Code, dossier.AssignRequest{UserID: s2.UserID, Actor: act(admin), Reason: "Cân đối công việc"}); err != nil || d.AssignedTo != s2.UserID {
		t.Fatalf("reassign by the unit administrator: %v", err)
	}
	if _, err := f.svc.Assign(ctx, d.Code, dossier.AssignRequest{UserID: s2.UserID, Actor: act(leader), Reason: "x"}); !errors.Is(err, dossier.ErrAlreadyAssigned) {
		t.Fatalf("assigned twice to the same: %v", err)
	}

	// Chuyen Vien Hai is away on 3 and 4 March (Tuesday, Wednesday); the counter officer,
	// who holds no specialist role, acts for them.
	tue, wed := calendar.NewDate(2026, 3, 3), calendar.NewDate(2026, 3, 4)
	dateRefusals := []struct {
		name string
		by   *auth.Principal
		in   dossier.NewDelegation
		want error
	}{
		{"ends before it starts", s2, dossier.NewDelegation{UnitID: f.commune, DelegateID: counter.UserID, From: wed, To: tue}, dossier.ErrDelegationDates},
		{"ended already", s2, dossier.NewDelegation{UnitID: f.commune, DelegateID: counter.UserID, From: calendar.NewDate(2026, 2, 1), To: calendar.NewDate(2026, 3, 1)}, dossier.ErrDelegationDates},
		{"longer than a year", s2, dossier.NewDelegation{UnitID: f.commune, DelegateID: counter.UserID, From: tue, To: tue.AddDays(400)}, dossier.ErrDelegationDates},
		{"to oneself", s2, dossier.NewDelegation{UnitID: f.commune, DelegateID: s2.UserID, From: tue, To: wed}, dossier.ErrDelegate},
		{"to a non-official", s2, dossier.NewDelegation{UnitID: f.commune, DelegateID: 99999, From: tue, To: wed}, dossier.ErrDelegate},
		{"for a colleague", s1, dossier.NewDelegation{UnitID: f.commune, AbsentID: s2.UserID, DelegateID: counter.UserID, From: tue, To: wed}, dossier.ErrDelegationForbidden},
		{"in another unit", s2, dossier.NewDelegation{UnitID: f.commune + 1000, DelegateID: counter.UserID, From: tue, To: wed}, dossier.ErrDelegationForbidden},
	}
	for _, c := range dateRefusals {
		t.Run(c.name, func(t *testing.T) {
			if _, err := f.svc.Delegate(ctx, c.by, c.in); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	g, err := f.svc.Delegate(ctx, admin, dossier.NewDelegation{UnitID: f.commune, AbsentID: s2.UserID, DelegateID: counter.UserID, From: tue, To: wed})
	if err != nil || g.ID == 0 {
		t.Fatalf("delegate: %v", err)
	}
	gs, err := f.svc.Delegations(ctx, s1, f.commune)
	if err != nil || len(gs) != 1 || gs[0].AbsentName != "Chuyen Vien Hai" || gs[0].DelegateName != "Mot Cua" || gs[0].From != tue || gs[0].To != wed {
		t.Fatalf("delegations %+v %v", gs, err)
	}

	// Monday: not yet.
	if _, err := f.svc.Act(ctx, d.Code, dossier.Request{Action: dossier.ActForward, Actor: act(counter)}); !errors.Is(err, dossier.ErrNotYourStep) {
		t.Fatalf("the delegate acted before the delegation: %v", err)
	}
	// Thursday: over.
	f.now = time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
	if a, err := f.svc.ActorFor(ctx, d, counter); err != nil || a.ForID != 0 {
		t.Fatalf("the delegation still in force after its last day: %+v %v", a, err)
	}
	// Wednesday, 23:30 in Vietnam (16:30 UTC): the last day, still covered.
	f.now = time.Date(2026, 3, 4, 16, 30, 0, 0, time.UTC)
	if a, err := f.svc.ActorFor(ctx, d, counter); err != nil || a.ForID != s2.UserID {
		t.Fatalf("actor on the last day: %+v %v", a, err)
	}
	if d, err = f.svc.Act(ctx, d.Code, dossier.Request{Action: dossier.ActForward, Actor: act(counter)}); err != nil {
		t.Fatalf("the delegate acts: %v", err)
	}
	if d.Step != 2 || d.AssignedTo != 0 {
		t.Fatalf("after the step: step %d assigned to %d", d.Step, d.AssignedTo)
	}
	evs, err := f.st.DossierEvents(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.ActorName != "Mot Cua (thay Chuyen Vien Hai)" || last.ActorID != counter.UserID {
		t.Fatalf("history says %q (%d)", last.ActorName, last.ActorID)
	}
	var assigns []string
	for _, e := range evs {
		if e.Action == dossier.ActAssign {
			assigns = append(assigns, e.Note)
		}
	}
	if len(assigns) != 2 || assigns[0] != "Giao cho Chuyen Vien Mot" || assigns[1] != "Giao lại cho Chuyen Vien Hai. Lý do: Cân đối công việc" {
		t.Fatalf("assignments in the history: %q", assigns)
	}

	// Ending it early: only the absent official or the unit administrator.
	if err := f.svc.EndDelegation(ctx, s1, g.ID); !errors.Is(err, dossier.ErrDelegationForbidden) {
		t.Fatalf("a colleague ended it: %v", err)
	}
	if err := f.svc.EndDelegation(ctx, s2, g.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.EndDelegation(ctx, s2, g.ID); !errors.Is(err, dossier.ErrDelegationNotFound) {
		t.Fatalf("ended twice: %v", err)
	}
	if gs, err := f.st.DelegationsTo(ctx, counter.UserID, wed); err != nil || len(gs) != 0 {
		t.Fatalf("an ended delegation in force: %+v %v", gs, err)
	}
	if _, err := f.st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
