package payment

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/kek"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Store is what the payment service needs from storage. Its methods keep and read;
// every rule — who may act, what a change does, which receipt is issued and with which
// key — is the service's, passed in as callbacks where it must run inside a transaction.
type Store interface {
	DossierByCode(ctx context.Context, code string) (dossier.Dossier, error)
	ProcedureVersion(ctx context.Context, id int64) (catalog.Procedure, error)
	PaymentRequestsByReference(ctx context.Context, ref string) ([]StoredRequest, error)
	// PaymentRequestsOfDossiers returns the requests of several dossiers in one query;
	// OwnerPaymentRequests those of the dossiers a citizen owns, the latest first.
	PaymentRequestsOfDossiers(ctx context.Context, ids []int64) ([]StoredRequest, error)
	OwnerPaymentRequests(ctx context.Context, ownerID int64, limit int) ([]StoredRequest, error)
	PaymentNotification(ctx context.Context, id int64) (StoredNotification, error)
	// CreatePaymentRequest stores a dossier's new request with its first event; it takes
	// the dossier's next free ordinal (ErrRequestOpen while one is pending or paid).
	CreatePaymentRequest(ctx context.Context, dossierID int64, req Request, ev Event) (StoredRequest, error)
	// ReplacePaymentRequest stores ch (the cancellation of a pending request) and creates
	// req, the dossier's next request, with its first event, in one transaction.
	ReplacePaymentRequest(ctx context.Context, ch Change, req Request, ev Event) (StoredRequest, error)
	// RecordFeeExemption keeps a dossier's fee exemption with its audit record.
	RecordFeeExemption(ctx context.Context, e FeeExemption) (FeeExemption, error)
	FeeExemptionOfDossier(ctx context.Context, dossierID int64) (FeeExemption, error)
	// SavePayment stores ch in one transaction (ErrChanged if the request moved, and
	// ErrNotificationMatched if ch's notification was taken); issue, when not nil, issues
	// the receipt in that transaction.
	SavePayment(ctx context.Context, ch Change, issue ReceiptIssuer) (StoredRequest, Issued, error)
	// IssueFeeReceipt runs issue on a request in a transaction of its own and stores the
	// receipt it issued.
	IssueFeeReceipt(ctx context.Context, requestID int64, at time.Time, issue ReceiptIssuer) (StoredFeeReceipt, error)
	FeeReceipt(ctx context.Context, id int64) (StoredFeeReceipt, error)
	// CancelFeeReceipt marks a receipt cancelled with its audit record
	// (ErrReceiptCancelled if it was already).
	CancelFeeReceipt(ctx context.Context, id int64, c Cancellation) (StoredFeeReceipt, error)
	// ReplaceFeeReceipt runs issue, in one transaction, on the request of the cancelled
	// receipt id and stores the receipt it issued as that one's replacement
	// (ErrReceiptNotCancelled, ErrReceiptReplaced).
	ReplaceFeeReceipt(ctx context.Context, id int64, at time.Time, issue ReceiptIssuer) (StoredFeeReceipt, error)
	// RecordNotification runs apply for a verified notification of a unit in one
	// transaction, retried when a concurrent one won.
	RecordNotification(ctx context.Context, unitID int64, n Notification, raw []byte, apply NotificationApplier) (NotificationResult, error)
	SetPaymentAccount(ctx context.Context, a Account) (StoredAccount, error)
	// RotateWebhookSecret installs secret as the unit's webhook secret; the one it
	// replaces, if any, stays valid for overlap.
	RotateWebhookSecret(ctx context.Context, unitID int64, secret string, overlap time.Duration) error
	WebhookSecrets(ctx context.Context, unitID int64) (WebhookSecrets, error)
	SetReceiptConfig(ctx context.Context, cfg ReceiptConfig) error
	ActiveReceiptKey(ctx context.Context, unitID int64) (ReceiptKey, error)
	AddReceiptKey(ctx context.Context, k ReceiptKey) (ReceiptKey, error)
	// ReceiptKeyOwner is the unit whose receipt key has the certificate with this
	// SHA-256 (ok false when none).
	ReceiptKeyOwner(ctx context.Context, certSHA256 string) (KeyOwner, bool, error)
	TrustAnchors(ctx context.Context) ([]*x509.Certificate, error)
}

// ReceiptTx is what issuing a receipt reads and takes inside the transaction that
// stores it.
type ReceiptTx interface {
	// ReceiptConfig is the unit's receipt settings (ErrNoReceiptConfig when none).
	ReceiptConfig(ctx context.Context, unitID int64) (ReceiptConfig, error)
	// Payer is the name of the dossier's applicant, or of whoever asked for the
	// certification whose fee r is.
	Payer(ctx context.Context, r StoredRequest) (string, error)
	// ActiveReceiptKey is the unit's receipt key in use (ErrReceiptKeyNotFound).
	ActiveReceiptKey(ctx context.Context, unitID int64) (ReceiptKey, error)
	// NextReceiptNumber takes the next number of a sequence; its row stays locked until
	// the transaction ends, so numbers are gap-free and unique.
	NextReceiptNumber(ctx context.Context, seq ReceiptSequence) (int, error)
}

// ReceiptIssuer issues the receipt of request r at time at, inside a transaction; the
// store keeps the receipt it returns (Issued.Receipt and its XML).
type ReceiptIssuer func(ctx context.Context, tx ReceiptTx, r StoredRequest, at time.Time) (Issued, error)

// NotificationTx is what applying a bank notification reads and writes inside its
// transaction.
type NotificationTx interface {
	// Recorded is the notification recorded before under the same unit, bank and
	// transaction id (ok false when none).
	Recorded(ctx context.Context) (StoredNotification, bool, error)
	Account(ctx context.Context) (StoredAccount, error)
	// Candidates are the unit's pending requests and those with one of refs.
	Candidates(ctx context.Context, refs []string) ([]StoredRequest, error)
	// Apply stores a change of a request, as Store.SavePayment does, in this transaction.
	Apply(ctx context.Context, ch Change, issue ReceiptIssuer) (StoredRequest, Issued, error)
	// Record stores the notification with its outcome and returns it with its id.
	Record(ctx context.Context, sn StoredNotification) (StoredNotification, error)
}

// NotificationApplier decides what a notification does, inside its transaction.
type NotificationApplier func(ctx context.Context, tx NotificationTx) (NotificationResult, error)

// Service runs the fee payments: it decides who may act (cash at the counter, the
// accountant, a bank notification), validates what they send, runs the state machine,
// matches notifications, chooses the receipt's signer, and stores each change with its
// event, its audit record and its receipt in one transaction. The API and the pages
// call it and only translate HTTP, so they cannot disagree on a rule.
type Service struct {
	Store Store
	Now   func() time.Time
	// Signer is the deployment's key (--receipt-p12): it signs the receipts and summaries
	// of units without a key of their own (nil: unsigned).
	Signer XMLSigner
	// KEK opens the units' own receipt keys (XASO_RECEIPT_KEK). Without it, a unit with a
	// key of its own gets its receipts held back (ErrReceiptKeyLocked), never signed by
	// another key, and no key can be installed.
	KEK *kek.Key
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// CashRoles may record cash for a request of their unit; a counter officer of the
// dossier's receiving unit may too.
var CashRoles = []auth.Role{auth.RoleAccountant, auth.RoleCounter}

// ActIssueReceipt names, among a request's allowed actions, issuing its missing receipt.
const ActIssueReceipt Action = "receipt"

// ActorOf is the official answering for a change.
func ActorOf(p *auth.Principal) Actor {
	name := p.FullName
	if name == "" {
		name = p.Username
	}
	return Actor{ID: p.UserID, Name: name}
}

// accountant reports whether p keeps the accounts of r's collecting unit.
func accountant(p *auth.Principal, r StoredRequest) bool { return p.Can(r.UnitID, auth.RoleAccountant) }

// mayCollect reports whether p may take cash for r, whose dossier a unit received.
func mayCollect(p *auth.Principal, r StoredRequest, receivingUnit int64) bool {
	return p.Can(r.UnitID, CashRoles...) || p.Can(receivingUnit, auth.RoleCounter)
}

// mayAct reports whether p may do action to r: the accountant anything, a cashier (or
// the receiving unit's counter) a confirmation, which mayRecord then narrows to cash.
func mayAct(p *auth.Principal, action Action, r StoredRequest, d dossier.Dossier) bool {
	return accountant(p, r) || action == ActConfirm && mayCollect(p, r, d.ReceivingUnitID)
}

// mayRecord reports whether p may record money by method on r.
func mayRecord(p *auth.Principal, method Method, r StoredRequest, d dossier.Dossier) error {
	switch method {
	case MethodCash:
		if mayCollect(p, r, d.ReceivingUnitID) {
			return nil
		}
	case MethodStatement:
		if accountant(p, r) {
			return nil
		}
	default:
		return ErrOfficialMethod
	}
	return apperr.ErrForbidden
}

// Allowed lists what p may do to r now, whose dossier is d: the state machine's actions
// p's roles allow, and ActIssueReceipt for the accountant of a paid request without one.
func (s *Service) Allowed(p *auth.Principal, r StoredRequest, d dossier.Dossier) []Action {
	out := []Action{}
	for _, a := range Allowed(r.State) {
		if mayAct(p, a, r, d) {
			out = append(out, a)
		}
	}
	if accountant(p, r) && r.State == StatePaid && r.ReceiptID == 0 {
		out = append(out, ActIssueReceipt)
	}
	return out
}

// MayBill reports whether the caller, acting on d as a, may bill it: the counter of the
// receiving unit at intake, the accountant of the competent unit at any time, and the
// applicant (or the volunteer helping them) of an electronic dossier, to pay by QR code
// from home.
func MayBill(d dossier.Dossier, a dossier.Actor) bool {
	p := a.P
	return p.Can(d.ReceivingUnitID, auth.RoleCounter) || p.Can(d.CompetentUnitID, auth.RoleAccountant) ||
		(a.Owner || a.Assistant) && d.Channel.Electronic()
}

// CreateRequest bills dossier d, which the caller opened as a (dossier.Service.Access),
// with the fees of its procedure version for its channel, for one copy.
func (s *Service) CreateRequest(ctx context.Context, d dossier.Dossier, a dossier.Actor) (StoredRequest, error) {
	return s.CreateRequestFor(ctx, d, a, 1)
}

// CreateRequestFor is CreateRequest for a number of copies asked for (a fee charged per
// copy is multiplied by it).
func (s *Service) CreateRequestFor(ctx context.Context, d dossier.Dossier, a dossier.Actor, copies int) (StoredRequest, error) {
	if !MayBill(d, a) {
		return StoredRequest{}, apperr.ErrForbidden
	}
	switch d.Status {
	case dossier.StatusRefused, dossier.StatusStopped, dossier.StatusWithdrawn:
		return StoredRequest{}, ErrDossierEnded
	}
	proc, err := s.Store.ProcedureVersion(ctx, d.ProcedureID)
	if err != nil {
		return StoredRequest{}, fmt.Errorf("payment: dossier %s: procedure: %w", d.Code, err)
	}
	req, ev, err := NewRequestFor(d.Code, proc.Fees, d.Channel.Electronic(), copies, s.now())
	if errors.Is(err, ErrNothingToPay) {
		return StoredRequest{}, ErrNothingDue
	}
	if err != nil {
		return StoredRequest{}, err
	}
	req.UnitID, ev.By, req.Notice = d.CompetentUnitID, ActorOf(a.P), Notice(d)
	return s.Store.CreatePaymentRequest(ctx, d.ID, req, ev)
}

// Find returns the request with reference ref that may accepts, with its dossier; for
// anyone else it is ErrRequestNotFound, which does not reveal that it exists. A
// reference is unique per collecting unit; two units may, rarely, share one.
func (s *Service) Find(ctx context.Context, ref string, may func(StoredRequest, dossier.Dossier) bool) (StoredRequest, dossier.Dossier, error) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	if len(ref) != ReferenceLength {
		return StoredRequest{}, dossier.Dossier{}, ErrRequestNotFound
	}
	prs, err := s.Store.PaymentRequestsByReference(ctx, ref)
	if err != nil {
		return StoredRequest{}, dossier.Dossier{}, err
	}
	for _, pr := range prs {
		d, err := s.Subject(ctx, pr)
		if err != nil {
			return StoredRequest{}, dossier.Dossier{}, err
		}
		if may(pr, d) {
			return pr, d, nil
		}
	}
	return StoredRequest{}, dossier.Dossier{}, ErrRequestNotFound
}

// Subject is the dossier pr bills. A certification's fee has none: it stands for a
// counter dossier of the collecting unit, so that the same rules decide who may act on
// it (its accountant; its counter officers take cash).
func (s *Service) Subject(ctx context.Context, pr StoredRequest) (dossier.Dossier, error) {
	if pr.DossierID == 0 {
		return dossier.Dossier{ReceivingUnitID: pr.UnitID, CompetentUnitID: pr.UnitID, Channel: dossier.ChannelCounter}, nil
	}
	return s.Store.DossierByCode(ctx, pr.DossierCode)
}

// FindFor returns the request with reference ref on which p may do action (of unit
// unitID, when not 0), with its dossier.
func (s *Service) FindFor(ctx context.Context, p *auth.Principal, action Action, ref string, unitID int64) (StoredRequest, dossier.Dossier, error) {
	return s.Find(ctx, ref, func(pr StoredRequest, d dossier.Dossier) bool {
		if unitID != 0 && pr.UnitID != unitID {
			return false
		}
		if action == ActIssueReceipt {
			return accountant(p, pr)
		}
		return mayAct(p, action, pr, d)
	})
}

// Act is a change an official asks of a request.
type Act struct {
	Action Action // ActConfirm, ActCancel or ActRefund
	// Version is the request's version as the official saw it (required).
	Version int
	// Method (confirm): cash, or a transfer found on the bank statement.
	Method Method
	// Amount is the money received (confirm) or given back (refund).
	Amount int64
	// PaidAt (confirm) is when the money moved; zero for now.
	PaidAt time.Time
	// TransactionID (confirm by statement) is the statement line's id.
	TransactionID string
	// NotificationID (confirm by statement) is an unmatched bank notification this
	// payment is: its amount (Amount, if given, must be the same), time and
	// transaction id are taken.
	NotificationID int64
	Reason, Note   string
}

// Do applies an official's change to the request with reference ref (of unit unitID,
// when not 0), and stores it with its event, its audit record and, when it settles the
// request, its receipt — one transaction.
func (s *Service) Do(ctx context.Context, p *auth.Principal, ref string, unitID int64, in Act) (StoredRequest, Issued, error) {
	if !slices.Contains([]Action{ActConfirm, ActCancel, ActRefund}, in.Action) {
		return StoredRequest{}, Issued{}, ErrInvalidTransition
	}
	pr, d, err := s.FindFor(ctx, p, in.Action, ref, unitID)
	if err != nil {
		return StoredRequest{}, Issued{}, err
	}
	switch {
	case in.Version == 0:
		return pr, Issued{}, ErrVersionRequired
	case in.Version != pr.Version:
		return pr, Issued{}, ErrChanged
	}
	now := s.now()
	ch := Change{Before: pr}
	after := pr.Request
	switch in.Action {
	case ActConfirm:
		var pay Payment
		if pay, ch.NotificationID, err = s.payment(ctx, p, pr, d, in, now); err == nil {
			ch.Event, err = after.Confirm(pay, now)
		}
	case ActCancel:
		ch.Event, err = after.Cancel(ActorOf(p), in.Reason, now)
	case ActRefund:
		ch.Event, err = after.Refund(ActorOf(p), in.Amount, in.Reason, now)
	}
	if err != nil {
		return pr, Issued{}, err
	}
	ch.After = after
	return s.Save(ctx, ch)
}

// Save stores a change the state machine computed on ch.Before, issuing the receipt when
// it settles the request — one transaction. It decides nothing about who asked: Do,
// for an official, does; the demo and the tests record money with it directly.
func (s *Service) Save(ctx context.Context, ch Change) (StoredRequest, Issued, error) {
	var issue ReceiptIssuer
	if ch.Settles() {
		issue = s.issue
	}
	return s.Store.SavePayment(ctx, ch, issue)
}

// payment is the payment a confirmation records, and the unmatched notification it takes
// over (0 for none).
func (s *Service) payment(ctx context.Context, p *auth.Principal, pr StoredRequest, d dossier.Dossier, in Act, now time.Time) (Payment, int64, error) {
	pay := Payment{Method: in.Method, Amount: in.Amount, At: in.PaidAt, TransactionID: in.TransactionID, By: ActorOf(p), Note: in.Note}
	if err := mayRecord(p, in.Method, pr, d); err != nil {
		return pay, 0, err
	}
	if pay.At.IsZero() {
		pay.At = now
	} else if err := CheckPaidAt(pay.At, now); err != nil {
		return pay, 0, err
	}
	if in.Method == MethodCash {
		pay.TransactionID = ""
		if in.NotificationID != 0 {
			return pay, 0, ErrOfficialMethod
		}
		return pay, 0, nil
	}
	if in.NotificationID == 0 {
		return pay, 0, CheckTransactionID(pay.TransactionID)
	}
	n, err := s.Store.PaymentNotification(ctx, in.NotificationID)
	switch {
	case err != nil:
		return pay, 0, err
	case n.UnitID != pr.UnitID:
		return pay, 0, ErrNotificationNotFound
	case n.RequestID != 0:
		return pay, 0, ErrNotificationMatched
	case in.Amount != 0 && in.Amount != n.Amount:
		return pay, 0, ErrNotificationAmount
	}
	pay.Amount, pay.At, pay.TransactionID = n.Amount, n.TransactedAt, n.TransactionID
	return pay, n.ID, nil
}

// CheckTransactionID checks the transaction id of a transfer an official found on the
// bank statement: required, and shaped as the webhook accepts a bank's id (so that the
// statement line and a later notification of the same transfer can be compared).
func CheckTransactionID(id string) error {
	switch {
	case id == "":
		return ErrTransactionIDRequired
	case len(id) > maxTransactionID || strings.ContainsFunc(id, notIDChar):
		return ErrTransactionID
	}
	return nil
}

// CheckPaidAt checks when an official says money moved: not after now (beyond the
// clocks' tolerance), nor before any transfer xaso can have been told of.
func CheckPaidAt(at, now time.Time) error {
	if at.After(now.Add(NotificationTolerance)) || at.Before(earliestTransaction) {
		return ErrPaidAt
	}
	return nil
}

// MatchTransfer records the unmatched transfer notificationID of unit unitID on the
// request the accountant names by its reference (typed as printed, or as a payer wrote
// it): a confirmation by statement that takes the transfer's amount, time and
// transaction id, and ties the notification to the request in the same transaction.
func (s *Service) MatchTransfer(ctx context.Context, p *auth.Principal, unitID, notificationID int64, typed string) (StoredRequest, Issued, StoredNotification, error) {
	n, err := s.Store.PaymentNotification(ctx, notificationID)
	switch {
	case err != nil:
		return StoredRequest{}, Issued{}, n, err
	case n.UnitID != unitID:
		return StoredRequest{}, Issued{}, n, ErrNotificationNotFound
	case n.RequestID != 0:
		return StoredRequest{}, Issued{}, n, ErrNotificationMatched
	}
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return StoredRequest{}, Issued{}, n, ErrReferenceRequired
	}
	ref, _ := ParseReference(typed)
	if ref == "" {
		ref = strings.ToUpper(typed)
	}
	pr, _, err := s.FindFor(ctx, p, ActConfirm, ref, unitID)
	if err != nil {
		return pr, Issued{}, n, err
	}
	saved, issued, err := s.Do(ctx, p, ref, unitID, Act{Action: ActConfirm, Version: pr.Version, Method: MethodStatement, NotificationID: n.ID})
	return saved, issued, n, err
}

// IssueFeeReceipt issues the receipt of a paid request that has none (the unit's receipt
// configuration was missing or refused when it was paid), for the accountant of its unit
// (unitID, when not 0). It returns why it still cannot (ErrNoReceiptConfig,
// ErrInvalidReceipt, a key that cannot sign).
func (s *Service) IssueFeeReceipt(ctx context.Context, p *auth.Principal, ref string, unitID int64) (StoredFeeReceipt, error) {
	pr, _, err := s.FindFor(ctx, p, ActIssueReceipt, ref, unitID)
	if err != nil {
		return StoredFeeReceipt{}, err
	}
	return s.Store.IssueFeeReceipt(ctx, pr.ID, s.now(), func(ctx context.Context, tx ReceiptTx, r StoredRequest, at time.Time) (Issued, error) {
		switch {
		case r.ReceiptID != 0:
			return Issued{}, ErrReceiptExists
		case r.State != StatePaid:
			return Issued{}, fmt.Errorf("payment: receipt for request %s in state %s: %w", r.Reference, r.State, ErrInvalidTransition)
		}
		issued, err := s.issue(ctx, tx, r, at)
		if err == nil && issued.NotIssued != nil {
			err = issued.NotIssued
		}
		return issued, err
	})
}

// ReceiptFor returns the receipt id for the accountant of its collecting unit (anyone
// else: ErrReceiptNotFound, as the receipt routes answer strangers).
func (s *Service) ReceiptFor(ctx context.Context, p *auth.Principal, id int64) (StoredFeeReceipt, error) {
	rc, err := s.Store.FeeReceipt(ctx, id)
	if err != nil {
		return rc, err
	}
	if !p.Can(rc.UnitID, auth.RoleAccountant) {
		return StoredFeeReceipt{}, ErrReceiptNotFound
	}
	return rc, nil
}

// CancelFeeReceipt cancels a receipt issued in error (DOMAIN §4), for the accountant of
// its collecting unit, with a reason: it stays in the register, its signed record
// unchanged, marked cancelled; ReplaceFeeReceipt then issues the one in its place.
func (s *Service) CancelFeeReceipt(ctx context.Context, p *auth.Principal, id int64, reason string) (StoredFeeReceipt, error) {
	rc, err := s.ReceiptFor(ctx, p, id)
	if err != nil {
		return rc, err
	}
	if rc.Cancellation != nil {
		return rc, ErrReceiptCancelled
	}
	reason = clip(strings.TrimSpace(reason))
	if reason == "" {
		return rc, ErrCancelReason
	}
	by := p.FullName
	if by == "" {
		by = p.Username
	}
	return s.Store.CancelFeeReceipt(ctx, id, Cancellation{At: s.now().UTC().Truncate(time.Microsecond), ByID: p.UserID, ByName: by, Reason: reason})
}

// ReplaceFeeReceipt issues, for the accountant of its collecting unit, the receipt that
// replaces a cancelled one: the same request's fees, the next number of the unit's
// series in force, the payer corrected when payer.Name is given, and a reference to
// the cancelled receipt in its record and on its view.
func (s *Service) ReplaceFeeReceipt(ctx context.Context, p *auth.Principal, id int64, payer Party) (StoredFeeReceipt, error) {
	old, err := s.ReceiptFor(ctx, p, id)
	if err != nil {
		return old, err
	}
	switch {
	case old.Cancellation == nil:
		return old, ErrReceiptNotCancelled
	case old.ReplacedBy != 0:
		return old, ErrReceiptReplaced
	}
	if strings.TrimSpace(payer.Name) == "" {
		payer = old.Payer
	}
	return s.Store.ReplaceFeeReceipt(ctx, id, s.now(), func(ctx context.Context, tx ReceiptTx, r StoredRequest, at time.Time) (Issued, error) {
		issued, err := s.issueAs(ctx, tx, r, at, &payer, RefOf(old.FeeReceipt))
		if err == nil && issued.NotIssued != nil {
			err = issued.NotIssued
		}
		return issued, err
	})
}

// issue issues the receipt of paid request r at time at: it checks the unit's
// configuration with a trial receipt and chooses the signer before taking a number, so a
// refused receipt consumes none; then it takes the number, writes the XML record and
// signs it. A missing or refused configuration, or a key that cannot sign, holds the
// receipt back (Issued.NotIssued): the payment is stored all the same.
func (s *Service) issue(ctx context.Context, tx ReceiptTx, r StoredRequest, at time.Time) (Issued, error) {
	return s.issueAs(ctx, tx, r, at, nil, nil)
}

// issueAs is issue with the payer given (nil: the dossier's applicant, tx.Payer) and,
// for a replacement, the receipt it replaces.
func (s *Service) issueAs(ctx context.Context, tx ReceiptTx, r StoredRequest, at time.Time, payer *Party, replaces *ReceiptRef) (Issued, error) {
	cfg, err := tx.ReceiptConfig(ctx, r.UnitID)
	if errors.Is(err, ErrNoReceiptConfig) {
		return Issued{NotIssued: ErrNoReceiptConfig}, nil
	}
	if err != nil {
		return Issued{}, err
	}
	if payer == nil {
		name, err := tx.Payer(ctx, r)
		if err != nil {
			return Issued{}, fmt.Errorf("payment: payer of %s: %w", r.Reference, err)
		}
		payer = &Party{Name: name}
	}
	at = at.UTC().Truncate(time.Microsecond)
	trial, err := IssueFeeReceipt(cfg, r.Request, *payer, 1, at)
	if errors.Is(err, ErrInvalidReceipt) {
		return Issued{NotIssued: err}, nil
	}
	if err != nil {
		return Issued{}, err
	}
	k, err := tx.ActiveReceiptKey(ctx, r.UnitID)
	signer, err := s.signerFor(k, err, at)
	if receiptSigningProblem(err) {
		return Issued{NotIssued: err}, nil
	}
	if err != nil {
		return Issued{}, err
	}
	n, err := tx.NextReceiptNumber(ctx, trial.Sequence())
	if err != nil {
		return Issued{}, err
	}
	// Beyond the rules' largest number nothing may be issued in this series: an error.
	rc, err := IssueFeeReceipt(cfg, r.Request, *payer, n, at)
	if err != nil {
		return Issued{}, err
	}
	rc.Replaces = replaces
	xml, err := FeeReceiptXML(rc)
	if err != nil {
		return Issued{}, err
	}
	if signer != nil {
		if xml, err = signer.Sign(xml, SignedElementID); err != nil {
			return Issued{}, fmt.Errorf("payment: sign receipt of %s: %w", r.Reference, err)
		}
	}
	return Issued{Receipt: &rc, XML: xml}, nil
}

// ReceiveNotification verifies a bank notification sent to unit u (raw body, signature
// header) with the unit's webhook secrets and records it, applying it when Match ties
// it to a request. A notification recorded before under the same key is compared with
// CheckReplay: the same content is Replayed with the earlier record, nothing written;
// different content is ErrTransactionReused.
func (s *Service) ReceiveNotification(ctx context.Context, u unit.Unit, raw []byte, header string) (Notification, NotificationResult, error) {
	now := s.now()
	var keys [][]byte
	switch ws, err := s.Store.WebhookSecrets(ctx, u.ID); {
	case err == nil:
		keys = ws.Valid(now)
	case !errors.Is(err, ErrNoAccount):
		return Notification{}, NotificationResult{}, err
	}
	if len(keys) == 0 {
		return Notification{}, NotificationResult{}, ErrWebhookNotConfigured
	}
	var n Notification
	var err error
	for _, k := range keys {
		n, err = VerifyNotification(raw, header, k, now)
		if !errors.Is(err, ErrSignatureInvalid) {
			break
		}
	}
	if err != nil {
		return n, NotificationResult{}, err
	}
	res, err := s.Record(audit.WithActor(ctx, "bank:"+u.Code), u.ID, n, raw)
	return n, res, err
}

// Record records a verified notification n of a unit (raw is its body, kept) and applies
// it when Match ties it to a request, in one transaction.
func (s *Service) Record(ctx context.Context, unitID int64, n Notification, raw []byte) (NotificationResult, error) {
	// Stored instants have microseconds: the payment's event as stored.
	at := s.now().UTC().Truncate(time.Microsecond)
	return s.Store.RecordNotification(ctx, unitID, n, raw, func(ctx context.Context, tx NotificationTx) (NotificationResult, error) {
		return s.apply(ctx, tx, unitID, n, at)
	})
}

// apply decides, inside its transaction, what notification n does: a replay, a payment
// on the request Match finds, or an unmatched transfer kept for the accountant.
func (s *Service) apply(ctx context.Context, tx NotificationTx, unitID int64, n Notification, now time.Time) (NotificationResult, error) {
	earlier, ok, err := tx.Recorded(ctx)
	if err != nil {
		return NotificationResult{}, err
	}
	if ok {
		if err := CheckReplay(earlier.Notification, n); !errors.Is(err, ErrReplay) {
			return NotificationResult{}, fmt.Errorf("payment: notification %s of unit %d: %w", n.Key(), unitID, err)
		}
		return NotificationResult{Notification: earlier, Replayed: true}, nil
	}
	acct, err := tx.Account(ctx)
	if err != nil {
		return NotificationResult{}, err
	}
	cands, err := tx.Candidates(ctx, FindReferences(n.Description))
	if err != nil {
		return NotificationResult{}, err
	}
	reqs := make([]Request, len(cands))
	for i, c := range cands {
		reqs[i] = c.Request
	}
	m := Match(n, acct.Account, reqs)
	var res NotificationResult
	sn := StoredNotification{UnitID: unitID, Notification: n, Outcome: m.Outcome, Reference: m.Reference, Suggestions: m.Suggestions, ReceivedAt: now}
	if m.Outcome.Applies() {
		ch := Change{Before: cands[m.Index], After: cands[m.Index].Request}
		if ch.Event, err = ch.After.Confirm(n.Payment(), now); err != nil {
			return res, err
		}
		var issue ReceiptIssuer
		if ch.Settles() {
			issue = s.issue
		}
		after, issued, err := tx.Apply(ctx, ch, issue)
		if err != nil {
			return res, err
		}
		sn.RequestID, res.Request, res.Issued = after.ID, &after, issued
	}
	res.Notification, err = tx.Record(ctx, sn)
	return res, err
}

// SetAccount creates or replaces a unit's collection account, checked and normalized;
// the webhook secret is kept.
func (s *Service) SetAccount(ctx context.Context, a Account) (StoredAccount, error) {
	a = a.Normalized()
	if err := a.Validate(); err != nil {
		return StoredAccount{}, err
	}
	return s.Store.SetPaymentAccount(ctx, a)
}

// RotateWebhookSecret generates a new webhook secret for a unit's account and returns it
// (the only time it is shown) with the unit's secrets after the rotation: the previous
// one stays valid for SecretOverlap.
func (s *Service) RotateWebhookSecret(ctx context.Context, unitID int64) (string, WebhookSecrets, error) {
	b := make([]byte, 32)
	rand.Read(b)
	// 64 hexadecimal characters: the text is the key (docs/PAYMENTS.md §4), so it is
	// typed into a sender's configuration as it is, and carries 256 bits.
	secret := hex.EncodeToString(b)
	if err := s.Store.RotateWebhookSecret(ctx, unitID, secret, SecretOverlap); err != nil {
		return "", WebhookSecrets{}, err
	}
	ws, err := s.Store.WebhookSecrets(ctx, unitID)
	return secret, ws, err
}

// SetReceiptConfig stores a unit's receipt settings after checking them by the rules in
// force (CheckReceiptConfig) and returns them as receipts will print them.
func (s *Service) SetReceiptConfig(ctx context.Context, cfg ReceiptConfig) (ReceiptConfig, error) {
	cfg, err := CheckReceiptConfig(cfg, s.now())
	if err != nil {
		return cfg, err
	}
	return cfg, s.Store.SetReceiptConfig(ctx, cfg)
}

// OfDossiers returns the payment requests of the dossiers ids (a citizen's list shows
// each one's fee), oldest first, in one query.
func (s *Service) OfDossiers(ctx context.Context, ids []int64) ([]StoredRequest, error) {
	return s.Store.PaymentRequestsOfDossiers(ctx, ids)
}

// Owned returns the payment requests of the dossiers ownerID owns, the latest first, at
// most limit: what "Hồ sơ của tôi" lists as the citizen's payments and receipts.
func (s *Service) Owned(ctx context.Context, ownerID int64, limit int) ([]StoredRequest, error) {
	return s.Store.OwnerPaymentRequests(ctx, ownerID, limit)
}
