package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/consent"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// Volunteer finds a user serving on a community digital team by their username: their
// id, name and the unit of their team. A disabled account is no volunteer.
func (s *Store) Volunteer(ctx context.Context, username string) (id, unitID int64, name string, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT u.id, m.unit_id, u.full_name FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE u.username = $1 AND m.role = $2 AND NOT u.disabled ORDER BY m.unit_id LIMIT 1`, username, auth.RoleDigitalTeam).
		Scan(&id, &unitID, &name)
	return id, unitID, name, notFound(err, consent.ErrNotVolunteer)
}

// GrantConsent records a citizen's consent, with its audit record (which names the
// consent and its fields, never the people). A consent already standing for the same
// citizen, volunteer, unit and purpose is returned as it is (created = false): agreeing
// twice changes nothing.
func (s *Store) GrantConsent(ctx context.Context, c consent.Consent) (out consent.Consent, created bool, err error) {
	if c.CitizenID == c.VolunteerID {
		return c, false, consent.ErrSelf
	}
	c.GivenAt, c.RevokedAt = s.timestamp(), time.Time{}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, given_at FROM consents WHERE citizen_id = $1 AND volunteer_id = $2 AND unit_id = $3
			AND purpose = $4 AND revoked_at IS NULL`, c.CitizenID, c.VolunteerID, c.UnitID, c.Purpose).Scan(&c.ID, &c.GivenAt)
		if err == nil {
			c.GivenAt = c.GivenAt.UTC()
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO consents (citizen_id, volunteer_id, unit_id, purpose, text, given_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.CitizenID, c.VolunteerID, c.UnitID, c.Purpose, c.Text, c.GivenAt).Scan(&c.ID); err != nil {
			return err
		}
		created = true
		return s.appendAudit(ctx, tx, audit.Event{Chain: c.UnitID, Action: "consent.granted", ObjectType: "consent",
			ObjectID: strconv.FormatInt(c.ID, 10), Fields: []string{"citizen", "volunteer", "unit", "purpose", "text"}})
	})
	if isUnique(err) {
		// A grant at the same moment won: answer with it.
		return s.GrantConsent(ctx, c)
	}
	if err != nil {
		return c, false, fmt.Errorf("store: grant consent: %w", mapErr(err))
	}
	return c, created, nil
}

// RevokeConsent ends one of the citizen's consents from now on. Someone else's consent
// is not found; one already ended is consent.ErrRevoked.
func (s *Store) RevokeConsent(ctx context.Context, citizenID, id int64) (consent.Consent, error) {
	var c consent.Consent
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var revoked sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT unit_id, revoked_at FROM consents WHERE id = $1 AND citizen_id = $2`, id, citizenID).
			Scan(&c.UnitID, &revoked); err != nil {
			return notFound(err, consent.ErrNotFound)
		}
		if revoked.Valid {
			return consent.ErrRevoked
		}
		c.ID, c.CitizenID, c.RevokedAt = id, citizenID, s.timestamp()
		if _, err := tx.ExecContext(ctx, `UPDATE consents SET revoked_at = $1 WHERE id = $2`, c.RevokedAt, id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: c.UnitID, Action: "consent.revoked", ObjectType: "consent",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"revoked_at"}})
	})
	if err != nil {
		return c, fmt.Errorf("store: revoke consent %d: %w", id, err)
	}
	return c, nil
}

const consentCols = `c.id, c.citizen_id, c.volunteer_id, c.unit_id, c.purpose, c.text, c.given_at, c.revoked_at,
	cu.full_name, cu.username, vu.full_name, vu.username, un.name`

const consentFrom = ` FROM consents c JOIN users cu ON cu.id = c.citizen_id JOIN users vu ON vu.id = c.volunteer_id
	JOIN units un ON un.id = c.unit_id `

func (s *Store) consents(ctx context.Context, where string, args ...any) ([]consent.Consent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+consentCols+consentFrom+`WHERE `+where+` ORDER BY c.given_at DESC, c.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []consent.Consent
	for rows.Next() {
		var c consent.Consent
		var revoked sql.NullTime
		if err := rows.Scan(&c.ID, &c.CitizenID, &c.VolunteerID, &c.UnitID, &c.Purpose, &c.Text, &c.GivenAt, &revoked,
			&c.CitizenName, &c.CitizenUsername, &c.VolunteerName, &c.VolunteerUsername, &c.UnitName); err != nil {
			return nil, err
		}
		c.GivenAt = c.GivenAt.UTC()
		if revoked.Valid {
			c.RevokedAt = revoked.Time.UTC()
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// CitizenConsents lists the consents a citizen gave, standing or not, the latest first
// (at most 200).
func (s *Store) CitizenConsents(ctx context.Context, citizenID int64) ([]consent.Consent, error) {
	return s.consents(ctx, "c.citizen_id = $1", citizenID)
}

// VolunteerConsents lists the consents standing for a volunteer in a unit for a
// purpose: the citizens they may file for.
func (s *Store) VolunteerConsents(ctx context.Context, volunteerID, unitID int64, purpose consent.Purpose) ([]consent.Consent, error) {
	return s.consents(ctx, "c.volunteer_id = $1 AND c.unit_id = $2 AND c.purpose = $3 AND c.revoked_at IS NULL", volunteerID, unitID, purpose)
}

// ActiveConsent is the id of the consent standing from citizen to volunteer in unit for
// purpose; consent.ErrRequired when there is none.
func (s *Store) ActiveConsent(ctx context.Context, citizenID, volunteerID, unitID int64, purpose consent.Purpose) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM consents WHERE citizen_id = $1 AND volunteer_id = $2 AND unit_id = $3
		AND purpose = $4 AND revoked_at IS NULL`, citizenID, volunteerID, unitID, purpose).Scan(&id)
	return id, notFound(err, consent.ErrRequired)
}

// ConsentStands reports whether consent id has not been revoked.
func (s *Store) ConsentStands(ctx context.Context, id int64) (bool, error) {
	var revoked sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT revoked_at FROM consents WHERE id = $1`, id).Scan(&revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && !revoked.Valid, mapErr(err)
}

// standingConsent checks, inside the transaction that files an assisted dossier, that
// the consent it names still stands between its owner and its volunteer: a revocation
// that lands between the service's check and the insert still refuses the filing.
func standingConsent(ctx context.Context, tx *sql.Tx, d dossier.Dossier) error {
	if d.ConsentID == 0 {
		return nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM consents WHERE id = $1 AND citizen_id = $2 AND volunteer_id = $3
		AND revoked_at IS NULL`, d.ConsentID, d.OwnerID, d.AssistedBy).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return consent.ErrRequired
	}
	return nil
}
