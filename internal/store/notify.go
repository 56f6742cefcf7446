package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/notify"
)

// NotifyConsents lists a citizen's consents to channels, withdrawn ones included.
func (s *Store) NotifyConsents(ctx context.Context, userID int64) ([]notify.Consent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT channel, position, text, granted_at, withdrawn_at FROM notification_consents
		WHERE user_id = $1 ORDER BY channel`, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []notify.Consent
	for rows.Next() {
		var c notify.Consent
		var w sql.NullTime
		if err := rows.Scan(&c.Channel, &c.Position, &c.Text, &c.GrantedAt, &w); err != nil {
			return nil, err
		}
		if w.Valid {
			c.WithdrawnAt = w.Time
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// SetNotifyConsent records a consent given (with the text shown) or withdrawn, with its
// audit record (the channel, never a contact).
func (s *Store) SetNotifyConsent(ctx context.Context, userID int64, c notify.Consent, grant bool) error {
	now := s.timestamp()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		action := "notify.consent_granted"
		if grant {
			_, err = tx.ExecContext(ctx, `INSERT INTO notification_consents (user_id, channel, position, text, granted_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (user_id, channel) DO UPDATE SET position = $3, text = $4, granted_at = $5, withdrawn_at = NULL`,
				userID, c.Channel, c.Position, c.Text, now)
		} else {
			action = "notify.consent_withdrawn"
			_, err = tx.ExecContext(ctx, `UPDATE notification_consents SET withdrawn_at = $1 WHERE user_id = $2 AND channel = $3 AND withdrawn_at IS NULL`,
				now, userID, c.Channel)
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Action: action, ObjectType: "notify_channel",
			ObjectID: strconv.FormatInt(userID, 10) + "/" + c.Channel, Fields: []string{"consent", "text", "position"}})
	})
}

// SavePushSubscription binds a browser's subscription to userID; an endpoint already
// bound to another user is refused (only its owner re-binds it, by deleting it first).
func (s *Store) SavePushSubscription(ctx context.Context, sub notify.Subscription) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var owner int64
		err := tx.QueryRowContext(ctx, `SELECT id, user_id FROM push_subscriptions WHERE endpoint = $1`, sub.Endpoint).Scan(&id, &owner)
		switch {
		case err == nil && owner != sub.UserID:
			return notify.ErrSubscriptionTaken
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE push_subscriptions SET p256dh = $1, auth = $2 WHERE id = $3`, sub.P256dh, sub.Auth, id)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, sub.UserID, sub.Endpoint, sub.P256dh, sub.Auth, s.timestamp()).Scan(&id)
	})
	return id, mapErr(err)
}

// DeletePushSubscription removes a subscription of userID (0: whoever's, when the push
// service answered it is gone). It reports whether one was removed.
func (s *Store) DeletePushSubscription(ctx context.Context, userID int64, endpoint string) (bool, error) {
	q, args := `DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2`, []any{endpoint, userID}
	if userID == 0 {
		q, args = `DELETE FROM push_subscriptions WHERE endpoint = $1`, []any{endpoint}
	}
	res, err := s.w.ExecContext(ctx, q, args...)
	if err != nil {
		return false, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// PushSubscriptions lists a user's push subscriptions.
func (s *Store) PushSubscriptions(ctx context.Context, userID int64) ([]notify.Subscription, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, user_id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []notify.Subscription
	for rows.Next() {
		var sub notify.Subscription
		if err := rows.Scan(&sub.ID, &sub.UserID, &sub.Endpoint, &sub.P256dh, &sub.Auth); err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, mapErr(rows.Err())
}

// Template is a unit's own wording of a kind of message on a channel ("" : none).
func (s *Store) Template(ctx context.Context, unitID int64, kind, channel string) (string, error) {
	var body string
	err := s.r.QueryRowContext(ctx, `SELECT body FROM notify_templates WHERE unit_id = $1 AND kind = $2 AND channel = $3`,
		unitID, kind, channel).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return body, mapErr(err)
}

// SaveTemplate stores a unit's wording ("" body: back to the default), with its audit
// record.
func (s *Store) SaveTemplate(ctx context.Context, unitID int64, kind, channel, body string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if body == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM notify_templates WHERE unit_id = $1 AND kind = $2 AND channel = $3`, unitID, kind, channel)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO notify_templates (unit_id, kind, channel, body, updated_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (unit_id, kind, channel) DO UPDATE SET body = $4, updated_at = $5`, unitID, kind, channel, body, s.timestamp())
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "notify.template", ObjectType: "notify_template",
			ObjectID: kind + "/" + channel, Fields: []string{"body"}})
	})
}

// NotifyKey answers a stored key pair of the server (found false: none yet).
func (s *Store) NotifyKey(ctx context.Context, name string) (public, private []byte, sealed, found bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT public_key, private_key, sealed FROM notify_keys WHERE name = $1`, name).Scan(&public, &private, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, false, false, nil
	}
	return public, private, sealed, err == nil, mapErr(err)
}

// CreateNotifyKey stores a key pair once: a key already stored under name (another
// instance made it first) is kept, and the caller reads it back.
func (s *Store) CreateNotifyKey(ctx context.Context, name string, public, private []byte, sealed bool) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO notify_keys (name, public_key, private_key, sealed, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO NOTHING`, name, public, private, sealed, s.timestamp())
	return mapErr(err)
}

// AnnouncementSubscriptions lists a user's subscriptions to a unit's announcements,
// withdrawn ones included.
func (s *Store) AnnouncementSubscriptions(ctx context.Context, userID, unitID int64) ([]notify.AnnouncementSubscription, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT unit_id, village_id, text, granted_at, withdrawn_at FROM announcement_subscriptions
		WHERE user_id = $1 AND unit_id = $2 ORDER BY village_id`, userID, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []notify.AnnouncementSubscription
	for rows.Next() {
		var a notify.AnnouncementSubscription
		var w sql.NullTime
		if err := rows.Scan(&a.UnitID, &a.VillageID, &a.Text, &a.GrantedAt, &w); err != nil {
			return nil, err
		}
		if w.Valid {
			a.WithdrawnAt = w.Time
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// SetAnnouncementSubscriptions makes a user's subscriptions in force to a unit's
// announcements exactly villages (0: the whole commune): the others are withdrawn (kept
// with when), new ones granted with text; audited by user id only.
func (s *Store) SetAnnouncementSubscriptions(ctx context.Context, userID, unitID int64, villages []int64, text string) error {
	now := s.timestamp()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT village_id FROM announcement_subscriptions WHERE user_id = $1 AND unit_id = $2
			AND withdrawn_at IS NULL`, userID, unitID)
		if err != nil {
			return err
		}
		var had []int64
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			had = append(had, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, v := range had {
			if !slices.Contains(villages, v) {
				if _, err := tx.ExecContext(ctx, `UPDATE announcement_subscriptions SET withdrawn_at = $1
					WHERE user_id = $2 AND unit_id = $3 AND village_id = $4`, now, userID, unitID, v); err != nil {
					return err
				}
			}
		}
		for _, v := range villages {
			if slices.Contains(had, v) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO announcement_subscriptions (user_id, unit_id, village_id, text, granted_at)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, unit_id, village_id) DO UPDATE SET text = $4, granted_at = $5, withdrawn_at = NULL`,
				userID, unitID, v, text, now); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Action: "notify.announcement_subscriptions", ObjectType: "announcement_subscription",
			ObjectID: strconv.FormatInt(userID, 10), Fields: []string{"commune", "villages", "text"}})
	})
}
