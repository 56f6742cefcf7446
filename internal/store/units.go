package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/unit"
)

const unitCols = `id, code, level, parent_id, name, ident_code, valid_from, valid_to, replaced_by_id, desk_name, letter_symbol`

func scanUnit(row interface{ Scan(...any) error }) (unit.Unit, error) {
	var u unit.Unit
	var parent, replaced sql.NullInt64
	err := row.Scan(&u.ID, &u.Code, &u.Level, &parent, &u.Name, &u.IdentCode, &u.ValidFrom, &u.ValidTo, &replaced, &u.DeskName, &u.LetterSymbol)
	if parent.Valid {
		u.ParentID = &parent.Int64
	}
	if replaced.Valid {
		u.ReplacedByID = &replaced.Int64
	}
	return u, err
}

// CreateUnit adds an administrative unit and returns its id.
func (s *Store) CreateUnit(ctx context.Context, u unit.Unit) (int64, error) {
	if err := u.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO units (code, level, parent_id, name, ident_code, valid_from, valid_to, replaced_by_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			u.Code, u.Level, u.ParentID, u.Name, u.IdentCode, u.ValidFrom, u.ValidTo, u.ReplacedByID, s.timestamp()).Scan(&id)
		if isUnique(err) {
			return unit.ErrExists.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: unit %s: %w", u.Code, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: id, Action: "unit.create", ObjectType: "unit", ObjectID: strconv.FormatInt(id, 10),
			Fields: []string{"code", "level", "parent_id", "name", "ident_code", "valid_from", "valid_to"}})
	})
	return id, err
}

// UnitByCode returns the unit with a statistics code.
func (s *Store) UnitByCode(ctx context.Context, code string) (unit.Unit, error) {
	u, err := scanUnit(s.r.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE code = $1`, code))
	if err != nil {
		return u, fmt.Errorf("store: unit %s: %w", code, notFound(err, unit.ErrNotFound))
	}
	return u, nil
}

// UnitByID returns a unit.
func (s *Store) UnitByID(ctx context.Context, id int64) (unit.Unit, error) {
	u, err := scanUnit(s.r.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE id = $1`, id))
	if err != nil {
		return u, fmt.Errorf("store: unit %d: %w", id, notFound(err, unit.ErrNotFound))
	}
	return u, nil
}

// Units lists units, provinces first, each by code.
func (s *Store) Units(ctx context.Context, limit, offset int) ([]unit.Unit, int, error) {
	limit, offset = page(limit, offset)
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM units`).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+unitCols+` FROM units ORDER BY LENGTH(code), code LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []unit.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, mapErr(rows.Err())
}

// CountUnits reports how many units exist (the demo loader runs only on an empty database).
func (s *Store) CountUnits(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM units`).Scan(&n)
	return n, mapErr(err)
}

// AddVillage adds a village to a commune.
func (s *Store) AddVillage(ctx context.Context, unitID int64, name string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Each village gets a stable code: the commune's and the next two-digit number.
		code, err := nextVillageCode(ctx, tx, unitID)
		if err != nil {
			return fmt.Errorf("store: village of unit %d: %w", unitID, err)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO villages (unit_id, name, code) VALUES ($1, $2, $3) RETURNING id`, unitID, name, code).Scan(&id)
		if isUnique(err) {
			return unit.ErrExists.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: village of unit %d: %w", unitID, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "village.create", ObjectType: "village",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"name"}})
	})
	return id, err
}

// Villages lists a commune's villages by name.
func (s *Store) Villages(ctx context.Context, unitID int64) ([]unit.Village, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, unit_id, name FROM villages WHERE unit_id = $1 ORDER BY id`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []unit.Village
	for rows.Next() {
		var v unit.Village
		if err := rows.Scan(&v.ID, &v.UnitID, &v.Name); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// ImportUnits adds the units of a list in one transaction, provinces before communes,
// resolving each commune's parent by code (in the list or already stored). Units whose
// code already exists are left as they are and counted as skipped, so the official list
// can be imported again when it grows.
func (s *Store) ImportUnits(ctx context.Context, rows []unit.Row) (added, skipped int, err error) {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b unit.Row) int {
		return cmp.Compare(levelOrder(a.Level), levelOrder(b.Level))
	})
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ids := map[string]int64{}
		for _, r := range sorted {
			var id int64
			switch err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, r.Code).Scan(&id); {
			case err == nil:
				ids[r.Code] = id
				skipped++
				continue
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			u := r.Unit
			if r.ParentCode != "" {
				pid, ok := ids[r.ParentCode]
				if !ok {
					if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, r.ParentCode).Scan(&pid); err != nil {
						return fmt.Errorf("đơn vị %s: không có tỉnh mã %s: %w", r.Code, r.ParentCode, unit.ErrNotFound.With(err))
					}
				}
				u.ParentID = &pid
			}
			if err := u.Validate(); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO units (code, level, parent_id, name, ident_code, valid_from, valid_to, replaced_by_id, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8) RETURNING id`,
				u.Code, u.Level, u.ParentID, u.Name, u.IdentCode, u.ValidFrom, u.ValidTo, s.timestamp()).Scan(&id); err != nil {
				return fmt.Errorf("store: unit %s: %w", u.Code, err)
			}
			ids[r.Code] = id
			added++
			if err := s.appendAudit(ctx, tx, audit.Event{Chain: id, Action: "unit.import", ObjectType: "unit", ObjectID: strconv.FormatInt(id, 10),
				Fields: []string{"code", "level", "parent_id", "name", "ident_code", "valid_from", "valid_to"}}); err != nil {
				return err
			}
		}
		return nil
	})
	return added, skipped, err
}

func levelOrder(l unit.Level) int {
	if l == unit.Province {
		return 0
	}
	return 1
}

// SetUnitSettings replaces a unit's settings (the desk's name, the letters' symbol),
// checked by unit.Settings.Normalize, with its audit record.
func (s *Store) SetUnitSettings(ctx context.Context, id int64, set unit.Settings) (unit.Unit, error) {
	set, bad := set.Normalize()
	if len(bad) > 0 {
		return unit.Unit{}, &unit.SettingsError{Fields: bad}
	}
	var u unit.Unit
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE units SET desk_name = $1, letter_symbol = $2 WHERE id = $3`, set.DeskName, set.LetterSymbol, id)
		if err != nil {
			return fmt.Errorf("store: unit %d settings: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return unit.ErrNotFound
		}
		if u, err = scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE id = $1`, id)); err != nil {
			return mapErr(err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: id, Action: "unit.settings", ObjectType: "unit", ObjectID: strconv.FormatInt(id, 10),
			Fields: []string{"desk_name", "letter_symbol"}})
	})
	return u, err
}

// UnitContact returns a unit's contact for the portal (empty parts when never set).
func (s *Store) UnitContact(ctx context.Context, unitID int64) (unit.Contact, error) {
	var c unit.Contact
	err := s.r.QueryRowContext(ctx, `SELECT address, hotline, email FROM unit_contacts WHERE unit_id = $1`, unitID).
		Scan(&c.Address, &c.Hotline, &c.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return unit.Contact{}, nil
	}
	return c, mapErr(err)
}

// SetUnitContact stores a unit's contact and its audit record in one transaction.
func (s *Store) SetUnitContact(ctx context.Context, unitID int64, c unit.Contact) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_contacts (unit_id, address, hotline, email, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (unit_id) DO UPDATE SET address = excluded.address, hotline = excluded.hotline, email = excluded.email,
			updated_at = excluded.updated_at`, unitID, c.Address, c.Hotline, c.Email, s.timestamp()); err != nil {
			return fmt.Errorf("store: contact of unit %d: %w", unitID, mapErr(err))
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "unit.contact.set", ObjectType: "unit",
			ObjectID: strconv.FormatInt(unitID, 10), Fields: []string{"address", "hotline", "email"}})
	})
}
