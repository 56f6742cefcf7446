package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
)

// SessionStore keeps login sessions in the database (scs.CtxStore), so every instance
// behind a load balancer sees them and a restart logs nobody out. A session is keyed by
// the SHA-256 of its token (auth.HashToken), as API tokens are: the database, a backup
// or a copy of it holds no token that opens a session.
type SessionStore struct{ s *Store }

// Sessions returns the session store.
func (s *Store) Sessions() SessionStore { return SessionStore{s} }

// FindCtx returns a live session's data.
func (ss SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := ss.s.r.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, auth.HashToken(token), ss.s.timestamp()).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, mapErr(err)
}

// CommitCtx saves a session.
func (ss SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := ss.s.w.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, auth.HashToken(token), b, expiry.UTC())
	return mapErr(err)
}

// DeleteCtx removes a session.
func (ss SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.w.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, auth.HashToken(token))
	return mapErr(err)
}

// The context-free methods satisfy scs.Store; scs calls the Ctx ones.
func (ss SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}
func (ss SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}
func (ss SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// DeleteExpiredSessions removes sessions past their expiry; the server calls it hourly.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, s.timestamp())
	if err != nil {
		return 0, mapErr(err)
	}
	return res.RowsAffected()
}
