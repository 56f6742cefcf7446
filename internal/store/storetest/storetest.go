// Package storetest opens a fresh, migrated database for a test: a SQLite file in the
// test's temporary directory, or — when XASO_TEST_POSTGRES holds a PostgreSQL URL — a
// schema of its own in that database, dropped when the test ends. Every test therefore
// starts clean and packages can run in parallel on one PostgreSQL server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/xaso-vn/xaso/internal/store"
)

// PostgresURL returns the PostgreSQL URL of the test run, or "" for SQLite.
func PostgresURL() string { return os.Getenv("XASO_TEST_POSTGRES") }

// DSN returns a database address for a test (without opening it) and registers its
// cleanup.
func DSN(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "xaso.db")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("storetest: create schema (is PostgreSQL running at XASO_TEST_POSTGRES?): %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: XASO_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated store on a fresh database, closed when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), DSN(t))
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
