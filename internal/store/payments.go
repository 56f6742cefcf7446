package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
)

// Errors of payment storage, for errors.Is; their codes are stable.
var (
	ErrPaymentNotFound = apperr.New(apperr.NotFound, "payment_request_not_found", "Không tìm thấy yêu cầu thanh toán.")
	// ErrPaymentChanged: the request changed since it was loaded (its version moved);
	// nothing was written.
	ErrPaymentChanged = apperr.New(apperr.Conflict, "payment_changed",
		"Yêu cầu thanh toán vừa được thay đổi. Vui lòng tải lại rồi thử lại.")
	// ErrPaymentOpen: the dossier already has a request that is pending or paid.
	ErrPaymentOpen = apperr.New(apperr.Conflict, "payment_request_exists",
		"Hồ sơ đã có yêu cầu thanh toán đang chờ nộp hoặc đã nộp.")
	ErrNoPaymentAccount = apperr.New(apperr.NotFound, "payment_account_missing",
		"Đơn vị chưa khai báo tài khoản thu phí, lệ phí.")
	ErrNoReceiptConfig = apperr.New(apperr.NotFound, "receipt_config_missing",
		"Đơn vị chưa khai báo ký hiệu mẫu, ký hiệu biên lai và thông tin đơn vị thu.")
	ErrReceiptNotFound = apperr.New(apperr.NotFound, "receipt_not_found", "Không tìm thấy biên lai.")
	// ErrReceiptExists: the request already has its receipt.
	ErrReceiptExists        = apperr.New(apperr.Conflict, "receipt_exists", "Yêu cầu thanh toán này đã có biên lai.")
	ErrNotificationNotFound = apperr.New(apperr.NotFound, "payment_notification_not_found",
		"Không tìm thấy thông báo giao dịch.")
	// ErrNotificationMatched: the transfer is already recorded on a request.
	ErrNotificationMatched = apperr.New(apperr.Conflict, "payment_notification_matched",
		"Giao dịch này đã được ghi nhận cho một yêu cầu thanh toán.")
)

// SecretOverlap is how long the previous webhook secret stays valid after a rotation, so
// that a sender can switch to the new one without losing notifications meanwhile.
const SecretOverlap = 24 * time.Hour

// PaymentAccount is a unit's collection account as stored: the account and whether the
// webhook secret is set (never the secret itself).
type PaymentAccount struct {
	payment.Account
	// SecretSetAt is when the current webhook secret was generated; zero when none is.
	SecretSetAt time.Time
	UpdatedAt   time.Time
}

// WebhookSecrets are the keys a unit's bank notifications may be signed with.
type WebhookSecrets struct {
	Current  []byte
	Previous []byte // valid until PreviousUntil
	// PreviousUntil ends the overlap after a rotation.
	PreviousUntil time.Time
}

// Valid returns the secrets that verify a notification at now, current first.
func (w WebhookSecrets) Valid(now time.Time) [][]byte {
	var out [][]byte
	if len(w.Current) > 0 {
		out = append(out, w.Current)
	}
	if len(w.Previous) > 0 && now.Before(w.PreviousUntil) {
		out = append(out, w.Previous)
	}
	return out
}

// PaymentRequest is a stored payment request: the payment package's Request, the
// dossier it bills and its receipt, once issued.
type PaymentRequest struct {
	payment.Request
	DossierID int64
	ReceiptID int64 // 0 while it has none
}

// StoredNotification is a verified bank notification as the webhook recorded it.
type StoredNotification struct {
	ID     int64
	UnitID int64
	payment.Notification
	Outcome payment.Outcome
	// Reference is the reference the description named ("" when none).
	Reference   string
	Suggestions []int64
	// RequestID is the request the transfer is recorded on; 0 while it is unmatched.
	RequestID  int64
	ReceivedAt time.Time
	// ResolvedAt is when the accountant recorded an unmatched transfer on a request.
	ResolvedAt time.Time
}

// StoredReceipt is an issued receipt with its XML record.
type StoredReceipt struct {
	payment.FeeReceipt
	XML []byte
}

// Issued says what became of the receipt when a change settled a request: Receipt when
// one was issued, else NotIssued says why (no receipt configuration, or one the rules
// refuse, such as last year's series). The payment is stored either way: money received
// is never refused for want of a receipt; the accountant issues it once the
// configuration is fixed (IssueReceipt).
type Issued struct {
	Receipt   *payment.FeeReceipt
	NotIssued error
}

// NotificationResult is what RecordNotification did.
type NotificationResult struct {
	Notification StoredNotification
	// Replayed: the same notification was recorded before; nothing changed and
	// Notification is the earlier record.
	Replayed bool
	// Request is the request the payment was applied to (when Outcome.Applies()).
	Request *PaymentRequest
	Issued  Issued
}

// PaymentChange is a change computed on a request as loaded (Before), with the event
// payment's state machine returned.
type PaymentChange struct {
	Before PaymentRequest
	After  payment.Request
	Event  payment.Event
	// NotificationID, for a statement confirmation, is the unmatched notification of the
	// transfer being recorded: it is tied to the request in the same transaction, so the
	// day's reconciliation does not count the money twice.
	NotificationID int64
}

// SetPaymentAccount creates or replaces a unit's collection account; the webhook secret
// is kept.
func (s *Store) SetPaymentAccount(ctx context.Context, a payment.Account) (PaymentAccount, error) {
	a = a.Normalized()
	if err := a.Validate(); err != nil {
		return PaymentAccount{}, err
	}
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
		return PaymentAccount{}, err
	}
	return s.PaymentAccount(ctx, a.UnitID)
}

// PaymentAccount returns a unit's collection account, or ErrNoPaymentAccount.
func (s *Store) PaymentAccount(ctx context.Context, unitID int64) (PaymentAccount, error) {
	return paymentAccount(ctx, s.r, unitID)
}

func paymentAccount(ctx context.Context, q querier, unitID int64) (PaymentAccount, error) {
	a := PaymentAccount{Account: payment.Account{UnitID: unitID}}
	var set sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT bin, number, name, card, secret_set_at, updated_at FROM payment_accounts WHERE unit_id = $1`,
		unitID).Scan(&a.BIN, &a.Number, &a.Name, &a.Card, &set, &a.UpdatedAt)
	if err != nil {
		return a, fmt.Errorf("store: payment account of unit %d: %w", unitID, notFound(err, ErrNoPaymentAccount))
	}
	if set.Valid {
		a.SecretSetAt = set.Time.UTC()
	}
	a.UpdatedAt = a.UpdatedAt.UTC()
	return a, nil
}

// RotateWebhookSecret generates a new webhook secret for a unit's account and returns it:
// the only time it is shown. The previous secret, if any, stays valid for SecretOverlap.
func (s *Store) RotateWebhookSecret(ctx context.Context, unitID int64) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	// 64 hexadecimal characters: the text is the key (docs/PAYMENTS.md §4), so it is
	// typed into a sender's configuration as it is, and carries 256 bits.
	secret := hex.EncodeToString(b)
	now := s.timestamp()
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT webhook_secret FROM payment_accounts WHERE unit_id = $1`, unitID).Scan(&current); err != nil {
			return fmt.Errorf("store: webhook secret of unit %d: %w", unitID, notFound(err, ErrNoPaymentAccount))
		}
		var until any // NULL: there was no secret to keep
		if current != "" {
			until = now.Add(SecretOverlap)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_accounts SET previous_secret = $1, previous_until = $2, webhook_secret = $3,
			secret_set_at = $4, updated_at = $4 WHERE unit_id = $5`, current, until, secret, now, unitID); err != nil {
			return fmt.Errorf("store: webhook secret of unit %d: %w", unitID, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "payment.account.secret", ObjectType: "unit",
			ObjectID: strconv.FormatInt(unitID, 10), Fields: []string{"webhook_secret"}})
	})
	return secret, err
}

// WebhookSecrets returns the keys that verify a unit's bank notifications.
func (s *Store) WebhookSecrets(ctx context.Context, unitID int64) (WebhookSecrets, error) {
	var w WebhookSecrets
	var cur, prev string
	var until sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT webhook_secret, previous_secret, previous_until FROM payment_accounts WHERE unit_id = $1`,
		unitID).Scan(&cur, &prev, &until)
	if err != nil {
		return w, fmt.Errorf("store: webhook secret of unit %d: %w", unitID, notFound(err, ErrNoPaymentAccount))
	}
	if cur != "" {
		w.Current = []byte(cur)
	}
	if prev != "" && until.Valid {
		w.Previous, w.PreviousUntil = []byte(prev), until.Time.UTC()
	}
	return w, nil
}

// SetReceiptConfig stores a unit's receipt settings after checking them by the rules in
// force (a series beginning with a year may be this year's or, to prepare January,
// next year's).
func (s *Store) SetReceiptConfig(ctx context.Context, cfg payment.ReceiptConfig) (payment.ReceiptConfig, error) {
	cfg, err := checkReceiptConfig(cfg, s.now())
	if err != nil {
		return cfg, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
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
	return cfg, err
}

// checkReceiptConfig checks a configuration by issuing a sample receipt with it and
// keeping the problems that concern the configuration; it returns the configuration as
// receipts will print it (trimmed, NFC, symbols in capitals).
func checkReceiptConfig(cfg payment.ReceiptConfig, now time.Time) (payment.ReceiptConfig, error) {
	if cfg.UnitID <= 0 {
		return cfg, fmt.Errorf("store: receipt configuration without a unit: %w", payment.ErrInvalidReceipt)
	}
	cfg.Name = locale.NFC(strings.TrimSpace(cfg.Name))
	sample := payment.Request{ID: 1, State: payment.StatePaid, Items: []payment.Item{{Name: "Lệ phí", Amount: 1}}, Amount: 1,
		Paid: 1, Method: payment.MethodCash}
	// try issues the sample at a time: the receipt, or the configuration's problems.
	try := func(at time.Time) (payment.FeeReceipt, []apperr.Detail, error) {
		rc, err := payment.IssueFeeReceipt(cfg, sample, payment.Party{Name: "Người nộp"}, 1, at)
		var re *payment.FeeReceiptError
		if !errors.As(err, &re) {
			return rc, nil, err
		}
		var ps []apperr.Detail
		for _, p := range re.Problems {
			if p.Field == "name" || p.Field == "template" || p.Field == "series" || strings.HasPrefix(p.Field, "collector.") ||
				p.Field == "valid_from" || p.Field == "valid_until" {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			return rc, nil, fmt.Errorf("store: sample receipt: %w", err) // a problem of the sample itself
		}
		return rc, ps, nil
	}
	// A configuration that starts later is checked on its first day.
	at := now
	if !cfg.ValidFrom.IsZero() && cfg.ValidFrom.Time().After(now) {
		at = cfg.ValidFrom.Time().Add(12 * time.Hour)
	}
	rc, ps, err := try(at)
	if len(ps) > 0 {
		// A series for next year, entered in advance.
		next := calendar.NewDate(calendar.DateOf(now).Year+1, time.January, 1).Time()
		if rc2, ps2, err2 := try(next); len(ps2) == 0 && err2 == nil {
			rc, ps = rc2, nil
		}
	}
	switch {
	case err != nil:
		return cfg, err
	case len(ps) > 0:
		return cfg, &payment.FeeReceiptError{Problems: ps}
	}
	cfg.Template, cfg.Series, cfg.Collector = rc.Template, rc.Series, rc.Collector
	return cfg, nil
}

// ReceiptConfig returns a unit's receipt settings, or ErrNoReceiptConfig.
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
		return cfg, fmt.Errorf("store: receipt configuration of unit %d: %w", unitID, notFound(err, ErrNoReceiptConfig))
	}
	if cfg.ValidFrom, err = parseStoredDate(from); err == nil {
		cfg.ValidUntil, err = parseStoredDate(until)
	}
	if err != nil {
		return cfg, fmt.Errorf("store: receipt configuration of unit %d: %w", unitID, err)
	}
	return cfg, nil
}

const paymentCols = `r.id, r.unit_id, r.dossier_id, r.dossier_code, r.ordinal, r.online, r.items, r.amount, r.reference, r.state,
	r.paid, r.refunded, r.flag_partial, r.flag_over, r.method, r.reason, r.created_at, r.paid_at, r.closed_at, r.version,
	COALESCE(rc.id, 0)`

const paymentFrom = ` FROM payment_requests r LEFT JOIN receipts rc ON rc.request_id = r.id`

func scanPaymentRequest(row interface{ Scan(...any) error }) (PaymentRequest, error) {
	var r PaymentRequest
	var items string
	var paidAt, closedAt sql.NullTime
	err := row.Scan(&r.ID, &r.UnitID, &r.DossierID, &r.DossierCode, &r.Ordinal, &r.Online, &items, &r.Amount, &r.Reference, &r.State,
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

func paymentRequestsWhere(ctx context.Context, q rowsQuerier, where string, args ...any) ([]PaymentRequest, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE `+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []PaymentRequest
	for rows.Next() {
		r, err := scanPaymentRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// PaymentRequest returns one request by id.
func (s *Store) PaymentRequest(ctx context.Context, id int64) (PaymentRequest, error) {
	r, err := scanPaymentRequest(s.r.QueryRowContext(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE r.id = $1`, id))
	if err != nil {
		return r, fmt.Errorf("store: payment request %d: %w", id, notFound(err, ErrPaymentNotFound))
	}
	return r, nil
}

// PaymentRequestsByReference returns the requests with a reference. A reference is unique
// per collecting unit; two units may, rarely, share one, so the caller picks the one it
// may see.
func (s *Store) PaymentRequestsByReference(ctx context.Context, ref string) ([]PaymentRequest, error) {
	return paymentRequestsWhere(ctx, s.r, "r.reference = $1", ref)
}

// PaymentRequestsOfDossier returns a dossier's requests, oldest first.
func (s *Store) PaymentRequestsOfDossier(ctx context.Context, dossierID int64) ([]PaymentRequest, error) {
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
// pending or paid request gets ErrPaymentOpen.
func (s *Store) CreatePaymentRequest(ctx context.Context, dossierID int64, req payment.Request, ev payment.Event) (PaymentRequest, error) {
	out, err := s.createPaymentRequest(ctx, dossierID, req, ev)
	if isUnique(err) {
		// A concurrent request for the same dossier won: answer as the loser should.
		out, err = s.createPaymentRequest(ctx, dossierID, req, ev)
	}
	return out, err
}

func (s *Store) createPaymentRequest(ctx context.Context, dossierID int64, req payment.Request, ev payment.Event) (PaymentRequest, error) {
	out := PaymentRequest{DossierID: dossierID}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var open, last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN state IN ('pending', 'paid') THEN 1 ELSE 0 END), 0),
			COALESCE(MAX(ordinal), 0) FROM payment_requests WHERE dossier_id = $1`, dossierID).Scan(&open, &last); err != nil {
			return fmt.Errorf("store: payment requests of dossier %s: %w", req.DossierCode, err)
		}
		if open > 0 {
			return ErrPaymentOpen
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
		return ErrPaymentChanged
	}
	return nil
}

// applyPayment stores a change of a request in tx: the row under its optimistic lock,
// the event, the audit record, and the receipt when the change settled the request.
func (s *Store) applyPayment(ctx context.Context, tx *sql.Tx, before PaymentRequest, after *PaymentRequest, ev payment.Event) (Issued, error) {
	after.Version = before.Version + 1
	if err := updatePaymentRequest(ctx, tx, before.Version, after.Request); err != nil {
		return Issued{}, err
	}
	ev.RequestID = after.ID
	if err := insertPaymentEvent(ctx, tx, after.UnitID, ev); err != nil {
		return Issued{}, err
	}
	fields := []string{"state", "paid", "refunded", "flags"}
	if ev.Action == payment.ActCancel || ev.Action == payment.ActRefund {
		fields = append(fields, "reason")
	}
	if err := s.appendAudit(ctx, tx, audit.Event{Chain: after.UnitID, Action: "payment." + string(ev.Action), ObjectType: "payment_request",
		ObjectID: after.Reference, Fields: fields}); err != nil {
		return Issued{}, err
	}
	if before.State == payment.StatePaid || after.State != payment.StatePaid || after.ReceiptID != 0 {
		return Issued{}, nil
	}
	issued, err := s.issueReceipt(ctx, tx, *after, ev.At)
	if issued.Receipt != nil {
		after.ReceiptID = issued.Receipt.ID
	}
	return issued, err
}

// SavePayment stores a confirmation, cancellation or refund computed on ch.Before: the new
// row (refused with ErrPaymentChanged if the request changed meanwhile), its event, its
// audit record and, when it settles the request and the unit has a receipt
// configuration, the receipt with the next number of its sequence — one transaction.
func (s *Store) SavePayment(ctx context.Context, ch PaymentChange) (PaymentRequest, Issued, error) {
	after := PaymentRequest{Request: ch.After, DossierID: ch.Before.DossierID, ReceiptID: ch.Before.ReceiptID}
	var issued Issued
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if ch.NotificationID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE payment_notifications SET request_id = $1, resolved_at = $2, resolved_by = $3
				WHERE id = $4 AND unit_id = $5 AND request_id IS NULL`, after.ID, utc(ch.Event.At), nullID(ch.Event.By.ID),
				ch.NotificationID, after.UnitID)
			if err != nil {
				return fmt.Errorf("store: payment notification %d: %w", ch.NotificationID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotificationMatched
			}
			if err := s.appendAudit(ctx, tx, audit.Event{Chain: after.UnitID, Action: "payment.notification.resolve",
				ObjectType: "payment_notification", ObjectID: strconv.FormatInt(ch.NotificationID, 10), Fields: []string{"request"}}); err != nil {
				return err
			}
		}
		var err error
		issued, err = s.applyPayment(ctx, tx, ch.Before, &after, ch.Event)
		return err
	})
	return after, issued, err
}

// IssueReceipt issues the receipt of a paid request that has none: the unit had no
// usable receipt configuration when it was paid. It returns the configuration's
// problems (payment.ErrInvalidReceipt, ErrNoReceiptConfig) when it still cannot.
func (s *Store) IssueReceipt(ctx context.Context, requestID int64, at time.Time) (StoredReceipt, error) {
	var out StoredReceipt
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r, err := scanPaymentRequest(tx.QueryRowContext(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE r.id = $1`, requestID))
		if err != nil {
			return fmt.Errorf("store: payment request %d: %w", requestID, notFound(err, ErrPaymentNotFound))
		}
		switch {
		case r.ReceiptID != 0:
			return ErrReceiptExists
		case r.State != payment.StatePaid:
			return fmt.Errorf("store: receipt for request %s in state %s: %w", r.Reference, r.State, payment.ErrInvalidTransition)
		}
		issued, err := s.issueReceipt(ctx, tx, r, at)
		if err != nil {
			return err
		}
		if issued.NotIssued != nil {
			return issued.NotIssued
		}
		out.FeeReceipt = *issued.Receipt
		return tx.QueryRowContext(ctx, `SELECT xml FROM receipts WHERE id = $1`, out.ID).Scan(&out.XML)
	})
	return out, err
}

// issueReceipt issues the receipt of paid request r at time at, in tx: it checks the
// unit's configuration with a trial receipt before taking a number, so a refused
// receipt consumes none, then increments the sequence's counter (its row is locked until
// commit: numbers are gap-free and unique), writes the XML record and the audit record.
func (s *Store) issueReceipt(ctx context.Context, tx *sql.Tx, r PaymentRequest, at time.Time) (Issued, error) {
	cfg, err := receiptConfig(ctx, tx, r.UnitID)
	if errors.Is(err, ErrNoReceiptConfig) {
		return Issued{NotIssued: ErrNoReceiptConfig}, nil
	}
	if err != nil {
		return Issued{}, err
	}
	var payer string
	if err := tx.QueryRowContext(ctx, `SELECT applicant_name FROM dossiers WHERE id = $1`, r.DossierID).Scan(&payer); err != nil {
		return Issued{}, fmt.Errorf("store: payer of %s: %w", r.Reference, err)
	}
	at = utc(at)
	trial, err := payment.IssueFeeReceipt(cfg, r.Request, payment.Party{Name: payer}, 1, at)
	if err != nil {
		if errors.Is(err, payment.ErrInvalidReceipt) {
			return Issued{NotIssued: err}, nil
		}
		return Issued{}, err
	}
	// The collecting unit's key (or the deployment's), checked before a number is taken:
	// a key that cannot sign at this time holds the receipt back, as a refused
	// configuration does.
	signer, err := s.receiptSignerFor(ctx, tx, r.UnitID, at)
	if receiptSigningProblem(err) {
		return Issued{NotIssued: err}, nil
	}
	if err != nil {
		return Issued{}, err
	}
	seq := trial.Sequence()
	var n int
	if err := tx.QueryRowContext(ctx, `INSERT INTO receipt_sequences (unit_id, template, series, year, n) VALUES ($1, $2, $3, $4, 1)
		ON CONFLICT (unit_id, template, series, year) DO UPDATE SET n = receipt_sequences.n + 1 RETURNING n`,
		seq.UnitID, seq.Template, seq.Series, seq.Year).Scan(&n); err != nil {
		return Issued{}, fmt.Errorf("store: receipt sequence: %w", err)
	}
	rc, err := payment.IssueFeeReceipt(cfg, r.Request, payment.Party{Name: payer}, n, at)
	if err != nil {
		// Beyond the rules' largest number: nothing may be issued in this series.
		return Issued{}, err
	}
	xml, err := payment.FeeReceiptXML(rc)
	if err != nil {
		return Issued{}, err
	}
	if signer != nil {
		if xml, err = signer.Sign(xml, payment.SignedElementID); err != nil {
			return Issued{}, fmt.Errorf("store: sign receipt of %s: %w", r.Reference, err)
		}
	}
	body, err := json.Marshal(rc)
	if err != nil {
		return Issued{}, err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO receipts (unit_id, request_id, dossier_code, template, series, year, number, issued_at,
		issue_day, total, body, xml) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		rc.UnitID, r.ID, rc.DossierCode, rc.Template, rc.Series, seq.Year, rc.Number, utc(rc.IssuedAt), calendar.DateOf(rc.IssuedAt).String(),
		rc.Total, string(body), string(xml)).Scan(&rc.ID); err != nil {
		return Issued{}, fmt.Errorf("store: receipt of %s: %w", r.Reference, err)
	}
	if err := s.appendAudit(ctx, tx, audit.Event{Chain: rc.UnitID, Action: "receipt.issue", ObjectType: "receipt",
		ObjectID: strconv.FormatInt(rc.ID, 10), Fields: []string{"template", "series", "number", "payer", "items", "total"}}); err != nil {
		return Issued{}, err
	}
	return Issued{Receipt: &rc}, nil
}

const notificationCols = `id, unit_id, bank_bin, transaction_id, account, amount, description, transacted_at, outcome, reference,
	suggestions, request_id, received_at, resolved_at`

func scanNotification(row interface{ Scan(...any) error }) (StoredNotification, error) {
	var n StoredNotification
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
func (s *Store) PaymentNotification(ctx context.Context, id int64) (StoredNotification, error) {
	n, err := scanNotification(s.r.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM payment_notifications WHERE id = $1`, id))
	if err != nil {
		return n, fmt.Errorf("store: payment notification %d: %w", id, notFound(err, ErrNotificationNotFound))
	}
	return n, nil
}

// RecordNotification records a verified bank notification for a unit and applies it
// when payment.Match ties it to a request — one transaction: the notification row (whose
// unique key on unit, bank and transaction id makes delivery idempotent), and for an
// applied one the request's new row, its event, its audit record and its receipt.
//
// A notification recorded before under the same key is compared with
// payment.CheckReplay: the same content gives Replayed and the earlier record, nothing
// written; different content gives payment.ErrTransactionReused.
func (s *Store) RecordNotification(ctx context.Context, unitID int64, n payment.Notification, raw []byte, now time.Time) (NotificationResult, error) {
	// Stored instants have microseconds: compare a replay with what was stored.
	n.TransactedAt = utc(n.TransactedAt)
	for attempt := 1; ; attempt++ {
		res, err := s.recordNotification(ctx, unitID, n, raw, utc(now))
		// A concurrent delivery of the same transaction (the unique key), or a payment
		// on the same request, won: retry, which finds it.
		if attempt < 4 && (isUnique(err) || errors.Is(err, ErrPaymentChanged)) {
			continue
		}
		return res, err
	}
}

func (s *Store) recordNotification(ctx context.Context, unitID int64, n payment.Notification, raw []byte, now time.Time) (NotificationResult, error) {
	var res NotificationResult
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		earlier, err := scanNotification(tx.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM payment_notifications
			WHERE unit_id = $1 AND bank_bin = $2 AND transaction_id = $3`, unitID, n.BankBIN, n.TransactionID))
		switch {
		case err == nil:
			if err := payment.CheckReplay(earlier.Notification, n); !errors.Is(err, payment.ErrReplay) {
				return fmt.Errorf("store: notification %s of unit %d: %w", n.Key(), unitID, err)
			}
			res = NotificationResult{Notification: earlier, Replayed: true}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return mapErr(err)
		}
		acct, err := paymentAccount(ctx, tx, unitID)
		if err != nil {
			return err
		}
		refs := payment.FindReferences(n.Description)
		where, args := "r.unit_id = $1 AND (r.state = 'pending'", []any{unitID}
		for _, ref := range refs {
			args = append(args, ref)
			where += " OR r.reference = $" + strconv.Itoa(len(args))
		}
		cands, err := paymentRequestsWhere(ctx, tx, where+")", args...)
		if err != nil {
			return err
		}
		reqs := make([]payment.Request, len(cands))
		for i, c := range cands {
			reqs[i] = c.Request
		}
		m := payment.Match(n, acct.Account, reqs)
		sn := StoredNotification{UnitID: unitID, Notification: n, Outcome: m.Outcome, Reference: m.Reference, Suggestions: m.Suggestions,
			ReceivedAt: now}
		if m.Outcome.Applies() {
			before := cands[m.Index]
			after := before
			ev, err := after.Request.Confirm(n.Payment(), now)
			if err != nil {
				return err
			}
			if res.Issued, err = s.applyPayment(ctx, tx, before, &after, ev); err != nil {
				return err
			}
			sn.RequestID, res.Request = after.ID, &after
		}
		sugg, err := json.Marshal(append([]int64{}, sn.Suggestions...))
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO payment_notifications (unit_id, bank_bin, transaction_id, account, amount, description,
			transacted_at, body, outcome, reference, suggestions, request_id, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			unitID, n.BankBIN, n.TransactionID, n.Account, n.Amount, n.Description, n.TransactedAt, string(raw), sn.Outcome, sn.Reference,
			string(sugg), nullID(sn.RequestID), now).Scan(&sn.ID); err != nil {
			return fmt.Errorf("store: notification %s of unit %d: %w", n.Key(), unitID, err)
		}
		res.Notification = sn
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "payment.notification." + string(sn.Outcome),
			ObjectType: "payment_notification", ObjectID: strconv.FormatInt(sn.ID, 10), Fields: []string{"transaction_id", "amount", "outcome"}})
	})
	return res, err
}

// PaymentDay gathers one local day of a unit's fee collection and reconciles it
// (payment.Reconcile): the requests created that day or with money moved on them that
// day, the confirmations and refunds whose money moved that day, and the day's verified
// notifications that are still unmatched (also returned with their ids, for the
// accountant to record them on a request).
func (s *Store) PaymentDay(ctx context.Context, unitID int64, day calendar.Date) (payment.Reconciliation, []StoredNotification, error) {
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
	var unmatched []StoredNotification
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

const receiptCols = `id, body, xml`

func scanReceipt(row interface{ Scan(...any) error }) (StoredReceipt, error) {
	var rc StoredReceipt
	var id int64
	var body, xml string
	if err := row.Scan(&id, &body, &xml); err != nil {
		return rc, err
	}
	if err := json.Unmarshal([]byte(body), &rc.FeeReceipt); err != nil {
		return rc, fmt.Errorf("store: receipt %d: %w", id, err)
	}
	rc.ID, rc.XML = id, []byte(xml)
	return rc, nil
}

// Receipt returns an issued receipt with its XML record.
func (s *Store) Receipt(ctx context.Context, id int64) (StoredReceipt, error) {
	rc, err := scanReceipt(s.r.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE id = $1`, id))
	if err != nil {
		return rc, fmt.Errorf("store: receipt %d: %w", id, notFound(err, ErrReceiptNotFound))
	}
	return rc, nil
}

// ReceiptsOn returns the receipts a unit issued on a local day, by template, series and
// number: the day's summary for the tax authority is made of them.
func (s *Store) ReceiptsOn(ctx context.Context, unitID int64, day calendar.Date) ([]payment.FeeReceipt, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE unit_id = $1 AND issue_day = $2
		ORDER BY template, series, number`, unitID, day.String())
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []payment.FeeReceipt
	for rows.Next() {
		rc, err := scanReceipt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rc.FeeReceipt)
	}
	return out, mapErr(rows.Err())
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
