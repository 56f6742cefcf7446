package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// The home page is the commune's portal: the call to file, six procedures, the desk's
// contact and hours, the look-up box and verification by a typed code; no software name.
func TestHomePortal(t *testing.T) {
	e := newEnv(t)
	resp, page := get(t, e.client(), e.ts.URL+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", resp.StatusCode)
	}
	if href := attrAt(t, page, ".hero a.button.big[href='/thu-tuc']", "href"); href != "/thu-tuc" {
		t.Errorf("call to file: %q", href)
	}
	if n := len(all(t, page, ".top-procedures a")); n != 6 {
		t.Errorf("%d procedures", n)
	}
	// The demo's current dossiers are all of one procedure: it comes first.
	ctx := context.Background()
	u, _ := e.st.UnitByCode(ctx, demo.CommuneCode)
	open, err := e.st.OpenDossiers(ctx, u.ID)
	if err != nil || len(open) == 0 {
		t.Fatal(err)
	}
	if first := attrAt(t, page, ".top-procedures li:first-child a", "href"); first != "/thu-tuc/"+open[0].ProcedureCode {
		t.Errorf("most filed first: %q, want %s", first, open[0].ProcedureCode)
	}
	f := facts(t, page)
	if !strings.Contains(f["Địa chỉ"], "thôn Quảng Từ") || f["Đường dây nóng"] != "0229 3888 123" || !strings.Contains(f["Giờ làm việc"], "Thứ Hai – Thứ Sáu: ") {
		t.Errorf("contact: %q", f)
	}
	for _, sel := range []string{"form[action='/tra-cuu'] input[name=code]", "form[action='/tra-cuu'] input[name=secret]", "form[action='/xac-thuc'] input[name=ma]"} {
		if !has(t, page, sel) {
			t.Errorf("no %s", sel)
		}
	}
	if strings.Contains(textAt(t, page, "body"), "xaso") || strings.Contains(textAt(t, page, "footer"), "Xã số") {
		t.Errorf("the software's name shown to citizens: %q", textAt(t, page, "footer"))
	}
	// Verification by the code typed from paper, spaces and lower case included.
	resp, page = get(t, e.client(), e.ts.URL+"/xac-thuc?ma="+url.QueryEscape(" 000.31.37.h45-260101-9999-kq1 "))
	if resp.StatusCode != http.StatusOK || !strings.Contains(textAt(t, page, "main"), "Mã văn bản 000.31.37.H45-260101-9999-KQ1") ||
		!strings.Contains(textAt(t, page, "main"), "Không tìm thấy văn bản nào có mã này") {
		t.Errorf("verification by a typed code: %d", resp.StatusCode)
	}
}

// The unit administrator sets the desk's contact: a wrong field comes back at its input,
// nothing stored; a right one is on the home page and in the audit log.
func TestUnitContact(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "quantri", demo.Password)
	resp, page := post(t, c, e.ts.URL+"/admin/contact", url.Values{"address": {"UBND xã"}, "hotline": {"gọi ngay"}, "email": {"motcua@yentu.gov.vn"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || attrAt(t, page, "#contact-hotline", "aria-invalid") != "true" ||
		attrAt(t, page, "#contact-address", "value") != "UBND xã" {
		t.Fatalf("a bad hotline: %d", resp.StatusCode)
	}
	if _, home := get(t, e.client(), e.ts.URL+"/"); strings.Contains(home, "UBND xã<") {
		t.Fatal("stored despite the error")
	}
	resp, _ = post(t, c, e.ts.URL+"/admin/contact", url.Values{"address": {"Số 1 đường Tràng An"}, "hotline": {"0229 3999 000"}, "email": {""}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving: %d", resp.StatusCode)
	}
	_, home := get(t, e.client(), e.ts.URL+"/")
	if f := facts(t, home); f["Địa chỉ"] != "Số 1 đường Tràng An" || f["Đường dây nóng"] != "0229 3999 000" || f["Thư điện tử"] != "" {
		t.Errorf("home after saving: %q", f)
	}
	_, audit := get(t, c, e.ts.URL+"/admin/audit")
	if !strings.Contains(audit, "Đặt địa chỉ, đường dây nóng của đơn vị") {
		t.Error("not in the audit log")
	}
}
