package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// TestCertificationDesk: the counter officer records a copy on the desk's page and lands
// on its line with the number, the fee and the text to print; a bad figure comes back at
// its field with the values kept; the accountant reconciles the day.
func TestCertificationDesk(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "motcua", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/office/certifications")
	if resp.StatusCode != http.StatusOK || !has(t, page, `form[action^="/office/certifications"] input[name="pages"]`) {
		t.Fatalf("desk page: %d", resp.StatusCode)
	}
	if strings.Contains(page, "style=") || strings.Contains(page, "<script") {
		t.Error("the page has inline style or script")
	}

	form := url.Values{"kind": {"copy"}, "pages": {"0"}, "copies": {"2"}, "document": {"Bằng tốt nghiệp"}, "requester": {"Nguyễn Văn An"}}
	resp, page = post(t, c, e.ts.URL+"/office/certifications", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("0 pages: %d", resp.StatusCode)
	}
	if got := attrAt(t, page, "#cert-pages-error", "data-code"); got != "invalid_pages" {
		t.Errorf("pages error code = %q", got)
	}
	if !strings.Contains(textAt(t, page, "#cert-pages-error"), "Số trang phải là số nguyên từ 1") {
		t.Errorf("pages message = %q", textAt(t, page, "#cert-pages-error"))
	}
	if got := attrAt(t, page, "#cert-document", "value"); got != "Bằng tốt nghiệp" {
		t.Errorf("document kept = %q", got)
	}
	if got := attrAt(t, page, "#cert-pages", "aria-describedby"); !strings.Contains(got, "cert-pages-error") {
		t.Errorf("pages input not described by its error: %q", got)
	}

	form.Set("pages", "3")
	resp, _ = post(t, c, e.ts.URL+"/office/certifications", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/office/certifications/") {
		t.Fatalf("record: %d → %q", resp.StatusCode, loc)
	}
	_, page = get(t, c, e.ts.URL+loc)
	f := facts(t, page)
	if f["Số chứng thực"] != "1" || !strings.HasPrefix(f["Phí chứng thực"], "10.000 đồng") || !strings.Contains(f["Quyển số"], "-SCT/BS") {
		t.Errorf("line facts = %v", f)
	}
	if !strings.Contains(textAt(t, page, ".statement"), "Chứng thực bản sao đúng với bản chính.") {
		t.Error("no certification text")
	}

	k, _ := e.login(t, "ketoan", demo.Password)
	resp, page = get(t, k, e.ts.URL+"/office/certifications/reconciliation")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Chưa thu đủ phí") {
		t.Errorf("reconciliation: %d, the unpaid line not shown", resp.StatusCode)
	}
	// The accountant reads but does not record.
	resp, _ = post(t, k, e.ts.URL+"/office/certifications", form)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("accountant records: %d", resp.StatusCode)
	}
}
