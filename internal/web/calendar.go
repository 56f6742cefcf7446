package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// The administrator's calendar page: a year at a glance, the decisions that shape it,
// a form to enter a new decision and the unit's office hours.

var errBadYear = apperr.New(apperr.Invalid, "invalid_year", fmt.Sprintf("Năm phải trong khoảng %d–%d.", workcal.FirstYear, calendar.MaxYear))

// calendarUnit picks the unit whose calendar the page shows: ?unit=CODE for the system
// administrator, the administered unit otherwise.
func (s *Server) calendarUnit(r *http.Request) (unit.Unit, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	if code := r.URL.Query().Get("unit"); code != "" {
		u, err := s.Store.UnitByCode(ctx, code)
		if err != nil {
			return u, err
		}
		if !p.Can(u.ID, auth.RoleUnitAdmin) {
			return u, apperr.ErrForbidden
		}
		return u, nil
	}
	if scope := p.AdminScope(); scope > 0 {
		return s.Store.UnitByID(ctx, scope)
	}
	units, _, err := s.Store.Units(ctx, 500, 0)
	if err != nil {
		return unit.Unit{}, err
	}
	for _, u := range units {
		if u.Level == unit.Commune {
			return u, nil
		}
	}
	if len(units) > 0 {
		return units[0], nil
	}
	return unit.Unit{}, unit.ErrNotFound
}

func yearParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return time.Now().In(locale.Zone).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < workcal.FirstYear || y > calendar.MaxYear {
		return 0, errBadYear
	}
	return y, nil
}

// dayCell is one day of the month grid.
type dayCell struct {
	Day   int
	Class string // weekend, holiday, compensatory, decreed-off, decreed-workday
	Name  string
}

type monthGrid struct {
	Name  string
	Weeks [][]dayCell // Monday first; Day 0 is an empty cell
}

func yearGrid(cal *calendar.Calendar, year int) []monthGrid {
	named := map[calendar.Date]calendar.Day{}
	for _, d := range cal.Days(year) {
		named[d.Date] = d
	}
	var months []monthGrid
	for m := time.January; m <= time.December; m++ {
		g := monthGrid{Name: fmt.Sprintf("Tháng %d", m)}
		first := calendar.NewDate(year, m, 1)
		week := make([]dayCell, (int(first.Weekday())+6)%7)
		for d := first; d.Month == m; d = d.AddDays(1) {
			c := dayCell{Day: d.Day}
			if e, ok := named[d]; ok {
				c.Class, c.Name = e.Kind.String(), e.Name
			} else if !cal.IsWorkingDay(d) {
				c.Class = "weekend"
			}
			week = append(week, c)
			if len(week) == 7 {
				g.Weeks = append(g.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			g.Weeks = append(g.Weeks, append(week, make([]dayCell, 7-len(week))...))
		}
		months = append(months, g)
	}
	return months
}

// decisionView is a decision as the page lists it.
type decisionView struct {
	ID        int64 // 0 for built-in data
	Scope     string
	Number    string
	Date      string
	Title     string
	Days      []calendar.DecidedDay
	Deletable bool
}

// decisionRows is how many day rows the decision form offers without JavaScript.
const decisionRows = 6

type calendarPage struct {
	Unit      unit.Unit
	Year      int
	Prev      int
	Next      int
	Months    []monthGrid
	Decisions []decisionView
	Hours     [8]hoursField
	Rows      []int
	CanNation bool
	Form      decisionForm
	// Moves are the open dossiers whose printed appointment the calendar, as it is now,
	// would set differently: shown for the administrator to move them, or not.
	Moves []moveView
}

type moveView struct {
	Code, Status, From, To string
}

type hoursField struct {
	Name, Label, Value string
}

type decisionForm struct {
	Scope, Number, Date, Title string
	Days                       [decisionRows]struct{ Date, Kind, Name string }
}

var weekdayLabels = [7]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

func (s *Server) calendarData(r *http.Request, u unit.Unit, year int) (calendarPage, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	cal, err := s.Calendars.For(ctx, u.ID)
	if err != nil {
		return calendarPage{}, err
	}
	scopes, err := s.Calendars.Scopes(ctx, u.ID)
	if err != nil {
		return calendarPage{}, err
	}
	page := calendarPage{Unit: u, Year: year, Prev: max(year-1, workcal.FirstYear), Next: min(year+1, calendar.MaxYear),
		Months: yearGrid(cal, year), CanNation: p.IsSystemAdmin()}
	for i := range decisionRows {
		page.Rows = append(page.Rows, i)
	}
	for _, d := range calendar.Decisions() {
		page.Decisions = append(page.Decisions, viewDecision(workcal.Decision{Decision: d}, "Toàn quốc (có sẵn)", false))
	}
	stored, err := s.Store.CalendarDecisions(ctx, scopes)
	if err != nil {
		return calendarPage{}, err
	}
	for _, d := range stored {
		scope := "Toàn quốc"
		if d.UnitID != 0 {
			su, err := s.Store.UnitByID(ctx, d.UnitID)
			if err != nil {
				return calendarPage{}, err
			}
			scope = su.Name
		}
		page.Decisions = append(page.Decisions, viewDecision(d, scope, workcal.CanManage(p, d.UnitID)))
	}
	hours, err := s.Calendars.Hours(ctx, u.ID)
	if err != nil {
		return calendarPage{}, err
	}
	for i, wd := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		page.Hours[i] = hoursField{workcal.WeekdayNames[wd], weekdayLabels[wd], hours.Week[wd].String()}
	}
	page.Hours[7] = hoursField{"makeup", "Ngày làm bù", hours.Makeup.String()}
	moves, err := s.Dossiers.Moves(ctx, s.Store, u.ID)
	if err != nil {
		return calendarPage{}, err
	}
	for _, m := range moves {
		page.Moves = append(page.Moves, moveView{Code: m.Code, Status: m.Status.Label(), From: appointment(m.From), To: appointment(m.To)})
	}
	return page, nil
}

func viewDecision(d workcal.Decision, scope string, deletable bool) decisionView {
	v := decisionView{ID: d.ID, Scope: scope, Number: d.Number, Title: d.Title, Days: d.Days, Deletable: deletable}
	if !d.Date.IsZero() {
		v.Date = locale.Day(d.Date.Time())
	}
	return v
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	data, err := s.calendarData(r, u, year)
	if err != nil {
		return err
	}
	v := s.view(r, "Lịch làm việc")
	v.Area, v.Nav, v.Data = "office", "calendar", data
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, http.StatusOK, "calendar", v)
}

// addDecision handles the decision form; on a mistake it shows the page again with the
// form as typed and the message.
func (s *Server) addDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	var f decisionForm
	f.Scope, f.Number, f.Date, f.Title = r.PostFormValue("scope"), strings.TrimSpace(r.PostFormValue("number")),
		strings.TrimSpace(r.PostFormValue("date")), strings.TrimSpace(r.PostFormValue("title"))
	for i := range f.Days {
		n := strconv.Itoa(i)
		f.Days[i].Date, f.Days[i].Kind, f.Days[i].Name = strings.TrimSpace(r.PostFormValue("day_date_"+n)),
			r.PostFormValue("day_kind_"+n), strings.TrimSpace(r.PostFormValue("day_name_"+n))
	}
	scope := u.ID
	if f.Scope == "nation" {
		scope = 0
	}
	if !workcal.CanManage(p, scope) {
		return apperr.ErrForbidden
	}
	d, err := f.decision()
	if err == nil {
		_, err = s.Store.CreateDecision(ctx, scope, d)
	}
	if apperr.KindOf(err) == apperr.Invalid {
		year, _ := yearParam(r)
		data, derr := s.calendarData(r, u, year)
		if derr != nil {
			return derr
		}
		data.Form = f
		v := s.view(r, "Lịch làm việc")
		v.Area, v.Nav, v.Data, v.Error = "office", "calendar", data, apperr.From(err).Message
		return s.views.render(w, http.StatusUnprocessableEntity, "calendar", v)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã lưu quyết định "+d.Number+".")
	http.Redirect(w, r, "/admin/calendar?"+r.URL.RawQuery, http.StatusSeeOther)
	return nil
}

var errBadForm = apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")

func (f decisionForm) decision() (calendar.Decision, error) {
	d := calendar.Decision{Number: f.Number, Title: f.Title}
	if f.Date != "" {
		date, err := calendar.ParseDate(f.Date)
		if err != nil {
			return d, apperr.New(apperr.Invalid, "invalid_decision_date", "Ngày ký phải có dạng YYYY-MM-DD.")
		}
		d.Date = date
	}
	for i, row := range f.Days {
		if row.Date == "" && row.Name == "" {
			continue
		}
		date, err := calendar.ParseDate(row.Date)
		if err != nil {
			return d, apperr.New(apperr.Invalid, "invalid_decision_days", fmt.Sprintf("Dòng %d: ngày phải có dạng YYYY-MM-DD.", i+1))
		}
		d.Days = append(d.Days, calendar.DecidedDay{Date: date, Off: row.Kind != "workday", Name: row.Name})
	}
	return d, nil
}

func (s *Server) deleteDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return workcal.ErrNotFound
	}
	d, err := s.Store.CalendarDecision(ctx, id)
	if err != nil {
		return err
	}
	if !workcal.CanManage(auth.PrincipalFrom(ctx), d.UnitID) {
		return apperr.ErrForbidden
	}
	if err := s.Store.DeleteDecision(ctx, id); err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã xóa quyết định "+d.Number+".")
	http.Redirect(w, r, "/admin/calendar?"+r.URL.RawQuery, http.StatusSeeOther)
	return nil
}

func (s *Server) setHours(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	if !workcal.CanManage(auth.PrincipalFrom(ctx), u.ID) {
		return apperr.ErrForbidden
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	h, err := workcal.ParseHours(func(name string) string { return r.PostFormValue(name) })
	if err == nil {
		err = s.Store.SetOfficeHours(ctx, u.ID, h)
	}
	if err != nil {
		return apperr.New(apperr.Invalid, "invalid_office_hours", "Giờ làm việc không hợp lệ: mỗi ngày dạng 07:30-11:30,13:00-17:00, các khoảng không chồng nhau; thứ Hai đến thứ Sáu và ngày làm bù phải có giờ.").With(err)
	}
	s.sessions.Put(ctx, "flash", "Đã lưu giờ làm việc.")
	http.Redirect(w, r, "/admin/calendar?"+r.URL.RawQuery, http.StatusSeeOther)
	return nil
}

// moveAppointments moves the appointments the preview listed: each with a history entry;
// dossiers changed since the preview are skipped and named.
func (s *Server) moveAppointments(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	if !workcal.CanManage(p, u.ID) {
		return apperr.ErrForbidden
	}
	moves, err := s.Dossiers.Moves(ctx, s.Store, u.ID)
	if err != nil {
		return err
	}
	moved, skipped, err := s.Dossiers.ApplyMoves(ctx, moves, dossier.Actor{P: p})
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Đã dời hẹn %d hồ sơ theo lịch làm việc mới.", moved)
	if len(skipped) > 0 {
		msg += " Bỏ qua vì vừa thay đổi: " + strings.Join(skipped, ", ") + "."
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/admin/calendar?"+r.URL.RawQuery, http.StatusSeeOther)
	return nil
}
