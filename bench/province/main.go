// Command province builds a province's worth of dossiers directly in xaso's schema and
// times the one-stop report over it: a province of 150 communes, 10 million dossiers
// received over five years (2021–2025), on SQLite or PostgreSQL. It then times a
// one-year report for the province and for one commune through the real code path
// (report.OneStopReport over store.Store: the counters, the monthly counters, the
// province's roll-up of closed months — folded first, as xaso serve's job does — and
// the inbox index) beside a naive aggregation over the dossier table, and checks that both give
// the same figures.
//
//	go run ./bench/province -db sqlite:/tmp/province.db -dossiers 10000000
//	go run ./bench/province -db 'postgres://postgres@127.0.0.1:5432/province?sslmode=disable'
//
// The database must be empty (the command migrates it). The counters are not invented:
// every dossier gets the history a real one would have (receipt, supplement requests,
// resolution, return or refusal, withdrawal, stop) and dossier.HistoryCounts — the function
// every transition and `xaso report rebuild` use — turns that history into counter
// increments, summed in memory and written in bulk. The history itself is not stored
// (no report reads it), nor are applicants' details beyond placeholders.
package main

import (
	"cmp"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

func main() {
	dsn := flag.String("db", "", "an empty database: sqlite:PATH or postgres://…")
	total := flag.Int("dossiers", 10_000_000, "dossiers in the province")
	communes := flag.Int("communes", 150, "communes in the province")
	runs := flag.Int("runs", 7, "timed runs of each report (after one warm-up)")
	year := flag.Int("year", 2025, "the year of the timed reports (the data covers 2021–2025)")
	skip := flag.Bool("reuse", false, "do not generate: the database already holds a province from this command")
	rollup := flag.Bool("rollup", true, "fold the province's roll-up before timing; false empties it, to time the report from the communes' counters")
	flag.Parse()
	if err := run(*dsn, *total, *communes, *runs, *year, *skip, *rollup); err != nil {
		fmt.Fprintln(os.Stderr, "province:", err)
		os.Exit(1)
	}
}

const provinceCode = "98"

// The data's span: five years, local dates; "now" is the first instant after it, so
// dossiers whose story would end later are still open.
var (
	firstDay = calendar.NewDate(2021, time.January, 1)
	endDay   = calendar.NewDate(2026, time.January, 1)
)

func run(dsn string, total, communes, runs, year int, reuse, rollup bool) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if !reuse {
		if n, err := st.CountUnits(ctx); err != nil || n > 0 {
			return cmp.Or(err, fmt.Errorf("the database is not empty (%d units); use a fresh one or -reuse", n))
		}
		start := time.Now()
		if err := generate(ctx, st, dsn, total, communes); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "generated %d dossiers in %d communes in %s\n", total, communes, time.Since(start).Round(time.Second))
	}
	province, err := st.UnitByCode(ctx, provinceCode)
	if err != nil {
		return err
	}
	commune, err := st.UnitByCode(ctx, communeCode(0))
	if err != nil {
		return err
	}
	from, to := calendar.NewDate(year, time.January, 1), calendar.NewDate(year, time.December, 31)
	naiveDB, closeNaive, err := openRaw(dsn)
	if err != nil {
		return err
	}
	defer closeNaive()
	// The roll-up of closed months, as xaso serve's job and xaso report rebuild keep it
	// (or none, to time the report from the communes' own counters).
	if rollup {
		start := time.Now()
		months, err := st.FoldCounts(ctx, calendar.DateOf(time.Now()))
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "folded %d months of the roll-up in %s\n", months, time.Since(start).Round(time.Millisecond))
	} else if _, err := naiveDB.ExecContext(ctx, `DELETE FROM dossier_counts_rollup_state`); err != nil {
		return err
	}
	// What each side reads: the report the counter tables, the scan the dossiers.
	var sizes [5]int64
	for i, table := range []string{"dossiers", "dossier_counts", "dossier_counts_monthly", "dossier_counts_rollup", "dossier_counts_rollup_daily"} {
		if err := naiveDB.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&sizes[i]); err != nil {
			return err
		}
	}
	fmt.Printf("engine %s, %d runs after a warm-up; %d dossiers, %d daily and %d monthly counter rows, roll-up %d monthly snapshot and %d daily rows (used: %v)\n\n",
		st.Dialect(), runs, sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], rollup)
	fmt.Println("| unit | xaso report (counters) median / max | naive scan of dossiers median / max | same figures |")
	fmt.Println("| --- | --- | --- | --- |")
	ok := true
	naiveOf := map[[3]string]report.OneStop{}
	// The year, and a half year from mid-March (its edges inside months).
	midFrom, midTo := calendar.NewDate(year, time.March, 15), calendar.NewDate(year, time.September, 14)
	for _, c := range []struct {
		u        unit.Unit
		by       report.By
		from, to calendar.Date
	}{{province, report.ByNone, from, to}, {commune, report.ByNone, from, to}, {province, report.ByProcedure, from, to},
		{province, report.ByNone, midFrom, midTo}} {
		var res report.Result
		fast, err := timeIt(runs, func() error {
			var err error
			res, err = report.OneStopReport(ctx, st, c.u, report.Params{From: c.from.String(), To: c.to.String(), By: c.by})
			return err
		})
		if err != nil {
			return err
		}
		units, err := st.UnitsUnder(ctx, c.u.ID)
		if err != nil {
			return err
		}
		key := [3]string{c.u.Code, c.from.String(), c.to.String()}
		nv, done := naiveOf[key]
		slow := [2]time.Duration{}
		if !done {
			slow, err = timeIt(max(1, runs/3), func() error {
				var err error
				nv, err = naive(ctx, naiveDB, units, c.from, c.to)
				return err
			})
			if err != nil {
				return err
			}
			naiveOf[key] = nv
		}
		// A breakdown's groups add up to its totals.
		var sum report.OneStop
		for _, g := range res.Groups {
			sum.Received.Total += g.Received.Total
			sum.Resolved.Total += g.Resolved.Total
			sum.InProgress.Overdue += g.InProgress.Overdue
		}
		diffs := compare(res.OneStop, nv)
		if c.by != report.ByNone && (sum.Received.Total != res.Received.Total || sum.Resolved.Total != res.Resolved.Total ||
			sum.InProgress.Overdue != res.InProgress.Overdue) {
			diffs = append(diffs, "the groups do not add up to the totals")
		}
		same := "yes"
		if len(diffs) > 0 {
			same, ok = "NO: "+strings.Join(diffs, "; "), false
		}
		name, scan := c.u.Name, "(as above)"
		if c.by != report.ByNone {
			name += fmt.Sprintf(", by %s (%d groups)", c.by, len(res.Groups))
		}
		if !done {
			scan = ms(slow[0]) + " / " + ms(slow[1])
		}
		fmt.Printf("| %s, %s – %s (%d dossiers received) | %s / %s | %s | %s |\n", name, c.from, c.to,
			res.Received.Online+res.Received.Counter+res.Received.Post, ms(fast[0]), ms(fast[1]), scan, same)
	}
	if !ok {
		return fmt.Errorf("the report and the naive scan disagree")
	}
	// The Decision 766 index of the province's year: the one-stop sums of the year and of
	// each month, indicator 2.1's open dossiers, and the other indicators' reads.
	var idx report.Index
	t766, err := timeIt(runs, func() error {
		var err error
		idx, err = report.IndexReport(ctx, st, province, report.Params{From: from.String(), To: to.String(), Today: to.AddDays(1)})
		return err
	})
	if err != nil {
		return err
	}
	for _, ind := range idx.Indicators {
		if ind.ID == "progress.on_time" && ind.Rate != nil {
			fmt.Printf("\n766 index of %s, %s – %s (13 periods): %s / %s; on time %d / %d = %.2f%%\n", province.Name, from, to,
				ms(t766[0]), ms(t766[1]), *ind.Numerator, *ind.Denominator, *ind.Rate)
		}
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// timeIt runs fn once to warm up, then n times, and returns the median and the maximum.
func timeIt(n int, fn func() error) ([2]time.Duration, error) {
	if err := fn(); err != nil {
		return [2]time.Duration{}, err
	}
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := fn(); err != nil {
			return [2]time.Duration{}, err
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return [2]time.Duration{ds[n/2], ds[n-1]}, nil
}

func communeCode(i int) string { return fmt.Sprintf("%05d", 90001+i) }

// proc is a procedure version of a commune's catalog.
type proc struct {
	id        int64
	code      string
	version   int
	name      string
	legalDays int
}

// generate creates the province, its communes and their catalogs through the store,
// then the dossiers and counters in bulk through a connection of its own.
func generate(ctx context.Context, st *store.Store, dsn string, total, communes int) error {
	pid, err := st.CreateUnit(ctx, unit.Unit{Code: provinceCode, Level: unit.Province, Name: "Tỉnh Thử Nghiệm",
		IdentCode: "000.00.00.H98", ValidFrom: "2021-01-01"})
	if err != nil {
		return err
	}
	sample, err := catalog.Sample()
	if err != nil {
		return err
	}
	legal := map[string]int{}
	for _, p := range sample.Procedures {
		days := p.LegalTime.Value
		if p.LegalTime.Unit == catalog.Hours {
			days = max(1, p.LegalTime.Value/catalog.HoursPerDay)
		}
		legal[p.Code] = days
	}
	ids := make([]int64, communes)
	for i := range communes {
		ids[i], err = st.CreateUnit(ctx, unit.Unit{Code: communeCode(i), Level: unit.Commune, ParentID: &pid,
			Name: fmt.Sprintf("Xã Thử Nghiệm %d", i+1), IdentCode: fmt.Sprintf("000.%02d.%02d.H98", i/100, i%100), ValidFrom: "2021-01-01"})
		if err != nil {
			return err
		}
		if _, err := st.ImportCatalog(ctx, ids[i], sample, true); err != nil {
			return err
		}
	}
	w, err := newWriter(ctx, dsn)
	if err != nil {
		return err
	}
	defer w.close()
	procs, err := w.procedures(ctx, legal)
	if err != nil {
		return err
	}
	// Communes differ in size: weights from 0.4 to 1.6, the total exact.
	rng := rand.New(rand.NewPCG(766, 2021))
	weights := make([]float64, communes)
	var sum float64
	for i := range weights {
		weights[i] = 0.4 + 1.2*rng.Float64()
		sum += weights[i]
	}
	left := total
	for i, id := range ids {
		n := int(float64(total) * weights[i] / sum)
		if i == communes-1 {
			n = left
		}
		left -= n
		start := time.Now()
		if err := w.commune(ctx, id, fmt.Sprintf("000.%02d.%02d.H98", i/100, i%100), procs[id], n, rng); err != nil {
			return fmt.Errorf("commune %d: %w", i+1, err)
		}
		if i%10 == 0 || i == communes-1 {
			fmt.Fprintf(os.Stderr, "commune %d/%d: %d dossiers in %s\n", i+1, communes, n, time.Since(start).Round(time.Millisecond))
		}
	}
	return w.finish(ctx)
}

// life is one generated dossier and its history.
type life struct {
	d   dossier.Dossier
	evs []dossier.Event
}

// dossierLife draws a dossier received at `at` and what became of it by "now".
func dossierLife(rng *rand.Rand, unitID int64, code string, p proc, at time.Time) life {
	now := endDay.Time()
	ch := dossier.ChannelCounter
	switch r := rng.Float64(); {
	case r < 0.18:
		ch = dossier.ChannelOnline
	case r < 0.28:
		ch = dossier.ChannelNationalPortal
	case r < 0.32:
		ch = dossier.ChannelAssisted
	case r < 0.36:
		ch = dossier.ChannelPost
	}
	d := dossier.Dossier{ReceivingUnitID: unitID, CompetentUnitID: unitID, Code: code, ProcedureID: p.id,
		ProcedureCode: p.code, ProcedureVersion: p.version, ProcedureName: p.name, Channel: ch, Version: 1}
	d.SubmittedAt, d.ReceivedAt = at, at
	var evs []dossier.Event
	from := dossier.Status("")
	if ch.Electronic() {
		d.SubmittedAt = at.Add(-time.Duration(rng.IntN(48*60)) * time.Minute)
		from = dossier.StatusSubmitted
	}
	evs = append(evs, dossier.Event{At: at, FromStatus: from, ToStatus: dossier.StatusReceived})
	// The appointment: the legal working days as calendar days (weekends included).
	span := time.Duration(p.legalDays*7/5+1) * 24 * time.Hour
	d.DueAt = at.Add(span)
	// What happens: a tenth ask for a supplement (one in ten of those twice, which
	// moves the appointment by the wait), a few end unresolved, most are resolved —
	// 85% by the appointment.
	cur := at
	status := dossier.StatusReceived
	step := func(to dossier.Status, t time.Time) {
		evs = append(evs, dossier.Event{At: t, FromStatus: status, ToStatus: to})
		status, cur = to, t
	}
	// open keeps the dossier open as it is now: its next event would come after now.
	open := func() life {
		d.Status, d.StepStartedAt = status, cur
		return life{d: d, evs: evs}
	}
	step(dossier.StatusProcessing, at.Add(time.Duration(rng.IntN(120)+10)*time.Minute))
	if rng.Float64() < 0.10 {
		for k := 0; k < 1+boolInt(rng.Float64() < 0.1); k++ {
			ask := cur.Add(time.Duration(rng.IntN(48)+1) * time.Hour)
			back := ask.Add(time.Duration(rng.IntN(96)+4) * time.Hour)
			if !ask.Before(now) {
				return open()
			}
			step(dossier.StatusSupplementRequested, ask)
			d.Supplements++
			if !back.Before(now) {
				// Waiting at "now": the clock is paused.
				d.PausedAt = ask
				return open()
			}
			step(dossier.StatusProcessing, back)
			d.DueAt = d.DueAt.Add(back.Sub(ask))
			d.PausedMinutes += int64(back.Sub(ask) / time.Minute)
		}
	}
	if r := rng.Float64(); r < 0.03 {
		end := dossier.StatusWithdrawn
		if r >= 0.015 {
			end = dossier.StatusRefused
		}
		if r >= 0.025 {
			end = dossier.StatusStopped
		}
		t := cur.Add(time.Duration(float64(d.DueAt.Sub(cur)) * rng.Float64()))
		if !t.Before(now) {
			return open()
		}
		step(end, t)
		d.EndedAt, d.Reason = t, "thử nghiệm"
		return open()
	}
	// Resolution: mostly before the appointment, some on its day, 15% after.
	var res time.Time
	switch r := rng.Float64(); {
	case r < 0.55:
		res = cur.Add(time.Duration(float64(d.DueAt.Sub(cur)) * (0.2 + 0.7*rng.Float64())))
	case r < 0.85:
		y, m, dd := d.DueAt.In(locale.Zone).Date()
		res = time.Date(y, m, dd, 8+rng.IntN(9), rng.IntN(60), 0, 0, locale.Zone)
	default:
		res = d.DueAt.Add(time.Duration(24+rng.IntN(24*15)) * time.Hour)
	}
	if !res.After(cur) {
		res = cur.Add(time.Minute)
	}
	if !res.Before(now) {
		return open()
	}
	rd, dd := calendar.DateOf(res), calendar.DateOf(d.DueAt)
	switch {
	case rd.Before(dd):
		d.Timeliness = dossier.Early
	case rd == dd:
		d.Timeliness = dossier.OnTime
	default:
		d.Timeliness = dossier.Late
	}
	d.ResolvedAt = res
	step(dossier.StatusResolved, res)
	if ret := res.Add(time.Duration(rng.IntN(72)+1) * time.Hour); ret.Before(now) && rng.Float64() < 0.95 {
		step(dossier.StatusReturned, ret)
		d.EndedAt = ret
	}
	return open()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countKey is a counter row's key within a commune.
type countKey struct {
	period string // day YYYY-MM-DD or month YYYY-MM
	proc   string
	ch     dossier.Channel
	m      dossier.Measure
}

// writer writes dossiers and counters in bulk: multi-row INSERTs in one transaction per
// commune on SQLite, COPY on PostgreSQL.
type writer struct {
	sqlite *sql.DB
	pg     *pgx.Conn
}

var dossierColumns = []string{"receiving_unit_id", "competent_unit_id", "code", "secret", "procedure_id", "procedure_code",
	"procedure_version", "procedure_name", "channel", "applicant_name", "applicant_id", "applicant_phone", "applicant_email",
	"applicant_address", "consent", "fields", "status", "step", "submitted_at", "received_at", "due_at", "paused_at",
	"paused_minutes", "supplements", "step_started_at", "resolved_at", "timeliness", "ended_at", "reason", "version", "changed_at"}

func newWriter(ctx context.Context, dsn string) (*writer, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		// A bulk load: no fsync per transaction (the benchmark rebuilds on failure);
		// the time format is the store's.
		db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+
			"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(1)&_time_format=sqlite&_pragma=cache_size(-262144)")
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		return &writer{sqlite: db}, nil
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return &writer{pg: c}, nil
}

func (w *writer) close() {
	if w.sqlite != nil {
		w.sqlite.Close()
	}
	if w.pg != nil {
		w.pg.Close(context.Background())
	}
}

func (w *writer) query(ctx context.Context, q string, args ...any) (func(...any) bool, func() error, error) {
	if w.sqlite != nil {
		rows, err := w.sqlite.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, nil, err
		}
		return func(dst ...any) bool { return rows.Next() && rows.Scan(dst...) == nil }, func() error { rows.Close(); return rows.Err() }, nil
	}
	rows, err := w.pg.Query(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	return func(dst ...any) bool { return rows.Next() && rows.Scan(dst...) == nil }, func() error { rows.Close(); return rows.Err() }, nil
}

// procedures returns each commune's published procedures.
func (w *writer) procedures(ctx context.Context, legal map[string]int) (map[int64][]proc, error) {
	next, done, err := w.query(ctx, `SELECT unit_id, id, code, version, name FROM procedures WHERE status = 'published' ORDER BY unit_id, code`)
	if err != nil {
		return nil, err
	}
	out := map[int64][]proc{}
	var u int64
	var p proc
	for next(&u, &p.id, &p.code, &p.version, &p.name) {
		p.legalDays = max(1, legal[p.code])
		out[u] = append(out[u], p)
	}
	return out, done()
}

// commune generates n dossiers of one commune, received at random instants of the five
// years' working hours, writes them, then writes the commune's counters.
func (w *writer) commune(ctx context.Context, unitID int64, ident string, procs []proc, n int, rng *rand.Rand) error {
	if len(procs) == 0 {
		return fmt.Errorf("no procedures")
	}
	days := endDay.Sub(firstDay)
	ats := make([]time.Time, n)
	for i := range ats {
		day := firstDay.AddDays(rng.IntN(days))
		ats[i] = day.Time().Add(time.Duration(7*60+30+rng.IntN(9*60)) * time.Minute)
	}
	slices.SortFunc(ats, func(a, b time.Time) int { return a.Compare(b) })
	// A few procedures take most dossiers, as in every commune.
	pick := func() proc {
		i := int(float64(len(procs)) * rng.Float64() * rng.Float64())
		return procs[i]
	}
	daily, monthly := map[countKey]int64{}, map[countKey]int64{}
	rows := make([][]any, 0, n)
	seq, lastDay := 0, ""
	for _, at := range ats {
		ds := at.In(locale.Zone).Format("060102")
		if ds != lastDay {
			seq, lastDay = 0, ds
		}
		seq++
		l := dossierLife(rng, unitID, fmt.Sprintf("%s-%s-%04d", ident, ds, seq), pick(), at)
		for _, c := range dossier.HistoryCounts(l.d, l.evs) {
			day := c.Day.String()
			daily[countKey{day, c.ProcedureCode, c.Channel, c.Measure}]++
			monthly[countKey{day[:7], c.ProcedureCode, c.Channel, c.Measure}]++
		}
		d := l.d
		rows = append(rows, []any{d.ReceivingUnitID, d.CompetentUnitID, d.Code, "s", d.ProcedureID, d.ProcedureCode,
			d.ProcedureVersion, d.ProcedureName, string(d.Channel), "Người nộp", "", "", "", "", "", "{}", string(d.Status), 0,
			utc(d.SubmittedAt), utc(d.ReceivedAt), utc(d.DueAt), nullTime(d.PausedAt), d.PausedMinutes, d.Supplements,
			utc(d.StepStartedAt), nullTime(d.ResolvedAt), string(d.Timeliness), nullTime(d.EndedAt), d.Reason, d.Version,
			utc(l.evs[len(l.evs)-1].At)})
	}
	if err := w.insert(ctx, "dossiers", dossierColumns, rows); err != nil {
		return err
	}
	for _, t := range []struct {
		table, col string
		counts     map[countKey]int64
	}{{"dossier_counts", "day", daily}, {"dossier_counts_monthly", "month", monthly}} {
		keys := slices.SortedFunc(maps.Keys(t.counts), func(a, b countKey) int {
			return cmp.Or(cmp.Compare(a.period, b.period), cmp.Compare(a.proc, b.proc), cmp.Compare(a.ch, b.ch), cmp.Compare(a.m, b.m))
		})
		rows := make([][]any, 0, len(keys))
		for _, k := range keys {
			// In key order: the primary key's B-tree fills from left to right.
			rows = append(rows, []any{unitID, k.period, k.proc, string(k.ch), string(k.m), t.counts[k]})
		}
		if err := w.insert(ctx, t.table, []string{"unit_id", t.col, "procedure_code", "channel", "measure", "n"}, rows); err != nil {
			return err
		}
	}
	return nil
}

func utc(t time.Time) any { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}

// insert writes rows into table in one transaction.
func (w *writer) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if w.pg != nil {
		_, err := w.pg.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	}
	tx, err := w.sqlite.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	per := 30000 / len(cols) // under SQLite's 32,766 parameters
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	prefix := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	var full *sql.Stmt
	for len(rows) > 0 {
		k := min(per, len(rows))
		args := make([]any, 0, k*len(cols))
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		q := prefix + strings.TrimSuffix(strings.Repeat(one+", ", k), ", ")
		if k == per {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return err
		}
		rows = rows[k:]
	}
	return tx.Commit()
}

// finish refreshes the planner's statistics, as a database in use would have them.
func (w *writer) finish(ctx context.Context) error {
	if w.pg != nil {
		_, err := w.pg.Exec(ctx, "ANALYZE")
		return err
	}
	_, err := w.sqlite.ExecContext(ctx, "ANALYZE")
	return err
}
