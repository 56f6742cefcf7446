package payment

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Action is a change of a payment request.
type Action string

const (
	ActCreate  Action = "create"  // lập yêu cầu thanh toán
	ActConfirm Action = "confirm" // ghi nhận tiền đã nộp
	ActCancel  Action = "cancel"  // hủy yêu cầu
	ActRefund  Action = "refund"  // hoàn tiền
)

var actionLabels = map[Action]string{
	ActCreate:  "Lập yêu cầu thanh toán",
	ActConfirm: "Ghi nhận đã nộp tiền",
	ActCancel:  "Hủy yêu cầu thanh toán",
	ActRefund:  "Hoàn tiền",
}

// Label is the Vietnamese name of the action.
func (a Action) Label() string { return actionLabels[a] }

// transitions says from which states each action may start. Where it leads depends on
// the money (see Confirm and Refund): the table is the whole of what is allowed.
//
//	confirm  pending → pending (partial) | paid (exact or over);  paid → paid (over)
//	cancel   pending → cancelled
//	refund   paid → paid (the excess of an over-payment) | refunded (everything)
//	         cancelled, with money on it → cancelled (part) | refunded (everything)
//
// A payment on a paid request is recorded, not refused: the money is in the account,
// and the Over flag tells the accountant it is owed back. Money for a cancelled or
// refunded request is not recorded on it: it stays an unmatched transfer.
var transitions = map[Action][]State{
	ActConfirm: {StatePending, StatePaid},
	ActCancel:  {StatePending},
	ActRefund:  {StatePaid, StateCancelled},
}

// Allowed lists the actions that may start from state s, for the buttons the
// accountant sees (each may still be refused for its amount or reason).
func Allowed(s State) []Action {
	var out []Action
	for _, a := range []Action{ActConfirm, ActCancel, ActRefund} {
		if slices.Contains(transitions[a], s) {
			out = append(out, a)
		}
	}
	return out
}

// Actor is who answers for a change: an official by user id and name, or, for a bank
// notification, nobody (ID 0) and the notification's transaction id on the payment.
type Actor struct {
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Payment is money received for a request.
type Payment struct {
	Method Method `json:"method"`
	Amount int64  `json:"amount"`
	// At is when the money moved: the bank's transaction time, or the moment cash was
	// handed over. Reconciliation counts the payment on this day.
	At time.Time `json:"at"`
	// TransactionID is the bank's id of the transfer: required for a bank notification
	// (it is the idempotency key), the statement line's id when the accountant has it,
	// empty for cash.
	TransactionID string `json:"transaction_id,omitempty"`
	// By is the official who confirmed a statement line or took the cash.
	By   Actor  `json:"by"`
	Note string `json:"note,omitempty"`
}

// Event is one entry of a request's append-only history, for the dossier's page, the
// audit log and the reconciliation.
type Event struct {
	RequestID int64     `json:"request_id"`
	At        time.Time `json:"at"` // when it was recorded
	Action    Action    `json:"action"`
	FromState State     `json:"from_state,omitempty"`
	ToState   State     `json:"to_state"`
	// Amount is the money the event moved: a payment's or a refund's amount, or the
	// amount asked for at creation.
	Amount int64 `json:"amount"`
	// Method and TransactionID describe a payment.
	Method        Method `json:"method,omitempty"`
	TransactionID string `json:"transaction_id,omitempty"`
	// MoneyAt is when the money moved (a payment's At; a refund's recording time).
	MoneyAt time.Time `json:"money_at,omitzero"`
	By      Actor     `json:"by"`
	// Flags are the request's flags after the event.
	Flags Flags  `json:"flags"`
	Note  string `json:"note,omitempty"`
}

// maxReason bounds a reason or note, as the dossier's transitions do.
const maxReason = 2000

// Confirm records a payment and returns its event. The request becomes paid when the
// net money received reaches the amount; less keeps it pending with the Partial flag,
// more sets the Over flag. On error r is unchanged.
func (r *Request) Confirm(p Payment, now time.Time) (Event, error) {
	if err := r.allowed(ActConfirm); err != nil {
		return Event{}, err
	}
	if _, ok := methodLabels[p.Method]; !ok {
		return Event{}, fmt.Errorf("payment: request %s: method %q: %w", r.Reference, p.Method, ErrInvalidMethod)
	}
	if p.Amount <= 0 || p.Amount > maxAmount {
		return Event{}, fmt.Errorf("payment: request %s: amount %d: %w", r.Reference, p.Amount, ErrInvalidAmount)
	}
	switch {
	case p.Method == MethodBankNotification && p.TransactionID == "":
		return Event{}, fmt.Errorf("payment: request %s: bank notification without transaction id: %w", r.Reference, ErrActorRequired)
	case p.Method != MethodBankNotification && p.By.ID == 0:
		return Event{}, fmt.Errorf("payment: request %s: %s payment without the official who confirms it: %w", r.Reference, p.Method, ErrActorRequired)
	}
	if p.At.IsZero() {
		p.At = now
	}
	next := *r
	next.Paid += p.Amount
	if next.State == StatePending && next.Net() >= next.Amount {
		next.State, next.Method, next.PaidAt = StatePaid, p.Method, p.At
	}
	ev := Event{Action: ActConfirm, Amount: p.Amount, Method: p.Method, TransactionID: p.TransactionID,
		MoneyAt: p.At, By: p.By, Note: clip(p.Note)}
	return r.commit(next, ev, now), nil
}

// Cancel closes a pending request, with its reason: the dossier was withdrawn or
// refused before payment, or the request is replaced. Money already received on it
// stays recorded (Partial flag) until refunded.
func (r *Request) Cancel(by Actor, reason string, now time.Time) (Event, error) {
	if err := r.allowed(ActCancel); err != nil {
		return Event{}, err
	}
	reason, err := r.reason(by, reason)
	if err != nil {
		return Event{}, err
	}
	next := *r
	next.State, next.Reason, next.ClosedAt = StateCancelled, reason, now
	return r.commit(next, Event{Action: ActCancel, By: by, Note: reason}, now), nil
}

// Refund records money given back. From a paid request it returns either the excess
// of an over-payment (the request stays paid) or everything received (it becomes
// refunded); from a cancelled one, any part of what was received on it (refunded once
// nothing is left). Anything else — which would leave a request neither paid nor
// settled — is ErrRefundAmount.
func (r *Request) Refund(by Actor, amount int64, reason string, now time.Time) (Event, error) {
	if err := r.allowed(ActRefund); err != nil {
		return Event{}, err
	}
	reason, err := r.reason(by, reason)
	if err != nil {
		return Event{}, err
	}
	net := r.Net()
	if amount <= 0 || amount > net {
		return Event{}, fmt.Errorf("payment: request %s: refund %d of %d held: %w", r.Reference, amount, net, ErrRefundAmount)
	}
	next := *r
	next.Refunded += amount
	next.Reason = reason
	left := next.Net()
	switch {
	case left == 0:
		next.State, next.ClosedAt = StateRefunded, now
	case r.State == StatePaid && left < r.Amount:
		return Event{}, fmt.Errorf("payment: request %s: refund %d would leave %d of %d: %w", r.Reference, amount, left, r.Amount, ErrRefundAmount)
	}
	return r.commit(next, Event{Action: ActRefund, Amount: amount, MoneyAt: now, By: by, Note: reason}, now), nil
}

func (r *Request) allowed(a Action) error {
	if !slices.Contains(transitions[a], r.State) {
		return fmt.Errorf("payment: request %s: %s from %s: %w", r.Reference, a, r.State, ErrInvalidTransition)
	}
	return nil
}

func (r *Request) reason(by Actor, reason string) (string, error) {
	if by.ID == 0 {
		return "", fmt.Errorf("payment: request %s: %w", r.Reference, ErrActorRequired)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", fmt.Errorf("payment: request %s: %w", r.Reference, ErrReasonRequired)
	}
	return clip(reason), nil
}

// commit installs next as r, with its flags recomputed, and completes the event.
func (r *Request) commit(next Request, ev Event, now time.Time) Event {
	next.Flags = flags(next)
	ev.RequestID, ev.At, ev.FromState, ev.ToState, ev.Flags = r.ID, now, r.State, next.State, next.Flags
	*r = next
	return ev
}

func flags(r Request) Flags {
	net := r.Net()
	return Flags{Partial: net > 0 && net < r.Amount, Over: net > r.Amount}
}

// clip bounds free text to maxReason characters without cutting one in two.
func clip(s string) string { return locale.Clip(s, maxReason) }
