package store

import (
	"context"
	"database/sql"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/report"
)

// PeriodSums sums only what the counters of units record within from..to (inclusive
// local dates): Sums.Period, no Before or Through, no open dossiers. It reads the
// period's months and days, never the history before it, so a page that shows many
// periods (the leader's twelve months) costs the same after years of use.
func (s *Store) PeriodSums(ctx context.Context, units []int64, from, to calendar.Date) (report.Sums, error) {
	out := report.NewSums()
	// One snapshot for the period's edge days and whole months.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return out, mapErr(err)
	}
	defer tx.Rollback()
	err = s.sumCounts(ctx, tx, units, from, to, func(k countKey, n int64) {
		if n != 0 {
			out.AddPeriod(k.m, k.ch, n)
		}
	})
	return out, mapErr(err)
}
