package report

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
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
	Code   string  `json:"code,omitempty"` // its number in the formula description, where known
	Group  string  `json:"group"`
	Name   string  `json:"name"`
	Points float64 `json:"points"`
	FullAt float64 `json:"full_at"` // rate (percent) at which the indicator earns all its points
	// Unconfirmed marks points (or a threshold) no primary or secondary text gives:
	// the group's points split equally.
	Unconfirmed  bool   `json:"unconfirmed"`
	PointsSource string `json:"points_source,omitempty"`
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

// Indicator is one indicator's result. Rate and Score are nil when xaso cannot compute
// it (never a made-up value) or the period has nothing to divide ("—", never 0%).
type Indicator struct {
	IndicatorDef
	Numerator   *int64   `json:"numerator"`
	Denominator *int64   `json:"denominator"`
	Rate        *float64 `json:"rate"` // percent, two decimals
	Score       *float64 `json:"score"`
	// Computable is false for an indicator xaso has no data for yet (Note says why);
	// a computable one may still have no rate in a period with nothing to divide.
	Computable bool   `json:"computable"`
	Note       string `json:"note,omitempty"`
}

// IndexPeriod is the index over one period (the whole, or a month of the trend).
// Earned, Computable and OutOf are shown apart, so that "24 / 100" never reads as a
// failing unit when only 30 points could be computed.
type IndexPeriod struct {
	From, To   string      `json:"-"`
	Label      string      `json:"label"`
	Total      float64     `json:"total"`      // points earned: the same as Earned, kept for existing readers
	Earned     float64     `json:"earned"`     // points earned by the indicators computed in the period
	Computable float64     `json:"computable"` // the points those indicators can earn
	OutOf      float64     `json:"out_of"`     // 100: the whole index
	Empty      bool        `json:"empty"`      // nothing to measure (a month without dossiers, or after today): shown "—"
	Indicators []Indicator `json:"indicators,omitempty"`
	// AverageTimes are indicator 2.2's averages, one per procedure with finished
	// dossiers received in the period (the whole period only, not the months).
	AverageTimes []AverageTime `json:"average_times,omitempty"`
}

// Index is the service index of a unit for a period, with its month-by-month trend.
type Index struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	From     string `json:"from"`
	To       string `json:"to"`
	// MeasuredTo is the day the period is measured to: its last day, or today when it
	// ends later (open dossiers are judged on that day).
	MeasuredTo string `json:"measured_to"`
	Source     string `json:"source"`
	IndexPeriod
	Months []IndexPeriod `json:"months"`
}

// CatalogStats are counts of a unit's procedures in force.
type CatalogStats struct {
	Procedures int64 // in force
	Complete   int64 // with every part published: legal time, papers, fees stated, legal basis, result
	Online     int64 // offered online (fully or partly)
}

// FeedbackStats are the counts of citizens' feedback (phản ánh, kiến nghị) the
// satisfaction indicators need, over a period measured to its last day X.
type FeedbackStats struct {
	Filed   int64 // filed in the period
	OnTime  int64 // of those, answered by their deadline, or unanswered and not past it on X
	Unhappy int64 // of those, answered late, unanswered past their deadline on X, or whose answer the citizen was dissatisfied with
}

// History is a dossier and its events, oldest first.
type History struct {
	Dossier dossier.Dossier
	Events  []dossier.Event
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
	// DigitisedResults counts, of those, the ones with at least one paper digitised at
	// the counter (dossier_files.digitised).
	DigitisedResults(ctx context.Context, units []int64, from, to calendar.Date) (int64, error)
	// FeedbackStats counts the feedback filed on the local days from..to, measured on to.
	FeedbackStats(ctx context.Context, units []int64, from, to calendar.Date) (FeedbackStats, error)
	// Unhappy returns the dossiers of units given a "không hài lòng" rating, or about
	// which feedback was filed, on the local days from..to, with their histories.
	Unhappy(ctx context.Context, units []int64, from, to calendar.Date) ([]History, error)
	// ProcessingTimes sums, per procedure and unit of time, the processing times of the
	// dossiers of units received on the local days from..to and ended by the end of to.
	ProcessingTimes(ctx context.Context, units []int64, from, to calendar.Date) ([]ProcessingSum, error)
}

// ProcessingSum is the processing time of a procedure's finished dossiers (indicator
// 2.2): how many, and their total in hundredths of the procedure's unit.
type ProcessingSum struct {
	Procedure string
	Name      string
	Unit      catalog.DurationUnit
	Limit     int // the legal limit in Unit
	Finished  int64
	Total     int64 // hundredths of Unit
}

// AverageTime is one procedure's average processing time over a period (indicator
// 2.2): of its dossiers received in the period and finished, in its own unit.
type AverageTime struct {
	Procedure string               `json:"procedure"`
	Name      string               `json:"name"`
	Unit      catalog.DurationUnit `json:"unit"`       // hours, days (working days) or calendar_days
	UnitLabel string               `json:"unit_label"` // "giờ làm việc", "ngày làm việc", "ngày"
	Average   float64              `json:"average"`    // two decimals
	// LegalLimit is the procedure's legal time limit in Unit.
	LegalLimit int   `json:"legal_limit"`
	Finished   int64 `json:"finished"`
	Within     bool  `json:"within_limit"` // the average is not above the limit
}

// UnitLabel names a unit of time on screen.
func UnitLabel(u catalog.DurationUnit) string {
	switch u {
	case catalog.Hours:
		return "giờ làm việc"
	case catalog.CalendarDays:
		return "ngày"
	}
	return "ngày làm việc"
}

// AverageTimes turns the sums into each procedure's average, in order of procedure.
func AverageTimes(sums []ProcessingSum) []AverageTime {
	var out []AverageTime
	for _, s := range sums {
		if s.Finished == 0 {
			continue
		}
		avg := math.Round(float64(s.Total)/float64(s.Finished)) / 100
		out = append(out, AverageTime{Procedure: s.Procedure, Name: s.Name, Unit: s.Unit, UnitLabel: UnitLabel(s.Unit), Average: avg,
			LegalLimit: s.Limit, Finished: s.Finished, Within: avg <= float64(s.Limit)})
	}
	return out
}

// notYet explains an indicator xaso has no data for.
var notYet = map[string]string{
	"transparency.published_on_time": "Xã số chưa ghi nhận ngày công bố thủ tục so với ngày văn bản có hiệu lực",
	"transparency.publicised":        "Xã số chưa ghi nhận ngày công khai thủ tục so với ngày quyết định công bố",
	"transparency.synced":            "chưa có kết nối đồng bộ với Cổng Dịch vụ công quốc gia",
	"digitisation.reused":            "chưa tính được: cần kết nối kho dữ liệu điện tử và Cổng Dịch vụ công quốc gia để tái sử dụng giấy tờ đã số hóa",
	"online.payable":                 "chưa ghi nhận thủ tục có phí nào được đánh dấu thanh toán trực tuyến được",
}

// IndexReport computes the index of a unit (a province rolls up its communes) over a
// period and each of its months. A period that ends after today is measured to today
// (p.Today, or the current local date); months wholly after today are empty.
func IndexReport(ctx context.Context, st interface {
	Store
	IndexStore
}, u unit.Unit, p Params) (Index, error) {
	from, to, err := p.Check()
	if err != nil {
		return Index{}, err
	}
	today := p.Today
	if today == (calendar.Date{}) {
		today = calendar.DateOf(time.Now())
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
		if b.After(today) {
			b = today
		}
		if b.Before(a) {
			return IndexPeriod{Label: label, OutOf: 100, Empty: true}, nil
		}
		var in inputs
		in.cat = cat
		sums, err := st.ReportSums(ctx, units, a, b, func(string, dossier.Channel) string { return "" })
		if err != nil {
			return IndexPeriod{}, err
		}
		in.sums = sums[""]
		if in.billed, in.paidOnline, err = st.OnlinePayments(ctx, units, a, b); err != nil {
			return IndexPeriod{}, err
		}
		if in.ratings, in.dissatisfied, err = st.Ratings(ctx, units, a, b); err != nil {
			return IndexPeriod{}, err
		}
		if in.eResults, err = st.ElectronicResults(ctx, units, a, b); err != nil {
			return IndexPeriod{}, err
		}
		if in.digitised, err = st.DigitisedResults(ctx, units, a, b); err != nil {
			return IndexPeriod{}, err
		}
		if in.feedback, err = st.FeedbackStats(ctx, units, a, b); err != nil {
			return IndexPeriod{}, err
		}
		times, err := st.ProcessingTimes(ctx, units, a, b)
		if err != nil {
			return IndexPeriod{}, err
		}
		in.times = AverageTimes(times)
		unhappy, err := st.Unhappy(ctx, units, a, b)
		if err != nil {
			return IndexPeriod{}, err
		}
		// Dossiers with a complaint or a dissatisfied rating that indicator 2.1 does
		// not count late already: 5.4 subtracts each dossier once.
		for _, h := range unhappy {
			if counted, onTime := dossier.Standing766(h.Dossier, h.Events, a, b); counted && onTime {
				in.unhappyOnTime++
			}
		}
		return score(defs, in, label), nil
	}
	whole, err := period(from, to, from.String()+" – "+to.String())
	if err != nil {
		return Index{}, err
	}
	measured := to
	if measured.After(today) {
		measured = today
	}
	idx := Index{Unit: u.Code, UnitName: u.Name, From: from.String(), To: to.String(), MeasuredTo: measured.String(), Source: source, IndexPeriod: whole}
	for m := calendar.NewDate(from.Year, from.Month, 1); !p.WholeOnly && !m.After(to); m = calendar.NewDate(m.Year, m.Month+1, 1) {
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
		mp.Indicators, mp.AverageTimes = nil, nil // the trend shows totals; the indicators are the whole period's
		idx.Months = append(idx.Months, mp)
	}
	return idx, nil
}

// inputs are what one period's indicators are computed from.
type inputs struct {
	sums                  Sums
	cat                   CatalogStats
	billed, paidOnline    int64
	ratings, dissatisfied int64
	eResults, digitised   int64
	feedback              FeedbackStats
	unhappyOnTime         int64 // dossiers on time by 2.1 with a complaint or a dissatisfied rating
	times                 []AverageTime
}

// AverageTime766 is indicator 2.2's ratio: of the procedures with finished dossiers
// received in the period, those whose average processing time is within their legal
// limit. UNCONFIRMED scoring (docs/STATISTICS.md): the formula description gives the
// average per procedure, not how it earns points.
func AverageTime766(times []AverageTime) (within, procedures int64) {
	for _, t := range times {
		procedures++
		if t.Within {
			within++
		}
	}
	return within, procedures
}

// OnTime766 is indicator 2.1 from a period's sums: the dossiers received in the period
// or carried over into it (the denominator), and of them those whose end of processing
// met the appointment — ended on time in the period (end_on_time), or open at its end
// and not late then (open minus the late_open_from − late_open_until still running,
// plus the open ones judged from their rows).
func OnTime766(s Sums) (onTime, all int64) {
	r := Compute(s)
	all = r.Received.Online + r.Received.Counter + r.Received.Post + r.Received.CarriedOver
	openLate := s.Through[dossier.MeasureLateFrom] - s.Through[dossier.MeasureLateUntil] + s.OpenLate
	onTime = s.period(dossier.MeasureEndOnTime) + r.InProgress.Total - openLate
	return onTime, all
}

func score(defs []IndicatorDef, in inputs, label string) IndexPeriod {
	s := in.sums
	if s.Period == nil {
		s = NewSums()
	}
	r := Compute(s)
	received := r.Received.Online + r.Received.Counter + r.Received.Post
	resolved := r.Resolved.Total
	onTime, all := OnTime766(s)
	within, procs := AverageTime766(in.times)
	cat, fb := in.cat, in.feedback
	ratios := map[string][2]int64{
		"transparency.published_complete": {cat.Complete, cat.Procedures},
		"progress.on_time":                {onTime, all},
		"progress.average_time":           {within, procs},
		"online.procedures":               {cat.Online, cat.Procedures},
		"online.dossiers":                 {r.Received.Online, received},
		"online.paid":                     {in.paidOnline, in.billed},
		"digitisation.e_results":          {in.eResults, resolved},
		"digitisation.digitised":          {in.digitised, resolved},
		"satisfaction.feedback":           {fb.OnTime, fb.Filed},
		"satisfaction.feedback_rate":      {fb.Filed - fb.Unhappy, fb.Filed},
	}
	out := IndexPeriod{Label: label, OutOf: 100, Empty: all == 0 && received == 0 && fb.Filed == 0, AverageTimes: in.times}
	for _, d := range defs {
		ind := Indicator{IndicatorDef: d}
		in2, ok := ratios[d.ID]
		switch {
		case d.ID == "satisfaction.rate":
			ind.Computable = true
			satisfaction(&ind, all, all-onTime, in.unhappyOnTime, in.dissatisfied, in.ratings)
		case !ok:
			ind.Note = notYet[d.ID]
		default:
			ind.Computable = true
			num, den := in2[0], in2[1]
			ind.Numerator, ind.Denominator = &num, &den
			if den == 0 {
				ind.Note = "không có dữ liệu trong kỳ"
				break
			}
			rate := Percent2(num, den)
			ind.Rate = &rate
		}
		if ind.Rate != nil {
			pts := math.Round(d.Points*math.Min(1, *ind.Rate/d.FullAt)*100) / 100
			ind.Score = &pts
			out.Earned += pts
			out.Computable += d.Points
		}
		out.Indicators = append(out.Indicators, ind)
	}
	out.Earned = math.Round(out.Earned*100) / 100
	out.Total = out.Earned
	out.Computable = math.Round(out.Computable*100) / 100
	return out
}

// satisfaction is indicator 5.4: 100% − (late rate + share of dossiers with a complaint
// or a dissatisfied rating), both of the dossiers of indicator 2.1; a dossier both late
// and unhappy is subtracted once (the decision counts dossiers). It is not one ratio,
// so its inputs are told in the note; numerator and denominator stay empty.
func satisfaction(ind *Indicator, all, late, unhappy, dissatisfied, ratings int64) {
	if all == 0 {
		ind.Note = "không có hồ sơ trong kỳ"
		return
	}
	lateRate, unhappyRate := Percent2(late, all), Percent2(unhappy, all)
	rate := math.Round(math.Max(0, 100-lateRate-unhappyRate)*100) / 100
	ind.Rate = &rate
	ind.Note = fmt.Sprintf("trễ hạn %d/%d hồ sơ (%s%%), có phản ánh hoặc không hài lòng mà không trễ hạn %d/%d (%s%%); %d/%d đánh giá không hài lòng",
		late, all, comma2(lateRate), unhappy, all, comma2(unhappyRate), dissatisfied, ratings)
}

func comma2(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', 2, 64), ".", ",", 1)
}

// Percent2 is a share in percent with two decimals (the 766 index's precision), 0 when
// there is nothing to share.
func Percent2(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)*10000/float64(whole)) / 100
}
