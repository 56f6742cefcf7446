package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/report"
)

const feedbackCols = `f.id, f.unit_id, f.dossier_id, COALESCE(d.code, ''), f.kind, f.content, f.name, f.contact, f.owner_id, f.publish,
	f.status, f.filed_at, f.due_at, f.assignee_id, f.assignee_name, f.answer, f.answered_at, f.answered_by, f.verdict, f.version`

func scanFeedback(row interface{ Scan(...any) error }) (feedback.Feedback, error) {
	var f feedback.Feedback
	var dossierID, owner, assignee sql.NullInt64
	var answered sql.NullTime
	err := row.Scan(&f.ID, &f.UnitID, &dossierID, &f.DossierCode, &f.Kind, &f.Content, &f.Name, &f.Contact, &owner, &f.Publish,
		&f.Status, &f.FiledAt, &f.DueAt, &assignee, &f.AssigneeName, &f.Answer, &answered, &f.AnsweredBy, &f.Verdict, &f.Version)
	f.DossierID, f.OwnerID, f.AssigneeID = dossierID.Int64, owner.Int64, assignee.Int64
	f.FiledAt, f.DueAt = f.FiledAt.UTC(), f.DueAt.UTC()
	if answered.Valid {
		f.AnsweredAt = answered.Time.UTC()
	}
	return f, err
}

// CreateFeedback stores a new feedback with its audit record, in one transaction.
func (s *Store) CreateFeedback(ctx context.Context, f feedback.Feedback) (feedback.Feedback, error) {
	f.Version = 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback (unit_id, dossier_id, kind, content, name, contact, owner_id, publish, status,
			filed_at, due_at, assignee_id, assignee_name, answer, answered_at, answered_by, verdict, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, '', '', NULL, '', '', 1) RETURNING id`,
			f.UnitID, nullID(f.DossierID), f.Kind, f.Content, f.Name, f.Contact, nullID(f.OwnerID), f.Publish, f.Status,
			utc(f.FiledAt), utc(f.DueAt)).Scan(&f.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: f.UnitID, Action: "feedback.filed", ObjectType: "feedback",
			ObjectID: strconv.FormatInt(f.ID, 10), Fields: []string{"kind", "content", "name", "contact", "publish"}})
	})
	if err != nil {
		return f, fmt.Errorf("store: feedback: %w", err)
	}
	return f, nil
}

// Feedback loads one feedback.
func (s *Store) Feedback(ctx context.Context, id int64) (feedback.Feedback, error) {
	f, err := scanFeedback(s.r.QueryRowContext(ctx, `SELECT `+feedbackCols+` FROM feedback f LEFT JOIN dossiers d ON d.id = f.dossier_id
		WHERE f.id = $1`, id))
	if err != nil {
		return f, notFound(err, feedback.ErrNotFound)
	}
	return f, nil
}

// FeedbackList lists units' feedback, the earliest deadline first among the unanswered,
// then the answered, latest first.
func (s *Store) FeedbackList(ctx context.Context, q feedback.Query) ([]feedback.Feedback, int, error) {
	if len(q.UnitIDs) == 0 && q.Owner == 0 {
		return nil, 0, nil
	}
	limit, offset := page(q.Limit, q.Offset)
	args := anyIDs(q.UnitIDs)
	var where []string
	if len(q.UnitIDs) > 0 {
		where = append(where, "f.unit_id IN ("+placeholders(1, len(q.UnitIDs))+")")
	}
	if q.Owner != 0 {
		args = append(args, q.Owner)
		n := "$" + strconv.Itoa(len(args))
		where = append(where, "(f.owner_id = "+n+" OR f.dossier_id IN (SELECT id FROM dossiers WHERE owner_id = "+n+"))")
	}
	if len(q.Statuses) > 0 {
		var ps []string
		for _, st := range q.Statuses {
			args = append(args, st)
			ps = append(ps, "$"+strconv.Itoa(len(args)))
		}
		where = append(where, "f.status IN ("+strings.Join(ps, ", ")+")")
	}
	if q.Dossier != 0 {
		args = append(args, q.Dossier)
		where = append(where, "f.dossier_id = $"+strconv.Itoa(len(args)))
	}
	if q.Published {
		where = append(where, "f.publish", "f.status = 'answered'")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback f WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	args = append(args, limit, offset)
	rows, err := s.r.QueryContext(ctx, `SELECT `+feedbackCols+` FROM feedback f LEFT JOIN dossiers d ON d.id = f.dossier_id WHERE `+w+`
		ORDER BY CASE WHEN f.status = 'answered' THEN 1 ELSE 0 END, CASE WHEN f.status = 'answered' THEN NULL ELSE f.due_at END,
		f.answered_at DESC, f.id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []feedback.Feedback
	for rows.Next() {
		f, err := scanFeedback(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, f)
	}
	return out, total, mapErr(rows.Err())
}

// SaveFeedback stores a change of a feedback under its optimistic lock, with its audit
// record and messages, in one transaction.
func (s *Store) SaveFeedback(ctx context.Context, before, after feedback.Feedback, action string, fields []string, msgs []notify.Message) (feedback.Feedback, error) {
	after.Version = before.Version + 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE feedback SET status = $1, assignee_id = $2, assignee_name = $3, answer = $4, answered_at = $5,
			answered_by = $6, verdict = $7, version = $8 WHERE id = $9 AND version = $10`,
			after.Status, nullID(after.AssigneeID), after.AssigneeName, after.Answer, nullTime(after.AnsweredAt), after.AnsweredBy,
			after.Verdict, after.Version, after.ID, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return feedback.ErrChanged
		}
		for _, m := range msgs {
			if err := s.enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: after.UnitID, Action: action, ObjectType: "feedback",
			ObjectID: strconv.FormatInt(after.ID, 10), Fields: fields})
	})
	return after, err
}

// AnswerDays is a unit's deadline for answering feedback, in working days (0: unset).
func (s *Store) AnswerDays(ctx context.Context, unitID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT answer_days FROM feedback_settings WHERE unit_id = $1`, unitID).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, mapErr(err)
}

// SetAnswerDays sets a unit's deadline for answering feedback, audited.
func (s *Store) SetAnswerDays(ctx context.Context, unitID int64, days int) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_settings (unit_id, answer_days) VALUES ($1, $2)
			ON CONFLICT (unit_id) DO UPDATE SET answer_days = excluded.answer_days`, unitID, days); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "feedback.settings", ObjectType: "unit",
			ObjectID: strconv.FormatInt(unitID, 10), Fields: []string{"answer_days"}})
	})
}

// SaveSurvey stores a dossier's survey answers once, audited (the answers are the
// citizen's: the audit names the fields).
func (s *Store) SaveSurvey(ctx context.Context, d dossier.Dossier, sv feedback.Survey) error {
	scores, err := json.Marshal(sv.Scores)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_surveys (dossier_id, unit_id, scores, comment, answered_at) VALUES ($1, $2, $3, $4, $5)`,
			d.ID, d.CompetentUnitID, string(scores), sv.Comment, utc(sv.At)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.CompetentUnitID, Action: "dossier.surveyed", ObjectType: "dossier",
			ObjectID: d.Code, Fields: []string{"scores", "comment"}})
	})
	if isUnique(err) {
		return feedback.ErrSurveyed
	}
	return err
}

// DossierSurveyed reports whether a dossier's survey was answered.
func (s *Store) DossierSurveyed(ctx context.Context, dossierID int64) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_surveys WHERE dossier_id = $1`, dossierID).Scan(&n)
	return n > 0, mapErr(err)
}

// FeedbackStats is report.IndexStore's count of the feedback of units filed on the
// local days from..to, measured on to (feedback.Feedback.OnTime): the rows of the
// period, through the index on (unit, filed_at).
func (s *Store) FeedbackStats(ctx context.Context, units []int64, from, to calendar.Date) (report.FeedbackStats, error) {
	var st report.FeedbackStats
	if len(units) == 0 {
		return st, nil
	}
	end := to.AddDays(1).Time().UTC()
	args := append([]any{utc(from.Time()), end}, anyIDs(units)...)
	rows, err := s.r.QueryContext(ctx, `SELECT due_at, answered_at, verdict FROM feedback
		WHERE filed_at >= $1 AND filed_at < $2 AND unit_id IN (`+placeholders(3, len(units))+`)`, args...)
	if err != nil {
		return st, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var f feedback.Feedback
		var answered sql.NullTime
		if err := rows.Scan(&f.DueAt, &answered, &f.Verdict); err != nil {
			return st, err
		}
		if answered.Valid {
			f.AnsweredAt = answered.Time
		}
		st.Filed++
		// Measured at the end of the period's last day: an answer after it is not known then.
		lastInstant := end.Add(-1)
		if f.OnTime(lastInstant) {
			st.OnTime++
		} else {
			st.Unhappy++
			continue
		}
		if f.Verdict == feedback.VerdictDissatisfied && !f.AnsweredAt.After(lastInstant) {
			st.Unhappy++
		}
	}
	return st, mapErr(rows.Err())
}

// Unhappy is report.IndexStore's list of the dossiers of units given a "không hài lòng"
// rating, or about which feedback was filed, on the local days from..to, with their
// histories: few, read through the ratings' and the feedback's indexes by unit and day.
func (s *Store) Unhappy(ctx context.Context, units []int64, from, to calendar.Date) ([]report.History, error) {
	if len(units) == 0 {
		return nil, nil
	}
	args := append([]any{utc(from.Time()), utc(to.AddDays(1).Time())}, anyIDs(units)...)
	in := placeholders(3, len(units))
	rows, err := s.r.QueryContext(ctx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.id IN (
		SELECT dossier_id FROM dossier_ratings WHERE rating = 'dissatisfied' AND rated_at >= $1 AND rated_at < $2 AND unit_id IN (`+in+`)
		UNION SELECT dossier_id FROM feedback WHERE dossier_id IS NOT NULL AND filed_at >= $1 AND filed_at < $2 AND unit_id IN (`+in+`))
		ORDER BY d.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []report.History
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, report.History{Dossier: d})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	for i := range out {
		if out[i].Events, err = dossierEvents(ctx, s.r, out[i].Dossier.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
