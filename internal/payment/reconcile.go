package payment

import (
	"cmp"
	"slices"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// Reconciliation is one day of a unit's fee collection as the accountant checks it
// against the bank statement and the cash drawer (đối soát): what was billed, what came
// in by each method, what could not be tied to a request, and what needs a decision.
// The reconciliation page and its export render it as it is.
type Reconciliation struct {
	Day calendar.Date `json:"day"`
	// Expected is the amount of the requests created that day and not cancelled;
	// ExpectedCount their number; Outstanding what they still expect as the requests
	// stand when the reconciliation is made (what is left to chase, not a figure frozen
	// at midnight).
	Expected      int64 `json:"expected"`
	ExpectedCount int   `json:"expected_count"`
	Outstanding   int64 `json:"outstanding"`
	// Received is every payment recorded that day, on any request; ByMethod splits it,
	// one entry per method in Methods order, zeros included.
	Received int64         `json:"received"`
	ByMethod []MethodTotal `json:"by_method"`
	// Refunded is the money given back that day.
	Refunded int64 `json:"refunded"`
	// Unmatched are the day's transfers that no request took; UnmatchedTotal their sum.
	Unmatched      []Notification `json:"unmatched"`
	UnmatchedTotal int64          `json:"unmatched_total"`
	// Credited is what the bank statement should show credited that day: transfers
	// recorded on requests plus unmatched ones.
	Credited int64 `json:"credited"`
	// Lines are the requests created or paid that day; Flagged those among them with a
	// partial or over-payment.
	Lines   []Line `json:"lines"`
	Flagged []Line `json:"flagged"`
}

// MethodTotal is the money received one way.
type MethodTotal struct {
	Method Method `json:"method"`
	Count  int    `json:"count"`
	Amount int64  `json:"amount"`
}

// Line is one request in a day's reconciliation.
type Line struct {
	RequestID   int64  `json:"request_id"`
	DossierCode string `json:"dossier_code"`
	Reference   string `json:"reference"`
	State       State  `json:"state"`
	Amount      int64  `json:"amount"`
	// Paid and Refunded are the request's totals; PaidOnDay and RefundedOnDay the part
	// of them that moved on the day.
	Paid          int64 `json:"paid"`
	Refunded      int64 `json:"refunded"`
	PaidOnDay     int64 `json:"paid_on_day"`
	RefundedOnDay int64 `json:"refunded_on_day"`
	Flags         Flags `json:"flags"`
	// Known is false for a payment whose request was not among those given: the
	// caller's query missed it.
	Known bool `json:"known"`
}

// Reconcile builds the reconciliation of day from the unit's requests created or paid
// that day, the events of its requests whose money moved that day (confirmations and
// refunds; other events are ignored), and the notifications of the day that were not
// applied. Events count on the day their money moved (MoneyAt, or At when unset), in
// Vietnam.
func Reconcile(day calendar.Date, requests []Request, events []Event, unmatched []Notification) Reconciliation {
	rec := Reconciliation{Day: day}
	lines := map[int64]*Line{}
	line := func(id int64) *Line {
		if l, ok := lines[id]; ok {
			return l
		}
		l := &Line{RequestID: id}
		lines[id] = l
		return l
	}
	for _, r := range requests {
		l := line(r.ID)
		*l = Line{RequestID: r.ID, DossierCode: r.DossierCode, Reference: r.Reference, State: r.State, Amount: r.Amount,
			Paid: r.Paid, Refunded: r.Refunded, PaidOnDay: l.PaidOnDay, RefundedOnDay: l.RefundedOnDay, Flags: r.Flags, Known: true}
		if calendar.DateOf(r.CreatedAt) == day && r.State != StateCancelled {
			rec.Expected += r.Amount
			rec.ExpectedCount++
			rec.Outstanding += r.Outstanding()
		}
	}
	byMethod := map[Method]*MethodTotal{}
	for _, m := range Methods {
		rec.ByMethod = append(rec.ByMethod, MethodTotal{Method: m})
	}
	for i := range rec.ByMethod {
		byMethod[rec.ByMethod[i].Method] = &rec.ByMethod[i]
	}
	for _, ev := range events {
		at := ev.MoneyAt
		if at.IsZero() {
			at = ev.At
		}
		if calendar.DateOf(at) != day {
			continue
		}
		switch ev.Action {
		case ActConfirm:
			line(ev.RequestID).PaidOnDay += ev.Amount
			rec.Received += ev.Amount
			if mt, ok := byMethod[ev.Method]; ok {
				mt.Count++
				mt.Amount += ev.Amount
			}
			if ev.Method.Online() {
				rec.Credited += ev.Amount
			}
		case ActRefund:
			line(ev.RequestID).RefundedOnDay += ev.Amount
			rec.Refunded += ev.Amount
		}
	}
	for _, n := range unmatched {
		if calendar.DateOf(n.TransactedAt) != day {
			continue
		}
		rec.Unmatched = append(rec.Unmatched, n)
		rec.UnmatchedTotal += n.Amount
	}
	rec.Credited += rec.UnmatchedTotal
	slices.SortFunc(rec.Unmatched, func(a, b Notification) int {
		return cmp.Or(a.TransactedAt.Compare(b.TransactedAt), cmp.Compare(a.TransactionID, b.TransactionID))
	})
	for _, l := range lines {
		rec.Lines = append(rec.Lines, *l)
	}
	slices.SortFunc(rec.Lines, func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.DossierCode, b.DossierCode), cmp.Compare(a.Reference, b.Reference), cmp.Compare(a.RequestID, b.RequestID))
	})
	for _, l := range rec.Lines {
		if l.Flags.Any() {
			rec.Flagged = append(rec.Flagged, l)
		}
	}
	return rec
}
