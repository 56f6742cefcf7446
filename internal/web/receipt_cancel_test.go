package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
)

// TestReceiptCancelAndReplace: the accountant cancels a receipt issued in error (a
// reason required, once), then issues its replacement (only for a cancelled receipt,
// once), by the API and from the payments page; the cancelled receipt's view says "ĐÃ
// HỦY" with the reason, to the citizen holding the secret too; the replacement's says
// which receipt it replaces.
func TestReceiptCancelAndReplace(t *testing.T) {
	e := newEnv(t)
	paymentSetup(t, e)
	accountant := bearer(t, e, "ketoan")
	d := demoDossier(t, e, "Trần Thị Mai")
	mai := bill(t, e, accountant, d.Code)
	status, body := apiSend(t, e, accountant, "POST", "/api/v1/payments/"+mai.Reference+"/confirm",
		`{"version":`+strconv.Itoa(mai.Version)+`,"method":"cash","amount":5000}`)
	paid := decode[paymentView](t, body)
	if status != 200 || paid.Receipt == nil {
		t.Fatalf("cash: %d %s", status, body)
	}
	id := strconv.FormatInt(paid.Receipt.ID, 10)
	cancel, replace := "/api/v1/receipts/"+id+"/actions/cancel", "/api/v1/receipts/"+id+"/actions/replace"
	for _, tc := range []struct {
		name, token, path, body string
		status                  int
		code                    string
	}{
		{"replace before cancel", accountant, replace, `{}`, 409, "receipt_not_cancelled"},
		{"no reason", accountant, cancel, `{"reason":"  "}`, 422, "cancel_reason_required"},
		{"the counter", bearer(t, e, "motcua"), cancel, `{"reason":"sai"}`, 403, ""},
		{"no such receipt", accountant, "/api/v1/receipts/99999/actions/cancel", `{"reason":"sai"}`, 404, "receipt_not_found"},
		{"not a number", accountant, "/api/v1/receipts/x1/actions/cancel", `{"reason":"sai"}`, 404, "receipt_not_found"},
		{"cancelled", accountant, cancel, `{"reason":"Ghi sai tên người nộp"}`, 200, ""},
		{"cancelled twice", accountant, cancel, `{"reason":"lần nữa"}`, 409, "receipt_already_cancelled"},
		{"replaced", accountant, replace, `{"payer":{"name":"Trần Thị Mai Anh"}}`, 201, ""},
		{"replaced twice", accountant, replace, `{}`, 409, "receipt_already_replaced"},
	} {
		status, body := apiSend(t, e, tc.token, "POST", tc.path, tc.body)
		if status != tc.status || tc.code != "" && !strings.Contains(body, `"code":"`+tc.code+`"`) {
			t.Fatalf("%s: %d %s", tc.name, status, body)
		}
		if tc.name == "replaced" && (!strings.Contains(body, `"replaces":{"id":`+id+`,`) || !strings.Contains(body, `"number":2`)) {
			t.Fatalf("replacement: %s", body)
		}
	}
	after := payments(t, e, accountant, d.Code)[0]
	if after.Receipt == nil || after.Receipt.ID == paid.Receipt.ID || after.Receipt.Number != 2 {
		t.Fatalf("the request's receipt is not the replacement: %+v", after.Receipt)
	}

	// Every view of the cancelled receipt says so, the citizen's (with the secret) too.
	for _, path := range []string{"/api/v1/receipts/" + id + ".pdf", "/api/v1/receipts/" + id + ".pdf?secret=" + url.QueryEscape(d.Secret)} {
		token := accountant
		if strings.Contains(path, "secret") {
			token = ""
		}
		_, _, b := fetch(t, e, token, path)
		if text := pdfText(t, b); !strings.Contains(text, "ĐÃ HỦY") || !strings.Contains(text, "Lý do: Ghi sai tên người nộp") || !strings.Contains(text, "Số: 00000001") {
			t.Errorf("cancelled receipt's view %s:\n%s", path, text)
		}
	}
	_, _, b := fetch(t, e, accountant, "/api/v1/receipts/"+strconv.FormatInt(after.Receipt.ID, 10)+".pdf")
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	if text := pdfText(t, b); !strings.Contains(text, "Thay thế cho biên lai ký hiệu mẫu EBL01") || !strings.Contains(text, "số 00000001 ngày") ||
		!strings.Contains(text, "Người nộp: Trần Thị Mai Anh") || strings.Contains(text, "ĐÃ HỦY") {
		t.Errorf("replacement's view:\n%s", text)
	}
	// The day's summary lists the cancellation and counts the money once.
	_, _, xml := fetch(t, e, accountant, "/api/v1/payments/receipts/summary")
	if s := string(xml); !strings.Contains(s, "<CancelledTotal>5000</CancelledTotal>") || !strings.Contains(s, "<Net>5000</Net>") {
		t.Errorf("summary:\n%s", s)
	}

	// From the payments page: the replacement cancelled (reason required), then replaced.
	page := func(c *http.Client) string {
		_, p := get(t, c, e.ts.URL+"/office/payments")
		return p
	}
	form := func(kv ...string) url.Values {
		v := url.Values{"version": {strconv.Itoa(after.Version)}, "date": {today.Format("2006-01-02")}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	office, _ := e.login(t, "ketoan", demo.Password)
	cancelURL := e.ts.URL + "/office/payments/" + mai.Reference + "/receipt-cancel"
	if !has(t, page(office), "form[action=/office/payments/"+mai.Reference+"/receipt-cancel]") {
		t.Fatal("no cancel form for the receipt in force")
	}
	resp, p := post(t, office, cancelURL, form())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, p, "main"), "Lý do hủy biên lai Lỗi: Nhập lý do.") {
		t.Fatalf("cancel without a reason: %d %s", resp.StatusCode, textAt(t, p, "main"))
	}
	resp, _ = post(t, office, cancelURL, form("reason", "Sai địa chỉ"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	p = page(office)
	if !has(t, p, "li#yc-"+mai.Reference+" .receipt-cancelled") || !strings.Contains(textAt(t, p, "li#yc-"+mai.Reference+" .receipt-cancellation"), "Lý do: Sai địa chỉ") ||
		!has(t, p, "form[action=/office/payments/"+mai.Reference+"/receipt-replace]") || has(t, p, "form[action=/office/payments/"+mai.Reference+"/receipt-cancel]") {
		t.Fatal("the page does not show the cancelled receipt with its replacement form")
	}
	resp, _ = post(t, office, e.ts.URL+"/office/payments/"+mai.Reference+"/receipt-replace", form("payer_address", "Thôn Đông"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replace: %d", resp.StatusCode)
	}
	p = page(office)
	if got := textAt(t, p, "li#yc-"+mai.Reference+" .receipt-replaces"); !strings.Contains(got, "số 00000002") || has(t, p, "li#yc-"+mai.Reference+" .receipt-cancelled") {
		t.Fatalf("after the replacement: %q", got)
	}
	// A counter officer cannot cancel from the page (the route is the accountant's).
	counter, _ := e.login(t, "motcua", demo.Password)
	if resp, _ := post(t, counter, cancelURL, form("reason", "x")); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("counter cancels: %d", resp.StatusCode)
	}
}
