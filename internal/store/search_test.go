package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/store"
)

// The dossiers stored before migration dossier_search get their folded name from its
// step; those stored since get it with their row.
func TestApplicantFold(t *testing.T) {
	ctx := context.Background()
	e := newDemoEnv(t)
	check := func(when string) {
		t.Helper()
		rows, err := e.s.ReaderDB().QueryContext(ctx, `SELECT applicant_name, applicant_fold FROM dossiers`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var name, fold string
			if err := rows.Scan(&name, &fold); err != nil {
				t.Fatal(err)
			}
			if want := " " + catalog.Fold(name); fold != want || want == " " {
				t.Fatalf("%s: %q folded as %q, want %q", when, name, fold, want)
			}
			n++
		}
		if err := rows.Err(); err != nil || n < 10 {
			t.Fatalf("%s: %d dossiers, %v", when, n, err)
		}
	}
	check("as stored")
	if err := e.s.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET applicant_fold = ''`); err != nil {
			return err
		}
		return store.FoldApplicantNames(ctx, tx)
	}); err != nil {
		t.Fatal(err)
	}
	check("after the migration's step")
}
