package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// TestSigningIsOneGuidedSequence: the dossier page walks the office through the result's
// signing — attach it, the leader signs (which also "signs the result" in the workflow),
// the clerk seals the leader's version (chosen for them), return — saying at each point
// what comes next; the leader cannot sign before there is a result; the signatures are in
// the history; the applicant sees only the sealed version.
func TestSigningIsOneGuidedSequence(t *testing.T) {
	e := newEnvWith(t, demo.Options{Signing: true})
	counter, specialist := bearer(t, e, "motcua"), bearer(t, e, "chuyenvien")
	status, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if status != 201 {
		t.Fatalf("file: %d %s", status, out)
	}
	created := decode[struct{ Code, Secret string }](t, out)
	code := created.Code
	for _, st := range []struct{ token, action string }{{counter, "forward"}, {specialist, "forward"}} {
		if status, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+code+"/actions/"+st.action, ""); status != 200 {
			t.Fatalf("%s: %d %s", st.action, status, out)
		}
	}
	page := "/office/dossiers/" + code
	leader, _ := e.login(t, "lanhdao", demo.Password)
	_, body := get(t, leader, e.ts.URL+page)
	if got := textAt(t, body, "#sign-next"); !strings.Contains(got, "đính kèm kết quả") {
		t.Errorf("next step before a result: %q", got)
	}
	resp, body := act(t, e, leader, code, "sign", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(textAt(t, body, "main"), "chưa có tệp kết quả") {
		t.Fatalf("signing the result without one: %d %q", resp.StatusCode, textAt(t, body, "p.error"))
	}

	// The specialist attaches the draft; the leader's form has it chosen.
	resp2, pdf := fetchFile(t, e, counter, "/api/v1/dossiers/"+code+"/forms/01.pdf")
	if resp2.StatusCode != 200 {
		t.Fatalf("form 01: %d", resp2.StatusCode)
	}
	if status, out := uploadFile(t, e, specialist, code, "du-thao.pdf", pdf, map[string]string{"kind": "result", "name": "Dự thảo giấy khai sinh"}); status != 201 {
		t.Fatalf("draft: %d %s", status, out)
	}
	_, body = get(t, leader, e.ts.URL+page)
	if got := textAt(t, body, "#sign-next"); !strings.Contains(got, "lãnh đạo") {
		t.Errorf("next step with a draft: %q", got)
	}
	draft := optionOf(t, body, "sign-file", "du-thao.pdf")
	if sel := attrAt(t, body, "select#sign-file option[selected]", "value"); sel != draft {
		t.Errorf("the leader's form chooses %q, want the draft %q", sel, draft)
	}
	form := url.Values{"file": {draft}, "key": {optionOf(t, body, "sign-key", "cá nhân")}, "passphrase": {demo.Password}}
	resp, _ = post(t, leader, e.ts.URL+page+"/sign", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d", resp.StatusCode)
	}
	_, body = get(t, leader, e.ts.URL+page)
	if got := textAt(t, body, "span.status"); got != "Đã có kết quả, chờ trả" {
		t.Errorf("after the leader's signature the dossier is %q", got)
	}
	if got := textAt(t, body, "p.flash"); !strings.Contains(got, "Tiếp theo: văn thư") {
		t.Errorf("the leader is not told what comes next: %q", got)
	}

	// The clerk: the leader's version chosen, sealed.
	clerk, _ := e.login(t, "vanthu", demo.Password)
	_, body = get(t, clerk, e.ts.URL+page)
	signed := optionOf(t, body, "sign-file", code+"-KQ1.pdf")
	if sel := attrAt(t, body, "select#sign-file option[selected]", "value"); sel != signed {
		t.Errorf("the clerk's form chooses %q, want the leader's version %q", sel, signed)
	}
	if got := textAt(t, body, "#sign-next"); !strings.Contains(got, "văn thư") {
		t.Errorf("next step after the leader: %q", got)
	}
	form = url.Values{"file": {signed}, "key": {optionOf(t, body, "sign-key", "con dấu")}, "passphrase": {demo.Password}}
	if resp, _ := post(t, clerk, e.ts.URL+page+"/sign", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("seal: %d", resp.StatusCode)
	}
	_, body = get(t, clerk, e.ts.URL+page)
	history := textAt(t, body, "table.stack tbody")
	for _, want := range []string{"Ký số kết quả", "Đóng dấu số của cơ quan", code + "-KQ1 (bản 2)"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q: %s", want, history)
		}
	}
	if got := textAt(t, body, "#sign-next"); !strings.Contains(got, "trả kết quả") {
		t.Errorf("next step after the seal: %q", got)
	}

	// The applicant sees the sealed version only.
	_, body = get(t, e.client(), e.ts.URL+"/tra-cuu/"+code+"?secret="+created.Secret)
	results := all(t, body, "a.result")
	if len(results) != 1 || !strings.Contains(textAt(t, body, "section#ket-qua"), code+"-KQ1-v2.pdf") {
		t.Errorf("the applicant's results: %d, %q", len(results), textAt(t, body, "section#ket-qua"))
	}

	// Who signed and when, where a person checks the document (Decree 30 keeps it off the
	// page): the applicant's result, the dossier page and the public verification page
	// say it in words and the Vietnamese date format.
	want := []*regexp.Regexp{
		regexp.MustCompile(`^Ký bởi Nguyễn Văn Dũng, Chủ tịch Ủy ban nhân dân xã Yên Từ lúc \d{2}:\d{2} \d{2}/\d{2}/\d{4}$`),
		regexp.MustCompile(`^Ký bởi Ủy ban nhân dân xã Yên Từ lúc \d{2}:\d{2} \d{2}/\d{2}/\d{4}$`),
	}
	signedBy := func(where, page, sel string) {
		t.Helper()
		nodes := all(t, page, sel)
		if len(nodes) != len(want) {
			t.Errorf("%s: %d signatures named (%s), want %d", where, len(nodes), textAt(t, page, "main"), len(want))
			return
		}
		for i, n := range nodes {
			if got := textOf(n); !want[i].MatchString(got) {
				t.Errorf("%s: signature %d says %q", where, i+1, got)
			}
		}
	}
	signedBy("the applicant's result", body, "section#ket-qua ul.signed-by li")
	_, office := get(t, clerk, e.ts.URL+page)
	signedBy("the dossier page's sealed version", office, `ul.files > li:contains("`+code+`-KQ1-v2.pdf") ul.signed-by li`)
	resp3, sealedPDF := fetchFile(t, e, counter, attrAt(t, body, "section#ket-qua a.result", "href"))
	if resp3.StatusCode != 200 {
		t.Fatalf("the applicant's download: %d", resp3.StatusCode)
	}
	ct, upload := filingBody(t, nil, map[string][]namedFile{"file": {{"kq.pdf", sealedPDF}}})
	_, verified := postMultipart(t, e.client(), e.ts.URL+"/xac-thuc", ct, upload)
	signedBy("the verification page", verified, "p.signed-by")
}
