package payment

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var officer = Actor{ID: 3, Name: "Trần Thị Kế Toán"}

// req is a request of 50,000 đồng in state s with paid and refunded totals.
func req(s State, paid, refunded int64) Request {
	r := Request{ID: 9, DossierCode: code7, Reference: "XS260702000719H", Ordinal: 1, UnitID: 12,
		Items: []Item{{Name: "Lệ phí", Amount: 50000}}, Amount: 50000, State: s, Paid: paid, Refunded: refunded, CreatedAt: now0}
	r.Flags = flags(r)
	return r
}

// step is one action on a request.
type step struct {
	act    Action
	method Method
	amount int64
	by     Actor
	reason string
	txID   string
}

func (s step) apply(r *Request, now time.Time) (Event, error) {
	switch s.act {
	case ActConfirm:
		return r.Confirm(Payment{Method: s.method, Amount: s.amount, By: s.by, TransactionID: s.txID, At: now}, now)
	case ActCancel:
		return r.Cancel(s.by, s.reason, now)
	case ActRefund:
		return r.Refund(s.by, s.amount, s.reason, now)
	}
	panic("unknown action " + s.act)
}

func bank(amount int64) step {
	return step{act: ActConfirm, method: MethodBankNotification, amount: amount, txID: "FT1"}
}
func cash(amount int64) step {
	return step{act: ActConfirm, method: MethodCash, amount: amount, by: officer}
}
func statement(amount int64) step {
	return step{act: ActConfirm, method: MethodStatement, amount: amount, by: officer}
}
func cancel(reason string) step { return step{act: ActCancel, by: officer, reason: reason} }
func refund(amount int64) step {
	return step{act: ActRefund, amount: amount, by: officer, reason: "Hoàn tiền nộp thừa"}
}

func TestTransitions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		from   Request
		do     step
		state  State
		flags  Flags
		paid   int64
		refund int64
		err    error
	}{
		// Confirm.
		{"bank exact", req(StatePending, 0, 0), bank(50000), StatePaid, Flags{}, 50000, 0, nil},
		{"statement exact", req(StatePending, 0, 0), statement(50000), StatePaid, Flags{}, 50000, 0, nil},
		{"cash exact", req(StatePending, 0, 0), cash(50000), StatePaid, Flags{}, 50000, 0, nil},
		{"partial stays pending", req(StatePending, 0, 0), bank(30000), StatePending, Flags{Partial: true}, 30000, 0, nil},
		{"rest of a partial", req(StatePending, 30000, 0), cash(20000), StatePaid, Flags{}, 50000, 0, nil},
		{"over", req(StatePending, 0, 0), bank(70000), StatePaid, Flags{Over: true}, 70000, 0, nil},
		{"partial then too much", req(StatePending, 30000, 0), bank(30000), StatePaid, Flags{Over: true}, 60000, 0, nil},
		{"again on paid is over", req(StatePaid, 50000, 0), bank(50000), StatePaid, Flags{Over: true}, 100000, 0, nil},
		{"on cancelled", req(StateCancelled, 0, 0), bank(50000), "", Flags{}, 0, 0, ErrInvalidTransition},
		{"on refunded", req(StateRefunded, 50000, 50000), cash(50000), "", Flags{}, 0, 0, ErrInvalidTransition},
		{"zero amount", req(StatePending, 0, 0), cash(0), "", Flags{}, 0, 0, ErrInvalidAmount},
		{"negative amount", req(StatePending, 0, 0), cash(-5), "", Flags{}, 0, 0, ErrInvalidAmount},
		{"bank without transaction id", req(StatePending, 0, 0), step{act: ActConfirm, method: MethodBankNotification, amount: 1}, "", Flags{}, 0, 0, ErrActorRequired},
		{"cash without officer", req(StatePending, 0, 0), step{act: ActConfirm, method: MethodCash, amount: 1}, "", Flags{}, 0, 0, ErrActorRequired},
		{"statement without officer", req(StatePending, 0, 0), step{act: ActConfirm, method: MethodStatement, amount: 1}, "", Flags{}, 0, 0, ErrActorRequired},
		{"unknown method", req(StatePending, 0, 0), step{act: ActConfirm, method: "card", amount: 1, by: officer}, "", Flags{}, 0, 0, ErrInvalidMethod},

		// Cancel.
		{"cancel pending", req(StatePending, 0, 0), cancel("Công dân rút hồ sơ"), StateCancelled, Flags{}, 0, 0, nil},
		{"cancel partly paid keeps the money flagged", req(StatePending, 30000, 0), cancel("Rút hồ sơ"), StateCancelled, Flags{Partial: true}, 30000, 0, nil},
		{"cancel without reason", req(StatePending, 0, 0), cancel("  "), "", Flags{}, 0, 0, ErrReasonRequired},
		{"cancel without officer", req(StatePending, 0, 0), step{act: ActCancel, reason: "x"}, "", Flags{}, 0, 0, ErrActorRequired},
		{"cancel paid", req(StatePaid, 50000, 0), cancel("x"), "", Flags{}, 0, 0, ErrInvalidTransition},
		{"cancel cancelled", req(StateCancelled, 0, 0), cancel("x"), "", Flags{}, 0, 0, ErrInvalidTransition},
		{"cancel refunded", req(StateRefunded, 50000, 50000), cancel("x"), "", Flags{}, 0, 0, ErrInvalidTransition},

		// Refund.
		{"refund all", req(StatePaid, 50000, 0), refund(50000), StateRefunded, Flags{}, 50000, 50000, nil},
		{"refund the excess", req(StatePaid, 70000, 0), refund(20000), StatePaid, Flags{}, 70000, 20000, nil},
		{"refund part of the excess", req(StatePaid, 70000, 0), refund(5000), StatePaid, Flags{Over: true}, 70000, 5000, nil},
		{"refund all of an over-payment", req(StatePaid, 70000, 0), refund(70000), StateRefunded, Flags{}, 70000, 70000, nil},
		{"refund into the fee", req(StatePaid, 70000, 0), refund(30000), "", Flags{}, 0, 0, ErrRefundAmount},
		{"refund more than held", req(StatePaid, 50000, 0), refund(50001), "", Flags{}, 0, 0, ErrRefundAmount},
		{"refund zero", req(StatePaid, 50000, 0), refund(0), "", Flags{}, 0, 0, ErrRefundAmount},
		{"refund part of a cancelled request's money", req(StateCancelled, 30000, 0), refund(10000), StateCancelled, Flags{Partial: true}, 30000, 10000, nil},
		{"refund the rest of a cancelled request's money", req(StateCancelled, 30000, 10000), refund(20000), StateRefunded, Flags{}, 30000, 30000, nil},
		{"refund a cancelled request without money", req(StateCancelled, 0, 0), refund(1), "", Flags{}, 0, 0, ErrRefundAmount},
		{"refund pending", req(StatePending, 30000, 0), refund(30000), "", Flags{}, 0, 0, ErrInvalidTransition},
		{"refund refunded", req(StateRefunded, 50000, 50000), refund(1), "", Flags{}, 0, 0, ErrInvalidTransition},
		{"refund without reason", req(StatePaid, 50000, 0), step{act: ActRefund, amount: 50000, by: officer}, "", Flags{}, 0, 0, ErrReasonRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.from
			before := r
			at := now0.Add(time.Hour)
			ev, err := tc.do.apply(&r, at)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error = %v, want %v", err, tc.err)
				}
				if !reflect.DeepEqual(r, before) {
					t.Errorf("a refused change altered the request: %+v", r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.State != tc.state || r.Flags != tc.flags || r.Paid != tc.paid || r.Refunded != tc.refund {
				t.Errorf("request: state %s flags %+v paid %d refunded %d; want %s %+v %d %d",
					r.State, r.Flags, r.Paid, r.Refunded, tc.state, tc.flags, tc.paid, tc.refund)
			}
			if ev.RequestID != r.ID || ev.Action != tc.do.act || ev.FromState != before.State || ev.ToState != r.State ||
				ev.Flags != r.Flags || !ev.At.Equal(at) || ev.Amount != tc.do.amount {
				t.Errorf("event = %+v", ev)
			}
			if r.Net() < 0 || r.Refunded > r.Paid {
				t.Errorf("money out of balance: %+v", r)
			}
			if r.State == StatePaid && before.State == StatePending {
				if r.Method != tc.do.method || !r.PaidAt.Equal(at) {
					t.Errorf("paid by %q at %v", r.Method, r.PaidAt)
				}
			}
			if r.State != before.State && (r.State == StateCancelled || r.State == StateRefunded) && (r.ClosedAt.IsZero() || r.Reason == "") {
				t.Errorf("closed without time or reason: %+v", r)
			}
		})
	}
}

// TestTransitionTable checks the table against every state and action: what it allows
// is what the methods accept for some amount, and nothing else.
func TestTransitionTable(t *testing.T) {
	want := map[State][]Action{
		StatePending:   {ActConfirm, ActCancel},
		StatePaid:      {ActConfirm, ActRefund},
		StateCancelled: {ActRefund},
		StateRefunded:  nil,
	}
	for _, s := range States {
		if got := Allowed(s); !slices.Equal(got, want[s]) {
			t.Errorf("Allowed(%s) = %v, want %v", s, got, want[s])
		}
		for _, a := range []Action{ActConfirm, ActCancel, ActRefund} {
			r := req(s, 60000, 0)
			if s == StateRefunded {
				r.Refunded = 60000
			}
			_, err := step{act: a, method: MethodCash, amount: 10000, by: officer, reason: "x"}.apply(&r, now0)
			if got := !errors.Is(err, ErrInvalidTransition); got != slices.Contains(want[s], a) {
				t.Errorf("%s from %s: error %v", a, s, err)
			}
		}
	}
}

func TestHistory(t *testing.T) {
	r := req(StatePending, 0, 0)
	var evs []Event
	for _, s := range []step{bank(30000), statement(40000), refund(20000)} {
		ev, err := s.apply(&r, now0)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	var got []string
	for _, ev := range evs {
		got = append(got, fmt.Sprintf("%s %s→%s %d %+v", ev.Action, ev.FromState, ev.ToState, ev.Amount, ev.Flags))
	}
	want := []string{
		"confirm pending→pending 30000 {Partial:true Over:false}",
		"confirm pending→paid 40000 {Partial:false Over:true}",
		"refund paid→paid 20000 {Partial:false Over:false}",
	}
	if !slices.Equal(got, want) {
		t.Errorf("history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Method != MethodStatement || !r.PaidOnline() {
		t.Errorf("settled by %s, PaidOnline %v", r.Method, r.PaidOnline())
	}
}

func TestLabels(t *testing.T) {
	for _, s := range States {
		if s.Label() == "" {
			t.Errorf("state %s has no label", s)
		}
	}
	for _, m := range Methods {
		if m.Label() == "" {
			t.Errorf("method %s has no label", m)
		}
	}
	for _, a := range []Action{ActCreate, ActConfirm, ActCancel, ActRefund} {
		if a.Label() == "" {
			t.Errorf("action %s has no label", a)
		}
	}
	for _, o := range []Outcome{MatchExact, MatchPartial, MatchOver, MatchUnknownReference, MatchAmbiguous, MatchClosed, MatchWrongAccount} {
		if o.Label() == "" {
			t.Errorf("outcome %s has no label", o)
		}
	}
}
