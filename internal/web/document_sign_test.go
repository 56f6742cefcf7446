package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/signing"
)

// The leader signs an approved draft's PDF on its page and the clerk seals it with the
// commune's key (the demo's keys, unlocked with the demo password), then issues it
// electronically; the PDF the page serves carries both valid signatures.
func TestDocumentSigningPages(t *testing.T) {
	ctx := context.Background()
	e := newEnvWith(t, demo.Options{Signing: true})
	clerkAPI, leaderAPI := bearer(t, e, "vanthu"), bearer(t, e, "lanhdao")
	c, _ := e.login(t, "vanthu", demo.Password)
	l, _ := e.login(t, "lanhdao", demo.Password)
	d := docSend[apiDoc](t, e, clerkAPI, "POST", "/api/v1/documents", `{"direction":"outgoing","type_code":"quyet_dinh",
		"subject":"Về việc thử ký số","urgency":"normal","recipients":["Thôn Đông"]}`, 201)
	page := fmt.Sprintf("%s/office/documents/%d", e.ts.URL, d.ID)

	post := func(c *http.Client, action string, form url.Values) (int, string) {
		t.Helper()
		resp, err := c.PostForm(page+"/actions/"+action, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	upload := func(pdf []byte, action ...string) (int, string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("version", "0")
		fw, _ := mw.CreateFormFile("pdf", "du-thao.pdf")
		fw.Write(pdf)
		mw.Close()
		to := "/actions/pdf"
		if len(action) > 0 {
			to = "/actions/" + action[0]
		}
		resp, err := c.Post(page+to, mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := upload([]byte("not a PDF")); code != 422 || !strings.Contains(body, `id="pdf-error"`) {
		t.Fatalf("not a PDF: %d %.300s", code, body)
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	f.SetFont("Helvetica", "", 13)
	f.Text(30, 30, "QUYET DINH ve viec thu ky so")
	var plain bytes.Buffer
	if err := f.Output(&plain); err != nil {
		t.Fatal(err)
	}
	if code, body := upload(plain.Bytes()); code != 303 {
		t.Fatalf("upload: %d %.300s", code, body)
	}
	if code, body := upload(plain.Bytes(), "annex"); code != 303 {
		t.Fatalf("annex: %d %.300s", code, body)
	}
	docSend[apiDoc](t, e, leaderAPI, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/approve", d.ID), `{}`, 200)

	keyOf := func(user string) string {
		t.Helper()
		u, err := e.st.UserByUsername(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		ks, err := e.st.SigningKeys(ctx, u.ID)
		if err != nil || len(ks) == 0 {
			t.Fatalf("%s's keys: %v", user, err)
		}
		return strconv.FormatInt(ks[0].ID, 10)
	}
	// The clerk cannot seal before the leader signs: the page offers no form, and a
	// forged post is refused.
	if _, body := get(t, c, page); strings.Contains(body, `action="/office/documents/`+strconv.FormatInt(d.ID, 10)+`/actions/sign"`) {
		t.Fatal("the clerk is offered the seal before the leader's signature")
	}
	if code, _ := post(c, "sign", url.Values{"key_id": {keyOf("vanthu")}, "passphrase": {demo.Password}}); code != 422 {
		t.Fatalf("sealed before the leader: %d", code)
	}
	if _, body := get(t, l, page); !strings.Contains(body, "Ký số văn bản") {
		t.Fatalf("the leader's page has no signing form:\n%.2000s", body)
	}
	if code, body := post(l, "sign", url.Values{"key_id": {keyOf("lanhdao")}, "passphrase": {"sai mật khẩu"}}); code != 422 || !strings.Contains(body, `id="passphrase-error"`) {
		t.Fatalf("wrong passphrase: %d %.300s", code, body)
	}
	if code, body := post(l, "sign", url.Values{"key_id": {keyOf("lanhdao")}, "passphrase": {demo.Password}}); code != 303 {
		t.Fatalf("the leader signs: %d %.500s", code, body)
	}
	if _, body := get(t, c, page); !strings.Contains(body, "Đóng dấu số của cơ quan") {
		t.Fatal("the clerk's page has no seal form")
	}
	if code, body := post(c, "sign", url.Values{"key_id": {keyOf("vanthu")}, "passphrase": {demo.Password}}); code != 303 {
		t.Fatalf("the clerk seals: %d %.500s", code, body)
	}
	if code, body := post(c, "issue", url.Values{}); code != 303 {
		t.Fatalf("electronic issue: %d %.500s", code, body)
	}
	var got struct {
		NumberNotation string `json:"number_notation"`
		Paper          bool   `json:"paper"`
		SignStage      string `json:"sign_stage"`
	}
	if code, _ := apiGet(t, e, clerkAPI, fmt.Sprintf("/api/v1/documents/%d", d.ID), &got); code != 200 || got.Paper || got.SignStage != "sealed" ||
		!strings.HasSuffix(got.NumberNotation, "/QĐ-UBND") {
		t.Fatalf("issued: %d %+v", code, got)
	}
	resp, pdf := get(t, l, page+"/pdf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the PDF: %d", resp.StatusCode)
	}
	anchors, err := e.st.TrustAnchors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := signing.VerifyPDF(ctx, []byte(pdf), signing.VerifyOptions{TrustAnchors: anchors, Offline: true})
	if err != nil || len(rep.Signatures) != 2 || !rep.Signatures[0].Valid || !rep.Signatures[1].Valid {
		t.Fatalf("the signed PDF: %+v, %v", rep, err)
	}
	resp, annex := get(t, l, page+"/files/1")
	if resp.StatusCode != 200 {
		t.Fatalf("the annex: %d", resp.StatusCode)
	}
	rep, err = signing.VerifyPDF(ctx, []byte(annex), signing.VerifyOptions{TrustAnchors: anchors, Offline: true})
	if err != nil || len(rep.Signatures) != 1 || !rep.Signatures[0].Valid {
		t.Fatalf("the sealed annex: %+v, %v", rep, err)
	}
	if resp, _ := get(t, l, page+"/files/2"); resp.StatusCode == 200 {
		t.Fatal("an annex that is not there")
	}
}

// POST /api/v1/documents/{id}/actions/pdf attaches the draft's PDF; not a PDF is refused.
func TestDocumentDraftPDFAPI(t *testing.T) {
	e := newEnv(t)
	clerk := bearer(t, e, "vanthu")
	d := docSend[apiDoc](t, e, clerk, "POST", "/api/v1/documents", `{"direction":"outgoing","type_code":"quyet_dinh",
		"subject":"Về việc thử","urgency":"normal","recipients":["Thôn Đông"]}`, 201)
	path := fmt.Sprintf("/api/v1/documents/%d/actions/pdf", d.ID)
	for _, body := range []string{`{"pdf":"bm90IGEgUERG"}`, `{"pdf":"%%%"}`} {
		if p := docSend[apiProblem](t, e, clerk, "POST", path, body, 422); p.Code != "invalid_draft_pdf" {
			t.Errorf("%s: %+v", body, p)
		}
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	if got := docSend[apiDoc](t, e, clerk, "POST", path, `{"pdf":"`+base64.StdEncoding.EncodeToString(b.Bytes())+`"}`, 200); got.Version != d.Version+1 {
		t.Fatalf("attached: %+v", got)
	}
}

// The same through the API: sign with key_id and passphrase (a wrong one is 422
// wrong_passphrase), seal, issue without a PDF.
func TestDocumentSigningAPI(t *testing.T) {
	ctx := context.Background()
	e := newEnvWith(t, demo.Options{Signing: true})
	clerk, leader := bearer(t, e, "vanthu"), bearer(t, e, "lanhdao")
	keyOf := func(user string) int64 {
		t.Helper()
		u, err := e.st.UserByUsername(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		ks, err := e.st.SigningKeys(ctx, u.ID)
		if err != nil || len(ks) == 0 {
			t.Fatalf("%s's keys: %v", user, err)
		}
		return ks[0].ID
	}
	d := docSend[apiDoc](t, e, clerk, "POST", "/api/v1/documents", `{"direction":"outgoing","type_code":"quyet_dinh",
		"subject":"Về việc thử ký số","urgency":"normal","recipients":["Thôn Đông"]}`, 201)
	action := func(a string) string { return fmt.Sprintf("/api/v1/documents/%d/actions/%s", d.ID, a) }
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	docSend[apiDoc](t, e, clerk, "POST", action("pdf"), `{"pdf":"`+base64.StdEncoding.EncodeToString(b.Bytes())+`"}`, 200)
	docSend[apiDoc](t, e, leader, "POST", action("approve"), `{}`, 200)
	sign := func(token string, key int64, pass string, want int) apiProblem {
		t.Helper()
		return docSend[apiProblem](t, e, token, "POST", action("sign"), fmt.Sprintf(`{"key_id":%d,"passphrase":%q}`, key, pass), want)
	}
	if p := sign(leader, keyOf("lanhdao"), "sai", 422); p.Code != "wrong_passphrase" {
		t.Fatalf("wrong passphrase: %+v", p)
	}
	if p := sign(leader, keyOf("vanthu"), demo.Password, 422); p.Code != "signing_key_required" {
		t.Fatalf("another's key: %+v", p)
	}
	if p := sign(clerk, keyOf("vanthu"), demo.Password, 409); p.Code != "signing_order" {
		t.Fatalf("sealed first: %+v", p)
	}
	sign(leader, keyOf("lanhdao"), demo.Password, 200)
	sign(clerk, keyOf("vanthu"), demo.Password, 200)
	if got := docSend[apiDoc](t, e, clerk, "POST", action("issue"), `{}`, 200); !strings.HasSuffix(got.NumberNotation, "/QĐ-UBND") {
		t.Fatalf("issued: %+v", got)
	}
}
