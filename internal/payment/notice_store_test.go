package payment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
)

// TestFeeNotice: billing a dossier owes its applicant a message of kind fee in the same
// transaction, with the amount in figures and the transfer content, once per request.
func TestFeeNotice(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	var d dossier.Dossier
	for _, x := range e.dossiers {
		if notify.E164(x.Applicant.Phone) != "" {
			d = x
			break
		}
	}
	if d.ID == 0 {
		t.Fatal("the demo has no dossier with a phone: the fee notice cannot be tested")
	}
	counter := dossier.Actor{P: &auth.Principal{UserID: e.official.UserID, Memberships: []auth.Membership{{UnitID: e.unit, Role: auth.RoleCounter}}}}
	pr, err := e.pay.CreateRequest(ctx, d, counter)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Notice != nil {
		t.Error("the notice is returned with the stored request")
	}
	pending, err := e.s.ClaimOutbox(ctx, time.Now().Add(24*time.Hour), time.Minute, 500)
	if err != nil {
		t.Fatal(err)
	}
	var fees []notify.Pending
	for _, p := range pending {
		if p.Kind == notify.KindFee {
			fees = append(fees, p)
		}
	}
	if len(fees) != 1 {
		t.Fatalf("%d fee messages, want 1", len(fees))
	}
	m := fees[0]
	if m.Ref != d.Code || m.Phone != notify.E164(d.Applicant.Phone) || m.UserID != d.OwnerID ||
		m.Data["so_tien"] != locale.Number(pr.Amount) || m.Data["noi_dung_ck"] != pr.Reference || m.Data["ma_ho_so"] != d.Code {
		t.Errorf("fee message %+v", m)
	}
	sms := notify.Render(notify.DefaultTemplate(notify.KindFee, notify.ChanSMS), m.Data)
	if !strings.Contains(sms, locale.Number(pr.Amount)+" dong") || !strings.Contains(sms, pr.Reference) {
		t.Errorf("SMS %q", sms)
	}
	if !strings.Contains(m.Body, pr.Reference) || !strings.Contains(m.Body, locale.Money(pr.Amount)) {
		t.Errorf("e-mail body %q", m.Body)
	}
}
