package payment

import (
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/payment/vietqr"
)

// State is where a payment request stands.
type State string

const (
	StatePending   State = "pending"   // chờ thanh toán (possibly partly paid: see Flags)
	StatePaid      State = "paid"      // đã thanh toán
	StateCancelled State = "cancelled" // đã hủy
	StateRefunded  State = "refunded"  // đã hoàn tiền
)

// States lists every state.
var States = []State{StatePending, StatePaid, StateCancelled, StateRefunded}

var stateLabels = map[State]string{
	StatePending:   "Chờ thanh toán",
	StatePaid:      "Đã thanh toán",
	StateCancelled: "Đã hủy",
	StateRefunded:  "Đã hoàn tiền",
}

// Label is the Vietnamese name of the state.
func (s State) Label() string { return stateLabels[s] }

// ParseState accepts a state name.
func ParseState(s string) (State, bool) {
	_, ok := stateLabels[State(s)]
	return State(s), ok
}

// Method is how money reached the unit.
type Method string

const (
	// MethodBankNotification: a transfer the bank (or a notification service) reported
	// through the signed webhook.
	MethodBankNotification Method = "bank_notification"
	// MethodStatement: a transfer the accountant found on the bank statement.
	MethodStatement Method = "statement"
	// MethodCash: cash at the counter.
	MethodCash Method = "cash"
)

// Methods lists every method, in the order reports show them.
var Methods = []Method{MethodBankNotification, MethodStatement, MethodCash}

var methodLabels = map[Method]string{
	MethodBankNotification: "Chuyển khoản (ngân hàng thông báo)",
	MethodStatement:        "Chuyển khoản (đối chiếu sao kê)",
	MethodCash:             "Tiền mặt tại quầy",
}

// Label is the Vietnamese name of the method.
func (m Method) Label() string { return methodLabels[m] }

// Online reports whether the money came by bank transfer: the Decision 766 indicator
// "dossiers paid online" counts these.
func (m Method) Online() bool { return m == MethodBankNotification || m == MethodStatement }

// ParseMethod accepts a method name.
func ParseMethod(s string) (Method, bool) {
	_, ok := methodLabels[Method(s)]
	return Method(s), ok
}

// Flags mark a request the accountant must look at: the money received differs from
// the amount asked. They are recomputed after every change.
type Flags struct {
	// Partial: some money came in, less than the amount (the request stays pending, or
	// was cancelled with money on it that is owed back).
	Partial bool `json:"partial"`
	// Over: more money came in than the amount; the excess is owed back.
	Over bool `json:"over"`
}

// Any reports whether a flag is set.
func (f Flags) Any() bool { return f.Partial || f.Over }

// Item is one fee of the request: its name as the catalog gives it, and its amount.
// A fee charged per copy (catalog.Fee.PerCopy) is Quantity copies at UnitAmount each;
// its name then says how many ("… (3 bản)"), so the receipt shows it too.
type Item struct {
	Name       string `json:"name"`
	Amount     int64  `json:"amount"`
	Quantity   int    `json:"quantity,omitempty"`
	UnitAmount int64  `json:"unit_amount,omitempty"`
}

// MaxCopies bounds the copies one request charges for: more is a typing mistake.
const MaxCopies = 100

// Request is a payment request (yêu cầu thanh toán): what a dossier owes, in fees of the
// procedure version it was received under, and what has been paid against it.
type Request struct {
	ID          int64  `json:"id"`
	DossierCode string `json:"dossier_code"`
	// UnitID is the collecting unit, whose account the code pays into. NewRequest
	// leaves it to the caller (the competent unit, ordinarily).
	UnitID int64 `json:"unit_id"`
	// Ordinal is the request's number among the dossier's requests, from 1; it is part
	// of the reference.
	Ordinal int `json:"ordinal"`
	// Online says the online rates of the fees applied (catalog.Fee.AmountFor).
	Online bool   `json:"online"`
	Items  []Item `json:"items"`
	// Amount is the sum of the items.
	Amount    int64  `json:"amount"`
	Reference string `json:"reference"`
	State     State  `json:"state"`
	// Paid is every payment received so far; Refunded every amount given back.
	Paid     int64 `json:"paid"`
	Refunded int64 `json:"refunded"`
	Flags    Flags `json:"flags"`
	// Method is how the payment that settled the request came ("" until paid).
	Method Method `json:"method,omitempty"`
	// Reason is the reason of the cancellation or of the last refund.
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// PaidAt is when the payment that settled the request was made.
	PaidAt time.Time `json:"paid_at,omitzero"`
	// ClosedAt is when it was cancelled or fully refunded.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// Version is the optimistic lock: storage refuses a change computed on an old one.
	Version int `json:"version"`
	// Notice is the message the applicant is owed for a new request (Notice), queued
	// with it by storage (nil: none).
	Notice *notify.Message `json:"-"`
}

// maxAmount is the largest amount a VietQR code carries (13 digits); sums of the
// catalog's fees, each at most 10^12, stay far below it for any real procedure.
const maxAmount = 9_999_999_999_999

// maxItemName bounds a fee name, as the catalog does.
const maxItemName = 300

// NewRequest builds the first payment request of a dossier from the fees of the
// procedure version it was received under, for one copy. online selects the online rates
// (dossier.Channel.Electronic()). Fees that come to zero for the channel are left out;
// when all do, it returns ErrNothingToPay. The event is the request's first history
// entry; the caller sets UnitID and the event's actor.
func NewRequest(dossierCode string, fees []catalog.Fee, online bool, now time.Time) (Request, Event, error) {
	return NewRequestFor(dossierCode, fees, online, 1, now)
}

// NewRequestFor is NewRequest for a number of copies asked for (1–MaxCopies; 0 is one):
// a fee charged per copy (catalog.Fee.PerCopy) is multiplied by it, the others are
// charged once.
func NewRequestFor(dossierCode string, fees []catalog.Fee, online bool, copies int, now time.Time) (Request, Event, error) {
	if copies == 0 {
		copies = 1
	}
	if copies < 1 || copies > MaxCopies {
		return Request{}, Event{}, ErrInvalidCopies
	}
	ref, err := FormatReference(dossierCode, 1)
	if err != nil {
		return Request{}, Event{}, err
	}
	r := Request{DossierCode: dossierCode, Ordinal: 1, Online: online, Reference: ref, State: StatePending, CreatedAt: now}
	for i, f := range fees {
		amount := f.AmountFor(online)
		name := locale.NFC(strings.TrimSpace(f.Name))
		switch {
		case amount < 0 || amount > maxAmount:
			return Request{}, Event{}, fmt.Errorf("payment: fee %d (%q) of %s: amount %d: %w", i, f.Name, dossierCode, amount, ErrInvalidFee)
		case amount == 0:
			continue
		case name == "" || len([]rune(name)) > maxItemName:
			return Request{}, Event{}, fmt.Errorf("payment: fee %d of %s: name %q: %w", i, dossierCode, f.Name, ErrInvalidFee)
		}
		item := Item{Name: name, Amount: amount}
		if f.PerCopy() {
			item.Quantity, item.UnitAmount, item.Amount = copies, amount, amount*int64(copies)
			if copies > 1 {
				item.Name = fmt.Sprintf("%s (%d bản)", name, copies)
			}
		}
		r.Items = append(r.Items, item)
		r.Amount += item.Amount
		if r.Amount > maxAmount {
			return Request{}, Event{}, fmt.Errorf("payment: fees of %s add up to more than %d: %w", dossierCode, int64(maxAmount), ErrInvalidFee)
		}
	}
	if len(r.Items) == 0 {
		return Request{}, Event{}, fmt.Errorf("payment: %s: %w", dossierCode, ErrNothingToPay)
	}
	ev := Event{At: now, Action: ActCreate, ToState: StatePending, Amount: r.Amount}
	return r, ev, nil
}

// Renumber makes r the n-th request of its dossier, with the reference that goes with
// it. Storage calls it before inserting a dossier's second and later requests, and to
// take the next ordinal in the rare case that the reference is already used by another
// request on the same account.
func (r *Request) Renumber(n int) error {
	if r.ID != 0 || r.Paid != 0 || r.State != StatePending {
		return fmt.Errorf("payment: renumber request %d of %s: %w", r.ID, r.DossierCode, ErrInvalidTransition)
	}
	ref, err := FormatReference(r.DossierCode, n)
	if err != nil {
		return err
	}
	r.Ordinal, r.Reference = n, ref
	return nil
}

// Net is the money the unit holds for the request: paid less refunded.
func (r Request) Net() int64 { return r.Paid - r.Refunded }

// Outstanding is what the request still expects: the amount less the net paid, while
// it is pending; zero otherwise.
func (r Request) Outstanding() int64 {
	if r.State != StatePending {
		return 0
	}
	return max(r.Amount-r.Net(), 0)
}

// PaidOnline reports whether the request was settled by bank transfer: the Decision
// 766 indicator "dossiers paid online ÷ fee-bearing dossiers".
func (r Request) PaidOnline() bool { return r.State == StatePaid && r.Method.Online() }

// PurposePrefix begins the transfer description a QR code carries; the reference follows.
const PurposePrefix = "Le phi "

// Payload returns the dynamic VietQR payload that pays what request r still expects into
// account a: the amount outstanding, the reference as the bill number and "Le phi
// <reference>" as the purpose, which banks copy into the transfer description.
func Payload(a Account, r Request) (string, error) {
	if err := a.Validate(); err != nil {
		return "", err
	}
	if r.UnitID != 0 && a.UnitID != r.UnitID {
		return "", fmt.Errorf("payment: account of unit %d for request %s of unit %d: %w", a.UnitID, r.Reference, r.UnitID, ErrAccountMismatch)
	}
	due := r.Outstanding()
	if due <= 0 {
		return "", fmt.Errorf("payment: request %s is %s: %w", r.Reference, r.State, ErrNotPayable)
	}
	return vietqr.Encode(vietqr.Payload{
		PointOfInitiation: vietqr.Dynamic,
		BIN:               a.BIN,
		Account:           a.Number,
		Card:              a.Card,
		Amount:            due,
		Bill:              r.Reference,
		Purpose:           vietqr.StripDiacritics(PurposePrefix + r.Reference),
	})
}
