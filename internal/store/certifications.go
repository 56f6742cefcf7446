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
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/payment"
)

// RecordCertification stores a line of the certification register (certify.Store): the
// next number of its book from certification_sequences (the row stays locked until the
// commit, so concurrent entries never share a number, on either engine), the line
// completed by finish, its fee's payment request with the request's first event, and
// the audit records — one transaction. The audit names the line and its fields, never
// the requester or the document.
func (s *Store) RecordCertification(ctx context.Context, e certify.Entry, finish certify.Finish) (certify.Entry, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO certification_sequences (unit_id, kind, year, n) VALUES ($1, $2, $3, 1)
			ON CONFLICT (unit_id, kind, year) DO UPDATE SET n = certification_sequences.n + 1 RETURNING n`,
			e.UnitID, e.Kind, e.Year).Scan(&e.Number); err != nil {
			return fmt.Errorf("store: certification number: %w", err)
		}
		e2, req, ev, err := finish(e)
		if err != nil {
			return err
		}
		e = e2
		if err := tx.QueryRowContext(ctx, `INSERT INTO certifications (unit_id, kind, year, number, book, certified_at, day, document,
			requester, pages, copies, fee, certifier_id, certifier_name, certifier_title, recorded_by, recorder_name, statement)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
			e.UnitID, e.Kind, e.Year, e.Number, e.Book, utc(e.At), e.Day.String(), e.Document, e.Requester, e.Pages, e.Copies, e.Fee,
			nullID(e.CertifierID), e.CertifierName, e.CertifierTitle, e.RecordedBy, e.RecorderName, e.Statement).Scan(&e.ID); err != nil {
			return fmt.Errorf("store: certification %s %d: %w", e.Book, e.Number, err)
		}
		if err := s.appendAudit(ctx, tx, audit.Event{Chain: e.UnitID, Action: "certification.record", ObjectType: "certification",
			ObjectID: strconv.FormatInt(e.ID, 10),
			Fields:   []string{"kind", "book", "number", "pages", "copies", "document", "requester", "fee", "certifier", "statement"}}); err != nil {
			return err
		}
		if req == nil {
			e.PaymentReference = ""
			return nil
		}
		return s.insertCertificationRequest(ctx, tx, e.ID, *req, ev)
	})
	if err != nil {
		return certify.Entry{}, err
	}
	e.At = utc(e.At)
	return e, nil
}

// insertCertificationRequest stores the payment request of certification id's fee with
// its first event and audit record, in tx.
func (s *Store) insertCertificationRequest(ctx context.Context, tx *sql.Tx, id int64, req payment.Request, ev payment.Event) error {
	req.Version = 1
	items, err := json.Marshal(req.Items)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO payment_requests (unit_id, certification_id, dossier_code, ordinal, online, items,
		amount, reference, state, paid, refunded, flag_partial, flag_over, method, reason, created_at, version)
		VALUES ($1, $2, '', $3, $4, $5, $6, $7, $8, 0, 0, $9, $9, '', '', $10, $11) RETURNING id`,
		req.UnitID, id, req.Ordinal, req.Online, string(items), req.Amount, req.Reference, req.State, false,
		utc(req.CreatedAt), req.Version).Scan(&req.ID); err != nil {
		return fmt.Errorf("store: payment request of certification %d: %w", id, err)
	}
	ev.RequestID = req.ID
	if err := insertPaymentEvent(ctx, tx, req.UnitID, ev); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, audit.Event{Chain: req.UnitID, Action: "payment.create", ObjectType: "payment_request",
		ObjectID: req.Reference, Fields: []string{"certification", "items", "amount", "reference"}})
}

const certificationCols = `c.id, c.unit_id, c.kind, c.year, c.number, c.book, c.certified_at, c.day, c.document, c.requester, c.pages,
	c.copies, c.fee, COALESCE(c.certifier_id, 0), c.certifier_name, c.certifier_title, c.recorded_by, c.recorder_name, c.statement,
	COALESCE(r.reference, '')`

const certificationFrom = ` FROM certifications c LEFT JOIN payment_requests r ON r.certification_id = c.id`

func scanCertification(row interface{ Scan(...any) error }) (certify.Entry, error) {
	var e certify.Entry
	var day string
	err := row.Scan(&e.ID, &e.UnitID, &e.Kind, &e.Year, &e.Number, &e.Book, &e.At, &day, &e.Document, &e.Requester, &e.Pages,
		&e.Copies, &e.Fee, &e.CertifierID, &e.CertifierName, &e.CertifierTitle, &e.RecordedBy, &e.RecorderName, &e.Statement,
		&e.PaymentReference)
	if err != nil {
		return e, err
	}
	e.At = e.At.UTC()
	if e.Day, err = calendar.ParseDate(day); err != nil {
		return e, fmt.Errorf("store: certification %d: day %q: %w", e.ID, day, err)
	}
	return e, nil
}

// Certifications lists the register's lines q selects, by kind then number, and counts
// them.
func (s *Store) Certifications(ctx context.Context, q certify.Query) ([]certify.Entry, int, error) {
	limit, offset := page(q.Limit, q.Offset)
	where, args := []string{"c.unit_id = $1"}, []any{q.UnitID}
	if q.Kind != "" {
		args = append(args, q.Kind)
		where = append(where, "c.kind = $"+strconv.Itoa(len(args)))
	}
	if q.Year != 0 {
		args = append(args, q.Year)
		where = append(where, "c.year = $"+strconv.Itoa(len(args)))
	}
	if !q.Day.IsZero() {
		args = append(args, q.Day.String())
		where = append(where, "c.day = $"+strconv.Itoa(len(args)))
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM certifications c`+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	n := len(args)
	rows, err := s.r.QueryContext(ctx, `SELECT `+certificationCols+certificationFrom+cond+
		` ORDER BY c.kind, c.year, c.number LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []certify.Entry
	for rows.Next() {
		e, err := scanCertification(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, mapErr(rows.Err())
}

// Certification returns one line of the register.
func (s *Store) Certification(ctx context.Context, id int64) (certify.Entry, error) {
	e, err := scanCertification(s.r.QueryRowContext(ctx, `SELECT `+certificationCols+certificationFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return e, fmt.Errorf("store: certification %d: %w", id, notFound(err, certify.ErrNotFound))
	}
	return e, nil
}

// CertificationDay returns a unit's lines of a day, each with its fee's payment request.
func (s *Store) CertificationDay(ctx context.Context, unitID int64, day calendar.Date) ([]certify.DayLine, error) {
	es, _, err := s.Certifications(ctx, certify.Query{UnitID: unitID, Day: day, Limit: 500})
	if err != nil {
		return nil, err
	}
	// A desk records a few hundred certifications on its busiest day: past 500 the
	// remaining pages are read too.
	for offset := len(es); len(es) == offset && offset > 0 && offset%500 == 0; offset += 500 {
		more, _, err := s.Certifications(ctx, certify.Query{UnitID: unitID, Day: day, Limit: 500, Offset: offset})
		if err != nil {
			return nil, err
		}
		es = append(es, more...)
	}
	reqs, err := paymentRequestsWhere(ctx, s.r, `r.certification_id IN (SELECT id FROM certifications WHERE unit_id = $1 AND day = $2)`,
		unitID, day.String())
	if err != nil {
		return nil, err
	}
	byCert := map[int64]*payment.StoredRequest{}
	for i := range reqs {
		byCert[reqs[i].CertificationID] = &reqs[i]
	}
	out := make([]certify.DayLine, len(es))
	for i, e := range es {
		out[i] = certify.DayLine{Entry: e, Request: byCert[e.ID]}
	}
	return out, nil
}
