package payment

import (
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// SecretOverlap is how long the previous webhook secret stays valid after a rotation, so
// that a sender can switch to the new one without losing notifications meanwhile.
const SecretOverlap = 24 * time.Hour

// StoredAccount is a unit's collection account as stored: the account and whether the
// webhook secret is set (never the secret itself).
type StoredAccount struct {
	Account
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

// StoredRequest is a stored payment request: the Request, the dossier it bills (or the
// certification, internal/certify, whose fee it is) and its receipt, once issued.
type StoredRequest struct {
	Request
	DossierID int64 // 0 for a certification's fee
	// CertificationID is the register entry whose fee this is (0 for a dossier's).
	CertificationID int64
	ReceiptID       int64 // 0 while it has none
}

// StoredNotification is a verified bank notification as the webhook recorded it.
type StoredNotification struct {
	ID     int64
	UnitID int64
	Notification
	Outcome Outcome
	// Reference is the reference the description named ("" when none).
	Reference   string
	Suggestions []int64
	// RequestID is the request the transfer is recorded on; 0 while it is unmatched.
	RequestID  int64
	ReceivedAt time.Time
	// ResolvedAt is when the accountant recorded an unmatched transfer on a request.
	ResolvedAt time.Time
}

// StoredFeeReceipt is an issued fee receipt with its XML record, and what became of it.
type StoredFeeReceipt struct {
	FeeReceipt
	XML []byte
	// Cancellation is set once the receipt is cancelled; the record stays as signed.
	Cancellation *Cancellation `json:"cancellation,omitempty"`
	// ReplacedBy is the receipt issued in its place (0: none yet).
	ReplacedBy int64 `json:"replaced_by,omitempty"`
}

// Cancellation is the cancellation of a receipt issued in error (hủy biên lai): who,
// when and why. The receipt stays in the register, marked "Đã hủy".
type Cancellation struct {
	At     time.Time `json:"at"`
	ByID   int64     `json:"-"`
	ByName string    `json:"by"`
	Reason string    `json:"reason"`
}

// Label says the cancellation on every view of the receipt.
func (c Cancellation) Label() string {
	return "Đã hủy ngày " + locale.Date(c.At) + ". Lý do: " + c.Reason
}

// Issued says what became of the receipt when a change settled a request: Receipt (and
// its signed XML record) when one was issued, else NotIssued says why (no receipt
// configuration, one the rules refuse, such as last year's series, or a unit key that
// cannot sign). The payment is stored either way: money received is never refused for
// want of a receipt; the accountant issues it once the configuration is fixed
// (Service.IssueFeeReceipt).
type Issued struct {
	Receipt   *FeeReceipt
	XML       []byte
	NotIssued error
}

// NotificationResult is what recording a bank notification did.
type NotificationResult struct {
	Notification StoredNotification
	// Replayed: the same notification was recorded before; nothing changed and
	// Notification is the earlier record.
	Replayed bool
	// Request is the request the payment was applied to (when Outcome.Applies()).
	Request *StoredRequest
	Issued  Issued
}

// Change is a change computed on a request as loaded (Before), with the event the state
// machine returned.
type Change struct {
	Before StoredRequest
	After  Request
	Event  Event
	// NotificationID, for a statement confirmation, is the unmatched notification of the
	// transfer being recorded: it is tied to the request in the same transaction, so the
	// day's reconciliation does not count the money twice.
	NotificationID int64
}

// Settles reports whether the change makes the request paid for the first time while
// it has no receipt: the change that issues the receipt.
func (ch Change) Settles() bool {
	return ch.Before.State != StatePaid && ch.After.State == StatePaid && ch.Before.ReceiptID == 0
}
