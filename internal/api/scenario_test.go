package api_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/webtest"
)

// A scenario is one request to the wired server (pages and API on one mux, as `xaso
// serve` builds it) on a fresh database with the demo commune, and what must come back:
// pocketbase's ApiScenario. The scenarios of a table run in order against the same
// server, so one may file a dossier that the next ones act on; {name} in a path, body,
// header or expected text stands for a value an earlier scenario kept (keep).
type scenario struct {
	name   string
	as     string // a demo user's name (a bearer token is made for them), "" anonymous, or "token:<raw>"
	method string
	path   string
	body   string            // JSON, sent as application/json
	file   *upload           // instead of body: a multipart upload
	header map[string]string // request headers
	status int
	code   string   // the problem's stable code, for errors
	want   []string // substrings of the answer's body
	// wantHeader: answer headers and their values.
	wantHeader map[string]string
	before     func(t *testing.T, e *env)
	after      func(t *testing.T, e *env, body string)
}

// upload is a multipart body: the file and the other fields.
type upload struct {
	name   string
	data   []byte
	fields map[string]string
}

// env is the server the scenarios of one table share.
type env struct {
	ts     *httptest.Server
	st     *store.Store
	tokens map[string]string
	vars   map[string]string
}

func newEnv(t *testing.T) *env {
	srv, st := webtest.New(t)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{ts: ts, st: st, tokens: map[string]string{}, vars: map[string]string{}}
}

// token is a bearer token of the demo user named.
func (e *env) token(t *testing.T, user string) string {
	if raw, ok := strings.CutPrefix(user, "token:"); ok {
		return raw
	}
	if tok, ok := e.tokens[user]; ok || user == "" {
		return tok
	}
	plain := webtest.Bearer(t, e.st, user)
	e.tokens[user] = plain
	return plain
}

// expand puts the kept values in place of their {names}.
func (e *env) expand(s string) string {
	for k, v := range e.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// keep keeps the JSON answer's field (a string or a number) as {name}.
func keep(name, field string) func(*testing.T, *env, string) {
	return func(t *testing.T, e *env, body string) {
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("keep %s: %v: %s", name, err, body)
		}
		switch v := m[field].(type) {
		case string:
			e.vars[name] = v
		case json.Number:
			e.vars[name] = v.String()
		default:
			t.Fatalf("keep %s: no %s in %s", name, field, body)
		}
	}
}

// run runs a table's scenarios in order.
func run(t *testing.T, e *env, table []scenario) {
	t.Helper()
	for _, sc := range table {
		t.Run(sc.name, func(t *testing.T) { e.run(t, sc) })
	}
}

func (e *env) run(t *testing.T, sc scenario) {
	if sc.before != nil {
		sc.before(t, e)
	}
	body, ctype := e.expand(sc.body), "application/json"
	if sc.file != nil {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range sc.file.fields {
			mw.WriteField(k, e.expand(v))
		}
		fw, _ := mw.CreateFormFile("file", sc.file.name)
		fw.Write(sc.file.data)
		mw.Close()
		body, ctype = b.String(), mw.FormDataContentType()
	}
	req, err := http.NewRequest(sc.method, e.ts.URL+e.expand(sc.path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok := e.token(t, sc.as); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range sc.header {
		req.Header.Set(k, e.expand(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := string(b)
	if resp.StatusCode != sc.status {
		t.Fatalf("%s %s as %q: status %d, want %d\n%s", sc.method, req.URL.Path, sc.as, resp.StatusCode, sc.status, out)
	}
	if resp.StatusCode >= 400 {
		// Every error of the API is problem+json with a stable code.
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("error Content-Type %q\n%s", ct, out)
		}
		var p httpx.Problem
		if err := json.Unmarshal(b, &p); err != nil || p.Code != sc.code || p.Detail == "" {
			t.Fatalf("problem %+v (%v), want code %q", p, err, sc.code)
		}
	} else if sc.code != "" {
		t.Fatalf("scenario expects code %q on a success", sc.code)
	}
	for _, w := range sc.want {
		if w = e.expand(w); !strings.Contains(out, w) {
			t.Errorf("the answer lacks %q:\n%s", w, out)
		}
	}
	for k, v := range sc.wantHeader {
		if got := resp.Header.Get(k); got != e.expand(v) {
			t.Errorf("header %s = %q, want %q", k, got, e.expand(v))
		}
	}
	if sc.after != nil && !t.Failed() {
		sc.after(t, e, out)
	}
}

const (
	counterBody = `{"procedure_code":"1.001193","channel":"counter","applicant":{"full_name":"Nguyễn Văn An","id_number":"037085001234","phone":"0912345678","address":"Thôn Quảng Từ"},"fields":{}}`
	onlineBody  = `{"procedure_code":"1.001193","channel":"online","applicant":{"full_name":"Nguyễn Văn An","id_number":"037085001234","phone":"0912345678"},
	"fields":{"child_name":"Nguyễn Thị Bé","child_birth_date":"2026-02-20","child_sex":"Nữ","child_birth_place":"Trạm y tế xã Yên Từ","child_ethnicity":"Kinh",
	"child_home_town":"Yên Từ, Ninh Bình","relationship":"Cha","requester_name":"Nguyễn Văn An","requester_id":"037085001234","requester_phone":"0912345678"}}`
	testPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
	// jsPDF runs JavaScript when opened.
	jsPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert\\(1\\))>>>>endobj\n" +
		"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

func testPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.NRGBA{200, 80, uint8(x), 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDossierScenarios: filing with an idempotency key, reading, listing, acting, forms
// and the public look-up, with the refusals' statuses and codes.
func TestDossierScenarios(t *testing.T) {
	e := newEnv(t)
	idem := map[string]string{"Idempotency-Key": "scenario-1"}
	other := strings.Replace(counterBody, "Nguyễn Văn An", "Lê Thị Hoa", 1)
	run(t, e, []scenario{
		{name: "file at the counter", as: "motcua", method: "POST", path: "/api/v1/dossiers", body: counterBody, header: idem,
			status: 201, want: []string{`"status":"received"`, `"code":"000.31.37.H45-`}, after: keep("d", "code")},
		{name: "the same filing again is a replay", as: "motcua", method: "POST", path: "/api/v1/dossiers", body: counterBody, header: idem,
			status: 200, want: []string{`"code":"{d}"`}, wantHeader: map[string]string{"Idempotent-Replayed": "true"}},
		{name: "the key with another body", as: "motcua", method: "POST", path: "/api/v1/dossiers", body: other, header: idem, status: 409, code: "idempotency_key_reused"},
		{name: "a key of bad characters", as: "motcua", method: "POST", path: "/api/v1/dossiers", body: counterBody,
			header: map[string]string{"Idempotency-Key": "a b"}, status: 422, code: "invalid_idempotency_key"},
		{name: "anonymous filing", method: "POST", path: "/api/v1/dossiers", body: counterBody, status: 401, code: "unauthenticated"},
		{name: "a token that is not one", as: "token:nonsense", method: "GET", path: "/api/v1/me", status: 401, code: "unauthenticated"},
		{name: "broken JSON", as: "motcua", method: "POST", path: "/api/v1/dossiers", body: `{"procedure_code":`, status: 422, code: "invalid_json"},
		{name: "an unknown procedure", as: "motcua", method: "POST", path: "/api/v1/dossiers", body: strings.Replace(counterBody, "1.001193", "9.999999", 1),
			status: 404, code: "procedure_not_found"},
		{name: "an online filing with wrong fields", as: "congdan", method: "POST", path: "/api/v1/dossiers",
			body: strings.Replace(onlineBody, `"id_number":"037085001234"`, `"id_number":"999"`, 1), status: 422, want: []string{`"field":"applicant.id_number"`}, code: "invalid_dossier"},
		{name: "an online filing", as: "congdan", method: "POST", path: "/api/v1/dossiers", body: onlineBody,
			status: 201, want: []string{`"status":"submitted"`, `"due_at":null`}, after: keep("online", "code")},

		{name: "the officer reads it", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}", status: 200,
			want: []string{`"code":"{d}"`, `"allowed_actions":[`, `"forward"`}},
		{name: "anonymous reading", method: "GET", path: "/api/v1/dossiers/{d}", status: 401, code: "unauthenticated"},
		{name: "another citizen does not see it", as: "congdan", method: "GET", path: "/api/v1/dossiers/{d}", status: 404, code: "dossier_not_found"},
		{name: "no such dossier", as: "motcua", method: "GET", path: "/api/v1/dossiers/000.31.37.H45-260101-9999", status: 404, code: "dossier_not_found"},
		{name: "the counter's list", as: "motcua", method: "GET", path: "/api/v1/dossiers", status: 200, want: []string{`"code":"{d}"`, `"total":`}},
		{name: "the citizen's list", as: "congdan", method: "GET", path: "/api/v1/dossiers", status: 200, want: []string{`"code":"{online}"`}},
		{name: "a list filtered by a status that is none", as: "motcua", method: "GET", path: "/api/v1/dossiers?status=lost", status: 422, code: "invalid_status"},
		{name: "a list page out of range", as: "motcua", method: "GET", path: "/api/v1/dossiers?limit=100000", status: 422, code: "invalid_pagination"},
		{name: "search by the name without accents", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=nguyen+van+an", status: 200,
			want: []string{`"code":"{d}"`, `"applicant":"Nguyễn Văn An"`}},
		{name: "search by CCCD", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=037085001234&channel=counter", status: 200, want: []string{`"code":"{d}"`}},
		{name: "search for nobody", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=zzqx+khong+co+ai", status: 200, want: []string{`"items":[]`, `"total":0`}},
		{name: "search in a day range", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=nguyen&from=2000-01-01&to=2000-12-31", status: 200, want: []string{`"total":0`}},
		{name: "a search page by its key", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=nguyen+van+an&limit=1", status: 200, want: []string{`"next":"`}, after: keep("next", "next")},
		{name: "the next search page", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=nguyen+van+an&limit=1&after={next}", status: 200, want: []string{`"items":[`}},
		{name: "a search cursor that is none", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=an&after=%21%21", status: 422, code: "invalid_cursor"},
		{name: "a search day that is none", as: "motcua", method: "GET", path: "/api/v1/dossiers?from=31/12/2026", status: 422, code: "invalid_search_dates"},
		{name: "a search channel that is none", as: "motcua", method: "GET", path: "/api/v1/dossiers?channel=fax", status: 422, code: "invalid_channel"},
		{name: "a search of another unit", as: "motcua", method: "GET", path: "/api/v1/dossiers?q=an&unit=37", status: 403, code: "forbidden"},
		{name: "the citizen's search finds only their own", as: "congdan", method: "GET", path: "/api/v1/dossiers?q=nguyen+van+an", status: 200,
			want: []string{`"code":"{online}"`}, after: func(t *testing.T, e *env, body string) {
				if strings.Contains(body, e.vars["d"]) {
					t.Fatalf("the citizen found the counter's dossier: %s", body)
				}
			}},
		{name: "the volunteer's search finds none of the counter's", as: "tocongnghe", method: "GET", path: "/api/v1/dossiers?q=nguyen", status: 200,
			after: func(t *testing.T, e *env, body string) {
				if strings.Contains(body, e.vars["d"]) || strings.Contains(body, e.vars["online"]) {
					t.Fatalf("the volunteer found others' dossiers: %s", body)
				}
			}},

		{name: "the specialist acts at the counter's step", as: "chuyenvien", method: "POST", path: "/api/v1/dossiers/{d}/actions/forward", status: 409, code: "not_your_step"},
		{name: "a refusal without its reason", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/actions/refuse", body: `{}`, status: 422, code: "reason_required"},
		{name: "an action that is none", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/actions/fly", status: 404, code: "unknown_action"},
		{name: "a new due time that is no time", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/actions/extend", body: `{"reason":"x","new_due_at":"mai"}`,
			status: 422, code: "invalid_new_due_at"},
		{name: "the counter forwards", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/actions/forward", status: 200, want: []string{`"status":"processing"`}},
		// The API carries no version: a second officer acting on what they saw before
		// the first one's action meets the state as it now is.
		{name: "forwarding again, after the first", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/actions/forward", status: 409, code: "not_your_step"},
		{name: "the owner cannot act for the office", as: "congdan", method: "POST", path: "/api/v1/dossiers/{online}/actions/receive", status: 409, code: "not_your_step"},

		{name: "the receipt, form 01, as PDF", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/forms/01.pdf", status: 200,
			want: []string{"%PDF-"}, wantHeader: map[string]string{"Content-Type": "application/pdf"}},
		{name: "form 06 as HTML", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/forms/06.html", status: 200, want: []string{"<html"}},
		{name: "a refusal form for a dossier not refused", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/forms/03.pdf", status: 409, code: "form_not_applicable"},
		{name: "a form that is none", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/forms/99.pdf", status: 404, code: "unknown_form"},
		{name: "a form in no format", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/forms/01.doc", status: 404, code: "unknown_form"},
		{name: "forms of another's dossier", as: "congdan", method: "GET", path: "/api/v1/dossiers/{d}/forms/01.pdf", status: 404, code: "dossier_not_found"},

		{name: "the public look-up shows no name", method: "GET", path: "/api/v1/lookup/{d}", status: 200, want: []string{`"status":"processing"`}},
		{name: "the look-up of nothing", method: "GET", path: "/api/v1/lookup/000.31.37.H45-260101-9999", status: 404, code: "dossier_not_found"},
		{name: "an unknown API path", method: "GET", path: "/api/v1/nothing", status: 404, code: "not_found"},
	})
}

// TestFileScenarios: attachments through the API — who may add which kind, a result's
// number and content, idempotent uploads, serving and previews.
func TestFileScenarios(t *testing.T) {
	e := newEnv(t)
	pic, pdf := testPNG(t), []byte(testPDF)
	idem := map[string]string{"Idempotency-Key": "upload-1"}
	run(t, e, []scenario{
		{name: "an online filing", as: "congdan", method: "POST", path: "/api/v1/dossiers", body: onlineBody, status: 201, after: keep("d", "code")},
		{name: "the owner sends a photo", as: "congdan", method: "POST", path: "/api/v1/dossiers/{d}/files", file: &upload{"giay to.png", pic, nil},
			status: 201, want: []string{`"kind":"paper"`, `"digitised":false`, `"file_name":"giay to.png"`, `"preview_url":"/api/v1/dossiers/{d}/files/`}, after: keep("photo", "id")},
		{name: "the owner may not send a result", as: "congdan", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"kq.pdf", pdf, map[string]string{"kind": "result"}}, status: 403, code: "forbidden"},
		{name: "a kind that is none", as: "congdan", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"a.pdf", pdf, map[string]string{"kind": "letter"}}, status: 422, code: "invalid_file_kind"},
		{name: "a paper with a result's number", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"a.pdf", pdf, map[string]string{"result_number": "12"}}, status: 422, code: "result_number_not_result"},
		{name: "a name too long", as: "congdan", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"a.pdf", pdf, map[string]string{"name": strings.Repeat("x", 201)}}, status: 422, code: "invalid_file_name"},
		{name: "no multipart body", as: "congdan", method: "POST", path: "/api/v1/dossiers/{d}/files", body: `{}`, status: 422, code: "multipart_required"},
		{name: "a file that is no PDF or image", as: "congdan", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"a.html", []byte("<html><script>alert(1)</script></html>"), nil}, status: 422, code: "file_type_not_allowed"},
		{name: "the counter digitises a paper, once under its key", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/files", header: idem,
			file: &upload{"ban sao.pdf", pdf, nil}, status: 201, want: []string{`"kind":"paper"`, `"digitised":true`}, after: keep("scan", "id")},
		{name: "the same upload again is a replay", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/files", header: idem,
			file: &upload{"ban sao.pdf", pdf, nil}, status: 200, want: []string{`"id":{scan}`}, wantHeader: map[string]string{"Idempotent-Replayed": "true"}},
		{name: "another file under the key", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/files", header: idem,
			file: &upload{"khac.png", pic, nil}, status: 409, code: "idempotency_key_reused"},
		{name: "a result number too long", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"kq.pdf", pdf, map[string]string{"kind": "result", "result_number": strings.Repeat("9", 51)}}, status: 422, code: "result_number_too_long"},
		{name: "a result that runs JavaScript", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"kq.pdf", []byte(jsPDF), map[string]string{"kind": "result"}}, status: 422, code: "pdf_active_content"},
		{name: "a result issued elsewhere", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file:   &upload{"kq.pdf", pdf, map[string]string{"kind": "result", "result_number": "15", "result_book": "01/2026", "result_issuer": "CSDL hộ tịch"}},
			status: 201, want: []string{`"kind":"result"`, `"result_number":"15"`, `"result_book":"01/2026"`}},

		{name: "the list of files", as: "congdan", method: "GET", path: "/api/v1/dossiers/{d}/files", status: 200, want: []string{`"total":3`, `"id":{photo}`}},
		{name: "a PDF is shown", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/files/{scan}", status: 200, want: []string{"%PDF-"},
			wantHeader: map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
				"Content-Disposition": `inline; filename="ban sao.pdf"; filename*=UTF-8''ban%20sao.pdf`}},
		{name: "a photo's preview", as: "congdan", method: "GET", path: "/api/v1/dossiers/{d}/files/{photo}?preview=1", status: 200,
			wantHeader: map[string]string{"Content-Type": "image/jpeg", "Content-Disposition": `inline; filename="giay to-xem-truoc.jpg"; filename*=UTF-8''giay%20to-xem-truoc.jpg`}},
		{name: "a PDF has no preview", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/files/{scan}?preview=1", status: 422, code: "preview_not_available"},
		{name: "no such file", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/files/999999", status: 404, code: "file_not_found"},
		{name: "a file id that is no number", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/files/x", status: 404, code: "file_not_found"},
		{name: "another citizen's files", as: "tocongnghe", method: "GET", path: "/api/v1/dossiers/{d}/files", status: 404, code: "dossier_not_found"},
		{name: "anonymous files", method: "GET", path: "/api/v1/dossiers/{d}/files/{photo}", status: 401, code: "unauthenticated"},

		// Received, the dossier takes no more papers from its owner until a supplement is asked.
		{name: "the counter receives", as: "motcua", method: "POST", path: "/api/v1/dossiers/{d}/actions/receive", status: 200},
		{name: "the owner's paper after reception", as: "congdan", method: "POST", path: "/api/v1/dossiers/{d}/files",
			file: &upload{"muon.pdf", pdf, nil}, status: 409, code: "no_supplement_requested"},
	})
}

// TestCatalogAndReportScenarios: procedures (read by anyone, edited by administrators)
// and reports (for the roles that answer for the figures).
func TestCatalogAndReportScenarios(t *testing.T) {
	e := newEnv(t)
	run(t, e, []scenario{
		{name: "the catalog", method: "GET", path: "/api/v1/procedures?limit=5", status: 200, want: []string{`"items":[`, `"total":`}},
		{name: "a search", method: "GET", path: "/api/v1/procedures?q=khai%20sinh", status: 200, want: []string{`"code":"1.001193"`}},
		{name: "a bad online level", method: "GET", path: "/api/v1/procedures?online_level=maybe", status: 422, code: "invalid_online_level"},
		{name: "one procedure", method: "GET", path: "/api/v1/procedures/1.001193", status: 200, want: []string{`"workflow"`, `"fees"`}},
		{name: "no such procedure", method: "GET", path: "/api/v1/procedures/9.999999", status: 404, code: "procedure_not_found"},
		{name: "the counter does not edit the catalog", as: "motcua", method: "PUT", path: "/api/v1/procedures/1.001193", body: `{}`, status: 403, code: "forbidden"},
		{name: "anonymous editing", method: "POST", path: "/api/v1/procedures", body: `{}`, status: 401, code: "unauthenticated"},
		{name: "a draft with a wrong legal time", as: "quantri", method: "PUT", path: "/api/v1/procedures/1.001193", body: "{bad}",
			before: procedureWith("bad", `{"value":-1,"unit":"days"}`), status: 422, code: "invalid_procedure", want: []string{`"field":"legal_time`}},
		{name: "a draft of the next version", as: "quantri", method: "PUT", path: "/api/v1/procedures/1.001193", body: "{good}",
			before: procedureWith("good", `{"value":4,"unit":"days"}`), status: 200, want: []string{`"version":2`, `"status":"draft"`}},
		{name: "the draft is not in force", method: "GET", path: "/api/v1/procedures/1.001193", status: 200, want: []string{`"version":1`}},
		{name: "the draft published", as: "quantri", method: "POST", path: "/api/v1/procedures/1.001193/publish", status: 200, want: []string{`"status":"published"`, `"version":2`}},
		{name: "publishing what has no draft", as: "quantri", method: "POST", path: "/api/v1/procedures/9.999998/publish", status: 409, code: "no_draft"},
		{name: "the catalog's export", method: "GET", path: "/api/v1/catalog/export", status: 200, want: []string{`"1.001193"`}},

		{name: "the one-stop report", as: "lanhdao", method: "GET", path: "/api/v1/reports/one-stop?from=2026-01-01&to=2026-01-31", status: 200,
			want: []string{`"from":"2026-01-01"`, `"to":"2026-01-31"`}},
		{name: "the report as CSV", as: "vanthu", method: "GET", path: "/api/v1/reports/one-stop?from=2026-01-01&to=2026-01-31&format=csv", status: 200,
			wantHeader: map[string]string{"Content-Type": "text/csv; charset=utf-8"}},
		{name: "a report in no format", as: "lanhdao", method: "GET", path: "/api/v1/reports/one-stop?from=2026-01-01&to=2026-01-31&format=doc", status: 422, code: "invalid_format"},
		{name: "a report of a period upside down", as: "lanhdao", method: "GET", path: "/api/v1/reports/one-stop?from=2026-02-01&to=2026-01-01", status: 422, code: "invalid_period"},
		{name: "a citizen's report", as: "congdan", method: "GET", path: "/api/v1/reports/one-stop", status: 403, code: "forbidden"},
		{name: "the specialist's report", as: "chuyenvien", method: "GET", path: "/api/v1/reports/one-stop", status: 403, code: "forbidden"},
		{name: "an anonymous report", method: "GET", path: "/api/v1/reports/one-stop", status: 401, code: "unauthenticated"},
		{name: "a report of no unit", as: "lanhdao", method: "GET", path: "/api/v1/reports/one-stop?unit=00000", status: 404, code: "unit_not_found"},
		{name: "the 766 index", as: "quantri", method: "GET", path: "/api/v1/reports/index766?from=2026-01-01&to=2026-01-31", status: 200, want: []string{`"indicators"`}},
		{name: "the register, form 07", as: "motcua", method: "GET", path: "/api/v1/registers/07.html?from=2026-01-01&to=2026-01-31", status: 200, want: []string{"<html"}},
		{name: "a register in no format", as: "motcua", method: "GET", path: "/api/v1/registers/07.doc", status: 404, code: "unknown_form"},
	})
}

// procedureWith keeps as {name} the JSON of procedure 1.001193 with legalTime as its
// legal time, read from the API as an editor would.
func procedureWith(name, legalTime string) func(*testing.T, *env) {
	return func(t *testing.T, e *env) {
		resp, err := http.Get(e.ts.URL + "/api/v1/procedures/1.001193")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		p["legal_time"] = json.RawMessage(legalTime)
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		e.vars[name] = string(b)
	}
}
