package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
)

// TestLeaderAndClerkSignTheResult: the leader signs the result PDF from the dossier page
// with their stored key (a wrong passphrase is explained), the clerk adds the commune's
// seal to the signed file; both signatures verify against the trust anchor, the result
// keeps its code <code>-KQ1 across the two signatures (versions 1 and 2 in the register),
// its verification QR code (stamped before the first signature) leads to the final
// version, the seal lies over the left third of the leader's signature, and the applicant
// downloads the sealed result.
func TestLeaderAndClerkSignTheResult(t *testing.T) {
	e := newEnvWith(t, demo.Options{Signing: true})
	ctx := context.Background()
	counter := bearer(t, e, "motcua")
	dcode := resultToSign(t, e)

	// The specialist holds no key: no signing form.
	sc, _ := e.login(t, "chuyenvien", demo.Password)
	if _, page := get(t, sc, e.ts.URL+"/office/dossiers/"+dcode); has(t, page, "form[action=/office/dossiers/"+dcode+"/sign]") {
		t.Fatal("a signing form for an officer without a key")
	}
	leader, _ := e.login(t, "lanhdao", demo.Password)
	_, page := get(t, leader, e.ts.URL+"/office/dossiers/"+dcode)
	form := url.Values{"file": {optionOf(t, page, "sign-file", "ket-qua.pdf")}, "key": {optionOf(t, page, "sign-key", "cá nhân")},
		"passphrase": {"sai-mat-khau"}}
	resp, page := post(t, leader, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form)
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

	// Sealing the leader's version again is refused: it has a later version.
	if resp, page = post(t, clerk, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(textAt(t, page, "p#sign-error"), "bản ký sau") {
		t.Fatalf("sealing a superseded version: %d %q", resp.StatusCode, textAt(t, page, "p#sign-error"))
	}

	// Both signatures verify; the file is version 2 of KQ1.
	d, _ := e.st.DossierByCode(ctx, dcode)
	files, _ := e.st.DossierFiles(ctx, d.ID)
	last := files[len(files)-1]
	if last.FileName != dcode+"-KQ1-v2.pdf" || last.Kind != "result" {
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
	if !rep.Valid || len(rep.Signatures) != 2 || rep.ModifiedAfterSigning || rep.IssuedByXaso == nil ||
		rep.IssuedByXaso.DocumentCode != dcode+"-KQ1" || rep.IssuedByXaso.Version != 2 || !rep.IssuedByXaso.Latest {
		t.Fatalf("verification: %+v %+v", rep, rep.IssuedByXaso)
	}
	if doc, err := e.st.IssuedDocument(ctx, dcode+"-KQ1"); err != nil || doc == nil || doc.Version != 2 || !doc.Latest {
		t.Fatalf("the code's latest version: %+v %v", doc, err)
	}
	// Decree 30's appearance: the leader's blue signature on the last page, the red seal
	// over its left third.
	areas, err := signing.SignatureAreas([]byte(sealed))
	if err != nil || len(areas) != 2 || areas[0].Page != areas[1].Page || areas[1].Rect[0] >= areas[0].Rect[0] ||
		areas[1].Rect[2] <= areas[0].Rect[0] {
		t.Fatalf("signature areas: %+v %v", areas, err)
	}
	// The verification stamp on page 1 reads back as the address of the code's page
	// (beside form 01's own QR code, the look-up's).
	if qr := pageQR(t, []byte(sealed)); qr != "" && !slices.Contains(strings.Split(qr, "\n"), e.ts.URL+"/xac-thuc?ma="+url.QueryEscape(dcode+"-KQ1")) {
		t.Fatalf("stamp's QR code: %q", qr)
	}
	_, page = get(t, e.client(), e.ts.URL+"/xac-thuc?ma="+url.QueryEscape(dcode+"-KQ1"))
	if got := textAt(t, page, "main"); !strings.Contains(got, "lần ký thứ 2") || !strings.Contains(got, rep.SHA256) {
		t.Fatalf("the code's page: %q", got)
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
	// The clerk seal-signs form 01 (drawn now): a new document -PH1, registered as a form
	// (not a result), with its own verification stamp. The leader's personal key cannot
	// sign a form, and is not offered any.
	_, page = get(t, clerk, e.ts.URL+"/office/dossiers/"+dcode)
	form = url.Values{"file": {optionOf(t, page, "sign-file", "Mẫu 01")}, "key": {optionOf(t, page, "sign-key", "con dấu")}, "passphrase": {demo.Password}}
	if resp, page = post(t, clerk, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign form 01: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	files, _ = e.st.DossierFiles(ctx, d.ID)
	ph := files[len(files)-1]
	if ph.FileName != dcode+"-PH1.pdf" || ph.Kind != "form" {
		t.Fatalf("signed form: %+v", ph)
	}
	resp, signedForm := fetchFile(t, e, counter, "/api/v1/dossiers/"+dcode+"/files/"+strconv.FormatInt(ph.ID, 10))
	if resp.StatusCode != 200 {
		t.Fatalf("download the form: %d", resp.StatusCode)
	}
	rep, err = signing.VerifyPDF(ctx, []byte(signedForm), signing.VerifyOptions{TrustAnchors: anchors, Offline: true,
		Register: e.st.IssuedDocumentBySHA256})
	if err != nil || !rep.Valid || rep.IssuedByXaso == nil || rep.IssuedByXaso.Kind != "form" || rep.IssuedByXaso.DocumentCode != dcode+"-PH1" {
		t.Fatalf("the signed form: %+v %v", rep, err)
	}
	if n, err := e.st.ElectronicResults(ctx, []int64{d.CompetentUnitID}, today, today); err != nil || n != 1 {
		t.Fatalf("a signed form is not a result: %d %v", n, err)
	}
	_, page = get(t, leader, e.ts.URL+"/office/dossiers/"+dcode)
	if strings.Contains(page, `value="mau-01"`) {
		t.Fatal("forms offered to a personal key")
	}
	form.Set("key", optionOf(t, page, "sign-key", "cá nhân"))
	if resp, page = post(t, leader, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(textAt(t, page, "p#sign-error"), "con dấu") {
		t.Fatalf("a form with a personal key: %d %q", resp.StatusCode, textAt(t, page, "p#sign-error"))
	}

	// The applicant sees the signed results.
	_, page = get(t, e.client(), e.ts.URL+"/tra-cuu/"+dcode+"?secret="+d.Secret)
	if got := textAt(t, page, "section#ket-qua"); !strings.Contains(got, dcode+"-KQ1-v2.pdf") {
		t.Fatalf("the applicant's results: %q", got)
	}
}

// resultToSign files a dossier at the counter, takes it to the leader's approval and
// attaches a result PDF (the dossier's form 01, as fpdf writes it); it returns the code.
func resultToSign(t *testing.T, e *env) string {
	t.Helper()
	counter, specialist, leaderToken := bearer(t, e, "motcua"), bearer(t, e, "chuyenvien"), bearer(t, e, "lanhdao")
	code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	for _, st := range []struct{ token, action string }{{counter, "forward"}, {specialist, "forward"}} {
		if code, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+dcode+"/actions/"+st.action, ""); code != 200 {
			t.Fatalf("%s: %d %s", st.action, code, out)
		}
	}
	// The leader cannot sign the result before there is one.
	if code, out := apiSend(t, e, leaderToken, "POST", "/api/v1/dossiers/"+dcode+"/actions/sign", ""); code != 409 || !strings.Contains(out, `"result_missing"`) {
		t.Fatalf("sign without a result: %d %s", code, out)
	}
	// The result: a real PDF (here the dossier's form 01, as fpdf writes it).
	resp, pdf := fetchFile(t, e, counter, "/api/v1/dossiers/"+dcode+"/forms/01.pdf")
	if resp.StatusCode != 200 {
		t.Fatalf("form 01: %d", resp.StatusCode)
	}
	if code, out := uploadFile(t, e, specialist, dcode, "ket-qua.pdf", pdf, map[string]string{"kind": "result", "name": "Giấy xác nhận"}); code != 201 {
		t.Fatalf("result upload: %d %s", code, out)
	}
	if code, out := apiSend(t, e, leaderToken, "POST", "/api/v1/dossiers/"+dcode+"/actions/sign", ""); code != 200 {
		t.Fatalf("sign: %d %s", code, out)
	}

	return dcode
}

// TestSigningWithTimestampAuthority: with --tsa-url the office's signatures are PAdES
// B-T, their time vouched for by the authority.
func TestSigningWithTimestampAuthority(t *testing.T) {
	e := newEnvWith(t, demo.Options{Signing: true})
	ctx := context.Background()
	ca, err := democa.New("TSA CA thử nghiệm", true)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ca.TimestampAuthority()
	if err != nil {
		t.Fatal(err)
	}
	tsa := httptest.NewServer(h)
	defer tsa.Close()
	if err := e.st.AddTrustAnchor(ctx, ca.Cert); err != nil {
		t.Fatal(err)
	}
	e.srv.TSAURL = tsa.URL
	dcode := resultToSign(t, e)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	_, page := get(t, leader, e.ts.URL+"/office/dossiers/"+dcode)
	form := url.Values{"file": {optionOf(t, page, "sign-file", "ket-qua.pdf")}, "key": {optionOf(t, page, "sign-key", "cá nhân")},
		"passphrase": {demo.Password}}
	if resp, page := post(t, leader, e.ts.URL+"/office/dossiers/"+dcode+"/sign", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	d, _ := e.st.DossierByCode(ctx, dcode)
	files, _ := e.st.DossierFiles(ctx, d.ID)
	_, signed := fetchFile(t, e, bearer(t, e, "motcua"), "/api/v1/dossiers/"+dcode+"/files/"+strconv.FormatInt(files[len(files)-1].ID, 10))
	anchors, _ := e.st.TrustAnchors(ctx)
	rep, err := signing.VerifyPDF(ctx, []byte(signed), signing.VerifyOptions{TrustAnchors: anchors, Offline: true})
	if err != nil || !rep.Valid {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	if s := rep.Signatures[0]; s.Level != "PAdES-B-T" || s.Timestamp == nil || !s.Timestamp.Trusted || s.SigningTimeSource != "timestamp" {
		t.Fatalf("B-T: %+v %+v", s, s.Timestamp)
	}
}

// pageQR renders page 1 of pdf and decodes its QR codes, one per line; "" when poppler or zbar is not
// installed (CI installs both).
func pageQR(t *testing.T, pdf []byte) string {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s not installed: the stamp's QR code is not read back", tool)
			return ""
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "a.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pngs) != 1 {
		t.Fatalf("pages rendered: %v", pngs)
	}
	out, err := exec.Command("zbarimg", "--raw", "-q", pngs[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSpace(string(out))
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
