package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
)

// enqueue writes a message to the outbox inside tx. A message whose dedup key is
// already queued is not queued again (a replayed action owes nothing new).
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, m notify.Message) error {
	return s.enqueueDue(ctx, tx, m, time.Time{})
}

// enqueueDue writes m to the outbox to be sent at due (zero: now), e.g. a reminder.
func (s *Store) enqueueDue(ctx context.Context, tx *sql.Tx, m notify.Message, due time.Time) error {
	now := s.timestamp()
	next := now
	if !due.IsZero() {
		next = utc(due)
	}
	if m.Kind == notify.KindOTP && m.ExpiresAt.IsZero() {
		m.ExpiresAt = now.Add(notify.OTPLifetime)
	}
	data := ""
	if len(m.Data) > 0 {
		b, err := json.Marshal(m.Data)
		if err != nil {
			return fmt.Errorf("store: outbox data: %w", err)
		}
		data = string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (unit_id, recipient, subject, body, ref, created_at, next_attempt_at,
			user_id, phone, email, kind, data, dedup_key, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $14, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
		m.UnitID, m.To, m.Subject, m.Body, m.Ref, now, m.UserID, m.Phone, m.Email, m.Kind, data, nullString(m.DedupKey), nullTime(m.ExpiresAt), next)
	if err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	return nil
}

// Enqueue writes a message to the outbox on its own.
func (s *Store) Enqueue(ctx context.Context, m notify.Message) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return s.enqueue(ctx, tx, m) })
}

// EnqueueTx writes a message to the outbox inside a transaction of another store method
// (the services' own transactions).
func (s *Store) EnqueueTx(ctx context.Context, tx *sql.Tx, m notify.Message) error {
	return s.enqueue(ctx, tx, m)
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
			RETURNING id, attempts, unit_id, recipient, subject, body, ref, user_id, phone, email, kind, data, expires_at,
				channel, channel_tries, given_up`, now.Add(lease), now, n)
		if err != nil {
			return fmt.Errorf("store: claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p notify.Pending
			var data, givenUp string
			var exp sql.NullTime
			if err := rows.Scan(&p.ID, &p.Attempts, &p.UnitID, &p.To, &p.Subject, &p.Body, &p.Ref, &p.UserID, &p.Phone, &p.Email,
				&p.Kind, &data, &exp, &p.Channel, &p.ChannelTries, &givenUp); err != nil {
				return err
			}
			if data != "" {
				if err := json.Unmarshal([]byte(data), &p.Data); err != nil {
					return fmt.Errorf("store: outbox %d data: %w", p.ID, err)
				}
			}
			if exp.Valid {
				p.ExpiresAt = exp.Time
			}
			if givenUp != "" {
				p.GivenUp = strings.Split(givenUp, ",")
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// Contacts is a citizen account's consents to channels and push subscriptions.
func (s *Store) Contacts(ctx context.Context, userID int64) (notify.Contacts, error) {
	var c notify.Contacts
	var err error
	if c.Consents, err = s.NotifyConsents(ctx, userID); err != nil {
		return c, err
	}
	c.Subscriptions, err = s.PushSubscriptions(ctx, userID)
	return c, err
}

// OpenAttempt records an attempt of a message on a channel; an attempt a dead worker
// left in 'sending' on the same channel is taken again, so the gateway sees the same
// idempotency key.
func (s *Store) OpenAttempt(ctx context.Context, outboxID int64, channel string, at time.Time) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM notify_attempts WHERE outbox_id = $1 AND channel = $2 AND status = 'sending'
			ORDER BY id DESC LIMIT 1`, outboxID, channel).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO notify_attempts (outbox_id, channel, created_at, updated_at) VALUES ($1, $2, $3, $3)
			RETURNING id`, outboxID, channel, utc(at)).Scan(&id)
	})
	return id, mapErr(err)
}

// AttemptAccepted records a gateway's acceptance: the message is sent.
func (s *Store) AttemptAccepted(ctx context.Context, outboxID, attemptID int64, providerID string, at time.Time) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notify_attempts SET status = 'accepted', provider_id = $1, error = '', updated_at = $2 WHERE id = $3`,
			locale.Clip(providerID, 200), utc(at), attemptID); err != nil {
			return err
		}
		// A one-time code is not kept once sent.
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, claimed_until = NULL, last_error = '',
			body = CASE WHEN kind = 'otp' THEN '' ELSE body END, data = CASE WHEN kind = 'otp' THEN '' ELSE data END WHERE id = $2`,
			utc(at), outboxID)
		return err
	})
}

// AttemptFailed records a failed attempt and where the ladder stands.
func (s *Store) AttemptFailed(ctx context.Context, p notify.Pending, attemptID int64, reason string, next time.Time, final bool) error {
	status := "pending"
	if final {
		status = "failed"
	}
	reason = locale.Clip(reason, 500)
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if attemptID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE notify_attempts SET status = 'failed', error = $1, updated_at = $2 WHERE id = $3`,
				reason, s.timestamp(), attemptID); err != nil {
				return err
			}
		}
		q := `UPDATE outbox SET status = $1, last_error = $2, next_attempt_at = $3, claimed_until = NULL,
			channel = $4, channel_tries = $5, given_up = $6 WHERE id = $7`
		if final { // a one-time code is not kept once it failed
			q = strings.Replace(q, "given_up = $6", "given_up = $6, body = CASE WHEN kind = 'otp' THEN '' ELSE body END, data = CASE WHEN kind = 'otp' THEN '' ELSE data END", 1)
		}
		_, err := tx.ExecContext(ctx, q, status, reason, utc(next), p.Channel, p.ChannelTries, strings.Join(p.GivenUp, ","), p.ID)
		return err
	})
}

// Expire ends a message no longer worth sending (a one-time code past its life): status
// expired, its body and data blanked, its unanswered attempts expired.
func (s *Store) Expire(ctx context.Context, outboxID int64, at time.Time) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notify_attempts SET status = 'expired', updated_at = $1 WHERE outbox_id = $2 AND status = 'sending'`,
			utc(at), outboxID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'expired', body = '', data = '', claimed_until = NULL WHERE id = $1`, outboxID)
		return err
	})
}

// Receipt applies a gateway's delivery receipt to the attempt it names: delivered, or
// failed — a failure after acceptance puts the message back on the ladder, at the next
// channel. It reports whether an attempt was found.
func (s *Store) Receipt(ctx context.Context, channel, providerID, status, reason string, at time.Time) (bool, error) {
	found := false
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var id, outboxID int64
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT id, outbox_id, status FROM notify_attempts WHERE channel = $1 AND provider_id = $2
			ORDER BY id DESC LIMIT 1`, channel, providerID).Scan(&id, &outboxID, &cur)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		if cur == status || cur == "failed" || cur == "expired" {
			return nil // a replayed receipt, or one after the end
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notify_attempts SET status = $1, error = $2, updated_at = $3 WHERE id = $4`,
			status, locale.Clip(reason, 500), utc(at), id); err != nil {
			return err
		}
		if status != "failed" {
			return nil
		}
		var givenUp, ostatus string
		if err := tx.QueryRowContext(ctx, `SELECT given_up, status FROM outbox WHERE id = $1`, outboxID).Scan(&givenUp, &ostatus); err != nil {
			return err
		}
		if ostatus != "sent" {
			return nil
		}
		if givenUp != "" {
			givenUp += ","
		}
		givenUp += channel
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'pending', given_up = $1, channel = '', channel_tries = 0, next_attempt_at = $2,
			last_error = $3, sent_at = NULL WHERE id = $4`, givenUp, utc(at), locale.Clip(reason, 500), outboxID)
		return err
	})
	return found, mapErr(err)
}

// Attempt is one attempt as the officer's dossier page shows it.
type Attempt struct {
	OutboxID  int64
	Kind      string
	Channel   string
	Status    string
	Error     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AttemptsFor lists the attempts of the messages about ref (a dossier's code), newest
// first.
func (s *Store) AttemptsFor(ctx context.Context, ref string) ([]Attempt, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.outbox_id, o.kind, a.channel, a.status, a.error, a.created_at, a.updated_at
		FROM notify_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.ref = $1 ORDER BY a.id DESC LIMIT 200`, ref)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		if err := rows.Scan(&a.OutboxID, &a.Kind, &a.Channel, &a.Status, &a.Error, &a.CreatedAt, &a.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
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
	out := map[string]int{"pending": 0, "sent": 0, "failed": 0, "expired": 0}
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

// OutboxBodiesLike counts the messages whose body or data contain s (tests: a code
// blanked).
func (s *Store) OutboxBodiesLike(ctx context.Context, needle string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE body LIKE $1 OR data LIKE $1`, "%"+needle+"%").Scan(&n)
	return n, mapErr(err)
}
