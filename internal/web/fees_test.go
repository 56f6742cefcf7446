package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/payment"
)

// copyRequest is an online filing of "Cấp bản sao trích lục hộ tịch" (2.000635, 8.000 đồng
// a copy, online too) asking for copies copies.
func copyRequest(copies string) string {
	return `{"procedure_code":"2.000635","channel":"online","applicant":{"full_name":"Nguyễn Văn An","id_number":"037085001234","phone":"0912345678"},
		"fields":{"event":"Khai sinh","subject_name":"Nguyễn Thị Bé","registration_place":"UBND xã Yên Từ","copies":"` + copies + `",
		"requester_name":"Nguyễn Văn An","requester_id":"037085001234","requester_phone":"0912345678"}}`
}

// TestFilingBillsTheFee: a dossier of a fee-bearing procedure filed online has its
// payment request at once, the copy fee multiplied by the copies its form asks for; the
// citizen's look-up page, the page after filing and "my dossiers" show Nộp phí.
func TestFilingBillsTheFee(t *testing.T) {
	e := newEnvWith(t, demo.Options{Payments: true}) // the demo's collection account
	citizen := bearer(t, e, "congdan")
	status, body := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", copyRequest("2"))
	if status != http.StatusCreated {
		t.Fatalf("filing: %d %s", status, body)
	}
	code := decode[struct{ Code, Secret string }](t, body)
	prs := payments(t, e, citizen, code.Code)
	if len(prs) != 1 || prs[0].Amount != 16000 || prs[0].State != payment.StatePending || prs[0].Outstanding != 16000 {
		t.Fatalf("requests after filing: %+v", prs)
	}
	// The citizen's pages.
	c, _ := e.login(t, "congdan", demo.Password)
	_, page := get(t, c, e.ts.URL+"/tra-cuu/"+code.Code+"?secret="+code.Secret)
	block := textAt(t, page, "section#nop-phi")
	for _, want := range []string{"Nộp phí", "16.000 đồng", "Mười sáu nghìn đồng", "Chờ thanh toán", "Agribank", "3700205012345",
		"UBND XA YEN TU", prs[0].Reference, "(2 bản)"} {
		if !strings.Contains(block, want) {
			t.Errorf("the look-up's Nộp phí lacks %q: %s", want, block)
		}
	}
	if href := attrAt(t, page, "section#nop-phi a.save-qr", "href"); !strings.HasPrefix(href, "/api/v1/payments/"+prs[0].Reference+"/qr.png") {
		t.Errorf("save link %q", href)
	}
	_, page = get(t, c, e.ts.URL+"/ho-so-da-nop/"+code.Code)
	if !strings.Contains(textAt(t, page, "section#nop-phi"), "Mười sáu nghìn đồng") {
		t.Errorf("the page after filing has no Nộp phí: %s", textAt(t, page, "main"))
	}
	_, page = get(t, c, e.ts.URL+"/account")
	if got := textAt(t, page, "p.fee-brief"); !strings.Contains(got, "16.000 đồng") || !strings.Contains(got, "Chờ thanh toán") {
		t.Errorf("my dossiers: %q", got)
	}

	// Copies outside 1–100 are refused at the field; nothing is filed.
	for _, copies := range []string{"0", "101", "hai"} {
		status, body := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", copyRequest(copies))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"fields.copies"`) {
			t.Errorf("copies %q: %d %s", copies, status, body)
		}
	}
	// A citizen cannot exempt their own dossier.
	exempt := strings.Replace(copyRequest("1"), `"channel":"online",`, `"channel":"online","fee_exemption":{"ground":"hộ nghèo"},`, 1)
	if status, body := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", exempt); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `"fee.exemption_ground"`) {
		t.Errorf("online exemption: %d %s", status, body)
	}
}

// TestCounterExemption: the counter officer records an exemption with its legal ground
// instead of a payment request; without a ground the form comes back with the message
// at the field and nothing is filed.
func TestCounterExemption(t *testing.T) {
	e := newEnv(t)
	counter, _ := e.login(t, "motcua", demo.Password)
	form := url.Values{"applicant.full_name": {"Lò Văn Pâng"}, "channel": {"counter"}, "fee.exempt": {"1"}}
	_, page := get(t, counter, e.ts.URL+"/office/receive?procedure=1.004873")
	if !has(t, page, "fieldset#phi input#fee-exempt") || !has(t, page, "fieldset#phi #fee-exemption_ground") {
		t.Fatal("the intake of a fee-bearing procedure has no fee section")
	}
	form.Set("key", attrAt(t, page, "input[name=key]", "value"))
	form.Set("procedure", "1.004873")
	resp, page := post(t, counter, e.ts.URL+"/office/receive", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "#fee-exemption_ground-error"), "căn cứ pháp lý") ||
		!has(t, page, "input#fee-exempt[checked]") {
		t.Fatalf("exemption without a ground: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	form.Set("fee.exemption_ground", "Người thuộc hộ nghèo (Thông tư 85/2019/TT-BTC)")
	code := receive(t, e, counter, "1.004873", form)
	counterToken := bearer(t, e, "motcua")
	if prs := payments(t, e, counterToken, code); len(prs) != 0 {
		t.Fatalf("an exempted dossier was billed: %+v", prs)
	}
	_, page = get(t, counter, e.ts.URL+"/office/dossiers/"+code)
	if got := textAt(t, page, "section#nop-phi"); !strings.Contains(got, "Được miễn phí, lệ phí") || !strings.Contains(got, "Thông tư 85/2019/TT-BTC") {
		t.Errorf("the exemption is not shown: %q", got)
	}
	if !auditHas(t, e, "payment.exempt", code) {
		t.Error("the exemption is not audited")
	}

	// Without the exemption the counter's filing is billed at once.
	code = receive(t, e, counter, "1.004873", url.Values{"applicant.full_name": {"Lò Thị Dung"}, "channel": {"counter"}})
	if prs := payments(t, e, counterToken, code); len(prs) != 1 || prs[0].Amount != 5000 || prs[0].State != payment.StatePending {
		t.Fatalf("counter filing: %+v", prs)
	}
}

// auditHas reports whether the commune's chain records action on object.
func auditHas(t *testing.T, e *env, action, object string) bool {
	t.Helper()
	u, err := e.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := e.st.AuditRecords(context.Background(), u.ID, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range recs {
		if ev.Event.Action == action && ev.Event.ObjectID == object {
			return true
		}
	}
	return false
}

// TestOfficeChangesTheFee: from the dossier page the officer changes the copies a pending
// request charges for (the old one cancelled, a new one made), cancels a request (its
// reason required, at the field), bills again — and is told at the field that a
// procedure without a fee has nothing to bill.
func TestOfficeChangesTheFee(t *testing.T) {
	e := newEnv(t)
	counter, _ := e.login(t, "motcua", demo.Password)
	token := bearer(t, e, "motcua")
	code := receive(t, e, counter, "2.000635", url.Values{"applicant.full_name": {"Hà Văn Quý"}, "channel": {"counter"}, "fee.copies": {"2"}})
	prs := payments(t, e, token, code)
	if len(prs) != 1 || prs[0].Amount != 16000 {
		t.Fatalf("billed at intake: %+v", prs)
	}
	page := "/office/dossiers/" + code
	ref := prs[0].Reference
	change := func(op string, form url.Values) (*http.Response, string) {
		form.Set("version", fmt.Sprint(prs[0].Version))
		return post(t, counter, e.ts.URL+page+"/fees/"+ref+"/"+op, form)
	}
	resp, body := change("change", url.Values{"copies": {"500"}, "reason": {"Người nộp xin thêm bản"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || attrAt(t, body, "#fee-"+ref+"-copies-error", "data-code") != "invalid_copies" {
		t.Fatalf("500 copies: %d %s", resp.StatusCode, textAt(t, body, "section#thu-phi"))
	}
	if resp, _ := change("change", url.Values{"copies": {"3"}, "reason": {"Người nộp xin thêm bản"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	prs = payments(t, e, token, code)
	if len(prs) != 2 || prs[0].State != payment.StateCancelled || prs[1].State != payment.StatePending || prs[1].Amount != 24000 {
		t.Fatalf("after the change: %+v", prs)
	}
	ref = prs[1].Reference
	prs = prs[1:]
	resp, body = change("cancel", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity || !has(t, body, "details[open] #fee-"+ref+"-cancel-reason") ||
		!strings.Contains(textAt(t, body, "section#thu-phi"), "Cần ghi rõ lý do") {
		t.Fatalf("cancel without a reason: %d %s", resp.StatusCode, textAt(t, body, "section#thu-phi"))
	}
	if resp, _ := change("cancel", url.Values{"reason": {"Người nộp rút yêu cầu cấp bản sao"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	_, body = get(t, counter, e.ts.URL+page)
	if !has(t, body, "form#fee-bill") {
		t.Fatal("no form to bill again once every request is cancelled")
	}
	if resp, _ := post(t, counter, e.ts.URL+page+"/fees", url.Values{"copies": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bill again: %d", resp.StatusCode)
	}
	if got := payments(t, e, token, code); len(got) != 3 || got[2].Amount != 8000 || got[2].State != payment.StatePending {
		t.Fatalf("billed again: %+v", got)
	}

	// A procedure without a fee: no form, and a post anyway is told why at the form.
	free := receive(t, e, counter, "2.000509", url.Values{"applicant.full_name": {"Hà Văn Quý"}, "channel": {"counter"}})
	if _, body := get(t, counter, e.ts.URL+"/office/dossiers/"+free); has(t, body, "form#fee-bill") {
		t.Error("a procedure without a fee offers a bill")
	}
	resp, body = post(t, counter, e.ts.URL+"/office/dossiers/"+free+"/fees", url.Values{})
	if resp.StatusCode != http.StatusConflict || attrAt(t, body, "form#fee-bill p.field-error", "data-code") != "nothing_to_pay" {
		t.Fatalf("bill without a fee: %d %s", resp.StatusCode, textAt(t, body, "main"))
	}
	// A volunteer, the accountant of no unit, nobody else may touch it.
	vol, _ := e.login(t, "tocongnghe", demo.Password)
	if resp, _ := post(t, vol, e.ts.URL+page+"/fees", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("volunteer: %d", resp.StatusCode)
	}
}

// TestAccountantQueue: the accountant lands on the queue — the requests waiting for
// money with the payer's name, and every transfer still unmatched, yesterday's too.
func TestAccountantQueue(t *testing.T) {
	e := newEnv(t)
	admin := bearer(t, e, "quantri")
	apiSend(t, e, admin, "PUT", "/api/v1/payments/account", `{"bin":"970415","number":"113366668888","name":"UBND XA YEN TU"}`)
	_, out := apiSend(t, e, admin, "POST", "/api/v1/payments/account/secret", "")
	secret := decode[struct{ Secret string }](t, out).Secret
	d := demoDossier(t, e, "Trần Thị Mai")
	bill(t, e, bearer(t, e, "motcua"), d.Code)
	body := notificationBody("FT26YESTERDAY1", 7000, "CHUYEN TIEN LE PHI NGUYEN VAN B", time.Now().Add(-26*time.Hour))
	if status, _, out := notify(t, e, demo.CommuneCode, body, payment.SignNotification([]byte(body), []byte(secret), time.Now())); status != 200 ||
		!strings.Contains(out, `"outcome":"unknown_reference"`) {
		t.Fatalf("notification: %d %s", status, out)
	}
	c, resp := e.login(t, "ketoan", demo.Password)
	if loc := resp.Header.Get("Location"); loc != "/office/payments" {
		t.Fatalf("the accountant lands on %q", loc)
	}
	_, page := get(t, c, e.ts.URL+"/office/payments")
	if got := textAt(t, page, `section[aria-labelledby="cho-nop"]`); !strings.Contains(got, "Người nộp: Trần Thị Mai") {
		t.Errorf("the pending request does not name its payer: %q", got)
	}
	if got := textAt(t, page, `section[aria-labelledby="chua-khop"]`); !strings.Contains(got, "FT26YESTERDAY1") ||
		!strings.Contains(got, "NGUYEN VAN B") {
		t.Errorf("yesterday's unmatched transfer is not in the queue: %q", got)
	}
}
