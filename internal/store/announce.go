package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/notify"
)

// The announcements' tables (migration 0046): announce.Store.

const announcementCols = `id, unit_id, title, body, valid_from, valid_to, status, created_by, published_by, created_at, published_at, version`

func scanAnnouncement(row interface{ Scan(...any) error }) (announce.Announcement, error) {
	var a announce.Announcement
	var from, to string
	var publishedBy sql.NullInt64
	var publishedAt sql.NullTime
	err := row.Scan(&a.ID, &a.UnitID, &a.Title, &a.Body, &from, &to, &a.Status, &a.CreatedBy, &publishedBy, &a.CreatedAt, &publishedAt, &a.Version)
	if err != nil {
		return a, err
	}
	if a.ValidFrom, err = calendar.ParseDate(from); err != nil {
		return a, err
	}
	if a.ValidTo, err = calendar.ParseDate(to); err != nil {
		return a, err
	}
	a.CreatedAt, a.PublishedBy = a.CreatedAt.UTC(), publishedBy.Int64
	if publishedAt.Valid {
		a.PublishedAt = publishedAt.Time.UTC()
	}
	return a, nil
}

// CreateAnnouncement stores an announcement and its villages, audited (the fields'
// names only).
func (s *Store) CreateAnnouncement(ctx context.Context, a announce.Announcement) (announce.Announcement, error) {
	a.Version = 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO announcements (unit_id, title, body, valid_from, valid_to, status, created_by, created_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING id`, a.UnitID, a.Title, a.Body, a.ValidFrom.String(), a.ValidTo.String(),
			string(a.Status), a.CreatedBy, utc(a.CreatedAt)).Scan(&a.ID); err != nil {
			return err
		}
		for _, v := range a.Villages {
			if _, err := tx.ExecContext(ctx, `INSERT INTO announcement_villages (announcement_id, village_id) VALUES ($1, $2)`, a.ID, v); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: a.UnitID, Action: "announcement.create", ObjectType: "announcement",
			ObjectID: strconv.FormatInt(a.ID, 10), Fields: []string{"title", "body", "valid_from", "valid_to", "villages"}})
	})
	return a, mapErr(err)
}

// withVillages fills the announcements' villages.
func (s *Store) withVillages(ctx context.Context, as []announce.Announcement) ([]announce.Announcement, error) {
	if len(as) == 0 {
		return as, nil
	}
	ids := make([]int64, len(as))
	at := map[int64]int{}
	for i, a := range as {
		ids[i], at[a.ID] = a.ID, i
	}
	rows, err := s.r.QueryContext(ctx, `SELECT announcement_id, village_id FROM announcement_villages WHERE announcement_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY announcement_id, village_id`, anyIDs(ids)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, v int64
		if err := rows.Scan(&a, &v); err != nil {
			return nil, err
		}
		as[at[a]].Villages = append(as[at[a]].Villages, v)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	// Their attachments (migration 0048).
	frows, err := s.r.QueryContext(ctx, `SELECT announcement_id, n, name, content_type, size, blob_key, created_by, created_at
		FROM announcement_attachments WHERE announcement_id IN (`+placeholders(1, len(ids))+`) ORDER BY announcement_id, n`, anyIDs(ids)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer frows.Close()
	for frows.Next() {
		var f announce.Attachment
		if err := frows.Scan(&f.AnnouncementID, &f.N, &f.Name, &f.ContentType, &f.Size, &f.BlobKey, &f.CreatedBy, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.CreatedAt = f.CreatedAt.UTC()
		i := at[f.AnnouncementID]
		as[i].Attachments = append(as[i].Attachments, f)
	}
	return as, mapErr(frows.Err())
}

// AddAnnouncementAttachment numbers and stores an attachment of a draft announcement,
// audited (the file's number, not its name), in one transaction: the draft's row is
// locked by touching its version, so two uploads at once cannot pass the count.
func (s *Store) AddAnnouncementAttachment(ctx context.Context, unitID int64, f announce.Attachment, max int) (announce.Attachment, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE announcements SET version = version + 1 WHERE id = $1 AND status = 'draft'`, f.AnnouncementID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return announce.ErrAttachmentState
		}
		var count, last int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(n), 0) FROM announcement_attachments WHERE announcement_id = $1`,
			f.AnnouncementID).Scan(&count, &last); err != nil {
			return err
		}
		if count >= max {
			return announce.ErrAttachments
		}
		f.N = last + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO announcement_attachments (announcement_id, n, name, content_type, size, blob_key, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.AnnouncementID, f.N, f.Name, f.ContentType, f.Size, f.BlobKey, f.CreatedBy, utc(f.CreatedAt)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "announcement.attach", ObjectType: "announcement",
			ObjectID: strconv.FormatInt(f.AnnouncementID, 10), Fields: []string{"attachment." + strconv.Itoa(f.N)}})
	})
	return f, mapErr(err)
}

// Announcement loads one announcement.
func (s *Store) Announcement(ctx context.Context, id int64) (announce.Announcement, error) {
	a, err := scanAnnouncement(s.r.QueryRowContext(ctx, `SELECT `+announcementCols+` FROM announcements WHERE id = $1`, id))
	if err != nil {
		return a, notFound(err, announce.ErrNotFound)
	}
	as, err := s.withVillages(ctx, []announce.Announcement{a})
	if err != nil {
		return a, err
	}
	return as[0], nil
}

func (s *Store) announcements(ctx context.Context, query string, args ...any) ([]announce.Announcement, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []announce.Announcement
	for rows.Next() {
		a, err := scanAnnouncement(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	return s.withVillages(ctx, out)
}

// Announcements lists a unit's announcements, the latest first.
func (s *Store) Announcements(ctx context.Context, unitID int64) ([]announce.Announcement, error) {
	return s.announcements(ctx, `SELECT `+announcementCols+` FROM announcements WHERE unit_id = $1 ORDER BY created_at DESC, id DESC LIMIT 500`, unitID)
}

// CurrentAnnouncements lists a unit's published announcements valid on day, the latest
// published first; for a village, only those for the whole commune or for it.
func (s *Store) CurrentAnnouncements(ctx context.Context, unitID int64, day calendar.Date, village int64, limit int) ([]announce.Announcement, error) {
	d := day.String()
	where := ""
	args := []any{unitID, d, d, limit}
	if village > 0 {
		args = append(args, village)
		where = ` AND (NOT EXISTS (SELECT 1 FROM announcement_villages v WHERE v.announcement_id = announcements.id)
			OR EXISTS (SELECT 1 FROM announcement_villages v WHERE v.announcement_id = announcements.id AND v.village_id = $5))`
	}
	return s.announcements(ctx, `SELECT `+announcementCols+` FROM announcements WHERE unit_id = $1 AND status = 'published'
		AND valid_from <= $2 AND valid_to >= $3`+where+` ORDER BY published_at DESC, id DESC LIMIT $4`, args...)
}

// SaveAnnouncement stores an announcement's new state if it is still at before's version.
func (s *Store) SaveAnnouncement(ctx context.Context, before, after announce.Announcement, action string) (announce.Announcement, error) {
	return s.saveAnnouncement(ctx, before, after, action, nil)
}

// PublishAnnouncement stores a publication and, in the same transaction, owes owed to
// each subscriber it concerns: an announcement for the whole commune to every citizen
// subscribed to the commune or to any of its villages; one for some villages to those
// subscribed to the whole commune or to one of those villages. One INSERT … SELECT (one
// statement whatever the number of subscribers; the work is the database's, bounded by
// the subscriptions of one unit through announcement_subscriptions_unit); a subscriber
// owed twice (a publication replayed) is not queued again (dedup key
// announcement:<id>:user:<uid>).
func (s *Store) PublishAnnouncement(ctx context.Context, before, after announce.Announcement, owed notify.Message) (announce.Announcement, error) {
	return s.saveAnnouncement(ctx, before, after, "announcement.publish", func(ctx context.Context, tx *sql.Tx) error {
		data, err := json.Marshal(owed.Data)
		if err != nil {
			return err
		}
		villages := ""
		if len(after.Villages) > 0 {
			villages = ` AND (a.village_id = 0 OR a.village_id IN (SELECT v.village_id FROM announcement_villages v WHERE v.announcement_id = $10))`
		}
		now := s.timestamp()
		args := []any{owed.UnitID, owed.Subject, owed.Body, owed.Ref, now, owed.Kind, string(data), owed.DedupKey, after.UnitID}
		if villages != "" {
			args = append(args, after.ID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO outbox (unit_id, recipient, subject, body, ref, created_at, next_attempt_at,
				user_id, phone, email, kind, data, dedup_key)
			SELECT $1, '', $2, $3, $4, $5, $5, u.id, COALESCE(u.phone, ''), COALESCE(u.email, ''), $6, $7, CAST($8 AS TEXT) || CAST(u.id AS TEXT)
			FROM users u WHERE u.disabled = FALSE AND u.id IN (SELECT a.user_id FROM announcement_subscriptions a
				WHERE a.unit_id = $9 AND a.withdrawn_at IS NULL`+villages+`)
			ON CONFLICT DO NOTHING`, args...)
		if err != nil {
			return fmt.Errorf("store: announcement %d to subscribers: %w", after.ID, err)
		}
		return nil
	})
}

func (s *Store) saveAnnouncement(ctx context.Context, before, after announce.Announcement, action string, also func(context.Context, *sql.Tx) error) (announce.Announcement, error) {
	after.Version = before.Version + 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE announcements SET status = $1, published_by = $2, published_at = $3, version = $4
			WHERE id = $5 AND version = $6`, string(after.Status), nullID(after.PublishedBy), nullTime(after.PublishedAt), after.Version,
			after.ID, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return announce.ErrChanged
		}
		if also != nil {
			if err := also(ctx, tx); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: after.UnitID, Action: action, ObjectType: "announcement",
			ObjectID: strconv.FormatInt(after.ID, 10), Fields: []string{"status"}})
	})
	return after, mapErr(err)
}
