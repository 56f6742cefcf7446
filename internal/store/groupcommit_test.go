package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestGroupCommit: many concurrent changes, some failing (an error, a panic, a constraint
// violation, which aborts a PostgreSQL transaction until rolled back to its savepoint):
// exactly the changes answered without error are stored, on both engines.
func TestGroupCommit(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	if err := s.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE gc_test (n BIGINT PRIMARY KEY)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO gc_test (n) VALUES (-1)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := s.GroupStats()
	const n = 300
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO gc_test (n) VALUES ($1)`, i); err != nil {
					return err
				}
				switch {
				case i%7 == 0:
					return fmt.Errorf("change %d gives up", i)
				case i%11 == 0:
					panic(fmt.Sprintf("change %d panics", i))
				case i%13 == 0:
					_, err := tx.ExecContext(ctx, `INSERT INTO gc_test (n) VALUES (-1)`) // a duplicate
					return err
				}
				return nil
			})
		}()
	}
	wg.Wait()
	st := s.GroupStats()
	if commits, changes := st.Commits-before.Commits, st.Changes-before.Changes; changes != n || commits >= n {
		t.Errorf("%d changes in %d commits: want %d changes grouped into fewer commits", changes, commits, n)
	} else {
		t.Logf("%d changes in %d commits", changes, commits)
	}
	want := map[int64]bool{-1: true}
	for i, err := range errs {
		failing := i%7 == 0 || i%11 == 0 || i%13 == 0
		switch {
		case failing && err == nil:
			t.Errorf("change %d: no error", i)
		case !failing && err != nil:
			t.Errorf("change %d: %v", i, err)
		case !failing:
			want[int64(i)] = true
		}
	}
	rows, err := s.ReaderDB().QueryContext(ctx, `SELECT n FROM gc_test`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64]bool{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got[v] = true
	}
	if len(got) != len(want) {
		t.Errorf("%d rows stored, want %d", len(got), len(want))
	}
	for v := range want {
		if !got[v] {
			t.Errorf("change %d acknowledged but not stored", v)
		}
	}
	for v := range got {
		if !want[v] {
			t.Errorf("change %d stored but answered with an error", v)
		}
	}

	// A change whose request has already ended is not run.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	err = s.InTx(cctx, func(ctx context.Context, tx *sql.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("cancelled change: ran %v, err %v", ran, err)
	}
}

// The background checkpoint copies the log into the database while the writer goes on.
func TestCheckpointsBesideTheWriter(t *testing.T) {
	// SQLite's write-ahead log, whichever engine the rest of the suite runs on.
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "xaso.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	_, c := seedUnits(t, s)
	for i := range 50 {
		if _, err := s.AddVillage(ctx, c, fmt.Sprintf("Thôn %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	logFrames, copied, err := store.Checkpoint(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if logFrames == 0 || copied != logFrames {
		t.Fatalf("checkpoint: %d frames in the log, %d copied; want all copied (no reader holds them)", logFrames, copied)
	}
	vs, err := s.Villages(ctx, c)
	if err != nil || len(vs) != 50 {
		t.Fatalf("after the checkpoint: %d villages, %v", len(vs), err)
	}
}
