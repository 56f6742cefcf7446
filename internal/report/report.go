// Package report computes the statistics of the one-stop shop (báo cáo thống kê) from the
// counters that every dossier transition keeps (dossier.EventCounts). It is pure: the
// store sums counters over a bounded number of rows; this package turns the sums into
// the report's figures and rates, as docs/STATISTICS.md defines them.
package report

import (
	"math"

	"github.com/xaso-vn/xaso/internal/dossier"
)

// Sums are counter totals for one group (a unit, a field, a procedure or a channel):
// within the period, before it (since the beginning), and through its last day, each
// by measure and channel.
type Sums struct {
	Period  map[dossier.Measure]map[dossier.Channel]int64
	Before  map[dossier.Measure]int64
	Through map[dossier.Measure]int64
	// OpenOverdue counts dossiers open now, received by the period's end, whose
	// appointment date was before its last day (the part of "overdue" that counters of
	// finished dossiers cannot know yet).
	OpenOverdue int64
	// OpenLate counts dossiers open at the end of the period's last day, in the span of
	// their history they are in now (it began by that day), and late then by indicator
	// 2.1 of Decision 766 (dossier.Span.LateOn): the part of "open and late" the
	// late_open_from/late_open_until counters of the spans already ended cannot know.
	OpenLate int64
}

// NewSums returns empty sums.
func NewSums() Sums {
	return Sums{Period: map[dossier.Measure]map[dossier.Channel]int64{}, Before: map[dossier.Measure]int64{}, Through: map[dossier.Measure]int64{}}
}

// AddPeriod adds n to a measure of a channel within the period.
func (s Sums) AddPeriod(m dossier.Measure, ch dossier.Channel, n int64) {
	if s.Period[m] == nil {
		s.Period[m] = map[dossier.Channel]int64{}
	}
	s.Period[m][ch] += n
}

func (s Sums) period(m dossier.Measure) int64 {
	var n int64
	for _, v := range s.Period[m] {
		n += v
	}
	return n
}

// Received are the dossiers received in the period, and those carried over from before.
type Received struct {
	Total       int64 `json:"total"`
	Online      int64 `json:"online"`
	Counter     int64 `json:"counter"`
	Post        int64 `json:"post"`
	CarriedOver int64 `json:"carried_over"`
}

// Resolved are the dossiers resolved in the period by timeliness.
type Resolved struct {
	Total  int64 `json:"total"`
	Early  int64 `json:"early"`
	OnTime int64 `json:"on_time"`
	Late   int64 `json:"late"`
}

// InProgress are the dossiers open at the end of the period.
type InProgress struct {
	Total          int64 `json:"total"`
	WithinDeadline int64 `json:"within_deadline"`
	Overdue        int64 `json:"overdue"`
}

// OneStop is the one-stop report of one group; field names are stable API.
type OneStop struct {
	Received          Received   `json:"received"`
	Resolved          Resolved   `json:"resolved"`
	InProgress        InProgress `json:"in_progress"`
	SupplementWaiting int64      `json:"supplement_waiting"`
	Withdrawn         int64      `json:"withdrawn"`
	Refused           int64      `json:"refused"`
	Stopped           int64      `json:"stopped"`
	Returned          int64      `json:"returned"`
	OnlineRate        float64    `json:"online_rate"`
	EarlyRate         float64    `json:"early_rate"`
	OnTimeRate        float64    `json:"on_time_rate"`
	LateRate          float64    `json:"late_rate"`
}

var ended = []dossier.Measure{dossier.MeasureRefused, dossier.MeasureStopped, dossier.MeasureWithdrawn}
var resolvedAll = []dossier.Measure{dossier.MeasureResolvedEarly, dossier.MeasureResolvedOnTime, dossier.MeasureResolvedLate}

func sum(m map[dossier.Measure]int64, ms ...dossier.Measure) int64 {
	var n int64
	for _, x := range ms {
		n += m[x]
	}
	return n
}

// Compute turns sums into the report.
func Compute(s Sums) OneStop {
	var r OneStop
	for ch, n := range s.Period[dossier.MeasureReceived] {
		switch {
		case ch.Electronic():
			r.Received.Online += n
		case ch == dossier.ChannelPost:
			r.Received.Post += n
		default:
			r.Received.Counter += n
		}
	}
	open := func(m map[dossier.Measure]int64) int64 {
		return m[dossier.MeasureReceived] - sum(m, resolvedAll...) - sum(m, ended...)
	}
	r.Received.CarriedOver = open(s.Before)
	r.Received.Total = r.Received.Online + r.Received.Counter + r.Received.Post + r.Received.CarriedOver
	r.Resolved.Early = s.period(dossier.MeasureResolvedEarly)
	r.Resolved.OnTime = s.period(dossier.MeasureResolvedOnTime)
	r.Resolved.Late = s.period(dossier.MeasureResolvedLate)
	r.Resolved.Total = r.Resolved.Early + r.Resolved.OnTime + r.Resolved.Late
	r.InProgress.Total = open(s.Through)
	r.InProgress.Overdue = s.Through[dossier.MeasureOverdueFrom] - s.Through[dossier.MeasureOverdueUntil] + s.OpenOverdue
	r.InProgress.WithinDeadline = r.InProgress.Total - r.InProgress.Overdue
	r.SupplementWaiting = s.Through[dossier.MeasureSupplementRequested] - s.Through[dossier.MeasureSupplementClosed]
	r.Withdrawn = s.period(dossier.MeasureWithdrawn)
	r.Refused = s.period(dossier.MeasureRefused)
	r.Stopped = s.period(dossier.MeasureStopped)
	r.Returned = s.period(dossier.MeasureReturned)
	r.OnlineRate = Percent(r.Received.Online, r.Received.Online+r.Received.Counter+r.Received.Post)
	r.EarlyRate = Percent(r.Resolved.Early, r.Resolved.Total)
	r.OnTimeRate = Percent(r.Resolved.OnTime, r.Resolved.Total)
	r.LateRate = Percent(r.Resolved.Late, r.Resolved.Total)
	return r
}

// Percent is a share in percent with one decimal, 0 when there is nothing to share.
func Percent(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}
