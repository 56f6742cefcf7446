package web_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/testtool"
	"github.com/xaso-vn/xaso/internal/unit"
)

// paymentSetup gives the demo commune a collection account and a receipt series, as its
// administrator would.
func paymentSetup(t *testing.T, e *env) unit.Unit {
	t.Helper()
	ctx := context.Background()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Payments.SetAccount(ctx, payment.Account{UnitID: u.ID, BIN: "970415", Number: "113366668888", Name: "UBND XA YEN TU"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Payments.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: u.ID, Template: "EBL01",
		Series:    strconv.Itoa(time.Now().Year()%100) + "T",
		Collector: payment.Party{Name: "Ủy ban nhân dân xã Yên Từ", TaxCode: "2700123456"}}); err != nil {
		t.Fatal(err)
	}
	return u
}

// otherAccountant creates a unit with an accountant of its own and logs them in.
func otherAccountant(t *testing.T, e *env) *http.Client {
	t.Helper()
	ctx := context.Background()
	province, err := e.st.UnitByCode(ctx, "37")
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.st.CreateUnit(ctx, unit.Unit{Code: "99999", Level: unit.Commune, ParentID: &province.ID, Name: "Xã Khác",
		IdentCode: "000.99.37.H45", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.NewHasher(auth.TestParams, 1).Hash(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateUser(ctx, auth.User{Username: "ketoankhac", FullName: "Kế Toán Khác", PasswordHash: hash},
		[]auth.Membership{{UnitID: id, Role: auth.RoleAccountant}}); err != nil {
		t.Fatal(err)
	}
	c, resp := e.login(t, "ketoankhac", demo.Password)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	return c
}

func TestAccountantPage(t *testing.T) {
	e := newEnv(t)
	paymentSetup(t, e)
	token := bearer(t, e, "ketoan")
	mai := bill(t, e, token, demoDossier(t, e, "Trần Thị Mai").Code)
	hung := bill(t, e, token, demoDossier(t, e, "Lê Văn Hùng").Code)

	today := time.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
	// The unit's administrator sees the day but acts on nothing.
	admin, _ := e.login(t, "quantri", demo.Password)
	resp, page := get(t, admin, e.ts.URL+"/office/payments")
	if resp.StatusCode != 200 || !has(t, page, "li#yc-"+mai.Reference) || has(t, page, "form[method=post]") && has(t, page, "form[action=/office/payments/"+mai.Reference+"/confirm]") {
		t.Errorf("administrator: %d", resp.StatusCode)
	}

	accountant, _ := e.login(t, "ketoan", demo.Password)
	resp, page = get(t, accountant, e.ts.URL+"/office/payments")
	if resp.StatusCode != 200 {
		t.Fatalf("page: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	if got := attrAt(t, page, `a[aria-current=page]`, "href"); got != "/office/payments" {
		t.Errorf("current tab %q", got)
	}
	for _, sel := range []string{"li#yc-" + mai.Reference, "form[action=/office/payments/" + mai.Reference + "/confirm]",
		"form[action=/office/payments/" + mai.Reference + "/cash]", "form[action=/office/payments/" + mai.Reference + "/cancel]",
		"a[href=/api/v1/payments/reconciliation?format=csv&unit=" + demo.CommuneCode + "&date=" + today + "]",
		"a[href=/api/v1/payments/receipts/summary?unit=" + demo.CommuneCode + "&date=" + today + "]"} {
		if !has(t, page, sel) {
			t.Errorf("no %s on the page", sel)
		}
	}
	if got := facts(t, page)["Phải thu"]; !strings.HasPrefix(got, "10.000 đồng") {
		t.Errorf("expected %q, want the two requests of 5.000 đồng", got)
	}
	form := func(version int, kv ...string) url.Values {
		v := url.Values{"version": {strconv.Itoa(version)}, "date": {today}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	confirmURL := e.ts.URL + "/office/payments/" + mai.Reference + "/confirm"

	// Refused forms come back with the messages at their fields, their codes and the
	// values typed.
	resp, page = post(t, accountant, confirmURL, form(mai.Version, "amount", "năm nghìn"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty transaction id: %d", resp.StatusCode)
	}
	id := mai.Reference + "-confirm"
	if got := attrAt(t, page, "p#"+id+"-transaction_id-error", "data-code"); got != "transaction_id_required" {
		t.Errorf("transaction id error code %q", got)
	}
	if got := attrAt(t, page, "p#"+id+"-amount-error", "data-code"); got != "invalid_payment_amount" {
		t.Errorf("amount error code %q", got)
	}
	if got := attrAt(t, page, "input#"+id+"-amount", "value"); got != "năm nghìn" {
		t.Errorf("typed amount not kept: %q", got)
	}
	if got := textAt(t, page, "details[open]"); !strings.HasPrefix(got, "Xác nhận theo sao kê") {
		t.Errorf("the open form is %q, want the refused one", got)
	}
	if resp, page = post(t, accountant, confirmURL, form(mai.Version+7, "amount", "5000", "transaction_id", "FT1")); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(textAt(t, page, "p.error"), "payment_changed") {
		t.Errorf("stale version: %d", resp.StatusCode)
	}
	if resp, _ = post(t, accountant, e.ts.URL+"/office/payments/"+mai.Reference+"/dance", form(mai.Version)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown action: %d", resp.StatusCode)
	}
	if resp, _ = post(t, accountant, confirmURL, url.Values{"version": {"1"}, "date": {"2026-02-30"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad date: %d", resp.StatusCode)
	}

	// Confirmed against the statement: paid, receipted, in the day's figures.
	resp, _ = post(t, accountant, confirmURL, form(mai.Version, "amount", "5.000", "transaction_id", "FT26001122"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/office/payments?date="+today) {
		t.Fatalf("confirm: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = get(t, accountant, e.ts.URL+resp.Header.Get("Location"))
	if got := textAt(t, page, "p.flash"); !strings.Contains(got, "Đã thanh toán") || !strings.Contains(got, "biên lai số") {
		t.Errorf("flash %q", got)
	}
	after := payments(t, e, token, mai.DossierCode)[0]
	if after.State != payment.StatePaid || after.Method != payment.MethodStatement || after.Receipt == nil ||
		after.History[len(after.History)-1].TransactionID != "FT26001122" {
		t.Fatalf("after confirm: %+v", after)
	}
	if !has(t, page, "a[href=/api/v1/receipts/"+strconv.FormatInt(after.Receipt.ID, 10)+".pdf]") {
		t.Error("no receipt link")
	}
	if got := facts(t, page)["Đã thu trong ngày"]; got != "5.000 đồng" {
		t.Errorf("received %q", got)
	}
	if has(t, page, "form[action=/office/payments/"+mai.Reference+"/confirm]") {
		t.Error("a paid request still offers confirmation by statement")
	}

	// Cancel and refund need their reason.
	cancelURL := e.ts.URL + "/office/payments/" + hung.Reference + "/cancel"
	resp, page = post(t, accountant, cancelURL, form(hung.Version))
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		attrAt(t, page, "p#"+hung.Reference+"-cancel-reason-error", "data-code") != "payment_reason_required" {
		t.Errorf("cancel without reason: %d", resp.StatusCode)
	}
	refundURL := e.ts.URL + "/office/payments/" + mai.Reference + "/refund"
	resp, page = post(t, accountant, refundURL, form(after.Version, "amount", "1000", "reason", "Nhầm"))
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		attrAt(t, page, "p#"+mai.Reference+"-refund-amount-error", "data-code") != "invalid_refund_amount" {
		t.Errorf("partial refund of an exact payment: %d", resp.StatusCode)
	}
	if resp, _ = post(t, accountant, cancelURL, form(hung.Version, "reason", "Người dân rút hồ sơ")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("cancel: %d", resp.StatusCode)
	}
	if got := payments(t, e, token, hung.DossierCode)[0]; got.State != payment.StateCancelled {
		t.Errorf("after cancel: %s", got.State)
	}
	if resp, _ = post(t, accountant, refundURL, form(after.Version, "amount", "5000", "reason", "Thu nhầm")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("refund: %d", resp.StatusCode)
	}
	if got := payments(t, e, token, mai.DossierCode)[0]; got.State != payment.StateRefunded {
		t.Errorf("after refund: %s", got.State)
	}
	recs, _, err := e.st.AuditRecords(context.Background(), demoUnitID(t, e), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Event.Action] = true
	}
	for _, a := range []string{"payment.confirm", "payment.cancel", "payment.refund", "receipt.issue"} {
		if !seen[a] {
			t.Errorf("no %s in the audit log", a)
		}
	}

	// An accountant of another unit sees neither the page of this one nor its requests.
	other := otherAccountant(t, e)
	if resp, _ = get(t, other, e.ts.URL+"/office/payments?unit="+demo.CommuneCode); resp.StatusCode != http.StatusForbidden {
		t.Errorf("other unit's page: %d", resp.StatusCode)
	}
	if resp, _ = post(t, other, e.ts.URL+"/office/payments/"+hung.Reference+"/confirm", form(hung.Version, "amount", "5000", "transaction_id", "FT9")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other unit's request: %d", resp.StatusCode)
	}
	if resp, _ = get(t, other, e.ts.URL+"/office/payments"); resp.StatusCode != 200 {
		t.Errorf("own page: %d", resp.StatusCode)
	}
	// Bad input is a page, never a 500.
	for _, q := range []string{"?date=hôm-nay", "?date=2026-13-01", "?unit=nope"} {
		if resp, _ = get(t, accountant, e.ts.URL+"/office/payments"+q); resp.StatusCode >= 500 || resp.StatusCode == 200 {
			t.Errorf("%s: %d", q, resp.StatusCode)
		}
	}
}

func demoUnitID(t *testing.T, e *env) int64 {
	t.Helper()
	u, err := e.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestAccountantMatchesTransfer: a transfer the webhook could not tie to a request is
// recorded on the request the accountant names.
func TestAccountantMatchesTransfer(t *testing.T) {
	e := newEnv(t)
	paymentSetup(t, e)
	token := bearer(t, e, "ketoan")
	mai := bill(t, e, token, demoDossier(t, e, "Trần Thị Mai").Code)
	status, body := apiSend(t, e, bearer(t, e, "quantri"), "POST", "/api/v1/payments/account/secret", "")
	if status != 200 {
		t.Fatalf("secret: %d %s", status, body)
	}
	secret := decode[struct{ Secret string }](t, body).Secret
	now := time.Now()
	stray := notificationBody("FT77", 5000, "CHUYEN TIEN LE PHI", now.Add(-time.Minute))
	if status, _, body := notify(t, e, demo.CommuneCode, stray, payment.SignNotification([]byte(stray), []byte(secret), now)); status != 200 {
		t.Fatalf("notify: %d %s", status, body)
	}
	accountant, _ := e.login(t, "ketoan", demo.Password)
	_, page := get(t, accountant, e.ts.URL+"/office/payments")
	action := attrAt(t, page, "form.match-other", "action")
	if !strings.HasPrefix(action, "/office/payments/transfers/") {
		t.Fatalf("no form to record the transfer: %q", action)
	}
	resp, page := post(t, accountant, e.ts.URL+action, url.Values{"reference": {"XS000000000000"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !has(t, page, "p.field-error[data-code=payment_request_not_found]") {
		t.Errorf("unknown reference: %d", resp.StatusCode)
	}
	if resp, _ = post(t, accountant, e.ts.URL+action, url.Values{"reference": {strings.ToLower(mai.Reference)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d", resp.StatusCode)
	}
	got := payments(t, e, token, mai.DossierCode)[0]
	if got.State != payment.StatePaid || got.History[len(got.History)-1].TransactionID != "FT77" {
		t.Errorf("after recording the transfer: %+v", got)
	}
	if resp, page = post(t, accountant, e.ts.URL+action, url.Values{"reference": {mai.Reference}}); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusConflict {
		t.Errorf("recorded twice: %d", resp.StatusCode)
	}
}

// TestReceiptPDFAndSignature: a receipt issued on payment is signed (XML-DSig) in its
// issuing transaction; its PDF view is served to the unit's officials and to whoever
// holds the dossier's look-up secret, and says whether the signature is valid. Signed
// with the deployment's throw-away key and no trust anchor it is not; once the unit's own
// key from a trusted CA is installed, its receipts and summaries are, and name the unit.
func TestReceiptPDFAndSignature(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	paymentSetup(t, e)
	accountant := bearer(t, e, "ketoan")
	d := demoDossier(t, e, "Trần Thị Mai")
	mai := bill(t, e, accountant, d.Code)
	status, body := apiSend(t, e, accountant, "POST", "/api/v1/payments/"+mai.Reference+"/confirm",
		`{"version":`+strconv.Itoa(mai.Version)+`,"method":"cash","amount":5000}`)
	if status != 200 {
		t.Fatalf("cash: %d %s", status, body)
	}
	paid := decode[paymentView](t, body)
	if paid.Receipt == nil {
		t.Fatalf("no receipt: %s", body)
	}
	status, _, signed := fetch(t, e, accountant, paid.Receipt.XML)
	if status != 200 {
		t.Fatalf("xml: %d", status)
	}
	cert, err := xmldsig.Verify(signed)
	if err != nil || xmldsig.Name(cert) != "Xã Yên Từ (kiểm thử)" {
		t.Fatalf("the stored receipt does not verify: %v\n%s", err, signed)
	}
	if _, err := xmldsig.Verify(bytes.Replace(signed, []byte("<Total>5000<"), []byte("<Total>50000<"), 1)); !errors.Is(err, xmldsig.ErrInvalid) {
		t.Errorf("a tampered receipt verifies: %v", err)
	}
	// The deployment's self-signed key, no trust anchor: intact, but not valid.
	if sig := paid.Receipt.Signature; sig.Valid || !sig.Intact || sig.Key != payment.KeyDeployment || sig.Code != "no_trust_anchors" {
		t.Errorf("signature of the deployment's key: %+v", sig)
	}
	status, _, summary := fetch(t, e, accountant, "/api/v1/payments/receipts/summary")
	if status != 200 {
		t.Fatalf("summary: %d", status)
	}
	if _, err := xmldsig.Verify(summary); err != nil {
		t.Errorf("the day's summary does not verify: %v", err)
	}

	pdf := "/api/v1/receipts/" + strconv.FormatInt(paid.Receipt.ID, 10) + ".pdf"
	if paid.Receipt.PDF != pdf {
		t.Errorf("pdf link %q", paid.Receipt.PDF)
	}
	for who, tc := range map[string]struct {
		token, path string
		want        int
	}{
		"accountant":        {accountant, pdf, 200},
		"counter officer":   {bearer(t, e, "motcua"), pdf, 200},
		"with the secret":   {"", pdf + "?secret=" + url.QueryEscape(d.Secret), 200},
		"wrong secret":      {"", pdf + "?secret=AAAA-BBBB", 404},
		"anonymous":         {"", pdf, 404},
		"citizen not owner": {bearer(t, e, "congdan"), pdf, 404},
		"not a pdf name":    {accountant, "/api/v1/receipts/" + strconv.FormatInt(paid.Receipt.ID, 10) + ".xml", 404},
		"no such receipt":   {accountant, "/api/v1/receipts/99999.pdf", 404},
		"garbage":           {accountant, "/api/v1/receipts/-1.pdf", 404},
	} {
		status, ct, b := fetch(t, e, tc.token, tc.path)
		if status != tc.want {
			t.Errorf("%s: %d, want %d", who, status, tc.want)
		}
		if status == 200 && (ct != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-"))) {
			t.Errorf("%s: %s", who, ct)
		}
	}
	_, _, b := fetch(t, e, accountant, pdf)
	text := pdfText(t, b)
	for _, want := range []string{"BIÊN LAI THU PHÍ, LỆ PHÍ", "Ký hiệu mẫu: EBL01", "Số: 00000001", "Mã số thuế: 2700123456",
		"Người nộp: Trần Thị Mai", "Số tiền bằng chữ: Năm nghìn đồng", "Chữ ký số không hợp lệ", mai.Reference} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Đã ký số bởi") {
		t.Errorf("an untrusted signature is shown as valid:\n%s", text)
	}

	// The unit's own key, from a CA the administrator trusts.
	ca, err := democa.New("CA kiểm thử", true)
	if err != nil {
		t.Fatal(err)
	}
	c, key, err := ca.Issue(democa.CertOptions{CommonName: "UBND xã Yên Từ — biên lai", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := democa.EncodePKCS12(key, c, []*x509.Certificate{ca.Cert}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Payments.AddReceiptKey(ctx, u.ID, p12, "pw"); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddTrustAnchor(ctx, ca.Cert); err != nil {
		t.Fatal(err)
	}
	hung := bill(t, e, accountant, demoDossier(t, e, "Lê Văn Hùng").Code)
	status, body = apiSend(t, e, accountant, "POST", "/api/v1/payments/"+hung.Reference+"/confirm",
		`{"version":`+strconv.Itoa(hung.Version)+`,"method":"cash","amount":5000}`)
	if status != 200 {
		t.Fatalf("cash: %d %s", status, body)
	}
	paid = decode[paymentView](t, body)
	if paid.Receipt == nil {
		t.Fatalf("no receipt: %s", body)
	}
	if sig := paid.Receipt.Signature; !sig.Valid || sig.Key != payment.KeyUnit || sig.SignerUnit != demo.CommuneCode ||
		sig.Chain.Status != signing.ChainTrusted || sig.Signer.CommonName != "UBND xã Yên Từ — biên lai" {
		t.Errorf("signature of the unit's key: %+v", sig)
	}
	_, _, b = fetch(t, e, accountant, paid.Receipt.PDF)
	if text := pdfText(t, b); !strings.Contains(text, "Đã ký số bởi UBND xã Yên Từ — biên lai") {
		t.Errorf("the PDF does not name the unit's key:\n%s", text)
	}
	_, _, summary = fetch(t, e, accountant, "/api/v1/payments/receipts/summary")
	if got, err := xmldsig.Verify(summary); err != nil || !got.Equal(c) {
		t.Errorf("the day's summary is not signed with the unit's key: %v", err)
	}
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils), or skips the test.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := testtool.Path(t, "pdftotext", "apt-get install poppler-utils")
	f := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestAdminPaymentSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	commune := demoUnitID(t, e)
	admin, _ := e.login(t, "quantri", demo.Password)
	resp, page := get(t, admin, e.ts.URL+"/admin/payments")
	if resp.StatusCode != 200 || !strings.Contains(textAt(t, page, "main"), "chưa khai báo tài khoản thu") {
		t.Fatalf("settings: %d", resp.StatusCode)
	}
	if got := attrAt(t, page, "a[aria-current=page]", "href"); got != "/admin/payments" {
		t.Errorf("current tab %q", got)
	}

	// The collection account: messages at the fields, values kept.
	resp, page = post(t, admin, e.ts.URL+"/admin/payments/account", url.Values{"bin": {"97041"}, "number": {"1133 6666 8888"}, "name": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad account: %d", resp.StatusCode)
	}
	for field, code := range map[string]string{"bin": "invalid_bin", "name": "account_name_required"} {
		if got := attrAt(t, page, "p#account-"+field+"-error", "data-code"); got != code {
			t.Errorf("%s: code %q, want %s", field, got, code)
		}
	}
	if has(t, page, "p#account-number-error") || attrAt(t, page, "input#account-bin", "value") != "97041" {
		t.Error("the number was refused or the BIN not kept")
	}
	if _, page = post(t, admin, e.ts.URL+"/admin/payments/account", url.Values{"bin": {"970415"}, "number": {"12AB"}, "name": {"X"}, "card": {"1"}}); attrAt(t, page, "p#account-number-error", "data-code") != "invalid_card_number" {
		t.Error("a card number with letters is accepted")
	}
	resp, _ = post(t, admin, e.ts.URL+"/admin/payments/account", url.Values{"bin": {"970415"}, "number": {"1133 6666 8888"}, "name": {"UBND XA YEN TU"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("account: %d", resp.StatusCode)
	}
	a, err := e.st.PaymentAccount(ctx, commune)
	if err != nil || a.BIN != "970415" || a.Number != "113366668888" || a.Name != "UBND XA YEN TU" {
		t.Fatalf("stored account: %+v %v", a, err)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/payments")
	if got := textAt(t, page, "p.flash"); !strings.Contains(got, "VietinBank") {
		t.Errorf("flash %q", got)
	}

	// The webhook secret: shown once.
	resp, page = post(t, admin, e.ts.URL+"/admin/payments/secret", url.Values{})
	secret := textAt(t, page, "p#new-secret")
	ws, err := e.st.WebhookSecrets(ctx, commune)
	if resp.StatusCode != 200 || len(secret) != 64 || string(ws.Current) != secret {
		t.Fatalf("secret: %d %q", resp.StatusCode, secret)
	}
	if _, page = get(t, admin, e.ts.URL+"/admin/payments"); has(t, page, "p#new-secret") || strings.Contains(page, secret) {
		t.Error("the secret is shown again")
	}

	// The receipt configuration: the rules' problems at their fields.
	year := time.Now().Year() % 100
	resp, page = post(t, admin, e.ts.URL+"/admin/payments/receipts", url.Values{"template": {"EBL01"}, "series": {strconv.Itoa((year+97)%100) + "T"},
		"collector_name": {"Ủy ban nhân dân xã Yên Từ"}, "collector_tax_code": {"27001"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad receipt config: %d", resp.StatusCode)
	}
	for field, code := range map[string]string{"series": "invalid_receipt_series", "collector_tax_code": "invalid_receipt_collector_tax_code"} {
		if got := attrAt(t, page, "p#receipt-"+field+"-error", "data-code"); got != code {
			t.Errorf("%s: code %q, want %s", field, got, code)
		}
	}
	series := strconv.Itoa(year) + "T"
	resp, _ = post(t, admin, e.ts.URL+"/admin/payments/receipts", url.Values{"template": {"ebl01"}, "series": {series},
		"collector_name": {"Ủy ban nhân dân xã Yên Từ"}, "collector_tax_code": {"2700123456"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("receipt config: %d", resp.StatusCode)
	}
	if cfg, err := e.st.ReceiptConfig(ctx, commune); err != nil || cfg.Template != "EBL01" || cfg.Series != series {
		t.Errorf("stored configuration: %+v %v", cfg, err)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/payments")
	if got := textAt(t, page, "section[aria-labelledby=bien-lai]"); !strings.Contains(got, "năm "+strconv.Itoa(time.Now().Year())) {
		t.Errorf("the series' year is not shown: %q", got)
	}

	// Validity dates: a bad date and an ended range at their fields; a range around today kept.
	base := url.Values{"template": {"EBL01"}, "series": {series}, "collector_name": {"Ủy ban nhân dân xã Yên Từ"}, "collector_tax_code": {"2700123456"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	now := time.Now().In(time.FixedZone("ICT", 7*3600))
	if _, page = post(t, admin, e.ts.URL+"/admin/payments/receipts", with("valid_from", "2026-02-30")); attrAt(t, page, "p#receipt-valid_from-error", "data-code") != "invalid_date" {
		t.Error("an impossible date is accepted")
	}
	if _, page = post(t, admin, e.ts.URL+"/admin/payments/receipts", with("valid_until", now.AddDate(0, 0, -1).Format("2006-01-02"))); attrAt(t, page, "p#receipt-valid_until-error", "data-code") != "invalid_receipt_valid_until" {
		t.Error("an ended validity is accepted")
	}
	from, until := now.AddDate(0, 0, -1).Format("2006-01-02"), now.AddDate(0, 0, 1).Format("2006-01-02")
	if resp, _ = post(t, admin, e.ts.URL+"/admin/payments/receipts", with("valid_from", from, "valid_until", until)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("validity: %d", resp.StatusCode)
	}
	if cfg, err := e.st.ReceiptConfig(ctx, commune); err != nil || cfg.ValidFrom.String() != from || cfg.ValidUntil.String() != until {
		t.Errorf("stored validity: %+v %v", cfg, err)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/payments")
	if got := attrAt(t, page, "input#receipt-valid_until", "value"); got != until {
		t.Errorf("validity not shown in the form: %q", got)
	}

	recs, _, err := e.st.AuditRecords(ctx, commune, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Event.Action] = true
	}
	for _, a := range []string{"payment.account.set", "payment.account.secret", "payment.receipt_config.set"} {
		if !seen[a] {
			t.Errorf("no %s in the audit log", a)
		}
	}
	accountant, _ := e.login(t, "ketoan", demo.Password)
	if resp, _ = get(t, accountant, e.ts.URL+"/admin/payments"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("accountant: %d", resp.StatusCode)
	}
	otherAccountant(t, e) // creates the unit 99999
	if resp, _ = get(t, admin, e.ts.URL+"/admin/payments?unit=99999"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another unit's settings: %d", resp.StatusCode)
	}
}
