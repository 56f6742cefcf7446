// Package store is the one database/sql implementation of every capability's store
// interface, on SQLite (modernc, the default, embedded) and PostgreSQL (pgx). The SQL is
// hand-written and portable ($n placeholders, RETURNING, ON CONFLICT work on both); the
// dialect switch is used only where the engines truly differ.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Dialect names a database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is xaso's storage. On SQLite it keeps one writer connection (SQLite has one writer
// at a time; queueing in Go rather than on busy_timeout keeps tail latency low) and a pool
// of read-only connections; on PostgreSQL both are the same pool.
type Store struct {
	w, r    *sql.DB
	dialect Dialect
	now     func() time.Time
	group   *committer // write transactions, committed in groups (groupcommit.go)
	decoded decoded    // procedure versions read by filings and transitions (proccache.go)
	// checkpoints copies SQLite's write-ahead log into the database beside the writer.
	checkpoints *checkpointer
	// uploadCaps bound the files of a dossier and of a user's day (nil: the defaults).
	uploadCaps atomic.Pointer[UploadCaps]
}

// ErrUnavailable means the database cannot be reached.
var ErrUnavailable = apperr.New(apperr.Unavailable, "database_unavailable", "Cơ sở dữ liệu tạm thời không truy cập được.")

// sqlitePragmas are the connection settings of every SQLite connection: WAL for
// concurrent readers, synchronous=FULL because commune PCs lose power and a dossier code
// printed on a receipt must never be lost and issued again.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)&_time_format=sqlite"

// Open connects to dsn ("sqlite:PATH" or "postgres://…"), checks the connection and
// applies pending migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{now: time.Now}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		// Writes have a pool of their own: the committer takes one connection per group,
		// and in a pool shared with the reads it waited behind them (database/sql hands a
		// freed connection to any waiter), so under load commits queued behind look-ups.
		w, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		w.SetMaxOpenConns(4)
		w.SetMaxIdleConns(4)
		w.SetConnMaxIdleTime(5 * time.Minute)
		r, err := sql.Open("pgx", dsn)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		r.SetMaxOpenConns(max(8, 4*runtime.NumCPU()))
		r.SetMaxIdleConns(max(8, 4*runtime.NumCPU()))
		r.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.r, s.dialect = w, r, Postgres
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		// The writer keeps its temporary files in memory: group commit wraps every change
		// in a savepoint, whose undo pages (the statement journal) otherwise went to a
		// temporary file, one write call per page and per page number. They are never
		// needed after a crash, so nothing durable moves.
		// Checkpoints run beside it (checkpoint.go); its own threshold is a safety net.
		w, err := sql.Open(sqliteDriverName, "file:"+escapePath(path)+"?"+sqlitePragmas+"&_pragma=temp_store(MEMORY)"+
			"&_pragma=wal_autocheckpoint("+strconv.Itoa(writerCheckpointPages)+")&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		r, err := sql.Open(sqliteDriverName, "file:"+escapePath(path)+"?"+sqlitePragmas+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// Every reader stays open: the default keeps two idle, so under load the others
		// were closed and reopened, their pragmas run and their statement cache lost.
		r.SetMaxOpenConns(max(4, runtime.NumCPU()))
		r.SetMaxIdleConns(max(4, runtime.NumCPU()))
		s.w, s.r, s.dialect = w, r, SQLite
	default:
		return nil, fmt.Errorf("store: unknown database %q: want sqlite:PATH or postgres://", dsn)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.w.PingContext(pingCtx); err != nil {
		s.Close()
		return nil, ErrUnavailable.With(err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.dialect == SQLite {
		cp, err := startCheckpointer(strings.TrimPrefix(dsn, "sqlite:"))
		if err != nil {
			s.Close()
			return nil, err
		}
		s.checkpoints = cp
	}
	s.group = newCommitter(s.w)
	return s, nil
}

func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// Close closes the connections.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
	var err error
	if s.checkpoints != nil {
		err = s.checkpoints.close()
	}
	err = errors.Join(err, s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Dialect returns the engine in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return ErrUnavailable.With(err)
	}
	return nil
}

// SetClock replaces the clock, for tests.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// timestamp is the current instant as stored: UTC, microseconds (PostgreSQL's precision).
func (s *Store) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// inTx runs fn in a write transaction, committing when it returns nil. fn must use the
// ctx it is given (it may run in a group of transactions, where it is not cancellable).
// Called with a ctx from joining, it runs fn in that transaction instead.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if tx, ok := ctx.Value(joinedTx{}).(*sql.Tx); ok {
		return fn(ctx, tx)
	}
	if s.group != nil {
		return s.group.run(ctx, fn)
	}
	return plainTx(ctx, s.w, fn)
}

type joinedTx struct{}

// joining returns ctx carrying tx, for a hook a capability runs inside one of the
// store's transactions (dossier.NewDossier.Within): the store's writes it makes with
// that ctx join tx, so they commit with it or not at all. Only writes join: reads
// through s.r do not see tx's rows.
func joining(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, joinedTx{}, tx)
}

// joined reports whether ctx runs inside another change's transaction.
func joined(ctx context.Context) bool {
	_, ok := ctx.Value(joinedTx{}).(*sql.Tx)
	return ok
}

// isUnique reports whether err is a unique-constraint violation on either engine.
func isUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// mapErr turns driver errors that mean "the database is not there" into ErrUnavailable
// and sql.ErrNoRows into apperr.ErrNotFound; others pass through.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return apperr.ErrNotFound.With(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && (strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57P")) {
		return ErrUnavailable.With(err)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return ErrUnavailable.With(err)
	}
	return err
}

// notFound maps sql.ErrNoRows to the capability's own sentinel.
func notFound(err error, sentinel *apperr.Error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return sentinel.With(err)
	}
	return mapErr(err)
}

// page clamps list limits: every list endpoint takes limit and offset.
func page(limit, offset int) (int, int) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return limit, max(0, offset)
}

// ReaderOf exposes the read pool to tests of other packages that must look at tables
// directly (the report's rebuild test compares the counter tables).
func ReaderOf(s *Store) *sql.DB { return s.r }
