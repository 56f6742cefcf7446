package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// SQLite connections keep their prepared statements. The driver prepares (parses and
// plans) every statement it is given as text; on the intake path that parsing was about
// a quarter of the server's CPU (go test -bench OnlineFilingHTTP -cpuprofile), spent
// again on every request for the same few dozen statements. cachingConn keeps each
// connection's statements by their text and hands the same one back while it is free; a
// statement still in use (its rows not yet closed) is prepared afresh for the second
// caller. The driver resets a reused statement when its rows close. PostgreSQL needs
// none of this: pgx keeps its own statement cache per connection.

// sqliteDriverName is the caching driver's name for sql.Open.
const sqliteDriverName = "xaso-sqlite"

// maxCachedStatements bounds one connection's cache; the store has a few hundred
// statements, some with a variable number of placeholders.
const maxCachedStatements = 512

func init() {
	sql.Register(sqliteDriverName, cachingDriver{&sqlite.Driver{}})
}

type cachingDriver struct{ d driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.d.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{conn: c, stmts: map[string]*cachedStmt{}}, nil
}

// cachingConn is a SQLite connection with its statement cache. It implements neither
// ExecerContext nor QueryerContext, so database/sql prepares every statement through
// PrepareContext, which the cache answers.
type cachingConn struct {
	conn  driver.Conn
	stmts map[string]*cachedStmt
}

// The driver's connection implements these; the wrapper passes them on.
type sqliteConn interface {
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func (c *cachingConn) inner() sqliteConn { return c.conn.(sqliteConn) }

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if s, ok := c.stmts[query]; ok && !s.busy {
		s.busy = true
		return s, nil
	}
	st, err := c.inner().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if _, ok := c.stmts[query]; ok {
		return st, nil // the cached one is in use: this one is closed after its use
	}
	if len(c.stmts) >= maxCachedStatements {
		for q, s := range c.stmts {
			if !s.busy {
				s.stmt.Close()
				delete(c.stmts, q)
			}
		}
	}
	s := &cachedStmt{stmt: st, busy: true}
	c.stmts[query] = s
	return s, nil
}

func (c *cachingConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.stmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.conn.Close())...)
}

func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.inner().BeginTx(context.Background(), driver.TxOptions{})
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner().BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.inner().Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner().ResetSession(ctx) }

func (c *cachingConn) IsValid() bool { return c.inner().IsValid() }

// cachedStmt is a statement of the cache: closing it makes it free for the next caller.
type cachedStmt struct {
	stmt driver.Stmt
	busy bool
}

// The driver's statement implements these.
type sqliteStmt interface {
	driver.StmtExecContext
	driver.StmtQueryContext
}

func (s *cachedStmt) Close() error { s.busy = false; return nil }

func (s *cachedStmt) NumInput() int { return s.stmt.NumInput() }

func (s *cachedStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.stmt.Exec(args) // database/sql calls ExecContext; kept for the interface
}

func (s *cachedStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.stmt.Query(args) // database/sql calls QueryContext; kept for the interface
}

func (s *cachedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.stmt.(sqliteStmt).ExecContext(ctx, args)
}

func (s *cachedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.stmt.(sqliteStmt).QueryContext(ctx, args)
}
