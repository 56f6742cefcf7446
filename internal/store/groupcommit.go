package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit. Every change of xaso is one short write transaction, and with
// synchronous=FULL (SQLite) or a synchronous commit (PostgreSQL) each commit waits for the
// disk. When writes queue up, the committer runs the waiting ones in one database
// transaction, each inside a savepoint of its own, and commits once: one disk flush for
// the group. A change that fails rolls back to its savepoint and its caller gets the
// error; the others go on. Nobody is answered before the commit that holds their change
// has returned, so an acknowledged change is as durable as before; if the commit fails,
// every change of the group fails and none is acknowledged.
//
// While a change runs in a group it cannot be cancelled: a statement interrupted by its
// request's context (a client that hung up) would abort the transaction of the whole
// group on SQLite. A change whose context ends before it starts is skipped.

// maxGroup bounds the changes of one group, so one commit's wait stays short.
const maxGroup = 64

// txFunc is one change: the statements of a write transaction.
type txFunc func(ctx context.Context, tx *sql.Tx) error

type txRequest struct {
	ctx  context.Context
	fn   txFunc
	done chan error
}

// committer collects write transactions and runs them in groups.
type committer struct {
	db     *sql.DB
	queue  chan txRequest
	stop   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once
	// commits and changes count the commits made and the changes they held.
	commits, changes atomic.Int64
}

// GroupStats are the commits of write transactions and the changes they held: changes ÷
// commits is the mean group size.
type GroupStats struct{ Commits, Changes int64 }

// GroupStats reports how the write transactions were grouped since the store opened.
func (s *Store) GroupStats() GroupStats {
	if s.group == nil {
		return GroupStats{}
	}
	return GroupStats{Commits: s.group.commits.Load(), Changes: s.group.changes.Load()}
}

func newCommitter(db *sql.DB) *committer {
	c := &committer{db: db, queue: make(chan txRequest), stop: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

// errClosed answers changes sent after Close.
var errClosed = errors.New("store: closed")

// run runs fn in a group and waits for its commit.
func (c *committer) run(ctx context.Context, fn txFunc) error {
	req := txRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case c.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stop:
		return ErrUnavailable.With(errClosed)
	}
	// Once taken, the change is answered after its group's commit, whatever ctx does:
	// the caller must not report a failure for a change that is committed.
	return <-req.done
}

func (c *committer) close() {
	c.closed.Do(func() { close(c.stop) })
	c.wg.Wait()
}

func (c *committer) loop() {
	defer c.wg.Done()
	for {
		var first txRequest
		select {
		case first = <-c.queue:
		case <-c.stop:
			return
		}
		group := []txRequest{first}
	collect:
		for len(group) < maxGroup {
			select {
			case r := <-c.queue:
				group = append(group, r)
			default:
				break collect
			}
		}
		c.commit(group)
	}
}

// commit runs a group. A group of one runs as a plain transaction under its own context.
func (c *committer) commit(group []txRequest) {
	c.commits.Add(1)
	c.changes.Add(int64(len(group)))
	if len(group) == 1 {
		r := group[0]
		r.done <- plainTx(r.ctx, c.db, r.fn)
		return
	}
	results := make([]error, len(group))
	fail := func(err error) {
		for _, r := range group {
			r.done <- err
		}
	}
	tx, err := c.db.BeginTx(context.Background(), nil)
	if err != nil {
		fail(mapErr(err))
		return
	}
	ctx := context.Background()
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT change`); err != nil {
			tx.Rollback()
			fail(mapErr(err))
			return
		}
		if results[i] = runChange(context.WithoutCancel(r.ctx), tx, r.fn); results[i] != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT change`); err != nil {
				tx.Rollback()
				fail(mapErr(err))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT change`); err != nil {
			tx.Rollback()
			fail(mapErr(err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(mapErr(err))
		return
	}
	for i, r := range group {
		r.done <- results[i]
	}
}

// runChange runs one change of a group; a panic fails the change, not the group.
func runChange(ctx context.Context, tx *sql.Tx, fn txFunc) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: panic in a transaction: %v", p)
		}
	}()
	return fn(ctx, tx)
}

// plainTx runs fn in a transaction of its own, committing when it returns nil.
func plainTx(ctx context.Context, db *sql.DB, fn txFunc) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := runChange(ctx, tx, fn); err != nil {
		tx.Rollback()
		return err
	}
	return mapErr(tx.Commit())
}
