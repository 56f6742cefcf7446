package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/catalog"
)

// StoredProcedure is one version of a procedure with its row id (what a dossier keeps).
type StoredProcedure struct {
	ID     int64
	UnitID int64
	catalog.Procedure
}

// Errors of the catalog store.
var (
	ErrProcedureNotFound = apperr.New(apperr.NotFound, "procedure_not_found", "Không tìm thấy thủ tục hành chính.")
	ErrProcedureExists   = apperr.New(apperr.Conflict, "procedure_exists", "Mã thủ tục này đã có trong danh mục của đơn vị.")
	ErrNoDraft           = apperr.New(apperr.Conflict, "no_draft", "Thủ tục không có bản nháp nào để công bố.")
)

func (s *Store) insertProcedure(ctx context.Context, tx *sql.Tx, unitID int64, p catalog.Procedure) (int64, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("store: procedure %s: %w", p.Code, err)
	}
	now := s.timestamp()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO procedures (unit_id, code, version, status, name, field_code, field_name, online_level, search, body, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		unitID, p.Code, p.Version, p.Status, p.Name, p.Field.Code, p.Field.Name, p.OnlineLevel, catalog.Fold(p.SearchText()), string(body), now).Scan(&id)
	if isUnique(err) {
		return 0, ErrProcedureExists.With(err)
	}
	if err != nil {
		return 0, fmt.Errorf("store: procedure %s: %w", p.Code, err)
	}
	return id, s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "procedure.version." + string(p.Status), ObjectType: "procedure",
		ObjectID: strconv.FormatInt(id, 10), Fields: []string{"code", "version", "body"}})
}

func (s *Store) setProcedure(ctx context.Context, tx *sql.Tx, unitID, id int64, p catalog.Procedure, action string) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: procedure %s: %w", p.Code, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE procedures SET status = $1, name = $2, field_code = $3, field_name = $4, online_level = $5,
		search = $6, body = $7, updated_at = $8 WHERE id = $9`, p.Status, p.Name, p.Field.Code, p.Field.Name, p.OnlineLevel,
		catalog.Fold(p.SearchText()), string(body), s.timestamp(), id); err != nil {
		return fmt.Errorf("store: procedure %s: %w", p.Code, err)
	}
	return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: action, ObjectType: "procedure",
		ObjectID: strconv.FormatInt(id, 10), Fields: []string{"status", "body"}})
}

const procCols = `id, unit_id, body, status`

func scanProcedure(row interface{ Scan(...any) error }) (StoredProcedure, error) {
	var sp StoredProcedure
	var body, status string
	if err := row.Scan(&sp.ID, &sp.UnitID, &body, &status); err != nil {
		return sp, err
	}
	if err := json.Unmarshal([]byte(body), &sp.Procedure); err != nil {
		return sp, fmt.Errorf("store: procedure %d: stored body: %w", sp.ID, err)
	}
	sp.Status = catalog.Status(status)
	return sp, nil
}

// ProcedureVersionByID returns one stored version (the one a dossier keeps).
func (s *Store) ProcedureVersionByID(ctx context.Context, id int64) (StoredProcedure, error) {
	sp, err := scanProcedure(s.r.QueryRowContext(ctx, `SELECT `+procCols+` FROM procedures WHERE id = $1`, id))
	if err != nil {
		return sp, notFound(err, ErrProcedureNotFound)
	}
	return sp, nil
}

// PublishedProcedure returns the version of code in force in a unit's catalog.
func (s *Store) PublishedProcedure(ctx context.Context, unitID int64, code string) (StoredProcedure, error) {
	return s.procedureWithStatus(ctx, s.r, unitID, code, catalog.StatusPublished)
}

// DraftProcedure returns the draft of code, if any.
func (s *Store) DraftProcedure(ctx context.Context, unitID int64, code string) (StoredProcedure, error) {
	return s.procedureWithStatus(ctx, s.r, unitID, code, catalog.StatusDraft)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) procedureWithStatus(ctx context.Context, q querier, unitID int64, code string, st catalog.Status) (StoredProcedure, error) {
	sp, err := scanProcedure(q.QueryRowContext(ctx, `SELECT `+procCols+` FROM procedures WHERE unit_id = $1 AND code = $2 AND status = $3
		ORDER BY version DESC LIMIT 1`, unitID, code, st))
	if err != nil {
		return sp, notFound(err, ErrProcedureNotFound)
	}
	return sp, nil
}

// ProcedureQuery filters the public catalog.
type ProcedureQuery struct {
	Text        string // searched folded: "dang ky khai sinh" finds "Đăng ký khai sinh"
	Field       string // field code
	OnlineLevel string
	Limit       int
	Offset      int
}

// Procedures lists the versions in force of a unit's catalog, by code.
func (s *Store) Procedures(ctx context.Context, unitID int64, q ProcedureQuery) ([]StoredProcedure, int, error) {
	limit, offset := page(q.Limit, q.Offset)
	where := []string{"unit_id = $1", "status = 'published'"}
	args := []any{unitID}
	for _, term := range catalog.SearchTerms(q.Text) {
		args = append(args, "%"+escapeLike(term)+"%")
		where = append(where, `search LIKE $`+strconv.Itoa(len(args))+` ESCAPE '\'`)
	}
	if q.Field != "" {
		args = append(args, q.Field)
		where = append(where, "field_code = $"+strconv.Itoa(len(args)))
	}
	if q.OnlineLevel != "" {
		args = append(args, q.OnlineLevel)
		where = append(where, "online_level = $"+strconv.Itoa(len(args)))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedures WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	n := len(args)
	rows, err := s.r.QueryContext(ctx, `SELECT `+procCols+` FROM procedures WHERE `+cond+` ORDER BY field_name, name LIMIT $`+
		strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []StoredProcedure
	for rows.Next() {
		sp, err := scanProcedure(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, sp)
	}
	return out, total, mapErr(rows.Err())
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ProcedureFields lists the fields (lĩnh vực) of a unit's catalog in force, for filters.
func (s *Store) ProcedureFields(ctx context.Context, unitID int64) ([]catalog.Field, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT field_code, field_name FROM procedures WHERE unit_id = $1 AND status = 'published' ORDER BY field_name`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []catalog.Field
	for rows.Next() {
		var f catalog.Field
		if err := rows.Scan(&f.Code, &f.Name); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}

// SaveDraft stores p as the draft of its code: a new procedure's version 1, the draft in
// place when one exists, or else a new version after the one in force (editing a
// published procedure never changes it: its dossiers keep their rules).
func (s *Store) SaveDraft(ctx context.Context, unitID int64, p catalog.Procedure) (StoredProcedure, error) {
	var out StoredProcedure
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		draft, err := s.procedureWithStatus(ctx, tx, unitID, p.Code, catalog.StatusDraft)
		switch {
		case err == nil:
			p.Version, p.Status = draft.Version, catalog.StatusDraft
			if err := p.Validate(); err != nil {
				return err
			}
			out = StoredProcedure{ID: draft.ID, UnitID: unitID, Procedure: p}
			return s.setProcedure(ctx, tx, unitID, draft.ID, p, "procedure.draft.update")
		case !errors.Is(err, ErrProcedureNotFound):
			return err
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM procedures WHERE unit_id = $1 AND code = $2`, unitID, p.Code).Scan(&last); err != nil {
			return err
		}
		p.Version, p.Status = int(last.Int64)+1, catalog.StatusDraft
		if err := p.Validate(); err != nil {
			return err
		}
		id, err := s.insertProcedure(ctx, tx, unitID, p)
		out = StoredProcedure{ID: id, UnitID: unitID, Procedure: p}
		return err
	})
	return out, err
}

// Publish puts the draft of code in force and archives the version it replaces.
func (s *Store) Publish(ctx context.Context, unitID int64, code string) (StoredProcedure, error) {
	var out StoredProcedure
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		draft, err := s.procedureWithStatus(ctx, tx, unitID, code, catalog.StatusDraft)
		if errors.Is(err, ErrProcedureNotFound) {
			return ErrNoDraft
		}
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, unitID, draft, &out)
	})
	return out, err
}

func (s *Store) publish(ctx context.Context, tx *sql.Tx, unitID int64, draft StoredProcedure, out *StoredProcedure) error {
	current, err := s.procedureWithStatus(ctx, tx, unitID, draft.Code, catalog.StatusPublished)
	var cur *catalog.Procedure
	switch {
	case err == nil:
		cur = &current.Procedure
	case !errors.Is(err, ErrProcedureNotFound):
		return err
	}
	published, archived, err := catalog.Publish(draft.Procedure, cur)
	if err != nil {
		return err
	}
	if archived != nil {
		if err := s.setProcedure(ctx, tx, unitID, current.ID, *archived, "procedure.archive"); err != nil {
			return err
		}
	}
	*out = StoredProcedure{ID: draft.ID, UnitID: unitID, Procedure: published}
	return s.setProcedure(ctx, tx, unitID, draft.ID, published, "procedure.publish")
}

// ImportCatalog brings a whole catalog into a unit's, all or nothing: every procedure
// becomes a new version of its code (version 1 if new), published at once when publish
// is set. One bad procedure rolls back the whole import.
func (s *Store) ImportCatalog(ctx context.Context, unitID int64, c catalog.Catalog, publish bool) (int, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, p := range c.Procedures {
			if _, err := tx.ExecContext(ctx, `DELETE FROM procedures WHERE unit_id = $1 AND code = $2 AND status = 'draft'`, unitID, p.Code); err != nil {
				return err
			}
			var last sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM procedures WHERE unit_id = $1 AND code = $2`, unitID, p.Code).Scan(&last); err != nil {
				return err
			}
			p.Version, p.Status = int(last.Int64)+1, catalog.StatusDraft
			id, err := s.insertProcedure(ctx, tx, unitID, p)
			if err != nil {
				return err
			}
			if publish {
				var out StoredProcedure
				if err := s.publish(ctx, tx, unitID, StoredProcedure{ID: id, UnitID: unitID, Procedure: p}, &out); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(c.Procedures), nil
}

// CatalogInForce returns the versions in force of a unit's catalog, for export.
func (s *Store) CatalogInForce(ctx context.Context, unitID int64) (catalog.Catalog, error) {
	var c catalog.Catalog
	for offset := 0; ; offset += 500 {
		ps, total, err := s.Procedures(ctx, unitID, ProcedureQuery{Limit: 500, Offset: offset})
		if err != nil {
			return c, err
		}
		for _, p := range ps {
			c.Procedures = append(c.Procedures, p.Procedure)
		}
		if offset+500 >= total {
			return c, nil
		}
	}
}

// ProcedureUse counts the dossiers of each procedure a unit received from month since
// ("YYYY-MM") on, from the monthly counters: the intake page lists the most used first.
func (s *Store) ProcedureUse(ctx context.Context, unitID int64, since string) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT procedure_code, CAST(SUM(n) AS BIGINT) FROM dossier_counts_monthly
		WHERE unit_id = $1 AND measure = 'received' AND month >= $2 GROUP BY procedure_code`, unitID, since)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			return nil, err
		}
		out[code] = n
	}
	return out, mapErr(rows.Err())
}
