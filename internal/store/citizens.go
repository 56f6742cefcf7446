package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/notify"
)

// Citizens' own accounts (internal/citizen): the challenges that prove a number or an
// address, the accounts they open, the dossiers joined to them. No audit record names a
// number, an address or a code: ids only.

// challengeKeep is how long a challenge's row stays, for the day's limits.
const challengeKeep = 24 * time.Hour

// CreateChallenge implements citizen.Store.
func (s *Store) CreateChallenge(ctx context.Context, c citizen.Challenge, m *notify.Message, check func(citizen.Counts) error) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := c.CreatedAt.UTC()
		// Purge on write: rows past a day go; targets of used or expired ones are blanked.
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_challenges WHERE created_at < $1`, now.Add(-challengeKeep)); err != nil {
			return fmt.Errorf("store: purge challenges: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE account_challenges SET target = '' WHERE target <> '' AND (expires_at <= $1 OR consumed_at IS NOT NULL)`,
			now); err != nil {
			return fmt.Errorf("store: purge challenges: %w", err)
		}
		var n citizen.Counts
		if err := tx.QueryRowContext(ctx, `SELECT
				COALESCE(SUM(CASE WHEN target_hash = $1 AND created_at > $3 THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN target_hash = $1 THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN client = $2 AND created_at > $4 THEN 1 ELSE 0 END), 0)
			FROM account_challenges WHERE target_hash = $1 OR client = $2`,
			c.TargetHash, c.Client, now.Add(-15*time.Minute), now.Add(-time.Hour)).Scan(&n.Target15m, &n.TargetDay, &n.ClientHour); err != nil {
			return fmt.Errorf("store: count challenges: %w", err)
		}
		if err := check(n); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO account_challenges (id, purpose, channel, target, target_hash, client, code_hash,
			user_id, dossier_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.ID, c.Purpose, c.Channel, c.Target, c.TargetHash, c.Client, c.CodeHash, nullID(c.UserID), nullID(c.DossierID),
			now, c.ExpiresAt.UTC())
		if err != nil {
			return fmt.Errorf("store: challenge: %w", err)
		}
		if m != nil {
			return s.enqueue(ctx, tx, *m)
		}
		return nil
	})
}

// Challenge implements citizen.Store.
func (s *Store) Challenge(ctx context.Context, id string) (citizen.Challenge, error) {
	var c citizen.Challenge
	var userID, dossierID sql.NullInt64
	var consumed sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT id, purpose, channel, target, target_hash, client, code_hash, user_id, dossier_id, tries,
		created_at, expires_at, consumed_at FROM account_challenges WHERE id = $1`, id).Scan(&c.ID, &c.Purpose, &c.Channel, &c.Target,
		&c.TargetHash, &c.Client, &c.CodeHash, &userID, &dossierID, &c.Tries, &c.CreatedAt, &c.ExpiresAt, &consumed)
	if err != nil {
		return c, fmt.Errorf("store: challenge: %w", notFound(err, citizen.ErrCodeInvalid))
	}
	c.UserID, c.DossierID = userID.Int64, dossierID.Int64
	if consumed.Valid {
		c.ConsumedAt = consumed.Time
	}
	return c, nil
}

// FailChallenge implements citizen.Store.
func (s *Store) FailChallenge(ctx context.Context, id string) (int, error) {
	var n int
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `UPDATE account_challenges SET tries = tries + 1 WHERE id = $1 RETURNING tries`, id).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: challenge try: %w", notFound(err, citizen.ErrCodeInvalid))
	}
	return n, nil
}

// consume marks an unused challenge used and forgets its target, inside tx; a challenge
// used meanwhile is citizen.ErrCodeInvalid. It returns the target it held.
func (s *Store) consume(ctx context.Context, tx *sql.Tx, id string) (string, error) {
	var target string
	err := tx.QueryRowContext(ctx, `UPDATE account_challenges SET consumed_at = $1, target = ''
		WHERE id = $2 AND consumed_at IS NULL RETURNING target`, s.timestamp(), id).Scan(&target)
	if err != nil {
		return "", fmt.Errorf("store: use challenge: %w", notFound(err, citizen.ErrCodeInvalid))
	}
	return target, nil
}

// CreateCitizen implements citizen.Store.
func (s *Store) CreateCitizen(ctx context.Context, challengeID string, c citizen.NewCitizen) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.consume(ctx, tx, challengeID); err != nil {
			return err
		}
		now := s.timestamp()
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, full_name, password_hash, phone, email, citizen_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, c.User.Username, c.User.FullName, c.User.PasswordHash,
			nullString(c.Phone), nullString(c.Email), c.CitizenID, now).Scan(&id)
		if isUnique(err) {
			return citizen.ErrAccountExists.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: citizen: %w", err)
		}
		fields := []string{"username", "full_name", "password_hash"}
		if c.Phone != "" {
			fields = append(fields, "phone")
		}
		if c.Email != "" {
			fields = append(fields, "email")
		}
		if c.CitizenID != "" {
			fields = append(fields, "citizen_id")
		}
		if err := s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: "user.register", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Fields: fields}); err != nil {
			return err
		}
		return s.addMembership(ctx, tx, id, c.UnitID, auth.RoleCitizen)
	})
	return id, err
}

// ResetPassword implements citizen.Store: the challenge is used and the password
// replaced (every session ends) in one transaction.
func (s *Store) ResetPassword(ctx context.Context, challengeID string, userID int64, hash string) (int64, error) {
	var epoch int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.consume(ctx, tx, challengeID); err != nil {
			return err
		}
		var err error
		epoch, err = s.newPassword(joining(ctx, tx), userID, hash, false)
		return err
	})
	return epoch, err
}

// LinkDossier implements citizen.Store. The dossier's history and its unit's audit
// chain record the link by ids.
func (s *Store) LinkDossier(ctx context.Context, challengeID string, dossierID, userID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if challengeID != "" {
			if _, err := s.consume(ctx, tx, challengeID); err != nil {
				return err
			}
		}
		var unitID int64
		var code string
		err := tx.QueryRowContext(ctx, `UPDATE dossiers SET owner_id = $1 WHERE id = $2 AND owner_id IS NULL
			RETURNING receiving_unit_id, code`, userID, dossierID).Scan(&unitID, &code)
		if err != nil {
			return fmt.Errorf("store: link dossier %d: %w", dossierID, notFound(err, citizen.ErrAlreadyLinked))
		}
		how := "secret"
		if challengeID != "" {
			how = "otp"
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "dossier.link_account", ObjectType: "dossier",
			ObjectID: code, Fields: []string{"owner_id", "by:" + how, "user:" + strconv.FormatInt(userID, 10)}})
	})
}

// UserByPhone implements citizen.Store.
func (s *Store) UserByPhone(ctx context.Context, phone string) (auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE phone = $1`, phone))
	if err != nil {
		return u, fmt.Errorf("store: user by phone: %w", notFound(err, auth.ErrUserNotFound))
	}
	return u, nil
}

// UserByEmail implements citizen.Store.
func (s *Store) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, email))
	if err != nil {
		return u, fmt.Errorf("store: user by e-mail: %w", notFound(err, auth.ErrUserNotFound))
	}
	return u, nil
}
