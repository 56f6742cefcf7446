package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The unit administrator's page of the floor's set-up: service groups, desks and
// kiosks. The rules are queue.Service's (SaveGroup, SaveDesk, SaveKiosk).
func (s *Server) adminFloorRoutes() []httpx.Route {
	admin := httpx.OnlyRoles(auth.AdminRoles...)
	return []httpx.Route{
		{Pattern: "GET /admin/quay", Access: admin, Handler: s.adminFloorPage},
		{Pattern: "POST /admin/quay/groups", Access: admin, Handler: s.saveFloorGroup},
		{Pattern: "POST /admin/quay/desks", Access: admin, Handler: s.saveFloorDesk},
		{Pattern: "POST /admin/quay/kiosks", Access: admin, Handler: s.saveFloorKiosk},
	}
}

type floorKioskRow struct {
	queue.Kiosk
	URL string
}

type adminFloorView struct {
	Unit     unit.Unit
	Query    string
	Groups   []queue.Group
	Desks    []queue.Desk
	Kiosks   []floorKioskRow
	Counters []option // who may hold a desk
	// Open is the form the last error belongs to ("group:CODE", "desk:N", "kiosk:CODE",
	// "group:", "desk:", "kiosk:" for the new ones); Form what was typed in it.
	Open, Error string
	Form        map[string][]string
}

// Value is what was typed in field of the form open after an error.
func (v adminFloorView) Value(form, field, current string) string {
	if v.Open == form && v.Form != nil {
		return first(v.Form[field])
	}
	return current
}

// Serves reports whether desk d lists group code (none listed: it serves every group).
func (v adminFloorView) Serves(d queue.Desk, code string) bool {
	return slices.Contains(d.Groups, code)
}

// Holds reports whether the desk's holder is the officer of option value id.
func (v adminFloorView) Holds(d queue.Desk, id string) bool {
	return d.HolderID != 0 && strconv.FormatInt(d.HolderID, 10) == id
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (s *Server) renderAdminFloor(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, open, errMsg string, form url.Values) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	data := adminFloorView{Unit: u, Query: "?unit=" + url.QueryEscape(u.Code), Open: open, Error: errMsg, Form: form}
	var err error
	if data.Groups, err = s.Queue.Groups(ctx, u.ID); err != nil {
		return err
	}
	if data.Desks, err = s.Queue.Desks(ctx, u.ID); err != nil {
		return err
	}
	ks, err := s.Queue.Kiosks(ctx, p, u.ID)
	if err != nil {
		return err
	}
	for _, k := range ks {
		data.Kiosks = append(data.Kiosks, floorKioskRow{Kiosk: k, URL: s.BaseURL + "/kiosk/" + url.PathEscape(u.Code) + kioskQuery(k.Code, k.Token)})
	}
	os, err := s.Dossiers.Officials(ctx, p, u.ID)
	if err != nil && !p.IsSystemAdmin() {
		return err
	}
	for _, o := range os {
		if slices.Contains(o.Roles, auth.RoleCounter) {
			data.Counters = append(data.Counters, option{strconv.FormatInt(o.ID, 10), o.Name})
		}
	}
	v := s.view(r, "Quầy, nhóm dịch vụ và máy lấy số")
	v.Area, v.Nav, v.Data = "office", "admin-floor", data
	if errMsg == "" {
		v.Flash = s.sessions.PopString(ctx, "flash")
	}
	return s.views.render(w, status, "admin_floor", v)
}

func (s *Server) adminFloorUnit(r *http.Request) (unit.Unit, error) {
	u, err := s.calendarUnit(r)
	if err != nil {
		return u, err
	}
	if !auth.PrincipalFrom(r.Context()).Can(u.ID, auth.AdminRoles...) {
		return u, apperr.ErrForbidden
	}
	return u, nil
}

func (s *Server) adminFloorPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminFloorUnit(r)
	if err != nil {
		return err
	}
	return s.renderAdminFloor(w, r, http.StatusOK, u, "", "", nil)
}

// floorForm reads a set-up form and the unit it is for.
func (s *Server) floorForm(w http.ResponseWriter, r *http.Request) (unit.Unit, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return unit.Unit{}, errBadForm
	}
	return s.adminFloorUnit(r)
}

// floorSaved answers a set-up form: back to the page with a message, or the page again
// with the error at the form it belongs to.
func (s *Server) floorSaved(w http.ResponseWriter, r *http.Request, u unit.Unit, open, msg string, err error) error {
	if err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict && e.Kind != apperr.NotFound {
			return err
		}
		return s.renderAdminFloor(w, r, e.Kind.HTTPStatus(), u, open, e.Message, r.PostForm)
	}
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/admin/quay?unit="+url.QueryEscape(u.Code), http.StatusSeeOther)
	return nil
}

// atoi reads a whole number typed in a form; anything else is -1, which every rule
// refuses.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func (s *Server) saveFloorGroup(w http.ResponseWriter, r *http.Request) error {
	u, err := s.floorForm(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	g := queue.Group{UnitID: u.ID, Code: f.Get("code"), Letter: f.Get("letter"), Name: f.Get("name"),
		Position: atoi(f.Get("position")), SlotMinutes: atoi(f.Get("slot_minutes")), SlotCapacity: atoi(f.Get("slot_capacity"))}
	err = s.Queue.SaveGroup(r.Context(), auth.PrincipalFrom(r.Context()), g)
	return s.floorSaved(w, r, u, "group:"+f.Get("form"), "Đã lưu nhóm dịch vụ “"+g.Name+"”.", err)
}

func (s *Server) saveFloorDesk(w http.ResponseWriter, r *http.Request) error {
	u, err := s.floorForm(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	d := queue.Desk{UnitID: u.ID, Number: atoi(f.Get("number")), Name: f.Get("name"), Groups: f["groups"]}
	if h := f.Get("holder"); h != "" {
		if d.HolderID, err = strconv.ParseInt(h, 10, 64); err != nil {
			d.HolderID = -1
		}
	}
	err = s.Queue.SaveDesk(r.Context(), auth.PrincipalFrom(r.Context()), d)
	return s.floorSaved(w, r, u, "desk:"+f.Get("form"), "Đã lưu quầy số "+f.Get("number")+".", err)
}

func (s *Server) saveFloorKiosk(w http.ResponseWriter, r *http.Request) error {
	u, err := s.floorForm(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	k := queue.Kiosk{UnitID: u.ID, Code: f.Get("code"), Name: f.Get("name"), Printer: f.Get("printer"), Disabled: f.Get("enabled") == ""}
	_, err = s.Queue.SaveKiosk(r.Context(), auth.PrincipalFrom(r.Context()), k, f.Get("new_key") != "")
	return s.floorSaved(w, r, u, "kiosk:"+f.Get("form"), "Đã lưu máy lấy số "+k.Code+".", err)
}

// floorFormArgs is what a set-up form's template gets: the page, the form's key and the
// current values (A…F by position, as the form's template names them).
type floorFormArgs struct {
	V                adminFloorView
	Form             string
	A, B, C, D, E, F any
}

func floorArgs(v adminFloorView, form string, a, b, c, d, e, f any) floorFormArgs {
	return floorFormArgs{V: v, Form: form, A: a, B: b, C: c, D: d, E: e, F: f}
}
