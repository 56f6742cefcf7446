// Package workcal gives each administrative unit its working calendar (lịch làm việc):
// the law's holidays and the built-in nationwide decisions from internal/calendar, the
// decisions administrators enter (nationwide, for a province, for a commune) and the
// unit's office hours, compiled into a calendar.Calendar and cached until any of them
// changes.
package workcal

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Decision is a decision as stored: UnitID 0 binds the whole country.
type Decision struct {
	ID     int64
	UnitID int64
	calendar.Decision
}

// Store is what the service needs from storage.
type Store interface {
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
	// CalendarDecisions returns the decisions of the given scopes (0 = nationwide), in
	// the order they were entered.
	CalendarDecisions(ctx context.Context, scopes []int64) ([]Decision, error)
	// OfficeHours returns a unit's hours; ok is false when it has set none.
	OfficeHours(ctx context.Context, unitID int64) (h calendar.OfficeHours, ok bool, err error)
	// CalendarRevision returns, in one read, the unit and a number that grows whenever a
	// decision or office hours of the unit's scopes (the country, its parent, itself)
	// change. It wraps a not-found error for a unit that does not exist.
	CalendarRevision(ctx context.Context, unitID int64) (u unit.Unit, rev int64, err error)
}

// Years compiled: from FirstYear (old data, such as the demo's 2021) to five years
// ahead, which covers any appointment xaso will ever print.
const FirstYear = 2015

// ErrNoUnit is returned for calendars of units that do not exist.
var ErrNoUnit = apperr.New(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị hành chính.")

// Service compiles and caches unit calendars. It is safe for concurrent use; several
// instances on one PostgreSQL database stay consistent because every call compares the
// stored revision of the unit's scopes before using its cache.
type Service struct {
	st  Store
	now func() time.Time

	mu    sync.Mutex
	cache map[int64]entry
}

type entry struct {
	rev    int64
	year   int   // the current year when compiled
	parent int64 // the scope above the unit when compiled (0 for a province): a unit moved to another province compiles again
	cal    *calendar.Calendar
}

// New returns a Service.
func New(st Store) *Service {
	return &Service{st: st, now: time.Now, cache: map[int64]entry{}}
}

// Scopes returns the scopes whose decisions bind unitID: nationwide, its province,
// itself.
func (s *Service) Scopes(ctx context.Context, unitID int64) ([]int64, error) {
	u, err := s.st.UnitByID(ctx, unitID)
	if err != nil {
		return nil, ErrNoUnit.With(err)
	}
	scopes := []int64{0}
	if u.ParentID != nil {
		scopes = append(scopes, *u.ParentID)
	}
	return append(scopes, u.ID), nil
}

// For returns the compiled calendar of unitID. Every call reads the revision of the
// unit's scopes (one small query, on every filing) and compiles again only when it
// moved.
func (s *Service) For(ctx context.Context, unitID int64) (*calendar.Calendar, error) {
	_, cal, err := s.UnitCalendar(ctx, unitID)
	return cal, err
}

// UnitCalendar returns the unit with its compiled calendar, from the same read.
func (s *Service) UnitCalendar(ctx context.Context, unitID int64) (unit.Unit, *calendar.Calendar, error) {
	u, rev, err := s.st.CalendarRevision(ctx, unitID)
	if apperr.KindOf(err) == apperr.NotFound {
		return u, nil, ErrNoUnit.With(err)
	}
	if err != nil {
		return u, nil, err
	}
	var parent int64 // 0 for a province
	scopes := []int64{0}
	if u.ParentID != nil {
		parent = *u.ParentID
		scopes = append(scopes, parent)
	}
	scopes = append(scopes, unitID)
	year := s.now().In(locale.Zone).Year()
	s.mu.Lock()
	e, ok := s.cache[unitID]
	s.mu.Unlock()
	if ok && e.rev == rev && e.year == year && e.parent == parent {
		return u, e.cal, nil
	}
	hours, err := s.Hours(ctx, unitID)
	if err != nil {
		return u, nil, err
	}
	cal, err := s.compile(ctx, scopes, hours, year)
	if err != nil {
		return u, nil, fmt.Errorf("workcal: unit %d: %w", unitID, err)
	}
	s.mu.Lock()
	s.cache[unitID] = entry{rev: rev, year: year, parent: parent, cal: cal}
	s.mu.Unlock()
	return u, cal, nil
}

// Hours returns the unit's office hours, or the default ones.
func (s *Service) Hours(ctx context.Context, unitID int64) (calendar.OfficeHours, error) {
	h, ok, err := s.st.OfficeHours(ctx, unitID)
	if err != nil {
		return h, err
	}
	if !ok {
		return calendar.DefaultOfficeHours(), nil
	}
	return h, nil
}

// National compiles the calendar that binds every unit: the law, the built-in decisions
// and the nationwide decisions entered in the database, with the default office hours.
func (s *Service) National(ctx context.Context) (*calendar.Calendar, error) {
	return s.compile(ctx, []int64{0}, calendar.DefaultOfficeHours(), s.now().In(locale.Zone).Year())
}

func (s *Service) compile(ctx context.Context, scopes []int64, hours calendar.OfficeHours, year int) (*calendar.Calendar, error) {
	from, to := FirstYear, min(year+5, calendar.MaxYear)
	var days []calendar.Day
	for y := from; y <= to; y++ {
		h, err := calendar.LegalHolidays(y)
		if err != nil {
			return nil, err
		}
		days = append(days, h...)
	}
	for _, d := range calendar.Decisions() {
		days = append(days, d.Entries()...)
	}
	stored, err := s.st.CalendarDecisions(ctx, scopes)
	if err != nil {
		return nil, err
	}
	// Nationwide first, then the province, then the commune: the narrower scope wins.
	slices.SortStableFunc(stored, func(a, b Decision) int {
		return slices.Index(scopes, a.UnitID) - slices.Index(scopes, b.UnitID)
	})
	for _, d := range stored {
		days = append(days, d.Entries()...)
	}
	return calendar.Compile(days, hours, from, to)
}

// CanManage reports whether p may change the calendar of a scope: a unit's
// administrators their unit's, the system administrator every one including the
// nationwide scope 0.
func CanManage(p *auth.Principal, scope int64) bool {
	if scope == 0 {
		return p.IsSystemAdmin()
	}
	return p.Can(scope, auth.RoleUnitAdmin)
}

// Errors of decision input, shown to administrators.
var (
	ErrDecisionNumber = apperr.New(apperr.Invalid, "invalid_decision", "Cần số, ký hiệu của văn bản (ví dụ 12729/VPCP-KGVX).")
	ErrDecisionDays   = apperr.New(apperr.Invalid, "invalid_decision_days", "Cần ít nhất một ngày; mỗi ngày cần ngày hợp lệ (YYYY-MM-DD), không trùng nhau và có tên.")
	ErrDecisionYears  = apperr.New(apperr.Invalid, "decision_out_of_range", "Ngày của quyết định phải trong khoảng các năm xaso tính lịch.")
	ErrNotFound       = apperr.New(apperr.NotFound, "decision_not_found", "Không tìm thấy quyết định.")
)

// CheckDecision validates a decision an administrator entered.
func CheckDecision(d calendar.Decision) error {
	if d.Number == "" || len(d.Number) > 100 {
		return ErrDecisionNumber
	}
	if len(d.Days) == 0 {
		return ErrDecisionDays
	}
	if err := d.Validate(); err != nil {
		return ErrDecisionDays.With(err)
	}
	for _, dd := range d.Days {
		if dd.Date.Year < FirstYear || dd.Date.Year > calendar.MaxYear || len(dd.Name) > 200 {
			return ErrDecisionYears
		}
	}
	return nil
}

// WeekdayNames name the days of the week (indexed by time.Weekday) in forms, JSON and
// storage.
var WeekdayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// ParseHours reads office hours from named values (form fields or JSON): one
// "07:30-11:30,13:00-17:00" per name of WeekdayNames, and "makeup" for weekend days
// worked by decision.
func ParseHours(get func(string) string) (calendar.OfficeHours, error) {
	var h calendar.OfficeHours
	for d, name := range WeekdayNames {
		sh, err := calendar.ParseShift(get(name))
		if err != nil {
			return h, err
		}
		h.Week[d] = sh
	}
	sh, err := calendar.ParseShift(get("makeup"))
	if err != nil {
		return h, err
	}
	h.Makeup = sh
	return h, h.Validate()
}
