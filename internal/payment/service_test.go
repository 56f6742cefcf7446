package payment_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/payment"
)

// The states a request is put in before an action: how it got there is the test's own
// sequence of changes, stored through the service.
var tableStates = []string{"pending", "partial", "paid", "over", "cancelled", "refunded"}

// The actions an official asks of the service, and the bank's notification.
var tableActions = []string{"cash", "statement", "cancel", "refund", "receipt", "notification"}

// The roles that ask: the collecting unit's accountant and counter officer, its
// administrator and leader, the province's accountant (another unit), and the bank.
var tableRoles = []string{"accountant", "counter", "unit_admin", "leader", "other_accountant", "bank"}

// expected is what the rules say an action by a role does to a request in a state: ""
// when it is applied, else the stable code of the refusal. It is written out here, not
// computed by the code under test.
func expected(state, action, role string) string {
	if action == "notification" || role == "bank" {
		switch {
		case action != "notification" || role != "bank":
			return "-" // the bank only notifies, and only the bank does
		case state == "cancelled" || state == "refunded":
			return "closed" // recorded as an unmatched transfer, applied to nothing
		}
		return ""
	}
	// Who may touch a request at all: its accountant; a cashier confirms; anyone else
	// does not learn that it exists.
	switch role {
	case "accountant":
	case "counter":
		switch action {
		case "cash":
		case "statement":
			return "forbidden"
		default:
			return "payment_request_not_found"
		}
	default:
		return "payment_request_not_found"
	}
	switch action {
	case "cash", "statement":
		if state == "cancelled" || state == "refunded" {
			return "invalid_payment_transition"
		}
	case "cancel":
		if state != "pending" && state != "partial" {
			return "invalid_payment_transition"
		}
	case "refund":
		switch state {
		case "pending", "partial", "refunded":
			return "invalid_payment_transition"
		case "cancelled":
			return "invalid_refund_amount" // nothing was received on it
		}
	case "receipt":
		switch state {
		case "paid", "over", "refunded":
			return "receipt_exists" // issued when it was paid
		default:
			return "invalid_payment_transition"
		}
	}
	return ""
}

// TestServiceTable runs every action by every role on a request in every state, through
// payment.Service on a real store (both engines), and checks the outcome, the stored
// request and, for a refusal, that nothing changed.
func TestServiceTable(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	e.receiptConfig(t, "26T")
	e.now = day2(9, 0)
	province, err := e.s.UnitByCode(ctx, "37")
	if err != nil {
		t.Fatal(err)
	}
	principal := func(unitID int64, role auth.Role) *auth.Principal {
		return &auth.Principal{UserID: e.official.UserID, Username: e.official.Username, FullName: e.official.FullName,
			Memberships: []auth.Membership{{UnitID: unitID, Role: role}}}
	}
	officials := map[string]*auth.Principal{
		"accountant": e.official, "counter": principal(e.unit, auth.RoleCounter), "unit_admin": principal(e.unit, auth.RoleUnitAdmin),
		"leader": principal(e.unit, auth.RoleLeader), "other_accountant": principal(province.ID, auth.RoleAccountant),
	}
	n := 0
	for _, state := range tableStates {
		for _, action := range tableActions {
			for _, role := range tableRoles {
				want := expected(state, action, role)
				if want == "-" {
					continue
				}
				n++
				name := fmt.Sprintf("%s/%s/%s", state, action, role)
				d := e.dossiers[n%len(e.dossiers)]
				before := e.inState(t, d, state)
				got, after := e.run(t, officials[role], before, action, n)
				if got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
				switch {
				case want != "" && want != "closed" && after.Version != before.Version:
					t.Errorf("%s: refused, yet the request moved from version %d to %d", name, before.Version, after.Version)
				case want == "" && after.Version != before.Version+1:
					t.Errorf("%s: applied, version %d → %d", name, before.Version, after.Version)
				}
				e.close(t, after)
			}
		}
	}
	if _, err := e.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// inState bills d and brings the request to state, storing each change through the
// service as the accountant.
func (e *payEnv) inState(t *testing.T, d dossier.Dossier, state string) payment.StoredRequest {
	t.Helper()
	pr := e.bill(t, d, e.now)
	step := func(act payment.Act) {
		t.Helper()
		act.Version = pr.Version
		var err error
		if pr, _, err = e.pay.Do(context.Background(), e.official, pr.Reference, 0, act); err != nil {
			t.Fatalf("%s: %s: %v", state, act.Action, err)
		}
	}
	cash := func(amount int64) payment.Act {
		return payment.Act{Action: payment.ActConfirm, Method: payment.MethodCash, Amount: amount}
	}
	switch state {
	case "partial":
		step(cash(1000))
	case "paid":
		step(cash(pr.Amount))
	case "over":
		step(cash(pr.Amount))
		step(cash(1000))
	case "cancelled":
		step(payment.Act{Action: payment.ActCancel, Reason: "Hồ sơ được rút"})
	case "refunded":
		step(cash(pr.Amount))
		step(payment.Act{Action: payment.ActRefund, Amount: pr.Net(), Reason: "Nộp nhầm"})
	}
	return pr
}

// run does action as p on pr (the bank when p is nil) and returns the refusal's code
// ("" when applied, "closed" for a notification kept unmatched) and the request after.
func (e *payEnv) run(t *testing.T, p *auth.Principal, pr payment.StoredRequest, action string, n int) (string, payment.StoredRequest) {
	t.Helper()
	ctx := context.Background()
	var err error
	switch action {
	case "notification":
		var res payment.NotificationResult
		note := payment.Notification{TransactionID: fmt.Sprintf("FT%06d", n), BankBIN: "970415", Account: "113366668888", Amount: 1000,
			Description: "Le phi " + pr.Reference, TransactedAt: e.now.Add(-1e9)}
		if res, err = e.pay.Record(ctx, e.unit, note, []byte("{}")); err == nil && res.Request == nil {
			err = apperr.New(apperr.Conflict, "closed", string(res.Notification.Outcome))
		}
	case "receipt":
		_, err = e.pay.IssueFeeReceipt(ctx, p, pr.Reference, 0)
	default:
		act := payment.Act{Version: pr.Version, Reason: "Lý do", Amount: 1000}
		switch action {
		case "cash":
			act.Action, act.Method = payment.ActConfirm, payment.MethodCash
		case "statement":
			act.Action, act.Method, act.TransactionID = payment.ActConfirm, payment.MethodStatement, fmt.Sprintf("ST%06d", n)
		case "cancel":
			act.Action = payment.ActCancel
		case "refund":
			act.Action, act.Amount = payment.ActRefund, max(pr.Net(), 1)
		}
		_, _, err = e.pay.Do(ctx, p, pr.Reference, 0, act)
	}
	after, lerr := e.s.PaymentRequest(ctx, pr.ID)
	if lerr != nil {
		t.Fatal(lerr)
	}
	if err != nil {
		return apperr.From(err).Code, after
	}
	return "", after
}

// close ends a request left open, so that its dossier can be billed again.
func (e *payEnv) close(t *testing.T, pr payment.StoredRequest) {
	t.Helper()
	act := payment.Act{Version: pr.Version, Reason: "Kết thúc ca kiểm thử"}
	switch {
	case pr.State == payment.StatePending:
		act.Action = payment.ActCancel
	case pr.State == payment.StatePaid || pr.State == payment.StateCancelled && pr.Net() > 0:
		act.Action, act.Amount = payment.ActRefund, pr.Net()
	default:
		return
	}
	if _, _, err := e.pay.Do(context.Background(), e.official, pr.Reference, 0, act); err != nil {
		t.Fatalf("close %s: %v", pr.Reference, err)
	}
	if pr.State == payment.StatePending && pr.Net() > 0 {
		after, err := e.s.PaymentRequest(context.Background(), pr.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.close(t, after)
	}
}

// TestServiceCreateTable: who may bill a dossier (the counter officer of its receiving
// unit, the accountant of its competent unit, its applicant when it was filed online),
// and a dossier that has ended is not billed.
func TestServiceCreateTable(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	d := e.dossiers[0]
	as := func(role auth.Role) dossier.Actor {
		return dossier.Actor{P: &auth.Principal{UserID: e.official.UserID, Memberships: []auth.Membership{{UnitID: e.unit, Role: role}}}}
	}
	owner := dossier.Actor{P: &auth.Principal{UserID: d.OwnerID}, Owner: true}
	ended := d
	ended.Status = dossier.StatusWithdrawn
	for _, tc := range []struct {
		name string
		d    dossier.Dossier
		a    dossier.Actor
		want string
	}{
		{"leader", d, as(auth.RoleLeader), "forbidden"},
		{"unit administrator", d, as(auth.RoleUnitAdmin), "forbidden"},
		{"specialist", d, as(auth.RoleSpecialist), "forbidden"},
		{"owner of a dossier filed at the counter", d, owner, "forbidden"},
		{"accountant, ended dossier", ended, as(auth.RoleAccountant), "dossier_ended"},
		{"counter", d, as(auth.RoleCounter), ""},
		{"accountant, while one is open", d, as(auth.RoleAccountant), "payment_request_exists"},
	} {
		_, err := e.pay.CreateRequest(ctx, tc.d, tc.a)
		if got := codeOf(err); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if prs, err := e.s.PaymentRequestsOfDossier(ctx, d.ID); err != nil || len(prs) != 1 {
		t.Fatalf("requests stored: %d %v", len(prs), err)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return apperr.From(err).Code
}
