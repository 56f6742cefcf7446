package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"
	"unicode"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The statistics page (Thống kê) of the office: the one-stop report of a unit the user
// may read (a province adds up its communes) for a period, with charts, a breakdown, the
// Decision 766 index and its month-by-month trend, and links to the exports. Its figures
// are the API's (report.OneStopReport, report.IndexReport): docs/STATISTICS.md.

type choice struct {
	Value, Label string
	Selected     bool
}

type link struct {
	Label, URL string
	Current    bool
}

// figure is one line of a summary table: a count and its share of its whole.
type figure struct {
	Label string
	Value int64
	Share string // "26,1%", or "" when a share means nothing
	Class string
}

type figureBlock struct {
	ID, Title string
	Total     int64
	Figures   []figure
	Chart     template.HTML
}

type indicatorRow struct {
	report.Indicator
	Inputs, Rate, Score string
}

type statsView struct {
	Units    []choice
	Bys      []choice
	Unit     unit.Unit
	From, To string
	// FromLabel and ToLabel are the period's dates as Vietnamese write them: 01/01/2021.
	FromLabel, ToLabel string
	By                 report.By
	Presets            []link
	Exports            []link

	Report     *report.Result
	Blocks     []figureBlock
	Others     []figure
	ByLabel    string
	GroupChart template.HTML

	Index      *report.Index
	Indicators []indicatorRow
	Trend      template.HTML
	TrendMax   float64
}

var byLabels = map[report.By]string{report.ByNone: "Không chia", report.ByField: "Theo lĩnh vực",
	report.ByProcedure: "Theo thủ tục", report.ByChannel: "Theo kênh nộp"}

// reportUnits are the units p may read statistics of: those where p has a reporting
// role and, under a province, its communes; every unit for the system administrator.
func (s *Server) reportUnits(r *http.Request, p *auth.Principal) ([]unit.Unit, error) {
	var all []unit.Unit
	for offset := 0; ; offset += 500 {
		us, total, err := s.Store.Units(r.Context(), 500, offset)
		if err != nil {
			return nil, err
		}
		all = append(all, us...)
		if offset+500 >= total {
			break
		}
	}
	return slices.DeleteFunc(all, func(u unit.Unit) bool { return !report.Allowed(p, u) }), nil
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	q := r.URL.Query()
	units, err := s.reportUnits(r, p)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return apperr.ErrForbidden
	}
	v := s.view(r, "Thống kê")
	v.Area, v.Nav = "office", "stats"
	today := calendar.DateOf(time.Now())
	year := report.Presets(today)[2]
	sv := statsView{From: q.Get("from"), To: q.Get("to"), By: report.By(q.Get("by"))}
	if sv.From == "" && sv.To == "" {
		sv.From, sv.To = year.From.String(), year.To.String()
	}
	// The unit: the one asked for, else the user's own (a membership) before the
	// communes under it.
	sv.Unit = units[0]
	for _, m := range p.Memberships {
		if i := slices.IndexFunc(units, func(u unit.Unit) bool { return u.ID == m.UnitID }); i >= 0 {
			sv.Unit = units[i]
			break
		}
	}
	var paramErr error
	if code := q.Get("unit"); code != "" {
		i := slices.IndexFunc(units, func(u unit.Unit) bool { return u.Code == code })
		if i < 0 {
			paramErr = errStatsUnit
		} else {
			sv.Unit = units[i]
		}
	}
	for _, u := range units {
		sv.Units = append(sv.Units, choice{u.Code, u.Name, u.ID == sv.Unit.ID})
	}
	for _, b := range []report.By{report.ByNone, report.ByField, report.ByProcedure, report.ByChannel} {
		sv.Bys = append(sv.Bys, choice{string(b), byLabels[b], b == sv.By})
	}
	query := func(from, to string, by report.By, extra url.Values) string {
		u := url.Values{"unit": {sv.Unit.Code}, "from": {from}, "to": {to}}
		if by != "" {
			u.Set("by", string(by))
		}
		for k, vs := range extra {
			u[k] = vs
		}
		return u.Encode()
	}
	for _, pr := range report.Presets(today) {
		sv.Presets = append(sv.Presets, link{pr.Label, "/office/thong-ke?" + query(pr.From.String(), pr.To.String(), sv.By, nil),
			pr.From.String() == sv.From && pr.To.String() == sv.To})
	}
	status := http.StatusOK
	if paramErr == nil {
		paramErr = s.fillStats(r, &sv)
	}
	if paramErr != nil {
		e := apperr.From(paramErr)
		if e.Kind == apperr.Internal || e.Kind == apperr.Unavailable {
			return paramErr
		}
		v.Error, status = e.Message, e.Kind.HTTPStatus()
		if errors.Is(paramErr, report.ErrPeriod) {
			v.Error = errStatsPeriod
		}
	} else {
		for _, f := range []struct{ label, format string }{{"Tải bảng tính (XLSX)", "xlsx"}, {"Tải CSV", "csv"}, {"Tải báo cáo PDF", "pdf"}} {
			sv.Exports = append(sv.Exports, link{Label: f.label, URL: "/api/v1/reports/one-stop?" + query(sv.From, sv.To, sv.By, url.Values{"format": {f.format}})})
		}
	}
	v.Data = sv
	return s.views.render(w, status, "stats", v)
}

// errStatsPeriod says report.ErrPeriod in the words of the page's form.
const errStatsPeriod = "Kỳ báo cáo không hợp lệ: cần ngày đầu và ngày cuối (năm 1900–2199), ngày đầu không được sau ngày cuối."

var errStatsUnit = apperr.New(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị này trong các đơn vị bạn được xem thống kê.")

// fillStats computes the report and the index of sv's unit and period.
func (s *Server) fillStats(r *http.Request, sv *statsView) error {
	ctx := r.Context()
	params := report.Params{From: sv.From, To: sv.To, By: sv.By}
	res, err := report.OneStopReport(ctx, s.Store, sv.Unit, params)
	if err != nil {
		return err
	}
	params.By, params.Today = "", calendar.DateOf(s.Dossiers.Now())
	idx, err := report.IndexReport(ctx, s.Store, sv.Unit, params)
	if err != nil {
		return err
	}
	sv.Report, sv.Index = &res, &idx
	from, _ := calendar.ParseDate(res.From)
	to, _ := calendar.ParseDate(res.To)
	sv.FromLabel, sv.ToLabel = locale.Day(from.Time()), locale.Day(to.Time())
	o := res.OneStop
	share := func(part, whole int64) string {
		if whole == 0 {
			return ""
		}
		return oneDecimal(report.Percent(part, whole)) + "%"
	}
	block := func(id, title string, total int64, figs []figure) figureBlock {
		bars := make([]bar, len(figs))
		for i, f := range figs {
			sh := -1.0
			if f.Share != "" {
				sh = report.Percent(f.Value, total)
			}
			bars[i] = bar{Label: f.Label, Value: f.Value, Share: sh, Class: f.Class}
		}
		return figureBlock{ID: id, Title: title, Total: total, Figures: figs, Chart: barChart(id, title, bars)}
	}
	newly := o.Received.Online + o.Received.Counter + o.Received.Post
	sv.Blocks = []figureBlock{
		block("tiep-nhan", "Hồ sơ tiếp nhận", o.Received.Total, []figure{
			{"Trực tuyến", o.Received.Online, share(o.Received.Online, newly), "online"},
			{"Trực tiếp", o.Received.Counter, share(o.Received.Counter, newly), "counter"},
			{"Bưu chính", o.Received.Post, share(o.Received.Post, newly), "post"},
			{"Kỳ trước chuyển sang", o.Received.CarriedOver, "", "carried"},
		}),
		block("da-giai-quyet", "Hồ sơ đã giải quyết", o.Resolved.Total, []figure{
			{"Trước hạn", o.Resolved.Early, share(o.Resolved.Early, o.Resolved.Total), "early"},
			{"Đúng hạn", o.Resolved.OnTime, share(o.Resolved.OnTime, o.Resolved.Total), "on-time"},
			{"Quá hạn", o.Resolved.Late, share(o.Resolved.Late, o.Resolved.Total), "late"},
		}),
		block("dang-giai-quyet", "Hồ sơ đang giải quyết cuối kỳ", o.InProgress.Total, []figure{
			{"Trong hạn", o.InProgress.WithinDeadline, share(o.InProgress.WithinDeadline, o.InProgress.Total), "within"},
			{"Quá hạn", o.InProgress.Overdue, share(o.InProgress.Overdue, o.InProgress.Total), "overdue"},
		}),
	}
	// The online share is of the dossiers received in the period, carried-over ones
	// aside, as the report's online_rate; the chart says the same.
	sv.Others = []figure{
		{Label: "Chờ bổ sung cuối kỳ", Value: o.SupplementWaiting},
		{Label: "Rút hồ sơ", Value: o.Withdrawn},
		{Label: "Từ chối", Value: o.Refused},
		{Label: "Dừng giải quyết", Value: o.Stopped},
		{Label: "Đã trả kết quả", Value: o.Returned},
	}
	if res.By != report.ByNone {
		sv.ByLabel = map[report.By]string{report.ByField: "Lĩnh vực", report.ByProcedure: "Thủ tục", report.ByChannel: "Kênh nộp"}[res.By]
		var bars []bar
		for i, g := range res.Groups {
			if i == 12 {
				break
			}
			bars = append(bars, bar{Label: shorten(g.Label, 40), Value: g.Received.Total, Share: -1, Class: "neutral"})
		}
		title := "Hồ sơ tiếp nhận " + lowerFirst(byLabels[res.By])
		if len(res.Groups) > 12 {
			title += " (12 nhóm nhiều nhất)"
		}
		sv.GroupChart = barChart("theo-nhom", title, bars)
	}
	for _, ind := range idx.Indicators {
		row := indicatorRow{Indicator: ind}
		if ind.Score != nil {
			row.Inputs = ind.Note // a composite indicator tells its inputs
			if ind.Numerator != nil {
				row.Inputs = count(*ind.Numerator) + " / " + count(*ind.Denominator)
			}
			row.Rate = twoDecimals(*ind.Rate) + "%"
			row.Score = points(*ind.Score)
		}
		sv.Indicators = append(sv.Indicators, row)
	}
	var pts []point
	for _, m := range idx.Months {
		if m.Empty || m.Computable == 0 {
			continue // nothing measured: "—" in the table, no bar
		}
		pts = append(pts, point{m.Label, m.Earned})
		sv.TrendMax = max(sv.TrendMax, m.Computable)
	}
	if sv.TrendMax == 0 {
		sv.TrendMax = 100
	}
	sv.Trend = trendChart("chi-so-theo-thang", "Điểm Chỉ số 766 theo tháng, trên tối đa "+oneDecimal(sv.TrendMax)+" điểm tính được", sv.TrendMax, pts)
	return nil
}

// twoDecimals writes a rate of the 766 index the Vietnamese way: 77,78.
func twoDecimals(f float64) string { return locale.Decimal(f, 2) }

// points writes an indicator's points with up to two decimals, the Vietnamese way: 5,5
// or 7,33.
func points(f float64) string { return locale.Decimal(round2(f), -1) }

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}
