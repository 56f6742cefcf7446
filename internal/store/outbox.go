package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
)

// enqueue writes a message to the outbox inside tx.
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, m notify.Message) error {
	now := s.timestamp()
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (unit_id, recipient, subject, body, ref, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, m.UnitID, m.To, m.Subject, m.Body, m.Ref, now)
	if err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	return nil
}

// Enqueue writes a message to the outbox on its own.
func (s *Store) Enqueue(ctx context.Context, m notify.Message) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return s.enqueue(ctx, tx, m) })
}

// ClaimOutbox leases up to n due messages. The lease (claimed_until) keeps another
// instance from sending the same message while this one tries; should this one die, the
// lease expires and the message is tried again: delivery is at least once.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, n int) ([]notify.Pending, error) {
	now = now.UTC().Truncate(time.Microsecond)
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []notify.Pending
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2
				AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_attempt_at LIMIT $3`+lock+`)
			RETURNING id, attempts, unit_id, recipient, subject, body, ref`, now.Add(lease), now, n)
		if err != nil {
			return fmt.Errorf("store: claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p notify.Pending
			if err := rows.Scan(&p.ID, &p.Attempts, &p.UnitID, &p.To, &p.Subject, &p.Body, &p.Ref); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// MarkSent records a delivery.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, claimed_until = NULL, last_error = '' WHERE id = $2`,
		at.UTC().Truncate(time.Microsecond), id)
	return mapErr(err)
}

// MarkFailed records a failed attempt.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string, next time.Time, final bool) error {
	status := "pending"
	if final {
		status = "failed"
	}
	// An error's text may quote Vietnamese (a mail server's answer): cut between
	// characters, or PostgreSQL refuses the update and the failure is never recorded.
	reason = locale.Clip(reason, 500)
	_, err := s.w.ExecContext(ctx, `UPDATE outbox SET status = $1, last_error = $2, next_attempt_at = $3, claimed_until = NULL WHERE id = $4`,
		status, reason, next.UTC().Truncate(time.Microsecond), id)
	return mapErr(err)
}

// OutboxCounts reports how many messages are pending, sent and failed, for the metrics.
func (s *Store) OutboxCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]int{"pending": 0, "sent": 0, "failed": 0}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, mapErr(rows.Err())
}
