package payment

import (
	"fmt"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
)

// TestReconcile plays a day at a commune's desk through the state machine and checks
// the accountant's figures.
func TestReconcile(t *testing.T) {
	day := calendar.Date{Year: 2026, Month: 7, Day: 2}
	at := func(h, m int) time.Time { return time.Date(2026, 7, 2, h, m, 0, 0, locale.Zone) }
	newReq := func(id int64, seq int, amount int64, created time.Time) *Request {
		r := &Request{ID: id, DossierCode: fmt.Sprintf("000.31.37.H45-%02d%02d%02d-%04d", created.Year()%100, created.Month(), created.Day(), seq),
			UnitID: 12, Ordinal: 1, Items: []Item{{Name: "Lệ phí", Amount: amount}}, Amount: amount, State: StatePending, CreatedAt: created}
		r.Reference = mustRef(t, r.DossierCode, 1)
		return r
	}
	yesterday := time.Date(2026, 7, 1, 16, 0, 0, 0, locale.Zone)
	var (
		exact    = newReq(1, 1, 50000, at(8, 0))  // paid by bank notification
		partial  = newReq(2, 2, 50000, at(8, 30)) // 30,000 by transfer, still pending
		cashPaid = newReq(3, 3, 20000, at(9, 0))  // cash
		over     = newReq(4, 4, 10000, at(9, 30)) // 15,000 by statement, 5,000 refunded
		unpaid   = newReq(5, 5, 8000, at(10, 0))  // nothing yet
		gone     = newReq(6, 6, 8000, at(10, 30)) // cancelled
		old      = newReq(7, 9, 30000, yesterday) // billed yesterday, paid today
		midnight = newReq(8, 7, 30000, at(11, 0)) // paid after midnight: tomorrow's money
	)
	var events []Event
	do := func(r *Request, ev Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("request %d: %v", r.ID, err)
		}
		events = append(events, ev)
	}
	pay := func(r *Request, m Method, amount int64, when time.Time) {
		p := Payment{Method: m, Amount: amount, At: when, By: officer}
		if m == MethodBankNotification {
			p.TransactionID, p.By = fmt.Sprint("FT", r.ID), Actor{}
		}
		ev, err := r.Confirm(p, when.Add(time.Minute))
		do(r, ev, err)
	}
	pay(exact, MethodBankNotification, 50000, at(8, 5))
	pay(partial, MethodBankNotification, 30000, at(8, 40))
	pay(cashPaid, MethodCash, 20000, at(9, 1))
	pay(over, MethodStatement, 15000, at(9, 45))
	ev, err := over.Refund(officer, 5000, "Hoàn phần nộp thừa", at(15, 0))
	do(over, ev, err)
	ev, err = gone.Cancel(officer, "Công dân rút hồ sơ", at(11, 0))
	do(gone, ev, err)
	pay(old, MethodBankNotification, 30000, at(7, 50))
	pay(midnight, MethodBankNotification, 30000, time.Date(2026, 7, 3, 0, 0, 30, 0, locale.Zone))

	unmatched := []Notification{
		{TransactionID: "FT90", BankBIN: "970415", Account: "113366668888", Amount: 25000, Description: "chuyen tien", TransactedAt: at(13, 0).UTC()},
		{TransactionID: "FT91", BankBIN: "970415", Account: "113366668888", Amount: 40000, Description: "yesterday", TransactedAt: yesterday.UTC()},
	}
	var requests []Request
	for _, r := range []*Request{exact, partial, cashPaid, over, unpaid, gone, old, midnight} {
		requests = append(requests, *r)
	}
	// A payment event whose request the caller did not load.
	events = append(events, Event{RequestID: 99, Action: ActConfirm, Method: MethodCash, Amount: 1000, MoneyAt: at(16, 0)})

	rec := Reconcile(day, requests, events, unmatched)
	check := func(name string, got, want int64) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	// Billed today, not cancelled: 50+50+20+10+8+30 thousand.
	check("Expected", rec.Expected, 168000)
	check("ExpectedCount", int64(rec.ExpectedCount), 6)
	// Still expected of those now: the partial's 20,000 and the unpaid 8,000 (the midnight
	// one is paid since, on the next day).
	check("Outstanding", rec.Outstanding, 28000)
	check("Received", rec.Received, 50000+30000+20000+15000+30000+1000)
	check("bank notification", rec.ByMethod[0].Amount, 110000)
	check("bank notification count", int64(rec.ByMethod[0].Count), 3)
	check("statement", rec.ByMethod[1].Amount, 15000)
	check("cash", rec.ByMethod[2].Amount, 21000)
	check("Refunded", rec.Refunded, 5000)
	check("UnmatchedTotal", rec.UnmatchedTotal, 25000)
	check("Credited", rec.Credited, 110000+15000+25000)
	if len(rec.Unmatched) != 1 || rec.Unmatched[0].TransactionID != "FT90" {
		t.Errorf("Unmatched = %+v", rec.Unmatched)
	}
	if len(rec.Flagged) != 1 || rec.Flagged[0].RequestID != 2 || !rec.Flagged[0].Flags.Partial {
		t.Errorf("Flagged = %+v", rec.Flagged)
	}
	if len(rec.Lines) != 9 || rec.Lines[0].RequestID != 99 || rec.Lines[0].Known {
		t.Errorf("Lines[0] = %+v of %d", rec.Lines[0], len(rec.Lines))
	}
	for _, l := range rec.Lines {
		switch l.RequestID {
		case 4:
			if l.PaidOnDay != 15000 || l.RefundedOnDay != 5000 || l.Flags.Any() {
				t.Errorf("over-payment line %+v", l)
			}
		case 7:
			if l.PaidOnDay != 30000 || l.State != StatePaid {
				t.Errorf("yesterday's request line %+v", l)
			}
		case 8:
			if l.PaidOnDay != 0 || l.State != StatePaid {
				t.Errorf("paid after midnight line %+v", l)
			}
		}
	}
}
