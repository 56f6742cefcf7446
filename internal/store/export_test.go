package store

import (
	"context"
	"database/sql"
)

// ReaderDB exposes the read pool to the package's external tests.
func (s *Store) ReaderDB() *sql.DB { return s.r }

// InTx exposes the write-transaction runner (and its group commit) to the tests.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return s.inTx(ctx, fn)
}

// Checkpoint runs one background checkpoint now (SQLite).
func Checkpoint(ctx context.Context, s *Store) (logFrames, copied int, err error) {
	return s.checkpoints.checkpoint(ctx)
}

// FoldApplicantNames runs the step of migration dossier_search again.
var FoldApplicantNames = foldApplicantNames
