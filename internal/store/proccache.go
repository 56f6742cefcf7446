package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/xaso-vn/xaso/internal/catalog"
)

// decoded keeps the decoded content of the procedure versions that filings and
// transitions read (PublishedProcedureVersion, ProcedureVersion): decoding a version's
// JSON body cost more than the query that reads it, on every filing. An entry is used
// only when the body just read is byte for byte the one it was decoded from, so an edit,
// by this instance or another, is seen at once; the query still runs every time.
//
// The procedures it returns are shared: their callers (the dossier rules, the inbox,
// the importer) only read them. Pages that edit procedures use the other methods, which
// decode a fresh copy.
type decoded struct {
	mu sync.RWMutex
	m  map[int64]decodedProcedure
}

type decodedProcedure struct {
	body string
	sp   StoredProcedure
}

// decodedLimit bounds the cache: a province's catalogs hold tens of thousands of
// versions, of which the ones in daily use are a few hundred.
const decodedLimit = 1024

// scanShared scans a procedure row like scanProcedure, decoding the body only when the
// cache lacks it.
func (c *decoded) scanShared(row interface{ Scan(...any) error }) (StoredProcedure, error) {
	var sp StoredProcedure
	var body, status string
	if err := row.Scan(&sp.ID, &sp.UnitID, &body, &status); err != nil {
		return sp, err
	}
	c.mu.RLock()
	e, ok := c.m[sp.ID]
	c.mu.RUnlock()
	if ok && e.body == body && e.sp.UnitID == sp.UnitID && string(e.sp.Status) == status {
		return e.sp, nil
	}
	if err := json.Unmarshal([]byte(body), &sp.Procedure); err != nil {
		return sp, fmt.Errorf("store: procedure %d: stored body: %w", sp.ID, err)
	}
	sp.Status = catalog.Status(status)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[int64]decodedProcedure{}
	}
	if _, present := c.m[sp.ID]; !present && len(c.m) >= decodedLimit {
		for id := range c.m { // evict one at random
			delete(c.m, id)
			break
		}
	}
	c.m[sp.ID] = decodedProcedure{body: body, sp: sp}
	c.mu.Unlock()
	return sp, nil
}

// PublishedProcedureVersion returns the id and content of the version of code in force
// in a unit's catalog (dossier.Store). The content is shared: read it, do not modify it.
func (s *Store) PublishedProcedureVersion(ctx context.Context, unitID int64, code string) (int64, catalog.Procedure, error) {
	sp, err := s.decoded.scanShared(s.r.QueryRowContext(ctx, `SELECT `+procCols+` FROM procedures WHERE unit_id = $1 AND code = $2 AND status = $3
		ORDER BY version DESC LIMIT 1`, unitID, code, catalog.StatusPublished))
	if err != nil {
		return 0, catalog.Procedure{}, notFound(err, ErrProcedureNotFound)
	}
	return sp.ID, sp.Procedure, nil
}

// ProcedureVersion returns the content of a stored version (dossier.Store). The content
// is shared: read it, do not modify it.
func (s *Store) ProcedureVersion(ctx context.Context, id int64) (catalog.Procedure, error) {
	sp, err := s.decoded.scanShared(s.r.QueryRowContext(ctx, `SELECT `+procCols+` FROM procedures WHERE id = $1`, id))
	if err != nil {
		return catalog.Procedure{}, notFound(err, ErrProcedureNotFound)
	}
	return sp.Procedure, nil
}
