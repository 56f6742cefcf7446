package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestPaymentSummary: the helper and partial the dossier pages include show a dossier's
// requests with what is owed, the QR code (with the look-up secret when asked), the
// receipt once issued, and the accountant's link for an accountant only.
func TestPaymentSummary(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	hasher := auth.NewHasher(auth.TestParams, 1)
	if _, err := demo.LoadWith(ctx, st, hasher, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	u, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Store: st, Auth: auth.NewService(st, hasher, ratelimit.NewBackoff(ratelimit.PerAccount), ratelimit.NewBackoff(ratelimit.PerAccount)), HomeUnitID: u.ID,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: prometheus.NewRegistry(), SessionLife: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := st.Dossiers(ctx, store.DossierQuery{UnitID: u.ID, Limit: 100})
	if err != nil || len(ds) == 0 {
		t.Fatal(err)
	}
	d := ds[0]
	accountant := &auth.Principal{UserID: 1, FullName: "Kế toán", Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleAccountant}}}
	counter := &auth.Principal{UserID: 2, Memberships: []auth.Membership{{UnitID: u.ID, Role: auth.RoleCounter}}}
	asAccountant, asCounter := auth.WithPrincipal(ctx, accountant), auth.WithPrincipal(ctx, counter)

	v, err := s.paymentSummary(asAccountant, d)
	if err != nil || v.HasRequests() {
		t.Fatalf("before billing: %+v %v", v, err)
	}
	render := func(v paymentView) string {
		var b bytes.Buffer
		if err := s.views.pages["payments"].ExecuteTemplate(&b, "payments", v); err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(b.String()), " ")
	}
	if got := render(v); !strings.Contains(got, "chưa có yêu cầu nộp phí") {
		t.Errorf("no requests: %s", got)
	}

	if _, err := st.SetPaymentAccount(ctx, payment.Account{UnitID: u.ID, BIN: "970415", Number: "113366668888", Name: "UBND XA YEN TU"}); err != nil {
		t.Fatal(err)
	}
	req, ev, err := payment.NewRequest(d.Code, []catalog.Fee{{Name: "Lệ phí cấp giấy xác nhận", Amount: 5000}}, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req.UnitID, ev.By = d.CompetentUnitID, payment.Actor{ID: 1, Name: "Kế toán"}
	pr, err := st.CreatePaymentRequest(ctx, d.ID, req, ev)
	if err != nil {
		t.Fatal(err)
	}
	v, err = s.paymentSummary(asAccountant, d)
	if err != nil || len(v.Requests) != 1 || v.Owed != 5000 || v.AccountName != "UBND XA YEN TU" || !v.Accountant {
		t.Fatalf("billed: %+v %v", v, err)
	}
	l := v.Requests[0]
	if l.QR != "/api/v1/payments/"+pr.Reference+"/qr.png" || !strings.HasSuffix(l.Desk, "#yc-"+pr.Reference) || l.Receipt != "" {
		t.Errorf("links: %+v", l)
	}
	html := render(v)
	for _, want := range []string{"Còn phải nộp: <strong>5.000 đồng</strong>", `<img src="/api/v1/payments/` + pr.Reference + `/qr.png"`,
		"Lệ phí cấp giấy xác nhận: 5.000 đồng", "Xử lý tại trang Thu phí", "UBND XA YEN TU",
		// The Nộp phí block: words, the account as text to copy, the transfer content, a link to save the image.
		"Bằng chữ: Năm nghìn đồng", `<dd class="bank">VietinBank</dd>`, `<dd class="code account-number">113366668888</dd>`,
		`<dd class="code transfer-content">` + pr.Reference + `</dd>`,
		`<a class="button secondary save-qr" href="/api/v1/payments/` + pr.Reference + `/qr.png" download="VietQR-` + pr.Reference + `.png">`} {
		if !strings.Contains(html, want) {
			t.Errorf("partial lacks %q: %s", want, html)
		}
	}
	if v, _ := s.paymentSummary(asCounter, d); v.Accountant || v.Requests[0].Desk != "" {
		t.Error("the counter officer gets the accountant's link")
	}
	public := v.WithSecret("K7M2-Q9TX")
	if got := public.Requests[0].QR; got != "/api/v1/payments/"+pr.Reference+"/qr.png?secret=K7M2-Q9TX" || public.Requests[0].Desk != "" {
		t.Errorf("with secret: %+v", public.Requests[0])
	}
	if v.Requests[0].QR == public.Requests[0].QR {
		t.Error("WithSecret changed the original view")
	}

	// Paid in cash with a receipt configuration: the receipt's link, nothing owed.
	if _, err := s.Payments.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: u.ID, Template: "EBL01", Series: time.Now().Format("06") + "T",
		Collector: payment.Party{Name: "UBND xã Yên Từ", TaxCode: "2700123456"}}); err != nil {
		t.Fatal(err)
	}
	after := pr
	cash, err := after.Confirm(payment.Payment{Method: payment.MethodCash, Amount: 5000, By: payment.Actor{ID: 1, Name: "Kế toán"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	saved, issued, err := s.Payments.Save(ctx, payment.Change{Before: pr, After: after.Request, Event: cash})
	if err != nil || issued.Receipt == nil {
		t.Fatalf("cash: %v %+v", err, issued)
	}
	v, err = s.paymentSummary(asCounter, d)
	if err != nil || v.Owed != 0 || v.Requests[0].QR != "" || v.Requests[0].Receipt == "" || v.Requests[0].State != saved.State {
		t.Fatalf("paid: %+v %v", v, err)
	}
	html = render(v.WithSecret("K7M2-Q9TX"))
	if !strings.Contains(html, "Đã thanh toán") || !strings.Contains(html, ".pdf?secret=K7M2-Q9TX") || strings.Contains(html, "<img") {
		t.Errorf("paid partial: %s", html)
	}
}
