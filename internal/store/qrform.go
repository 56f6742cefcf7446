package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/qrform"
)

// The QR forms and their answers (internal/qrform, migration 0056).

const qrFormCols = `f.id, f.unit_id, f.code, f.title, f.purpose, f.fields, f.opens_at, f.closes_at, f.retention_days, f.status,
	COALESCE(f.created_by, 0), f.created_at, f.published_at, f.version,
	COALESCE((SELECT c.n FROM qr_form_counts c WHERE c.form_id = f.id AND c.field_key = '' AND c.choice = ''), 0),
	(SELECT COUNT(*) FROM qr_answers a WHERE a.form_id = f.id)`

func scanQRForm(sc interface{ Scan(...any) error }) (qrform.Form, error) {
	var f qrform.Form
	var fields string
	var published sql.NullTime
	if err := sc.Scan(&f.ID, &f.UnitID, &f.Code, &f.Title, &f.Purpose, &fields, &f.OpensAt, &f.ClosesAt, &f.RetentionDays, &f.Status,
		&f.CreatedBy, &f.CreatedAt, &published, &f.Version, &f.Answers, &f.Stored); err != nil {
		return qrform.Form{}, err
	}
	if err := json.Unmarshal([]byte(fields), &f.Fields); err != nil {
		return qrform.Form{}, fmt.Errorf("store: qr form %d fields: %w", f.ID, err)
	}
	f.OpensAt, f.ClosesAt, f.CreatedAt = f.OpensAt.UTC(), f.ClosesAt.UTC(), f.CreatedAt.UTC()
	if published.Valid {
		f.PublishedAt = published.Time.UTC()
	}
	return f, nil
}

// CreateQRForm stores a new form, audited.
func (s *Store) CreateQRForm(ctx context.Context, f qrform.Form) (qrform.Form, error) {
	fields, err := json.Marshal(f.Fields)
	if err != nil {
		return qrform.Form{}, err
	}
	f.CreatedAt, f.Version = s.timestamp(), 1
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO qr_forms (unit_id, code, title, purpose, fields, opens_at, closes_at, retention_days,
			status, created_by, created_at, published_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1) RETURNING id`,
			f.UnitID, f.Code, f.Title, f.Purpose, string(fields), utc(f.OpensAt), utc(f.ClosesAt), f.RetentionDays, f.Status,
			nullID(f.CreatedBy), f.CreatedAt, nullTime(f.PublishedAt)).Scan(&f.ID); err != nil {
			return fmt.Errorf("store: qr form: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: f.UnitID, Action: "qrform.create", ObjectType: "qr_form",
			ObjectID: strconv.FormatInt(f.ID, 10), Fields: []string{"title", "purpose", "fields", "opens_at", "closes_at", "retention_days"}})
	})
	return f, err
}

// SaveQRForm stores after if the form is still at before's version (else
// qrform.ErrChanged), refusing a change of its fields once answered.
func (s *Store) SaveQRForm(ctx context.Context, before, after qrform.Form) (qrform.Form, error) {
	fields, err := json.Marshal(after.Fields)
	if err != nil {
		return qrform.Form{}, err
	}
	var changed []string
	if before.Title != after.Title {
		changed = append(changed, "title")
	}
	if before.Purpose != after.Purpose {
		changed = append(changed, "purpose")
	}
	old, _ := json.Marshal(before.Fields)
	if string(old) != string(fields) {
		changed = append(changed, "fields")
	}
	if !before.OpensAt.Equal(after.OpensAt) {
		changed = append(changed, "opens_at")
	}
	if !before.ClosesAt.Equal(after.ClosesAt) {
		changed = append(changed, "closes_at")
	}
	if before.RetentionDays != after.RetentionDays {
		changed = append(changed, "retention_days")
	}
	if before.Status != after.Status {
		changed = append(changed, "status")
	}
	action := "qrform.update"
	if before.Status != after.Status && after.Status == qrform.StatusPublished {
		action = "qrform.publish"
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if string(old) != string(fields) {
			// The fields are frozen by the first answer, checked in the transaction.
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM qr_form_counts WHERE form_id = $1 AND field_key = '' AND n > 0`,
				before.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return qrform.ErrFrozen
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE qr_forms SET title = $1, purpose = $2, fields = $3, opens_at = $4, closes_at = $5,
			retention_days = $6, status = $7, published_at = $8, version = version + 1 WHERE id = $9 AND version = $10`,
			after.Title, after.Purpose, string(fields), utc(after.OpensAt), utc(after.ClosesAt), after.RetentionDays, after.Status,
			nullTime(after.PublishedAt), before.ID, before.Version)
		if err != nil {
			return fmt.Errorf("store: qr form %d: %w", before.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return qrform.ErrChanged
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: before.UnitID, Action: action, ObjectType: "qr_form",
			ObjectID: strconv.FormatInt(before.ID, 10), Fields: changed})
	})
	if err != nil {
		return qrform.Form{}, err
	}
	return s.QRForm(ctx, before.ID)
}

// QRForm loads a form with its counts of answers.
func (s *Store) QRForm(ctx context.Context, id int64) (qrform.Form, error) {
	f, err := scanQRForm(s.r.QueryRowContext(ctx, `SELECT `+qrFormCols+` FROM qr_forms f WHERE f.id = $1`, id))
	return f, notFound(err, qrform.ErrNotFound)
}

// QRFormByCode loads a form by its short link's code.
func (s *Store) QRFormByCode(ctx context.Context, code string) (qrform.Form, error) {
	f, err := scanQRForm(s.r.QueryRowContext(ctx, `SELECT `+qrFormCols+` FROM qr_forms f WHERE f.code = $1`, code))
	return f, notFound(err, qrform.ErrNotFound)
}

// QRForms lists a unit's forms, the latest first.
func (s *Store) QRForms(ctx context.Context, unitID int64) ([]qrform.Form, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+qrFormCols+` FROM qr_forms f WHERE f.unit_id = $1 ORDER BY f.created_at DESC, f.id DESC`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []qrform.Form
	for rows.Next() {
		f, err := scanQRForm(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}

// AddQRAnswer stores an answer, its values and files and the counts it adds, audited, in
// one transaction; the form's state is read again in it, so that an answer arriving as
// the form closes is refused.
func (s *Store) AddQRAnswer(ctx context.Context, f qrform.Form, a qrform.Answer) (qrform.Answer, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var status string
		var opens, closes time.Time
		if err := tx.QueryRowContext(ctx, `SELECT status, opens_at, closes_at FROM qr_forms WHERE id = $1`, f.ID).Scan(&status, &opens, &closes); err != nil {
			return notFound(err, qrform.ErrNotFound)
		}
		if status != string(qrform.StatusPublished) || a.SubmittedAt.Before(opens) || !a.SubmittedAt.Before(closes) {
			return qrform.ErrClosed
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO qr_answers (form_id, submitted_at, village_id, user_id, consent_purpose, consent_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, f.ID, utc(a.SubmittedAt), nullID(a.VillageID), nullID(a.UserID),
			a.ConsentPurpose, utc(a.ConsentAt)).Scan(&a.ID); err != nil {
			return fmt.Errorf("store: qr answer: %w", err)
		}
		counts := [][2]string{{"", ""}}
		names := []string{"consent"}
		for _, x := range f.Fields {
			vals := a.Values[x.Key]
			if len(vals) > 0 {
				names = append(names, x.Key)
			}
			for i, v := range vals {
				if _, err := tx.ExecContext(ctx, `INSERT INTO qr_answer_values (answer_id, field_key, position, value) VALUES ($1, $2, $3, $4)`,
					a.ID, x.Key, i, v); err != nil {
					return fmt.Errorf("store: qr answer value: %w", err)
				}
				if x.Kind.Counted() {
					counts = append(counts, [2]string{x.Key, v})
				}
			}
		}
		for _, file := range a.Files {
			names = append(names, file.Field)
			if _, err := tx.ExecContext(ctx, `INSERT INTO qr_answer_files (answer_id, field_key, blob_key, content_type, size) VALUES ($1, $2, $3, $4, $5)`,
				a.ID, file.Field, file.Key, file.ContentType, file.Size); err != nil {
				return fmt.Errorf("store: qr answer file: %w", err)
			}
		}
		for _, c := range counts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO qr_form_counts (form_id, field_key, choice, n) VALUES ($1, $2, $3, 1)
				ON CONFLICT (form_id, field_key, choice) DO UPDATE SET n = qr_form_counts.n + 1`, f.ID, c[0], c[1]); err != nil {
				return fmt.Errorf("store: qr form counts: %w", err)
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: f.UnitID, Action: "qrform.answer", ObjectType: "qr_answer",
			ObjectID: strconv.FormatInt(a.ID, 10), Fields: names})
	})
	return a, err
}

// QRAnswers lists a form's answers, the latest first, filtered, with their total.
func (s *Store) QRAnswers(ctx context.Context, q qrform.AnswerQuery) ([]qrform.Answer, int, error) {
	where := []string{"a.form_id = $1"}
	args := []any{q.FormID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !q.From.IsZero() {
		where = append(where, "a.submitted_at >= "+arg(utc(q.From)))
	}
	if !q.To.IsZero() {
		where = append(where, "a.submitted_at < "+arg(utc(q.To)))
	}
	if q.VillageID != 0 {
		where = append(where, "a.village_id = "+arg(q.VillageID))
	}
	if q.Field != "" {
		where = append(where, "EXISTS (SELECT 1 FROM qr_answer_values v WHERE v.answer_id = a.id AND v.field_key = "+arg(q.Field)+
			" AND v.value = "+arg(q.Choice)+")")
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM qr_answers a WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	page := ""
	if q.Limit > 0 {
		page = " LIMIT " + arg(q.Limit) + " OFFSET " + arg(q.Offset)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.form_id, a.submitted_at, COALESCE(a.village_id, 0), COALESCE(a.user_id, 0),
		a.consent_purpose, a.consent_at FROM qr_answers a WHERE `+cond+` ORDER BY a.submitted_at DESC, a.id DESC`+page, args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	var out []qrform.Answer
	index := map[int64]int{}
	for rows.Next() {
		var a qrform.Answer
		if err := rows.Scan(&a.ID, &a.FormID, &a.SubmittedAt, &a.VillageID, &a.UserID, &a.ConsentPurpose, &a.ConsentAt); err != nil {
			rows.Close()
			return nil, 0, err
		}
		a.SubmittedAt, a.ConsentAt, a.Values = a.SubmittedAt.UTC(), a.ConsentAt.UTC(), map[string][]string{}
		index[a.ID] = len(out)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, total, mapErr(err)
	}
	ids := make([]string, 0, len(out))
	for _, a := range out {
		ids = append(ids, strconv.FormatInt(a.ID, 10))
	}
	in := strings.Join(ids, ", ") // integers from the database: no injection
	vrows, err := s.r.QueryContext(ctx, `SELECT answer_id, field_key, value FROM qr_answer_values WHERE answer_id IN (`+in+`) ORDER BY answer_id, field_key, position`)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	for vrows.Next() {
		var id int64
		var k, v string
		if err := vrows.Scan(&id, &k, &v); err != nil {
			vrows.Close()
			return nil, 0, err
		}
		a := &out[index[id]]
		a.Values[k] = append(a.Values[k], v)
	}
	vrows.Close()
	if err := vrows.Err(); err != nil {
		return nil, 0, mapErr(err)
	}
	frows, err := s.r.QueryContext(ctx, `SELECT answer_id, field_key, blob_key, content_type, size FROM qr_answer_files WHERE answer_id IN (`+in+`) ORDER BY answer_id, field_key`)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer frows.Close()
	for frows.Next() {
		var id int64
		var file qrform.File
		if err := frows.Scan(&id, &file.Field, &file.Key, &file.ContentType, &file.Size); err != nil {
			return nil, 0, err
		}
		a := &out[index[id]]
		a.Files = append(a.Files, file)
	}
	return out, total, mapErr(frows.Err())
}

// QRCounts lists a form's counts (the field "" counts the answers).
func (s *Store) QRCounts(ctx context.Context, formID int64) ([]qrform.Count, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT field_key, choice, n FROM qr_form_counts WHERE form_id = $1 ORDER BY field_key, choice`, formID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []qrform.Count
	for rows.Next() {
		var c qrform.Count
		if err := rows.Scan(&c.Field, &c.Choice, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// PurgeQRAnswers deletes, form by form, the answers submitted a retention or more
// before now, their values and files' rows, with an audit record per form that names the
// counts deleted (never a value); it returns the blob keys no answer refers to any more.
func (s *Store) PurgeQRAnswers(ctx context.Context, now time.Time) (qrform.PurgeResult, []string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT f.id, f.unit_id, f.retention_days FROM qr_forms f JOIN qr_answers a ON a.form_id = f.id ORDER BY f.id`)
	if err != nil {
		return qrform.PurgeResult{}, nil, mapErr(err)
	}
	type due struct {
		id, unit int64
		days     int
	}
	var forms []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.unit, &d.days); err != nil {
			rows.Close()
			return qrform.PurgeResult{}, nil, err
		}
		forms = append(forms, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qrform.PurgeResult{}, nil, mapErr(err)
	}
	var res qrform.PurgeResult
	keys := map[string]bool{}
	for _, d := range forms {
		cutoff := utc(now).Add(-time.Duration(d.days) * 24 * time.Hour)
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var answers, files int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM qr_answers WHERE form_id = $1 AND submitted_at <= $2`, d.id, cutoff).Scan(&answers); err != nil {
				return err
			}
			if answers == 0 {
				return nil
			}
			krows, err := tx.QueryContext(ctx, `SELECT x.blob_key FROM qr_answer_files x JOIN qr_answers a ON a.id = x.answer_id
				WHERE a.form_id = $1 AND a.submitted_at <= $2`, d.id, cutoff)
			if err != nil {
				return err
			}
			var found []string
			for krows.Next() {
				var k string
				if err := krows.Scan(&k); err != nil {
					krows.Close()
					return err
				}
				found = append(found, k)
			}
			krows.Close()
			if err := krows.Err(); err != nil {
				return err
			}
			files = len(found)
			sub := `SELECT id FROM qr_answers WHERE form_id = $1 AND submitted_at <= $2`
			for _, q := range []string{`DELETE FROM qr_answer_values WHERE answer_id IN (` + sub + `)`,
				`DELETE FROM qr_answer_files WHERE answer_id IN (` + sub + `)`,
				`DELETE FROM qr_answers WHERE form_id = $1 AND submitted_at <= $2`} {
				if _, err := tx.ExecContext(ctx, q, d.id, cutoff); err != nil {
					return fmt.Errorf("store: qr purge: %w", err)
				}
			}
			for _, k := range found {
				var used int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM qr_answer_files WHERE blob_key = $1`, k).Scan(&used); err != nil {
					return err
				}
				if used == 0 {
					keys[k] = true
				}
			}
			res.Forms++
			res.Answers += answers
			_ = files
			return s.appendAudit(ctx, tx, audit.Event{Chain: d.unit, Action: "qrform.purge", ObjectType: "qr_form",
				ObjectID: strconv.FormatInt(d.id, 10), Fields: []string{"answers=" + strconv.Itoa(answers), "files=" + strconv.Itoa(files)}})
		})
		if err != nil {
			return res, nil, err
		}
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return res, out, nil
}

// QRFileUsed reports whether an answer refers to a blob.
func (s *Store) QRFileUsed(ctx context.Context, key string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM qr_answer_files WHERE blob_key = $1`, key).Scan(&n)
	return n > 0, mapErr(err)
}

// UserPhone is a user's own phone number as registered ("" when none), to fill a QR
// form's phone question in for them.
func (s *Store) UserPhone(ctx context.Context, userID int64) (string, error) {
	var phone sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT phone FROM users WHERE id = $1`, userID).Scan(&phone)
	return phone.String, notFound(err, auth.ErrUserNotFound)
}

// QRAnswerFile finds an answer's file of a field, with the answer's form.
func (s *Store) QRAnswerFile(ctx context.Context, answerID int64, field string) (qrform.File, int64, error) {
	var f qrform.File
	var formID int64
	err := s.r.QueryRowContext(ctx, `SELECT x.field_key, x.blob_key, x.content_type, x.size, a.form_id FROM qr_answer_files x
		JOIN qr_answers a ON a.id = x.answer_id WHERE x.answer_id = $1 AND x.field_key = $2`, answerID, field).
		Scan(&f.Field, &f.Key, &f.ContentType, &f.Size, &formID)
	return f, formID, notFound(err, qrform.ErrFileNotFound)
}
