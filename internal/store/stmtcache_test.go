package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// TestStatementCache: a statement is reused with new arguments; the same statement
// asked for while its rows are still open (a nested query on one connection) is prepared
// afresh and both read their own rows; the cache stays bounded.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open(sqliteDriverName, "file:"+escapePath(filepath.Join(t.TempDir(), "c.db"))+"?"+sqlitePragmas)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (x) VALUES ($1)`, i); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT x FROM t WHERE x >= $1 ORDER BY x`
	read := func(rows *sql.Rows) []int {
		var out []int
		for rows.Next() {
			var x int
			if err := rows.Scan(&x); err != nil {
				t.Fatal(err)
			}
			out = append(out, x)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, from := range []int{4, 2, 5} { // reused with other arguments
		rows, err := db.QueryContext(ctx, q, from)
		if err != nil {
			t.Fatal(err)
		}
		if got := read(rows); len(got) != 6-from || got[0] != from {
			t.Fatalf("from %d: %v", from, got)
		}
		rows.Close()
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	outer, err := tx.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for outer.Next() {
		var x int
		if err := outer.Scan(&x); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, q, x)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, fmt.Sprint(x, read(inner)))
		inner.Close()
	}
	outer.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pairs) != "[1 [1 2 3 4 5] 2 [2 3 4 5] 3 [3 4 5] 4 [4 5] 5 [5]]" {
		t.Fatalf("nested queries: %v", pairs)
	}
	for i := 0; i < maxCachedStatements+20; i++ {
		var n int
		if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM t`, i)).Scan(&n); err != nil || n != 5+i {
			t.Fatalf("query %d: %d %v", i, n, err)
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error {
		if n := len(dc.(*cachingConn).stmts); n == 0 || n > maxCachedStatements {
			return fmt.Errorf("%d statements cached", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
