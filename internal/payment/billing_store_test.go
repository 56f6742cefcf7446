package payment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// failingBiller stores what the payment service stores, then fails: the filing's
// transaction must leave neither the dossier nor the request behind.
type failingBiller struct{ pay *payment.Service }

var errAfterBilling = errors.New("billing failed after writing")

func (f failingBiller) BillAtFiling(ctx context.Context, d dossier.Dossier, proc catalog.Procedure, terms dossier.FeeTerms, a dossier.Actor) error {
	if err := f.pay.BillAtFiling(ctx, d, proc, terms, a); err != nil {
		return err
	}
	return errAfterBilling
}

// TestBillingIsPartOfTheFiling: a counter filing of a fee-bearing procedure stores its
// dossier and its payment request together (one transaction, on both engines), an
// exemption instead of the request when one is recorded, and nothing at all when the
// billing fails.
func TestBillingIsPartOfTheFiling(t *testing.T) {
	e := newPayEnv(t)
	ctx := context.Background()
	counter := officialOf(t, e, "motcua", auth.RoleCounter)
	svc := &dossier.Service{Store: e.s, Calendars: workcal.New(e.s), Now: func() time.Time { return e.now }, Fees: e.pay}
	in := func(name string, fee dossier.FeeTerms) dossier.Intake {
		return dossier.Intake{Channel: dossier.ChannelCounter, Applicant: dossier.Applicant{FullName: name}, ReceivingUnitID: e.unit, Fee: fee}
	}
	d, _, err := svc.File(ctx, "1.004873", in("Lò Văn Pâng", dossier.FeeTerms{}), dossier.Actor{P: counter}, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	prs, err := e.s.PaymentRequestsOfDossier(ctx, d.ID)
	if err != nil || len(prs) != 1 || prs[0].Amount != 5000 || prs[0].State != payment.StatePending || prs[0].UnitID != d.CompetentUnitID {
		t.Fatalf("billed at filing: %+v %v", prs, err)
	}

	d, _, err = svc.File(ctx, "1.004873", in("Lò Thị Dung", dossier.FeeTerms{Exempt: true, ExemptionGround: " Hộ nghèo "}), dossier.Actor{P: counter}, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	if prs, err := e.s.PaymentRequestsOfDossier(ctx, d.ID); err != nil || len(prs) != 0 {
		t.Fatalf("an exempted dossier billed: %+v %v", prs, err)
	}
	if ex, err := e.pay.Exemption(ctx, d); err != nil || ex.Ground != "Hộ nghèo" || ex.By.ID != counter.UserID || ex.DossierCode != d.Code {
		t.Fatalf("exemption: %+v %v", ex, err)
	}
	if _, _, err := svc.File(ctx, "1.004873", in("Lò Thị Dung", dossier.FeeTerms{Exempt: true}), dossier.Actor{P: counter}, dossier.Idempotency{}); !errors.Is(err, dossier.ErrExemptionGround) {
		t.Fatalf("exemption without a ground: %v", err)
	}

	_, total, err := e.s.Dossiers(ctx, store.DossierQuery{UnitID: e.unit, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := e.s.PendingPaymentRequests(ctx, e.unit, 1000)
	if err != nil {
		t.Fatal(err)
	}
	svc.Fees = failingBiller{e.pay}
	if _, _, err := svc.File(ctx, "1.004873", in("Hà Văn Quý", dossier.FeeTerms{}), dossier.Actor{P: counter}, dossier.Idempotency{}); !errors.Is(err, errAfterBilling) {
		t.Fatalf("failing billing: %v", err)
	}
	if _, total2, err := e.s.Dossiers(ctx, store.DossierQuery{UnitID: e.unit, Limit: 1}); err != nil || total2 != total {
		t.Fatalf("a failed billing left a dossier: %d → %d (%v)", total, total2, err)
	}
	if after, err := e.s.PendingPaymentRequests(ctx, e.unit, 1000); err != nil || len(after) != len(pending) {
		t.Fatalf("a failed filing left a payment request: %d → %d (%v)", len(pending), len(after), err)
	}
}

// officialOf is the demo user username as a principal with role in the commune.
func officialOf(t *testing.T, e *payEnv, username string, role auth.Role) *auth.Principal {
	t.Helper()
	u, err := e.s.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Memberships: []auth.Membership{{UnitID: e.unit, Role: role}}}
}
