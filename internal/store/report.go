package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/report"
)

// ReportSums sums the counters of units for the period from..to (inclusive local dates),
// by group, in one snapshot of the database. When the units are a province and its
// communes and the province's roll-up is folded (rollup.go), the sums through a closed
// month are one snapshot each, and only the months after it come from the units' own
// counters; otherwise whole months come from the monthly counters and only the partial
// months at the edges from the daily ones. The rows read are bounded by the months of
// history and a month's days — never by the number of dossiers. The open overdue
// dossiers come from the inbox index (competent unit, status, due).
func (s *Store) ReportSums(ctx context.Context, units []int64, from, to calendar.Date, group report.GroupFunc) (map[string]report.Sums, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return nil, mapErr(err)
	}
	defer tx.Rollback()
	before, period := map[countKey]int64{}, map[countKey]int64{}
	into := func(dst map[countKey]int64, sign int64) func(countKey, int64) {
		return func(k countKey, n int64) { dst[k] += sign * n }
	}
	epoch := calendar.NewDate(1900, time.January, 1)
	dayBefore := from.AddDays(-1)
	roll, ok, err := rollupFor(ctx, tx, units)
	if err != nil {
		return nil, mapErr(err)
	}
	// prefix adds to dst the sums through day x: in a valid folded month, the snapshot
	// before it and the province's days of it; after them, the last valid snapshot and the
	// units' own counters after it.
	prefix := func(dst map[countKey]int64, x calendar.Date) error {
		if mx := monthOf(x); mx <= roll.valid && x.AddDays(1).Day != 1 {
			if err := readSnapshot(ctx, tx, roll.province, mx-1, into(dst, 1)); err != nil {
				return err
			}
			return readRollupDays(ctx, tx, roll.province, mx.first(), x, into(dst, 1))
		}
		k := min(wholeMonthsThrough(x), roll.valid)
		if err := readSnapshot(ctx, tx, roll.province, k, into(dst, 1)); err != nil {
			return err
		}
		return s.sumCounts(ctx, tx, units, (k + 1).first(), x, into(dst, 1))
	}
	switch {
	case !ok:
		if err := s.sumCounts(ctx, tx, units, epoch, dayBefore, into(before, 1)); err != nil {
			return nil, mapErr(err)
		}
		// Through the last day is before the period plus the period: one read of
		// history, not two.
		err = s.sumCounts(ctx, tx, units, from, to, into(period, 1))
	case monthOf(from) > roll.valid:
		// The period is after the folded months: its own sums are the units' counters.
		if err := prefix(before, dayBefore); err != nil {
			return nil, mapErr(err)
		}
		err = s.sumCounts(ctx, tx, units, from, to, into(period, 1))
	default:
		// The period is the difference of two prefixes.
		if err := prefix(before, dayBefore); err != nil {
			return nil, mapErr(err)
		}
		err = prefix(period, to)
		for k, n := range before {
			period[k] -= n
		}
	}
	if err != nil {
		return nil, mapErr(err)
	}
	out := map[string]report.Sums{}
	get := func(k string) report.Sums {
		if r, ok := out[k]; ok {
			return r
		}
		r := report.NewSums()
		out[k] = r
		return r
	}
	for k, n := range before {
		r := get(group(k.proc, k.ch))
		r.Before[k.m] += n
		r.Through[k.m] += n
	}
	for k, n := range period {
		r := get(group(k.proc, k.ch))
		if n != 0 {
			r.AddPeriod(k.m, k.ch, n)
			r.Through[k.m] += n
		}
	}
	// Open dossiers received by the end of the period whose appointment date is before
	// its last day: overdue then, and still open now.
	args := anyIDs(units)
	n := len(args)
	args = append(args, to.AddDays(1).Time().UTC(), to.Time().UTC())
	rows, err := tx.QueryContext(ctx, `SELECT procedure_code, channel, COUNT(*) FROM dossiers
		WHERE competent_unit_id IN (`+placeholders(1, n)+`) AND status IN ('received', 'processing')
		AND received_at < $`+strconv.Itoa(n+1)+` AND due_at < $`+strconv.Itoa(n+2)+` GROUP BY procedure_code, channel`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var proc string
		var ch dossier.Channel
		var c int64
		if err := rows.Scan(&proc, &ch, &c); err != nil {
			return nil, err
		}
		r := get(group(proc, ch))
		r.OpenOverdue += c
		out[group(proc, ch)] = r
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	if err := openLate(ctx, tx, units, to, func(proc string, ch dossier.Channel, n int64) {
		r := get(group(proc, ch))
		r.OpenLate += n
		out[group(proc, ch)] = r
	}); err != nil {
		return nil, mapErr(err)
	}
	return out, nil
}

// openLate counts, by procedure and channel, the dossiers of units open at the end of
// day x whose current span of history began by then, and that are late on x by
// indicator 2.1 (dossier.Span.LateOn): asked to supplement more than once, or processing
// past their appointment's date — counted in SQL through the inbox index — or waiting
// for a supplement requested after that date, which compares local dates and so is
// judged here, on the waiting dossiers' rows (few: those asked once).
func openLate(ctx context.Context, tx *sql.Tx, units []int64, x calendar.Date, fn func(string, dossier.Channel, int64)) error {
	if len(units) == 0 {
		return nil
	}
	args := anyIDs(units)
	n := len(args)
	end, dayStart := x.AddDays(1).Time().UTC(), x.Time().UTC()
	args = append(args, end, dayStart)
	base := `FROM dossiers WHERE competent_unit_id IN (` + placeholders(1, n) + `) AND received_at < $` + strconv.Itoa(n+1) +
		` AND changed_at < $` + strconv.Itoa(n+1)
	rows, err := tx.QueryContext(ctx, `SELECT procedure_code, channel, COUNT(*) `+base+`
		AND (status IN ('received', 'processing') AND (supplements > 1 OR due_at < $`+strconv.Itoa(n+2)+`)
			OR status = 'supplement_requested' AND supplements > 1)
		GROUP BY procedure_code, channel`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var proc string
		var ch dossier.Channel
		var c int64
		if err := rows.Scan(&proc, &ch, &c); err != nil {
			rows.Close()
			return err
		}
		fn(proc, ch, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT procedure_code, channel, due_at, paused_at `+base+`
		AND status = 'supplement_requested' AND supplements <= 1`, args[:n+1]...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var proc string
		var ch dossier.Channel
		var due, paused sql.NullTime
		if err := rows.Scan(&proc, &ch, &due, &paused); err != nil {
			return err
		}
		s := dossier.Span{Status: dossier.StatusSupplementRequested, Supplements: 1, Due: due.Time, PausedAt: paused.Time}
		if due.Valid && s.LateOn(x) {
			fn(proc, ch, 1)
		}
	}
	return rows.Err()
}

// sumCounts calls fn with the counter sums of units over lo..hi by procedure, channel and
// measure: the monthly table for the whole months, the daily table for the rest.
func (s *Store) sumCounts(ctx context.Context, q dbQuerier, units []int64, lo, hi calendar.Date, fn func(countKey, int64)) error {
	if hi.Before(lo) || len(units) == 0 {
		return nil
	}
	firstWhole := calendar.NewDate(lo.Year, lo.Month, 1)
	if lo.Day != 1 {
		firstWhole = calendar.NewDate(lo.Year, lo.Month+1, 1)
	}
	endWhole := calendar.NewDate(hi.Year, hi.Month+1, 1) // the month after hi's
	if hi.AddDays(1).Day != 1 {
		endWhole = calendar.NewDate(hi.Year, hi.Month, 1)
	}
	query := func(table, col, a, b string) error {
		args := append([]any{a, b}, anyIDs(units)...)
		err := queryCounts(ctx, q, fn, `SELECT procedure_code, channel, measure, CAST(SUM(n) AS BIGINT) FROM `+table+`
			WHERE `+col+` >= $1 AND `+col+` <= $2 AND unit_id IN (`+placeholders(3, len(units))+`)
			GROUP BY procedure_code, channel, measure`, args...)
		if err != nil {
			return fmt.Errorf("store: report sums: %w", mapErr(err))
		}
		return nil
	}
	if !firstWhole.Before(endWhole) {
		return query("dossier_counts", "day", lo.String(), hi.String())
	}
	if lo.Before(firstWhole) {
		if err := query("dossier_counts", "day", lo.String(), firstWhole.AddDays(-1).String()); err != nil {
			return err
		}
	}
	if err := query("dossier_counts_monthly", "month", firstWhole.String()[:7], endWhole.AddDays(-1).String()[:7]); err != nil {
		return err
	}
	if endWhole.Before(hi) || endWhole == hi {
		return query("dossier_counts", "day", endWhole.String(), hi.String())
	}
	return nil
}

// UnitsUnder returns a unit and the units whose parent it is (a province's communes), for
// roll-ups.
func (s *Store) UnitsUnder(ctx context.Context, id int64) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM units WHERE id = $1 OR parent_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}

// ProcedureNames maps the procedure codes of units' catalogs (every version) to their
// latest name and field, for report groups.
func (s *Store) ProcedureNames(ctx context.Context, units []int64) (map[string][3]string, error) {
	args := make([]any, len(units))
	ph := make([]string, len(units))
	for i, u := range units {
		args[i] = u
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT code, name, field_code, field_name FROM procedures WHERE unit_id IN (`+strings.Join(ph, ", ")+`)
		ORDER BY code, version`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string][3]string{}
	for rows.Next() {
		var code, name, fc, fn string
		if err := rows.Scan(&code, &name, &fc, &fn); err != nil {
			return nil, err
		}
		out[code] = [3]string{name, fc, fn}
	}
	return out, mapErr(rows.Err())
}

// RebuildCounts recomputes every counter from the dossiers' histories, through the same
// dossier.EventCounts the transitions use, in one transaction, and empties the provinces'
// roll-up (FoldCounts folds it again; reports read the units' counters meanwhile). On
// PostgreSQL it holds every province's roll-up lock, so the transitions of the meantime
// wait and then count on top of the rebuilt counters. It reports how many dossiers it
// replayed.
func (s *Store) RebuildCounts(ctx context.Context) (int, error) {
	n := 0
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1 + id) FROM (SELECT id FROM units WHERE parent_id IS NULL ORDER BY id) p`,
				rollupLockBase); err != nil {
				return err
			}
		}
		for _, t := range []string{"dossier_counts", "dossier_counts_monthly", "dossier_counts_rollup", "dossier_counts_rollup_daily",
			"dossier_counts_rollup_state", "dossier_counts_dirty"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return err
			}
		}
		var lastID int64
		for {
			rows, err := tx.QueryContext(ctx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.id > $1 ORDER BY d.id LIMIT 500`, lastID)
			if err != nil {
				return err
			}
			var batch []dossier.Dossier
			for rows.Next() {
				d, err := scanDossier(rows)
				if err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(batch) == 0 {
				return nil
			}
			for _, d := range batch {
				evs, err := dossierEvents(ctx, tx, d.ID)
				if err != nil {
					return err
				}
				if err := addCounts(ctx, tx, dossier.HistoryCounts(d, evs)); err != nil {
					return err
				}
				lastID = d.ID
				n++
			}
		}
	})
	return n, err
}

// CatalogStats counts the procedures in force of units for the service index: how many,
// how many published with every part (papers, legal basis, no editor warning), how many
// offered online.
func (s *Store) CatalogStats(ctx context.Context, units []int64) (report.CatalogStats, error) {
	var st report.CatalogStats
	for _, u := range units {
		for offset := 0; ; offset += 500 {
			ps, total, err := s.Procedures(ctx, u, ProcedureQuery{Limit: 500, Offset: offset})
			if err != nil {
				return st, err
			}
			for _, p := range ps {
				st.Procedures++
				if len(p.Papers) > 0 && len(p.LegalBasis) > 0 && len(p.Warnings()) == 0 {
					st.Complete++
				}
				if p.OnlineLevel != catalog.OnlineNone {
					st.Online++
				}
			}
			if offset+500 >= total {
				break
			}
		}
	}
	return st, nil
}

// ResolvedDossier is a dossier resolved in a period, for the public transparency page:
// how long it took and whether it was late (with the apology letter, form 04, when one
// was sent).
type ResolvedDossier struct {
	Code, ProcedureName string
	ReceivedAt, DueAt   time.Time
	ResolvedAt          time.Time
	Late, Apologised    bool
	PausedMinutes       int64 // time waiting for the citizen's supplements
}

// ResolvedDossiers lists units' dossiers resolved from..to (local dates). It reads the
// units' finished dossiers (the status index narrows to them, not to the period), which
// is a commune's few thousand a year; a province-wide page would want an index on
// (competent unit, resolved_at).
func (s *Store) ResolvedDossiers(ctx context.Context, units []int64, from, to calendar.Date) ([]ResolvedDossier, error) {
	args := []any{from.Time().UTC(), to.AddDays(1).Time().UTC()}
	ph := make([]string, len(units))
	for i, u := range units {
		args = append(args, u)
		ph[i] = "$" + strconv.Itoa(i+3)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT code, procedure_name, received_at, due_at, resolved_at, timeliness, extended_due_at IS NOT NULL, paused_minutes
		FROM dossiers WHERE competent_unit_id IN (`+strings.Join(ph, ", ")+`) AND status IN ('resolved', 'returned')
		AND resolved_at >= $1 AND resolved_at < $2 ORDER BY resolved_at`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []ResolvedDossier
	for rows.Next() {
		var d ResolvedDossier
		var timeliness string
		if err := rows.Scan(&d.Code, &d.ProcedureName, &d.ReceivedAt, &d.DueAt, &d.ResolvedAt, &timeliness, &d.Apologised, &d.PausedMinutes); err != nil {
			return nil, err
		}
		d.Late = timeliness == string(dossier.Late)
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// OnlinePayments is report.IndexStore's view of PaymentCounts: the dossiers billed in a
// period and those of them paid online, for the Decision 766 indicator.
func (s *Store) OnlinePayments(ctx context.Context, units []int64, from, to calendar.Date) (billed, paidOnline int64, err error) {
	c, err := s.PaymentCounts(ctx, units, from, to)
	return c.FeeBearing, c.PaidOnline, err
}

// Ratings is report.IndexStore's view of RatingCounts: the ratings given in a period and
// the dissatisfied ones, for the Decision 766 satisfaction indicator.
func (s *Store) Ratings(ctx context.Context, units []int64, from, to calendar.Date) (given, dissatisfied int64, err error) {
	c, err := s.RatingCounts(ctx, units, from, to)
	for _, n := range c {
		given += int64(n)
	}
	return given, int64(c[dossier.RatingDissatisfied]), err
}

// ElectronicResults is report.IndexStore's count of the dossiers of units resolved in a
// period with at least one signed result in the register of issued documents. It reads
// the register (the signed results, far fewer than the dossiers) and the dossiers it names.
func (s *Store) ElectronicResults(ctx context.Context, units []int64, from, to calendar.Date) (int64, error) {
	if len(units) == 0 {
		return 0, nil
	}
	args := []any{utc(from.Time()), utc(to.AddDays(1).Time())}
	for _, u := range units {
		args = append(args, u)
	}
	var n int64
	// CROSS JOIN keeps SQLite's planner on the register first (PostgreSQL plans it as any
	// join): driven from the units' dossiers instead, a province's year read every one.
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT d.id) FROM issued_documents i CROSS JOIN dossiers d
		WHERE d.code = i.dossier_code AND i.kind = 'result' AND d.resolved_at >= $1 AND d.resolved_at < $2
		AND d.competent_unit_id IN (`+placeholders(3, len(units))+`)`, args...).Scan(&n)
	return n, mapErr(err)
}

// DigitisedResults is report.IndexStore's count, of the dossiers ElectronicResults
// counts, of those with at least one paper digitised at the counter: indicator 4.2 of
// Decision 766 (dossiers with digitised papers and an electronic result). It reads the
// register's results, as ElectronicResults does, and the files of the dossiers they name.
func (s *Store) DigitisedResults(ctx context.Context, units []int64, from, to calendar.Date) (int64, error) {
	if len(units) == 0 {
		return 0, nil
	}
	args := []any{utc(from.Time()), utc(to.AddDays(1).Time())}
	for _, u := range units {
		args = append(args, u)
	}
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT d.id) FROM issued_documents i CROSS JOIN dossiers d
		WHERE d.code = i.dossier_code AND i.kind = 'result' AND d.resolved_at >= $1 AND d.resolved_at < $2
		AND d.competent_unit_id IN (`+placeholders(3, len(units))+`)
		AND EXISTS (SELECT 1 FROM dossier_files f WHERE f.dossier_id = d.id AND f.digitised)`, args...).Scan(&n)
	return n, mapErr(err)
}
