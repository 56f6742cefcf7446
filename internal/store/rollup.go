package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// The provinces' roll-up (docs/STATISTICS.md, "The roll-up"). For each province and
// closed month, dossier_counts_rollup holds the cumulative sums of the counters of the
// province and its communes through that month, so that any sum over a province's
// history up to a closed month is one snapshot, whatever the years and the communes.
// Store.FoldCounts extends and repairs the snapshots; the transitions do not write them
// (a province's rows would be written by every commune's transactions), they only mark a
// folded month when a counter lands in it afterwards (markFolded), and reports use the
// snapshots only up to the month before the earliest mark.
//
// On PostgreSQL, a province's fold and the counter writes of its units exclude each other
// with an advisory lock on the province: writers share it from before they read how far
// the province is folded until they commit, the fold holds it alone. So every counter is
// either in the fold's reading or written after it, by a writer that saw the new
// folded_through and marked its month. On SQLite the single writer does the same.

// rollupLockBase is added to a province's id to name its advisory lock (PostgreSQL).
const rollupLockBase = int64(0x7660015) << 32

// foldChunk is the most months one fold transaction reads, so that a province folded for
// the first time blocks its writers for seconds at a time, not for all its history.
const foldChunk = 6

// month is a calendar month as a number (year × 12 + month − 1); noMonth is none.
type month int

const noMonth month = -1

func monthOf(d calendar.Date) month { return month(d.Year*12 + int(d.Month) - 1) }

func parseMonth(s string) (month, error) {
	if len(s) != 7 || s[4] != '-' {
		return noMonth, fmt.Errorf("store: month %q", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || m < 1 || m > 12 {
		return noMonth, fmt.Errorf("store: month %q", s)
	}
	return month(y*12 + m - 1), nil
}

func (m month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/12, int(m)%12+1) }

// first is the month's first day.
func (m month) first() calendar.Date { return calendar.NewDate(int(m)/12, time.Month(int(m)%12+1), 1) }

// wholeMonthsThrough is the last month that ends on or before day d.
func wholeMonthsThrough(d calendar.Date) month {
	if d.AddDays(1).Day == 1 {
		return monthOf(d)
	}
	return monthOf(d) - 1
}

// lockProvinceShared takes, in a writer's transaction, the shared lock of the province of
// unit (PostgreSQL; SQLite has one writer).
func (s *Store) lockProvinceShared(ctx context.Context, tx *sql.Tx, unit int64) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared($2 + COALESCE(parent_id, id)) FROM units WHERE id = $1`, unit, rollupLockBase)
	return err
}

func (s *Store) lockProvince(ctx context.Context, tx *sql.Tx, province int64) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, rollupLockBase+province)
	return err
}

// countEvent applies a transition's counters and marks the folded months they land in.
func (s *Store) countEvent(ctx context.Context, tx *sql.Tx, counts []dossier.Count) error {
	if err := s.markFolded(ctx, tx, counts); err != nil {
		return err
	}
	return addCounts(ctx, tx, counts)
}

// markFolded marks, for each counter dated in a month its province has folded already,
// that month of the counter's unit (dossier_counts_dirty). It runs in the counter's
// transaction, after taking the province's shared lock, so a fold cannot pass between
// the reading of folded_through and the commit.
func (s *Store) markFolded(ctx context.Context, tx *sql.Tx, counts []dossier.Count) error {
	folded := map[int64]string{}
	for _, c := range counts {
		f, ok := folded[c.UnitID]
		if !ok {
			if err := s.lockProvinceShared(ctx, tx, c.UnitID); err != nil {
				return fmt.Errorf("store: roll-up lock: %w", err)
			}
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(s.folded_through), '') FROM dossier_counts_rollup_state s
				JOIN units u ON s.unit_id = COALESCE(u.parent_id, u.id) WHERE u.id = $1`, c.UnitID).Scan(&f); err != nil {
				return fmt.Errorf("store: roll-up state: %w", err)
			}
			folded[c.UnitID] = f
		}
		if m := c.Day.String()[:7]; f != "" && m <= f {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_counts_dirty (unit_id, month) VALUES ($1, $2)
				ON CONFLICT (unit_id, month) DO NOTHING`, c.UnitID, m); err != nil {
				return fmt.Errorf("store: roll-up mark: %w", err)
			}
		}
	}
	return nil
}

// FoldCounts brings every province's roll-up up to date for the months closed on today
// (a local date): every month before today's. It folds the months not folded yet and
// folds again, from the earliest, the months a counter was marked in after they were
// folded. It is idempotent, and safe beside transitions and beside another instance
// folding (each province is folded under its lock). It reports how many months of
// provinces it folded.
func (s *Store) FoldCounts(ctx context.Context, today calendar.Date) (int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id`)
	if err != nil {
		return 0, mapErr(err)
	}
	var provinces []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		provinces = append(provinces, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, mapErr(err)
	}
	last := monthOf(today) - 1
	total := 0
	for _, p := range provinces {
		for {
			var n int
			var more bool
			err := plainTx(ctx, s.w, func(ctx context.Context, tx *sql.Tx) error {
				var err error
				n, more, err = s.foldStep(ctx, tx, p, last)
				return err
			})
			if err != nil {
				return total, fmt.Errorf("store: fold province %d: %w", p, err)
			}
			total += n
			if !more {
				break
			}
		}
	}
	return total, nil
}

// countKey is a counter's key within a unit and a period.
type countKey struct {
	proc string
	ch   dossier.Channel
	m    dossier.Measure
}

// foldStep folds at most foldChunk months of a province, under its lock, and reports
// how many it folded and whether more remain.
func (s *Store) foldStep(ctx context.Context, tx *sql.Tx, province int64, last month) (int, bool, error) {
	if err := s.lockProvince(ctx, tx, province); err != nil {
		return 0, false, err
	}
	units, err := unitsUnder(ctx, tx, province)
	if err != nil {
		return 0, false, err
	}
	unitList := joinIDs(units)
	in, ids := placeholders(1, len(units)), anyIDs(units)
	var foldedStr, stateUnits string
	err = tx.QueryRowContext(ctx, `SELECT folded_through, units FROM dossier_counts_rollup_state WHERE unit_id = $1`, province).Scan(&foldedStr, &stateUnits)
	reset := errors.Is(err, sql.ErrNoRows) || (err == nil && stateUnits != unitList)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	// The months marked since they were folded, and the earliest.
	marked := map[month]bool{}
	dirty := noMonth
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT month FROM dossier_counts_dirty WHERE unit_id IN (`+in+`)`, ids...)
	if err != nil {
		return 0, false, err
	}
	for rows.Next() {
		var ms string
		if err := rows.Scan(&ms); err != nil {
			rows.Close()
			return 0, false, err
		}
		m, err := parseMonth(ms)
		if err != nil {
			rows.Close()
			return 0, false, err
		}
		if marked[m] = true; dirty == noMonth || m < dirty {
			dirty = m
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	var from month
	folded := noMonth
	if reset {
		var first sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT MIN(month) FROM dossier_counts_monthly WHERE unit_id IN (`+in+`)`, ids...).Scan(&first); err != nil {
			return 0, false, err
		}
		from = last + 1
		if first.Valid {
			if from, err = parseMonth(first.String); err != nil {
				return 0, false, err
			}
		}
	} else {
		if folded, err = parseMonth(foldedStr); err != nil {
			return 0, false, err
		}
		from = folded + 1
		if dirty != noMonth && dirty < from {
			from = dirty
		}
		if from > last && dirty == noMonth {
			return 0, false, nil
		}
	}
	end := min(last, from+foldChunk-1)
	// The snapshot before the first month folded again is the base the months add to.
	base := map[countKey]int64{}
	if !reset {
		if err := readSnapshot(ctx, tx, province, from-1, func(k countKey, n int64) { base[k] += n }); err != nil {
			return 0, false, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM dossier_counts_rollup WHERE unit_id = $1 AND month >= $2`, province, from.String()); err != nil {
			return 0, false, err
		}
	} else {
		for _, t := range []string{"dossier_counts_rollup", "dossier_counts_rollup_daily"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE unit_id = $1`, province); err != nil {
				return 0, false, err
			}
		}
	}
	months := 0
	if from <= end {
		type monthRow struct {
			month string
			k     countKey
			n     int64
		}
		var got []monthRow
		n := len(ids)
		args := append(slices.Clone(ids), from.String(), end.String())
		rows, err := tx.QueryContext(ctx, `SELECT month, procedure_code, channel, measure, CAST(SUM(n) AS BIGINT) FROM dossier_counts_monthly
			WHERE unit_id IN (`+in+`) AND month >= $`+strconv.Itoa(n+1)+` AND month <= $`+strconv.Itoa(n+2)+`
			GROUP BY month, procedure_code, channel, measure ORDER BY month`, args...)
		if err != nil {
			return 0, false, err
		}
		for rows.Next() {
			var r monthRow
			if err := rows.Scan(&r.month, &r.k.proc, &r.k.ch, &r.k.m, &r.n); err != nil {
				rows.Close()
				return 0, false, err
			}
			got = append(got, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, false, err
		}
		for i := 0; i < len(got); {
			j := i
			for j < len(got) && got[j].month == got[i].month {
				base[got[j].k] += got[j].n
				j++
			}
			if err := writeSnapshot(ctx, tx, province, got[i].month, base); err != nil {
				return 0, false, err
			}
			i = j
		}
		// The months' days, summed over the units, for periods that start or end inside
		// them: the months new to the roll-up and those marked; the days of a month folded
		// before and not marked have not changed (the months after a mark are folded
		// again only because the snapshots are cumulative).
		days := func(lo, hi month) error {
			a, b := lo.first().String(), (hi + 1).first().AddDays(-1).String()
			if _, err := tx.ExecContext(ctx, `DELETE FROM dossier_counts_rollup_daily WHERE unit_id = $1 AND day >= $2 AND day <= $3`,
				province, a, b); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO dossier_counts_rollup_daily (unit_id, day, procedure_code, channel, measure, n)
				SELECT $1, day, procedure_code, channel, measure, CAST(SUM(n) AS BIGINT) FROM dossier_counts
				WHERE unit_id IN (`+placeholders(2, n)+`) AND day >= $`+strconv.Itoa(n+2)+` AND day <= $`+strconv.Itoa(n+3)+`
				GROUP BY day, procedure_code, channel, measure`, append(append([]any{province}, ids...), a, b)...)
			return err
		}
		for m := from; m <= end; m++ {
			if m <= folded && !marked[m] {
				continue
			}
			lo := m
			for m < end && (m+1 > folded || marked[m+1]) {
				m++
			}
			if err := days(lo, m); err != nil {
				return 0, false, err
			}
		}
		months = int(end - from + 1)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM dossier_counts_dirty WHERE unit_id IN (`+in+`)`, ids...); err != nil {
		return 0, false, err
	}
	now := max(end, from-1)
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_counts_rollup_state (unit_id, folded_through, units, folded_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (unit_id) DO UPDATE SET folded_through = excluded.folded_through, units = excluded.units, folded_at = excluded.folded_at`,
		province, now.String(), unitList, s.timestamp()); err != nil {
		return 0, false, err
	}
	return months, now < last, nil
}

// writeSnapshot inserts a province's cumulative sums at the end of a month.
func writeSnapshot(ctx context.Context, tx *sql.Tx, province int64, month string, sums map[countKey]int64) error {
	const per = 200
	args := make([]any, 0, per*6)
	flush := func(k int) error {
		if k == 0 {
			return nil
		}
		vals := make([]string, k)
		for i := range vals {
			vals[i] = "(" + placeholders(i*6+1, 6) + ")"
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO dossier_counts_rollup (unit_id, month, procedure_code, channel, measure, n) VALUES `+
			strings.Join(vals, ", "), args...)
		args = args[:0]
		return err
	}
	k := 0
	for key, n := range sums {
		args = append(args, province, month, key.proc, key.ch, key.m, n)
		if k++; k == per {
			if err := flush(k); err != nil {
				return err
			}
			k = 0
		}
	}
	return flush(k)
}

// dbQuerier is a *sql.Tx or a *sql.DB.
type dbQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readSnapshot reads a province's cumulative sums through month m: the latest snapshot
// at or before it (months without counters have none).
func readSnapshot(ctx context.Context, q dbQuerier, province int64, m month, fn func(countKey, int64)) error {
	if m < 0 {
		return nil
	}
	return queryCounts(ctx, q, fn, `SELECT procedure_code, channel, measure, n FROM dossier_counts_rollup
		WHERE unit_id = $1 AND month = (SELECT MAX(month) FROM dossier_counts_rollup WHERE unit_id = $1 AND month <= $2)`, province, m.String())
}

// queryCounts runs a query whose rows are (procedure_code, channel, measure, n) and
// hands each to fn.
func queryCounts(ctx context.Context, q dbQuerier, fn func(countKey, int64), query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k countKey
		var n int64
		if err := rows.Scan(&k.proc, &k.ch, &k.m, &n); err != nil {
			return err
		}
		fn(k, n)
	}
	return rows.Err()
}

// readRollupDays reads a province's sums over the days lo..hi of folded months.
func readRollupDays(ctx context.Context, q dbQuerier, province int64, lo, hi calendar.Date, fn func(countKey, int64)) error {
	if hi.Before(lo) {
		return nil
	}
	return queryCounts(ctx, q, fn, `SELECT procedure_code, channel, measure, CAST(SUM(n) AS BIGINT) FROM dossier_counts_rollup_daily
		WHERE unit_id = $1 AND day >= $2 AND day <= $3 GROUP BY procedure_code, channel, measure`, province, lo.String(), hi.String())
}

// rollup is what a report over a set of units may take from the roll-up: the province
// whose snapshots cover exactly these units, and the last month they are valid for.
type rollup struct {
	province int64
	valid    month
}

// rollupFor finds the roll-up that covers units exactly, if any: a province folded for
// these units, valid up to its folded month or up to the month before the earliest month
// marked since, whichever is earlier.
func rollupFor(ctx context.Context, q dbQuerier, units []int64) (rollup, bool, error) {
	if len(units) < 2 {
		return rollup{}, false, nil
	}
	args := anyIDs(units)
	rows, err := q.QueryContext(ctx, `SELECT unit_id, folded_through, units FROM dossier_counts_rollup_state WHERE unit_id IN (`+
		placeholders(1, len(units))+`)`, args...)
	if err != nil {
		return rollup{}, false, err
	}
	want := joinIDs(slices.Sorted(slices.Values(units)))
	var r rollup
	var folded string
	found := false
	for rows.Next() {
		var p int64
		var f, us string
		if err := rows.Scan(&p, &f, &us); err != nil {
			rows.Close()
			return rollup{}, false, err
		}
		if us == want {
			r.province, folded, found = p, f, true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || !found {
		return rollup{}, false, err
	}
	if r.valid, err = parseMonth(folded); err != nil {
		return rollup{}, false, err
	}
	var dirty sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT MIN(month) FROM dossier_counts_dirty WHERE unit_id IN (`+placeholders(1, len(units))+`)`,
		args...).Scan(&dirty); err != nil {
		return rollup{}, false, err
	}
	if dirty.Valid {
		d, err := parseMonth(dirty.String)
		if err != nil {
			return rollup{}, false, err
		}
		r.valid = min(r.valid, d-1)
	}
	return r, true, nil
}

// unitsUnder is UnitsUnder within a transaction, ascending.
func unitsUnder(ctx context.Context, q dbQuerier, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM units WHERE id = $1 OR parent_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
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
	return out, rows.Err()
}

func anyIDs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}
