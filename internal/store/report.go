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
// by group. Whole months come from the monthly roll-up and only the partial months at the
// edges from the daily counters, so the rows read are bounded by the months of history and
// a month's days — never by the number of dossiers. The open overdue dossiers come from
// the inbox index (competent unit, status, due).
func (s *Store) ReportSums(ctx context.Context, units []int64, from, to calendar.Date, group report.GroupFunc) (map[string]report.Sums, error) {
	out := map[string]report.Sums{}
	get := func(k string) report.Sums {
		if r, ok := out[k]; ok {
			return r
		}
		r := report.NewSums()
		out[k] = r
		return r
	}
	epoch := calendar.NewDate(1900, time.January, 1)
	add := func(lo, hi calendar.Date, fn func(r report.Sums, m dossier.Measure, ch dossier.Channel, n int64)) error {
		return s.sumCounts(ctx, units, lo, hi, func(proc string, ch dossier.Channel, m dossier.Measure, n int64) {
			fn(get(group(proc, ch)), m, ch, n)
		})
	}
	if err := add(from, to, func(r report.Sums, m dossier.Measure, ch dossier.Channel, n int64) { r.AddPeriod(m, ch, n) }); err != nil {
		return nil, err
	}
	// Through the last day is before the period plus the period: one read of history,
	// not two.
	if err := add(epoch, from.AddDays(-1), func(r report.Sums, m dossier.Measure, _ dossier.Channel, n int64) {
		r.Before[m] += n
		r.Through[m] += n
	}); err != nil {
		return nil, err
	}
	for _, r := range out {
		for m, byCh := range r.Period {
			for _, n := range byCh {
				r.Through[m] += n
			}
		}
	}
	// Open dossiers received by the end of the period whose appointment date is before
	// its last day: overdue then, and still open now.
	args := []any{}
	ph := make([]string, len(units))
	for i, u := range units {
		args = append(args, u)
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	n := len(args)
	args = append(args, to.AddDays(1).Time().UTC(), to.Time().UTC())
	rows, err := s.r.QueryContext(ctx, `SELECT procedure_code, channel, COUNT(*) FROM dossiers
		WHERE competent_unit_id IN (`+strings.Join(ph, ", ")+`) AND status IN ('received', 'processing')
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
	return out, mapErr(rows.Err())
}

// sumCounts calls fn with the counter sums of units over lo..hi by procedure, channel and
// measure: the monthly table for the whole months, the daily table for the rest.
func (s *Store) sumCounts(ctx context.Context, units []int64, lo, hi calendar.Date, fn func(string, dossier.Channel, dossier.Measure, int64)) error {
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
		args := []any{a, b}
		ph := make([]string, len(units))
		for i, u := range units {
			args = append(args, u)
			ph[i] = "$" + strconv.Itoa(i+3)
		}
		rows, err := s.r.QueryContext(ctx, `SELECT procedure_code, channel, measure, CAST(SUM(n) AS BIGINT) FROM `+table+`
			WHERE `+col+` >= $1 AND `+col+` <= $2 AND unit_id IN (`+strings.Join(ph, ", ")+`)
			GROUP BY procedure_code, channel, measure`, args...)
		if err != nil {
			return mapErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			var proc string
			var ch dossier.Channel
			var m dossier.Measure
			var n int64
			if err := rows.Scan(&proc, &ch, &m, &n); err != nil {
				return fmt.Errorf("store: report sums: %w", err)
			}
			fn(proc, ch, m, n)
		}
		return mapErr(rows.Err())
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
// dossier.EventCounts the transitions use, in one transaction. It reports how many
// dossiers it replayed.
func (s *Store) RebuildCounts(ctx context.Context) (int, error) {
	n := 0
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, t := range []string{"dossier_counts", "dossier_counts_monthly"} {
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
				for _, ev := range evs {
					if err := addCounts(ctx, tx, dossier.EventCounts(d, ev)); err != nil {
						return err
					}
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
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT d.id) FROM issued_documents i JOIN dossiers d ON d.code = i.dossier_code
		WHERE i.kind = 'result' AND d.resolved_at >= $1 AND d.resolved_at < $2 AND d.competent_unit_id IN (`+placeholders(3, len(units))+`)`, args...).Scan(&n)
	return n, mapErr(err)
}
