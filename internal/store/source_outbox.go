package store

import (
	"context"
	"database/sql"

	"github.com/xaso-vn/xaso/internal/broadcast"
)

// SourceOutbox counts a unit's messages to the source system by state and lists the
// latest limit of them, newest first (the payloads are not read).
func (s *Store) SourceOutbox(ctx context.Context, unitID int64, limit int) (broadcast.Outbox, error) {
	var o broadcast.Outbox
	rows, err := s.r.QueryContext(ctx, `SELECT state, COUNT(*) FROM source_messages WHERE unit_id = $1 GROUP BY state`, unitID)
	if err != nil {
		return o, mapErr(err)
	}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			return o, err
		}
		switch state {
		case "pending":
			o.Pending = n
		case "sent":
			o.Sent = n
		case "failed":
			o.Failed = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, mapErr(err)
	}
	rows, err = s.r.QueryContext(ctx, `SELECT kind, bulletin_id, state, attempts, last_error, created_at, sent_at, next_attempt_at
		FROM source_messages WHERE unit_id = $1 ORDER BY id DESC LIMIT $2`, unitID, limit)
	if err != nil {
		return o, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e broadcast.OutboxEntry
		var sent sql.NullTime
		if err := rows.Scan(&e.Kind, &e.BulletinID, &e.State, &e.Attempts, &e.LastError, &e.CreatedAt, &sent, &e.NextAttempt); err != nil {
			return o, err
		}
		e.CreatedAt, e.NextAttempt = e.CreatedAt.UTC(), e.NextAttempt.UTC()
		if sent.Valid {
			e.SentAt = sent.Time.UTC()
		}
		o.Latest = append(o.Latest, e)
	}
	return o, mapErr(rows.Err())
}
