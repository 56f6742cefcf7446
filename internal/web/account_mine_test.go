package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// overview is GET /api/v1/me/overview as a test reads it.
type overview struct {
	Asks []struct {
		Kind, Reason, Reference string
		DossierCode             string `json:"dossier_code"`
		Amount                  int64
	}
	Dossiers []struct{ Code, Status string }
	Total    int
	Payments []struct {
		Reference, State string
		DossierCode      string `json:"dossier_code"`
		Amount           int64
		ReceiptPDF       string `json:"receipt_pdf"`
	}
	Results []struct {
		Name, URL   string
		DossierCode string `json:"dossier_code"`
	}
	Feedback []struct {
		Kind, Content string
		DossierCode   string `json:"dossier_code"`
	}
	Announcements []struct {
		ID    int64
		Title string
	}
}

func myOverview(t *testing.T, e *env, token string) overview {
	t.Helper()
	var o overview
	if code, p := apiGet(t, e, token, "/api/v1/me/overview", &o); code != 200 {
		t.Fatalf("overview: %d %+v", code, p)
	}
	return o
}

// TestAccountIsTheCommuneInMyPocket: "Hồ sơ của tôi" puts what is asked of the citizen
// first — the supplement with the official's reason, the fee with its amount, the
// result ready — and lists their payments, their results to download and their
// feedback; the API's overview says the same. Another citizen sees none of it.
func TestAccountIsTheCommuneInMyPocket(t *testing.T) {
	e := newEnvWith(t, demo.Options{Payments: true})
	citizen := bearer(t, e, "congdan")
	counter, specialist, leader := bearer(t, e, "motcua"), bearer(t, e, "chuyenvien"), bearer(t, e, "lanhdao")
	before := myOverview(t, e, citizen)

	// A fee-bearing dossier: its fee is asked.
	status, body := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", copyRequest("2"))
	if status != http.StatusCreated {
		t.Fatalf("filing: %d %s", status, body)
	}
	feeCode := decode[struct{ Code string }](t, body).Code
	// A dossier the specialist asks to supplement.
	status, body = apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if status != http.StatusCreated {
		t.Fatalf("filing: %d %s", status, body)
	}
	supCode := decode[struct{ Code string }](t, body).Code
	const reason = "Bổ sung ảnh căn cước của người đi khai sinh."
	for _, st := range []struct{ token, action, body string }{
		{counter, "receive", ""}, {counter, "forward", ""},
		{specialist, "request_supplement", `{"reason":"` + reason + `"}`},
	} {
		if code, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+supCode+"/actions/"+st.action, st.body); code != 200 {
			t.Fatalf("%s: %d %s", st.action, code, out)
		}
	}
	// A dossier with its result, issued by the civil-status register.
	status, body = apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if status != http.StatusCreated {
		t.Fatalf("filing: %d %s", status, body)
	}
	resCode := decode[struct{ Code string }](t, body).Code
	for _, st := range []struct{ token, action string }{{counter, "receive"}, {counter, "forward"}} {
		if code, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+resCode+"/actions/"+st.action, ""); code != 200 {
			t.Fatalf("%s: %d %s", st.action, code, out)
		}
	}
	attachResult(t, e, specialist, resCode)
	for _, st := range []struct{ token, action string }{{specialist, "forward"}, {leader, "sign"}} {
		if code, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+resCode+"/actions/"+st.action, ""); code != 200 {
			t.Fatalf("%s: %d %s", st.action, code, out)
		}
	}
	if code, out := uploadFile(t, e, leader, resCode, "giay-khai-sinh.pdf", []byte(testPDF), map[string]string{"kind": "result",
		"name": "Giấy khai sinh", "result_number": "123", "result_book": "01/2026", "result_issuer": "Phần mềm hộ tịch"}); code != 201 {
		t.Fatalf("result upload: %d %s", code, out)
	}
	// Feedback about the supplemented dossier.
	if code, out := apiSend(t, e, citizen, "POST", "/api/v1/feedback", `{"dossier_code":"`+supCode+`","kind":"complaint","content":"Tôi đã gửi ảnh căn cước rồi."}`); code != 201 {
		t.Fatalf("feedback: %d %s", code, out)
	}

	// The fee of the dossier with its result is paid in cash: its receipt is issued.
	var resRef string
	for _, p := range myOverview(t, e, citizen).Payments {
		if p.DossierCode == resCode {
			resRef = p.Reference
		}
	}
	prs, err := e.st.PaymentRequestsByReference(t.Context(), resRef)
	if err != nil || len(prs) != 1 {
		t.Fatalf("the fee of %s (%q): %v %v", resCode, resRef, prs, err)
	}
	if status, out := apiSend(t, e, counter, "POST", "/api/v1/payments/"+resRef+"/confirm",
		`{"version":`+strconv.Itoa(prs[0].Version)+`,"method":"cash","amount":`+strconv.FormatInt(prs[0].Amount, 10)+`}`); status != 200 {
		t.Fatalf("cash: %d %s", status, out)
	}

	o := myOverview(t, e, citizen)
	if o.Total != before.Total+3 {
		t.Errorf("total %d, before %d", o.Total, before.Total)
	}
	asks := map[string]string{}
	for _, a := range o.Asks {
		asks[a.Kind+" "+a.DossierCode] = a.Reason
		if a.Kind == "fee" && a.DossierCode == feeCode && (a.Amount != 16000 || a.Reference == "") {
			t.Errorf("fee ask: %+v", a)
		}
	}
	if r, ok := asks["supplement "+supCode]; !ok || r != reason {
		t.Errorf("supplement ask %q %v: %+v", r, ok, o.Asks)
	}
	if _, ok := asks["fee "+feeCode]; !ok {
		t.Errorf("no fee ask: %+v", o.Asks)
	}
	if _, ok := asks["result "+resCode]; !ok {
		t.Errorf("no result ask: %+v", o.Asks)
	}
	var results []string
	for _, r := range o.Results {
		if r.DossierCode == resCode {
			results = append(results, r.Name)
		}
	}
	// The final result only: the draft the specialist attached is not the citizen's.
	if len(results) != 1 || results[0] != "Giấy khai sinh" {
		t.Errorf("results of %s: %v", resCode, results)
	}
	if len(o.Feedback) == 0 || o.Feedback[0].DossierCode != supCode || o.Feedback[0].Content != "Tôi đã gửi ảnh căn cước rồi." {
		t.Errorf("feedback: %+v", o.Feedback)
	}
	paid := false
	for _, p := range o.Payments {
		paid = paid || p.DossierCode == feeCode && p.Amount == 16000 && p.State == "pending"
	}
	if !paid {
		t.Errorf("payments: %+v", o.Payments)
	}
	receipt := ""
	for _, p := range o.Payments {
		if p.Reference == resRef {
			receipt = p.ReceiptPDF
		}
	}
	if !strings.HasPrefix(receipt, "/api/v1/receipts/") || !strings.HasSuffix(receipt, ".pdf") {
		t.Errorf("no receipt for the paid fee: %+v", o.Payments)
	}

	// The page says the same, with the asks first.
	c, _ := e.login(t, "congdan", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/account")
	if resp.StatusCode != 200 {
		t.Fatalf("account: %d", resp.StatusCode)
	}
	asksText := textAt(t, page, "section.asks")
	for _, want := range []string{"Bổ sung hồ sơ", supCode, reason, "Nộp phí", "16.000 đồng", feeCode, "Đã có kết quả", resCode} {
		if !strings.Contains(asksText, want) {
			t.Errorf("Việc cần làm lacks %q: %s", want, asksText)
		}
	}
	if first := textOf(all(t, page, "main h2")[0]); !strings.HasPrefix(first, "Việc cần làm") {
		t.Errorf("the first section is %q", first)
	}
	if !has(t, page, "a[href=/tra-cuu/"+supCode+"#bo-sung]") || !has(t, page, "a[href=/tra-cuu/"+feeCode+"#nop-phi]") {
		t.Error("the asks do not link to where to act")
	}
	link := ""
	for _, a := range all(t, page, "li.result a") {
		if href, _ := attr(a, "href"); strings.Contains(href, resCode) {
			link = href
		}
	}
	if link == "" {
		t.Fatalf("no result link for %s", resCode)
	}
	// The owner's session opens the result without the secret.
	if resp, pdf := get(t, c, e.ts.URL+link); resp.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF") {
		t.Errorf("result download: %d", resp.StatusCode)
	}
	if got := textAt(t, page, "section[aria-labelledby=gop-y-cua-toi]"); !strings.Contains(got, "Tôi đã gửi ảnh căn cước rồi.") || !strings.Contains(got, "Phản ánh") {
		t.Errorf("my feedback: %s", got)
	}
	if got := textAt(t, page, "section[aria-labelledby=phi-bien-lai]"); !strings.Contains(got, "16.000 đồng") || !strings.Contains(got, "Chờ thanh toán") {
		t.Errorf("my payments: %s", got)
	}
	if receipt != "" {
		if !has(t, page, "section[aria-labelledby=phi-bien-lai] p.receipt a[href="+receipt+"]") {
			t.Errorf("no link to the receipt %s", receipt)
		}
		// The owner's session opens the receipt without the secret.
		if resp, pdf := get(t, c, e.ts.URL+receipt); resp.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF") {
			t.Errorf("receipt download: %d", resp.StatusCode)
		}
	}
	if !has(t, page, "section#cho-gui[hidden]") {
		t.Error("no hidden block for the filings waiting on the phone")
	}

	// Another citizen sees none of it.
	other := otherCitizen(t, e)
	_, page = get(t, other, e.ts.URL+"/account")
	if main := textAt(t, page, "main"); strings.Contains(main, supCode) || strings.Contains(main, feeCode) || strings.Contains(main, resCode) ||
		strings.Contains(main, "Tôi đã gửi ảnh căn cước rồi.") {
		t.Errorf("another citizen's account shows this one's: %s", main)
	}
}

// TestFilingReplayedFromThePhone: a filing queued on the phone is replayed with its
// Idempotency-Key header; three replays make one dossier (each answered with the same
// dossier's page), whatever hidden key the stored form carried; the same key with other
// answers is refused; a replay after the session ended files nothing (401: the phone
// keeps it and asks the citizen to log in).
func TestFilingReplayedFromThePhone(t *testing.T) {
	e := newEnv(t)
	token := bearer(t, e, "congdan")
	c, _ := e.login(t, "congdan", demo.Password)
	before := myOverview(t, e, token).Total
	const phoneKey = "3f1c2b9e-8d7a-4c65-b1e2-0a9f8e7d6c5b" // crypto.randomUUID()
	photo := testPNG(t, 300, 200)
	send := func(c *http.Client, fields url.Values) *http.Response {
		t.Helper()
		ct, body := filingBody(t, fields, map[string][]namedFile{"paper-1": {{"giay-chung-sinh.png", photo}}})
		req, _ := http.NewRequest("POST", e.ts.URL+"/nop-ho-so/1.001193", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Idempotency-Key", phoneKey)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	var first string
	for i, hidden := range []string{"", strings.Repeat("a", 32), strings.Repeat("b", 32)} {
		f := birthFields()
		if hidden != "" {
			f.Set("key", hidden)
		}
		resp := send(c, f)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || codeRE.FindStringSubmatch(loc) == nil {
			t.Fatalf("replay %d: %d %q", i+1, resp.StatusCode, loc)
		}
		if first == "" {
			first = loc
		} else if loc != first {
			t.Fatalf("replay %d went to %q, the first to %q", i+1, loc, first)
		}
	}
	if after := myOverview(t, e, token).Total; after != before+1 {
		t.Fatalf("three replays made %d dossiers", after-before)
	}
	changed := birthFields()
	changed.Set("fields.child_name", "Nguyễn Thị Khác")
	if resp := send(c, changed); resp.StatusCode != http.StatusConflict {
		t.Errorf("the same key with other answers: %d", resp.StatusCode)
	}
	// The session ended on the phone: the replay is sent to log in, nothing is filed.
	if resp := send(e.client(), birthFields()); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a replay without a session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if after := myOverview(t, e, token).Total; after != before+1 {
		t.Fatalf("%d dossiers after the refused replays", after-before)
	}
}
