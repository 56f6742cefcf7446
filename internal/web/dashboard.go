package web

import (
	"cmp"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The leader's dashboard (Tổng quan), where a leader lands: this month against the last,
// the on-time rate, what is overdue now by step and by whose turn it is, received and
// resolved month by month over a year, and the Decision 766 index. Its figures are the
// statistics page's (report.OneStopReport, report.IndexReport over the counters) and
// the open dossiers' (Store.OpenDossiers).

type compareRow struct {
	Label                     string
	ThisMonth, LastMonthSoFar string
	LastMonth                 string
	Trend                     string // "tăng", "giảm", "bằng"
}

type overdueRow struct {
	Label string
	Count int
}

type monthRow struct {
	Label              string
	Received, Resolved string
	OnTime             string // share of the resolved that were early or on time, "—" when none
}

type dashboardView struct {
	Unit                    unit.Unit
	Today, MonthLabel       string
	Compare                 []compareRow
	OnTimeMonth, OnTimeYear string // "96,4%" or "—"
	ResolvedYear            string
	Overdue                 int
	ByStep, ByOfficer       []overdueRow
	Chart                   template.HTML
	Months                  []monthRow
	Index                   *report.Index
	IndexTotal, IndexOf     string
	StatsURL                string
	// HelpOverdue counts the community's help requests open after their deadline
	// (HelpShown: the community is wired).
	HelpOverdue int
	HelpShown   bool
}

// dashboardRoles may open the dashboard: those who read statistics (report.Roles).
var dashboardRoles = report.Roles

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	units, err := s.reportUnits(r, p)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return apperr.ErrForbidden
	}
	dv := dashboardView{Unit: units[0]}
	for _, m := range p.Memberships {
		if i := slices.IndexFunc(units, func(u unit.Unit) bool { return u.ID == m.UnitID }); i >= 0 {
			dv.Unit = units[i]
			break
		}
	}
	now := time.Now()
	today := calendar.DateOf(now)
	dv.Today = locale.Day(now)
	first := calendar.NewDate(today.Year, today.Month, 1)
	prevFirst := calendar.NewDate(today.Year, today.Month-1, 1)
	prevLast := first.AddDays(-1)
	prevSameDay := calendar.NewDate(today.Year, today.Month-1, min(today.Day, prevLast.Day))
	dv.MonthLabel = locale.Day(first.Time())[3:]
	// Every figure here is what happened within a period, so only the periods' own
	// counters are read (report.PeriodCounts), never the history before them.
	happened := func(a, b calendar.Date) (report.Happened, error) {
		return report.PeriodCounts(ctx, s.Store, dv.Unit, a, b)
	}
	this, err := happened(first, today)
	if err != nil {
		return err
	}
	lastSoFar, err := happened(prevFirst, prevSameDay)
	if err != nil {
		return err
	}
	last, err := happened(prevFirst, prevLast)
	if err != nil {
		return err
	}
	trend := func(a, b int64) string {
		switch {
		case a > b:
			return "tăng"
		case a < b:
			return "giảm"
		}
		return "bằng"
	}
	for _, c := range []struct {
		label   string
		measure func(report.Happened) int64
	}{
		{"Hồ sơ tiếp nhận", func(h report.Happened) int64 { return h.Received }},
		{"Trong đó trực tuyến", func(h report.Happened) int64 { return h.Online }},
		{"Hồ sơ đã giải quyết", func(h report.Happened) int64 { return h.Resolved }},
		{"Giải quyết quá hạn", func(h report.Happened) int64 { return h.Late }},
	} {
		a, b := c.measure(this), c.measure(lastSoFar)
		dv.Compare = append(dv.Compare, compareRow{Label: c.label, ThisMonth: count(a), LastMonthSoFar: count(b),
			LastMonth: count(c.measure(last)), Trend: trend(a, b)})
	}
	onTime := func(h report.Happened) string {
		if h.Resolved == 0 {
			return "—"
		}
		return locale.Percent(h.OnTimeRate)
	}
	dv.OnTimeMonth = onTime(this)
	year, err := happened(calendar.NewDate(today.Year, time.January, 1), today)
	if err != nil {
		return err
	}
	dv.OnTimeYear, dv.ResolvedYear = onTime(year), count(year.Resolved)

	// Twelve months, this one last.
	var pairs []monthPair
	for i := 11; i >= 0; i-- {
		a := calendar.NewDate(today.Year, today.Month-time.Month(i), 1)
		b := calendar.NewDate(a.Year, a.Month+1, 0)
		if b.After(today) {
			b = today
		}
		h, err := happened(a, b)
		if err != nil {
			return err
		}
		label := locale.Day(a.Time())[3:]
		pairs = append(pairs, monthPair{Label: label, Received: h.Received, Resolved: h.Resolved})
		dv.Months = append(dv.Months, monthRow{Label: label, Received: count(h.Received), Resolved: count(h.Resolved), OnTime: onTime(h)})
	}
	dv.Chart = monthlyChart("theo-thang", "Hồ sơ tiếp nhận và đã giải quyết theo tháng, 12 tháng gần nhất", pairs)

	if err := s.overdue(r, &dv, now); err != nil {
		return err
	}
	idx, err := report.IndexReport(ctx, s.Store, dv.Unit, report.Params{From: calendar.NewDate(today.Year, time.January, 1).String(), To: today.String(), WholeOnly: true})
	if err != nil {
		return err
	}
	dv.Index, dv.IndexTotal, dv.IndexOf = &idx, points(idx.Total), points(idx.Computable)
	dv.StatsURL = "/office/thong-ke?unit=" + dv.Unit.Code
	if s.Community != nil {
		if dv.HelpOverdue, err = s.Community.Overdue(ctx, dv.Unit.ID); err != nil {
			return err
		}
		dv.HelpShown = true
	}

	v := s.view(r, "Tổng quan")
	v.Area, v.Nav, v.Data = "office", "dashboard", dv
	return s.views.render(w, http.StatusOK, "dashboard", v)
}

// round2 rounds to two decimals, as the index's rates and points are given.
func round2(f float64) float64 { return math.Round(f*100) / 100 }

// overdue counts the unit's open dossiers past their appointment (the new one after an
// extension), by the workflow step they wait at and by whose turn it is: the officials
// holding that step's role in the unit that acts at it (a step belongs to a role, so
// a dossier waits on each holder), or the officer it is assigned to by name.
func (s *Server) overdue(r *http.Request, dv *dashboardView, now time.Time) error {
	ctx := r.Context()
	ds, err := s.Store.OpenDossiers(ctx, dv.Unit.ID)
	if err != nil {
		return err
	}
	holders := map[int64]map[auth.Role][]string{} // unit → role → names
	names := func(unitID int64, role auth.Role) ([]string, error) {
		if _, ok := holders[unitID]; !ok {
			holders[unitID] = map[auth.Role][]string{}
			for offset := 0; ; offset += 500 {
				us, total, err := s.Store.Users(ctx, unitID, 500, offset)
				if err != nil {
					return nil, err
				}
				for _, u := range us {
					if u.Disabled {
						continue
					}
					for _, m := range u.Memberships {
						if m.UnitID == unitID {
							holders[unitID][m.Role] = append(holders[unitID][m.Role], u.FullName)
						}
					}
				}
				if offset+500 >= total {
					break
				}
			}
		}
		return holders[unitID][role], nil
	}
	procs := map[int64]catalog.Procedure{}
	bySteps, byOfficers := map[string]int{}, map[string]int{}
	assignees := map[int64]string{}
	for _, d := range ds {
		due := d.DueAt
		if !d.ExtendedDueAt.IsZero() {
			due = d.ExtendedDueAt
		}
		if due.IsZero() || !due.Before(now) {
			continue
		}
		dv.Overdue++
		proc, ok := procs[d.ProcedureID]
		if !ok {
			if proc, err = s.Store.ProcedureVersion(ctx, d.ProcedureID); err != nil {
				return err
			}
			procs[d.ProcedureID] = proc
		}
		step, who := "Không rõ bước", "Chưa có người phụ trách"
		if d.Step < len(proc.Workflow.Steps) {
			st := proc.Workflow.Steps[d.Step]
			step = st.Name + " (" + st.Role.Label() + ")"
			unitID := d.CompetentUnitID
			if st.Role == auth.RoleCounter {
				unitID = d.ReceivingUnitID
			}
			ns, err := names(unitID, st.Role)
			if err != nil {
				return err
			}
			if len(ns) > 0 {
				who = strings.Join(ns, ", ") + " — " + strings.ToLower(st.Role.Label())
			}
		}
		if d.AssignedTo != 0 {
			name, ok := assignees[d.AssignedTo]
			if !ok {
				u, err := s.Store.UserByID(ctx, d.AssignedTo)
				if err != nil {
					return err
				}
				name = u.FullName + " — được giao"
				assignees[d.AssignedTo] = name
			}
			who = name
		}
		if d.Status == dossier.StatusSupplementRequested {
			step, who = "Chờ công dân bổ sung", "Công dân (đang bổ sung hồ sơ)"
		}
		bySteps[step]++
		byOfficers[who]++
	}
	rows := func(m map[string]int) []overdueRow {
		var out []overdueRow
		for k, n := range m {
			out = append(out, overdueRow{k, n})
		}
		slices.SortFunc(out, func(a, b overdueRow) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return strings.Compare(a.Label, b.Label)
		})
		return out
	}
	dv.ByStep, dv.ByOfficer = rows(bySteps), rows(byOfficers)
	return nil
}
