package certify

import (
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/payment"
)

// DayLine is one line of a day's register with the payment request of its fee (nil
// when it has none).
type DayLine struct {
	Entry   Entry
	Request *payment.StoredRequest
}

// KindTotal is a day's certifications of one kind and their fees.
type KindTotal struct {
	Kind  Kind  `json:"kind"`
	Count int   `json:"count"`
	Fees  int64 `json:"fees"`
}

// ReconLine is one line of the reconciliation.
type ReconLine struct {
	ID        int64         `json:"id"`
	Kind      Kind          `json:"kind"`
	Book      string        `json:"book"`
	Number    int           `json:"number"`
	Fee       int64         `json:"fee"`
	Reference string        `json:"reference,omitempty"`
	State     payment.State `json:"state,omitempty"`
	Amount    int64         `json:"amount"`
	Net       int64         `json:"net"` // paid less refunded
	Receipt   bool          `json:"receipt"`
	// Problem names what does not reconcile ("" when the line does): no_request,
	// amount_differs, unpaid, cancelled, refunded, over_paid.
	Problem string `json:"problem,omitempty"`
}

// Reconciliation compares a day's register with the payments of its fees (đối soát):
// the fees the register computed, what their requests ask, what came in, and the lines
// that do not agree.
type Reconciliation struct {
	Day   calendar.Date `json:"day"`
	Kinds []KindTotal   `json:"kinds"`
	// Fees is the register's total; Billed the amounts of the requests not cancelled;
	// Collected the money they hold (paid less refunded); Outstanding what they still
	// expect.
	Fees        int64       `json:"fees"`
	Billed      int64       `json:"billed"`
	Collected   int64       `json:"collected"`
	Outstanding int64       `json:"outstanding"`
	Receipts    int         `json:"receipts"`
	Lines       []ReconLine `json:"lines"`
	// Problems are the lines that do not reconcile; Balanced says there are none and
	// the money collected is the register's fees.
	Problems []ReconLine `json:"problems"`
	Balanced bool        `json:"balanced"`
}

var problemLabels = map[string]string{
	"no_request":     "Chưa có yêu cầu thu phí",
	"amount_differs": "Số tiền yêu cầu khác phí trong sổ",
	"unpaid":         "Chưa thu đủ phí",
	"cancelled":      "Yêu cầu thu phí đã hủy",
	"refunded":       "Đã hoàn phí",
	"over_paid":      "Thu thừa",
	"no_receipt":     "Đã thu nhưng chưa lập biên lai",
}

// ProblemLabel is the Vietnamese name of a line's problem.
func ProblemLabel(p string) string { return problemLabels[p] }

// Reconcile builds the day's reconciliation from its lines (in register order).
func Reconcile(day calendar.Date, lines []DayLine) Reconciliation {
	rec := Reconciliation{Day: day, Lines: []ReconLine{}, Problems: []ReconLine{}}
	totals := map[Kind]*KindTotal{}
	for _, k := range Kinds {
		rec.Kinds = append(rec.Kinds, KindTotal{Kind: k})
	}
	for i := range rec.Kinds {
		totals[rec.Kinds[i].Kind] = &rec.Kinds[i]
	}
	for _, l := range lines {
		e := l.Entry
		if t, ok := totals[e.Kind]; ok {
			t.Count++
			t.Fees += e.Fee
		}
		rec.Fees += e.Fee
		rl := ReconLine{ID: e.ID, Kind: e.Kind, Book: e.Book, Number: e.Number, Fee: e.Fee}
		if r := l.Request; r != nil {
			rl.Reference, rl.State, rl.Amount, rl.Net, rl.Receipt = r.Reference, r.State, r.Amount, r.Net(), r.ReceiptID != 0
			if r.State != payment.StateCancelled {
				rec.Billed += r.Amount
			}
			rec.Collected += r.Net()
			rec.Outstanding += r.Outstanding()
			if rl.Receipt {
				rec.Receipts++
			}
		}
		rl.Problem = problem(e, l.Request)
		rec.Lines = append(rec.Lines, rl)
		if rl.Problem != "" {
			rec.Problems = append(rec.Problems, rl)
		}
	}
	rec.Balanced = len(rec.Problems) == 0 && rec.Collected == rec.Fees
	return rec
}

// problem says why a line does not reconcile. A line whose fee is nothing needs no
// request.
func problem(e Entry, r *payment.StoredRequest) string {
	switch {
	case r == nil && e.Fee == 0:
		return ""
	case r == nil:
		return "no_request"
	case r.Amount != e.Fee:
		return "amount_differs"
	case r.State == payment.StateCancelled:
		return "cancelled"
	case r.State == payment.StateRefunded:
		return "refunded"
	case r.Net() > e.Fee:
		return "over_paid"
	case r.Net() < e.Fee:
		return "unpaid"
	case r.ReceiptID == 0:
		// Money taken is owed a receipt: the accountant issues it (the unit's receipt
		// configuration was missing or refused when the fee was paid).
		return "no_receipt"
	}
	return ""
}
