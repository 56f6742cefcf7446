package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
)

const delegationCols = `g.id, g.unit_id, g.absent_id, a.full_name, a.username, g.delegate_id, d.full_name, d.username,
	g.starts_on, g.ends_on, g.created_by, g.created_at, g.ended_at`

const delegationFrom = ` FROM delegations g JOIN users a ON a.id = g.absent_id JOIN users d ON d.id = g.delegate_id`

func scanDelegation(row interface{ Scan(...any) error }) (dossier.Delegation, error) {
	var g dossier.Delegation
	var aUser, dUser, from, to string
	var ended sql.NullTime
	if err := row.Scan(&g.ID, &g.UnitID, &g.AbsentID, &g.AbsentName, &aUser, &g.DelegateID, &g.DelegateName, &dUser,
		&from, &to, &g.CreatedBy, &g.CreatedAt, &ended); err != nil {
		return g, err
	}
	if g.AbsentName == "" {
		g.AbsentName = aUser
	}
	if g.DelegateName == "" {
		g.DelegateName = dUser
	}
	var err error
	if g.From, err = calendar.ParseDate(from); err != nil {
		return g, fmt.Errorf("store: delegation %d: %w", g.ID, err)
	}
	if g.To, err = calendar.ParseDate(to); err != nil {
		return g, fmt.Errorf("store: delegation %d: %w", g.ID, err)
	}
	g.CreatedAt = g.CreatedAt.UTC()
	if ended.Valid {
		g.EndedAt = ended.Time.UTC()
	}
	return g, nil
}

func (s *Store) delegations(ctx context.Context, where string, args ...any) ([]dossier.Delegation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+delegationCols+delegationFrom+` WHERE `+where+` ORDER BY g.starts_on, g.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []dossier.Delegation
	for rows.Next() {
		g, err := scanDelegation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}

// DelegationsTo lists the delegations to delegateID in force on day (not ended early).
// ISO dates compare as text on both engines.
func (s *Store) DelegationsTo(ctx context.Context, delegateID int64, day calendar.Date) ([]dossier.Delegation, error) {
	return s.delegations(ctx, `g.delegate_id = $1 AND g.starts_on <= $2 AND g.ends_on >= $2 AND g.ended_at IS NULL`,
		delegateID, day.String())
}

// UnitDelegations lists a unit's delegations not ended early whose last day is on or
// after since: those in force and those to come.
func (s *Store) UnitDelegations(ctx context.Context, unitID int64, since calendar.Date) ([]dossier.Delegation, error) {
	return s.delegations(ctx, `g.unit_id = $1 AND g.ends_on >= $2 AND g.ended_at IS NULL`, unitID, since.String())
}

// Delegation loads one delegation.
func (s *Store) Delegation(ctx context.Context, id int64) (dossier.Delegation, error) {
	g, err := scanDelegation(s.r.QueryRowContext(ctx, `SELECT `+delegationCols+delegationFrom+` WHERE g.id = $1`, id))
	if err != nil {
		return g, notFound(err, dossier.ErrDelegationNotFound)
	}
	return g, nil
}

// CreateDelegation records a delegation with its audit record (ids only).
func (s *Store) CreateDelegation(ctx context.Context, g dossier.Delegation) (dossier.Delegation, error) {
	g.CreatedAt = utc(g.CreatedAt)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO delegations (unit_id, absent_id, delegate_id, starts_on, ends_on, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, g.UnitID, g.AbsentID, g.DelegateID, g.From.String(), g.To.String(),
			g.CreatedBy, g.CreatedAt).Scan(&g.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: g.UnitID, Action: "delegation.create", ObjectType: "delegation",
			ObjectID: strconv.FormatInt(g.ID, 10), Fields: []string{"absent", "delegate", "from", "to"}})
	})
	if err != nil {
		return g, fmt.Errorf("store: create delegation: %w", mapErr(err))
	}
	return g, nil
}

// EndDelegation ends a delegation now, with its audit record; one already ended is
// dossier.ErrDelegationNotFound.
func (s *Store) EndDelegation(ctx context.Context, g dossier.Delegation, _ int64, at time.Time) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE delegations SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL`, utc(at), g.ID)
		if err != nil {
			return fmt.Errorf("store: end delegation %d: %w", g.ID, mapErr(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dossier.ErrDelegationNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: g.UnitID, Action: "delegation.end", ObjectType: "delegation",
			ObjectID: strconv.FormatInt(g.ID, 10), Fields: []string{"ended_at"}})
	})
}

// UnitOfficials lists a unit's active officials (office roles, not disabled) with their
// roles there, by name.
func (s *Store) UnitOfficials(ctx context.Context, unitID int64) ([]dossier.Official, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT u.id, u.full_name, u.username, m.role FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE m.unit_id = $1 AND NOT u.disabled ORDER BY u.full_name, u.username, u.id, m.role`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []dossier.Official
	for rows.Next() {
		var id int64
		var name, username string
		var role auth.Role
		if err := rows.Scan(&id, &name, &username, &role); err != nil {
			return nil, err
		}
		if !slices.Contains(auth.OfficeRoles, role) {
			continue
		}
		if name == "" {
			name = username
		}
		if n := len(out); n > 0 && out[n-1].ID == id {
			out[n-1].Roles = append(out[n-1].Roles, role)
			continue
		}
		out = append(out, dossier.Official{ID: id, Name: name, Roles: []auth.Role{role}})
	}
	return out, mapErr(rows.Err())
}
