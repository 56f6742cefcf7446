package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/notify"
)

// CreateDossier stores a new dossier with its code, its first event, its counters and its
// messages in one transaction. The code's sequence row is incremented in the same
// transaction, so a code is never issued twice nor skipped. With an idempotency key
// already used with the same body, it returns the earlier dossier and replayed = true.
func (s *Store) CreateDossier(ctx context.Context, nd dossier.NewDossier) (dossier.Dossier, bool, error) {
	return s.createDossier(ctx, nd, true)
}

func (s *Store) createDossier(ctx context.Context, nd dossier.NewDossier, retry bool) (d dossier.Dossier, replayed bool, err error) {
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if nd.IdemKey != "" {
			var id int64
			var hash string
			err := tx.QueryRowContext(ctx, `SELECT dossier_id, body_hash FROM idempotency_keys WHERE principal = $1 AND key = $2`,
				nd.IdemPrincipal, nd.IdemKey).Scan(&id, &hash)
			switch {
			case err == nil && hash == nd.BodyHash:
				replayed = true
				d, err = s.dossierWhere(ctx, tx, "d.id = $1", id)
				return err
			case err == nil:
				return dossier.ErrIdempotency
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		d = nd.Dossier
		d.ChangedAt = utc(nd.Event.At)
		if err := standingConsent(ctx, tx, d); err != nil {
			return err
		}
		day := calendar.DateOf(d.SubmittedAt)
		var seq int
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_sequences (unit_id, day, n) VALUES ($1, $2, 1)
			ON CONFLICT (unit_id, day) DO UPDATE SET n = dossier_sequences.n + 1 RETURNING n`, d.ReceivingUnitID, day.String()).Scan(&seq); err != nil {
			return fmt.Errorf("store: dossier sequence: %w", err)
		}
		d.Code = dossier.FormatCode(nd.Ident, day, seq)
		d.Secret = dossier.NewSecret()
		d.Version = 1
		fields, err := json.Marshal(d.Fields)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers (receiving_unit_id, competent_unit_id, code, secret, procedure_id, procedure_code,
			procedure_version, procedure_name, channel, applicant_name, applicant_id, applicant_phone, applicant_email, applicant_address,
			owner_id, assisted_by, consent, fields, status, step, submitted_at, received_at, due_at, extended_due_at, paused_at,
			paused_minutes, supplements, step_started_at, resolved_at, timeliness, ended_at, reason, version, national_code, consent_id, changed_at, applicant_fold)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
			$25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37) RETURNING id`,
			d.ReceivingUnitID, d.CompetentUnitID, d.Code, d.Secret, d.ProcedureID, d.ProcedureCode, d.ProcedureVersion, d.ProcedureName,
			d.Channel, d.Applicant.FullName, d.Applicant.IDNumber, d.Applicant.Phone, d.Applicant.Email, d.Applicant.Address,
			nullID(d.OwnerID), nullID(d.AssistedBy), d.Consent, string(fields), d.Status, d.Step, utc(d.SubmittedAt), nullTime(d.ReceivedAt),
			nullTime(d.DueAt), nullTime(d.ExtendedDueAt), nullTime(d.PausedAt), d.PausedMinutes, d.Supplements, utc(d.StepStartedAt),
			nullTime(d.ResolvedAt), d.Timeliness, nullTime(d.EndedAt), d.Reason, d.Version, nullString(d.NationalCode), nullID(d.ConsentID),
			utc(nd.Event.At), searchName(d.Applicant.FullName)).Scan(&d.ID); err != nil {
			return fmt.Errorf("store: dossier %s: %w", d.Code, err)
		}
		for i, pp := range d.Papers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_papers (dossier_id, position, name, form, count) VALUES ($1, $2, $3, $4, $5)`,
				d.ID, i, pp.Name, pp.Form, pp.Count); err != nil {
				return fmt.Errorf("store: dossier %s papers: %w", d.Code, err)
			}
		}
		if d.QueueTicket != "" {
			if err := linkQueueTicket(ctx, tx, d, day.String()); err != nil {
				return err
			}
		}
		if nd.IdemKey != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (principal, key, body_hash, dossier_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
				nd.IdemPrincipal, nd.IdemKey, nd.BodyHash, d.ID, s.timestamp()); err != nil {
				return fmt.Errorf("store: idempotency key: %w", err)
			}
		}
		var msgs []notify.Message
		if nd.Messages != nil {
			msgs = nd.Messages(d)
		}
		if err := s.afterTransition(ctx, tx, nil, d, nd.Event, msgs); err != nil {
			return err
		}
		// The papers of a filing count against their uploader's daily cap.
		type upload struct {
			files int
			size  int64
		}
		uploads := map[int64]upload{}
		for _, a := range nd.Attachments {
			u := uploads[a.UploadedBy]
			uploads[a.UploadedBy] = upload{u.files + 1, u.size + a.Size}
		}
		for by, u := range uploads {
			if err := s.checkUploadCaps(ctx, tx, d.ID, by, u.files, u.size); err != nil {
				return err
			}
		}
		for _, a := range nd.Attachments {
			if _, err := s.insertFile(ctx, tx, d.Code, dossier.File{DossierID: d.ID, UnitID: d.CompetentUnitID, Kind: a.Kind,
				Name: a.Name, FileName: a.FileName, ContentType: a.ContentType, Size: a.Size, BlobKey: a.BlobKey,
				Digitised: a.Digitised, UploadedBy: a.UploadedBy}); err != nil {
				return err
			}
		}
		if nd.Within != nil {
			return nd.Within(joining(ctx, tx), d)
		}
		return nil
	})
	if err != nil && retry && nd.IdemKey != "" && isUnique(err) {
		// Another request with the same key won the race: answer as it did.
		return s.createDossier(ctx, nd, false)
	}
	return d, replayed, err
}

// SaveTransition stores a transition computed on the dossier as loaded (before): the new
// state, its event, its counters and its messages, in one transaction. If someone else
// changed the dossier meanwhile (its version moved), nothing is written and
// dossier.ErrStale is returned: two officers acting at once — one wins, the other is told.
func (s *Store) SaveTransition(ctx context.Context, before, after dossier.Dossier, ev dossier.Event, msgs []notify.Message) (dossier.Dossier, error) {
	after.Version = before.Version + 1
	after.ChangedAt = utc(ev.At)
	// The processing time is written once, by the transition that ends processing.
	var ptime, punit, plimit any
	if p := after.Processing; p != nil {
		ptime, punit, plimit = p.Time, string(p.Unit), p.Limit
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE dossiers SET status = $1, step = $2, received_at = $3, due_at = $4, extended_due_at = $5,
			paused_at = $6, paused_minutes = $7, supplements = $8, step_started_at = $9, resolved_at = $10, timeliness = $11,
			ended_at = $12, reason = $13, version = $14, changed_at = $15,
			processing_time = COALESCE($18, processing_time), processing_unit = COALESCE($19, processing_unit),
			processing_limit = COALESCE($20, processing_limit), assigned_to = $21 WHERE id = $16 AND version = $17`,
			after.Status, after.Step, nullTime(after.ReceivedAt), nullTime(after.DueAt), nullTime(after.ExtendedDueAt), nullTime(after.PausedAt),
			after.PausedMinutes, after.Supplements, utc(after.StepStartedAt), nullTime(after.ResolvedAt), after.Timeliness,
			nullTime(after.EndedAt), after.Reason, after.Version, after.ChangedAt, after.ID, before.Version, ptime, punit, plimit,
			nullID(after.AssignedTo))
		if err != nil {
			return fmt.Errorf("store: dossier %s: %w", after.Code, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dossier.ErrStale
		}
		return s.afterTransition(ctx, tx, &before, after, ev, msgs)
	})
	return after, err
}

// afterTransition writes what every change of a dossier writes with it.
func (s *Store) afterTransition(ctx context.Context, tx *sql.Tx, before *dossier.Dossier, d dossier.Dossier, ev dossier.Event, msgs []notify.Message) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (dossier_id, unit_id, at, actor_id, actor_name, action, from_status, to_status,
		from_step, to_step, note, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		d.ID, d.CompetentUnitID, utc(ev.At), nullID(ev.ActorID), ev.ActorName, ev.Action, ev.FromStatus, ev.ToStatus, ev.FromStep, ev.ToStep, ev.Note,
		nullTime(d.DueAt)); err != nil {
		return fmt.Errorf("store: dossier %s event: %w", d.Code, err)
	}
	var prev dossier.Span // a new dossier's first event ends no span
	if before != nil {
		prev = dossier.SpanOf(*before)
	}
	if err := s.countEvent(ctx, tx, dossier.EventCounts(d, prev, ev)); err != nil {
		return fmt.Errorf("store: dossier %s counters: %w", d.Code, err)
	}
	if !d.ReceivedAt.IsZero() && (before == nil || before.ReceivedAt.IsZero()) {
		if err := registerDossier(ctx, tx, d); err != nil {
			return err
		}
	}
	if form := ev.Action.Letter(); form != "" {
		if err := s.issueLetter(ctx, tx, d, form, ev.At); err != nil {
			return err
		}
	}
	for _, m := range msgs {
		if err := s.enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	fields := []string{"status", "step"}
	if ev.Action == dossier.ActAssign {
		fields = []string{"assigned_to"}
	}
	if before == nil {
		fields = []string{"applicant", "fields", "status"}
	}
	return s.appendAudit(ctx, tx, audit.Event{Chain: d.CompetentUnitID, Action: "dossier." + string(ev.Action), ObjectType: "dossier",
		ObjectID: d.Code, Fields: fields})
}

// addCounts increments daily counters and their monthly roll-up. Transitions and imports
// go through countEvent, which also marks the provinces' folded months.
func addCounts(ctx context.Context, tx *sql.Tx, counts []dossier.Count) error {
	for _, c := range counts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_counts (unit_id, day, procedure_code, channel, measure, n) VALUES ($1, $2, $3, $4, $5, 1)
			ON CONFLICT (unit_id, day, procedure_code, channel, measure) DO UPDATE SET n = dossier_counts.n + 1`,
			c.UnitID, c.Day.String(), c.ProcedureCode, c.Channel, c.Measure); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_counts_monthly (unit_id, month, procedure_code, channel, measure, n) VALUES ($1, $2, $3, $4, $5, 1)
			ON CONFLICT (unit_id, month, procedure_code, channel, measure) DO UPDATE SET n = dossier_counts_monthly.n + 1`,
			c.UnitID, c.Day.String()[:7], c.ProcedureCode, c.Channel, c.Measure); err != nil {
			return err
		}
	}
	return nil
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const dossierCols = `d.id, d.receiving_unit_id, d.competent_unit_id, d.code, d.secret, d.procedure_id, d.procedure_code, d.procedure_version,
	d.procedure_name, d.channel, d.applicant_name, d.applicant_id, d.applicant_phone, d.applicant_email, d.applicant_address,
	d.owner_id, d.assisted_by, d.consent, d.fields, d.status, d.step, d.submitted_at, d.received_at, d.due_at, d.extended_due_at,
	d.paused_at, d.paused_minutes, d.supplements, d.step_started_at, d.resolved_at, d.timeliness, d.ended_at, d.reason, d.version,
	d.national_code, d.consent_id, d.changed_at, d.assigned_to`

func scanDossier(row interface{ Scan(...any) error }) (dossier.Dossier, error) {
	var d dossier.Dossier
	var owner, assisted, consentID, assigned sql.NullInt64
	var fields string
	var received, due, extended, paused, resolved, ended, changed sql.NullTime
	var national sql.NullString
	err := row.Scan(&d.ID, &d.ReceivingUnitID, &d.CompetentUnitID, &d.Code, &d.Secret, &d.ProcedureID, &d.ProcedureCode, &d.ProcedureVersion,
		&d.ProcedureName, &d.Channel, &d.Applicant.FullName, &d.Applicant.IDNumber, &d.Applicant.Phone, &d.Applicant.Email, &d.Applicant.Address,
		&owner, &assisted, &d.Consent, &fields, &d.Status, &d.Step, &d.SubmittedAt, &received, &due, &extended,
		&paused, &d.PausedMinutes, &d.Supplements, &d.StepStartedAt, &resolved, &d.Timeliness, &ended, &d.Reason, &d.Version,
		&national, &consentID, &changed, &assigned)
	if err != nil {
		return d, err
	}
	d.AssignedTo = assigned.Int64
	d.NationalCode, d.ConsentID = national.String, consentID.Int64
	d.OwnerID, d.AssistedBy = owner.Int64, assisted.Int64
	for dst, src := range map[*time.Time]sql.NullTime{&d.ReceivedAt: received, &d.DueAt: due, &d.ExtendedDueAt: extended,
		&d.PausedAt: paused, &d.ResolvedAt: resolved, &d.EndedAt: ended, &d.ChangedAt: changed} {
		if src.Valid {
			*dst = src.Time.UTC()
		}
	}
	d.SubmittedAt, d.StepStartedAt = d.SubmittedAt.UTC(), d.StepStartedAt.UTC()
	if err := json.Unmarshal([]byte(fields), &d.Fields); err != nil {
		return d, fmt.Errorf("store: dossier %s fields: %w", d.Code, err)
	}
	return d, nil
}

func (s *Store) dossierWhere(ctx context.Context, q querier, where string, args ...any) (dossier.Dossier, error) {
	d, err := scanDossier(q.QueryRowContext(ctx, `SELECT `+dossierCols+` FROM dossiers d WHERE `+where, args...))
	if err != nil {
		return d, notFound(err, dossier.ErrNotFound)
	}
	return d, nil
}

// DossierByCode loads a dossier.
func (s *Store) DossierByCode(ctx context.Context, code string) (dossier.Dossier, error) {
	return s.dossierWhere(ctx, s.r, "d.code = $1", code)
}

// DossierEvents returns a dossier's history, oldest first.
func (s *Store) DossierEvents(ctx context.Context, dossierID int64) ([]dossier.Event, error) {
	return dossierEvents(ctx, s.r, dossierID)
}

func dossierEvents(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, dossierID int64) ([]dossier.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT at, actor_id, actor_name, action, from_status, to_status, from_step, to_step, note, due_at
		FROM dossier_events WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []dossier.Event
	for rows.Next() {
		var e dossier.Event
		var actor sql.NullInt64
		var due sql.NullTime
		if err := rows.Scan(&e.At, &actor, &e.ActorName, &e.Action, &e.FromStatus, &e.ToStatus, &e.FromStep, &e.ToStep, &e.Note, &due); err != nil {
			return nil, err
		}
		e.At, e.ActorID = e.At.UTC(), actor.Int64
		if due.Valid {
			e.Due = due.Time.UTC()
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// DossierQuery filters dossier lists: an officer's inbox, a citizen's own dossiers.
type DossierQuery struct {
	UnitID  int64 // competent or receiving unit; 0: any
	OwnerID int64 // 0: any
	// AssistedBy lists the dossiers this volunteer filed for citizens whose consent,
	// the one each was filed under, still stands (dossier.Service.Access's rule); 0: any.
	AssistedBy int64
	// NationalCode finds the dossier the national portal forwarded with that code.
	NationalCode string
	Statuses     []dossier.Status
	Limit        int
	Offset       int
}

// Dossiers lists dossiers by urgency: the earliest appointment first (overdue ones
// come first), then those not yet received, oldest first.
func (s *Store) Dossiers(ctx context.Context, q DossierQuery) ([]dossier.Dossier, int, error) {
	limit, offset := page(q.Limit, q.Offset)
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if q.OwnerID != 0 {
		where = append(where, "d.owner_id = "+arg(q.OwnerID))
	}
	if q.AssistedBy != 0 {
		where = append(where, "d.assisted_by = "+arg(q.AssistedBy), "d.channel = "+arg(dossier.ChannelAssisted),
			"EXISTS (SELECT 1 FROM consents c WHERE c.id = d.consent_id AND c.revoked_at IS NULL)")
	}
	if q.NationalCode != "" {
		where = append(where, "d.national_code = "+arg(q.NationalCode))
	}
	if len(q.Statuses) > 0 {
		var ps []string
		for _, st := range q.Statuses {
			ps = append(ps, arg(st))
		}
		where = append(where, "d.status IN ("+strings.Join(ps, ", ")+")")
	}
	// A unit's list holds the dossiers it decides and those it received for another
	// unit: two disjoint branches, each answered from its inbox index alone (migration
	// 0018), where "decides OR received" made the engine fetch every matching row to
	// remove the duplicates.
	branches := [][]string{where}
	if q.UnitID != 0 {
		u := arg(q.UnitID)
		branches = [][]string{
			append([]string{"d.competent_unit_id = " + u}, where...),
			append([]string{"d.receiving_unit_id = " + u, "d.competent_unit_id <> " + u}, where...),
		}
	}
	var counts, keys []string
	for _, conds := range branches {
		b := "1 = 1"
		if len(conds) > 0 {
			b = strings.Join(conds, " AND ")
		}
		counts = append(counts, `(SELECT COUNT(*) FROM dossiers d WHERE `+b+`)`)
		keys = append(keys, `SELECT d.id, CASE WHEN d.due_at IS NULL THEN 1 ELSE 0 END AS no_due, d.due_at, d.submitted_at FROM dossiers d WHERE `+b)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT `+strings.Join(counts, " + "), args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	lim, off := arg(limit), arg(offset)
	// The page is chosen on the sort keys alone, then only its rows are read whole: a
	// unit with thousands of dossiers waiting sorted all of them, every column, for each
	// page of twenty.
	rows, err := s.r.QueryContext(ctx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.id IN (
		SELECT k.id FROM (`+strings.Join(keys, " UNION ALL ")+`) k
		ORDER BY k.no_due, k.due_at, k.submitted_at, k.id LIMIT `+lim+` OFFSET `+off+`)
		ORDER BY CASE WHEN d.due_at IS NULL THEN 1 ELSE 0 END, d.due_at, d.submitted_at, d.id`, args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []dossier.Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	return out, total, mapErr(rows.Err())
}

// OpenDossiers lists a unit's received and not yet resolved dossiers (the inbox index).
func (s *Store) OpenDossiers(ctx context.Context, unitID int64) ([]dossier.Dossier, error) {
	var out []dossier.Dossier
	for offset := 0; ; offset += 500 {
		ds, total, err := s.Dossiers(ctx, DossierQuery{UnitID: unitID, Limit: 500, Offset: offset,
			Statuses: []dossier.Status{dossier.StatusReceived, dossier.StatusProcessing, dossier.StatusSupplementRequested}})
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
		if offset+500 >= total {
			return out, nil
		}
	}
}

// ReceivedBetween lists a unit's dossiers received from..to (local dates) in order of
// receipt, for the register (form 07); at most limit.
func (s *Store) ReceivedBetween(ctx context.Context, unitID int64, from, to calendar.Date, limit int) ([]dossier.Dossier, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.receiving_unit_id = $1 AND d.received_at >= $2 AND d.received_at < $3
		ORDER BY d.received_at, d.id LIMIT $4`, unitID, from.Time().UTC(), to.AddDays(1).Time().UTC(), limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []dossier.Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// registerDossier writes the dossier received into its receiving unit's register of the
// year (form 07): the next line of the year's book, from a row-locked sequence in the
// receiving transaction, so no line is skipped or given twice.
func registerDossier(ctx context.Context, tx *sql.Tx, d dossier.Dossier) error {
	year := calendar.DateOf(d.ReceivedAt).Year
	var line int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO register_sequences (unit_id, year, n) VALUES ($1, $2, 1)
		ON CONFLICT (unit_id, year) DO UPDATE SET n = register_sequences.n + 1 RETURNING n`, d.ReceivingUnitID, year).Scan(&line); err != nil {
		return fmt.Errorf("store: dossier %s register: %w", d.Code, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_register (dossier_id, unit_id, year, line) VALUES ($1, $2, $3, $4)`,
		d.ID, d.ReceivingUnitID, year, line); err != nil {
		return fmt.Errorf("store: dossier %s register: %w", d.Code, err)
	}
	return nil
}

// DossierPaperwork reads what a dossier's forms print beyond its row: the papers
// received, its register line and the letters issued.
func (s *Store) DossierPaperwork(ctx context.Context, dossierID int64) (dossier.Paperwork, error) {
	var pw dossier.Paperwork
	rows, err := s.r.QueryContext(ctx, `SELECT name, form, count FROM dossier_papers WHERE dossier_id = $1 ORDER BY position`, dossierID)
	if err != nil {
		return pw, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p dossier.Paper
		if err := rows.Scan(&p.Name, &p.Form, &p.Count); err != nil {
			return pw, err
		}
		pw.Papers = append(pw.Papers, p)
	}
	if err := rows.Err(); err != nil {
		return pw, mapErr(err)
	}
	err = s.r.QueryRowContext(ctx, `SELECT year, line FROM dossier_register WHERE dossier_id = $1`, dossierID).Scan(&pw.RegisterYear, &pw.RegisterLine)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return pw, mapErr(err)
	}
	lrows, err := s.r.QueryContext(ctx, `SELECT form, number, notation, issued_at FROM dossier_letters WHERE dossier_id = $1 ORDER BY form`, dossierID)
	if err != nil {
		return pw, mapErr(err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var l dossier.Letter
		if err := lrows.Scan(&l.Form, &l.Number, &l.Notation, &l.IssuedAt); err != nil {
			return pw, err
		}
		l.IssuedAt = l.IssuedAt.UTC()
		pw.Letters = append(pw.Letters, l)
	}
	return pw, mapErr(lrows.Err())
}

// issueLetter numbers the letter a transition issues as an outgoing document of the
// competent unit's register (document.DossierLetter: the công văn's sequence of the
// year, row-locked like the other sequences) and records it with the dossier.
func (s *Store) issueLetter(ctx context.Context, tx *sql.Tx, d dossier.Dossier, form string, at time.Time) error {
	u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE id = $1`, d.CompetentUnitID))
	if err != nil {
		return fmt.Errorf("store: dossier %s letter %s: %w", d.Code, form, mapErr(err))
	}
	set, err := readDocumentSettings(ctx, tx, u.ID)
	if err != nil {
		return fmt.Errorf("store: dossier %s letter %s: %w", d.Code, form, err)
	}
	doc := document.DossierLetter(u.ID, d.Code, form, at, set.Groups)
	if doc.Number, err = nextDocumentNumber(ctx, tx, u.ID, doc.Year, doc.Sequence); err != nil {
		return fmt.Errorf("store: dossier %s letter %s: %w", d.Code, form, err)
	}
	doc.NumberNotation = u.LetterNotation(int64(doc.Number))
	docID, err := s.insertDocument(ctx, tx, doc, "")
	if err != nil {
		return fmt.Errorf("store: dossier %s letter %s: %w", d.Code, form, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_letters (dossier_id, form, unit_id, year, number, notation, issued_at, document_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.ID, form, u.ID, doc.Year, doc.Number, doc.NumberNotation, utc(at), docID); err != nil {
		return fmt.Errorf("store: dossier %s letter %s: %w", d.Code, form, err)
	}
	return s.appendAudit(ctx, tx, audit.Event{Chain: u.ID, Action: "document.issued", ObjectType: "document",
		ObjectID: strconv.FormatInt(docID, 10), Fields: []string{"number", "number_notation", "issued_on", "status", "paper"}})
}
