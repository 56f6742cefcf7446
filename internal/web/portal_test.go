package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/store"
)

// birthFields are valid answers to the online form of Đăng ký khai sinh (1.001193).
func birthFields() url.Values {
	return url.Values{
		"applicant.full_name": {"Nguyễn Văn An"}, "applicant.id_number": {"037085001234"}, "applicant.phone": {"0912345678"},
		"applicant.email": {""}, "applicant.address": {"Thôn Quảng Từ"},
		"fields.child_name": {"Nguyễn Thị Bé"}, "fields.child_birth_date": {"2026-02-20"}, "fields.child_sex": {"Nữ"},
		"fields.child_birth_place": {"Trạm y tế xã Yên Từ"}, "fields.child_ethnicity": {"Kinh"}, "fields.child_home_town": {"Yên Từ, Ninh Bình"},
		"fields.relationship": {"Cha"}, "fields.requester_name": {"Nguyễn Văn An"}, "fields.requester_id": {"037085001234"},
		"fields.requester_phone": {"0912345678"},
	}
}

var (
	apptRE = regexp.MustCompile(`^\d{2}:\d{2} ngày \d{2}/\d{2}/\d{4}$`)
	codeRE = regexp.MustCompile(`^/ho-so-da-nop/(000\.31\.37\.H45-\d{6}-\d{4})$`)
)

func TestCatalogPages(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, q := range []string{"dang ky khai sinh", "KHAI  SINH", "Đăng ký khai sinh"} {
		resp, page := get(t, c, e.ts.URL+"/thu-tuc?q="+url.QueryEscape(q))
		if resp.StatusCode != 200 {
			t.Fatalf("catalog q=%q: %d", q, resp.StatusCode)
		}
		if got := textAt(t, page, "a[href=/thu-tuc/1.001193]"); got != "Thủ tục đăng ký khai sinh" {
			t.Errorf("q=%q: link text %q", q, got)
		}
		if v := attrAt(t, page, "input#q", "value"); v != q {
			t.Errorf("the search box lost the query: %q", v)
		}
	}
	_, page := get(t, c, e.ts.URL+"/thu-tuc?field=chung-thuc")
	items := all(t, page, "li.item")
	if len(items) == 0 {
		t.Fatal("field chung-thuc: no procedure")
	}
	for _, it := range items {
		if !strings.Contains(textOf(it), "Chứng thực") {
			t.Errorf("field filter let through %q", textOf(it))
		}
	}
	if !has(t, page, "option[value=chung-thuc][selected]") {
		t.Error("the chosen field is not selected")
	}
	_, page = get(t, c, e.ts.URL+"/thu-tuc?online_level=none")
	for _, b := range all(t, page, "span.badge") {
		if textOf(b) != "Nộp trực tiếp" {
			t.Errorf("online_level=none shows %q", textOf(b))
		}
	}
	// Pagination, 20 a page (the sample catalog has more than 20 procedures).
	home, err := e.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := e.st.Procedures(context.Background(), home.ID, store.ProcedureQuery{Limit: 1})
	if err != nil || total <= 20 || total > 40 {
		t.Fatalf("the test expects 21 to 40 procedures, the sample has %d (%v)", total, err)
	}
	_, page = get(t, c, e.ts.URL+"/thu-tuc")
	if n := len(all(t, page, "li.item")); n != 20 {
		t.Fatalf("first page: %d procedures", n)
	}
	if !has(t, page, "a[href=/thu-tuc?offset=20]") {
		t.Fatal("no link to the next page")
	}
	if _, page := get(t, c, e.ts.URL+"/thu-tuc?offset=20"); len(all(t, page, "li.item")) != total-20 || !has(t, page, "a[href=/thu-tuc?offset=0]") {
		t.Fatal("second page")
	}
	// The home page and the header lead to the catalog.
	_, page = get(t, c, e.ts.URL+"/")
	if !has(t, page, "form[action=/thu-tuc]") || len(all(t, page, "a[href=/thu-tuc]")) < 2 {
		t.Error("the home page does not lead to the catalog")
	}

	resp, page := get(t, c, e.ts.URL+"/thu-tuc/1.001193")
	if resp.StatusCode != 200 || textAt(t, page, "h1") != "Thủ tục đăng ký khai sinh" {
		t.Fatalf("procedure page: %d", resp.StatusCode)
	}
	fees := textAt(t, page, "ul.fees")
	for _, want := range []string{"Lệ phí đăng ký khai sinh: 8.000 đồng/trường hợp; nộp trực tuyến: miễn phí", "Phí cấp bản sao (nếu có yêu cầu): 8.000 đồng/bản sao"} {
		if !strings.Contains(fees, want) {
			t.Errorf("fees %q lack %q", fees, want)
		}
	}
	if n := len(all(t, page, "a[href=/nop-ho-so/1.001193]")); n == 0 {
		t.Error("no online filing button")
	}
	f := facts(t, page)
	for term, want := range map[string]string{"Mã thủ tục": "1.001193", "Lĩnh vực": "Hộ tịch", "Thời hạn giải quyết": "2 giờ làm việc",
		"Giờ chốt nhận hồ sơ": "sau 15:00", "Mức độ dịch vụ công trực tuyến": "Toàn trình", "Kết quả": "Bản giấy và bản điện tử"} {
		if !strings.Contains(f[term], want) {
			t.Errorf("%s = %q, want it to hold %q", term, f[term], want)
		}
	}
	if n := len(all(t, page, "ol.papers")); n != 1 || !strings.Contains(textAt(t, page, "ol.papers"), "Bản chính · Số lượng: 1 · Bắt buộc") {
		t.Error("papers are not listed")
	}
	_, page = get(t, c, e.ts.URL+"/thu-tuc/2.000884")
	if has(t, page, "a.big") {
		t.Error("a procedure without online service offers online filing")
	}
	if resp, page := get(t, c, e.ts.URL+"/thu-tuc/9.999999"); resp.StatusCode != 404 || textAt(t, page, "h1") != "Không tìm thấy" {
		t.Errorf("unknown procedure: %d", resp.StatusCode)
	}
}

func TestCitizenFilesOnlineAndLooksUp(t *testing.T) {
	e := newEnv(t)
	// Anonymous visitors are sent to log in first.
	resp, _ := get(t, e.client(), e.ts.URL+"/nop-ho-so/1.001193")
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != "/login?next=%2Fnop-ho-so%2F1.001193" {
		t.Fatalf("anonymous filing: %d %q", resp.StatusCode, loc)
	}
	c, _ := e.login(t, "congdan", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/nop-ho-so/1.001193")
	if resp.StatusCode != 200 || textAt(t, page, "h1") != "Nộp hồ sơ trực tuyến" {
		t.Fatalf("filing form: %d", resp.StatusCode)
	}
	if v := attrAt(t, page, "input#applicant-full_name", "value"); v != "Nguyễn Văn An" {
		t.Errorf("full name not prefilled: %q", v)
	}
	for sel, want := range map[string][2]string{
		"input#applicant-id_number":      {"inputmode", "numeric"},
		"input#fields-requester_id":      {"maxlength", "12"},
		"input#fields-child_birth_date":  {"type", "date"},
		"input#fields-requester_phone":   {"type", "tel"},
		"input#fields-requester_email":   {"type", "email"},
		"select#fields-child_sex":        {"name", "fields.child_sex"},
		"input#fields-child_name":        {"required", ""},
		"input#fields-mother_id":         {"aria-describedby", "fields-mother_id-help"},
		"label[for=fields-child_name]":   {"for", "fields-child_name"},
		"p#fields-mother_id-help":        {"class", "help"},
		"input[name=key]":                {"type", "hidden"},
		"label[for=applicant-id_number]": {"for", "applicant-id_number"},
	} {
		if got := attrAt(t, page, sel, want[0]); got != want[1] {
			t.Errorf("%s %s = %q, want %q", sel, want[0], got, want[1])
		}
	}
	if has(t, page, "textarea#consent") {
		t.Error("a citizen is asked for a consent")
	}
	key := attrAt(t, page, "input[name=key]", "value")

	// A validation error: every message next to its field, the answers kept, 422.
	bad := birthFields()
	bad.Set("key", key)
	bad.Set("applicant.id_number", "999")
	bad.Del("fields.child_birth_date")
	bad.Set("fields.requester_id", "")
	resp, page = post(t, c, e.ts.URL+"/nop-ho-so/1.001193", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid filing: %d", resp.StatusCode)
	}
	for _, id := range []string{"applicant-id_number", "fields-child_birth_date", "fields-requester_id"} {
		msg := textAt(t, page, "p#"+id+"-error")
		if msg == "" {
			t.Errorf("no message for %s", id)
		}
		in := one(t, page, "#"+id)
		if d, _ := attr(in, "aria-describedby"); !strings.Contains(d, id+"-error") {
			t.Errorf("%s is not described by its error: %q", id, d)
		}
		if v, _ := attr(in, "aria-invalid"); v != "true" {
			t.Errorf("%s is not marked invalid", id)
		}
	}
	if got := textAt(t, page, "p#fields-child_birth_date-error"); got != "Lỗi: Không được để trống" {
		t.Errorf("message %q", got)
	}
	if n := len(all(t, page, "div.error-summary")); n != 1 || !has(t, page, "a[href=#applicant-id_number]") {
		t.Error("no error summary linking to the fields")
	}
	if v := attrAt(t, page, "input#fields-child_name", "value"); v != "Nguyễn Thị Bé" {
		t.Errorf("answers lost: %q", v)
	}
	if attrAt(t, page, "input[name=key]", "value") != key {
		t.Error("the idempotency key changed after a validation error")
	}
	if _, ok := attr(one(t, page, "input#applicant-id_number"), "autofocus"); !ok {
		t.Error("the first wrong field does not take the focus")
	}

	// Success; a double tap files once.
	good := birthFields()
	good.Set("key", key)
	resp, _ = post(t, c, e.ts.URL+"/nop-ho-so/1.001193", good)
	m := codeRE.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("filing: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	code := m[1]
	resp, _ = post(t, c, e.ts.URL+"/nop-ho-so/1.001193", good)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ho-so-da-nop/"+code {
		t.Fatalf("second tap: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	changed := birthFields()
	changed.Set("key", key)
	changed.Set("fields.child_name", "Nguyễn Thị Khác")
	if resp, page := post(t, c, e.ts.URL+"/nop-ho-so/1.001193", changed); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(textAt(t, page, "p.error"), "đã được gửi") || attrAt(t, page, "input[name=key]", "value") == key {
		t.Fatalf("the same form sent with other answers: %d", resp.StatusCode)
	}

	resp, page = get(t, c, e.ts.URL+"/ho-so-da-nop/"+code)
	if resp.StatusCode != 200 || textAt(t, page, "dd.code") != code {
		t.Fatalf("filed page: %d", resp.StatusCode)
	}
	secret := textAt(t, page, "span.secret")
	if len(secret) != 8 || !strings.Contains(textAt(t, page, "p.important"), "ghi lại mã này") {
		t.Fatalf("secret %q", secret)
	}
	if !has(t, page, "svg[role=img]") {
		t.Error("no QR code of the look-up address")
	}
	if !strings.Contains(textAt(t, page, "main"), "Chờ tiếp nhận") || !has(t, page, "a[href=/tra-cuu/"+code+"?secret="+secret+"]") {
		t.Error("filed page lacks the status or the look-up link")
	}
	// Someone else's dossier is not found.
	other := otherCitizen(t, e)
	if resp, _ := get(t, other, e.ts.URL+"/ho-so-da-nop/"+code); resp.StatusCode != 404 {
		t.Errorf("another citizen sees the secret: %d", resp.StatusCode)
	}

	// The account lists it once.
	_, page = get(t, c, e.ts.URL+"/account")
	if n := len(all(t, page, "a[href=/tra-cuu/"+code+"?secret="+secret+"]")); n != 1 {
		t.Fatalf("account lists the dossier %d times: %s", n, textAt(t, page, "main"))
	}

	// Look-up without the secret: no name.
	anon := e.client()
	resp, page = get(t, anon, e.ts.URL+"/tra-cuu/"+code)
	if resp.StatusCode != 200 || textAt(t, page, "p.status") != "Chờ tiếp nhận" {
		t.Fatalf("look-up: %d", resp.StatusCode)
	}
	if strings.Contains(page, "Nguyễn Văn An") {
		t.Error("the look-up without secret shows the applicant")
	}
	// With it, typed in lower case through the form.
	resp, _ = get(t, anon, e.ts.URL+"/tra-cuu?code="+url.QueryEscape(" "+strings.ToLower(code))+"&secret="+strings.ToLower(secret))
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != "/tra-cuu/"+code+"?secret="+strings.ToLower(secret) {
		t.Fatalf("look-up form: %d %q", resp.StatusCode, loc)
	}
	_, page = get(t, anon, e.ts.URL+resp.Header.Get("Location"))
	if got := facts(t, page)["Người nộp"]; got != "Nguyễn Văn An" {
		t.Errorf("look-up with secret: applicant %q", got)
	}
	_, page = get(t, anon, e.ts.URL+"/tra-cuu/"+code+"?secret=WRONG234")
	if strings.Contains(page, "Nguyễn Văn An") || !strings.Contains(textAt(t, page, "p.error"), "Mã tra cứu không đúng") {
		t.Error("a wrong secret shows the applicant or says nothing")
	}

	// The counter receives it: the look-up shows the appointment in Vietnam time.
	counter, _ := e.login(t, "motcua", demo.Password)
	_, page = get(t, counter, e.ts.URL+"/office/dossiers/"+code)
	resp, _ = post(t, counter, e.ts.URL+"/office/dossiers/"+code+"/actions/receive", url.Values{"version": {versionOf(t, page)}})
	if resp.StatusCode != 303 {
		t.Fatalf("receive: %d", resp.StatusCode)
	}
	_, page = get(t, anon, e.ts.URL+"/tra-cuu/"+code)
	if got := textAt(t, page, "p.status"); got != "Đã tiếp nhận" {
		t.Errorf("status after receipt %q", got)
	}
	if due := facts(t, page)["Hẹn trả kết quả"]; !apptRE.MatchString(due) {
		t.Errorf("appointment %q, want like 09:00 ngày 05/03/2026", due)
	}

	// Unknown and malformed codes.
	resp, page = get(t, anon, e.ts.URL+"/tra-cuu/000.31.37.H45-260101-9999")
	if resp.StatusCode != 404 || textAt(t, page, "h1") != "Không tìm thấy hồ sơ" || !has(t, page, "form[action=/tra-cuu]") {
		t.Errorf("unknown code: %d", resp.StatusCode)
	}
	resp, page = get(t, anon, e.ts.URL+"/tra-cuu?code=abc")
	if resp.StatusCode != 422 || !strings.Contains(textAt(t, page, "p#lookup-error"), "không đúng dạng") {
		t.Errorf("malformed code: %d", resp.StatusCode)
	}
}

// versionOf reads the dossier version the page's action forms carry.
func versionOf(t *testing.T, page string) string {
	t.Helper()
	ns := all(t, page, "input[name=version]")
	if len(ns) == 0 {
		t.Fatal("no action form on the page")
	}
	v, _ := attr(ns[0], "value")
	return v
}

// otherCitizen logs in a second citizen, who owns nothing.
func otherCitizen(t *testing.T, e *env) *http.Client {
	t.Helper()
	ctx := context.Background()
	home, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.NewHasher(auth.TestParams, 1).Hash(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateUser(ctx, auth.User{Username: "congdan2", FullName: "Lê Thị Hoa", PasswordHash: hash},
		[]auth.Membership{{UnitID: home.ID, Role: auth.RoleCitizen}}); err != nil {
		t.Fatal(err)
	}
	c, resp := e.login(t, "congdan2", demo.Password)
	if resp.StatusCode != 303 {
		t.Fatalf("login congdan2: %d", resp.StatusCode)
	}
	return c
}

// An assisted filing from the portal's form: the volunteer chooses the citizen among
// those who consented on their account; the dossier is the citizen's.
func TestAssistedFilingRecordsConsent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other := otherCitizen(t, e) // congdan2, who has not consented
	c, _ := e.login(t, "tocongnghe", demo.Password)
	_, page := get(t, c, e.ts.URL+"/nop-ho-so/1.001193")
	if v := attrAt(t, page, "input#applicant-full_name", "value"); v != "" {
		t.Errorf("a helper's own name prefilled as the applicant: %q", v)
	}
	if got := textAt(t, page, "label[for=owner]"); !strings.HasPrefix(got, "Nộp hộ cho người dân") {
		t.Fatalf("owner label %q", got)
	}
	// Only the demo citizen, who consented, is offered.
	var offered []string
	for _, n := range all(t, page, "option") {
		if id, _ := attr(n.Parent, "id"); id != "owner" {
			continue
		}
		if v, _ := attr(n, "value"); v != "" {
			offered = append(offered, v)
		}
	}
	if len(offered) != 1 || offered[0] != "congdan" {
		t.Fatalf("citizens offered: %v", offered)
	}
	form := birthFields()
	form.Set("key", attrAt(t, page, "input[name=key]", "value"))
	resp, page := post(t, c, e.ts.URL+"/nop-ho-so/1.001193", form)
	if resp.StatusCode != 422 || textAt(t, page, "p#owner-error") == "" {
		t.Fatalf("assisted filing without choosing the citizen: %d", resp.StatusCode)
	}
	form.Set("owner", "congdan2") // posted by hand: never offered
	resp, page = post(t, c, e.ts.URL+"/nop-ho-so/1.001193", form)
	if resp.StatusCode != 422 || !strings.Contains(textAt(t, page, "p#owner-error"), "chưa đồng ý") {
		t.Fatalf("assisted filing for a citizen who did not consent: %d", resp.StatusCode)
	}
	form.Set("owner", "congdan")
	resp, _ = post(t, c, e.ts.URL+"/nop-ho-so/1.001193", form)
	m := codeRE.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != 303 || m == nil {
		t.Fatalf("assisted filing: %d", resp.StatusCode)
	}
	d, err := e.st.DossierByCode(ctx, m[1])
	citizen, _ := e.st.UserByUsername(ctx, "congdan")
	volunteer, _ := e.st.UserByUsername(ctx, "tocongnghe")
	if err != nil || d.Channel != "assisted" || d.OwnerID != citizen.ID || d.AssistedBy != volunteer.ID || d.ConsentID == 0 {
		t.Fatalf("assisted dossier: %+v %v", d, err)
	}
	if resp, page := get(t, c, e.ts.URL+"/ho-so-da-nop/"+m[1]); resp.StatusCode != 200 || len(textAt(t, page, "span.secret")) != 8 {
		t.Fatalf("the helper's receipt page: %d", resp.StatusCode)
	}
	// The citizen finds it among their own dossiers.
	owner, _ := e.login(t, "congdan", demo.Password)
	if _, page := get(t, owner, e.ts.URL+"/account"); !strings.Contains(page, m[1]) {
		t.Fatal("the assisted dossier is not on its owner's account page")
	}
	if _, page := get(t, other, e.ts.URL+"/account"); strings.Contains(page, m[1]) {
		t.Fatal("the assisted dossier is on another citizen's page")
	}
}

func TestLookupRateLimited(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	var last *http.Response
	for range 31 {
		last, _ = get(t, c, e.ts.URL+"/tra-cuu/000.31.37.H45-260101-0001")
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("31st look-up: %d, want 429", last.StatusCode)
	}
	// The API's look-up shares the budget.
	if code, _ := apiGet(t, e, "", "/api/v1/lookup/000.31.37.H45-260101-0001", nil); code != http.StatusTooManyRequests {
		t.Fatalf("API look-up after the page's: %d", code)
	}
}
