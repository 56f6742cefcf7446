package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// filingBody is an online filing form with files: fields by name, files by input name.
func filingBody(t *testing.T, fields url.Values, files map[string][]namedFile) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for input, fs := range files {
		for _, f := range fs {
			fw, err := mw.CreateFormFile(input, f.name)
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(f.data)
		}
	}
	mw.Close()
	return mw.FormDataContentType(), &b
}

type namedFile struct {
	name string
	data []byte
}

func postMultipart(t *testing.T, c *http.Client, u, ct string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, body)
	req.Header.Set("Content-Type", ct)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestCitizenFilesWithPapersAndFollowsUp: a citizen files online with photos of the
// papers; a refused file and a wrong answer come back together, the good photo kept;
// then the citizen answers a supplement request from the look-up page, downloads the
// result, and rates the service — and nobody without the secret can do any of it.
func TestCitizenFilesWithPapersAndFollowsUp(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "congdan", demo.Password)
	_, page := get(t, c, e.ts.URL+"/nop-ho-so/1.001193")
	if got := attrAt(t, page, "form.intake", "enctype"); got != "multipart/form-data" {
		t.Fatalf("filing form enctype %q", got)
	}
	if !has(t, page, "input#paper-1[type=file]") || !has(t, page, "input#paper-other[type=file]") {
		t.Fatal("no file input per paper")
	}
	key := attrAt(t, page, "input[name=key]", "value")
	photo := testPNG(t, 300, 200)

	bad := birthFields()
	bad.Set("key", key)
	bad.Set("applicant.id_number", "12345")
	ct, body := filingBody(t, bad, map[string][]namedFile{
		"paper-1": {{"giay-chung-sinh.png", photo}},
		"paper-5": {{"cccd.jpg", []byte("this is not a JPEG")}},
	})
	resp, page := postMultipart(t, c, e.ts.URL+"/nop-ho-so/1.001193", ct, body)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("filing with a bad file: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	if msg := textAt(t, page, "p#paper-5-error"); !strings.Contains(msg, "cccd.jpg") {
		t.Errorf("refused file not named next to its input: %q", msg)
	}
	if textAt(t, page, "p#applicant-id_number-error") == "" {
		t.Error("the wrong answer is not shown in the same round trip")
	}
	if help := textAt(t, page, "p#paper-1-help"); !strings.Contains(help, "giay-chung-sinh.png") {
		t.Errorf("the accepted photo is not kept: %q", help)
	}
	if !has(t, page, "a[href=#paper-5]") {
		t.Error("the error summary does not link to the file input")
	}

	// Corrected answers, no file sent again: the kept photo is filed with the dossier.
	good := birthFields()
	good.Set("key", key)
	ct, body = filingBody(t, good, nil)
	resp, page = postMultipart(t, c, e.ts.URL+"/nop-ho-so/1.001193", ct, body)
	m := codeRE.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("filing: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	code := m[1]
	d, err := e.st.DossierByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	files, err := e.st.DossierFiles(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Kind != "paper" || files[0].FileName != "giay-chung-sinh.png" || files[0].Digitised ||
		!strings.HasPrefix(files[0].Name, "Giấy chứng sinh") || files[0].Size != int64(len(photo)) || files[0].UploadedBy == 0 {
		t.Fatalf("files of the dossier: %+v", files)
	}
	lookup := e.ts.URL + "/tra-cuu/" + code + "?secret=" + d.Secret

	// The counter receives it and the specialist asks for a supplement.
	counter, specialist, leader := bearer(t, e, "motcua"), bearer(t, e, "chuyenvien"), bearer(t, e, "lanhdao")
	for _, st := range []struct{ token, action, body string }{
		{counter, "receive", ""}, {counter, "forward", ""},
		{specialist, "request_supplement", `{"reason":"Bổ sung ảnh căn cước của người đi khai sinh."}`},
	} {
		if code, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+code+"/actions/"+st.action, st.body); code != 200 {
			t.Fatalf("%s: %d %s", st.action, code, out)
		}
	}

	// Someone with the code but not the secret can do nothing.
	stranger := e.client()
	for _, try := range []struct{ path, ct, body string }{
		{"/tra-cuu/" + code + "/hanh-dong/withdraw?secret=WRONG123", "application/x-www-form-urlencoded", "reason=x"},
		{"/tra-cuu/" + code + "/hanh-dong/supplement", "application/x-www-form-urlencoded", ""},
		{"/tra-cuu/" + code + "/danh-gia?secret=", "application/x-www-form-urlencoded", "rating=satisfied"},
	} {
		resp, _ := postMultipart(t, stranger, e.ts.URL+try.path, try.ct, strings.NewReader(try.body))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s without the secret: %d, want 404", try.path, resp.StatusCode)
		}
	}
	if resp, _ := get(t, stranger, e.ts.URL+"/tra-cuu/"+code+"/tep/"+strconv.FormatInt(files[0].ID, 10)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a paper without the secret: %d", resp.StatusCode)
	}

	// The applicant (no account needed: the secret from the receipt) sees the request
	// and sends the missing paper; a file that lies about its type is refused.
	holder := e.client()
	_, page = get(t, holder, lookup)
	if !strings.Contains(textAt(t, page, "main"), "Bổ sung ảnh căn cước") || !has(t, page, "form#supplement-upload") {
		t.Fatalf("no supplement form: %s", textAt(t, page, "main"))
	}
	action := attrAt(t, page, "form#supplement-upload", "action")
	ct, body = multipartBody(t, "cccd.png", []byte("GIF89a not a png"), map[string]string{"name": "Căn cước"})
	resp, page = postMultipart(t, holder, e.ts.URL+action, ct, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || textAt(t, page, "p#bo-sung-error") == "" {
		t.Fatalf("a lying file: %d %q", resp.StatusCode, textAt(t, page, "p#bo-sung-error"))
	}
	ct, body = multipartBody(t, "cccd.png", testPNG(t, 120, 80), map[string]string{"name": "Căn cước"})
	resp, _ = postMultipart(t, holder, e.ts.URL+action, ct, body)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("supplement upload: %d", resp.StatusCode)
	}
	_, page = get(t, holder, e.ts.URL+resp.Header.Get("Location"))
	if !strings.Contains(textAt(t, page, "p.flash"), "Căn cước") || !strings.Contains(textAt(t, page, "section#giay-to"), "Căn cước (Giấy tờ bổ sung, cccd.png") {
		t.Fatalf("after the upload: %q / %q", textAt(t, page, "p.flash"), textAt(t, page, "section#giay-to"))
	}
	done := attrAt(t, page, "form#supplement-done", "action")
	resp, _ = postMultipart(t, holder, e.ts.URL+done, "application/x-www-form-urlencoded", strings.NewReader(""))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("supplement done: %d", resp.StatusCode)
	}
	if d, _ = e.st.DossierByCode(context.Background(), code); d.Status != "processing" || !d.PausedAt.IsZero() {
		t.Fatalf("after the supplement: %s paused %v", d.Status, d.PausedAt)
	}
	evs, _ := e.st.DossierEvents(context.Background(), d.ID)
	if last := evs[len(evs)-1]; last.Action != "supplement" || last.ActorName != "công dân" {
		t.Fatalf("history: %+v", last)
	}

	// Too early to rate; then the office finishes, attaches the result, and returns it.
	resp, page = postMultipart(t, holder, e.ts.URL+"/tra-cuu/"+code+"/danh-gia?secret="+d.Secret, "application/x-www-form-urlencoded",
		strings.NewReader("rating=satisfied"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("rating before the result: %d", resp.StatusCode)
	}
	attachResult(t, e, specialist, code)
	for _, st := range []struct{ token, action string }{{specialist, "forward"}, {leader, "sign"}} {
		if code, out := apiSend(t, e, st.token, "POST", "/api/v1/dossiers/"+code+"/actions/"+st.action, ""); code != 200 {
			t.Fatalf("%s: %d %s", st.action, code, out)
		}
	}
	if code, out := uploadFile(t, e, leader, code, "to-khai.pdf", []byte(testPDF), map[string]string{"kind": "paper", "result_number": "12"}); code != 422 ||
		!strings.Contains(out, "result_number_not_result") {
		t.Fatalf("a paper with a result number: %d %s", code, out)
	}
	// The birth certificate was issued by the civil-status register: its number and book stay.
	code2, out := uploadFile(t, e, leader, code, "giay-khai-sinh.pdf", []byte(testPDF), map[string]string{"kind": "result", "name": "Giấy khai sinh",
		"result_number": "123", "result_book": "01/2026", "result_issuer": "Phần mềm đăng ký, quản lý hộ tịch"})
	if code2 != 201 {
		t.Fatalf("result upload: %d %s", code2, out)
	}
	if it := decode[map[string]any](t, out); it["result_number"] != "123" || it["result_book"] != "01/2026" || it["result_issuer"] != "Phần mềm đăng ký, quản lý hộ tịch" {
		t.Fatalf("result item: %s", out)
	}
	_, page = get(t, holder, lookup)
	if got := textAt(t, page, "section#ket-qua"); !strings.Contains(got, "số 123, quyển số 01/2026, cấp qua Phần mềm đăng ký, quản lý hộ tịch") {
		t.Errorf("the result's number and book are not shown: %q", got)
	}
	link := attrAt(t, page, "a.result", "href")
	resp, pdf := get(t, holder, e.ts.URL+link)
	if resp.StatusCode != 200 || pdf != testPDF || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("result download %s: %d %q", link, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if has(t, page, "details#rut-ho-so") {
		t.Error("a resolved dossier offers withdrawal")
	}

	// The rating: an invalid answer is explained, a valid one recorded once.
	rate := e.ts.URL + attrAt(t, page, "form#rating-form", "action")
	resp, page = postMultipart(t, holder, rate, "application/x-www-form-urlencoded", strings.NewReader("rating=great&comment=Nhanh"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "section#danh-gia"), "Vui lòng chọn") ||
		textAt(t, page, "textarea#rating-comment") != "Nhanh" {
		t.Fatalf("invalid rating: %d %s", resp.StatusCode, textAt(t, page, "section#danh-gia"))
	}
	resp, _ = postMultipart(t, holder, rate, "application/x-www-form-urlencoded", strings.NewReader("rating=satisfied&comment=C%C3%A1n+b%E1%BB%99+nhi%E1%BB%87t+t%C3%ACnh"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rating: %d", resp.StatusCode)
	}
	resp, _ = postMultipart(t, holder, rate, "application/x-www-form-urlencoded", strings.NewReader("rating=dissatisfied"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("second rating: %d", resp.StatusCode)
	}
	r, ok, err := e.st.DossierRating(context.Background(), d.ID)
	if err != nil || !ok || r.Rating != "satisfied" || r.Comment != "Cán bộ nhiệt tình" {
		t.Fatalf("stored rating: %+v %v %v", r, ok, err)
	}
	_, page = get(t, holder, lookup)
	if got := textAt(t, page, "p#rated"); !strings.Contains(got, "Hài lòng") {
		t.Errorf("the rating is not shown back: %q", got)
	}
}

// TestCitizenWithdraws: the owner, logged in, withdraws from the look-up page; the reason
// is required and kept when missing.
func TestCitizenWithdraws(t *testing.T) {
	e := newEnv(t)
	citizen := bearer(t, e, "congdan")
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	c, _ := e.login(t, "congdan", demo.Password)
	// The owner's session is enough, without the secret.
	_, page := get(t, c, e.ts.URL+"/tra-cuu/"+dcode)
	action := attrAt(t, page, "form#withdraw-form", "action")
	if action == "" {
		t.Fatalf("no withdrawal form for the owner: %s", textAt(t, page, "main"))
	}
	resp, page := post(t, c, e.ts.URL+action, url.Values{"reason": {"  "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || textAt(t, page, "p#withdraw-error") == "" {
		t.Fatalf("withdraw without reason: %d", resp.StatusCode)
	}
	resp, _ = post(t, c, e.ts.URL+action, url.Values{"reason": {"Nộp nhầm thủ tục"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	d, _ := e.st.DossierByCode(context.Background(), dcode)
	if d.Status != "withdrawn" || d.Reason != "Nộp nhầm thủ tục" {
		t.Fatalf("after withdrawal: %s %q", d.Status, d.Reason)
	}
	// Another citizen, logged in, gets nothing.
	other := otherCitizen(t, e)
	if resp, _ := post(t, other, e.ts.URL+"/tra-cuu/"+dcode+"/danh-gia", url.Values{"rating": {"satisfied"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another citizen rates: %d", resp.StatusCode)
	}
}

// TestUploadIdempotencyKey: the same Idempotency-Key with the same file records it once;
// with another file it is refused.
func TestUploadIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	citizen := bearer(t, e, "congdan")
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	send := func(data []byte, key string) (int, string, string) {
		ct, body := multipartBody(t, "anh.png", data, map[string]string{"name": "Ảnh"})
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/dossiers/"+dcode+"/files", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+citizen)
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header.Get("Idempotent-Replayed")
	}
	a, b := testPNG(t, 50, 40), testPNG(t, 60, 40)
	c1, o1, _ := send(a, "tap-1")
	c2, o2, replayed := send(a, "tap-1")
	if c1 != 201 || c2 != 200 || replayed != "true" || decode[fileItem](t, o1).ID != decode[fileItem](t, o2).ID {
		t.Fatalf("same key, same file: %d %s / %d %s %q", c1, o1, c2, o2, replayed)
	}
	if c, o, _ := send(b, "tap-1"); c != 409 || !strings.Contains(o, "idempotency_key_reused") {
		t.Fatalf("same key, other file: %d %s", c, o)
	}
	if c, _, _ := send(b, "tap-2"); c != 201 {
		t.Fatalf("new key: %d", c)
	}
	if c, o, _ := send(b, "bad key!"); c != 422 || !strings.Contains(o, "invalid_idempotency_key") {
		t.Fatalf("bad key: %d %s", c, o)
	}
	d, _ := e.st.DossierByCode(context.Background(), dcode)
	if fs, _ := e.st.DossierFiles(context.Background(), d.ID); len(fs) != 2 {
		t.Fatalf("files: %d, want 2", len(fs))
	}
}

// TestNationalPortalForwarding: the connector (an administrator's token) forwards a
// dossier from the national portal with the portal's code; forwarding again is a replay,
// the same code with other content is refused, and the code is required for the channel
// and only for it.
func TestNationalPortalForwarding(t *testing.T) {
	e := newEnv(t)
	connector, counter, citizen := bearer(t, e, "quantri"), bearer(t, e, "motcua"), bearer(t, e, "congdan")
	body := strings.Replace(onlineBody, `"channel":"online"`, `"channel":"national_portal","national_code":"G22.99.01-261126-0042"`, 1)
	code, out := apiSend(t, e, connector, "POST", "/api/v1/dossiers", body)
	if code != 201 {
		t.Fatalf("forward: %d %s", code, out)
	}
	first := decode[struct{ Code, Status string }](t, out)
	if first.Status != "submitted" {
		t.Fatalf("a forwarded dossier waits for the counter's check: %s", out)
	}
	code, out = apiSend(t, e, connector, "POST", "/api/v1/dossiers", body)
	if again := decode[struct{ Code string }](t, out); code != 200 || again.Code != first.Code {
		t.Fatalf("forwarded again: %d %s, want 200 with %s", code, out, first.Code)
	}
	changed := strings.Replace(body, "Nguyễn Thị Bé", "Nguyễn Thị Khác", 1)
	if code, out := apiSend(t, e, connector, "POST", "/api/v1/dossiers", changed); code != 409 {
		t.Fatalf("same portal code, other content: %d %s", code, out)
	}
	noCode := strings.Replace(onlineBody, `"channel":"online"`, `"channel":"national_portal"`, 1)
	if code, out := apiSend(t, e, connector, "POST", "/api/v1/dossiers", noCode); code != 422 || !strings.Contains(out, "national_code") {
		t.Fatalf("without the portal code: %d %s", code, out)
	}
	wrongChannel := strings.Replace(onlineBody, `"channel":"online"`, `"channel":"online","national_code":"G22-1"`, 1)
	if code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", wrongChannel); code != 422 || !strings.Contains(out, "national_code") {
		t.Fatalf("a portal code online: %d %s", code, out)
	}
	badCode := strings.Replace(body, "G22.99.01-261126-0042", "G22 99/01", 1)
	if code, out := apiSend(t, e, connector, "POST", "/api/v1/dossiers", badCode); code != 422 || !strings.Contains(out, "national_code") {
		t.Fatalf("a malformed portal code: %d %s", code, out)
	}
	if code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", strings.Replace(body, "0042", "0043", 1)); code != 409 {
		t.Fatalf("a citizen posing as the portal: %d %s", code, out)
	}
	var list struct {
		Items []struct {
			Code         string `json:"code"`
			NationalCode string `json:"national_code"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if code, p := apiGet(t, e, counter, "/api/v1/dossiers?national_code=G22.99.01-261126-0042", &list); code != 200 || list.Total != 1 ||
		list.Items[0].Code != first.Code || list.Items[0].NationalCode != "G22.99.01-261126-0042" {
		t.Fatalf("find by portal code: %d %+v %+v", code, p, list)
	}
	if code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+first.Code+"/actions/receive", ""); code != 200 {
		t.Fatalf("receive: %d %s", code, out)
	}
}
