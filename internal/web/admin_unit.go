package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The unit's settings page (/admin/unit): the desk's name printed on forms 01–07 and the
// pages, and the symbol of the unit's outgoing letters. It calls the same store method
// as PUT /api/v1/units/{code}/settings.

func (s *Server) unitSettingsRoutes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "GET /admin/unit", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.unitSettingsPage},
		{Pattern: "POST /admin/unit", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.saveUnitSettings},
	}
}

type unitSettingsView struct {
	Unit      unit.Unit
	Query     string // "?unit=CODE"
	DeskName  inputField
	Symbol    inputField
	Errors    []errorLink
	Desk      string // what is printed now
	LetterNow string
}

func (s *Server) renderUnitSettings(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, set unit.Settings, errs map[string]string) error {
	desk := inputField{ID: "desk_name", Name: "desk_name", Label: "Tên bộ phận một cửa in trên biểu mẫu", Kind: "input", Type: "text",
		MaxLength: 200, Value: set.DeskName, Error: errs["desk_name"],
		Help: "Để trống thì in tên mặc định: " + unit.Unit{Name: u.Name}.Desk() + "."}
	sym := inputField{ID: "letter_symbol", Name: "letter_symbol", Label: "Ký hiệu văn bản đi (sau số)", Kind: "input", Type: "text",
		MaxLength: 40, Value: set.LetterSymbol, Error: errs["letter_symbol"],
		Help: "Ví dụ UBND-VP thì văn bản xin lỗi, gia hạn mang số 05/UBND-VP. Để trống thì dùng " + unit.DefaultLetterSymbol + "."}
	data := unitSettingsView{Unit: u, Query: "?unit=" + url.QueryEscape(u.Code), DeskName: desk, Symbol: sym, Desk: u.Desk(), LetterNow: u.LetterNotation(1)}
	for _, f := range []*inputField{&data.DeskName, &data.Symbol} {
		if f.Error != "" {
			data.Errors = append(data.Errors, errorLink{f.ID, f.Label, f.Error})
			if len(data.Errors) == 1 {
				f.Autofocus = true
			}
		}
	}
	v := s.view(r, "Cài đặt đơn vị")
	v.Area, v.Nav, v.Data = "office", "admin-unit", data
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, status, "admin_unit", v)
}

func (s *Server) unitSettingsPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	if !auth.PrincipalFrom(r.Context()).Can(u.ID, auth.AdminRoles...) {
		return apperr.ErrForbidden
	}
	return s.renderUnitSettings(w, r, http.StatusOK, u, u.Settings, nil)
}

func (s *Server) saveUnitSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	if !auth.PrincipalFrom(ctx).Can(u.ID, auth.AdminRoles...) {
		return apperr.ErrForbidden
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	set := unit.Settings{DeskName: r.PostFormValue("desk_name"), LetterSymbol: r.PostFormValue("letter_symbol")}
	_, err = s.Store.SetUnitSettings(ctx, u.ID, set)
	var se *unit.SettingsError
	if errors.As(err, &se) {
		errs := map[string]string{}
		for k, m := range se.Fields {
			errs[k] = sentence(m)
		}
		return s.renderUnitSettings(w, r, http.StatusUnprocessableEntity, u, set, errs)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã lưu cài đặt đơn vị.")
	http.Redirect(w, r, "/admin/unit?unit="+url.QueryEscape(u.Code), http.StatusSeeOther)
	return nil
}
