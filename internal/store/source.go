package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/xaso-vn/xaso/internal/broadcast/source"
	"github.com/xaso-vn/xaso/internal/locale"
)

// enqueueSource queues messages to the source system inside tx; one already queued
// (same unit and message id) is left as it is.
func (s *Store) enqueueSource(ctx context.Context, tx *sql.Tx, msgs []source.Message) error {
	now := s.timestamp()
	for _, m := range msgs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO source_messages (unit_id, message_id, kind, bulletin_id, payload, created_at, next_attempt_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (unit_id, message_id) DO NOTHING`,
			m.UnitID, m.MessageID, m.Kind, m.BulletinID, m.Payload, now); err != nil {
			return fmt.Errorf("store: source enqueue: %w", err)
		}
	}
	return nil
}

// EnqueueSource queues messages to the source system in one transaction (the daily play
// logs: the speakers' own reports, not audited, like the plays they sum up).
func (s *Store) EnqueueSource(ctx context.Context, msgs []source.Message) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return s.enqueueSource(ctx, tx, msgs) })
}

// ClaimSource leases up to n due messages: at most one per bulletin, and none of a
// bulletin whose earlier message is still pending, so a bulletin's messages go out in
// the order they were queued.
func (s *Store) ClaimSource(ctx context.Context, now time.Time, lease time.Duration, n int) ([]source.Pending, error) {
	now = now.UTC().Truncate(time.Microsecond)
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []source.Pending
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE source_messages SET claimed_until = $1, attempts = attempts + 1
			WHERE id IN (SELECT m.id FROM source_messages m WHERE m.state = 'pending' AND m.next_attempt_at <= $2
				AND (m.claimed_until IS NULL OR m.claimed_until < $2)
				AND NOT EXISTS (SELECT 1 FROM source_messages e WHERE e.unit_id = m.unit_id AND e.bulletin_id = m.bulletin_id AND e.id < m.id AND e.state = 'pending')
				ORDER BY m.id LIMIT $3`+lock+`)
			RETURNING id, attempts, unit_id, message_id, kind, bulletin_id, payload`, now.Add(lease), now, n)
		if err != nil {
			return fmt.Errorf("store: claim source: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p source.Pending
			if err := rows.Scan(&p.ID, &p.Attempts, &p.UnitID, &p.MessageID, &p.Kind, &p.BulletinID, &p.Payload); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	slices.SortFunc(out, func(a, b source.Pending) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// MarkSourceSent records that the system took a message.
func (s *Store) MarkSourceSent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE source_messages SET state = 'sent', sent_at = $1, claimed_until = NULL, last_error = '' WHERE id = $2`,
		at.UTC().Truncate(time.Microsecond), id)
	return mapErr(err)
}

// MarkSourceFailed records a failed attempt; final gives up.
func (s *Store) MarkSourceFailed(ctx context.Context, id int64, reason string, next time.Time, final bool) error {
	state := "pending"
	if final {
		state = "failed"
	}
	_, err := s.w.ExecContext(ctx, `UPDATE source_messages SET state = $1, last_error = $2, next_attempt_at = $3, claimed_until = NULL WHERE id = $4`,
		state, locale.Clip(reason, 500), next.UTC().Truncate(time.Microsecond), id)
	return mapErr(err)
}
