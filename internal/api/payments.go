package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Roles of the payment routes (docs/PAYMENTS.md §7).
var (
	// accountRoles may read a unit's collection account and receipt settings.
	accountRoles = []auth.Role{auth.RoleAccountant, auth.RoleUnitAdmin}
	// reconcileRoles may read a day's reconciliation.
	reconcileRoles = []auth.Role{auth.RoleAccountant, auth.RoleUnitAdmin, auth.RoleLeader}
)

func paymentRoutes(h handlers) []httpx.Route {
	accountant := httpx.OnlyRoles(auth.RoleAccountant)
	return []httpx.Route{
		{Pattern: "GET /api/v1/payments/account", Access: httpx.OnlyRoles(accountRoles...), Handler: h.paymentAccount},
		{Pattern: "PUT /api/v1/payments/account", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.setPaymentAccount},
		{Pattern: "POST /api/v1/payments/account/secret", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.rotateWebhookSecret},
		{Pattern: "GET /api/v1/payments/receipt-config", Access: httpx.OnlyRoles(accountRoles...), Handler: h.receiptConfig},
		{Pattern: "PUT /api/v1/payments/receipt-config", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.setReceiptConfig},
		{Pattern: "POST /api/v1/dossiers/{code}/payments", Access: httpx.LoggedIn, Handler: h.createPayment},
		{Pattern: "GET /api/v1/dossiers/{code}/payments", Access: httpx.LoggedIn, Handler: h.dossierPayments},
		// {image} is qr.png or qr.svg: a literal last segment would conflict with
		// /payments/receipts/{file} in the router ("receipts/qr.png" matches both).
		{Pattern: "GET /api/v1/payments/{reference}/{image}", Access: httpx.Anyone, Handler: h.paymentQR},
		{Pattern: "POST /api/v1/payments/{reference}/confirm", Access: httpx.OnlyRoles(payment.CashRoles...), Handler: h.paymentAction(payment.ActConfirm)},
		{Pattern: "POST /api/v1/payments/{reference}/cancel", Access: accountant, Handler: h.paymentAction(payment.ActCancel)},
		{Pattern: "POST /api/v1/payments/{reference}/refund", Access: accountant, Handler: h.paymentAction(payment.ActRefund)},
		{Pattern: "POST /api/v1/payments/{reference}/receipt", Access: accountant, Handler: h.issueReceipt},
		// The bank's webhook: no session and no bearer token (it is authenticated by the
		// HMAC of the unit's secret), so it is served without loading a session. Being
		// stateless also puts it in the router of its own, where it does not conflict
		// with /payments/{reference}/confirm.
		{Pattern: "POST /api/v1/payments/notifications/{unit}", Access: httpx.Anyone, Handler: h.bankNotification, Stateless: true},
		{Pattern: "GET /api/v1/payments/reconciliation", Access: httpx.OnlyRoles(reconcileRoles...), Handler: h.reconciliation},
		{Pattern: "GET /api/v1/payments/receipts/summary", Access: accountant, Handler: h.receiptSummary},
		{Pattern: "GET /api/v1/payments/receipts/{file}", Access: accountant, Handler: h.receiptXML},
	}
}

var (
	errMoneyAt = apperr.New(apperr.Invalid, "invalid_paid_at",
		"paid_at phải theo RFC 3339 (ví dụ 2026-07-02T09:15:00+07:00) và không ở tương lai.")
	errDate = apperr.New(apperr.Invalid, "invalid_date", "date phải có dạng YYYY-MM-DD.")
)

func (h handlers) now() time.Time {
	if h.Dossiers != nil && h.Dossiers.Now != nil {
		return h.Dossiers.Now()
	}
	return time.Now()
}

func (h handlers) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// paymentUnit is the unit of a payment setting or report: ?unit=CODE, which the caller
// must hold one of roles in, or else the caller's first unit with one of them.
func (h handlers) paymentUnit(r *http.Request, roles ...auth.Role) (unit.Unit, error) {
	p := auth.PrincipalFrom(r.Context())
	if code := r.URL.Query().Get("unit"); code != "" {
		u, err := h.Store.UnitByCode(r.Context(), code)
		if err != nil {
			return u, err
		}
		if !p.Can(u.ID, roles...) {
			return u, apperr.ErrForbidden
		}
		return u, nil
	}
	for _, m := range p.Memberships {
		for _, role := range roles {
			if m.Role == role {
				return h.Store.UnitByID(r.Context(), m.UnitID)
			}
		}
	}
	return unit.Unit{}, errUnitParam
}

// PaymentAccount is a unit's collection account. The webhook secret is never shown
// here: only whether one is set.
type PaymentAccount struct {
	Unit        string  `json:"unit"`
	BIN         string  `json:"bin"`
	Number      string  `json:"number"`
	Name        string  `json:"name"`
	Card        bool    `json:"card"`
	WebhookURL  string  `json:"webhook_url"`
	SecretSet   bool    `json:"webhook_secret_set"`
	SecretSetAt *string `json:"webhook_secret_set_at"`
	UpdatedAt   *string `json:"updated_at"`
}

// PaymentAccountBody is the body of PUT /api/v1/payments/account.
type PaymentAccountBody struct {
	BIN    string `json:"bin"`
	Number string `json:"number"`
	Name   string `json:"name"`
	Card   bool   `json:"card"`
}

func (h handlers) webhookURL(u unit.Unit) string {
	return strings.TrimSuffix(h.BaseURL, "/") + "/api/v1/payments/notifications/" + u.Code
}

func (h handlers) viewAccount(u unit.Unit, a payment.StoredAccount) PaymentAccount {
	return PaymentAccount{Unit: u.Code, BIN: a.BIN, Number: a.Number, Name: a.Name, Card: a.Card, WebhookURL: h.webhookURL(u),
		SecretSet: !a.SecretSetAt.IsZero(), SecretSetAt: rfc3339(a.SecretSetAt), UpdatedAt: rfc3339(a.UpdatedAt)}
}

func (h handlers) paymentAccount(w http.ResponseWriter, r *http.Request) error {
	u, err := h.paymentUnit(r, accountRoles...)
	if err != nil {
		return err
	}
	a, err := h.Store.PaymentAccount(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.viewAccount(u, a))
}

func (h handlers) setPaymentAccount(w http.ResponseWriter, r *http.Request) error {
	u, err := h.paymentUnit(r, auth.RoleUnitAdmin)
	if err != nil {
		return err
	}
	var in PaymentAccountBody
	if err := httpx.DecodeJSON(w, r, &in, 16<<10); err != nil {
		return err
	}
	a, err := h.Payments.SetAccount(r.Context(), payment.Account{UnitID: u.ID, BIN: in.BIN, Number: in.Number, Name: in.Name, Card: in.Card})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.viewAccount(u, a))
}

// WebhookSecret is the answer to a rotation: the only time the secret is shown.
type WebhookSecret struct {
	Unit       string `json:"unit"`
	Secret     string `json:"secret"`
	WebhookURL string `json:"webhook_url"`
	// PreviousValidUntil is when the secret it replaces stops verifying notifications.
	PreviousValidUntil *string `json:"previous_valid_until"`
}

func (h handlers) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	u, err := h.paymentUnit(r, auth.RoleUnitAdmin)
	if err != nil {
		return err
	}
	secret, ws, err := h.Payments.RotateWebhookSecret(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, WebhookSecret{Unit: u.Code, Secret: secret, WebhookURL: h.webhookURL(u),
		PreviousValidUntil: rfc3339(ws.PreviousUntil)})
}

// ReceiptConfig is a unit's receipt settings.
type ReceiptConfig struct {
	Unit      string        `json:"unit,omitempty"`
	Name      string        `json:"name,omitempty"`
	Template  string        `json:"template"`
	Series    string        `json:"series"`
	Collector payment.Party `json:"collector"`
	// ValidFrom and ValidUntil bound the days the symbols may be used.
	ValidFrom  calendar.Date `json:"valid_from,omitzero"`
	ValidUntil calendar.Date `json:"valid_until,omitzero"`
}

func (h handlers) receiptConfig(w http.ResponseWriter, r *http.Request) error {
	u, err := h.paymentUnit(r, accountRoles...)
	if err != nil {
		return err
	}
	cfg, err := h.Store.ReceiptConfig(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, ReceiptConfig{Unit: u.Code, Name: cfg.Name, Template: cfg.Template, Series: cfg.Series, Collector: cfg.Collector,
		ValidFrom: cfg.ValidFrom, ValidUntil: cfg.ValidUntil})
}

func (h handlers) setReceiptConfig(w http.ResponseWriter, r *http.Request) error {
	u, err := h.paymentUnit(r, auth.RoleUnitAdmin)
	if err != nil {
		return err
	}
	var in ReceiptConfig
	if err := httpx.DecodeJSON(w, r, &in, 16<<10); err != nil {
		return err
	}
	cfg, err := h.Payments.SetReceiptConfig(r.Context(), payment.ReceiptConfig{UnitID: u.ID, Name: in.Name, Template: in.Template,
		Series: in.Series, Collector: in.Collector, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, ReceiptConfig{Unit: u.Code, Name: cfg.Name, Template: cfg.Template, Series: cfg.Series, Collector: cfg.Collector,
		ValidFrom: cfg.ValidFrom, ValidUntil: cfg.ValidUntil})
}

// PaymentEvent is one entry of a request's history.
type PaymentEvent struct {
	At            string         `json:"at"`
	Action        payment.Action `json:"action"`
	ActionLabel   string         `json:"action_label"`
	FromState     payment.State  `json:"from_state,omitempty"`
	ToState       payment.State  `json:"to_state"`
	Amount        int64          `json:"amount"`
	Method        payment.Method `json:"method,omitempty"`
	TransactionID string         `json:"transaction_id,omitempty"`
	MoneyAt       *string        `json:"money_at,omitempty"`
	By            string         `json:"by,omitempty"`
	Flags         payment.Flags  `json:"flags"`
	Note          string         `json:"note,omitempty"`
}

// ReceiptRef names a request's receipt.
type ReceiptRef struct {
	ID         int64  `json:"id"`
	Template   string `json:"template"`
	Series     string `json:"series"`
	Number     int    `json:"number"`
	NumberText string `json:"number_text"`
	IssuedAt   string `json:"issued_at"`
	XML        string `json:"xml"`
	PDF        string `json:"pdf"`
	// Signature says whether the receipt's XML-DSig signature is valid, which key signed
	// (the collecting unit's?) and whether its chain reaches a trust anchor.
	Signature payment.SignatureReport `json:"signature"`
	// Cancelled is the receipt's cancellation (who, when, why); absent while in force.
	Cancelled *payment.Cancellation `json:"cancelled,omitempty"`
	// ReplacedBy is the id of the receipt issued in place of a cancelled one.
	ReplacedBy int64 `json:"replaced_by,omitempty"`
	// Replaces names the cancelled receipt a replacement stands for.
	Replaces *payment.ReceiptRef `json:"replaces,omitempty"`
}

// QRLinks are the images of a request's VietQR code: for a phone screen, and sharper
// for printing on the A5 receipt.
type QRLinks struct {
	PNG      string `json:"png"`
	PrintPNG string `json:"print_png"`
	SVG      string `json:"svg"`
}

// PaymentRequest is a payment request as its dossier's officials and owner see it.
type PaymentRequest struct {
	ID             int64            `json:"id"`
	Reference      string           `json:"reference"`
	DossierCode    string           `json:"dossier_code"`
	Unit           string           `json:"unit"`
	Ordinal        int              `json:"ordinal"`
	Online         bool             `json:"online"`
	Items          []payment.Item   `json:"items"`
	Amount         int64            `json:"amount"`
	Paid           int64            `json:"paid"`
	Refunded       int64            `json:"refunded"`
	Outstanding    int64            `json:"outstanding"`
	State          payment.State    `json:"state"`
	StateLabel     string           `json:"state_label"`
	Flags          payment.Flags    `json:"flags"`
	Method         payment.Method   `json:"method,omitempty"`
	Reason         string           `json:"reason,omitempty"`
	CreatedAt      *string          `json:"created_at"`
	PaidAt         *string          `json:"paid_at"`
	ClosedAt       *string          `json:"closed_at"`
	Version        int              `json:"version"`
	AllowedActions []payment.Action `json:"allowed_actions"`
	QR             *QRLinks         `json:"qr"`
	Receipt        *ReceiptRef      `json:"receipt"`
	// ReceiptProblem, in the answer to a change that settled the request, is the code of
	// the reason no receipt was issued (receipt_config_missing, invalid_receipt,
	// receipt_key_locked, receipt_key_not_valid).
	ReceiptProblem string         `json:"receipt_problem,omitempty"`
	History        []PaymentEvent `json:"history"`
}

func (h handlers) viewPayment(r *http.Request, pr payment.StoredRequest, d dossier.Dossier) (PaymentRequest, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	u, err := h.Store.UnitByID(ctx, pr.UnitID)
	if err != nil {
		return PaymentRequest{}, err
	}
	v := PaymentRequest{ID: pr.ID, Reference: pr.Reference, DossierCode: pr.DossierCode, Unit: u.Code, Ordinal: pr.Ordinal, Online: pr.Online,
		Items: pr.Items, Amount: pr.Amount, Paid: pr.Paid, Refunded: pr.Refunded, Outstanding: pr.Outstanding(), State: pr.State,
		StateLabel: pr.State.Label(), Flags: pr.Flags, Method: pr.Method, Reason: pr.Reason, CreatedAt: rfc3339(pr.CreatedAt),
		PaidAt: rfc3339(pr.PaidAt), ClosedAt: rfc3339(pr.ClosedAt), Version: pr.Version,
		AllowedActions: h.Payments.Allowed(p, pr, d), History: []PaymentEvent{}}
	if v.Items == nil {
		v.Items = []payment.Item{}
	}
	if v.Outstanding > 0 {
		base := "/api/v1/payments/" + pr.Reference + "/qr"
		v.QR = &QRLinks{PNG: base + ".png", PrintPNG: base + ".png?size=print", SVG: base + ".svg"}
	}
	if pr.ReceiptID != 0 {
		rc, err := h.Store.FeeReceipt(ctx, pr.ReceiptID)
		if err != nil {
			return PaymentRequest{}, err
		}
		if v.Receipt, err = h.receiptRef(ctx, rc); err != nil {
			return PaymentRequest{}, err
		}
	}
	evs, err := h.Store.PaymentEvents(ctx, pr.ID)
	if err != nil {
		return PaymentRequest{}, err
	}
	for _, e := range evs {
		v.History = append(v.History, PaymentEvent{At: *rfc3339(e.At), Action: e.Action, ActionLabel: e.Action.Label(), FromState: e.FromState,
			ToState: e.ToState, Amount: e.Amount, Method: e.Method, TransactionID: e.TransactionID, MoneyAt: rfc3339(e.MoneyAt), By: e.By.Name,
			Flags: e.Flags, Note: e.Note})
	}
	return v, nil
}

func (h handlers) receiptRef(ctx context.Context, rc payment.StoredFeeReceipt) (*ReceiptRef, error) {
	sig, err := h.Payments.CheckReceiptSignature(ctx, rc)
	if err != nil {
		return nil, err
	}
	return &ReceiptRef{ID: rc.ID, Template: rc.Template, Series: rc.Series, Number: rc.Number, NumberText: rc.NumberText(),
		IssuedAt: *rfc3339(rc.IssuedAt), XML: "/api/v1/payments/receipts/" + strconv.FormatInt(rc.ID, 10) + ".xml",
		PDF: httpx.ReceiptPDFPath(rc.ID), Signature: sig, Cancelled: rc.Cancellation, ReplacedBy: rc.ReplacedBy, Replaces: rc.Replaces}, nil
}

func (h handlers) createPayment(w http.ResponseWriter, r *http.Request) error {
	d, a, err := h.load(r)
	if err != nil {
		return err
	}
	pr, err := h.Payments.CreateRequest(r.Context(), d, a)
	if err != nil {
		return err
	}
	v, err := h.viewPayment(r, pr, d)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+d.Code+"/payments")
	return httpx.WriteJSON(w, http.StatusCreated, v)
}

func (h handlers) dossierPayments(w http.ResponseWriter, r *http.Request) error {
	d, _, err := h.load(r)
	if err != nil {
		return err
	}
	prs, err := h.Store.PaymentRequestsOfDossier(r.Context(), d.ID)
	if err != nil {
		return err
	}
	items := make([]PaymentRequest, 0, len(prs))
	for _, pr := range prs {
		v, err := h.viewPayment(r, pr, d)
		if err != nil {
			return err
		}
		items = append(items, v)
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, len(items)))
}

var errQRLimit = apperr.New(apperr.TooManyRequests, "lookup_rate_limited", "Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")

// paymentQR draws the VietQR code of what a request still expects, for its dossier's
// officials and owner, and for anyone with the dossier's look-up secret (?secret=), so
// the citizen's look-up page can show it.
func (h handlers) paymentQR(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	image := r.PathValue("image")
	if image != "qr.png" && image != "qr.svg" {
		return httpx.ErrUnknownPath
	}
	p := auth.PrincipalFrom(ctx)
	secret := r.URL.Query().Get("secret")
	if p == nil && secret == "" {
		return payment.ErrRequestNotFound
	}
	// The secret is short enough to be typed from paper: guessing is limited as on the
	// look-up page, for everyone who tries one.
	if secret != "" && !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errQRLimit
	}
	pr, _, err := h.Payments.Find(ctx, r.PathValue("reference"), func(_ payment.StoredRequest, d dossier.Dossier) bool {
		if secret != "" && secretMatches(secret, d.Secret) {
			return true
		}
		_, err := h.Dossiers.Access(ctx, d, p)
		return err == nil
	})
	if err != nil {
		return err
	}
	acct, err := h.Store.PaymentAccount(ctx, pr.UnitID)
	if err != nil {
		return err
	}
	payload, err := payment.Payload(acct.Account, pr.Request)
	if err != nil {
		return err
	}
	// The amount changes with every payment: never cached.
	w.Header().Set("Cache-Control", "no-store")
	if image == "qr.svg" {
		svg, err := qr.SVG(payload, "Mã VietQR nộp "+locale.Money(pr.Outstanding())+" vào tài khoản "+acct.Name)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
		_, err = io.WriteString(w, svg)
		return err
	}
	size := qr.ScreenSize
	if r.URL.Query().Get("size") == "print" {
		size = qr.PrintSize
	}
	png, err := qr.PNG(payload, size)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(png)
	return err
}

// PaymentActionBody is the body of POST /api/v1/payments/{reference}/{confirm,cancel,refund}.
type PaymentActionBody struct {
	// Version is the request's version as the caller saw it (required).
	Version int `json:"version"`
	// Method (confirm): cash, or statement for a transfer found on the bank statement.
	Method payment.Method `json:"method,omitempty"`
	// Amount: the money received (confirm) or given back (refund).
	Amount int64 `json:"amount,omitempty"`
	// PaidAt (confirm): when the money moved; default now.
	PaidAt string `json:"paid_at,omitempty"`
	// TransactionID (confirm by statement, without NotificationID): the statement line's id,
	// required, as on the accountant's page (payment.CheckTransactionID).
	TransactionID string `json:"transaction_id,omitempty"`
	// NotificationID (confirm by statement): an unmatched bank notification this
	// request's payment is; its amount, time and transaction id are taken.
	NotificationID int64  `json:"notification_id,omitempty"`
	Reason         string `json:"reason,omitempty"`
	Note           string `json:"note,omitempty"`
}

func (h handlers) paymentAction(action payment.Action) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		var in PaymentActionBody
		if err := httpx.DecodeJSON(w, r, &in, 16<<10); err != nil {
			return err
		}
		act := payment.Act{Action: action, Version: in.Version, Method: in.Method, Amount: in.Amount, TransactionID: in.TransactionID,
			NotificationID: in.NotificationID, Reason: in.Reason, Note: in.Note}
		if in.PaidAt != "" {
			t, err := time.Parse(time.RFC3339, in.PaidAt)
			if err != nil {
				return errMoneyAt
			}
			act.PaidAt = t
		}
		saved, issued, err := h.Payments.Do(ctx, auth.PrincipalFrom(ctx), r.PathValue("reference"), 0, act)
		if err != nil {
			return err
		}
		d, err := h.Payments.Subject(ctx, saved)
		if err != nil {
			return err
		}
		v, err := h.viewPayment(r, saved, d)
		if err != nil {
			return err
		}
		if issued.NotIssued != nil {
			v.ReceiptProblem = apperr.From(issued.NotIssued).Code
			h.logReceiptNotIssued(r, saved, issued.NotIssued)
		}
		return httpx.WriteJSON(w, http.StatusOK, v)
	}
}

func (h handlers) logReceiptNotIssued(r *http.Request, pr payment.StoredRequest, why error) {
	level := slog.LevelWarn
	if errors.Is(why, payment.ErrNoReceiptConfig) {
		level = slog.LevelInfo // a unit that does not issue receipts through xaso
	}
	h.log().Log(r.Context(), level, "receipt not issued", "reference", pr.Reference, "code", apperr.From(why).Code,
		"request_id", httpx.RequestID(r.Context()))
}

// issueReceipt issues the receipt of a paid request that has none (the unit's receipt
// configuration was missing or refused when it was paid).
func (h handlers) issueReceipt(w http.ResponseWriter, r *http.Request) error {
	rc, err := h.Payments.IssueFeeReceipt(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("reference"), 0)
	if err != nil {
		return err
	}
	ref, err := h.receiptRef(r.Context(), rc)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, ref)
}

// NotificationAnswer is the webhook's answer to a verified notification: 200 whether or
// not it was applied, since it has been recorded and a retry would not change it.
type NotificationAnswer struct {
	NotificationID int64           `json:"notification_id"`
	Outcome        payment.Outcome `json:"outcome"`
	OutcomeLabel   string          `json:"outcome_label"`
	RequestID      *int64          `json:"request_id"`
	Replayed       bool            `json:"replayed"`
}

// bodyError gives a signed but invalid notification's reason to its sender: the body
// comes from the secret's holder, who needs it to fix their adapter.
type bodyError struct{ *payment.NotificationError }

func (e bodyError) Details() []apperr.Detail {
	return []apperr.Detail{{Field: e.Field, Message: e.Reason}}
}

// bankNotification is the bank-notification webhook (docs/PAYMENTS.md §4).
func (h handlers) bankNotification(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	log := h.log().With("request_id", httpx.RequestID(ctx), "remote", httpx.ClientIP(r, h.TrustProxy))
	u, err := h.Store.UnitByCode(ctx, r.PathValue("unit"))
	if err != nil {
		log.Warn("payment notification refused", "code", apperr.From(err).Code)
		return err
	}
	log = log.With("unit", u.Code)
	// One byte more than allowed, so that VerifyNotification sees a body too large.
	raw, err := io.ReadAll(io.LimitReader(r.Body, payment.MaxNotificationSize+1))
	if err != nil {
		return payment.ErrBody.With(err)
	}
	n, res, err := h.Payments.ReceiveNotification(ctx, u, raw, r.Header.Get(payment.SignatureHeader))
	var ne *payment.NotificationError
	switch {
	case errors.As(err, &ne):
		// Field and reason name what is wrong, never the description's text.
		log.Warn("payment notification refused", "code", apperr.From(err).Code, "field", ne.Field, "reason", ne.Reason)
		if errors.Is(err, payment.ErrBody) || errors.Is(err, payment.ErrTooLarge) {
			return bodyError{ne}
		}
		return err
	case errors.Is(err, payment.ErrWebhookNotConfigured):
		log.Warn("payment notification refused", "code", apperr.From(err).Code)
		return err
	case err != nil && n.TransactionID != "":
		log.Warn("payment notification refused", "code", apperr.From(err).Code, "transaction_id", n.TransactionID)
		return err
	case err != nil:
		return err
	}
	sn := res.Notification
	log.Info("payment notification", "notification_id", sn.ID, "transaction_id", n.TransactionID, "outcome", sn.Outcome,
		"replayed", res.Replayed)
	if res.Request != nil && res.Issued.NotIssued != nil {
		h.logReceiptNotIssued(r, *res.Request, res.Issued.NotIssued)
	}
	out := NotificationAnswer{NotificationID: sn.ID, Outcome: sn.Outcome, OutcomeLabel: sn.Outcome.Label(), Replayed: res.Replayed}
	if sn.RequestID != 0 {
		out.RequestID = &sn.RequestID
	}
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// UnmatchedTransfer is a verified notification no request took.
type UnmatchedTransfer struct {
	ID            int64           `json:"id"`
	TransactionID string          `json:"transaction_id"`
	BankBIN       string          `json:"bank_bin"`
	Account       string          `json:"account"`
	Amount        int64           `json:"amount"`
	Description   string          `json:"description"`
	TransactedAt  string          `json:"transacted_at"`
	Outcome       payment.Outcome `json:"outcome"`
	OutcomeLabel  string          `json:"outcome_label"`
	Reference     string          `json:"reference,omitempty"`
	Suggestions   []int64         `json:"suggestions"`
}

// Reconciliation is a unit's day for the accountant (payment.Reconciliation), with the
// unmatched transfers by id so that one can be recorded on a request.
type Reconciliation struct {
	Unit string `json:"unit"`
	payment.Reconciliation
	UnmatchedTransfers []UnmatchedTransfer `json:"unmatched_transfers"`
}

func (h handlers) reconciliation(w http.ResponseWriter, r *http.Request) error {
	u, err := h.paymentUnit(r, reconcileRoles...)
	if err != nil {
		return err
	}
	day, err := dayParam(r, h.now())
	if err != nil {
		return err
	}
	rec, unmatched, err := h.Store.PaymentDay(r.Context(), u.ID, day)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("format") == "csv" {
		return writeReconciliationCSV(w, u, rec, unmatched)
	}
	out := Reconciliation{Unit: u.Code, Reconciliation: rec, UnmatchedTransfers: []UnmatchedTransfer{}}
	if out.Unmatched == nil {
		out.Unmatched = []payment.Notification{}
	}
	if out.Lines == nil {
		out.Lines = []payment.Line{}
	}
	if out.Flagged == nil {
		out.Flagged = []payment.Line{}
	}
	for _, n := range unmatched {
		out.UnmatchedTransfers = append(out.UnmatchedTransfers, UnmatchedTransfer{ID: n.ID, TransactionID: n.TransactionID, BankBIN: n.BankBIN,
			Account: n.Account, Amount: n.Amount, Description: n.Description, TransactedAt: *rfc3339(n.TransactedAt), Outcome: n.Outcome,
			OutcomeLabel: n.Outcome.Label(), Reference: n.Reference, Suggestions: append([]int64{}, n.Suggestions...)})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// dayParam reads ?date=YYYY-MM-DD, today in Vietnam by default.
func dayParam(r *http.Request, now time.Time) (calendar.Date, error) {
	s := r.URL.Query().Get("date")
	if s == "" {
		return calendar.DateOf(now), nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil || !d.IsValid() {
		return d, errDate
	}
	return d, nil
}

// writeReconciliationCSV exports the day: its totals, one row per request line and one
// per unmatched transfer, with Vietnamese headings. UTF-8 with a byte-order mark, which
// is how spreadsheet programs recognise UTF-8 in a CSV file.
func writeReconciliationCSV(w http.ResponseWriter, u unit.Unit, rec payment.Reconciliation, unmatched []payment.StoredNotification) error {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	header := []string{"Loại", "Mã hồ sơ", "Nội dung chuyển khoản", "Trạng thái", "Phải nộp", "Đã nộp", "Đã hoàn", "Nộp trong ngày",
		"Hoàn trong ngày", "Cần xem xét", "Mã giao dịch", "Thời điểm giao dịch", "Số tiền giao dịch", "Diễn giải của ngân hàng", "Kết quả đối chiếu"}
	row := func(cells ...string) {
		out := make([]string, len(header))
		for i, c := range cells {
			out[i] = cell(c)
		}
		cw.Write(out)
	}
	num := func(n int64) string { return strconv.FormatInt(n, 10) }
	cw.Write(header)
	total := func(label string, n int64) { row("Tổng hợp", label, "", "", num(n)) }
	total("Phải thu (yêu cầu lập trong ngày, không kể đã hủy)", rec.Expected)
	total("Còn phải thu của các yêu cầu đó", rec.Outstanding)
	total("Đã thu trong ngày", rec.Received)
	for _, m := range rec.ByMethod {
		total("Đã thu: "+m.Method.Label(), m.Amount)
	}
	total("Đã hoàn trong ngày", rec.Refunded)
	total("Giao dịch chưa khớp", rec.UnmatchedTotal)
	total("Ngân hàng ghi có (theo sao kê)", rec.Credited)
	for _, l := range rec.Lines {
		var flags []string
		if l.Flags.Partial {
			flags = append(flags, "Nộp thiếu")
		}
		if l.Flags.Over {
			flags = append(flags, "Nộp thừa")
		}
		if !l.Known {
			flags = append(flags, "Không tải được yêu cầu")
		}
		row("Yêu cầu thanh toán", l.DossierCode, l.Reference, l.State.Label(), num(l.Amount), num(l.Paid), num(l.Refunded),
			num(l.PaidOnDay), num(l.RefundedOnDay), strings.Join(flags, "; "))
	}
	// The same transfers as rec.Unmatched, with the outcome that left them unmatched.
	for _, n := range unmatched {
		row("Giao dịch chưa khớp", "", n.Reference, "", "", "", "", "", "", "Cần xác định yêu cầu thanh toán", n.TransactionID,
			n.TransactedAt.In(locale.Zone).Format("02/01/2006 15:04:05"), num(n.Amount), n.Description, n.Outcome.Label())
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="doi-soat-`+u.Code+"-"+rec.Day.String()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(b.Bytes())
	return err
}

// cell keeps text a spreadsheet would run as a formula (a bank description is written
// by the payer) as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeXML(w http.ResponseWriter, name string, b []byte) error {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(b)
	return err
}

// receiptXML serves a receipt's XML record: /api/v1/payments/receipts/{id}.xml.
func (h handlers) receiptXML(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	idText, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return payment.ErrReceiptNotFound
	}
	rc, err := h.Store.FeeReceipt(r.Context(), id)
	if err != nil {
		return err
	}
	if !p.Can(rc.UnitID, auth.RoleAccountant) {
		return payment.ErrReceiptNotFound
	}
	name := strings.NewReplacer("/", "-").Replace("bien-lai-" + rc.Template + "-" + rc.Series + "-" + rc.NumberText() + ".xml")
	return writeXML(w, name, rc.XML)
}

// receiptSummary serves the day's receipts summary for the tax authority (XML).
func (h handlers) receiptSummary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.paymentUnit(r, auth.RoleAccountant)
	if err != nil {
		return err
	}
	day, err := dayParam(r, h.now())
	if err != nil {
		return err
	}
	rs, err := h.Store.FeeReceiptsOn(ctx, u.ID, day)
	if err != nil {
		return err
	}
	sum, err := payment.DailySummary(rs, day)
	if err != nil {
		return err
	}
	cancelled, err := h.Store.FeeReceiptsCancelledOn(ctx, u.ID, day)
	if err != nil {
		return err
	}
	if err := sum.AddCancellations(cancelled); err != nil {
		return err
	}
	if len(rs) == 0 {
		cfg, err := h.Store.ReceiptConfig(ctx, u.ID)
		if err != nil {
			return err
		}
		sum.Collector = cfg.Collector
	}
	b, err := sum.XML()
	if err != nil {
		return err
	}
	// Signed by the unit's receipt key (or the deployment's), as its receipts are.
	if b, err = h.Payments.SignReceiptRecord(ctx, u.ID, b, h.now()); err != nil {
		return err
	}
	return writeXML(w, "tong-hop-bien-lai-"+u.Code+"-"+day.String()+".xml", b)
}
