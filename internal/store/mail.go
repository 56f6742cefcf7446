package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/mail"
)

// MailCursor implements mail.Store: the newest UIDVALIDITY seen and its highest UID.
func (s *Store) MailCursor(ctx context.Context, unitID int64) (uint32, uint32, error) {
	var validity, uid int64
	err := s.r.QueryRowContext(ctx, `SELECT uid_validity, MAX(uid) FROM mail_inbox WHERE unit_id = $1
		AND uid_validity = (SELECT uid_validity FROM mail_inbox WHERE unit_id = $1 ORDER BY id DESC LIMIT 1) GROUP BY uid_validity`, unitID).Scan(&validity, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return uint32(validity), uint32(uid), mapErr(err)
}

// AddMail implements mail.Store.
func (s *Store) AddMail(ctx context.Context, it mail.Item) (bool, error) {
	var fresh bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var sent any
		if !it.SentAt.IsZero() {
			sent = it.SentAt.UTC().Truncate(time.Microsecond)
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO mail_inbox (unit_id, uid_validity, uid, message_id, sender, subject, sent_at, size, attachments, raw, state, fetched_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (unit_id, uid_validity, uid) DO NOTHING RETURNING id`,
			it.UnitID, int64(it.UIDValidity), int64(it.UID), it.MessageID, it.Sender, it.Subject, sent, it.Size, it.Attachments, it.Raw, it.State, s.timestamp()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: mail add: %w", err)
		}
		fresh = true
		return s.appendAudit(ctx, tx, audit.Event{Chain: it.UnitID, Action: "mail.fetch", ObjectType: "mail_inbox",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"sender", "subject", "raw", "state"}})
	})
	return fresh, err
}

const mailColumns = `id, unit_id, uid_validity, uid, message_id, sender, subject, sent_at, size, attachments, state, COALESCE(arrival_number, 0), fetched_at`

func scanMail(row interface{ Scan(...any) error }, extra ...any) (mail.Item, error) {
	var it mail.Item
	var validity, uid int64
	var sent sql.NullTime
	err := row.Scan(append([]any{&it.ID, &it.UnitID, &validity, &uid, &it.MessageID, &it.Sender, &it.Subject, &sent, &it.Size,
		&it.Attachments, &it.State, &it.ArrivalNumber, &it.FetchedAt}, extra...)...)
	it.UIDValidity, it.UID = uint32(validity), uint32(uid)
	if sent.Valid {
		it.SentAt = sent.Time
	}
	return it, err
}

// MailItems implements mail.Store: newest first.
func (s *Store) MailItems(ctx context.Context, unitID int64, state string, limit, offset int) ([]mail.Item, int, error) {
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_inbox WHERE unit_id = $1 AND ($2 = '' OR state = $2)`, unitID, state).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_inbox WHERE unit_id = $1 AND ($2 = '' OR state = $2)
		ORDER BY fetched_at DESC, id DESC LIMIT $3 OFFSET $4`, unitID, state, limit, offset)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []mail.Item
	for rows.Next() {
		it, err := scanMail(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, it)
	}
	return out, total, rows.Err()
}

// MailItem implements mail.Store, with the raw message.
func (s *Store) MailItem(ctx context.Context, unitID, id int64) (mail.Item, error) {
	var raw []byte
	it, err := scanMail(s.r.QueryRowContext(ctx, `SELECT `+mailColumns+`, raw FROM mail_inbox WHERE unit_id = $1 AND id = $2`, unitID, id), &raw)
	it.Raw = raw
	return it, mapErr(err)
}

// SetMailState implements mail.Store.
func (s *Store) SetMailState(ctx context.Context, unitID, id int64, from, to string, arrival int) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var arr, at any
		if to == mail.StateRegistered {
			arr, at = arrival, s.timestamp()
		}
		res, err := tx.ExecContext(ctx, `UPDATE mail_inbox SET state = $1, arrival_number = $2, registered_at = $3
			WHERE unit_id = $4 AND id = $5 AND state = $6`, to, arr, at, unitID, id, from)
		if err != nil {
			return fmt.Errorf("store: mail state: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return mail.ErrNotInState
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "mail." + to, ObjectType: "mail_inbox",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"state", "arrival_number"}})
	})
}
