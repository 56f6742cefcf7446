package api

import (
	"net/http"
	"strconv"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// Work on the floor (docs/FLOOR.md): a dossier's step assigned by name, and officials'
// delegations while away. Every rule is dossier.Service's.
func assignRoutes(h handlers) []httpx.Route {
	return []httpx.Route{
		{Pattern: "POST /api/v1/dossiers/{code}/actions/assign", Access: httpx.OnlyRoles(auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin), Handler: h.assign},
		{Pattern: "GET /api/v1/delegations", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: h.delegations},
		{Pattern: "POST /api/v1/delegations", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: h.createDelegation},
		{Pattern: "DELETE /api/v1/delegations/{id}", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: h.endDelegation},
	}
}

// AssignBody is the body of POST /api/v1/dossiers/{code}/actions/assign.
type AssignBody struct {
	UserID int64  `json:"user_id"`
	Reason string `json:"reason,omitempty"` // required to reassign
	// Version is the dossier's version the assigner saw (optional): a dossier changed
	// since is 409 dossier_changed.
	Version int `json:"version,omitempty"`
}

// Assignee is the officer a dossier's current step is assigned to.
type Assignee struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

func (h handlers) assign(w http.ResponseWriter, r *http.Request) error {
	d, a, err := h.load(r)
	if err != nil {
		return err
	}
	var body AssignBody
	if err := httpx.DecodeJSON(w, r, &body, 16<<10); err != nil {
		return err
	}
	if d, err = h.Dossiers.Assign(r.Context(), d.Code, dossier.AssignRequest{UserID: body.UserID, Reason: body.Reason, Actor: a, Version: body.Version}); err != nil {
		return err
	}
	v, err := h.view(r, d, a)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, v)
}

// Delegation is a delegation while away as the API shows it.
type Delegation struct {
	ID           int64         `json:"id"`
	Unit         string        `json:"unit"`
	AbsentID     int64         `json:"absent_user_id"`
	AbsentName   string        `json:"absent_name"`
	DelegateID   int64         `json:"delegate_user_id"`
	DelegateName string        `json:"delegate_name"`
	From         calendar.Date `json:"from"`
	To           calendar.Date `json:"to"`
	InForce      bool          `json:"in_force"`
}

// DelegationBody is the body of POST /api/v1/delegations: the absent official (absent:
// the caller) is replaced by the delegate from one date to another, both included.
type DelegationBody struct {
	Unit       string `json:"unit,omitempty"` // the unit's code (absent: the caller's)
	AbsentID   int64  `json:"absent_user_id,omitempty"`
	DelegateID int64  `json:"delegate_user_id"`
	From       string `json:"from"`
	To         string `json:"to"`
}

func (h handlers) delegationOut(unitCode string, g dossier.Delegation) Delegation {
	return Delegation{ID: g.ID, Unit: unitCode, AbsentID: g.AbsentID, AbsentName: g.AbsentName, DelegateID: g.DelegateID,
		DelegateName: g.DelegateName, From: g.From, To: g.To, InForce: g.InForce(calendar.DateOf(h.Dossiers.Now()))}
}

func (h handlers) delegations(w http.ResponseWriter, r *http.Request) error {
	u, err := h.paymentUnit(r, auth.OfficeRoles...)
	if err != nil {
		return err
	}
	gs, err := h.Dossiers.Delegations(r.Context(), auth.PrincipalFrom(r.Context()), u.ID)
	if err != nil {
		return err
	}
	items := make([]Delegation, 0, len(gs))
	for _, g := range gs {
		items = append(items, h.delegationOut(u.Code, g))
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, len(items)))
}

func (h handlers) createDelegation(w http.ResponseWriter, r *http.Request) error {
	var body DelegationBody
	if err := httpx.DecodeJSON(w, r, &body, 8<<10); err != nil {
		return err
	}
	u, err := h.certUnit(r, body.Unit, auth.OfficeRoles...)
	if err != nil {
		return err
	}
	from, err1 := calendar.ParseDate(body.From)
	to, err2 := calendar.ParseDate(body.To)
	if err1 != nil || err2 != nil {
		return dossier.ErrDelegationDates
	}
	g, err := h.Dossiers.Delegate(r.Context(), auth.PrincipalFrom(r.Context()), dossier.NewDelegation{UnitID: u.ID,
		AbsentID: body.AbsentID, DelegateID: body.DelegateID, From: from, To: to})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, h.delegationOut(u.Code, g))
}

func (h handlers) endDelegation(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return dossier.ErrDelegationNotFound
	}
	if err := h.Dossiers.EndDelegation(r.Context(), auth.PrincipalFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
