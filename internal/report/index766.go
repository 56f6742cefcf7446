package report

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The Decision 766 service index (Bộ chỉ số phục vụ người dân, doanh nghiệp): 100
// points in five groups. The indicators, their points and their thresholds are data
// (index766.json), not code, because the table is partly unconfirmed and may change.
//
//go:embed index766.json
var index766JSON []byte

// IndicatorDef is one indicator of the table.
type IndicatorDef struct {
	ID     string  `json:"id"`
	Group  string  `json:"group"`
	Name   string  `json:"name"`
	Points float64 `json:"points"`
	FullAt float64 `json:"full_at"` // rate (percent) at which the indicator earns all its points
}

// Definitions returns the indicator table.
func Definitions() (source string, defs []IndicatorDef, err error) {
	var t struct {
		Source     string         `json:"source"`
		Indicators []IndicatorDef `json:"indicators"`
	}
	if err := json.Unmarshal(index766JSON, &t); err != nil {
		return "", nil, fmt.Errorf("report: index766.json: %w", err)
	}
	return t.Source, t.Indicators, nil
}

// Indicator is one indicator's result. Points is nil when xaso cannot compute it yet:
// never a made-up value.
type Indicator struct {
	IndicatorDef
	Numerator   *int64   `json:"numerator"`
	Denominator *int64   `json:"denominator"`
	Rate        *float64 `json:"rate"`
	Score       *float64 `json:"score"`
	Note        string   `json:"note,omitempty"`
}

// IndexPeriod is the index over one period (the whole, or a month of the trend).
type IndexPeriod struct {
	From, To   string      `json:"-"`
	Label      string      `json:"label"`
	Total      float64     `json:"total"`      // points earned by the computable indicators
	Computable float64     `json:"computable"` // the points those indicators can earn
	Indicators []Indicator `json:"indicators,omitempty"`
}

// Index is the service index of a unit for a period, with its month-by-month trend.
type Index struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	From     string `json:"from"`
	To       string `json:"to"`
	Source   string `json:"source"`
	IndexPeriod
	Months []IndexPeriod `json:"months"`
}

// CatalogStats are counts of a unit's procedures in force.
type CatalogStats struct {
	Procedures int64 // in force
	Complete   int64 // with every part published: legal time, papers, fees stated, legal basis, result
	Online     int64 // offered online (fully or partly)
}

// IndexStore is what the index needs besides Store.
type IndexStore interface {
	CatalogStats(ctx context.Context, units []int64) (CatalogStats, error)
	// OnlinePayments counts the dossiers of units billed on the local days from..to (a
	// payment request created then and not cancelled) and those of them paid online
	// (by bank transfer, confirmed by the bank's notification or statement).
	OnlinePayments(ctx context.Context, units []int64, from, to calendar.Date) (billed, paidOnline int64, err error)
	// Ratings counts the citizens' ratings given on the local days from..to, and those
	// of them dissatisfied.
	Ratings(ctx context.Context, units []int64, from, to calendar.Date) (given, dissatisfied int64, err error)
	// ElectronicResults counts the dossiers of units resolved on the local days from..to
	// that have a signed electronic result in the register of issued documents.
	ElectronicResults(ctx context.Context, units []int64, from, to calendar.Date) (int64, error)
}

// notYet explains an indicator xaso has no data for.
var notYet = map[string]string{
	"transparency.published_on_time": "xaso chưa ghi nhận ngày công bố thủ tục so với ngày văn bản có hiệu lực",
	"transparency.synced":            "chưa có kết nối đồng bộ với Cổng Dịch vụ công quốc gia",
	"progress.average_time":          "chưa có chuẩn so sánh thời gian trung bình theo thủ tục",
	"digitisation.digitised":         "chưa ghi nhận số hóa thành phần hồ sơ",
	"digitisation.reused":            "chưa ghi nhận tái sử dụng giấy tờ đã số hóa",
	"online.payable":                 "chưa ghi nhận thủ tục có phí nào được đánh dấu thanh toán trực tuyến được",
	"satisfaction.feedback":          "chưa có chức năng phản ánh, kiến nghị",
}

// IndexReport computes the index of a unit (a province rolls up its communes) over a
// period and each of its months.
func IndexReport(ctx context.Context, st interface {
	Store
	IndexStore
}, u unit.Unit, p Params) (Index, error) {
	from, to, err := p.Check()
	if err != nil {
		return Index{}, err
	}
	source, defs, err := Definitions()
	if err != nil {
		return Index{}, err
	}
	units, err := st.UnitsUnder(ctx, u.ID)
	if err != nil {
		return Index{}, err
	}
	cat, err := st.CatalogStats(ctx, units)
	if err != nil {
		return Index{}, err
	}
	period := func(a, b calendar.Date, label string) (IndexPeriod, error) {
		sums, err := st.ReportSums(ctx, units, a, b, func(string, dossier.Channel) string { return "" })
		if err != nil {
			return IndexPeriod{}, err
		}
		billed, paid, err := st.OnlinePayments(ctx, units, a, b)
		if err != nil {
			return IndexPeriod{}, err
		}
		given, dissatisfied, err := st.Ratings(ctx, units, a, b)
		if err != nil {
			return IndexPeriod{}, err
		}
		eResults, err := st.ElectronicResults(ctx, units, a, b)
		if err != nil {
			return IndexPeriod{}, err
		}
		return score(defs, sums[""], cat, [2]int64{paid, billed}, [2]int64{dissatisfied, given}, eResults, label), nil
	}
	whole, err := period(from, to, from.String()+" – "+to.String())
	if err != nil {
		return Index{}, err
	}
	idx := Index{Unit: u.Code, UnitName: u.Name, From: from.String(), To: to.String(), Source: source, IndexPeriod: whole}
	for m := calendar.NewDate(from.Year, from.Month, 1); !m.After(to); m = calendar.NewDate(m.Year, m.Month+1, 1) {
		a, b := m, calendar.NewDate(m.Year, m.Month+1, 0)
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		mp, err := period(a, b, fmt.Sprintf("%02d/%d", int(m.Month), m.Year))
		if err != nil {
			return Index{}, err
		}
		mp.Indicators = nil // the trend shows totals; the indicators are the whole period's
		idx.Months = append(idx.Months, mp)
	}
	return idx, nil
}

func score(defs []IndicatorDef, s Sums, cat CatalogStats, paid, ratings [2]int64, eResults int64, label string) IndexPeriod {
	if s.Period == nil {
		s = NewSums()
	}
	r := Compute(s)
	received := r.Received.Online + r.Received.Counter + r.Received.Post
	resolved := r.Resolved.Total
	onTime := r.Resolved.Early + r.Resolved.OnTime - s.period(dossier.MeasureResolvedResupplied)
	inputs := map[string][2]int64{
		"transparency.published_complete": {cat.Complete, cat.Procedures},
		"progress.on_time":                {onTime, resolved},
		"online.procedures":               {cat.Online, cat.Procedures},
		"online.dossiers":                 {r.Received.Online, received},
		"online.paid":                     paid,
		"digitisation.e_results":          {eResults, resolved},
	}
	out := IndexPeriod{Label: label}
	for _, d := range defs {
		ind := Indicator{IndicatorDef: d}
		in, ok := inputs[d.ID]
		if d.ID == "satisfaction.rate" {
			satisfaction(&ind, &out, resolved, resolved-onTime, ratings)
			out.Indicators = append(out.Indicators, ind)
			continue
		}
		switch {
		case !ok:
			ind.Note = notYet[d.ID]
		case in[1] == 0:
			ind.Note = "không có dữ liệu trong kỳ"
		default:
			num, den := in[0], in[1]
			rate := Percent(num, den)
			pts := math.Round(d.Points*math.Min(1, rate/d.FullAt)*100) / 100
			ind.Numerator, ind.Denominator, ind.Rate, ind.Score = &num, &den, &rate, &pts
			out.Total += pts
			out.Computable += d.Points
		}
		out.Indicators = append(out.Indicators, ind)
	}
	out.Total = math.Round(out.Total*100) / 100
	out.Computable = math.Round(out.Computable*100) / 100
	return out
}

// satisfaction scores "100% − (late rate + dissatisfied rate)": late of the dossiers
// resolved in the period (the 766 rule: more than one supplement request is late),
// dissatisfied of the ratings given in it. It is not one ratio, so its inputs are told in
// the note and numerator and denominator stay empty.
func satisfaction(ind *Indicator, out *IndexPeriod, resolved, late int64, ratings [2]int64) {
	dissatisfied, given := ratings[0], ratings[1]
	switch {
	case resolved == 0:
		ind.Note = "không có hồ sơ giải quyết xong trong kỳ"
		return
	case given == 0:
		ind.Note = "chưa có đánh giá nào của người dân trong kỳ"
		return
	}
	lateRate, dissRate := Percent(late, resolved), Percent(dissatisfied, given)
	rate := math.Round(math.Max(0, 100-lateRate-dissRate)*10) / 10
	pts := math.Round(ind.Points*math.Min(1, rate/ind.FullAt)*100) / 100
	ind.Rate, ind.Score = &rate, &pts
	comma := func(f float64) string { return strings.Replace(strconv.FormatFloat(f, 'f', 1, 64), ".", ",", 1) }
	ind.Note = fmt.Sprintf("trễ hạn %d/%d hồ sơ (%s%%), không hài lòng %d/%d đánh giá (%s%%)", late, resolved, comma(lateRate),
		dissatisfied, given, comma(dissRate))
	out.Total += pts
	out.Computable += ind.Points
}
