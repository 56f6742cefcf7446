package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// SQLite checkpoints. In WAL mode every commit appends to the write-ahead log, and a
// checkpoint copies the log back into the database file (and, with synchronous=FULL,
// flushes it). By default the commit that takes the log past 1,000 pages runs the
// checkpoint itself, so every few thousand filings one group of callers waited for a
// copy and a flush that were not theirs: the spikes in intake's p99. A checkpoint can run
// beside the writer, so a goroutine with a connection of its own runs a passive one
// every checkpointEvery; the writer's own threshold stays, raised to
// writerCheckpointPages, as a safety net should the goroutine fall behind. Durability is
// unchanged: a commit is durable once its log frames are flushed, before it is
// acknowledged, whoever copies them later.

const (
	checkpointEvery       = 250 * time.Millisecond
	writerCheckpointPages = 10000 // about 40 MB of log
)

type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	wg   sync.WaitGroup
}

func startCheckpointer(path string) (*checkpointer, error) {
	db, err := sql.Open(sqliteDriverName, "file:"+escapePath(path)+"?"+sqlitePragmas)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				// A busy or failed checkpoint is tried again at the next tick; the
				// writer's threshold bounds the log meanwhile.
				c.checkpoint(context.Background())
			}
		}
	}()
	return c, nil
}

// checkpoint runs one passive checkpoint: it copies what no reader still needs and
// never waits for the writer or the readers. It returns the frames in the log and those
// copied.
func (c *checkpointer) checkpoint(ctx context.Context) (logFrames, copied int, err error) {
	var busy int
	err = c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &copied)
	return logFrames, copied, err
}

func (c *checkpointer) close() error {
	close(c.stop)
	c.wg.Wait()
	return c.db.Close()
}
