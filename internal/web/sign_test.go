package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/signing"
)

// TestLeaderAndClerkSignTheResult: the leader signs the result PDF from the dossier page
// with their stored key (a wrong passphrase is explained), the clerk adds the commune's
// seal to the signed file; both signatures verify against the trust anchor, each file is
// in the register under <code>-KQ<n>, and the applicant downloads the sealed result.
func TestLeaderAndClerkSignTheResult(t *testing.T) {
	e := newEnvWith(t, demo.Options{Signing: true})
	ctx := context.Background()
	counter, specialist, leaderToken := bearer(t, e, "motcua"), bearer(t, e, "chuyenvien"), bearer(t, e, "lanhdao")
	code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	for _, st := range []struct{ token, action string }{{counter, "forward"}, {specialist, "forward"}, {leaderToken, "sign"}} {
		if code, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+dcode+"/actions/"+st.action, ""); code != 200 {
			t.Fatalf("%s: %d %s", st.action, code, out)
		}
	}
	// The result: a real PDF (here the dossier's form 01, as fpdf writes it).
	resp, pdf := fetchFile(t, e, counter, "/api/v1/dossiers/"+dcode+"/forms/01.pdf")
	if resp.StatusCode != 200 {
		t.Fatalf("form 01: %d", resp.StatusCode)
	}
	if code, out := uploadFile(t, e, counter, dcode, "ket-qua.pdf", pdf, map[string]string{"kind": "result", "name": "Giấy xác nhận"}); code != 201 {
		t.Fatalf("result upload: %d %s", code, out)
	}

	// The specialist holds no key: no signing form.
	sc, _ := e.login(t, "chuyenvien", demo.Password)
	if _, page := get(t, sc, e.ts.URL+"/office/dossiers/"+dcode); has(t, page, "form[action=/office/dossiers/"+dcode+"/sign]") {
		t.Fatal("a signing form for an officer without a key")
	}
	leader, _ := e.login(t, "lanhdao", demo.Password)
	_, page := get(t, leader, e.ts.URL+"/office/dossiers/"+dcode)
	form := url.Values{"file": {optionOf(t, page, "sign-file", "ket-qua.pdf")}, "key": {optionOf(t, page, "sign-key", "cá nhân")},
		"passphrase": {"sai-mat-khau"}}
	resp, page = post(t, leader, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "p#sign-error"), "Mật khẩu") {
		t.Fatalf("wrong passphrase: %d %q", resp.StatusCode, textAt(t, page, "p#sign-error"))
	}
	form.Set("passphrase", demo.Password)
	if resp, page = post(t, leader, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}

	// The clerk seals the signed file.
	clerk, _ := e.login(t, "vanthu", demo.Password)
	_, page = get(t, clerk, e.ts.URL+"/office/dossiers/"+dcode)
	signedID := optionOf(t, page, "sign-file", dcode+"-KQ1.pdf")
	form = url.Values{"file": {signedID}, "key": {optionOf(t, page, "sign-key", "con dấu")}, "passphrase": {demo.Password}}
	if resp, page = post(t, clerk, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("seal: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}

	// Both signatures verify; the file is the register's KQ2.
	d, _ := e.st.DossierByCode(ctx, dcode)
	files, _ := e.st.DossierFiles(ctx, d.ID)
	last := files[len(files)-1]
	if last.FileName != dcode+"-KQ2.pdf" || last.Kind != "result" {
		t.Fatalf("sealed file: %+v", last)
	}
	resp, sealed := fetchFile(t, e, counter, "/api/v1/dossiers/"+dcode+"/files/"+strconv.FormatInt(last.ID, 10))
	if resp.StatusCode != 200 {
		t.Fatalf("download: %d", resp.StatusCode)
	}
	anchors, err := e.st.TrustAnchors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := signing.VerifyPDF(ctx, []byte(sealed), signing.VerifyOptions{TrustAnchors: anchors, Offline: true,
		Register: e.st.IssuedDocumentBySHA256})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid || len(rep.Signatures) != 2 || rep.ModifiedAfterSigning || rep.IssuedByXaso == nil || rep.IssuedByXaso.DocumentCode != dcode+"-KQ2" {
		t.Fatalf("verification: %+v", rep)
	}
	for _, s := range rep.Signatures {
		if !s.Valid {
			t.Errorf("signature %s: %s", s.Field, s.Summary)
		}
	}
	// The Decision 766 index counts the dossier as having an electronic result (once,
	// though two results are registered).
	today := calendar.DateOf(d.ResolvedAt)
	if n, err := e.st.ElectronicResults(ctx, []int64{d.CompetentUnitID}, today, today); err != nil || n != 1 {
		t.Fatalf("electronic results: %d %v", n, err)
	}
	// The applicant sees the signed results.
	_, page = get(t, e.client(), e.ts.URL+"/tra-cuu/"+dcode+"?secret="+d.Secret)
	if got := textAt(t, page, "section#ket-qua"); !strings.Contains(got, dcode+"-KQ2.pdf") {
		t.Fatalf("the applicant's results: %q", got)
	}
}

// optionOf is the value of the option of the select with id whose text contains label.
func optionOf(t *testing.T, page, id, label string) string {
	t.Helper()
	var texts []string
	for _, o := range all(t, page, "option") {
		if pid, _ := attr(o.Parent, "id"); pid == id {
			texts = append(texts, textOf(o))
			if strings.Contains(textOf(o), label) {
				v, _ := attr(o, "value")
				return v
			}
		}
	}
	t.Fatalf("no option %q in select#%s: %q", label, id, texts)
	return ""
}
