package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
)

// CreateToken stores the hash of a new API token for a user; it lasts until revoked.
func (s *Store) CreateToken(ctx context.Context, userID int64, name, hash string) (auth.Token, error) {
	return s.CreateTokenUntil(ctx, userID, name, hash, time.Time{})
}

// CreateTokenUntil stores the hash of a new API token that is refused from expires on
// (the zero time: never).
func (s *Store) CreateTokenUntil(ctx context.Context, userID int64, name, hash string, expires time.Time) (auth.Token, error) {
	t := auth.Token{UserID: userID, Name: name, CreatedAt: s.timestamp()}
	var exp sql.NullTime
	if !expires.IsZero() {
		e := expires.UTC().Truncate(time.Microsecond)
		t.ExpiresAt, exp = &e, sql.NullTime{Time: e, Valid: true}
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			userID, name, hash, t.CreatedAt, exp).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("store: token for user %d: %w", userID, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: "token.create", ObjectType: "api_token",
			ObjectID: strconv.FormatInt(t.ID, 10), Fields: []string{"user_id", "name", "expires_at"}})
	})
	return t, err
}

// RevokeToken revokes a token; revoking twice is not an error.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, s.timestamp(), id)
		if err != nil {
			return fmt.Errorf("store: revoke token %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return auth.ErrTokenNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: "token.revoke", ObjectType: "api_token",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"revoked_at"}})
	})
}

// TokenIDByHash finds a token's id by its hash (revoking by the token's text).
func (s *Store) TokenIDByHash(ctx context.Context, hash string) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM api_tokens WHERE hash = $1`, hash).Scan(&id)
	if err != nil {
		return 0, notFound(err, auth.ErrTokenNotFound)
	}
	return id, nil
}

// Tokens lists a user's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]auth.Token, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, user_id, name, created_at, revoked_at, expires_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		var t auth.Token
		var revoked, expires sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &revoked, &expires); err != nil {
			return nil, err
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		if expires.Valid {
			t.ExpiresAt = &expires.Time
		}
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

// UserByTokenHash returns the owner of a live token: neither revoked nor expired.
func (s *Store) UserByTokenHash(ctx context.Context, hash string) (auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT u.id, u.username, u.full_name, u.password_hash, u.disabled, u.created_at, u.session_epoch, u.must_change_password
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`, hash, s.timestamp()))
	if err != nil {
		return u, notFound(err, auth.ErrTokenNotFound)
	}
	return u, nil
}
