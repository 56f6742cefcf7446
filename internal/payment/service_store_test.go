package payment_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/kek"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// payEnv is the demo commune with its counter dossiers (procedure 1.004873, 5,000 đồng at
// the counter) and its accountant.
type payEnv struct {
	s          *store.Store
	pay        *payment.Service
	unit       int64
	dossiers   []dossier.Dossier
	accountant payment.Actor
	// official is the accountant as a principal; now the service's clock.
	official *auth.Principal
	now      time.Time
}

// issue issues the missing receipt of pr at time at, as its accountant.
func (e *payEnv) issue(ctx context.Context, pr payment.StoredRequest, at time.Time) (payment.StoredFeeReceipt, error) {
	e.now = at
	return e.pay.IssueFeeReceipt(ctx, e.official, pr.Reference, 0)
}

// record records a verified notification received at now.
func (e *payEnv) record(ctx context.Context, n payment.Notification, raw []byte, now time.Time) (payment.NotificationResult, error) {
	e.now = now
	return e.pay.Record(ctx, e.unit, n, raw)
}

// rotate rotates a unit's webhook secret and returns the new one.
func (e *payEnv) rotate(ctx context.Context, unitID int64) (string, error) {
	secret, _, err := e.pay.RotateWebhookSecret(ctx, unitID)
	return secret, err
}

// useKEK gives the service the key-encryption key that opens the units' receipt keys.
func (e *payEnv) useKEK(k *kek.Key) { e.pay.KEK = k }

// day2 is the day the tests' money moves: 2 July 2026, under the 2026 receipt rules.
func day2(h, m int) time.Time { return time.Date(2026, 7, 2, h, m, 0, 0, locale.Zone) }

func newPayEnv(t *testing.T) *payEnv {
	t.Helper()
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	s, u := d.Store, d.Unit
	e := &payEnv{s: s, unit: u, now: day2(8, 0), dossiers: d.Counter}
	e.pay = &payment.Service{Store: s, Now: func() time.Time { return e.now }}
	acc := d.Accountant
	e.accountant = payment.Actor{ID: acc.ID, Name: acc.FullName}
	e.official = &auth.Principal{UserID: acc.ID, Username: acc.Username, FullName: acc.FullName,
		Memberships: []auth.Membership{{UnitID: u, Role: auth.RoleAccountant}}}
	s.SetClock(func() time.Time { return day2(8, 0) })
	if _, err := e.pay.SetAccount(ctx, payment.Account{UnitID: u, BIN: "970415", Number: "113366668888", Name: "UBND XA YEN TU"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *payEnv) bill(t *testing.T, d dossier.Dossier, at time.Time) payment.StoredRequest {
	t.Helper()
	proc, err := e.s.ProcedureVersion(context.Background(), d.ProcedureID)
	if err != nil {
		t.Fatal(err)
	}
	req, ev, err := payment.NewRequest(d.Code, proc.Fees, d.Channel.Electronic(), at)
	if err != nil {
		t.Fatal(err)
	}
	req.UnitID, ev.By = d.CompetentUnitID, e.accountant
	pr, err := e.s.CreatePaymentRequest(context.Background(), d.ID, req, ev)
	if err != nil {
		t.Fatalf("bill %s: %v", d.Code, err)
	}
	return pr
}

func (e *payEnv) cash(pr payment.StoredRequest, amount int64, at time.Time) (payment.StoredRequest, payment.Issued, error) {
	after := pr
	ev, err := after.Confirm(payment.Payment{Method: payment.MethodCash, Amount: amount, At: at, By: e.accountant}, at)
	if err != nil {
		return pr, payment.Issued{}, err
	}
	return e.pay.Save(context.Background(), payment.Change{Before: pr, After: after.Request, Event: ev})
}

func (e *payEnv) receiptConfig(t *testing.T, series string) {
	t.Helper()
	if _, err := e.pay.SetReceiptConfig(context.Background(), payment.ReceiptConfig{UnitID: e.unit, Template: "EBL01", Series: series,
		Collector: payment.Party{Name: "Ủy ban nhân dân xã Yên Từ", TaxCode: "5700101234"}}); err != nil {
		t.Fatal(err)
	}
}

func TestPaymentAccountAndSecret(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	if _, err := e.pay.SetAccount(ctx, payment.Account{UnitID: e.unit, BIN: "97041", Number: "1", Name: "X"}); !errors.Is(err, payment.ErrInvalidAccount) {
		t.Fatalf("bad BIN: %v", err)
	}
	a, err := e.pay.SetAccount(ctx, payment.Account{UnitID: e.unit, BIN: "970436", Number: "0011abc", Name: " UBND XÃ YÊN TỪ "})
	if err != nil || a.Number != "0011ABC" || a.Name != "UBND XÃ YÊN TỪ" || !a.SecretSetAt.IsZero() {
		t.Fatalf("set: %+v %v", a, err)
	}
	if ws, err := e.s.WebhookSecrets(ctx, e.unit); err != nil || len(ws.Valid(day2(8, 0))) != 0 {
		t.Fatalf("secrets before any: %+v %v", ws, err)
	}
	first, err := e.rotate(ctx, e.unit)
	if err != nil || len(first) != 64 {
		t.Fatalf("rotate: %q %v", first, err)
	}
	second, err := e.rotate(ctx, e.unit)
	if err != nil || second == first {
		t.Fatalf("rotate again: %v", err)
	}
	ws, err := e.s.WebhookSecrets(ctx, e.unit)
	if err != nil {
		t.Fatal(err)
	}
	if v := ws.Valid(day2(9, 0)); len(v) != 2 || string(v[0]) != second || string(v[1]) != first {
		t.Fatalf("during the overlap: %q", v)
	}
	if v := ws.Valid(day2(8, 0).Add(payment.SecretOverlap + time.Minute)); len(v) != 1 || string(v[0]) != second {
		t.Fatalf("after the overlap: %q", v)
	}
	// Setting the account again keeps the secret.
	if a, err = e.pay.SetAccount(ctx, payment.Account{UnitID: e.unit, BIN: "970415", Number: "113366668888", Name: "UBND XA YEN TU"}); err != nil || a.SecretSetAt.IsZero() {
		t.Fatalf("reset account: %+v %v", a, err)
	}
	if ws, _ := e.s.WebhookSecrets(ctx, e.unit); string(ws.Current) != second {
		t.Fatal("setting the account changed the secret")
	}
	if _, err := e.rotate(ctx, e.unit+1000); !errors.Is(err, payment.ErrNoAccount) {
		t.Fatalf("no account: %v", err)
	}
	if _, err := e.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReceiptConfig(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	if _, err := e.s.ReceiptConfig(ctx, e.unit); !errors.Is(err, payment.ErrNoReceiptConfig) {
		t.Fatalf("none yet: %v", err)
	}
	_, err := e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "ebl 01", Series: "25T",
		Collector: payment.Party{Name: "", TaxCode: "12"}})
	var fields []string
	for _, d := range apperr.DetailsOf(err) {
		fields = append(fields, d.Field)
	}
	if !errors.Is(err, payment.ErrInvalidReceipt) || !slices.Equal(fields, []string{"template", "series", "collector.name", "collector.tax_code"}) {
		t.Fatalf("bad configuration: %v %v", err, fields)
	}
	cfg, err := e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "ebl01", Series: "26t",
		Collector: payment.Party{Name: " Ủy ban nhân dân xã Yên Từ ", TaxCode: "5700101234"}})
	if err != nil || cfg.Template != "EBL01" || cfg.Series != "26T" || cfg.Collector.Name != "Ủy ban nhân dân xã Yên Từ" {
		t.Fatalf("set: %+v %v", cfg, err)
	}
	// Next year's series may be entered in advance; the year after is refused.
	if _, err := e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "EBL01", Series: "27T",
		Collector: cfg.Collector}); err != nil {
		t.Fatalf("next year's series: %v", err)
	}
	if _, err := e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "EBL01", Series: "28T",
		Collector: cfg.Collector}); !errors.Is(err, payment.ErrInvalidReceipt) {
		t.Fatalf("series of 2028 in 2026: %v", err)
	}
	if got, err := e.s.ReceiptConfig(ctx, e.unit); err != nil || got.Series != "27T" {
		t.Fatalf("stored: %+v %v", got, err)
	}

	// Validity dates (it is 2 July 2026): an ended range is refused; one starting later
	// is checked on its first day, stored, and no receipt is issued before it.
	_, err = e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "EBL01", Series: "26T", Collector: cfg.Collector,
		ValidUntil: calendar.Date{Year: 2026, Month: 6, Day: 30}})
	if d := apperr.DetailsOf(err); !errors.Is(err, payment.ErrInvalidReceipt) || len(d) != 1 || d[0].Field != "valid_until" {
		t.Fatalf("ended validity: %v", err)
	}
	from, until := calendar.Date{Year: 2026, Month: 7, Day: 10}, calendar.Date{Year: 2026, Month: 12, Day: 31}
	if _, err := e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "EBL02", Series: "26T", Collector: cfg.Collector,
		ValidFrom: from, ValidUntil: until}); err != nil {
		t.Fatalf("later validity: %v", err)
	}
	if got, err := e.s.ReceiptConfig(ctx, e.unit); err != nil || got.ValidFrom != from || got.ValidUntil != until || got.InForce(calendar.DateOf(day2(9, 0))) {
		t.Fatalf("stored validity: %+v %v", got, err)
	}
	pr := e.bill(t, e.dossiers[0], day2(9, 0))
	if _, issued, err := e.cash(pr, pr.Amount, day2(9, 5)); err != nil || issued.Receipt != nil || !errors.Is(issued.NotIssued, payment.ErrInvalidReceipt) {
		t.Fatalf("paid before the symbols are in force: %v %+v", err, issued)
	}
}

func TestPaymentRequestsAndReceipts(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	d0, d1 := e.dossiers[0], e.dossiers[1]
	pr := e.bill(t, d0, day2(8, 10))
	if pr.ID == 0 || pr.Ordinal != 1 || pr.Amount != 5000 || pr.State != payment.StatePending || pr.Version != 1 || pr.UnitID != e.unit {
		t.Fatalf("request: %+v", pr)
	}
	proc, _ := e.s.ProcedureVersion(ctx, d0.ProcedureID)
	req, ev, _ := payment.NewRequest(d0.Code, proc.Fees, false, day2(8, 11))
	req.UnitID, ev.By = e.unit, e.accountant
	if _, err := e.s.CreatePaymentRequest(ctx, d0.ID, req, ev); !errors.Is(err, payment.ErrRequestOpen) {
		t.Fatalf("second open request: %v", err)
	}

	// No receipt configuration: the payment is stored, the receipt is not issued.
	paid, issued, err := e.cash(pr, 5000, day2(8, 20))
	if err != nil || paid.State != payment.StatePaid || paid.Version != 2 || issued.Receipt != nil || !errors.Is(issued.NotIssued, payment.ErrNoReceiptConfig) {
		t.Fatalf("cash without receipt configuration: %+v %+v %v", paid, issued, err)
	}
	// A change computed on the old version is refused.
	if _, _, err := e.cash(pr, 1000, day2(8, 21)); !errors.Is(err, payment.ErrChanged) {
		t.Fatalf("stale version: %v", err)
	}
	e.receiptConfig(t, "26T")
	rc, err := e.issue(ctx, paid, day2(8, 30))
	if err != nil || rc.Number != 1 || rc.Template != "EBL01" || rc.Series != "26T" || rc.Payer.Name != d0.Applicant.FullName ||
		!strings.Contains(string(rc.XML), "<Number>1</Number>") || !strings.Contains(string(rc.XML), "<TotalInWords>Năm nghìn đồng</TotalInWords>") {
		t.Fatalf("receipt issued late: %+v %v\n%s", rc.FeeReceipt, err, rc.XML)
	}
	if _, err := e.issue(ctx, paid, day2(8, 31)); !errors.Is(err, payment.ErrReceiptExists) {
		t.Fatalf("second receipt: %v", err)
	}

	// With the configuration, settling a request issues the next number with it.
	pr1 := e.bill(t, d1, day2(9, 0))
	if _, issued, err := e.cash(pr1, 2000, day2(9, 1)); err != nil || issued.Receipt != nil || issued.NotIssued != nil {
		t.Fatalf("partial: %+v %v", issued, err)
	}
	pr1, _ = e.s.PaymentRequest(ctx, pr1.ID)
	pr1, issued, err = e.cash(pr1, 3000, day2(9, 2))
	if err != nil || issued.Receipt == nil || issued.Receipt.Number != 2 || pr1.ReceiptID != issued.Receipt.ID {
		t.Fatalf("second receipt: %+v %+v %v", pr1, issued, err)
	}
	got, err := e.s.FeeReceipt(ctx, issued.Receipt.ID)
	if err != nil || got.Number != 2 || got.Total != 5000 || len(got.Items) != 1 {
		t.Fatalf("stored receipt: %+v %v", got.FeeReceipt, err)
	}
	rs, err := e.s.FeeReceiptsOn(ctx, e.unit, calendar.DateOf(day2(12, 0)))
	if err != nil || len(rs) != 2 || rs[0].Number != 1 || rs[1].Number != 2 {
		t.Fatalf("the day's receipts: %v %v", rs, err)
	}
	if _, err := payment.DailySummary(rs, calendar.DateOf(day2(12, 0))); err != nil {
		t.Fatal(err)
	}

	// A new year: last year's series is refused (no number taken), the new one starts at 1.
	jan := time.Date(2027, 1, 4, 8, 0, 0, 0, locale.Zone)
	pr2 := e.bill(t, e.dossiers[2], jan)
	pr2, issued, err = e.cash(pr2, 5000, jan)
	if err != nil || pr2.State != payment.StatePaid || !errors.Is(issued.NotIssued, payment.ErrInvalidReceipt) {
		t.Fatalf("stale series: %+v %v", issued, err)
	}
	e.s.SetClock(func() time.Time { return jan })
	e.receiptConfig(t, "27T")
	if rc, err := e.issue(ctx, pr2, jan); err != nil || rc.Number != 1 || rc.Series != "27T" {
		t.Fatalf("new year's first receipt: %+v %v", rc.FeeReceipt, err)
	}

	// Cancel, then bill again: the next ordinal and reference.
	pr3 := e.bill(t, e.dossiers[3], day2(10, 0))
	after := pr3
	ev, err = after.Cancel(e.accountant, "Lập nhầm", day2(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.pay.Save(ctx, payment.Change{Before: pr3, After: after.Request, Event: ev}); err != nil {
		t.Fatal(err)
	}
	again := e.bill(t, e.dossiers[3], day2(10, 2))
	if again.Ordinal != 2 || again.Reference == pr3.Reference {
		t.Fatalf("second request: %+v", again)
	}
	list, err := e.s.PaymentRequestsOfDossier(ctx, e.dossiers[3].ID)
	if err != nil || len(list) != 2 || list[0].State != payment.StateCancelled || list[1].State != payment.StatePending {
		t.Fatalf("dossier's requests: %+v %v", list, err)
	}
	evs, err := e.s.PaymentEvents(ctx, pr3.ID)
	if err != nil || len(evs) != 2 || evs[1].Action != payment.ActCancel || evs[1].Note != "Lập nhầm" || evs[1].By.ID != e.accountant.ID {
		t.Fatalf("history: %+v %v", evs, err)
	}
	if _, err := e.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestReceiptNumbersConcurrent settles requests from many goroutines at once: every
// receipt gets its own number, and the numbers have no gap.
func TestReceiptNumbersConcurrent(t *testing.T) {
	e := newPayEnv(t)
	e.receiptConfig(t, "26T")
	var prs []payment.StoredRequest
	for i, d := range e.dossiers {
		prs = append(prs, e.bill(t, d, day2(8, i)))
	}
	var wg sync.WaitGroup
	numbers := make([]int, len(prs))
	errs := make([]error, len(prs))
	for i, pr := range prs {
		wg.Go(func() {
			_, issued, err := e.cash(pr, pr.Amount, day2(11, 0))
			if err == nil && issued.Receipt == nil {
				err = fmt.Errorf("no receipt: %v", issued.NotIssued)
			}
			if err == nil {
				numbers[i] = issued.Receipt.Number
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	slices.Sort(numbers)
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("numbers %v: want 1–%d without gaps", numbers, len(numbers))
		}
	}
}

func signed(n payment.Notification) payment.Notification {
	n.BankBIN, n.Account = "970415", "113366668888"
	return n
}

func TestRecordNotification(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	e.receiptConfig(t, "26T")
	exact, partial := e.bill(t, e.dossiers[0], day2(8, 0)), e.bill(t, e.dossiers[1], day2(8, 1))
	record := func(n payment.Notification) (payment.NotificationResult, error) {
		return e.record(ctx, n, []byte(`{"raw":true}`), n.TransactedAt.Add(time.Minute))
	}
	n1 := signed(payment.Notification{TransactionID: "FT1", Amount: 5000, Description: "MBVCB.123.Le phi " + exact.Reference + ".CT tu 001 NGUYEN VAN A",
		TransactedAt: day2(9, 0)})
	res, err := record(n1)
	if err != nil || res.Replayed || res.Notification.Outcome != payment.MatchExact || res.Request == nil || res.Request.State != payment.StatePaid ||
		res.Issued.Receipt == nil || res.Issued.Receipt.Number != 1 || res.Notification.RequestID != exact.ID {
		t.Fatalf("exact: %+v %v", res, err)
	}
	again, err := record(n1)
	if err != nil || !again.Replayed || again.Notification.ID != res.Notification.ID || again.Notification.Outcome != payment.MatchExact {
		t.Fatalf("replay: %+v %v", again, err)
	}
	changed := n1
	changed.Amount = 6000
	if _, err := record(changed); !errors.Is(err, payment.ErrTransactionReused) {
		t.Fatalf("reused id: %v", err)
	}
	if pr, _ := e.s.PaymentRequest(ctx, exact.ID); pr.Paid != 5000 || pr.Version != 2 {
		t.Fatalf("applied more than once: %+v", pr)
	}

	res, err = record(signed(payment.Notification{TransactionID: "FT2", Amount: 2000, Description: partial.Reference, TransactedAt: day2(9, 5)}))
	if err != nil || res.Notification.Outcome != payment.MatchPartial || res.Request.State != payment.StatePending || !res.Request.Flags.Partial ||
		res.Request.Outstanding() != 3000 {
		t.Fatalf("partial: %+v %v", res, err)
	}
	unknown := signed(payment.Notification{TransactionID: "FT3", Amount: 5000, Description: "chuyen tien le phi", TransactedAt: day2(9, 10)})
	if res, err = record(unknown); err != nil || res.Notification.Outcome != payment.MatchUnknownReference || res.Request != nil || res.Notification.RequestID != 0 {
		t.Fatalf("unknown reference: %+v %v", res, err)
	}
	wrong := signed(payment.Notification{TransactionID: "FT4", Amount: 5000, Description: exact.Reference, TransactedAt: day2(9, 15)})
	wrong.Account = "999"
	if res, err = record(wrong); err != nil || res.Notification.Outcome != payment.MatchWrongAccount || res.Request != nil {
		t.Fatalf("wrong account: %+v %v", res, err)
	}

	rec, unmatched, err := e.s.PaymentDay(ctx, e.unit, calendar.DateOf(day2(12, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Expected != 10000 || rec.ExpectedCount != 2 || rec.Received != 7000 || rec.Outstanding != 3000 || rec.UnmatchedTotal != 10000 ||
		rec.Credited != 17000 || len(unmatched) != 2 || len(rec.Flagged) != 1 || rec.ByMethod[0].Amount != 7000 {
		t.Fatalf("reconciliation: %+v", rec)
	}

	// The accountant records the unknown transfer on the partly paid request, from the
	// statement: it is no longer unmatched, and the day's credit does not change.
	pr, _ := e.s.PaymentRequest(ctx, partial.ID)
	after := pr
	ev, err := after.Confirm(payment.Payment{Method: payment.MethodStatement, Amount: unknown.Amount, At: unknown.TransactedAt,
		TransactionID: unknown.TransactionID, By: e.accountant}, day2(15, 0))
	if err != nil {
		t.Fatal(err)
	}
	id := unmatched[0].ID
	if unmatched[0].TransactionID != "FT3" {
		id = unmatched[1].ID
	}
	saved, issued, err := e.pay.Save(ctx, payment.Change{Before: pr, After: after.Request, Event: ev, NotificationID: id})
	if err != nil || saved.State != payment.StatePaid || !saved.Flags.Over || issued.Receipt == nil {
		t.Fatalf("statement: %+v %+v %v", saved, issued, err)
	}
	if _, _, err := e.pay.Save(ctx, payment.Change{Before: saved, After: saved.Request, Event: ev, NotificationID: id}); !errors.Is(err, payment.ErrNotificationMatched) {
		t.Fatalf("recorded twice: %v", err)
	}
	rec, unmatched, _ = e.s.PaymentDay(ctx, e.unit, calendar.DateOf(day2(12, 0)))
	if len(unmatched) != 1 || rec.UnmatchedTotal != 5000 || rec.Credited != 17000 || rec.Received != 12000 {
		t.Fatalf("after recording the transfer: %+v", rec)
	}
	if c, err := e.s.PaymentCounts(ctx, []int64{e.unit}, calendar.DateOf(day2(0, 0)), calendar.DateOf(day2(0, 0))); err != nil ||
		c != (store.PaymentCounts{FeeBearing: 2, PaidOnline: 2}) {
		t.Fatalf("counts: %+v %v", c, err)
	}
	if _, err := e.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestNotificationDeliveredConcurrently delivers the same notification from many
// goroutines: it is applied once, and every other delivery is a replay.
func TestNotificationDeliveredConcurrently(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	pr := e.bill(t, e.dossiers[0], day2(8, 0))
	n := signed(payment.Notification{TransactionID: "FT9", Amount: 5000, Description: pr.Reference, TransactedAt: day2(9, 0)})
	var wg sync.WaitGroup
	var mu sync.Mutex
	applied, replayed := 0, 0
	e.now = day2(9, 1) // received then, by every delivery
	for range 8 {
		wg.Go(func() {
			res, err := e.pay.Record(ctx, e.unit, n, []byte("{}"))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("delivery: %v", err)
			case res.Replayed:
				replayed++
			default:
				applied++
			}
		})
	}
	wg.Wait()
	if applied != 1 || replayed != 7 {
		t.Fatalf("applied %d, replayed %d", applied, replayed)
	}
	if got, _ := e.s.PaymentRequest(ctx, pr.ID); got.Paid != 5000 || got.Flags.Over {
		t.Fatalf("request: %+v", got)
	}
}
