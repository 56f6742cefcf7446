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
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The documents' store (internal/document.Store): SQL only; the rules are the service's.

const documentColumns = `d.id, d.unit_id, d.direction, d.type_code, d.subject, d.sender, d.recipients, d.drafting_unit,
	d.year, COALESCE(d.sequence, ''), COALESCE(d.number, 0), d.number_notation, COALESCE(d.arrival_number, 0), d.urgency,
	d.confidential, d.legal, COALESCE(d.issued_on, ''), d.received_at, d.source, d.status, d.paper, d.signed_blob,
	d.attachments, d.file_id, d.handler_id, COALESCE(u.full_name, ''), d.supporting, d.instruction,
	COALESCE(d.deadline, ''), d.progress, d.reply_to, d.created_at, d.version`

const documentFrom = ` FROM documents d LEFT JOIN users u ON u.id = d.handler_id`

func scanDocument(row interface{ Scan(...any) error }) (document.Document, error) {
	var d document.Document
	var recips, atts string
	var received sql.NullTime
	var fileID, handler, reply sql.NullInt64
	err := row.Scan(&d.ID, &d.UnitID, &d.Direction, &d.TypeCode, &d.Subject, &d.Sender, &recips, &d.DraftingUnit,
		&d.Year, &d.Sequence, &d.Number, &d.NumberNotation, &d.ArrivalNumber, &d.Urgency,
		&d.Confidential, &d.Legal, &d.IssuedOn, &received, &d.Source, &d.Status, &d.Paper, &d.SignedBlob,
		&atts, &fileID, &handler, &d.HandlerName, &d.Supporting, &d.Instruction,
		&d.Deadline, &d.Progress, &reply, &d.CreatedAt, &d.Version)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(recips), &d.Recipients); err != nil {
		return d, fmt.Errorf("store: document %d recipients: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(atts), &d.Attachments); err != nil {
		return d, fmt.Errorf("store: document %d attachments: %w", d.ID, err)
	}
	if received.Valid {
		t := received.Time.UTC()
		d.ReceivedAt = &t
	}
	d.CreatedAt = d.CreatedAt.UTC()
	d.FileID, d.HandlerID, d.ReplyTo = docNullID(fileID), docNullID(handler), docNullID(reply)
	return d, nil
}

func docNullID(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

func docIDArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func docTextArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func docIntArg(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func documentSearchText(d document.Document) string {
	return catalog.Fold(d.Subject + " " + d.Sender + " " + d.NumberNotation)
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (s *Store) insertDocument(ctx context.Context, tx *sql.Tx, d document.Document, dupKey string) (int64, error) {
	var id int64
	var received any
	if d.ReceivedAt != nil {
		received = d.ReceivedAt.UTC()
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO documents (unit_id, direction, type_code, subject, sender, recipients,
		drafting_unit, search_text, year, sequence, number, number_notation, arrival_number, dup_key, urgency, confidential,
		legal, issued_on, received_at, source, status, paper, signed_blob, attachments, file_id, reply_to, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
		$24, $25, $26, $27, $27) RETURNING id`,
		d.UnitID, d.Direction, d.TypeCode, d.Subject, d.Sender, jsonList(d.Recipients), d.DraftingUnit,
		documentSearchText(d), d.Year, docTextArg(d.Sequence), docIntArg(d.Number), d.NumberNotation, docIntArg(d.ArrivalNumber),
		docTextArg(dupKey), d.Urgency, d.Confidential, d.Legal, docTextArg(d.IssuedOn), received, d.Source, d.Status, d.Paper,
		d.SignedBlob, jsonList(d.Attachments), docIDArg(d.FileID), docIDArg(d.ReplyTo), d.CreatedAt).Scan(&id)
	return id, err
}

// CreateDocument stores a new outgoing draft.
func (s *Store) CreateDocument(ctx context.Context, d document.Document) (document.Document, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		id, err := s.insertDocument(ctx, tx, d, "")
		if err != nil {
			return err
		}
		d.ID, d.Version = id, 1
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.UnitID, Action: "document.drafted", ObjectType: "document",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"type", "subject", "recipients", "drafting_unit", "urgency"}})
	})
	if err != nil {
		return d, fmt.Errorf("store: create document: %w", mapErr(err))
	}
	return d, nil
}

// nextDocumentNumber takes the next number of a unit's sequence in a year: the counter
// row is created at 1 or incremented, and stays locked until tx ends.
func nextDocumentNumber(ctx context.Context, tx *sql.Tx, unitID int64, year int, seq string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO document_sequences (unit_id, year, sequence, n) VALUES ($1, $2, $3, 1)
		ON CONFLICT (unit_id, year, sequence) DO UPDATE SET n = document_sequences.n + 1 RETURNING n`, unitID, year, seq).Scan(&n)
	return n, err
}

// RegisterIncoming stores an incoming document with the next arrival number.
func (s *Store) RegisterIncoming(ctx context.Context, d document.Document, dupKey string) (document.Document, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM documents WHERE unit_id = $1 AND dup_key = $2`, d.UnitID, dupKey).Scan(&one)
		if err == nil {
			return document.ErrDuplicate
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		n, err := nextDocumentNumber(ctx, tx, d.UnitID, d.Year, document.IncomingSequence)
		if err != nil {
			return err
		}
		d.ArrivalNumber = n
		id, err := s.insertDocument(ctx, tx, d, dupKey)
		if err != nil {
			return err
		}
		d.ID, d.Version = id, 1
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.UnitID, Action: "document.registered", ObjectType: "document",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"arrival_number", "sender", "number_notation", "issued_on",
				"subject", "received_at", "source", "urgency"}})
	})
	if isUnique(err) {
		return d, document.ErrDuplicate
	}
	if err != nil {
		return d, fmt.Errorf("store: register incoming document: %w", mapErr(err))
	}
	return d, nil
}

type issueTx struct {
	s  *Store
	tx *sql.Tx
}

func (t issueTx) Settings(ctx context.Context, unitID int64) (document.Settings, error) {
	return readDocumentSettings(ctx, t.tx, unitID)
}

func (t issueTx) NextNumber(ctx context.Context, unitID int64, year int, seq string) (int, error) {
	return nextDocumentNumber(ctx, t.tx, unitID, year, seq)
}

// IssueDocument runs issue over the stored document and stores the result with its
// dispatch rows and audit record, in one transaction.
func (s *Store) IssueDocument(ctx context.Context, id int64, version int, issue document.Issuer) (document.Document, error) {
	var out document.Document
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		d, err := scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+documentFrom+` WHERE d.id = $1`, id))
		if err != nil {
			return notFound(err, document.ErrNotFound)
		}
		if d.Version != version {
			return document.ErrChanged
		}
		d, err = issue(ctx, issueTx{s, tx}, d)
		if err != nil {
			return err
		}
		now := s.timestamp()
		res, err := tx.ExecContext(ctx, `UPDATE documents SET year = $1, sequence = $2, number = $3, number_notation = $4,
			issued_on = $5, status = $6, paper = $7, signed_blob = $8, search_text = $9, updated_at = $10, version = version + 1
			WHERE id = $11 AND version = $12`, d.Year, d.Sequence, d.Number, d.NumberNotation, d.IssuedOn, d.Status, d.Paper,
			d.SignedBlob, documentSearchText(d), now, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return document.ErrChanged
		}
		d.Version++
		for _, r := range d.Recipients {
			if _, err := tx.ExecContext(ctx, `INSERT INTO document_dispatches (document_id, unit_id, channel, recipient, created_at,
				next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)`, id, d.UnitID, d.DispatchChannel(r), r, now); err != nil {
				return err
			}
		}
		out = d
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.UnitID, Action: "document.issued", ObjectType: "document",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"number", "number_notation", "issued_on", "status", "paper"}})
	})
	if isUnique(err) {
		return out, document.ErrChanged.With(err)
	}
	if err != nil {
		return out, fmt.Errorf("store: issue document: %w", mapErr(err))
	}
	return out, nil
}

// SaveDocument stores a direction, an approval or progress under the version it was
// made from.
func (s *Store) SaveDocument(ctx context.Context, ch document.Change) (document.Document, error) {
	d := ch.Doc
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET status = $1, handler_id = $2, supporting = $3, instruction = $4,
			deadline = $5, progress = $6, file_id = $7, updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10`,
			d.Status, docIDArg(d.HandlerID), d.Supporting, d.Instruction, docTextArg(d.Deadline), d.Progress, docIDArg(d.FileID),
			s.timestamp(), d.ID, d.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return document.ErrChanged
		}
		d.Version++
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.UnitID, Action: ch.Action, ObjectType: "document",
			ObjectID: strconv.FormatInt(d.ID, 10), Fields: ch.Fields})
	})
	if err != nil {
		return d, fmt.Errorf("store: save document: %w", mapErr(err))
	}
	return d, nil
}

// Document reads one document.
func (s *Store) Document(ctx context.Context, id int64) (document.Document, error) {
	d, err := scanDocument(s.r.QueryRowContext(ctx, `SELECT `+documentColumns+documentFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return d, notFound(err, document.ErrNotFound)
	}
	return d, nil
}

// Documents lists a unit's documents matching q: urgent ones first, then the newest.
func (s *Store) Documents(ctx context.Context, q document.Query) ([]document.Document, int, error) {
	where := []string{"d.unit_id = $1"}
	args := []any{q.UnitID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.Direction != "" {
		add("d.direction = ?", q.Direction)
	}
	if q.Text != "" {
		for _, w := range strings.Fields(q.Text) {
			add("d.search_text LIKE ?", "%"+w+"%")
		}
	}
	if q.Number != "" {
		if n, err := strconv.Atoi(q.Number); err == nil {
			add("(d.arrival_number = ? OR d.number = ?)", n)
		} else {
			add("d.number_notation = ?", q.Number)
		}
	}
	if q.TypeCode != "" {
		add("d.type_code = ?", q.TypeCode)
	}
	if q.Status != "" {
		add("d.status = ?", q.Status)
	}
	if q.HandlerID != 0 {
		add("d.handler_id = ?", q.HandlerID)
	}
	if q.Year != 0 {
		add("d.year = ?", q.Year)
	}
	if q.From != "" {
		add("COALESCE(d.issued_on, '') >= ?", q.From)
	}
	if q.To != "" {
		add("COALESCE(d.issued_on, '') <= ?", q.To)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents d WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: documents: %w", mapErr(err))
	}
	args = append(args, q.Limit, q.Offset)
	rows, err := s.r.QueryContext(ctx, `SELECT `+documentColumns+documentFrom+` WHERE `+cond+`
		ORDER BY CASE WHEN d.status IN ('done', 'issued') THEN 0 ELSE CASE d.urgency WHEN 'hoa_toc' THEN 3 WHEN 'thuong_khan' THEN 2
		WHEN 'khan' THEN 1 ELSE 0 END END DESC, d.year DESC, COALESCE(d.arrival_number, d.number, 0) DESC, d.id DESC
		LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: documents: %w", mapErr(err))
	}
	defer rows.Close()
	out := []document.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

func readDocumentSettings(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, unitID int64) (document.Settings, error) {
	set := document.Settings{UnitID: unitID, Abbreviation: document.DefaultUnitAbbreviation, Groups: map[string]string{}}
	var groups string
	err := q.QueryRowContext(ctx, `SELECT abbreviation, type_groups FROM document_settings WHERE unit_id = $1`, unitID).
		Scan(&set.Abbreviation, &groups)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	if err != nil {
		return set, err
	}
	return set, json.Unmarshal([]byte(groups), &set.Groups)
}

// DocumentSettings reads a unit's settings (defaults when none are saved).
func (s *Store) DocumentSettings(ctx context.Context, unitID int64) (document.Settings, error) {
	set, err := readDocumentSettings(ctx, s.r, unitID)
	if err != nil {
		return set, fmt.Errorf("store: document settings: %w", mapErr(err))
	}
	return set, nil
}

// SetDocumentSettings saves a unit's settings.
func (s *Store) SetDocumentSettings(ctx context.Context, set document.Settings) error {
	if set.Groups == nil {
		set.Groups = map[string]string{}
	}
	groups, err := json.Marshal(set.Groups)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_settings (unit_id, abbreviation, type_groups) VALUES ($1, $2, $3)
			ON CONFLICT (unit_id) DO UPDATE SET abbreviation = excluded.abbreviation, type_groups = excluded.type_groups`,
			set.UnitID, set.Abbreviation, string(groups)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: set.UnitID, Action: "document.settings", ObjectType: "unit",
			ObjectID: strconv.FormatInt(set.UnitID, 10), Fields: []string{"abbreviation", "groups"}})
	})
	if err != nil {
		return fmt.Errorf("store: set document settings: %w", mapErr(err))
	}
	return nil
}

// UnitOfficialName is the name of an official of the unit (document.ErrHandler if none).
func (s *Store) UnitOfficialName(ctx context.Context, unitID, userID int64) (string, error) {
	args := []any{userID, unitID}
	ph := make([]string, 0, len(auth.OfficeRoles))
	for _, r := range auth.OfficeRoles {
		args = append(args, r)
		ph = append(ph, "$"+strconv.Itoa(len(args)))
	}
	var name string
	err := s.r.QueryRowContext(ctx, `SELECT u.full_name FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE u.id = $1 AND m.unit_id = $2 AND NOT u.disabled AND m.role IN (`+strings.Join(ph, ", ")+`) LIMIT 1`, args...).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", document.ErrHandler
	}
	return name, err
}

// CreateDocumentFile opens a file; its code is <year>.<n> within the unit.
func (s *Store) CreateDocumentFile(ctx context.Context, f document.File) (document.File, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n, err := nextDocumentNumber(ctx, tx, f.UnitID, f.Year, "ho_so")
		if err != nil {
			return err
		}
		f.Code = fmt.Sprintf("%d.%02d", f.Year, n)
		if err := tx.QueryRowContext(ctx, `INSERT INTO document_files (unit_id, code, title, retention_years, year, ended_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, f.UnitID, f.Code, f.Title, f.RetentionYears, f.Year,
			docTextArg(f.EndedOn), s.timestamp()).Scan(&f.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: f.UnitID, Action: "document_file.created", ObjectType: "document_file",
			ObjectID: strconv.FormatInt(f.ID, 10), Fields: []string{"code", "title", "retention_years", "year"}})
	})
	if err != nil {
		return f, fmt.Errorf("store: create document file: %w", mapErr(err))
	}
	return f, nil
}

// DocumentFiles lists a unit's files with the number of documents in each.
func (s *Store) DocumentFiles(ctx context.Context, unitID int64) ([]document.File, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT f.id, f.unit_id, f.code, f.title, f.retention_years, f.year, COALESCE(f.ended_on, ''),
		(SELECT COUNT(*) FROM documents d WHERE d.file_id = f.id) FROM document_files f WHERE f.unit_id = $1 ORDER BY f.year DESC, f.code`, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: document files: %w", mapErr(err))
	}
	defer rows.Close()
	out := []document.File{}
	for rows.Next() {
		var f document.File
		if err := rows.Scan(&f.ID, &f.UnitID, &f.Code, &f.Title, &f.RetentionYears, &f.Year, &f.EndedOn, &f.Documents); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// EndDocumentFile records the day a file's work ended.
func (s *Store) EndDocumentFile(ctx context.Context, unitID, fileID int64, endedOn string) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE document_files SET ended_on = $1 WHERE id = $2 AND unit_id = $3`, endedOn, fileID, unitID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return document.ErrFileNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "document_file.ended", ObjectType: "document_file",
			ObjectID: strconv.FormatInt(fileID, 10), Fields: []string{"ended_on"}})
	})
	if err != nil {
		return fmt.Errorf("store: end document file: %w", mapErr(err))
	}
	return nil
}

// DocumentDispatch is one row of the documents' outbox.
type DocumentDispatch = document.Dispatch

const dispatchColumns = `id, document_id, unit_id, kind, channel, recipient, status, attempts, message_id, created_at`

func scanDispatch(row interface{ Scan(...any) error }) (DocumentDispatch, error) {
	var d DocumentDispatch
	err := row.Scan(&d.ID, &d.DocumentID, &d.UnitID, &d.Kind, &d.Channel, &d.Recipient, &d.Status, &d.Attempts, &d.MessageID, &d.CreatedAt)
	return d, err
}

// DocumentDispatches lists the dispatch rows of a document.
func (s *Store) DocumentDispatches(ctx context.Context, documentID int64) ([]DocumentDispatch, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+dispatchColumns+` FROM document_dispatches WHERE document_id = $1 ORDER BY id`, documentID)
	if err != nil {
		return nil, fmt.Errorf("store: document dispatches: %w", mapErr(err))
	}
	defer rows.Close()
	var out []DocumentDispatch
	for rows.Next() {
		d, err := scanDispatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ClaimDocumentDispatches leases up to n due dispatch rows of a channel (document.ChannelEmail,
// document.ChannelExchange), as ClaimOutbox does for messages: the sender that dies
// mid-send leaves its lease to expire, and the row is tried again (at least once).
func (s *Store) ClaimDocumentDispatches(ctx context.Context, channel string, now time.Time, lease time.Duration, n int) ([]DocumentDispatch, error) {
	now = now.UTC().Truncate(time.Microsecond)
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []DocumentDispatch
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE document_dispatches SET claimed_until = $1, attempts = attempts + 1
			WHERE id IN (SELECT id FROM document_dispatches WHERE channel = $4 AND status = 'pending' AND next_attempt_at <= $2
				AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_attempt_at LIMIT $3`+lock+`)
			RETURNING `+dispatchColumns, now.Add(lease), now, n, channel)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDispatch(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim document dispatches: %w", mapErr(err))
	}
	return out, nil
}

// MarkDocumentDispatch records a dispatch attempt: sent (reason "") under messageID, or
// failed with the next attempt at next (final: no more attempts).
func (s *Store) MarkDocumentDispatch(ctx context.Context, id int64, at time.Time, reason, messageID string, next time.Time, final bool) error {
	var err error
	if reason == "" {
		_, err = s.w.ExecContext(ctx, `UPDATE document_dispatches SET status = 'sent', sent_at = $1, claimed_until = NULL, last_error = '',
			message_id = $2 WHERE id = $3`, at.UTC().Truncate(time.Microsecond), messageID, id)
	} else {
		status := "pending"
		if final {
			status = "failed"
		}
		_, err = s.w.ExecContext(ctx, `UPDATE document_dispatches SET status = $1, last_error = $2, next_attempt_at = $3,
			claimed_until = NULL, message_id = $4 WHERE id = $5`, status, locale.Clip(reason, 500), next.UTC().Truncate(time.Microsecond), messageID, id)
	}
	return mapErr(err)
}
