package report

import (
	"context"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/unit"
)

// PeriodStore is what PeriodCounts needs.
type PeriodStore interface {
	UnitsUnder(ctx context.Context, id int64) ([]int64, error)
	// PeriodSums sums the counters of units within from..to only (Sums.Period).
	PeriodSums(ctx context.Context, units []int64, from, to calendar.Date) (Sums, error)
}

// Happened is what happened within a period — dossiers received, resolved, refused… —
// without what was carried over into it or is open at its end, which need the unit's
// whole history (OneStopReport). The leader's dashboard shows many periods of these.
type Happened struct {
	Received, Online       int64 // received in the period, of them electronically
	Resolved               int64 // resolved in the period
	EarlyOrOnTime, Late    int64 // of the resolved
	Refused, Withdrawn     int64
	Returned, Stopped      int64
	OnTimeRate, OnlineRate float64 // percent, one decimal; 0 when nothing to share
}

// PeriodCounts computes Happened for a unit (a province rolls up its communes) over
// from..to, reading only the period's counters.
func PeriodCounts(ctx context.Context, st PeriodStore, u unit.Unit, from, to calendar.Date) (Happened, error) {
	if to.Before(from) {
		return Happened{}, ErrPeriod
	}
	units, err := st.UnitsUnder(ctx, u.ID)
	if err != nil {
		return Happened{}, err
	}
	sums, err := st.PeriodSums(ctx, units, from, to)
	if err != nil {
		return Happened{}, err
	}
	o := Compute(sums) // the period's own figures are the same as the full report's
	h := Happened{
		Received: o.Received.Online + o.Received.Counter + o.Received.Post, Online: o.Received.Online,
		Resolved: o.Resolved.Total, EarlyOrOnTime: o.Resolved.Early + o.Resolved.OnTime, Late: o.Resolved.Late,
		Refused: o.Refused, Withdrawn: o.Withdrawn, Returned: o.Returned, Stopped: o.Stopped,
	}
	h.OnTimeRate = Percent(h.EarlyOrOnTime, h.Resolved)
	h.OnlineRate = o.OnlineRate
	return h, nil
}
