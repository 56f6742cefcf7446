// Command search times finding a dossier (dossier.Service.Search over store.Store, the
// code path of GET /api/v1/dossiers?q=… and of the office's search page) over a
// province's million dossiers: 100 communes of 10,000 dossiers each, applicants with
// Vietnamese names, CCCDs and phone numbers, filed over four years. It times what a
// commune's counter officer types — a full name without accents, a given name alone, a
// CCCD, a phone number, the end of a code, a name with a status and a month, the second
// page of a common name — each against targets drawn at random from the data, and
// prints the median, p95 and maximum of each, and whether every answer held its target.
//
//	go run ./bench/search -db sqlite:/tmp/search.db
//	go run ./bench/search -db 'postgres://postgres@127.0.0.1:5432/search?sslmode=disable'
//
// The database must be empty (the command migrates it), or hold what an earlier run
// wrote (-reuse). On PostgreSQL the table is vacuumed and analysed after the load, as
// autovacuum does to a table in use.
package main

import (
	"cmp"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

func main() {
	dsn := flag.String("db", "", "an empty database: sqlite:PATH or postgres://…")
	communes := flag.Int("communes", 100, "communes in the province")
	per := flag.Int("per-commune", 10_000, "dossiers of each commune")
	runs := flag.Int("runs", 200, "timed searches of each kind (after 20 to warm up)")
	reuse := flag.Bool("reuse", false, "do not generate: the database holds what an earlier run wrote")
	flag.Parse()
	if err := run(*dsn, *communes, *per, *runs, *reuse); err != nil {
		fmt.Fprintln(os.Stderr, "search:", err)
		os.Exit(1)
	}
}

var (
	surnames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương"}
	middles  = []string{"Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Ngọc", "Quang", "Thu", "Xuân", "Công", "Kim", "Bảo", "Gia", "Hải"}
	givens   = []string{"An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long",
		"Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tú", "Tuấn", "Vân", "Việt", "Yến"}
	statuses = []dossier.Status{dossier.StatusReturned, dossier.StatusReturned, dossier.StatusReturned, dossier.StatusProcessing,
		dossier.StatusResolved, dossier.StatusRefused, dossier.StatusWithdrawn, dossier.StatusSupplementRequested}
	channels = []dossier.Channel{dossier.ChannelCounter, dossier.ChannelCounter, dossier.ChannelOnline, dossier.ChannelNationalPortal, dossier.ChannelPost}
)

const provinceCode = "97"

func communeCode(i int) string { return fmt.Sprintf("%05d", 80001+i) }
func identOf(i int) string     { return fmt.Sprintf("%03d.%02d.97.H99", i/100, i%100) }

// row is what the generator keeps of a dossier to search for it.
type row struct {
	code, name, id, phone string
	status                dossier.Status
	at                    time.Time
}

func run(dsn string, communes, per, runs int, reuse bool) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(17, 26))
	if !reuse {
		if n, err := st.CountUnits(ctx); err != nil || n > 0 {
			return cmp.Or(err, fmt.Errorf("the database is not empty (%d units); use a fresh one or -reuse", n))
		}
		start := time.Now()
		if err := generate(ctx, st, dsn, communes, per, rng); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "generated %d dossiers in %d communes in %s\n", communes*per, communes, time.Since(start).Round(time.Second))
		if !strings.HasPrefix(dsn, "sqlite:") {
			// What autovacuum does to a table in use: statistics for the planner and the
			// visibility map that lets an index answer alone.
			db, err := openRaw(dsn)
			if err != nil {
				return err
			}
			_, err = db.ExecContext(ctx, `VACUUM ANALYZE dossiers`)
			db.Close()
			if err != nil {
				return err
			}
		}
	}
	// The officer of one commune in the middle, and a sample of its dossiers to look for.
	u, err := st.UnitByCode(ctx, communeCode(communes/2))
	if err != nil {
		return err
	}
	sample, err := sampleOf(ctx, dsn, u.ID, 2000)
	if err != nil {
		return err
	}
	var total, inUnit int
	if err := rawCount(ctx, dsn, `SELECT COUNT(*) FROM dossiers`, &total); err != nil {
		return err
	}
	if err := rawCount(ctx, dsn, fmt.Sprintf(`SELECT COUNT(*) FROM dossiers WHERE competent_unit_id = %d`, u.ID), &inUnit); err != nil {
		return err
	}
	svc := &dossier.Service{Store: st, Now: time.Now}
	officer := &auth.Principal{UserID: 1, Username: "motcua", Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleCounter}}}
	fmt.Printf("engine %s; %d dossiers in the database, %d in the searching officer's commune (%s); %d timed searches of each kind after 20 to warm up\n\n",
		st.Dialect(), total, inUnit, u.Name, runs)
	fmt.Println("| search | median | p95 | max | CPU of this process, median / p95 | found its target |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	pick := func() row { return sample[rng.IntN(len(sample))] }
	kinds := []struct {
		name string
		q    func() (dossier.Search, string) // the search, and the code it must find ("" none)
	}{
		{"full name without accents", func() (dossier.Search, string) { r := pick(); return dossier.Search{Text: catalog.Fold(r.name)}, "" }},
		{"given name alone (first page of many)", func() (dossier.Search, string) {
			r := pick()
			return dossier.Search{Text: catalog.Fold(r.name[strings.LastIndex(r.name, " ")+1:])}, ""
		}},
		{"CCCD", func() (dossier.Search, string) { r := pick(); return dossier.Search{Text: r.id}, r.code }},
		{"phone number", func() (dossier.Search, string) { r := pick(); return dossier.Search{Text: r.phone}, r.code }},
		{"end of a code (date and number)", func() (dossier.Search, string) {
			r := pick()
			return dossier.Search{Text: r.code[len(r.code)-11:]}, r.code
		}},
		{"name, status and month", func() (dossier.Search, string) {
			r := pick()
			d := calendar.DateOf(r.at)
			return dossier.Search{Text: catalog.Fold(r.name), Statuses: []dossier.Status{r.status},
				From: calendar.NewDate(d.Year, d.Month, 1), To: calendar.NewDate(d.Year, d.Month+1, 0)}, r.code
		}},
		{"second page of a surname", func() (dossier.Search, string) {
			r := pick()
			first, err := svc.Search(ctx, officer, dossier.Search{Text: catalog.Fold(strings.Fields(r.name)[0])})
			if err != nil || first.Next == "" {
				return dossier.Search{Text: "zzz"}, ""
			}
			return dossier.Search{Text: catalog.Fold(strings.Fields(r.name)[0]), After: first.Next}, ""
		}},
	}
	ok := true
	for _, k := range kinds {
		var times, cpus []time.Duration
		found, asked := 0, 0
		for i := 0; i < runs+20; i++ {
			q, want := k.q()
			cpu0, start := cpuTime(), time.Now()
			page, err := svc.Search(ctx, officer, q)
			elapsed, cpu := time.Since(start), cpuTime()-cpu0
			if err != nil {
				return fmt.Errorf("%s: %w", k.name, err)
			}
			if i < 20 {
				continue
			}
			times, cpus = append(times, elapsed), append(cpus, cpu)
			if want != "" {
				asked++
				if slices.ContainsFunc(page.Items, func(d dossier.Dossier) bool { return d.Code == want }) {
					found++
				}
			} else if len(page.Items) == 0 {
				ok = false
			}
		}
		slices.Sort(times)
		slices.Sort(cpus)
		held := "yes (results every time)"
		if asked > 0 {
			held = fmt.Sprintf("%d / %d", found, asked)
			ok = ok && found == asked
		}
		fmt.Printf("| %s | %s | **%s** | %s | %s / %s | %s |\n", k.name, ms(times[len(times)/2]), ms(times[len(times)*95/100]), ms(times[len(times)-1]),
			ms(cpus[len(cpus)/2]), ms(cpus[len(cpus)*95/100]), held)
	}
	if !ok {
		return fmt.Errorf("a search missed its target")
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// generate writes the province, its communes, one procedure, and the dossiers, in bulk.
func generate(ctx context.Context, st *store.Store, dsn string, communes, per int, rng *rand.Rand) error {
	p, err := st.CreateUnit(ctx, unit.Unit{Code: provinceCode, Level: unit.Province, Name: "Tỉnh Thử nghiệm", IdentCode: "000.00.00.H99", ValidFrom: "2025-07-01"})
	if err != nil {
		return err
	}
	sample, err := catalog.Sample()
	if err != nil {
		return err
	}
	var ids []int64
	for i := range communes {
		c, err := st.CreateUnit(ctx, unit.Unit{Code: communeCode(i), Level: unit.Commune, ParentID: &p, Name: fmt.Sprintf("Xã Thử %d", i+1),
			IdentCode: identOf(i), ValidFrom: "2025-07-01"})
		if err != nil {
			return err
		}
		ids = append(ids, c)
	}
	if _, err := st.ImportCatalog(ctx, ids[0], catalog.Catalog{Procedures: sample.Procedures[:1]}, true); err != nil {
		return err
	}
	procs, _, err := st.Procedures(ctx, ids[0], store.ProcedureQuery{Limit: 1})
	if err != nil || len(procs) == 0 {
		return cmp.Or(err, fmt.Errorf("no procedure"))
	}
	proc := procs[0]
	cols := []string{"receiving_unit_id", "competent_unit_id", "code", "secret", "procedure_id", "procedure_code", "procedure_version",
		"procedure_name", "channel", "applicant_name", "applicant_id", "applicant_phone", "applicant_email", "applicant_address",
		"consent", "fields", "status", "step", "submitted_at", "step_started_at", "paused_minutes", "supplements", "timeliness",
		"reason", "version", "applicant_fold"}
	first := time.Date(2022, 1, 1, 1, 0, 0, 0, time.UTC)
	span := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Sub(first)
	w, err := newWriter(ctx, dsn)
	if err != nil {
		return err
	}
	defer w.close()
	for i, unitID := range ids {
		// Filing times in order, one sequence per day, as the store hands codes out.
		times := make([]time.Time, per)
		for j := range times {
			times[j] = first.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Microsecond)
		}
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		seq := map[calendar.Date]int{}
		rows := make([][]any, per)
		for j, at := range times {
			day := calendar.DateOf(at)
			seq[day]++
			name := surnames[rng.IntN(len(surnames))] + " " + middles[rng.IntN(len(middles))] + " " + givens[rng.IntN(len(givens))]
			rows[j] = []any{unitID, unitID, dossier.FormatCode(identOf(i), day, seq[day]), "SECRET01", proc.ID, proc.Code, proc.Version,
				proc.Name, string(channels[rng.IntN(len(channels))]), name, fmt.Sprintf("0370%08d", rng.IntN(100_000_000)),
				fmt.Sprintf("09%08d", rng.IntN(100_000_000)), "", "Thôn Một", "", "{}", string(statuses[rng.IntN(len(statuses))]), 1,
				at, at, 0, 0, "", "", 1, " " + catalog.Fold(name)} // as store.searchName
		}
		if err := w.write(ctx, "dossiers", cols, rows); err != nil {
			return fmt.Errorf("commune %d: %w", i, err)
		}
	}
	return nil
}

// writer writes rows in bulk: multi-row INSERTs in one transaction per commune on
// SQLite, COPY on PostgreSQL.
type writer struct {
	sqlite *sql.DB
	pg     *pgx.Conn
}

func newWriter(ctx context.Context, dsn string) (*writer, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
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

func (w *writer) write(ctx context.Context, table string, cols []string, rows [][]any) error {
	if w.pg != nil {
		_, err := w.pg.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	}
	tx, err := w.sqlite.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const batch = 30 // 26 columns × 30 rows stays under SQLite's 999 parameters
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		var args []any
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for j := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args)+j+1)
			}
			b.WriteString(")")
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func openRaw(dsn string) (*sql.DB, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=query_only(1)&_time_format=sqlite")
	}
	return sql.Open("pgx", dsn)
}

// sampleOf reads up to n dossiers of a unit to look for.
func sampleOf(ctx context.Context, dsn string, unitID int64, n int) ([]row, error) {
	db, err := openRaw(dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT code, applicant_name, applicant_id, applicant_phone, status, submitted_at FROM dossiers
		WHERE competent_unit_id = $1 ORDER BY id LIMIT $2`, unitID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.code, &r.name, &r.id, &r.phone, &r.status, &r.at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no dossiers in unit %d", unitID)
	}
	return out, rows.Err()
}

func rawCount(ctx context.Context, dsn, q string, n *int) error {
	db, err := openRaw(dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.QueryRowContext(ctx, q).Scan(n)
}

// cpuTime is the CPU time this process has used (user and system): on a shared machine
// the wall-clock time of a search includes waiting for a core; this does not (on
// PostgreSQL the server's work is not in it).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
