package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres explains that PostgreSQL is backed up with its own tools.
var ErrBackupPostgres = errors.New("với PostgreSQL hãy dùng pg_dump (use pg_dump for PostgreSQL): pg_dump --format=custom --file=xaso.dump \"$XASO_DB\"")

// Backup writes a consistent copy of a SQLite database to path while xaso keeps running:
// VACUUM INTO reads one snapshot, so the copy is a valid database even under writes.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("tệp %s đã có; chọn tên khác (file exists)", path)
	}
	if _, err := s.w.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
