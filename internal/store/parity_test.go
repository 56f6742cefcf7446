package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// column is one column as both engines can describe it.
type column struct {
	Table, Name, Class string
	NotNull            bool
}

func (c column) String() string {
	return fmt.Sprintf("%s.%s %s notnull=%v", c.Table, c.Name, c.Class, c.NotNull)
}

// classes maps each engine's type names to what Go code sees.
var classes = map[string]string{
	"INTEGER": "int", "BIGINT": "int", "bigint": "int", "integer": "int",
	"TEXT": "text", "text": "text",
	"BLOB": "bytes", "bytea": "bytes",
	"TIMESTAMP": "time", "timestamp with time zone": "time",
	"BOOLEAN": "bool", "boolean": "bool",
	"REAL": "float", "double precision": "float",
}

func class(t *testing.T, typ string) string {
	c, ok := classes[typ]
	if !ok {
		t.Fatalf("type %q has no class in the parity test: add it, or use a portable type", typ)
	}
	return c
}

func sqliteColumns(t *testing.T, db *sql.DB) []column {
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var out []column
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT name, type, "notnull", pk FROM pragma_table_info($1)`, tbl)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c column
			var notnull, pk int
			var typ string
			if err := rows.Scan(&c.Name, &typ, &notnull, &pk); err != nil {
				t.Fatal(err)
			}
			c.Table, c.Class, c.NotNull = tbl, class(t, typ), notnull == 1 || pk > 0
			out = append(out, c)
		}
		rows.Close()
	}
	return out
}

func postgresColumns(t *testing.T, db *sql.DB) []column {
	rows, err := db.Query(`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		var typ, nullable string
		if err := rows.Scan(&c.Table, &c.Name, &typ, &nullable); err != nil {
			t.Fatal(err)
		}
		c.Class, c.NotNull = class(t, typ), nullable == "NO"
		out = append(out, c)
	}
	return out
}

// TestSchemaParity migrates both engines and compares every table, column, type class and
// nullability. It needs PostgreSQL (XASO_TEST_POSTGRES), which CI provides.
func TestSchemaParity(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("XASO_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	lite, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := storetest.Open(t)

	a, b := sqliteColumns(t, lite.ReaderDB()), postgresColumns(t, pg.ReaderDB())
	key := func(c column) string { return c.Table + "." + c.Name }
	slices.SortFunc(a, func(x, y column) int { return strings.Compare(key(x), key(y)) })
	slices.SortFunc(b, func(x, y column) int { return strings.Compare(key(x), key(y)) })
	if len(a) == 0 {
		t.Fatal("no columns found")
	}
	if !slices.Equal(a, b) {
		t.Errorf("schemas differ\nsqlite:\n%s\npostgres:\n%s", join(a), join(b))
	}
}

// TestMigrationsPaired checks that every migration exists for both engines, so the parity
// test always compares like with like.
func TestMigrationsPaired(t *testing.T) {
	l, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != len(p) {
		t.Fatalf("%d sqlite migrations, %d postgres", len(l), len(p))
	}
	for i := range l {
		if l[i].Name != p[i].Name {
			t.Errorf("migration %d: %s vs %s", i, l[i].Name, p[i].Name)
		}
	}
}

func join(cs []column) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("  " + c.String() + "\n")
	}
	return b.String()
}
