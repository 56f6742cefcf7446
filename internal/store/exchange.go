package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/exchange"
	"github.com/xaso-vn/xaso/internal/locale"
)

// enqueueExchange queues o inside tx with its audit record; false when already queued.
func (s *Store) enqueueExchange(ctx context.Context, tx *sql.Tx, o exchange.Outgoing) (bool, error) {
	now := s.timestamp()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO exchange_messages (unit_id, direction, message_id, peer_organ, kind, document_id, status_code, payload, created_at, next_attempt_at)
		VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (unit_id, direction, message_id) DO NOTHING RETURNING id`,
		o.UnitID, o.MessageID, o.To, string(o.Kind), o.DocumentID, o.StatusCode, o.Payload, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: exchange enqueue: %w", err)
	}
	return true, s.appendAudit(ctx, tx, audit.Event{Chain: o.UnitID, Action: "exchange.send", ObjectType: "exchange_message",
		ObjectID: strconv.FormatInt(id, 10), Fields: []string{"kind", "peer_organ", "document_id", "status_code"}})
}

// EnqueueExchange implements exchange.Store.
func (s *Store) EnqueueExchange(ctx context.Context, o exchange.Outgoing) (bool, error) {
	var fresh bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		fresh, err = s.enqueueExchange(ctx, tx, o)
		return err
	})
	return fresh, err
}

// ClaimExchange leases up to n due outgoing messages (as ClaimOutbox does).
func (s *Store) ClaimExchange(ctx context.Context, now time.Time, lease time.Duration, n int) ([]exchange.Pending, error) {
	now = now.UTC().Truncate(time.Microsecond)
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []exchange.Pending
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE exchange_messages SET claimed_until = $1, attempts = attempts + 1
			WHERE id IN (SELECT id FROM exchange_messages WHERE direction = 'out' AND state = 'pending' AND next_attempt_at <= $2
				AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_attempt_at, id LIMIT $3`+lock+`)
			RETURNING id, attempts, unit_id, message_id, peer_organ, kind, document_id, status_code, payload`, now.Add(lease), now, n)
		if err != nil {
			return fmt.Errorf("store: claim exchange: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p exchange.Pending
			var kind string
			if err := rows.Scan(&p.ID, &p.Attempts, &p.UnitID, &p.MessageID, &p.To, &kind, &p.DocumentID, &p.StatusCode, &p.Payload); err != nil {
				return err
			}
			p.Kind = edxml.Kind(kind)
			out = append(out, p)
		}
		return rows.Err()
	})
	// RETURNING keeps no order: send in queue order, so statuses arrive as they happened.
	slices.SortFunc(out, func(a, b exchange.Pending) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// MarkExchangeSent records that the platform took a message.
func (s *Store) MarkExchangeSent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE exchange_messages SET state = 'sent', sent_at = $1, claimed_until = NULL, last_error = '' WHERE id = $2`,
		at.UTC().Truncate(time.Microsecond), id)
	return mapErr(err)
}

// MarkExchangeFailed records a failed attempt; final gives up.
func (s *Store) MarkExchangeFailed(ctx context.Context, id int64, reason string, next time.Time, final bool) error {
	state := "pending"
	if final {
		state = "failed"
	}
	_, err := s.w.ExecContext(ctx, `UPDATE exchange_messages SET state = $1, last_error = $2, next_attempt_at = $3, claimed_until = NULL WHERE id = $4`,
		state, locale.Clip(reason, 500), next.UTC().Truncate(time.Microsecond), id)
	return mapErr(err)
}

// RecordExchangeIncoming records a received message and queues its replies, in one
// transaction; false when the message was recorded before (nothing is queued then).
func (s *Store) RecordExchangeIncoming(ctx context.Context, in exchange.Incoming, replies []exchange.Outgoing) (bool, error) {
	var fresh bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.timestamp()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO exchange_messages (unit_id, direction, message_id, peer_organ, kind, document_id, status_code, payload, state, created_at, next_attempt_at)
			VALUES ($1, 'in', $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (unit_id, direction, message_id) DO NOTHING RETURNING id`,
			in.UnitID, in.MessageID, in.From, string(in.Kind), in.DocumentID, in.StatusCode, in.Payload, in.State, now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			fresh = false
		} else if err != nil {
			return fmt.Errorf("store: exchange receive: %w", err)
		} else {
			fresh = true
			if err := s.appendAudit(ctx, tx, audit.Event{Chain: in.UnitID, Action: "exchange.receive", ObjectType: "exchange_message",
				ObjectID: strconv.FormatInt(id, 10), Fields: []string{"kind", "peer_organ", "document_id", "status_code", "state"}}); err != nil {
				return err
			}
		}
		// Replies are queued even for a message seen before: their ids dedupe, and a
		// crash between registering and answering is mended by the platform's resend.
		for _, o := range replies {
			if _, err := s.enqueueExchange(ctx, tx, o); err != nil {
				return err
			}
		}
		return nil
	})
	return fresh, err
}

// ExchangeStatuses lists the statuses received for documentID, oldest first.
func (s *Store) ExchangeStatuses(ctx context.Context, unitID int64, documentID string) ([]exchange.StatusRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT peer_organ, status_code, created_at FROM exchange_messages
		WHERE unit_id = $1 AND direction = 'in' AND kind = 'status' AND document_id = $2 ORDER BY created_at, id`, unitID, documentID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []exchange.StatusRecord
	for rows.Next() {
		var r exchange.StatusRecord
		if err := rows.Scan(&r.From, &r.Code, &r.ReceivedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
