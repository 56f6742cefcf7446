package report

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// RollupJob is the background job that keeps the provinces' roll-up of closed months
// (docs/STATISTICS.md, "The roll-up"): on every tick it folds the months that closed and
// folds again those a late counter was marked in. Reports are right whether it has run
// or not (they read the units' own counters for what is not folded); it makes a
// province's report read a few thousand rows instead of every commune's.
type RollupJob struct {
	Store interface {
		FoldCounts(ctx context.Context, today calendar.Date) (int, error)
	}
	Log      *slog.Logger
	Interval time.Duration
	Now      func() time.Time
}

// Run folds at once, then every Interval, until ctx ends.
func (j *RollupJob) Run(ctx context.Context) {
	t := time.NewTicker(j.Interval)
	defer t.Stop()
	for {
		start := j.Now()
		n, err := j.Store.FoldCounts(ctx, calendar.DateOf(start))
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			j.Log.Warn("report roll-up", "err", err)
		case n > 0:
			j.Log.Info("report roll-up", "months_folded", n, "ms", time.Since(start).Milliseconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
