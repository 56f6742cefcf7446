package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Work on the floor: a dossier's step assigned by name (the dossier page), and
// delegations while away (/office/uy-quyen). The rules are dossier.Service's.
func (s *Server) assignRoutes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "POST /office/dossiers/{code}/assign", Access: httpx.OnlyRoles(auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin), Handler: s.assignDossier},
		{Pattern: "GET /office/uy-quyen", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.delegationsPage},
		{Pattern: "POST /office/uy-quyen", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.createDelegation},
		{Pattern: "POST /office/uy-quyen/{id}/end", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.endDelegation},
	}
}

// assignForm is the leader's form to give the dossier's step to an officer by name.
type assignForm struct {
	Options  []option
	Chosen   string
	Reassign bool // a reason is required
	Typed    string
	Error    string
}

// assignView fills the dossier page's assignment: who has the step, and the form for
// those who may assign it.
func (s *Server) assignView(r *http.Request, d dossier.Dossier, rules dossier.Rules, a dossier.Actor, last *attempt, v *dossierView) error {
	ctx := r.Context()
	if d.AssignedTo != 0 {
		u, err := s.Store.UserByID(ctx, d.AssignedTo)
		if err != nil {
			return err
		}
		v.Assigned = u.FullName
		if v.Assigned == "" {
			v.Assigned = u.Username
		}
	}
	if a.P == nil || !d.MayAssign(rules, a.P) {
		return nil
	}
	os, err := s.Dossiers.Assignees(ctx, d, rules)
	if err != nil {
		return err
	}
	f := &assignForm{Reassign: d.AssignedTo != 0}
	for _, o := range os {
		if o.ID != d.AssignedTo {
			f.Options = append(f.Options, option{strconv.FormatInt(o.ID, 10), o.Name})
		}
	}
	if last != nil && last.action == dossier.ActAssign {
		f.Typed, f.Error, f.Chosen = last.reason, last.err, last.newDue
	}
	v.Assign = f
	return nil
}

func (s *Server) assignDossier(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, a, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	// newDue carries the chosen officer back to the form.
	last := &attempt{action: dossier.ActAssign, reason: r.PostFormValue("reason"), newDue: r.PostFormValue("user")}
	req := dossier.AssignRequest{Reason: last.reason, Actor: a}
	req.UserID, _ = strconv.ParseInt(last.newDue, 10, 64)
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil && v > 0 {
		req.Version = v
	} else {
		req.Version = -1 // a form without the version it was drawn for: stale
	}
	if d, err = s.Dossiers.Assign(ctx, d.Code, req); err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict && e.Kind != apperr.Forbidden {
			return err
		}
		last.err = e.Message
		if d, err = s.Store.DossierByCode(ctx, r.PathValue("code")); err != nil {
			return err
		}
		return s.renderDossier(w, r, e.Kind.HTTPStatus(), d, a, last)
	}
	u, err := s.Store.UserByID(ctx, d.AssignedTo)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã giao hồ sơ %s cho %s.", d.Code, u.FullName))
	http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code), http.StatusSeeOther)
	return nil
}

var errNoDelegationUnit = apperr.New(apperr.Invalid, "unit_required",
	"Bạn không là cán bộ của đơn vị nào; ủy quyền do cán bộ hoặc quản trị của đơn vị ghi.")

// delegationRow is a delegation as the page lists it.
type delegationRow struct {
	ID               int64
	Absent, Delegate string
	From, To         string
	InForce, CanEnd  bool
}

type delegationsView struct {
	UnitName   string
	Rows       []delegationRow
	Officials  []option // whom one can delegate to
	Absents    []option // for the unit administrator: whose absence to record
	Admin      bool
	Form       map[string]string
	Error      string
	ErrorField string
}

// delegationUnit is the unit whose delegations p sees: the first where p is an
// official (the unit administrator's own unit first).
func delegationUnit(p *auth.Principal) (int64, bool) {
	if scope := p.AdminScope(); scope > 0 {
		return scope, true
	}
	for _, m := range p.Memberships {
		if slices.Contains(auth.OfficeRoles, m.Role) && m.Role != auth.RoleSystemAdmin {
			return m.UnitID, true
		}
	}
	return 0, false // the system administrator serves in no unit
}

func (s *Server) delegationsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDelegations(w, r, http.StatusOK, nil, "", "")
}

func (s *Server) renderDelegations(w http.ResponseWriter, r *http.Request, status int, form map[string]string, errMsg, errField string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	data := delegationsView{Form: form, Error: errMsg, ErrorField: errField}
	unitID, ok := delegationUnit(p)
	if !ok {
		v := s.view(r, "Ủy quyền khi vắng mặt")
		v.Area, v.Nav, v.Data = "office", "office", data
		return s.views.render(w, status, "delegations", v)
	}
	u, err := s.Store.UnitByID(ctx, unitID)
	if err != nil {
		return err
	}
	data.UnitName, data.Admin = u.Name, p.Can(unitID, auth.RoleUnitAdmin)
	gs, err := s.Dossiers.Delegations(ctx, p, unitID)
	if err != nil {
		return err
	}
	today := calendar.DateOf(s.Dossiers.Now())
	for _, g := range gs {
		data.Rows = append(data.Rows, delegationRow{ID: g.ID, Absent: g.AbsentName, Delegate: g.DelegateName,
			From: locale.Day(g.From.Time()), To: locale.Day(g.To.Time()), InForce: g.InForce(today),
			CanEnd: p.UserID == g.AbsentID || data.Admin})
	}
	os, err := s.Dossiers.Officials(ctx, p, unitID)
	if err != nil {
		return err
	}
	for _, o := range os {
		id := strconv.FormatInt(o.ID, 10)
		if o.ID != p.UserID {
			data.Officials = append(data.Officials, option{id, o.Name})
		}
		if data.Admin {
			data.Absents = append(data.Absents, option{id, o.Name})
		}
	}
	v := s.view(r, "Ủy quyền khi vắng mặt")
	v.Area, v.Nav, v.Data = "office", "office", data
	if errMsg == "" {
		v.Flash = s.sessions.PopString(ctx, "flash")
	}
	return s.views.render(w, status, "delegations", v)
}

func (s *Server) createDelegation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	form := map[string]string{}
	for _, k := range []string{"absent", "delegate", "from", "to"} {
		form[k] = r.PostFormValue(k)
	}
	unitID, ok := delegationUnit(p)
	if !ok {
		return s.renderDelegations(w, r, http.StatusUnprocessableEntity, form, errNoDelegationUnit.Message, "absent")
	}
	in := dossier.NewDelegation{UnitID: unitID}
	in.AbsentID, _ = strconv.ParseInt(form["absent"], 10, 64)
	in.DelegateID, _ = strconv.ParseInt(form["delegate"], 10, 64)
	from, err1 := calendar.ParseDate(form["from"])
	to, err2 := calendar.ParseDate(form["to"])
	var err error
	if err1 != nil || err2 != nil {
		err = dossier.ErrDelegationDates
	} else {
		in.From, in.To = from, to
		_, err = s.Dossiers.Delegate(ctx, p, in)
	}
	if err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Forbidden {
			return err
		}
		field := "delegate"
		switch {
		case errors.Is(err, dossier.ErrDelegationDates):
			field = "from"
		case errors.Is(err, dossier.ErrDelegationForbidden):
			field = "absent"
		}
		return s.renderDelegations(w, r, e.Kind.HTTPStatus(), form, e.Message, field)
	}
	s.sessions.Put(ctx, "flash", "Đã ghi ủy quyền.")
	http.Redirect(w, r, "/office/uy-quyen", http.StatusSeeOther)
	return nil
}

func (s *Server) endDelegation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return dossier.ErrDelegationNotFound
	}
	if err := s.Dossiers.EndDelegation(ctx, auth.PrincipalFrom(ctx), id); err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã kết thúc ủy quyền.")
	http.Redirect(w, r, "/office/uy-quyen", http.StatusSeeOther)
	return nil
}
