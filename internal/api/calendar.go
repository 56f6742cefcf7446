package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// CalendarDay is a day that departs from the weekly pattern, or a holiday on a weekend.
type CalendarDay struct {
	Date    string `json:"date"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Working bool   `json:"working"`
}

// OfficeHours are a unit's hours per weekday, "07:30-11:30,13:00-17:00".
type OfficeHours struct {
	Unit      string `json:"unit,omitempty"`
	Monday    string `json:"monday"`
	Tuesday   string `json:"tuesday"`
	Wednesday string `json:"wednesday"`
	Thursday  string `json:"thursday"`
	Friday    string `json:"friday"`
	Saturday  string `json:"saturday"`
	Sunday    string `json:"sunday"`
	Makeup    string `json:"makeup"`
}

func (o OfficeHours) get(name string) string {
	return map[string]string{"monday": o.Monday, "tuesday": o.Tuesday, "wednesday": o.Wednesday, "thursday": o.Thursday,
		"friday": o.Friday, "saturday": o.Saturday, "sunday": o.Sunday, "makeup": o.Makeup}[name]
}

func viewHours(h calendar.OfficeHours) OfficeHours {
	return OfficeHours{Monday: h.Week[time.Monday].String(), Tuesday: h.Week[time.Tuesday].String(),
		Wednesday: h.Week[time.Wednesday].String(), Thursday: h.Week[time.Thursday].String(), Friday: h.Week[time.Friday].String(),
		Saturday: h.Week[time.Saturday].String(), Sunday: h.Week[time.Sunday].String(), Makeup: h.Makeup.String()}
}

// CalendarYear is a unit's calendar of one year.
type CalendarYear struct {
	Unit        string        `json:"unit"`
	Year        int           `json:"year"`
	Days        []CalendarDay `json:"days"`
	OfficeHours OfficeHours   `json:"office_hours"`
}

var (
	errUnitParam = apperr.New(apperr.Invalid, "unit_required", "Cần tham số unit (mã đơn vị hành chính).")
	errYear      = apperr.New(apperr.Invalid, "invalid_year", "Năm không hợp lệ hoặc ngoài phạm vi.")
)

func (h handlers) unitParam(r *http.Request, code string) (unit.Unit, error) {
	if code == "" {
		return unit.Unit{}, errUnitParam
	}
	return h.Store.UnitByCode(r.Context(), code)
}

func (h handlers) calendarYear(w http.ResponseWriter, r *http.Request) error {
	u, err := h.unitParam(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < workcal.FirstYear || year > calendar.MaxYear {
		return errYear
	}
	cal, err := h.Calendars.For(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if from, to := cal.Years(); year < from || year > to {
		return errYear
	}
	hours, err := h.Calendars.Hours(r.Context(), u.ID)
	if err != nil {
		return err
	}
	out := CalendarYear{Unit: u.Code, Year: year, Days: []CalendarDay{}, OfficeHours: viewHours(hours)}
	for _, d := range cal.Days(year) {
		out.Days = append(out.Days, CalendarDay{Date: d.Date.String(), Kind: d.Kind.String(), Name: d.Name, Working: cal.IsWorkingDay(d.Date)})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// DecidedDay is one day of a decision.
type DecidedDay struct {
	Date string `json:"date"`
	Off  bool   `json:"off"`
	Name string `json:"name"`
}

// Decision is a calendar decision. Unit is "" for nationwide ones; ID is 0 for the
// decisions built into xaso.
type Decision struct {
	ID      int64        `json:"id"`
	Unit    string       `json:"unit"`
	Number  string       `json:"number"`
	Date    string       `json:"date,omitempty"`
	Title   string       `json:"title,omitempty"`
	BuiltIn bool         `json:"built_in"`
	Days    []DecidedDay `json:"days"`
}

func viewDecision(d calendar.Decision, id int64, unitCode string, builtIn bool) Decision {
	v := Decision{ID: id, Unit: unitCode, Number: d.Number, Title: d.Title, BuiltIn: builtIn, Days: []DecidedDay{}}
	if !d.Date.IsZero() {
		v.Date = d.Date.String()
	}
	for _, dd := range d.Days {
		v.Days = append(v.Days, DecidedDay{Date: dd.Date.String(), Off: dd.Off, Name: dd.Name})
	}
	return v
}

func (h handlers) decisions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.unitParam(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	scopes, err := h.Calendars.Scopes(ctx, u.ID)
	if err != nil {
		return err
	}
	var all []Decision
	for _, d := range calendar.Decisions() {
		all = append(all, viewDecision(d, 0, "", true))
	}
	stored, err := h.Store.CalendarDecisions(ctx, scopes)
	if err != nil {
		return err
	}
	codes := map[int64]string{0: ""}
	for _, d := range stored {
		if _, ok := codes[d.UnitID]; !ok {
			su, err := h.Store.UnitByID(ctx, d.UnitID)
			if err != nil {
				return err
			}
			codes[d.UnitID] = su.Code
		}
		all = append(all, viewDecision(d.Decision, d.ID, codes[d.UnitID], false))
	}
	total := len(all)
	all = all[min(offset, total):min(offset+limit, total)]
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(all, total))
}

var errDecisionDate = apperr.New(apperr.Invalid, "invalid_decision_date", "Ngày phải có dạng YYYY-MM-DD.")

func (h handlers) createDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Decision
	if err := httpx.DecodeJSON(w, r, &in, 64<<10); err != nil {
		return err
	}
	scope := int64(0)
	if in.Unit != "" {
		u, err := h.Store.UnitByCode(ctx, in.Unit)
		if err != nil {
			return err
		}
		scope = u.ID
	}
	if !workcal.CanManage(auth.PrincipalFrom(ctx), scope) {
		return apperr.ErrForbidden
	}
	d := calendar.Decision{Number: in.Number, Title: in.Title}
	if in.Date != "" {
		date, err := calendar.ParseDate(in.Date)
		if err != nil {
			return errDecisionDate
		}
		d.Date = date
	}
	for _, dd := range in.Days {
		date, err := calendar.ParseDate(dd.Date)
		if err != nil {
			return errDecisionDate
		}
		d.Days = append(d.Days, calendar.DecidedDay{Date: date, Off: dd.Off, Name: dd.Name})
	}
	id, err := h.Store.CreateDecision(ctx, scope, d)
	if err != nil {
		return err
	}
	stored, err := h.Store.CalendarDecision(ctx, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/calendar/decisions/"+strconv.FormatInt(id, 10))
	return httpx.WriteJSON(w, http.StatusCreated, viewDecision(stored.Decision, id, in.Unit, false))
}

func (h handlers) deleteDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return workcal.ErrNotFound
	}
	d, err := h.Store.CalendarDecision(ctx, id)
	if err != nil {
		return err
	}
	if !workcal.CanManage(auth.PrincipalFrom(ctx), d.UnitID) {
		return apperr.ErrForbidden
	}
	if err := h.Store.DeleteDecision(ctx, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var errHours = apperr.New(apperr.Invalid, "invalid_office_hours", "Giờ làm việc không hợp lệ: mỗi ngày dạng 07:30-11:30,13:00-17:00; thứ Hai đến thứ Sáu và ngày làm bù phải có giờ.")

func (h handlers) setOfficeHours(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in OfficeHours
	if err := httpx.DecodeJSON(w, r, &in, 8<<10); err != nil {
		return err
	}
	u, err := h.unitParam(r, in.Unit)
	if err != nil {
		return err
	}
	if !workcal.CanManage(auth.PrincipalFrom(ctx), u.ID) {
		return apperr.ErrForbidden
	}
	hours, err := workcal.ParseHours(in.get)
	if err != nil {
		return errHours.With(err)
	}
	if err := h.Store.SetOfficeHours(ctx, u.ID, hours); err != nil {
		return err
	}
	out := viewHours(hours)
	out.Unit = u.Code
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// MoveView is an appointment the current calendar would set differently.
type MoveView struct {
	Code   string         `json:"code"`
	Status dossier.Status `json:"status"`
	From   string         `json:"from"`
	To     string         `json:"to"`
}

// Moves is the preview, or the result, of moving appointments after a calendar change.
type Moves struct {
	Items   []MoveView `json:"items"`
	Total   int        `json:"total"`
	Moved   int        `json:"moved,omitempty"`
	Skipped []string   `json:"skipped,omitempty"`
}

// moves previews (GET) or applies (POST) the appointment changes a late decision
// implies for a unit's open dossiers.
func (h handlers) moves(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.unitParam(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	if !workcal.CanManage(p, u.ID) {
		return apperr.ErrForbidden
	}
	ms, err := h.Dossiers.Moves(ctx, h.Store, u.ID)
	if err != nil {
		return err
	}
	out := Moves{Items: []MoveView{}, Total: len(ms)}
	for _, m := range ms {
		out.Items = append(out.Items, MoveView{Code: m.Code, Status: m.Status, From: *rfc3339(m.From), To: *rfc3339(m.To)})
	}
	if r.Method == http.MethodPost {
		if out.Moved, out.Skipped, err = h.Dossiers.ApplyMoves(ctx, ms, dossier.Actor{P: p}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}
