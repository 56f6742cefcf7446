package store

import "database/sql"

// ReaderDB exposes the read pool to the package's external tests.
func (s *Store) ReaderDB() *sql.DB { return s.r }
