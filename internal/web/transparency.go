package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The public transparency page (công khai kết quả giải quyết): for a unit and a year,
// month by month, how many dossiers came, how many online, how many were resolved on
// time, the average working days, and the list of dossiers resolved late with whether
// the citizen received the apology letter. No login; no personal data.

type transparencyMonth struct {
	Label                  string
	Received, Resolved     int64
	OnlineRate, OnTimeRate float64
	Late                   int64
	AverageDays            string // working days from receipt to result, "—" without data
}

type lateRow struct {
	Code, Procedure, Due, Resolved string
	Apologised                     bool
}

type transparencyView struct {
	Chart  template.HTML // received and resolved month by month
	Unit   unit.Unit
	Year   int
	Prev   int
	Next   int
	Total  transparencyMonth
	Months []transparencyMonth
	Late   []lateRow
}

var errTransparencyYear = apperr.New(apperr.Invalid, "invalid_year", "Năm không hợp lệ.")

func (s *Server) transparency(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.Store.UnitByID(ctx, s.HomeUnitID)
	if code := r.URL.Query().Get("unit"); code != "" {
		u, err = s.Store.UnitByCode(ctx, code)
	}
	if err != nil {
		return err
	}
	year := time.Now().In(locale.Zone).Year()
	if v := r.URL.Query().Get("year"); v != "" {
		if year, err = strconv.Atoi(v); err != nil || year < 2015 || year > calendar.MaxYear {
			return errTransparencyYear
		}
	}
	units, err := s.Store.UnitsUnder(ctx, u.ID)
	if err != nil {
		return err
	}
	cal, err := s.Calendars.For(ctx, u.ID)
	if err != nil {
		return err
	}
	from, to := calendar.NewDate(year, time.January, 1), calendar.NewDate(year, time.December, 31)
	resolved, err := s.Store.ResolvedDossiers(ctx, units, from, to)
	if err != nil {
		return err
	}
	days := map[time.Month][2]int64{} // sum of working days, count
	v := transparencyView{Unit: u, Year: year, Prev: year - 1, Next: year + 1}
	var allDays [2]int64
	for _, d := range resolved {
		if n, err := cal.WorkingDaysBetween(d.ReceivedAt, d.ResolvedAt); err == nil {
			m := calendar.DateOf(d.ResolvedAt).Month
			days[m] = [2]int64{days[m][0] + int64(n), days[m][1] + 1}
			allDays = [2]int64{allDays[0] + int64(n), allDays[1] + 1}
		}
		if d.Late {
			v.Late = append(v.Late, lateRow{Code: d.Code, Procedure: d.ProcedureName, Due: appointment(d.DueAt),
				Resolved: appointment(d.ResolvedAt), Apologised: d.Apologised})
		}
	}
	month := func(label string, a, b calendar.Date, sum [2]int64) (transparencyMonth, error) {
		res, err := report.OneStopReport(ctx, s.Store, u, report.Params{From: a.String(), To: b.String()})
		if err != nil {
			return transparencyMonth{}, err
		}
		tm := transparencyMonth{Label: label, Received: res.Received.Online + res.Received.Counter + res.Received.Post,
			Resolved: res.Resolved.Total, OnlineRate: res.OnlineRate, Late: res.Resolved.Late, AverageDays: "—",
			OnTimeRate: report.Percent(res.Resolved.Early+res.Resolved.OnTime, res.Resolved.Total)}
		if sum[1] > 0 {
			tm.AverageDays = oneDecimal(float64(sum[0]) / float64(sum[1]))
		}
		return tm, nil
	}
	for m := time.January; m <= time.December; m++ {
		a := calendar.NewDate(year, m, 1)
		tm, err := month(fmt.Sprintf("%02d/%d", m, year), a, calendar.NewDate(year, m+1, 0), days[m])
		if err != nil {
			return err
		}
		v.Months = append(v.Months, tm)
	}
	if v.Total, err = month("Cả năm", from, to, allDays); err != nil {
		return err
	}
	pairs := make([]monthPair, len(v.Months))
	for i, m := range v.Months {
		pairs[i] = monthPair{Label: m.Label, Received: m.Received, Resolved: m.Resolved}
	}
	v.Chart = monthlyChart("cong-khai-theo-thang", fmt.Sprintf("Hồ sơ tiếp nhận và đã giải quyết theo tháng, năm %d", year), pairs)
	view := s.view(r, "Công khai kết quả giải quyết hồ sơ")
	view.Nav, view.Data = "transparency", v
	return s.views.render(w, http.StatusOK, "transparency", view)
}
