package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/store"
)

// newProcedureForm is the editor's form for a new procedure: a fee, a paper, an online
// question and two workflow steps (4 + 12 hours of a 3-day legal time).
func newProcedureForm() url.Values {
	return url.Values{
		"code": {"1.999001"}, "name": {"Thủ tục thử nghiệm xác nhận"}, "field.code": {"thu-nghiem"}, "field.name": {"Thử nghiệm"},
		"implementing_level": {"commune"}, "competent_level": {"commune"}, "legal_time.value": {"3"}, "legal_time.unit": {"days"},
		"legal_time_note": {"03 ngày làm việc"}, "cut_off": {""}, "result": {"paper"}, "online_level": {"partial"},
		"legal_basis":  {"Luật A\r\n\r\nNghị định B\r\n"},
		"fees[0].name": {"Lệ phí xác nhận"}, "fees[0].amount": {"8.000"}, "fees[0].online_amount": {"0"}, "fees[0].per": {"trường hợp"},
		"fees[1].name": {""}, "fees[1].amount": {""},
		"papers[0].name": {"Tờ khai"}, "papers[0].form": {"original"}, "papers[0].quantity": {"1"}, "papers[0].required": {"1"},
		"papers[0].template": {"to-khai.docx"}, "papers[1].name": {""}, "papers[1].form": {"original"}, "papers[1].quantity": {"1"},
		"form[0].name": {"ho_ten"}, "form[0].label": {"Họ và tên"}, "form[0].type": {"text"}, "form[0].required": {"1"},
		"workflow.steps[0].name": {"Tiếp nhận"}, "workflow.steps[0].role": {"counter"}, "workflow.steps[0].budget_hours": {"4"},
		"workflow.steps[0].actions": {"forward", "refuse"},
		"workflow.steps[1].name":    {"Xem xét, ký"}, "workflow.steps[1].role": {"leader"}, "workflow.steps[1].budget_hours": {"12"},
		"workflow.steps[1].actions": {"send_back", "approve", "sign", "return_result"},
		"workflow.steps[2].name":    {""}, "workflow.steps[2].role": {""}, "workflow.steps[2].budget_hours": {""},
	}
}

// publicVersion reads the version in force of code from the public API (0 when none).
func publicVersion(t *testing.T, e *env, code string) (int, string) {
	t.Helper()
	var p struct {
		Version int    `json:"version"`
		Name    string `json:"name"`
	}
	if status, _ := apiGet(t, e, "", "/api/v1/procedures/"+code, &p); status == http.StatusNotFound {
		return 0, ""
	} else if status != http.StatusOK {
		t.Fatalf("GET /api/v1/procedures/%s: %d", code, status)
	}
	return p.Version, p.Name
}

func TestProcedureEditor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	home, _ := e.st.UnitByCode(ctx, demo.CommuneCode)
	admin, _ := e.login(t, "quantri", demo.Password)

	// The catalog: every code with its version, the tab, export and import.
	resp, page := get(t, admin, e.ts.URL+"/admin/procedures")
	if resp.StatusCode != 200 || textAt(t, page, "h1") != "Danh mục thủ tục" {
		t.Fatalf("catalog page: %d", resp.StatusCode)
	}
	if textAt(t, page, "a[aria-current=page]") != "Thủ tục" {
		t.Error("the Thủ tục tab is not the current one")
	}
	if !has(t, page, "a[href=/admin/procedures/1.001193/edit]") || !has(t, page, "a[href=/admin/procedures/new]") ||
		!has(t, page, "a[href=/api/v1/catalog/export?unit="+demo.CommuneCode+"]") ||
		!has(t, page, "form[action=/admin/procedures/import][enctype=multipart/form-data]") {
		t.Error("the catalog page lacks its links or the import form")
	}
	if got := len(all(t, page, "span.ver-published")); got != 21 {
		t.Errorf("%d versions in force listed, want the sample's 21", got)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures?q=khai+sinh")
	if !has(t, page, "a[href=/admin/procedures/1.001193/edit]") || has(t, page, "a[href=/admin/procedures/2.000884/edit]") {
		t.Error("the search does not filter")
	}

	// The empty editor: two blank rows per section, office roles only.
	resp, page = get(t, admin, e.ts.URL+"/admin/procedures/new")
	if resp.StatusCode != 200 || !has(t, page, "input#fees-1-name") || has(t, page, "input#fees-2-name") ||
		!has(t, page, "input#workflow-steps-1-actions-return_result[type=checkbox]") {
		t.Fatalf("new procedure page: %d", resp.StatusCode)
	}
	if has(t, page, "option[value=citizen]") || !has(t, page, "option[value=leader]") {
		t.Error("the role choice is wrong")
	}

	// "Thêm dòng" adds a blank row and saves nothing.
	form := newProcedureForm()
	form.Set("more", "fees")
	resp, page = post(t, admin, e.ts.URL+"/admin/procedures", form)
	if resp.StatusCode != 200 || attrAt(t, page, "input#fees-0-name", "value") != "Lệ phí xác nhận" ||
		!has(t, page, "input#fees-3-name") || has(t, page, "input#fees-4-name") {
		t.Fatalf("Thêm dòng: %d", resp.StatusCode)
	}
	if _, ok := attr(one(t, page, "input#fees-1-name"), "autofocus"); !ok {
		t.Error("the first blank row is not focused")
	}
	if attrAt(t, page, "input#workflow-steps-1-name", "value") != "Xem xét, ký" || !has(t, page, "input#workflow-steps-1-actions-sign[checked]") {
		t.Error("Thêm dòng lost what was typed")
	}
	if _, err := e.st.DraftProcedure(ctx, home.ID, "1.999001"); !errors.Is(err, store.ErrProcedureNotFound) {
		t.Fatalf("Thêm dòng saved a draft: %v", err)
	}

	// Mistakes come back next to their fields: a negative fee, a step without actions.
	form = newProcedureForm()
	form.Set("fees[0].amount", "-5000")
	form.Del("workflow.steps[0].actions")
	resp, page = post(t, admin, e.ts.URL+"/admin/procedures", form)
	if resp.StatusCode != 422 {
		t.Fatalf("bad procedure: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	if got := textAt(t, page, "p#fees-0-amount-error"); !strings.Contains(got, "Số tiền không được âm") {
		t.Errorf("fee error %q", got)
	}
	if attrAt(t, page, "input#fees-0-amount", "value") != "-5000" || attrAt(t, page, "input#fees-0-amount", "aria-invalid") != "true" {
		t.Error("the mistaken amount is not kept or not marked")
	}
	if got := textAt(t, page, "p#workflow-steps-0-actions-forward-error"); !strings.Contains(got, "ít nhất một thao tác") {
		t.Errorf("actions error %q", got)
	}
	if !has(t, page, "a[href=#fees-0-amount]") || !has(t, page, "a[href=#workflow-steps-0-actions-forward]") {
		t.Error("the error summary does not link to the fields")
	}
	if _, err := e.st.DraftProcedure(ctx, home.ID, "1.999001"); !errors.Is(err, store.ErrProcedureNotFound) {
		t.Fatalf("a bad procedure was saved: %v", err)
	}
	// A number that is not one is named as such.
	form = newProcedureForm()
	form.Set("workflow.steps[1].budget_hours", "mười")
	if resp, page = post(t, admin, e.ts.URL+"/admin/procedures", form); resp.StatusCode != 422 ||
		!strings.Contains(textAt(t, page, "p#workflow-steps-1-budget_hours-error"), "phải là số giờ") {
		t.Fatalf("bad budget: %d", resp.StatusCode)
	}

	// Saved: the first draft.
	resp, _ = post(t, admin, e.ts.URL+"/admin/procedures", newProcedureForm())
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/admin/procedures/1.999001/edit" {
		t.Fatalf("save: %d %q", resp.StatusCode, loc)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures/1.999001/edit")
	if got := textAt(t, page, "p.flash"); got != "Đã lưu bản nháp phiên bản 1." {
		t.Errorf("flash %q", got)
	}
	if _, ok := attr(one(t, page, "input#code"), "readonly"); !ok {
		t.Error("the code is editable")
	}
	if got := textAt(t, page, "p.budget"); got != "Tổng thời gian các bước: 16 giờ / thời hạn 24 giờ" {
		t.Errorf("budget %q", got)
	}
	draft, err := e.st.DraftProcedure(ctx, home.ID, "1.999001")
	if err != nil || draft.Fees[0].Amount != 8000 || *draft.Fees[0].OnlineAmount != 0 || len(draft.Papers) != 1 ||
		len(draft.Workflow.Steps) != 2 || len(draft.LegalBasis) != 2 || draft.Form[0].Name != "ho_ten" {
		t.Fatalf("stored draft: %v %+v", err, draft.Procedure)
	}
	if v, _ := publicVersion(t, e, "1.999001"); v != 0 {
		t.Fatal("a draft is public")
	}
	// The same code again is refused.
	if resp, page = post(t, admin, e.ts.URL+"/admin/procedures", newProcedureForm()); resp.StatusCode != 422 ||
		!strings.Contains(textAt(t, page, "p#code-error"), "đã có trong danh mục") {
		t.Fatalf("duplicate code: %d", resp.StatusCode)
	}

	// A budget over the legal time: a draft may have it (a warning), publishing may not.
	form = newProcedureForm()
	form.Set("workflow.steps[0].budget_hours", "20")
	if resp, _ = post(t, admin, e.ts.URL+"/admin/procedures/1.999001", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save over budget: %d", resp.StatusCode)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures/1.999001/edit")
	if !has(t, page, "p.budget.over") || !strings.Contains(textAt(t, page, "div.important"), "vượt thời hạn giải quyết") {
		t.Error("the editor does not warn of the budget")
	}
	resp, page = post(t, admin, e.ts.URL+"/admin/procedures/1.999001/publish", nil)
	if resp.StatusCode != 422 || !strings.Contains(textAt(t, page, "p#sec-workflow-error"), "vượt thời hạn giải quyết 3 ngày làm việc") ||
		!has(t, page, "a[href=#sec-workflow]") {
		t.Fatalf("publish over budget: %d", resp.StatusCode)
	}
	// "Lưu và công bố" saves, then says why it did not publish.
	resp, page = post(t, admin, e.ts.URL+"/admin/procedures/1.999001/publish", form)
	if resp.StatusCode != 422 || !strings.Contains(textAt(t, page, "div.error-summary"), "đã được lưu nhưng chưa công bố") {
		t.Fatalf("save and publish over budget: %d", resp.StatusCode)
	}
	if v, _ := publicVersion(t, e, "1.999001"); v != 0 {
		t.Fatal("published over budget")
	}
	resp, _ = post(t, admin, e.ts.URL+"/admin/procedures/1.999001/publish", newProcedureForm())
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/admin/procedures" {
		t.Fatalf("save and publish: %d %q", resp.StatusCode, loc)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures")
	if got := textAt(t, page, "p.flash"); !strings.HasPrefix(got, "Đã công bố phiên bản 1") {
		t.Errorf("flash %q", got)
	}
	if v, name := publicVersion(t, e, "1.999001"); v != 1 || name != "Thủ tục thử nghiệm xác nhận" {
		t.Fatalf("public version %d %q", v, name)
	}

	// Editing the published procedure makes the draft of version 2; version 1 stays.
	_, page = get(t, admin, e.ts.URL+"/admin/procedures/1.999001/edit")
	if got := textAt(t, page, "p.note"); !strings.Contains(got, "Phiên bản đang áp dụng không thay đổi; bản nháp phiên bản 2 sẽ thay thế khi công bố") {
		t.Errorf("note %q", got)
	}
	form = newProcedureForm()
	form.Set("name", "Thủ tục thử nghiệm xác nhận (sửa đổi)")
	form.Set("papers[0].remove", "1")
	resp, _ = post(t, admin, e.ts.URL+"/admin/procedures/1.999001", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit published: %d", resp.StatusCode)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures/1.999001/edit")
	if got := textAt(t, page, "p.flash"); got != "Đã lưu bản nháp phiên bản 2." {
		t.Errorf("flash %q", got)
	}
	if v, name := publicVersion(t, e, "1.999001"); v != 1 || name != "Thủ tục thử nghiệm xác nhận" {
		t.Fatalf("the version in force changed: %d %q", v, name)
	}
	if draft, err := e.st.DraftProcedure(ctx, home.ID, "1.999001"); err != nil || draft.Version != 2 || len(draft.Papers) != 0 {
		t.Fatalf("draft 2: %v, version %d, %d papers (the removed row was kept)", err, draft.Version, len(draft.Papers))
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures?q=1.999001")
	if got := textAt(t, page, "tbody"); !strings.Contains(got, "Đang áp dụng phiên bản 1") || !strings.Contains(got, "Bản nháp phiên bản 2") {
		t.Errorf("catalog row %q", got)
	}

	// The versions, and publishing the stored draft from there.
	resp, page = get(t, admin, e.ts.URL+"/admin/procedures/1.999001/versions")
	if resp.StatusCode != 200 || len(all(t, page, "td.key")) != 2 || !has(t, page, "form[action=/admin/procedures/1.999001/publish]") {
		t.Fatalf("versions: %d", resp.StatusCode)
	}
	if resp, _ = post(t, admin, e.ts.URL+"/admin/procedures/1.999001/publish", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish the draft: %d", resp.StatusCode)
	}
	if v, name := publicVersion(t, e, "1.999001"); v != 2 || name != "Thủ tục thử nghiệm xác nhận (sửa đổi)" {
		t.Fatalf("after publishing version 2: %d %q", v, name)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures/1.999001/versions")
	if got := textAt(t, page, "tbody"); !strings.Contains(got, "Phiên bản 2 Đang áp dụng") || !strings.Contains(got, "Phiên bản 1 Đã thay thế") {
		t.Errorf("versions after publishing: %q", got)
	}
	if resp, _ = post(t, admin, e.ts.URL+"/admin/procedures/1.999001/publish", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("publish without a draft: %d", resp.StatusCode)
	}
	if resp, _ = get(t, admin, e.ts.URL+"/admin/procedures/9.999999/edit"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown code: %d", resp.StatusCode)
	}

	// The system administrator chooses the unit; a unit's administrator has only theirs.
	units, _, err := e.st.Units(ctx, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var province string
	for _, u := range units {
		if u.ID != home.ID {
			province = u.Code
		}
	}
	system, _ := e.login(t, "admin", demo.Password)
	if resp, page := get(t, system, e.ts.URL+"/admin/procedures?unit="+province); resp.StatusCode != 200 ||
		has(t, page, "span.ver-published") || !has(t, page, "select#unit") {
		t.Errorf("system administrator on the province's catalog: %d", resp.StatusCode)
	}
	if resp, _ := get(t, admin, e.ts.URL+"/admin/procedures?unit="+province); resp.StatusCode != http.StatusForbidden {
		t.Errorf("commune administrator on the province's catalog: %d", resp.StatusCode)
	}

	// Officers other than administrators may not.
	counter, _ := e.login(t, "motcua", demo.Password)
	if resp, _ := get(t, counter, e.ts.URL+"/admin/procedures"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("counter officer on the catalog: %d", resp.StatusCode)
	}
	if resp, _ := post(t, counter, e.ts.URL+"/admin/procedures/1.999001", newProcedureForm()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("counter officer saves: %d", resp.StatusCode)
	}
}

// upload sends a catalog file with the import form.
func upload(t *testing.T, c *http.Client, u string, file []byte, publish bool) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "danh-muc.json")
	fw.Write(file)
	if publish {
		mw.WriteField("publish", "1")
	}
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestCatalogImportPage(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.login(t, "quantri", demo.Password)
	sample, err := catalog.Sample()
	if err != nil {
		t.Fatal(err)
	}
	good := sample.Procedures[0]
	good.Code, good.Name = "1.999002", "Thủ tục nhập từ tệp"
	bad := sample.Procedures[1]
	bad.Code = "1.999003"
	bad.Fees = []catalog.Fee{{Name: "Lệ phí", Amount: -1}}
	bad.Workflow.Steps[0].Role = "xyz"
	file, err := catalog.Export(catalog.Catalog{Procedures: []catalog.Procedure{good}})
	if err != nil {
		t.Fatal(err)
	}
	// Export checks nothing: the bad procedure goes into the file as written.
	both := bytes.Replace(file, []byte(`"procedures": [`), []byte(`"procedures": [`+mustJSON(t, bad)+`,`), 1)

	resp, page := upload(t, admin, e.ts.URL+"/admin/procedures/import", both, true)
	if resp.StatusCode != 422 {
		t.Fatalf("bad file: %d", resp.StatusCode)
	}
	problems := textAt(t, page, "ul.problems")
	for _, want := range []string{"procedures[0].fees[0].amount (thủ tục 1.999003): số tiền không được âm",
		`procedures[0].workflow.steps[0].role (thủ tục 1.999003, quy trình bước 1`} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems lack %q: %s", want, problems)
		}
	}
	if !strings.Contains(textAt(t, page, "div.error-summary"), "Không thủ tục nào được nhập") || !has(t, page, "input#publish[checked]") {
		t.Error("the refusal is not explained or the choice is lost")
	}
	if v, _ := publicVersion(t, e, "1.999002"); v != 0 {
		t.Fatal("the good procedure of a bad file was imported")
	}
	if resp, page = upload(t, admin, e.ts.URL+"/admin/procedures/import", []byte(`{"schema": "xaso.catalog/v1", "procedures": [}`), false); resp.StatusCode != 422 ||
		!strings.Contains(textAt(t, page, "ul.problems"), "JSON không hợp lệ") {
		t.Fatalf("malformed file: %d", resp.StatusCode)
	}
	resp, err = admin.PostForm(e.ts.URL+"/admin/procedures/import", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Fatalf("no file: %d", resp.StatusCode)
	}

	resp, _ = upload(t, admin, e.ts.URL+"/admin/procedures/import", file, true)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/procedures" {
		t.Fatalf("good file: %d", resp.StatusCode)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures")
	if got := textAt(t, page, "p.flash"); got != "Đã nhập và công bố 1 thủ tục." {
		t.Errorf("flash %q", got)
	}
	if v, name := publicVersion(t, e, "1.999002"); v != 1 || name != "Thủ tục nhập từ tệp" {
		t.Fatalf("imported: %d %q", v, name)
	}
	// Imported as a draft: listed as one, not public.
	good.Code = "1.999004"
	file, _ = catalog.Export(catalog.Catalog{Procedures: []catalog.Procedure{good}})
	if resp, _ = upload(t, admin, e.ts.URL+"/admin/procedures/import", file, false); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft import: %d", resp.StatusCode)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/procedures?q=1.999004")
	if got := textAt(t, page, "tbody"); !strings.Contains(got, "Bản nháp phiên bản 1") || strings.Contains(got, "Đang áp dụng") {
		t.Errorf("draft row %q", got)
	}
	if v, _ := publicVersion(t, e, "1.999004"); v != 0 {
		t.Fatal("a draft import is public")
	}
}

func mustJSON(t *testing.T, p catalog.Procedure) string {
	t.Helper()
	b, err := catalog.Export(catalog.Catalog{Procedures: []catalog.Procedure{p}})
	if err != nil {
		t.Fatal(err)
	}
	// The procedure alone: what is between the array's brackets.
	s := string(b)
	start, end := strings.Index(s, "["), strings.LastIndex(s, "]")
	return s[start+1 : end]
}
