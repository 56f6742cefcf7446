package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/pdf"
	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
)

// TestResultWithActiveContentRefused: a PDF that runs JavaScript on opening is refused
// as a dossier's result (the file citizens open as the office's), by the API and by the
// office's page, with its stable code and nothing stored, and so is issue 15's bomb;
// the same JavaScript file is still accepted as a citizen's paper, and a clean result
// is accepted.
func TestResultWithActiveContentRefused(t *testing.T) {
	e := newEnv(t)
	counter, citizen := bearer(t, e, "motcua"), bearer(t, e, "congdan")
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	js := pdfbomb.Objects(map[int]string{
		1: "<</Type /Catalog /Pages 2 0 R /OpenAction <</S /JavaScript /JS (app.launchURL\\(\"https://evil.example\"\\))>>>>",
		2: "<</Type /Pages /Kids [3 0 R] /Count 1>>", 3: "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>>"})

	if code, out := uploadFile(t, e, counter, dcode, "ket-qua.pdf", js, map[string]string{"kind": "result"}); code != 422 ||
		!strings.Contains(out, `"pdf_active_content"`) {
		t.Fatalf("a result with JavaScript by the API: %d %s", code, out)
	}
	office, _ := e.login(t, "motcua", demo.Password)
	ct, body := multipartBody(t, "ket-qua.pdf", js, map[string]string{"kind": "result"})
	resp, page := postMultipart(t, office, e.ts.URL+"/office/dossiers/"+dcode+"/files", ct, body)
	if resp.StatusCode != 422 || !strings.Contains(page, pdf.ErrActiveContent.Message) {
		t.Fatalf("a result with JavaScript by the page: %d\n%s", resp.StatusCode, page)
	}
	if code, out := uploadFile(t, e, counter, dcode, "ket-qua.pdf", pdfbomb.XRef(), map[string]string{"kind": "result"}); code != 422 ||
		!strings.Contains(out, `"pdf_too_many_objects"`) {
		t.Fatalf("issue 15's bomb as a result: %d %s", code, out)
	}
	var list struct{ Items []struct{ Kind string } }
	if code, _ := apiGet(t, e, counter, "/api/v1/dossiers/"+dcode+"/files", &list); code != 200 || len(list.Items) != 0 {
		t.Fatalf("something was stored: %d %+v", code, list)
	}
	code, out = uploadFile(t, e, citizen, dcode, "giay-to.pdf", js, nil)
	if code != 201 {
		t.Fatalf("the same file as a citizen's paper: %d %s", code, out)
	}
	paper := decode[struct{ ID int64 }](t, out).ID
	code, out = uploadFile(t, e, counter, dcode, "ket-qua.pdf", []byte(testPDF), map[string]string{"kind": "result"})
	if code != 201 {
		t.Fatalf("a clean result: %d %s", code, out)
	}
	result := decode[struct{ ID int64 }](t, out).ID
	// The paper with JavaScript is served only as a download, to the office and to its
	// owner (twice: the second answer comes from what the first one learnt); the clean
	// result is shown in the browser.
	for _, c := range []struct {
		token string
		id    int64
		want  string
	}{{counter, paper, "attachment"}, {citizen, paper, "attachment"}, {citizen, paper, "attachment"}, {citizen, result, "inline"}} {
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/dossiers/"+dcode+"/files/"+strconv.FormatInt(c.id, 10), nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || !strings.HasPrefix(cd, c.want+";") {
			t.Errorf("file %d: %d %q, want %s", c.id, resp.StatusCode, cd, c.want)
		}
	}
}
