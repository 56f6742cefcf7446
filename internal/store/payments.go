package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/payment"
)

// SetPaymentAccount creates or replaces a unit's collection account (checked by
// payment.Service.SetAccount); the webhook secret is kept.
func (s *Store) SetPaymentAccount(ctx context.Context, a payment.Account) (payment.StoredAccount, error) {
	now := s.timestamp()
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO payment_accounts (unit_id, bin, number, name, card, webhook_secret, previous_secret, updated_at)
			VALUES ($1, $2, $3, $4, $5, '', '', $6)
			ON CONFLICT (unit_id) DO UPDATE SET bin = excluded.bin, number = excluded.number, name = excluded.name, card = excluded.card,
			updated_at = excluded.updated_at`, a.UnitID, a.BIN, a.Number, a.Name, a.Card, now); err != nil {
			return fmt.Errorf("store: payment account of unit %d: %w", a.UnitID, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: a.UnitID, Action: "payment.account.set", ObjectType: "unit",
			ObjectID: strconv.FormatInt(a.UnitID, 10), Fields: []string{"bin", "number", "name", "card"}})
	})
	if err != nil {
		return payment.StoredAccount{}, err
	}
	return s.PaymentAccount(ctx, a.UnitID)
}

// payment.StoredAccount returns a unit's collection account, or payment.ErrNoAccount.
func (s *Store) PaymentAccount(ctx context.Context, unitID int64) (payment.StoredAccount, error) {
	return paymentAccount(ctx, s.r, unitID)
}

func paymentAccount(ctx context.Context, q querier, unitID int64) (payment.StoredAccount, error) {
	a := payment.StoredAccount{Account: payment.Account{UnitID: unitID}}
	var set sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT bin, number, name, card, secret_set_at, updated_at FROM payment_accounts WHERE unit_id = $1`,
		unitID).Scan(&a.BIN, &a.Number, &a.Name, &a.Card, &set, &a.UpdatedAt)
	if err != nil {
		return a, fmt.Errorf("store: payment account of unit %d: %w", unitID, notFound(err, payment.ErrNoAccount))
	}
	if set.Valid {
		a.SecretSetAt = set.Time.UTC()
	}
	a.UpdatedAt = a.UpdatedAt.UTC()
	return a, nil
}

// RotateWebhookSecret makes secret (payment.Service.RotateWebhookSecret generates it) a
// unit's webhook secret. The previous secret, if any, stays valid for overlap.
func (s *Store) RotateWebhookSecret(ctx context.Context, unitID int64, secret string, overlap time.Duration) error {
	now := s.timestamp()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT webhook_secret FROM payment_accounts WHERE unit_id = $1`, unitID).Scan(&current); err != nil {
			return fmt.Errorf("store: webhook secret of unit %d: %w", unitID, notFound(err, payment.ErrNoAccount))
		}
		var until any // NULL: there was no secret to keep
		if current != "" {
			until = now.Add(overlap)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_accounts SET previous_secret = $1, previous_until = $2, webhook_secret = $3,
			secret_set_at = $4, updated_at = $4 WHERE unit_id = $5`, current, until, secret, now, unitID); err != nil {
			return fmt.Errorf("store: webhook secret of unit %d: %w", unitID, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "payment.account.secret", ObjectType: "unit",
			ObjectID: strconv.FormatInt(unitID, 10), Fields: []string{"webhook_secret"}})
	})
}

// payment.WebhookSecrets returns the keys that verify a unit's bank notifications.
func (s *Store) WebhookSecrets(ctx context.Context, unitID int64) (payment.WebhookSecrets, error) {
	var w payment.WebhookSecrets
	var cur, prev string
	var until sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT webhook_secret, previous_secret, previous_until FROM payment_accounts WHERE unit_id = $1`,
		unitID).Scan(&cur, &prev, &until)
	if err != nil {
		return w, fmt.Errorf("store: webhook secret of unit %d: %w", unitID, notFound(err, payment.ErrNoAccount))
	}
	if cur != "" {
		w.Current = []byte(cur)
	}
	if prev != "" && until.Valid {
		w.Previous, w.PreviousUntil = []byte(prev), until.Time.UTC()
	}
	return w, nil
}

// SetReceiptConfig stores a unit's receipt settings, checked by
// payment.Service.SetReceiptConfig.
func (s *Store) SetReceiptConfig(ctx context.Context, cfg payment.ReceiptConfig) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO receipt_configs (unit_id, name, template, series, collector_name, tax_code, address, updated_at,
			valid_from, valid_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (unit_id) DO UPDATE SET name = excluded.name, template = excluded.template, series = excluded.series,
			collector_name = excluded.collector_name, tax_code = excluded.tax_code, address = excluded.address, updated_at = excluded.updated_at,
			valid_from = excluded.valid_from, valid_until = excluded.valid_until`,
			cfg.UnitID, cfg.Name, cfg.Template, cfg.Series, cfg.Collector.Name, cfg.Collector.TaxCode, cfg.Collector.Address, s.timestamp(),
			dateText(cfg.ValidFrom), dateText(cfg.ValidUntil)); err != nil {
			return fmt.Errorf("store: receipt configuration of unit %d: %w", cfg.UnitID, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: cfg.UnitID, Action: "payment.receipt_config.set", ObjectType: "unit",
			ObjectID: strconv.FormatInt(cfg.UnitID, 10), Fields: []string{"name", "template", "series", "collector", "validity"}})
	})
}

// ReceiptConfig returns a unit's receipt settings, or payment.ErrNoReceiptConfig.
func (s *Store) ReceiptConfig(ctx context.Context, unitID int64) (payment.ReceiptConfig, error) {
	return receiptConfig(ctx, s.r, unitID)
}

func receiptConfig(ctx context.Context, q querier, unitID int64) (payment.ReceiptConfig, error) {
	cfg := payment.ReceiptConfig{UnitID: unitID}
	var from, until string
	err := q.QueryRowContext(ctx, `SELECT name, template, series, collector_name, tax_code, address, valid_from, valid_until
		FROM receipt_configs WHERE unit_id = $1`, unitID).Scan(&cfg.Name, &cfg.Template, &cfg.Series, &cfg.Collector.Name,
		&cfg.Collector.TaxCode, &cfg.Collector.Address, &from, &until)
	if err != nil {
		return cfg, fmt.Errorf("store: receipt configuration of unit %d: %w", unitID, notFound(err, payment.ErrNoReceiptConfig))
	}
	if cfg.ValidFrom, err = parseStoredDate(from); err == nil {
		cfg.ValidUntil, err = parseStoredDate(until)
	}
	if err != nil {
		return cfg, fmt.Errorf("store: receipt configuration of unit %d: %w", unitID, err)
	}
	return cfg, nil
}

const paymentCols = `r.id, r.unit_id, COALESCE(r.dossier_id, 0), COALESCE(r.certification_id, 0), r.dossier_code, r.ordinal, r.online, r.items, r.amount, r.reference, r.state,
	r.paid, r.refunded, r.flag_partial, r.flag_over, r.method, r.reason, r.created_at, r.paid_at, r.closed_at, r.version,
	COALESCE(rc.id, 0)`

// A request's receipt is the last of its chain: the one not replaced (a cancelled receipt
// stays the request's until its replacement is issued).
const paymentFrom = ` FROM payment_requests r LEFT JOIN receipts rc ON rc.request_id = r.id AND rc.replaced_by IS NULL`

func scanPaymentRequest(row interface{ Scan(...any) error }) (payment.StoredRequest, error) {
	var r payment.StoredRequest
	var items string
	var paidAt, closedAt sql.NullTime
	err := row.Scan(&r.ID, &r.UnitID, &r.DossierID, &r.CertificationID, &r.DossierCode, &r.Ordinal, &r.Online, &items, &r.Amount, &r.Reference, &r.State,
		&r.Paid, &r.Refunded, &r.Flags.Partial, &r.Flags.Over, &r.Method, &r.Reason, &r.CreatedAt, &paidAt, &closedAt, &r.Version,
		&r.ReceiptID)
	if err != nil {
		return r, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if paidAt.Valid {
		r.PaidAt = paidAt.Time.UTC()
	}
	if closedAt.Valid {
		r.ClosedAt = closedAt.Time.UTC()
	}
	if err := json.Unmarshal([]byte(items), &r.Items); err != nil {
		return r, fmt.Errorf("store: payment request %d items: %w", r.ID, err)
	}
	return r, nil
}

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func paymentRequestsWhere(ctx context.Context, q rowsQuerier, where string, args ...any) ([]payment.StoredRequest, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE `+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []payment.StoredRequest
	for rows.Next() {
		r, err := scanPaymentRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// payment.StoredRequest returns one request by id.
func (s *Store) PaymentRequest(ctx context.Context, id int64) (payment.StoredRequest, error) {
	r, err := scanPaymentRequest(s.r.QueryRowContext(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE r.id = $1`, id))
	if err != nil {
		return r, fmt.Errorf("store: payment request %d: %w", id, notFound(err, payment.ErrRequestNotFound))
	}
	return r, nil
}

// PaymentRequestsByReference returns the requests with a reference. A reference is unique
// per collecting unit; two units may, rarely, share one, so the caller picks the one it
// may see.
func (s *Store) PaymentRequestsByReference(ctx context.Context, ref string) ([]payment.StoredRequest, error) {
	return paymentRequestsWhere(ctx, s.r, "r.reference = $1", ref)
}

// PaymentRequestsOfDossier returns a dossier's requests, oldest first.
func (s *Store) PaymentRequestsOfDossier(ctx context.Context, dossierID int64) ([]payment.StoredRequest, error) {
	return paymentRequestsWhere(ctx, s.r, "r.dossier_id = $1", dossierID)
}

// PaymentEvents returns a request's history, oldest first.
func (s *Store) PaymentEvents(ctx context.Context, requestID int64) ([]payment.Event, error) {
	return paymentEventsWhere(ctx, s.r, "request_id = $1", requestID)
}

func paymentEventsWhere(ctx context.Context, q rowsQuerier, where string, args ...any) ([]payment.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT request_id, at, action, from_state, to_state, amount, method, transaction_id, money_at,
		actor_id, actor_name, flag_partial, flag_over, note FROM payment_events WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []payment.Event
	for rows.Next() {
		var e payment.Event
		var moneyAt sql.NullTime
		var actor sql.NullInt64
		if err := rows.Scan(&e.RequestID, &e.At, &e.Action, &e.FromState, &e.ToState, &e.Amount, &e.Method, &e.TransactionID, &moneyAt,
			&actor, &e.By.Name, &e.Flags.Partial, &e.Flags.Over, &e.Note); err != nil {
			return nil, err
		}
		e.At, e.By.ID = e.At.UTC(), actor.Int64
		if moneyAt.Valid {
			e.MoneyAt = moneyAt.Time.UTC()
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// CreatePaymentRequest stores a dossier's new request (payment.NewRequest) with its first
// event and audit record. It takes the dossier's next ordinal, and the one after when
// the reference is already used on the collecting unit's account; a dossier with a
// pending or paid request gets payment.ErrRequestOpen.
func (s *Store) CreatePaymentRequest(ctx context.Context, dossierID int64, req payment.Request, ev payment.Event) (payment.StoredRequest, error) {
	out, err := s.createPaymentRequest(ctx, dossierID, req, ev)
	if isUnique(err) && !joined(ctx) { // inside another change the transaction is spoilt: let it fail
		// A concurrent request for the same dossier won: answer as the loser should.
		out, err = s.createPaymentRequest(ctx, dossierID, req, ev)
	}
	return out, err
}

func (s *Store) createPaymentRequest(ctx context.Context, dossierID int64, req payment.Request, ev payment.Event) (payment.StoredRequest, error) {
	out := payment.StoredRequest{DossierID: dossierID}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var open, last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN state IN ('pending', 'paid') THEN 1 ELSE 0 END), 0),
			COALESCE(MAX(ordinal), 0) FROM payment_requests WHERE dossier_id = $1`, dossierID).Scan(&open, &last); err != nil {
			return fmt.Errorf("store: payment requests of dossier %s: %w", req.DossierCode, err)
		}
		if open > 0 {
			return payment.ErrRequestOpen
		}
		for n := last + 1; ; n++ {
			if n != req.Ordinal {
				if err := req.Renumber(n); err != nil {
					return err
				}
			}
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM payment_requests WHERE unit_id = $1 AND reference = $2`,
				req.UnitID, req.Reference).Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
		}
		req.Version = 1
		items, err := json.Marshal(req.Items)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO payment_requests (unit_id, dossier_id, dossier_code, ordinal, online, items, amount,
			reference, state, paid, refunded, flag_partial, flag_over, method, reason, created_at, paid_at, closed_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
			req.UnitID, dossierID, req.DossierCode, req.Ordinal, req.Online, string(items), req.Amount, req.Reference, req.State,
			req.Paid, req.Refunded, req.Flags.Partial, req.Flags.Over, req.Method, req.Reason, utc(req.CreatedAt), nullTime(req.PaidAt),
			nullTime(req.ClosedAt), req.Version).Scan(&req.ID); err != nil {
			return fmt.Errorf("store: payment request of %s: %w", req.DossierCode, err)
		}
		req.CreatedAt = utc(req.CreatedAt)
		ev.RequestID = req.ID
		if err := insertPaymentEvent(ctx, tx, req.UnitID, ev); err != nil {
			return err
		}
		if req.Notice != nil { // the applicant is owed the news, in this transaction
			if err := s.enqueue(ctx, tx, payment.CompleteNotice(*req.Notice, req)); err != nil {
				return err
			}
			req.Notice = nil
		}
		out.Request = req
		return s.appendAudit(ctx, tx, audit.Event{Chain: req.UnitID, Action: "payment.create", ObjectType: "payment_request",
			ObjectID: req.Reference, Fields: []string{"dossier", "items", "amount", "reference"}})
	})
	return out, err
}

func insertPaymentEvent(ctx context.Context, tx *sql.Tx, unitID int64, ev payment.Event) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO payment_events (request_id, unit_id, at, action, from_state, to_state, amount, method,
		transaction_id, money_at, actor_id, actor_name, flag_partial, flag_over, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		ev.RequestID, unitID, utc(ev.At), ev.Action, ev.FromState, ev.ToState, ev.Amount, ev.Method, ev.TransactionID, nullTime(ev.MoneyAt),
		nullID(ev.By.ID), ev.By.Name, ev.Flags.Partial, ev.Flags.Over, ev.Note); err != nil {
		return fmt.Errorf("store: payment request %d event: %w", ev.RequestID, err)
	}
	return nil
}

// updatePaymentRequest writes after over the row if its version is still before's.
func updatePaymentRequest(ctx context.Context, tx *sql.Tx, beforeVersion int, after payment.Request) error {
	res, err := tx.ExecContext(ctx, `UPDATE payment_requests SET state = $1, paid = $2, refunded = $3, flag_partial = $4, flag_over = $5,
		method = $6, reason = $7, paid_at = $8, closed_at = $9, version = $10 WHERE id = $11 AND version = $12`,
		after.State, after.Paid, after.Refunded, after.Flags.Partial, after.Flags.Over, after.Method, after.Reason, nullTime(after.PaidAt),
		nullTime(after.ClosedAt), after.Version, after.ID, beforeVersion)
	if err != nil {
		return fmt.Errorf("store: payment request %s: %w", after.Reference, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return payment.ErrChanged
	}
	return nil
}

// applyPayment stores a change of a request in tx: the row under its optimistic lock,
// the event, the audit record, and the receipt issue gives (nil: none).
func (s *Store) applyPayment(ctx context.Context, tx *sql.Tx, ch payment.Change, issue payment.ReceiptIssuer) (payment.StoredRequest, payment.Issued, error) {
	after := payment.StoredRequest{Request: ch.After, DossierID: ch.Before.DossierID, CertificationID: ch.Before.CertificationID, ReceiptID: ch.Before.ReceiptID}
	after.Version = ch.Before.Version + 1
	if err := updatePaymentRequest(ctx, tx, ch.Before.Version, after.Request); err != nil {
		return after, payment.Issued{}, err
	}
	ev := ch.Event
	ev.RequestID = after.ID
	if err := insertPaymentEvent(ctx, tx, after.UnitID, ev); err != nil {
		return after, payment.Issued{}, err
	}
	fields := []string{"state", "paid", "refunded", "flags"}
	if ev.Action == payment.ActCancel || ev.Action == payment.ActRefund {
		fields = append(fields, "reason")
	}
	if err := s.appendAudit(ctx, tx, audit.Event{Chain: after.UnitID, Action: "payment." + string(ev.Action), ObjectType: "payment_request",
		ObjectID: after.Reference, Fields: fields}); err != nil {
		return after, payment.Issued{}, err
	}
	if issue == nil {
		return after, payment.Issued{}, nil
	}
	issued, err := s.issueReceipt(ctx, tx, after, ev.At, issue)
	if issued.Receipt != nil {
		after.ReceiptID = issued.Receipt.ID
	}
	return after, issued, err
}

// SavePayment stores a confirmation, cancellation or refund computed on ch.Before: the new
// row (refused with payment.ErrChanged if the request changed meanwhile), its event, its
// audit record and the receipt issue gives (nil: none) — one transaction.
func (s *Store) SavePayment(ctx context.Context, ch payment.Change, issue payment.ReceiptIssuer) (payment.StoredRequest, payment.Issued, error) {
	var after payment.StoredRequest
	var issued payment.Issued
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if ch.NotificationID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE payment_notifications SET request_id = $1, resolved_at = $2, resolved_by = $3
				WHERE id = $4 AND unit_id = $5 AND request_id IS NULL`, ch.After.ID, utc(ch.Event.At), nullID(ch.Event.By.ID),
				ch.NotificationID, ch.After.UnitID)
			if err != nil {
				return fmt.Errorf("store: payment notification %d: %w", ch.NotificationID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return payment.ErrNotificationMatched
			}
			if err := s.appendAudit(ctx, tx, audit.Event{Chain: ch.After.UnitID, Action: "payment.notification.resolve",
				ObjectType: "payment_notification", ObjectID: strconv.FormatInt(ch.NotificationID, 10), Fields: []string{"request"}}); err != nil {
				return err
			}
		}
		var err error
		after, issued, err = s.applyPayment(ctx, tx, ch, issue)
		return err
	})
	return after, issued, err
}

// IssueFeeReceipt runs issue on request requestID at time at, in a transaction of its
// own (payment.Service.IssueFeeReceipt checks that it may be issued), and returns the
// receipt stored.
func (s *Store) IssueFeeReceipt(ctx context.Context, requestID int64, at time.Time, issue payment.ReceiptIssuer) (payment.StoredFeeReceipt, error) {
	var out payment.StoredFeeReceipt
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := scanPaymentRequest(tx.QueryRowContext(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE r.id = $1`, requestID))
		if err != nil {
			return fmt.Errorf("store: payment request %d: %w", requestID, notFound(err, payment.ErrRequestNotFound))
		}
		issued, err := s.issueReceipt(ctx, tx, r, at, issue)
		if err != nil {
			return err
		}
		out = payment.StoredFeeReceipt{FeeReceipt: *issued.Receipt, XML: issued.XML}
		return nil
	})
	return out, err
}

// receiptTx is what issuing a receipt reads and takes in tx (payment.ReceiptTx).
type receiptTx struct{ tx *sql.Tx }

func (r receiptTx) ReceiptConfig(ctx context.Context, unitID int64) (payment.ReceiptConfig, error) {
	return receiptConfig(ctx, r.tx, unitID)
}

func (r receiptTx) Payer(ctx context.Context, pr payment.StoredRequest) (string, error) {
	var payer string
	var err error
	if pr.DossierID == 0 {
		err = r.tx.QueryRowContext(ctx, `SELECT requester FROM certifications WHERE id = $1`, pr.CertificationID).Scan(&payer)
	} else {
		err = r.tx.QueryRowContext(ctx, `SELECT applicant_name FROM dossiers WHERE id = $1`, pr.DossierID).Scan(&payer)
	}
	return payer, mapErr(err)
}

func (r receiptTx) ActiveReceiptKey(ctx context.Context, unitID int64) (payment.ReceiptKey, error) {
	return activeReceiptKey(ctx, r.tx, unitID)
}

// NextReceiptNumber increments the sequence's counter; its row stays locked until
// commit, so numbers are gap-free and unique.
func (r receiptTx) NextReceiptNumber(ctx context.Context, seq payment.ReceiptSequence) (int, error) {
	var n int
	if err := r.tx.QueryRowContext(ctx, `INSERT INTO receipt_sequences (unit_id, template, series, year, n) VALUES ($1, $2, $3, $4, 1)
		ON CONFLICT (unit_id, template, series, year) DO UPDATE SET n = receipt_sequences.n + 1 RETURNING n`,
		seq.UnitID, seq.Template, seq.Series, seq.Year).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: receipt sequence: %w", err)
	}
	return n, nil
}

// issueReceipt runs issue on r in tx and writes the receipt it issued, with its XML
// record and its audit record.
func (s *Store) issueReceipt(ctx context.Context, tx *sql.Tx, r payment.StoredRequest, at time.Time, issue payment.ReceiptIssuer) (payment.Issued, error) {
	issued, err := issue(ctx, receiptTx{tx}, r, utc(at))
	if err != nil || issued.Receipt == nil {
		return issued, err
	}
	rc := issued.Receipt
	body, err := json.Marshal(rc)
	if err != nil {
		return payment.Issued{}, err
	}
	var replaces any
	if rc.Replaces != nil {
		replaces = rc.Replaces.ID
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO receipts (unit_id, request_id, dossier_code, template, series, year, number, issued_at,
		issue_day, total, body, xml, replaces) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		rc.UnitID, r.ID, rc.DossierCode, rc.Template, rc.Series, rc.Sequence().Year, rc.Number, utc(rc.IssuedAt), calendar.DateOf(rc.IssuedAt).String(),
		rc.Total, string(body), string(issued.XML), replaces).Scan(&rc.ID); err != nil {
		if isUnique(err) {
			return payment.Issued{}, payment.ErrReceiptExists
		}
		return payment.Issued{}, fmt.Errorf("store: receipt of %s: %w", r.Reference, err)
	}
	if err := s.appendAudit(ctx, tx, audit.Event{Chain: rc.UnitID, Action: "receipt.issue", ObjectType: "receipt",
		ObjectID: strconv.FormatInt(rc.ID, 10), Fields: []string{"template", "series", "number", "payer", "items", "total"}}); err != nil {
		return payment.Issued{}, err
	}
	return issued, nil
}

const notificationCols = `id, unit_id, bank_bin, transaction_id, account, amount, description, transacted_at, outcome, reference,
	suggestions, request_id, received_at, resolved_at`

func scanNotification(row interface{ Scan(...any) error }) (payment.StoredNotification, error) {
	var n payment.StoredNotification
	var sugg string
	var req sql.NullInt64
	var resolved sql.NullTime
	err := row.Scan(&n.ID, &n.UnitID, &n.BankBIN, &n.TransactionID, &n.Account, &n.Amount, &n.Description, &n.TransactedAt, &n.Outcome,
		&n.Reference, &sugg, &req, &n.ReceivedAt, &resolved)
	if err != nil {
		return n, err
	}
	n.TransactedAt, n.ReceivedAt, n.RequestID = n.TransactedAt.UTC(), n.ReceivedAt.UTC(), req.Int64
	if resolved.Valid {
		n.ResolvedAt = resolved.Time.UTC()
	}
	if err := json.Unmarshal([]byte(sugg), &n.Suggestions); err != nil {
		return n, fmt.Errorf("store: payment notification %d suggestions: %w", n.ID, err)
	}
	return n, nil
}

// PaymentNotification returns one recorded notification.
func (s *Store) PaymentNotification(ctx context.Context, id int64) (payment.StoredNotification, error) {
	n, err := scanNotification(s.r.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM payment_notifications WHERE id = $1`, id))
	if err != nil {
		return n, fmt.Errorf("store: payment notification %d: %w", id, notFound(err, payment.ErrNotificationNotFound))
	}
	return n, nil
}

// RecordNotification runs apply (payment.Service decides what a verified notification
// does) in one transaction for a unit's notification n, whose raw body is kept: the
// notification row, whose unique key on unit, bank and transaction id makes delivery
// idempotent, and for an applied one the request's new row, its event, its audit record
// and its receipt.
func (s *Store) RecordNotification(ctx context.Context, unitID int64, n payment.Notification, raw []byte, apply payment.NotificationApplier) (payment.NotificationResult, error) {
	// Stored instants have microseconds: compare a replay with what was stored.
	n.TransactedAt = utc(n.TransactedAt)
	for attempt := 1; ; attempt++ {
		var res payment.NotificationResult
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var err error
			res, err = apply(ctx, notificationTx{s: s, tx: tx, unitID: unitID, n: n, raw: raw})
			return err
		})
		// A concurrent delivery of the same transaction (the unique key), or a payment
		// on the same request, won: retry, which finds it.
		if attempt < 4 && (isUnique(err) || errors.Is(err, payment.ErrChanged)) {
			continue
		}
		return res, err
	}
}

// notificationTx is what applying a notification reads and writes in tx
// (payment.NotificationTx).
type notificationTx struct {
	s      *Store
	tx     *sql.Tx
	unitID int64
	n      payment.Notification
	raw    []byte
}

func (t notificationTx) Recorded(ctx context.Context) (payment.StoredNotification, bool, error) {
	earlier, err := scanNotification(t.tx.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM payment_notifications
		WHERE unit_id = $1 AND bank_bin = $2 AND transaction_id = $3`, t.unitID, t.n.BankBIN, t.n.TransactionID))
	if errors.Is(err, sql.ErrNoRows) {
		return earlier, false, nil
	}
	return earlier, err == nil, mapErr(err)
}

func (t notificationTx) Account(ctx context.Context) (payment.StoredAccount, error) {
	return paymentAccount(ctx, t.tx, t.unitID)
}

func (t notificationTx) Candidates(ctx context.Context, refs []string) ([]payment.StoredRequest, error) {
	where, args := "r.unit_id = $1 AND (r.state = 'pending'", []any{t.unitID}
	for _, ref := range refs {
		args = append(args, ref)
		where += " OR r.reference = $" + strconv.Itoa(len(args))
	}
	return paymentRequestsWhere(ctx, t.tx, where+")", args...)
}

func (t notificationTx) Apply(ctx context.Context, ch payment.Change, issue payment.ReceiptIssuer) (payment.StoredRequest, payment.Issued, error) {
	return t.s.applyPayment(ctx, t.tx, ch, issue)
}

func (t notificationTx) Record(ctx context.Context, sn payment.StoredNotification) (payment.StoredNotification, error) {
	sugg, err := json.Marshal(append([]int64{}, sn.Suggestions...))
	if err != nil {
		return sn, err
	}
	n := sn.Notification
	sn.ReceivedAt = utc(sn.ReceivedAt)
	if err := t.tx.QueryRowContext(ctx, `INSERT INTO payment_notifications (unit_id, bank_bin, transaction_id, account, amount, description,
		transacted_at, body, outcome, reference, suggestions, request_id, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		t.unitID, n.BankBIN, n.TransactionID, n.Account, n.Amount, n.Description, n.TransactedAt, string(t.raw), sn.Outcome, sn.Reference,
		string(sugg), nullID(sn.RequestID), sn.ReceivedAt).Scan(&sn.ID); err != nil {
		return sn, fmt.Errorf("store: notification %s of unit %d: %w", n.Key(), t.unitID, err)
	}
	return sn, t.s.appendAudit(ctx, t.tx, audit.Event{Chain: t.unitID, Action: "payment.notification." + string(sn.Outcome),
		ObjectType: "payment_notification", ObjectID: strconv.FormatInt(sn.ID, 10), Fields: []string{"transaction_id", "amount", "outcome"}})
}

// PaymentDay gathers one local day of a unit's fee collection and reconciles it
// (payment.Reconcile): the requests created that day or with money moved on them that
// day, the confirmations and refunds whose money moved that day, and the day's verified
// notifications that are still unmatched (also returned with their ids, for the
// accountant to record them on a request).
func (s *Store) PaymentDay(ctx context.Context, unitID int64, day calendar.Date) (payment.Reconciliation, []payment.StoredNotification, error) {
	from, to := utc(day.Time()), utc(day.AddDays(1).Time())
	reqs, err := paymentRequestsWhere(ctx, s.r, `r.unit_id = $1 AND ((r.created_at >= $2 AND r.created_at < $3) OR r.id IN
		(SELECT e.request_id FROM payment_events e WHERE e.unit_id = $1 AND e.money_at >= $2 AND e.money_at < $3))`, unitID, from, to)
	if err != nil {
		return payment.Reconciliation{}, nil, err
	}
	evs, err := paymentEventsWhere(ctx, s.r, `unit_id = $1 AND money_at >= $2 AND money_at < $3`, unitID, from, to)
	if err != nil {
		return payment.Reconciliation{}, nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+notificationCols+` FROM payment_notifications
		WHERE unit_id = $1 AND request_id IS NULL AND transacted_at >= $2 AND transacted_at < $3 ORDER BY transacted_at, id`, unitID, from, to)
	if err != nil {
		return payment.Reconciliation{}, nil, mapErr(err)
	}
	defer rows.Close()
	var unmatched []payment.StoredNotification
	var ns []payment.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return payment.Reconciliation{}, nil, err
		}
		unmatched = append(unmatched, n)
		ns = append(ns, n.Notification)
	}
	if err := rows.Err(); err != nil {
		return payment.Reconciliation{}, nil, mapErr(err)
	}
	plain := make([]payment.Request, len(reqs))
	for i, r := range reqs {
		plain[i] = r.Request
	}
	return payment.Reconcile(day, plain, evs, ns), unmatched, nil
}

const receiptCols = `id, body, xml, cancelled_at, COALESCE(cancelled_by, 0), cancelled_by_name, cancel_reason, COALESCE(replaced_by, 0)`

func scanReceipt(row interface{ Scan(...any) error }) (payment.StoredFeeReceipt, error) {
	var rc payment.StoredFeeReceipt
	var id int64
	var body, xml string
	var cancelled sql.NullTime
	var c payment.Cancellation
	if err := row.Scan(&id, &body, &xml, &cancelled, &c.ByID, &c.ByName, &c.Reason, &rc.ReplacedBy); err != nil {
		return rc, err
	}
	if err := json.Unmarshal([]byte(body), &rc.FeeReceipt); err != nil {
		return rc, fmt.Errorf("store: receipt %d: %w", id, err)
	}
	rc.ID, rc.XML = id, []byte(xml)
	if cancelled.Valid {
		c.At = cancelled.Time.UTC()
		rc.Cancellation = &c
	}
	return rc, nil
}

// CancelFeeReceipt marks a receipt cancelled, with its audit record (the fields, never
// the reason's text), in one transaction.
func (s *Store) CancelFeeReceipt(ctx context.Context, id int64, c payment.Cancellation) (payment.StoredFeeReceipt, error) {
	var out payment.StoredFeeReceipt
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE receipts SET cancelled_at = $1, cancel_day = $2, cancelled_by = $3, cancelled_by_name = $4,
			cancel_reason = $5 WHERE id = $6 AND cancelled_at IS NULL`,
			utc(c.At), calendar.DateOf(c.At).String(), nullID(c.ByID), c.ByName, c.Reason, id)
		if err != nil {
			return fmt.Errorf("store: cancel receipt %d: %w", id, err)
		}
		if out, err = scanReceipt(tx.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE id = $1`, id)); err != nil {
			return fmt.Errorf("store: receipt %d: %w", id, notFound(err, payment.ErrReceiptNotFound))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return payment.ErrReceiptCancelled
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: out.UnitID, Action: "receipt.cancel", ObjectType: "receipt",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"cancelled_at", "cancelled_by", "cancel_reason"}})
	})
	return out, err
}

// ReplaceFeeReceipt issues, in one transaction, the replacement of the cancelled receipt
// id: issue runs on its request, the new receipt is stored naming it (replaces), and it
// names the new one (replaced_by).
func (s *Store) ReplaceFeeReceipt(ctx context.Context, id int64, at time.Time, issue payment.ReceiptIssuer) (payment.StoredFeeReceipt, error) {
	var out payment.StoredFeeReceipt
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := scanReceipt(tx.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE id = $1`, id))
		if err != nil {
			return fmt.Errorf("store: receipt %d: %w", id, notFound(err, payment.ErrReceiptNotFound))
		}
		switch {
		case old.Cancellation == nil:
			return payment.ErrReceiptNotCancelled
		case old.ReplacedBy != 0:
			return payment.ErrReceiptReplaced
		}
		r, err := scanPaymentRequest(tx.QueryRowContext(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE r.id = $1`, old.RequestID))
		if err != nil {
			return fmt.Errorf("store: payment request %d: %w", old.RequestID, notFound(err, payment.ErrRequestNotFound))
		}
		issued, err := s.issueReceipt(ctx, tx, r, at, issue)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE receipts SET replaced_by = $1 WHERE id = $2 AND replaced_by IS NULL`, issued.Receipt.ID, id)
		if err != nil {
			return fmt.Errorf("store: replace receipt %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return payment.ErrReceiptReplaced
		}
		out = payment.StoredFeeReceipt{FeeReceipt: *issued.Receipt, XML: issued.XML}
		return nil
	})
	return out, err
}

// FeeReceiptsCancelledOn returns the receipts of a unit cancelled on a local day, for the
// day's summary.
func (s *Store) FeeReceiptsCancelledOn(ctx context.Context, unitID int64, day calendar.Date) ([]payment.StoredFeeReceipt, error) {
	return s.receiptsWhere(ctx, `unit_id = $1 AND cancel_day = $2 AND cancelled_at IS NOT NULL`, unitID, day.String())
}

// receiptsWhere lists the receipts matching a condition, by template, series and number.
func (s *Store) receiptsWhere(ctx context.Context, where string, args ...any) ([]payment.StoredFeeReceipt, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE `+where+` ORDER BY template, series, number`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []payment.StoredFeeReceipt
	for rows.Next() {
		rc, err := scanReceipt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rc)
	}
	return out, mapErr(rows.Err())
}

// FeeReceipt returns an issued fee receipt with its XML record.
func (s *Store) FeeReceipt(ctx context.Context, id int64) (payment.StoredFeeReceipt, error) {
	rc, err := scanReceipt(s.r.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE id = $1`, id))
	if err != nil {
		return rc, fmt.Errorf("store: receipt %d: %w", id, notFound(err, payment.ErrReceiptNotFound))
	}
	return rc, nil
}

// FeeReceiptsOn returns the fee receipts a unit issued on a local day, by template, series and
// number: the day's summary for the tax authority is made of them.
func (s *Store) FeeReceiptsOn(ctx context.Context, unitID int64, day calendar.Date) ([]payment.FeeReceipt, error) {
	rs, err := s.receiptsWhere(ctx, `unit_id = $1 AND issue_day = $2`, unitID, day.String())
	if err != nil {
		return nil, err
	}
	out := make([]payment.FeeReceipt, len(rs))
	for i, rc := range rs {
		out[i] = rc.FeeReceipt
	}
	return out, nil
}

// PaymentCounts are the figures of the Decision 766 indicator "dossiers paid online".
type PaymentCounts struct {
	// FeeBearing counts the dossiers billed in the period (a request created then and
	// not cancelled); PaidOnline those of them settled by bank transfer.
	FeeBearing int64
	PaidOnline int64
}

// PaymentCounts counts, over the units and the local days from–to, the dossiers billed
// and those of them paid online (payment.Request.PaidOnline).
func (s *Store) PaymentCounts(ctx context.Context, units []int64, from, to calendar.Date) (PaymentCounts, error) {
	var c PaymentCounts
	if len(units) == 0 {
		return c, nil
	}
	args := []any{utc(from.Time()), utc(to.AddDays(1).Time())}
	for _, u := range units {
		args = append(args, u)
	}
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT dossier_id),
		COUNT(DISTINCT CASE WHEN state = 'paid' AND method IN ('bank_notification', 'statement') THEN dossier_id END)
		FROM payment_requests WHERE created_at >= $1 AND created_at < $2 AND state <> 'cancelled'
		AND unit_id IN (`+placeholders(3, len(units))+`)`, args...).Scan(&c.FeeBearing, &c.PaidOnline)
	return c, mapErr(err)
}
