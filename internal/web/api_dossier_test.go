package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

func TestCatalogAPI(t *testing.T) {
	e := newEnv(t)
	var all httpx.List[struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}]
	if code, _ := apiGet(t, e, "", "/api/v1/procedures?limit=500", &all); code != 200 || all.Total < 20 || len(all.Items) != all.Total {
		t.Fatalf("catalog: %d, %d procedures", code, all.Total)
	}
	for _, q := range []string{"khai sinh", "khai  sinh", "KHAI SINH", "dang ky khai sinh", "Đăng ký khai sinh"} {
		var found httpx.List[struct {
			Code string `json:"code"`
		}]
		apiGet(t, e, "", "/api/v1/procedures?q="+url.QueryEscape(q), &found)
		ok := false
		for _, p := range found.Items {
			ok = ok || p.Code == "1.001193"
		}
		if !ok {
			t.Errorf("q=%q does not find Đăng ký khai sinh: %+v", q, found.Items)
		}
	}
	var five httpx.List[struct{}]
	if apiGet(t, e, "", "/api/v1/procedures?limit=5", &five); len(five.Items) != 5 {
		t.Errorf("limit=5 gave %d", len(five.Items))
	}
	if code, p := apiGet(t, e, "", "/api/v1/procedures?online_level=maybe", nil); code != 422 || p.Code != "invalid_online_level" {
		t.Errorf("bad online_level: %d %+v", code, p)
	}
	var one map[string]any
	if code, _ := apiGet(t, e, "", "/api/v1/procedures/1.001193", &one); code != 200 || one["name"] == "" || one["workflow"] == nil {
		t.Fatalf("one procedure: %d %v", code, one)
	}
	if code, p := apiGet(t, e, "", "/api/v1/procedures/9.999999", nil); code != 404 || p.Code != "procedure_not_found" {
		t.Fatalf("missing procedure: %d %+v", code, p)
	}
}

func TestCatalogEditingKeepsDossierVersions(t *testing.T) {
	e := newEnv(t)
	admin, counter := bearer(t, e, "quantri"), bearer(t, e, "motcua")
	code, body := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, body)
	}
	dossierCode := decode[struct{ Code string }](t, body).Code

	var p map[string]any
	apiGet(t, e, "", "/api/v1/procedures/1.001193", &p)
	p["name"] = "Thủ tục đăng ký khai sinh (sửa đổi)"
	edited, _ := json.Marshal(p)
	if code, out := apiSend(t, e, counter, "PUT", "/api/v1/procedures/1.001193", string(edited)); code != 403 {
		t.Fatalf("counter edits the catalog: %d %s", code, out)
	}
	code, out := apiSend(t, e, admin, "PUT", "/api/v1/procedures/1.001193", string(edited))
	if code != 200 || !strings.Contains(out, `"version":2`) || !strings.Contains(out, `"status":"draft"`) {
		t.Fatalf("save draft: %d %s", code, out)
	}
	var inForce map[string]any
	if apiGet(t, e, "", "/api/v1/procedures/1.001193", &inForce); inForce["version"].(float64) != 1 {
		t.Fatal("a draft changed the version in force")
	}
	if code, out := apiSend(t, e, admin, "POST", "/api/v1/procedures/1.001193/publish", ""); code != 200 || !strings.Contains(out, `"status":"published"`) {
		t.Fatalf("publish: %d %s", code, out)
	}
	if apiGet(t, e, "", "/api/v1/procedures/1.001193", &inForce); inForce["version"].(float64) != 2 {
		t.Fatal("publishing did not put version 2 in force")
	}
	var d struct {
		ProcedureVersion int `json:"procedure_version"`
	}
	apiGet(t, e, counter, "/api/v1/dossiers/"+dossierCode, &d)
	if d.ProcedureVersion != 1 {
		t.Fatalf("the dossier moved to version %d", d.ProcedureVersion)
	}
	p["legal_time"] = map[string]any{"value": -1, "unit": "days"}
	bad, _ := json.Marshal(p)
	code, out = apiSend(t, e, admin, "PUT", "/api/v1/procedures/1.001193", string(bad))
	if code != 422 || !strings.Contains(out, `"field":"legal_time`) {
		t.Fatalf("bad legal time: %d %s", code, out)
	}
}

const counterBody = `{"procedure_code":"1.001193","channel":"counter","applicant":{"full_name":"Nguyễn Văn An","id_number":"037085001234","phone":"0912345678","email":"an@example.vn","address":"Thôn Quảng Từ"},"fields":{}}`

func TestDossierAPI(t *testing.T) {
	e := newEnv(t)
	counter, specialist, leader, citizen := bearer(t, e, "motcua"), bearer(t, e, "chuyenvien"), bearer(t, e, "lanhdao"), bearer(t, e, "congdan")

	code, body := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, body)
	}
	created := decode[map[string]any](t, body)
	for _, k := range []string{"code", "secret", "status", "received_at", "due_at"} {
		if created[k] == nil || created[k] == "" {
			t.Errorf("created lacks %s: %s", k, body)
		}
	}
	dcode := created["code"].(string)
	if created["status"] != "received" || !strings.HasPrefix(dcode, "000.31.37.H45-") {
		t.Fatalf("created %s", body)
	}

	if code, _ := apiGet(t, e, "", "/api/v1/dossiers/"+dcode, nil); code != 401 {
		t.Fatalf("anonymous: %d", code)
	}
	if code, p := apiGet(t, e, citizen, "/api/v1/dossiers/"+dcode, nil); code != 404 {
		t.Fatalf("another citizen: %d %+v", code, p)
	}
	// Wrong role for the step: 409 with a stable code.
	code, out := apiSend(t, e, specialist, "POST", "/api/v1/dossiers/"+dcode+"/actions/forward", "")
	if code != 409 || !strings.Contains(out, `"code":"not_your_step"`) {
		t.Fatalf("specialist at the counter step: %d %s", code, out)
	}
	if code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+dcode+"/actions/refuse", `{}`); code != 422 || !strings.Contains(out, "reason_required") {
		t.Fatalf("refuse without reason: %d %s", code, out)
	}
	if code, _ := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+dcode+"/actions/fly", ""); code != 404 {
		t.Fatalf("unknown action: %d", code)
	}
	attachResult(t, e, specialist, dcode)
	for _, step := range []struct{ token, action string }{{counter, "forward"}, {specialist, "forward"}, {leader, "sign"}, {counter, "return_result"}} {
		code, out := apiSend(t, e, step.token, "POST", "/api/v1/dossiers/"+dcode+"/actions/"+step.action, "")
		if code != 200 {
			t.Fatalf("%s: %d %s", step.action, code, out)
		}
	}
	var d struct {
		Status  string `json:"status"`
		History []struct {
			Action string `json:"action"`
		} `json:"history"`
		Timeliness string   `json:"timeliness"`
		Allowed    []string `json:"allowed_actions"`
	}
	apiGet(t, e, counter, "/api/v1/dossiers/"+dcode, &d)
	if d.Status != "returned" || len(d.History) != 5 || d.Timeliness == "" || len(d.Allowed) != 0 {
		t.Fatalf("after the workflow: %+v", d)
	}

	// Public look-up: no name without the secret.
	var lk map[string]any
	apiGet(t, e, "", "/api/v1/lookup/"+dcode, &lk)
	if lk["status"] != "returned" || lk["applicant"] != nil {
		t.Fatalf("look-up without secret: %v", lk)
	}
	apiGet(t, e, "", "/api/v1/lookup/"+dcode+"?secret="+strings.ToLower(created["secret"].(string)), &lk)
	if lk["applicant"] != "Nguyễn Văn An" {
		t.Fatalf("look-up with secret: %v", lk)
	}
	if code, p := apiGet(t, e, "", "/api/v1/lookup/000.31.37.H45-260101-9999", nil); code != 404 || p.Code != "dossier_not_found" {
		t.Fatalf("look-up of nothing: %d %+v", code, p)
	}
}

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	counter := bearer(t, e, "motcua")
	send := func(body string) (int, string) {
		t.Helper()
		req := must(t, "POST", e.ts.URL+"/api/v1/dossiers", body)
		req.Header.Set("Authorization", "Bearer "+counter)
		req.Header.Set("Idempotency-Key", "tap-twice-1")
		return do(t, req)
	}
	c1, b1 := send(counterBody)
	c2, b2 := send(counterBody)
	if c1 != 201 || c2 != 200 || decode[struct{ Code string }](t, b1).Code != decode[struct{ Code string }](t, b2).Code {
		t.Fatalf("retry: %d %s / %d %s", c1, b1, c2, b2)
	}
	c3, b3 := send(strings.Replace(counterBody, "Nguyễn Văn An", "Lê Thị Hoa", 1))
	if c3 != 409 || !strings.Contains(b3, "idempotency_key_reused") {
		t.Fatalf("other body: %d %s", c3, b3)
	}
}

func TestOnlineFilingValidation(t *testing.T) {
	e := newEnv(t)
	citizen := bearer(t, e, "congdan")
	body := `{"procedure_code":"1.001193","channel":"online","applicant":{"full_name":"Nguyễn Văn An","id_number":"999","phone":"0912345678"},"fields":{"child_name":"Nguyễn Bé"}}`
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", body)
	if code != 422 {
		t.Fatalf("invalid online filing: %d %s", code, out)
	}
	p := decode[httpx.Problem](t, out)
	fields := map[string]bool{}
	for _, d := range p.Errors {
		fields[d.Field] = true
	}
	for _, f := range []string{"applicant.id_number", "fields.child_birth_date", "fields.requester_id"} {
		if !fields[f] {
			t.Errorf("no error for %s: %s", f, out)
		}
	}
	good := `{"procedure_code":"1.001193","channel":"online","applicant":{"full_name":"Nguyễn Văn An","id_number":"037085001234","phone":"0912345678"},
	"fields":{"child_name":"Nguyễn Thị Bé","child_birth_date":"2026-02-20","child_sex":"Nữ","child_birth_place":"Trạm y tế xã Yên Từ","child_ethnicity":"Kinh",
	"child_home_town":"Yên Từ, Ninh Bình","relationship":"Cha","requester_name":"Nguyễn Văn An","requester_id":"037085001234","requester_phone":"0912345678"}}`
	code, out = apiSend(t, e, citizen, "POST", "/api/v1/dossiers", good)
	if code != 201 || !strings.Contains(out, `"status":"submitted"`) || !strings.Contains(out, `"due_at":null`) {
		t.Fatalf("online filing: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	var mine httpx.List[struct {
		Code string `json:"code"`
	}]
	if apiGet(t, e, citizen, "/api/v1/dossiers", &mine); !hasCode(mine.Items, dcode) {
		t.Fatalf("the citizen's list lacks the new dossier: %+v", mine)
	}
	var own map[string]any
	if code, _ := apiGet(t, e, citizen, "/api/v1/dossiers/"+dcode, &own); code != 200 || own["status"] != "submitted" {
		t.Fatalf("the owner reads their dossier: %d", code)
	}
	counter := bearer(t, e, "motcua")
	var inbox httpx.List[struct {
		Code string `json:"code"`
	}]
	if apiGet(t, e, counter, "/api/v1/dossiers?status=submitted", &inbox); !hasCode(inbox.Items, dcode) {
		t.Fatalf("counter inbox lacks the new dossier: %+v", inbox)
	}
	if code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+dcode+"/actions/receive", ""); code != 200 || !strings.Contains(out, `"status":"received"`) {
		t.Fatalf("receive: %d %s", code, out)
	}
	if code, p := apiGet(t, e, counter, "/api/v1/dossiers?status=lost", nil); code != 422 || p.Code != "invalid_status" {
		t.Fatalf("bad status filter: %d", code)
	}
}

func hasCode(items []struct {
	Code string `json:"code"`
}, code string) bool {
	for _, it := range items {
		if it.Code == code {
			return true
		}
	}
	return false
}

func TestDossierForms(t *testing.T) {
	testtool.Path(t, "pdftotext", "apt-get install poppler-utils")
	e := newEnv(t)
	counter, citizen := bearer(t, e, "motcua"), bearer(t, e, "congdan")
	code, body := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, body)
	}
	dcode := decode[struct{ Code string }](t, body).Code
	get := func(token, path string) (int, []byte) {
		req := must(t, "GET", e.ts.URL+path, "")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, pdf := get(counter, "/api/v1/dossiers/"+dcode+"/forms/01.pdf")
	if status != 200 || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("01.pdf: %d %.100s", status, pdf)
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	txt, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{dcode, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Văn An", "Thủ tục đăng ký khai sinh"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("form 01 lacks %q:\n%s", want, txt)
		}
	}
	if status, html := get(counter, "/api/v1/dossiers/"+dcode+"/forms/06.html"); status != 200 || !strings.Contains(string(html), dcode) {
		t.Fatalf("06.html: %d", status)
	}
	if status, b := get(counter, "/api/v1/dossiers/"+dcode+"/forms/03.pdf"); status != 409 || !strings.Contains(string(b), "form_not_applicable") {
		t.Fatalf("03 of a dossier not refused: %d %s", status, b)
	}
	if status, _ := get(counter, "/api/v1/dossiers/"+dcode+"/forms/09.pdf"); status != 404 {
		t.Fatalf("form 09: %d", status)
	}
	if status, _ := get(citizen, "/api/v1/dossiers/"+dcode+"/forms/01.pdf"); status != 404 {
		t.Fatalf("another citizen prints the receipt: %d", status)
	}
}

func TestRegister07(t *testing.T) {
	testtool.Path(t, "pdftotext", "apt-get install poppler-utils")
	e := newEnv(t)
	counter, citizen := bearer(t, e, "motcua"), bearer(t, e, "congdan")
	code, body := apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, body)
	}
	dcode := decode[struct{ Code string }](t, body).Code
	today := time.Now().In(locale.Zone).Format("2006-01-02")
	req := must(t, "GET", e.ts.URL+"/api/v1/registers/07.pdf?from="+today+"&to="+today, "")
	req.Header.Set("Authorization", "Bearer "+counter)
	status, pdf := do(t, req)
	if status != 200 || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("register: %d", status)
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = strings.NewReader(pdf)
	txt, err := cmd.Output()
	// Codes wrap at a hyphen in the narrow column: look for the date and sequence.
	if err != nil || !strings.Contains(string(txt), dcode[len(dcode)-11:]) || !strings.Contains(string(txt), "SỔ THEO DÕI HỒ SƠ") {
		t.Fatalf("register text lacks the code or the title: %v\n%s", err, txt)
	}
	req = must(t, "GET", e.ts.URL+"/api/v1/registers/07.pdf?from="+today+"&to="+today, "")
	req.Header.Set("Authorization", "Bearer "+citizen)
	if status, _ := do(t, req); status != 403 {
		t.Fatalf("a citizen prints the register: %d", status)
	}
}

// attachResult attaches a result PDF to the dossier as the official with token: the
// leader signs the result only once there is one.
func attachResult(t *testing.T, e *env, token, code string) {
	t.Helper()
	if status, out := uploadFile(t, e, token, code, "du-thao-ket-qua.pdf", []byte(testPDF), map[string]string{"kind": "result", "name": "Dự thảo kết quả"}); status != 201 {
		t.Fatalf("result upload: %d %s", status, out)
	}
}
