package main

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/report"
)

// openRaw opens a read connection of the naive scan: the store's own read pool is not
// exported, and the scan must not go through the counters.
func openRaw(dsn string) (*sql.DB, func(), error) {
	driver, src := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, src = "sqlite", "file:"+path+"?_pragma=query_only(1)&_time_format=sqlite"
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// naive computes the one-stop report's figures straight from the dossiers of units, in
// one pass over them, by docs/STATISTICS.md's definitions: what the counters save.
// Supplement waits at the period's end are left out (the dossier row keeps only the
// current wait; the history has the others).
func naive(ctx context.Context, db *sql.DB, units []int64, from, to calendar.Date) (report.OneStop, error) {
	ph := make([]string, len(units))
	args := []any{from.Time().UTC(), to.AddDays(1).Time().UTC(), to.Time().UTC()}
	for i, u := range units {
		ph[i] = "$" + strconv.Itoa(i+4)
		args = append(args, u)
	}
	// $1 the period's first instant, $2 the instant after it, $3 its last day's start.
	finishedBy := func(p string) string {
		return `((resolved_at IS NOT NULL AND resolved_at < ` + p + `) OR (status IN ('refused', 'stopped', 'withdrawn') AND ended_at < ` + p + `))`
	}
	in := func(col string) string { return col + ` >= $1 AND ` + col + ` < $2` }
	q := `SELECT
		COALESCE(SUM(CASE WHEN ` + in("received_at") + ` AND channel IN ('online', 'national_portal', 'assisted') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("received_at") + ` AND channel = 'counter' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("received_at") + ` AND channel = 'post' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN received_at < $1 AND NOT ` + finishedBy("$1") + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("resolved_at") + ` AND timeliness = 'early' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("resolved_at") + ` AND timeliness = 'on_time' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("resolved_at") + ` AND timeliness = 'late' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN received_at < $2 AND NOT ` + finishedBy("$2") + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN received_at < $2 AND NOT ` + finishedBy("$2") + ` AND due_at < $3 AND status <> 'supplement_requested' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("ended_at") + ` AND status = 'withdrawn' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("ended_at") + ` AND status = 'refused' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("ended_at") + ` AND status = 'stopped' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN ` + in("ended_at") + ` AND status = 'returned' THEN 1 ELSE 0 END), 0)
		FROM dossiers WHERE received_at IS NOT NULL AND competent_unit_id IN (` + strings.Join(ph, ", ") + `)`
	var r report.OneStop
	err := db.QueryRowContext(ctx, q, args...).Scan(&r.Received.Online, &r.Received.Counter, &r.Received.Post, &r.Received.CarriedOver,
		&r.Resolved.Early, &r.Resolved.OnTime, &r.Resolved.Late, &r.InProgress.Total, &r.InProgress.Overdue,
		&r.Withdrawn, &r.Refused, &r.Stopped, &r.Returned)
	if err != nil {
		return r, fmt.Errorf("naive scan: %w", err)
	}
	return r, nil
}

// compare lists the figures on which the report and the naive scan differ.
func compare(got, want report.OneStop) []string {
	var out []string
	for _, f := range []struct {
		name string
		a, b int64
	}{
		{"received.online", got.Received.Online, want.Received.Online},
		{"received.counter", got.Received.Counter, want.Received.Counter},
		{"received.post", got.Received.Post, want.Received.Post},
		{"received.carried_over", got.Received.CarriedOver, want.Received.CarriedOver},
		{"resolved.early", got.Resolved.Early, want.Resolved.Early},
		{"resolved.on_time", got.Resolved.OnTime, want.Resolved.OnTime},
		{"resolved.late", got.Resolved.Late, want.Resolved.Late},
		{"in_progress.total", got.InProgress.Total, want.InProgress.Total},
		{"in_progress.overdue", got.InProgress.Overdue, want.InProgress.Overdue},
		{"withdrawn", got.Withdrawn, want.Withdrawn},
		{"refused", got.Refused, want.Refused},
		{"stopped", got.Stopped, want.Stopped},
		{"returned", got.Returned, want.Returned},
	} {
		if f.a != f.b {
			out = append(out, fmt.Sprintf("%s %d ≠ %d", f.name, f.a, f.b))
		}
	}
	return out
}
