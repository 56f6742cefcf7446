package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/vietqr"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// paymentView is the part of a payment request the tests read.
type paymentView struct {
	ID          int64          `json:"id"`
	Reference   string         `json:"reference"`
	DossierCode string         `json:"dossier_code"`
	Amount      int64          `json:"amount"`
	Paid        int64          `json:"paid"`
	Outstanding int64          `json:"outstanding"`
	State       payment.State  `json:"state"`
	Flags       payment.Flags  `json:"flags"`
	Method      payment.Method `json:"method"`
	Version     int            `json:"version"`
	Allowed     []string       `json:"allowed_actions"`
	QR          *struct {
		PNG, SVG string
	} `json:"qr"`
	Receipt *struct {
		ID        int64                   `json:"id"`
		Number    int                     `json:"number"`
		Series    string                  `json:"series"`
		XML       string                  `json:"xml"`
		PDF       string                  `json:"pdf"`
		Signature payment.SignatureReport `json:"signature"`
	} `json:"receipt"`
	ReceiptProblem string `json:"receipt_problem"`
	History        []struct {
		Action        payment.Action `json:"action"`
		TransactionID string         `json:"transaction_id"`
	} `json:"history"`
}

// demoDossier returns the demo's current dossier filed for applicant.
func demoDossier(t *testing.T, e *env, applicant string) dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := e.st.Dossiers(ctx, store.DossierQuery{UnitID: u.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Applicant.FullName == applicant {
			return d
		}
	}
	t.Fatalf("no demo dossier of %s", applicant)
	return dossier.Dossier{}
}

func bill(t *testing.T, e *env, token, code string) paymentView {
	t.Helper()
	status, body := apiSend(t, e, token, "POST", "/api/v1/dossiers/"+code+"/payments", "")
	if status != http.StatusCreated {
		t.Fatalf("bill %s: %d %s", code, status, body)
	}
	return decode[paymentView](t, body)
}

func payments(t *testing.T, e *env, token, code string) []paymentView {
	t.Helper()
	var list httpx.List[paymentView]
	if status, p := apiGet(t, e, token, "/api/v1/dossiers/"+code+"/payments", &list); status != 200 {
		t.Fatalf("payments of %s: %d %+v", code, status, p)
	}
	return list.Items
}

// notify posts a bank notification to the unit's webhook as a bank does: no session,
// no token, no Origin or Sec-Fetch-Site header.
func notify(t *testing.T, e *env, unitCode, body, signature string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/payments/notifications/"+unitCode, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(payment.SignatureHeader, signature)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func notificationBody(txID string, amount int64, description string, at time.Time) string {
	b, _ := json.Marshal(map[string]any{"transaction_id": txID, "bank_bin": "970415", "account": "113366668888", "amount": amount,
		"description": description, "transacted_at": at.In(locale.Zone).Format(time.RFC3339)})
	return string(b)
}

// fetch gets a binary resource with an optional bearer token.
func fetch(t *testing.T, e *env, token, path string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// scanQR decodes a PNG with zbarimg (Debian zbar-tools), or skips the test without it.
func scanQR(t *testing.T, png []byte) vietqr.Payload {
	t.Helper()
	zbar := testtool.Path(t, "zbarimg", "apt-get install zbar-tools")
	f := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(f, png, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--raw", "-q", f).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	p, err := vietqr.Decode(strings.TrimRight(string(out), "\r\n"))
	if err != nil {
		t.Fatalf("decoded %q: %v", out, err)
	}
	return p
}

func TestPaymentAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin, accountant, counter, citizen, leader := bearer(t, e, "quantri"), bearer(t, e, "ketoan"), bearer(t, e, "motcua"),
		bearer(t, e, "congdan"), bearer(t, e, "lanhdao")
	d1, d2, d3 := demoDossier(t, e, "Trần Thị Mai"), demoDossier(t, e, "Lê Văn Hùng"), demoDossier(t, e, "Hoàng Văn Nam")
	unitQ := "?unit=" + demo.CommuneCode

	// Billing: 5,000 đồng of procedure 1.004873 at the counter.
	p1 := bill(t, e, counter, d1.Code)
	if p1.Amount != 5000 || p1.State != payment.StatePending || p1.Version != 1 || p1.QR == nil || len(p1.Reference) != payment.ReferenceLength {
		t.Fatalf("request: %+v", p1)
	}
	if status, body := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+d1.Code+"/payments", ""); status != 409 || !strings.Contains(body, `"payment_request_exists"`) {
		t.Fatalf("second request: %d %s", status, body)
	}
	if status, body := apiSend(t, e, citizen, "POST", "/api/v1/dossiers/"+d1.Code+"/payments", ""); status != 404 {
		t.Fatalf("a stranger bills: %d %s", status, body)
	}
	if status, body := apiSend(t, e, leader, "POST", "/api/v1/dossiers/"+d2.Code+"/payments", ""); status != 403 {
		t.Fatalf("the leader bills: %d %s", status, body)
	}
	// The online dossier: its fee is waived online (0 đồng): nothing to pay.
	online := demoDossier(t, e, "Nguyễn Văn An")
	if status, body := apiSend(t, e, citizen, "POST", "/api/v1/dossiers/"+online.Code+"/payments", ""); status != 409 || !strings.Contains(body, `"nothing_to_pay"`) {
		t.Fatalf("free dossier: %d %s", status, body)
	}
	if status, _, _ := fetch(t, e, counter, "/api/v1/payments/"+p1.Reference+"/qr.png"); status != 404 {
		t.Fatalf("QR code without a collection account: %d", status)
	}

	// The unit administrator sets the account, the webhook secret and the receipts.
	if status, body := apiSend(t, e, admin, "PUT", "/api/v1/payments/account"+unitQ, `{"bin":"97041","number":"113366668888","name":"UBND XA YEN TU"}`); status != 422 || !strings.Contains(body, "invalid_collection_account") {
		t.Fatalf("bad BIN: %d %s", status, body)
	}
	if status, body := apiSend(t, e, accountant, "PUT", "/api/v1/payments/account"+unitQ, `{"bin":"970415","number":"113366668888","name":"UBND XA YEN TU"}`); status != 403 {
		t.Fatalf("the accountant sets the account: %d %s", status, body)
	}
	status, body := apiSend(t, e, admin, "PUT", "/api/v1/payments/account"+unitQ, `{"bin":"970415","number":"113366668888","name":"UBND XA YEN TU"}`)
	if status != 200 || !strings.Contains(body, `"webhook_secret_set":false`) || !strings.Contains(body, "/api/v1/payments/notifications/"+demo.CommuneCode) {
		t.Fatalf("set account: %d %s", status, body)
	}
	status, body = apiSend(t, e, admin, "POST", "/api/v1/payments/account/secret"+unitQ, "")
	secret := decode[struct{ Secret string }](t, body).Secret
	if status != 200 || len(secret) != 64 {
		t.Fatalf("secret: %d %s", status, body)
	}
	var acct map[string]any
	if status, _ := apiGet(t, e, accountant, "/api/v1/payments/account", &acct); status != 200 || acct["webhook_secret_set"] != true {
		t.Fatalf("account as the accountant: %d %v", status, acct)
	}
	for k, v := range acct {
		if strings.Contains(fmt.Sprint(v), secret) {
			t.Fatalf("GET account shows the secret in %q", k)
		}
	}
	series := fmt.Sprintf("%02dT", calendar.DateOf(time.Now()).Year%100)
	status, body = apiSend(t, e, admin, "PUT", "/api/v1/payments/receipt-config"+unitQ,
		`{"template":"EBL01","series":"`+series+`","collector":{"name":"Ủy ban nhân dân xã Yên Từ","tax_code":"5700101234","address":"Xã Yên Từ"}}`)
	if status != 200 {
		t.Fatalf("receipt configuration: %d %s", status, body)
	}

	// The QR code: officials, the owner, or the look-up secret.
	t.Run("qr", func(t *testing.T) {
		status, ct, png := fetch(t, e, counter, "/api/v1/payments/"+p1.Reference+"/qr.png")
		if status != 200 || ct != "image/png" {
			t.Fatalf("qr.png: %d %s", status, ct)
		}
		if status, _, _ := fetch(t, e, "", "/api/v1/payments/"+p1.Reference+"/qr.png?secret="+strings.ToLower(d1.Secret)); status != 200 {
			t.Fatalf("qr.png with the look-up secret: %d", status)
		}
		for _, path := range []string{"/qr.png", "/qr.png?secret=WRONG123", "/qr.gif"} {
			if status, _, _ := fetch(t, e, "", "/api/v1/payments/"+p1.Reference+path); status != 404 {
				t.Errorf("%s anonymously: %d", path, status)
			}
		}
		status, ct, svg := fetch(t, e, counter, "/api/v1/payments/"+p1.Reference+"/qr.svg")
		if status != 200 || !strings.HasPrefix(ct, "image/svg+xml") || !bytes.HasPrefix(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("5.000")) {
			t.Fatalf("qr.svg: %d %s %.100s", status, ct, svg)
		}
		p := scanQR(t, png)
		if p.Amount != 5000 || p.Bill != p1.Reference || p.BIN != "970415" || p.Account != "113366668888" || p.Purpose != "Le phi "+p1.Reference {
			t.Fatalf("scanned payload: %+v", p)
		}
	})

	// The bank's notification pays the request; the same delivery again changes nothing.
	now := time.Now()
	exact := notificationBody("FT26183912345678", 5000, "MBVCB.3278614178.Le phi "+p1.Reference+".CT tu 0011004123456 NGUYEN VAN A", now.Add(-time.Minute))
	sig := payment.SignNotification([]byte(exact), []byte(secret), now)
	status, hdr, body := notify(t, e, demo.CommuneCode, exact, sig)
	if status != 200 || !strings.Contains(body, `"outcome":"exact"`) || !strings.Contains(body, `"replayed":false`) {
		t.Fatalf("notification: %d %s", status, body)
	}
	status, hdr, body = notify(t, e, demo.CommuneCode, exact, payment.SignNotification([]byte(exact), []byte(secret), time.Now()))
	if status != 200 || !strings.Contains(body, `"outcome":"exact"`) || !strings.Contains(body, `"replayed":true`) || hdr.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", status, body)
	}
	got := payments(t, e, counter, d1.Code)
	if len(got) != 1 || got[0].State != payment.StatePaid || got[0].Paid != 5000 || got[0].Method != payment.MethodBankNotification ||
		len(got[0].History) != 2 || got[0].History[1].TransactionID != "FT26183912345678" || got[0].QR != nil {
		t.Fatalf("after the notification and its replay: %+v", got)
	}
	if got[0].Receipt == nil || got[0].Receipt.Number != 1 || got[0].Receipt.Series != series {
		t.Fatalf("first receipt: %+v", got[0].Receipt)
	}
	reused := notificationBody("FT26183912345678", 6000, "Le phi "+p1.Reference, now.Add(-time.Minute))
	if status, _, body := notify(t, e, demo.CommuneCode, reused, payment.SignNotification([]byte(reused), []byte(secret), now)); status != 409 ||
		!strings.Contains(body, "payment_transaction_reused") {
		t.Fatalf("same transaction id, other content: %d %s", status, body)
	}

	// Refused: forged, stale, unsigned, invalid, unknown unit. Nothing changes.
	p2 := bill(t, e, accountant, d2.Code)
	toP2 := notificationBody("FT2", 5000, "Le phi "+p2.Reference, now.Add(-time.Minute))
	for _, tc := range []struct {
		name, unit, body, sig, code string
		status                      int
	}{
		{"forged", demo.CommuneCode, toP2, payment.SignNotification([]byte(toP2), []byte(strings.Repeat("x", 64)), now), "webhook_signature_invalid", 401},
		{"altered", demo.CommuneCode, strings.Replace(toP2, "5000", "50", 1), payment.SignNotification([]byte(toP2), []byte(secret), now), "webhook_signature_invalid", 401},
		{"stale", demo.CommuneCode, toP2, payment.SignNotification([]byte(toP2), []byte(secret), now.Add(-10*time.Minute)), "webhook_stale", 401},
		{"unsigned", demo.CommuneCode, toP2, "", "webhook_signature_missing", 401},
		{"bad body", demo.CommuneCode, `{"transaction_id":"FT2"}`, payment.SignNotification([]byte(`{"transaction_id":"FT2"}`), []byte(secret), now), "webhook_body_invalid", 422},
		{"unknown unit", "99999", toP2, payment.SignNotification([]byte(toP2), []byte(secret), now), "unit_not_found", 404},
	} {
		status, _, body := notify(t, e, tc.unit, tc.body, tc.sig)
		if status != tc.status || !strings.Contains(body, `"code":"`+tc.code+`"`) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, body, tc.status, tc.code)
		}
	}
	if got := payments(t, e, accountant, d2.Code); got[0].Paid != 0 || got[0].Version != 1 {
		t.Fatalf("a refused notification changed the request: %+v", got[0])
	}
	// A browser's cross-site POST is refused by CrossOriginProtection; the bank's
	// server-to-server POSTs above carry no Origin or Sec-Fetch-Site and pass.
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/payments/notifications/"+demo.CommuneCode, strings.NewReader(toP2))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set(payment.SignatureHeader, payment.SignNotification([]byte(toP2), []byte(secret), now))
	if resp, err := http.DefaultTransport.RoundTrip(req); err != nil || resp.StatusCode != 403 {
		t.Fatalf("cross-site browser POST: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// A wrong amount: recorded, flagged partial, still pending; the QR code asks for the rest.
	short := notificationBody("FT3", 2000, "Le phi "+p2.Reference, now.Add(-time.Minute))
	if status, _, body := notify(t, e, demo.CommuneCode, short, payment.SignNotification([]byte(short), []byte(secret), now)); status != 200 ||
		!strings.Contains(body, `"outcome":"partial"`) {
		t.Fatalf("partial: %d %s", status, body)
	}
	got = payments(t, e, accountant, d2.Code)
	if got[0].State != payment.StatePending || !got[0].Flags.Partial || got[0].Outstanding != 3000 || got[0].Receipt != nil {
		t.Fatalf("after a partial payment: %+v", got[0])
	}
	t.Run("qr of the rest", func(t *testing.T) {
		_, _, png := fetch(t, e, accountant, "/api/v1/payments/"+p2.Reference+"/qr.png?size=print")
		if p := scanQR(t, png); p.Amount != 3000 || p.Bill != p2.Reference {
			t.Fatalf("scanned payload: %+v", p)
		}
	})
	// An unknown reference: recorded for the accountant, applied to nothing.
	stray := notificationBody("FT4", 5000, "=chuyen tien le phi ho so", now.Add(-time.Minute))
	if status, _, body := notify(t, e, demo.CommuneCode, stray, payment.SignNotification([]byte(stray), []byte(secret), now)); status != 200 ||
		!strings.Contains(body, `"outcome":"unknown_reference"`) || !strings.Contains(body, `"request_id":null`) {
		t.Fatalf("unknown reference: %d %s", status, body)
	}

	// Cash at the counter, by the counter officer.
	p3 := bill(t, e, counter, d3.Code)
	confirm := func(token, ref string, version int, extra string) (int, string) {
		return apiSend(t, e, token, "POST", "/api/v1/payments/"+ref+"/confirm", fmt.Sprintf(`{"version":%d%s}`, version, extra))
	}
	if status, body := confirm(counter, p3.Reference, 1, `,"method":"statement","amount":5000`); status != 403 {
		t.Fatalf("the counter confirms a statement: %d %s", status, body)
	}
	if status, body := confirm(counter, p3.Reference, 0, `,"method":"cash","amount":5000`); status != 422 || !strings.Contains(body, "version_required") {
		t.Fatalf("no version: %d %s", status, body)
	}
	if status, body := confirm(counter, p3.Reference, 7, `,"method":"cash","amount":5000`); status != 409 || !strings.Contains(body, "payment_changed") {
		t.Fatalf("stale version: %d %s", status, body)
	}
	if status, body := confirm(counter, p3.Reference, 1, `,"method":"bank_notification","amount":5000`); status != 422 {
		t.Fatalf("bank notification by hand: %d %s", status, body)
	}
	status, body = confirm(counter, p3.Reference, 1, `,"method":"cash","amount":5000`)
	cash := decode[paymentView](t, body)
	if status != 200 || cash.State != payment.StatePaid || cash.Method != payment.MethodCash || cash.Receipt == nil || cash.Receipt.Number != 2 {
		t.Fatalf("cash: %d %s", status, body)
	}
	if status, body := confirm(counter, p3.Reference, 2, `,"method":"cash","amount":5000`); status != 200 || !strings.Contains(body, `"over":true`) {
		t.Fatalf("a second payment of a paid request is recorded and flagged: %d %s", status, body)
	}
	if status, body := apiSend(t, e, counter, "POST", "/api/v1/payments/"+p3.Reference+"/refund", `{"version":3,"amount":5000,"reason":"Nộp hai lần"}`); status != 403 {
		t.Fatalf("the counter refunds: %d %s", status, body)
	}
	status, body = apiSend(t, e, accountant, "POST", "/api/v1/payments/"+p3.Reference+"/refund", `{"version":3,"amount":5000,"reason":"Nộp hai lần"}`)
	if status != 200 || !strings.Contains(body, `"state":"paid"`) || !strings.Contains(body, `"over":false`) {
		t.Fatalf("refund of the excess: %d %s", status, body)
	}
	if status, body := apiSend(t, e, accountant, "POST", "/api/v1/payments/"+p3.Reference+"/cancel", `{"version":4,"reason":"x"}`); status != 409 ||
		!strings.Contains(body, "invalid_payment_transition") {
		t.Fatalf("cancel a paid request: %d %s", status, body)
	}

	// The accountant records the unknown transfer on the partly paid request from the
	// statement: it leaves the unmatched list.
	var rec struct {
		Expected      int64 `json:"expected"`
		ExpectedCount int   `json:"expected_count"`
		Received      int64 `json:"received"`
		Refunded      int64 `json:"refunded"`
		Credited      int64 `json:"credited"`
		ByMethod      []struct {
			Method payment.Method
			Count  int
			Amount int64
		} `json:"by_method"`
		Unmatched []struct {
			ID     int64  `json:"id"`
			TxID   string `json:"transaction_id"`
			Amount int64  `json:"amount"`
		} `json:"unmatched_transfers"`
		Flagged []struct{} `json:"flagged"`
	}
	if status, p := apiGet(t, e, accountant, "/api/v1/payments/reconciliation", &rec); status != 200 || len(rec.Unmatched) != 1 || rec.Unmatched[0].TxID != "FT4" {
		t.Fatalf("reconciliation: %d %+v %+v", status, p, rec)
	}
	// Created today: 3 requests of 5,000. Received: 5,000 + 2,000 by the bank, 10,000 in
	// cash; 5,000 refunded; the bank credited 7,000 on requests and 5,000 unmatched.
	if rec.Expected != 15000 || rec.ExpectedCount != 3 || rec.Received != 17000 || rec.Refunded != 5000 || rec.Credited != 12000 ||
		rec.ByMethod[0].Amount != 7000 || rec.ByMethod[2].Amount != 10000 || rec.ByMethod[2].Count != 2 || len(rec.Flagged) != 1 {
		t.Fatalf("reconciliation totals: %+v", rec)
	}
	// The export lists the unmatched transfer, its description kept from running as a
	// spreadsheet formula.
	if _, _, csvBody := fetch(t, e, accountant, "/api/v1/payments/reconciliation?format=csv"); !bytes.Contains(csvBody,
		[]byte("\r\nGiao dịch chưa khớp,,,,,,,,,Cần xác định yêu cầu thanh toán,FT4,")) || !bytes.Contains(csvBody, []byte(",'=chuyen tien")) ||
		!bytes.Contains(csvBody, []byte(payment.MatchUnknownReference.Label())) {
		t.Fatalf("csv with an unmatched transfer:\n%s", csvBody)
	}
	p2v := payments(t, e, accountant, d2.Code)[0]
	status, body = apiSend(t, e, accountant, "POST", "/api/v1/payments/"+p2.Reference+"/confirm",
		fmt.Sprintf(`{"version":%d,"method":"statement","notification_id":%d,"note":"Đối chiếu sao kê"}`, p2v.Version, rec.Unmatched[0].ID))
	if status != 200 || !strings.Contains(body, `"state":"paid"`) || !strings.Contains(body, `"over":true`) {
		t.Fatalf("statement: %d %s", status, body)
	}
	apiGet(t, e, accountant, "/api/v1/payments/reconciliation?date="+calendar.DateOf(time.Now()).String(), &rec)
	if len(rec.Unmatched) != 0 || rec.Credited != 12000 || rec.Received != 22000 {
		t.Fatalf("after the statement: %+v", rec)
	}
	if status, p := apiGet(t, e, counter, "/api/v1/payments/reconciliation", nil); status != 403 {
		t.Fatalf("the counter reads the reconciliation: %d %+v", status, p)
	}
	if status, p := apiGet(t, e, leader, "/api/v1/payments/reconciliation?date=2026-13-01", nil); status != 422 || p.Code != "invalid_date" {
		t.Fatalf("bad date: %d %+v", status, p)
	}
	status, ct, csvBody := fetch(t, e, leader, "/api/v1/payments/reconciliation?format=csv")
	if status != 200 || !strings.HasPrefix(ct, "text/csv") || !bytes.HasPrefix(csvBody, []byte("\ufeffLoại,Mã hồ sơ,Nội dung chuyển khoản,")) ||
		!bytes.Contains(csvBody, []byte(p1.Reference)) || !bytes.Contains(csvBody, []byte("Tổng hợp,Đã thu trong ngày,,,22000")) ||
		bytes.Contains(csvBody, []byte("\r\nGiao dịch chưa khớp,")) {
		t.Fatalf("csv: %d %s\n%s", status, ct, csvBody)
	}

	// Receipts: the XML record and the day's summary, for the accountant.
	status, ct, xml := fetch(t, e, accountant, cash.Receipt.XML)
	if status != 200 || !strings.HasPrefix(ct, "application/xml") || !bytes.Contains(xml, []byte("<Number>2</Number>")) ||
		!bytes.Contains(xml, []byte("<Name>"+d3.Applicant.FullName+"</Name>")) {
		t.Fatalf("receipt xml: %d %s\n%s", status, ct, xml)
	}
	if status, _, _ := fetch(t, e, counter, cash.Receipt.XML); status != 403 {
		t.Fatalf("the counter reads a receipt: %d", status)
	}
	if status, _, _ := fetch(t, e, accountant, "/api/v1/payments/receipts/999.xml"); status != 404 {
		t.Fatalf("no such receipt: %d", status)
	}
	status, _, xml = fetch(t, e, accountant, "/api/v1/payments/receipts/summary")
	if status != 200 || !bytes.Contains(xml, []byte("<ReceiptSummary")) || !regexp.MustCompile(`<Count>3</Count>`).Match(xml) {
		t.Fatalf("summary: %d\n%s", status, xml)
	}

	// Payments appear in the audit log, without personal values.
	recs, _, err := e.st.AuditRecords(ctx, d1.CompetentUnitID, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Event.Action] = true
		if strings.Contains(r.Event.ObjectID+strings.Join(r.Event.Fields, ","), "NGUYEN") {
			t.Errorf("personal value in the audit log: %+v", r.Event)
		}
	}
	for _, a := range []string{"payment.account.set", "payment.account.secret", "payment.receipt_config.set", "payment.create",
		"payment.confirm", "payment.refund", "payment.notification.exact", "payment.notification.unknown_reference", "receipt.issue"} {
		if !seen[a] {
			t.Errorf("no %s in the audit log", a)
		}
	}
	if _, err := e.st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPaymentSecretRotation: after a rotation the previous secret still verifies for a
// while, and a unit without a secret refuses every notification.
func TestPaymentSecretRotation(t *testing.T) {
	e := newEnv(t)
	admin := bearer(t, e, "quantri")
	body := notificationBody("FT1", 5000, "khong co noi dung", time.Now().Add(-time.Minute))
	sign := func(secret string) string { return payment.SignNotification([]byte(body), []byte(secret), time.Now()) }
	if status, _, out := notify(t, e, demo.CommuneCode, body, sign(strings.Repeat("k", 64))); status != 404 || !strings.Contains(out, "webhook_not_configured") {
		t.Fatalf("no account: %d %s", status, out)
	}
	apiSend(t, e, admin, "PUT", "/api/v1/payments/account", `{"bin":"970415","number":"113366668888","name":"UBND XA YEN TU"}`)
	_, first := apiSend(t, e, admin, "POST", "/api/v1/payments/account/secret", "")
	_, second := apiSend(t, e, admin, "POST", "/api/v1/payments/account/secret", "")
	old := decode[struct{ Secret string }](t, first).Secret
	if status, _, out := notify(t, e, demo.CommuneCode, body, sign(old)); status != 200 || !strings.Contains(out, `"outcome":"unknown_reference"`) {
		t.Fatalf("previous secret during the overlap: %d %s", status, out)
	}
	if !strings.Contains(second, `"previous_valid_until":"`) {
		t.Fatalf("rotation: %s", second)
	}
}

// TestLookupShowsTheQRCode: with the look-up secret, the citizen's page shows what is
// owed and the VietQR code to pay it; without the secret, nothing of it.
func TestLookupShowsTheQRCode(t *testing.T) {
	e := newEnv(t)
	admin, counter := bearer(t, e, "quantri"), bearer(t, e, "motcua")
	d := demoDossier(t, e, "Trần Thị Mai")
	bill(t, e, counter, d.Code)
	anon := e.client()
	_, page := get(t, anon, e.ts.URL+"/tra-cuu/"+d.Code+"?secret="+d.Secret)
	if !strings.Contains(textAt(t, page, "section.payments"), "Còn phải nộp") || has(t, page, "figure.qr") ||
		!strings.Contains(textAt(t, page, "section.payments"), "tại Bộ phận Tiếp nhận và Trả kết quả") {
		t.Fatalf("without a collection account the page must show the amount for the counter, no QR: %s", textAt(t, page, "section.payments"))
	}
	if status, body := apiSend(t, e, admin, "PUT", "/api/v1/payments/account", `{"bin":"970415","number":"113366668888","name":"UBND XA YEN TU"}`); status != 200 {
		t.Fatalf("account: %d %s", status, body)
	}
	_, page = get(t, anon, e.ts.URL+"/tra-cuu/"+d.Code+"?secret="+d.Secret)
	src := attrAt(t, page, "img[width=192]", "src")
	if !strings.Contains(src, "/qr.png?secret=") || !strings.Contains(textAt(t, page, "section.payments"), "UBND XA YEN TU") {
		t.Fatalf("the look-up page does not show the QR code: %q", src)
	}
	if resp, png := get(t, anon, e.ts.URL+src); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(png, "\x89PNG") {
		t.Fatalf("the QR image for the secret's holder: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, page = get(t, anon, e.ts.URL+"/tra-cuu/"+d.Code); has(t, page, "section.payments") {
		t.Fatal("the fee shows without the secret")
	}
}

// TestPaymentAPIStatementRules: a transfer found on the statement is recorded through the
// API under the rules the accountant's page enforces — its transaction id required and
// shaped as a bank's id, its time neither in the future nor before any transfer xaso can
// know of — and a refused one stores nothing. (Before payment.Service, the API took a
// statement line without a transaction id, or with any text as one.)
func TestPaymentAPIStatementRules(t *testing.T) {
	e := newEnv(t)
	accountant, counter := bearer(t, e, "ketoan"), bearer(t, e, "motcua")
	d := demoDossier(t, e, "Trần Thị Mai")
	p := bill(t, e, counter, d.Code)
	confirm := func(extra string) (int, string) {
		return apiSend(t, e, accountant, "POST", "/api/v1/payments/"+p.Reference+"/confirm",
			fmt.Sprintf(`{"version":%d,"method":"statement","amount":5000%s}`, p.Version, extra))
	}
	for _, tc := range []struct{ name, extra, code string }{
		{"no transaction id", ``, "transaction_id_required"},
		{"an empty transaction id", `,"transaction_id":""`, "transaction_id_required"},
		{"spaces in it", `,"transaction_id":"FT 26183"`, "invalid_transaction_id"},
		{"a letter with a diacritic", `,"transaction_id":"FTđ26183"`, "invalid_transaction_id"},
		{"65 characters", `,"transaction_id":"` + strings.Repeat("F", 65) + `"`, "invalid_transaction_id"},
		{"paid in 2019", `,"transaction_id":"FT26183","paid_at":"2019-12-31T09:00:00+07:00"`, "invalid_paid_at"},
	} {
		if status, body := confirm(tc.extra); status != http.StatusUnprocessableEntity || !strings.Contains(body, `"`+tc.code+`"`) {
			t.Errorf("%s: %d %s, want 422 %s", tc.name, status, body, tc.code)
		}
	}
	if got := payments(t, e, accountant, d.Code); got[0].State != payment.StatePending || got[0].Version != p.Version || got[0].Paid != 0 {
		t.Fatalf("a refused confirmation stored something: %+v", got[0])
	}
	if status, body := confirm(`,"transaction_id":"FT26183.912:34/5_6-7"`); status != http.StatusOK || !strings.Contains(body, `"state":"paid"`) {
		t.Fatalf("a valid statement line: %d %s", status, body)
	}
}
