package web_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// A certification's fee taken in cash at the desk gets a receipt in the same series as
// the dossiers' (signed XML record), printable from the line's page and fetchable at
// /api/v1/receipts/{id}.pdf by the register's readers — no one else, there being no
// dossier and no look-up secret; the PDF names the certification, not a dossier.
func TestCertificationReceipt(t *testing.T) {
	e := newEnv(t)
	paymentSetup(t, e)
	counter := bearer(t, e, "motcua")
	status, out := apiSend(t, e, counter, "POST", "/api/v1/certifications",
		`{"kind":"copy","pages":3,"copies":1,"document":"Giấy khai sinh","requester":"Phan Văn Biên"}`)
	if status != 201 {
		t.Fatalf("record: %d %s", status, out)
	}
	var cert struct {
		ID               int64  `json:"id"`
		Book             string `json:"book"`
		Number           int    `json:"number"`
		Fee              int64  `json:"fee"`
		PaymentReference string `json:"payment_reference"`
		Receipt          string `json:"receipt"`
	}
	if err := json.Unmarshal([]byte(out), &cert); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(cert.ID, 10)
	client, _ := e.login(t, "motcua", demo.Password)
	if page := mustGet(t, client, e.ts.URL+"/office/certifications/"+id); has(t, page, "a#bien-lai") || !strings.Contains(page, "chưa có biên lai") {
		t.Error("a receipt link before the fee was taken")
	}
	prs, err := e.st.PaymentRequestsByReference(t.Context(), cert.PaymentReference)
	if err != nil || len(prs) != 1 {
		t.Fatalf("request: %v %v", prs, err)
	}
	version := strconv.Itoa(prs[0].Version)
	if status, out := apiSend(t, e, counter, "POST", "/api/v1/payments/"+cert.PaymentReference+"/confirm",
		`{"version":`+version+`,"method":"cash","amount":`+strconv.FormatInt(cert.Fee, 10)+`}`); status != 200 {
		t.Fatalf("cash: %d %s", status, out)
	}
	status, out = apiSend(t, e, counter, "GET", "/api/v1/certifications/"+id, "")
	if status != 200 || !strings.Contains(out, `"receipt":"/api/v1/receipts/`) {
		t.Fatalf("the line after payment: %d %s", status, out)
	}
	if err := json.Unmarshal([]byte(out), &cert); err != nil {
		t.Fatal(err)
	}
	if href := attrAt(t, mustGet(t, client, e.ts.URL+"/office/certifications/"+id), "a#bien-lai", "href"); href != cert.Receipt {
		t.Errorf("the page's receipt link %q, want %q", href, cert.Receipt)
	}
	for who, tc := range map[string]struct {
		token string
		want  int
	}{
		"counter officer":      {counter, 200},
		"accountant":           {bearer(t, e, "ketoan"), 200},
		"leader":               {bearer(t, e, "lanhdao"), 200},
		"clerk (not a reader)": {bearer(t, e, "vanthu"), 404},
		"volunteer":            {bearer(t, e, "tocongnghe"), 404},
		"citizen":              {bearer(t, e, "congdan"), 404},
		"anonymous":            {"", 404},
	} {
		if status, _, _ := fetch(t, e, tc.token, cert.Receipt); status != tc.want {
			t.Errorf("%s: %d, want %d", who, status, tc.want)
		}
	}
	if status, _, _ := fetch(t, e, "", cert.Receipt+"?secret="+url.QueryEscape("AAAA-BBBB")); status != 404 {
		t.Errorf("a secret opens a certification's receipt: %d", status)
	}
	_, ct, b := fetch(t, e, counter, cert.Receipt)
	if ct != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %s", ct)
	}
	text := pdfText(t, b)
	for _, want := range []string{"BIÊN LAI THU PHÍ, LỆ PHÍ", "Ký hiệu mẫu: EBL01", "Số: 00000001", "Người nộp: Phan Văn Biên",
		"Việc chứng thực: Số " + strconv.Itoa(cert.Number) + ", quyển số " + cert.Book, cert.PaymentReference, "Số tiền bằng chữ: Năm nghìn đồng"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Mã hồ sơ") {
		t.Errorf("a certification's receipt names a dossier:\n%s", text)
	}
	// The day reconciles: the fee collected, its receipt counted.
	status, out = apiSend(t, e, bearer(t, e, "ketoan"), "GET", "/api/v1/certifications/reconciliation", "")
	if status != 200 || !strings.Contains(out, `"balanced":true`) || !strings.Contains(out, `"receipts":1`) {
		t.Errorf("reconciliation: %d %s", status, out)
	}
}
