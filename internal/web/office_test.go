package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
)

var dossierPathRE = regexp.MustCompile(`^/office/dossiers/(000\.31\.37\.H45-\d{6}-\d{4})$`)

// receive files a dossier of procedure at the counter as c and returns its code.
func receive(t *testing.T, e *env, c *http.Client, procedure string, form url.Values) string {
	t.Helper()
	_, page := get(t, c, e.ts.URL+"/office/receive?procedure="+procedure)
	form.Set("key", attrAt(t, page, "input[name=key]", "value"))
	form.Set("procedure", procedure)
	resp, page := post(t, c, e.ts.URL+"/office/receive", form)
	m := dossierPathRE.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("counter intake: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), textAt(t, page, "main"))
	}
	return m[1]
}

// act opens the dossier page as c and takes action with its form.
func act(t *testing.T, e *env, c *http.Client, code, action string, form url.Values) (*http.Response, string) {
	t.Helper()
	_, page := get(t, c, e.ts.URL+"/office/dossiers/"+code)
	if !has(t, page, "form[action=/office/dossiers/"+code+"/actions/"+action+"]") {
		t.Fatalf("no %s form on the page of %s: %s", action, code, textAt(t, page, "section.actions-card"))
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("version", versionOf(t, page))
	return post(t, c, e.ts.URL+"/office/dossiers/"+code+"/actions/"+action, form)
}

func TestCounterJourney(t *testing.T) {
	e := newEnv(t)
	counter, _ := e.login(t, "motcua", demo.Password)
	resp, page := get(t, counter, e.ts.URL+"/office")
	if resp.StatusCode != 200 || !has(t, page, "a.button[href=/office/receive]") {
		t.Fatalf("office: %d, no intake link", resp.StatusCode)
	}
	// The demo's current dossiers, by urgency; finished ones are not in the inbox.
	for group, name := range map[string]string{"qua-han": "Dương Văn Tú", "cho-tiep-nhan": "Nguyễn Văn An",
		"cho-bo-sung": "Phạm Thị Lan", "cho-tra": "Vũ Thị Hoa"} {
		if got := textAt(t, page, "section.group-"+group); !strings.Contains(got, name) {
			t.Errorf("group %s lacks %s: %q", group, name, got)
		}
	}
	if strings.Contains(textAt(t, page, "main"), "Đinh Văn Sơn") {
		t.Error("a returned dossier is in the inbox")
	}
	if got := textAt(t, page, "section.group-cho-tiep-nhan"); !strings.Contains(got, "việc của bạn") {
		t.Errorf("the counter's own work is not marked: %q", got)
	}
	_, page = get(t, counter, e.ts.URL+"/office?status=submitted")
	if has(t, page, "section.group-qua-han") || !has(t, page, "section.group-cho-tiep-nhan") {
		t.Error("the status filter does not filter")
	}

	_, page = get(t, counter, e.ts.URL+"/office/receive")
	if _, ok := attr(one(t, page, "input#q"), "autofocus"); !ok || !has(t, page, "select#procedure") || has(t, page, "input#applicant-full_name") {
		t.Fatal("intake starts with the procedure's search, focused, and the whole list")
	}
	_, page = get(t, counter, e.ts.URL+"/office/receive?procedure=1.001193")
	if _, ok := attr(one(t, page, "input#applicant-full_name"), "autofocus"); !ok {
		t.Error("the applicant's name is not focused once the procedure is chosen")
	}
	if !has(t, page, "input#channel-counter[checked]") || !has(t, page, "input#channel-post") {
		t.Error("channels counter and post are not offered")
	}
	if _, ok := attr(one(t, page, "input#fields-child_name"), "required"); ok {
		t.Error("the form's fields are required at the counter")
	}
	// A mistake: the message next to the field, 422.
	resp, page = post(t, counter, e.ts.URL+"/office/receive", url.Values{"procedure": {"1.001193"}, "key": {attrAt(t, page, "input[name=key]", "value")},
		"applicant.full_name": {""}, "applicant.id_number": {"12345"}, "channel": {"counter"}})
	if resp.StatusCode != 422 || textAt(t, page, "p#applicant-full_name-error") == "" || textAt(t, page, "p#applicant-id_number-error") == "" {
		t.Fatalf("bad intake: %d", resp.StatusCode)
	}
	if resp, page := post(t, counter, e.ts.URL+"/office/receive", url.Values{"procedure": {"9.999999"}}); resp.StatusCode != 422 ||
		!strings.Contains(textAt(t, page, "p.error"), "chọn thủ tục") {
		t.Fatalf("intake without a procedure: %d", resp.StatusCode)
	}

	code := receive(t, e, counter, "1.001193", url.Values{"applicant.full_name": {"Trần Văn Bình"}, "applicant.phone": {"0987654321"},
		"channel": {"counter"}, "fields.child_name": {"Trần Thị Na"}})
	resp, page = get(t, counter, e.ts.URL+"/office/dossiers/"+code)
	if resp.StatusCode != 200 || !strings.Contains(textAt(t, page, "h1"), code) {
		t.Fatalf("dossier page: %d", resp.StatusCode)
	}
	if flash := textAt(t, page, "p.flash"); !strings.HasPrefix(flash, "Đã tiếp nhận hồ sơ "+code+" — hẹn trả ") {
		t.Errorf("flash %q", flash)
	}
	f := facts(t, page)
	if f["Họ và tên"] != "Trần Văn Bình" || f["Họ, chữ đệm, tên của trẻ"] != "Trần Thị Na" || f["Hình thức nộp"] != "Trực tiếp" ||
		!apptRE.MatchString(strings.TrimSpace(f["Hẹn trả"])) {
		t.Errorf("dossier facts: %v", f)
	}
	if got := textAt(t, page, "span.status"); got != "Đã tiếp nhận" {
		t.Errorf("status %q", got)
	}
	// The receipt (form 01) is one click away, and prints.
	receipt := "/api/v1/dossiers/" + code + "/forms/01.html"
	if !has(t, page, "a[href="+receipt+"]") || has(t, page, "a[href=/api/v1/dossiers/"+code+"/forms/03.html]") {
		t.Error("the printable forms offered are wrong")
	}
	if resp, body := get(t, counter, e.ts.URL+receipt); resp.StatusCode != 200 || !strings.Contains(body, code) {
		t.Errorf("receipt: %d", resp.StatusCode)
	}
	if _, page := get(t, counter, e.ts.URL+"/office"); !has(t, page, "a[href=/office/dossiers/"+code+"]") {
		t.Error("the new dossier is not in the inbox")
	}

	// Through the workflow of Đăng ký khai sinh; the specialist attaches the result.
	attachResult(t, e, bearer(t, e, "chuyenvien"), code)
	specialist, _ := e.login(t, "chuyenvien", demo.Password)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	for _, step := range []struct {
		who    *http.Client
		action string
		status string
	}{{counter, "forward", "Đang giải quyết"}, {specialist, "forward", "Đang giải quyết"}, {leader, "sign", "Đã có kết quả, chờ trả"},
		{counter, "return_result", "Đã trả kết quả"}} {
		resp, _ := act(t, e, step.who, code, step.action, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/office/dossiers/"+code {
			t.Fatalf("%s: %d", step.action, resp.StatusCode)
		}
		_, page := get(t, step.who, e.ts.URL+"/office/dossiers/"+code)
		if got := textAt(t, page, "span.status"); got != step.status {
			t.Fatalf("after %s: status %q, want %q", step.action, got, step.status)
		}
		if !strings.Contains(textAt(t, page, "p.flash"), "Đã thực hiện") {
			t.Errorf("no flash after %s", step.action)
		}
	}
	_, page = get(t, counter, e.ts.URL+"/office/dossiers/"+code)
	rows := all(t, page, "tr")
	if len(rows) != 6 { // the header and five events
		t.Fatalf("history has %d rows", len(rows))
	}
	if got := textOf(rows[5]); !strings.Contains(got, "Trả kết quả") || !strings.Contains(got, "Đã có kết quả, chờ trả → Đã trả kết quả") ||
		!strings.Contains(got, "Trần Thị Bình") {
		t.Errorf("last event %q", got)
	}
	if has(t, page, "section.actions-card input[name=version]") || !strings.Contains(textAt(t, page, "section.actions-card"), "Hồ sơ đã kết thúc") {
		t.Error("a returned dossier still offers actions")
	}
	if f := facts(t, page); f["Kết thúc lúc"] == "" {
		t.Error("no end time")
	}
	// A unit administrator is not a counter officer: the intake page is not theirs.
	admin, _ := e.login(t, "quantri", demo.Password)
	if resp, _ := get(t, admin, e.ts.URL+"/office/receive?procedure=1.001193"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the unit administrator opens counter intake: %d", resp.StatusCode)
	}
	// The look-up follows.
	if _, page := get(t, e.client(), e.ts.URL+"/tra-cuu/"+code); textAt(t, page, "p.status") != "Đã trả kết quả" {
		t.Error("the public look-up does not show the return")
	}
}

func TestDossierActionErrors(t *testing.T) {
	e := newEnv(t)
	counter, _ := e.login(t, "motcua", demo.Password)
	specialist, _ := e.login(t, "chuyenvien", demo.Password)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	code := receive(t, e, counter, demo.CurrentProcedure, url.Values{"applicant.full_name": {"Trần Văn Bình"}, "channel": {"post"}})

	// A refusal needs a reason: 422, the message next to the text area, which stays open.
	resp, page := act(t, e, counter, code, "refuse", url.Values{"reason": {"  "}})
	if resp.StatusCode != 422 || !strings.Contains(textAt(t, page, "p#reason-refuse-error"), "Cần ghi rõ lý do") {
		t.Fatalf("refuse without reason: %d", resp.StatusCode)
	}
	if !has(t, page, "details.act[open]") || attrAt(t, page, "textarea#reason-refuse", "aria-describedby") != "reason-refuse-error" {
		t.Error("the refusal form is not open and described by its error")
	}

	// A form sent twice (an old tab): the second time is refused, not applied again.
	_, stalePage := get(t, counter, e.ts.URL+"/office/dossiers/"+code)
	if resp, _ := act(t, e, counter, code, "forward", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("forward: %d", resp.StatusCode)
	}
	resp, page = post(t, counter, e.ts.URL+"/office/dossiers/"+code+"/actions/forward", url.Values{"version": {versionOf(t, stalePage)}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(textAt(t, page, "p.error"), "vừa được người khác cập nhật") {
		t.Fatalf("stale forward: %d", resp.StatusCode)
	}
	// Two officers on one dossier: the one who acted second is told, and keeps what they typed.
	_, stalePage = get(t, specialist, e.ts.URL+"/office/dossiers/"+code)
	d, err := e.st.DossierByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	newDue := d.DueAt.Add(72 * time.Hour).In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02T15:04")
	if resp, _ := act(t, e, leader, code, "extend", url.Values{"reason": {"Cần xác minh"}, "new_due": {newDue}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("extend: %d", resp.StatusCode)
	}
	reason := "Thiếu giấy chứng sinh bản chính"
	resp, page = post(t, specialist, e.ts.URL+"/office/dossiers/"+code+"/actions/request_supplement", url.Values{"version": {versionOf(t, stalePage)}, "reason": {reason}})
	if resp.StatusCode != http.StatusConflict || textAt(t, page, "textarea#reason-request_supplement") != reason {
		t.Fatalf("stale supplement request: %d, typed reason lost", resp.StatusCode)
	}
	// The wrong role at a step: the counter cannot forward the specialist's dossier.
	current := versionOf(t, page)
	resp, wrong := post(t, counter, e.ts.URL+"/office/dossiers/"+code+"/actions/forward", url.Values{"version": {current}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(textAt(t, wrong, "p.error"), "Vai trò của bạn") {
		t.Fatalf("the counter forwards at the specialist's step: %d", resp.StatusCode)
	}
	// The form is now current: sending it again works.
	if resp, _ := post(t, specialist, e.ts.URL+"/office/dossiers/"+code+"/actions/request_supplement",
		url.Values{"version": {versionOf(t, page)}, "reason": {reason}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("supplement request: %d", resp.StatusCode)
	}
	// An action the page no longer offers keeps the typed text in the error box.
	if d, err = e.st.DossierByCode(t.Context(), code); err != nil {
		t.Fatal(err)
	}
	resp, page = post(t, specialist, e.ts.URL+"/office/dossiers/"+code+"/actions/refuse", url.Values{"version": {strconv.Itoa(d.Version)}, "reason": {"Không đủ điều kiện"}})
	if resp.StatusCode != http.StatusConflict || textAt(t, page, "p.typed") != "Không đủ điều kiện" {
		t.Fatalf("refuse while waiting for supplements: %d", resp.StatusCode)
	}
	if resp, _ := post(t, counter, e.ts.URL+"/office/dossiers/"+code+"/actions/fly", nil); resp.StatusCode != 404 {
		t.Errorf("unknown action: %d", resp.StatusCode)
	}
	if resp, _ := get(t, counter, e.ts.URL+"/office/dossiers/000.31.37.H45-260101-9999"); resp.StatusCode != 404 {
		t.Errorf("unknown dossier: %d", resp.StatusCode)
	}
	citizen, _ := e.login(t, "congdan", demo.Password)
	if resp, _ := get(t, citizen, e.ts.URL+"/office/dossiers/"+code); resp.StatusCode != 403 {
		t.Errorf("a citizen on the office page: %d", resp.StatusCode)
	}
}

func TestExtendWithNewDate(t *testing.T) {
	e := newEnv(t)
	counter, _ := e.login(t, "motcua", demo.Password)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	code := receive(t, e, counter, demo.CurrentProcedure, url.Values{"applicant.full_name": {"Trần Văn Bình"}, "channel": {"counter"}})
	_, page := get(t, leader, e.ts.URL+"/office/dossiers/"+code)
	if attrAt(t, page, "input#new_due-extend", "type") != "datetime-local" {
		t.Fatal("no date for the extension")
	}
	resp, page := act(t, e, leader, code, "extend", url.Values{"reason": {"Cần xác minh thêm"}, "new_due": {"mai"}})
	if resp.StatusCode != 422 || textAt(t, page, "textarea#reason-extend") != "Cần xác minh thêm" {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
	d, err := e.st.DossierByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	newDue := d.DueAt.Add(72 * time.Hour).In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02T15:04")
	resp, _ = act(t, e, leader, code, "extend", url.Values{"reason": {"Cần xác minh thêm"}, "new_due": {newDue}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("extend: %d", resp.StatusCode)
	}
	_, page = get(t, leader, e.ts.URL+"/office/dossiers/"+code)
	if !strings.Contains(textAt(t, page, "p.flash"), "Hẹn trả mới") || !apptRE.MatchString(facts(t, page)["Hẹn trả mới (đã gia hạn)"]) {
		t.Errorf("after extension: %v", facts(t, page))
	}
}

// TestOpenDossierByCode: an officer types a code from a receipt (spaces, lower case) and
// lands on the dossier; a code of another unit, or of nothing, is not revealed.
func TestOpenDossierByCode(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "motcua", demo.Password)
	code := receive(t, e, c, "1.001193", birthFields())
	noRedirect := *c
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := get(t, &noRedirect, e.ts.URL+"/office?code="+url.QueryEscape(" "+strings.ToLower(code)+" "))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/office/dossiers/"+code {
		t.Fatalf("open by code: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page := get(t, c, e.ts.URL+"/office?code=000.31.37.H45-260101-9999")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(textAt(t, page, "p#open-code-error"), "Không có hồ sơ") ||
		attrAt(t, page, "input#open-code", "value") != "000.31.37.H45-260101-9999" {
		t.Fatalf("unknown code: %d %q", resp.StatusCode, textAt(t, page, "p#open-code-error"))
	}
	// A citizen's account cannot use it to probe codes: the office is for officials.
	citizen, _ := e.login(t, "congdan", demo.Password)
	if resp, _ := get(t, citizen, e.ts.URL+"/office?code="+code); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("citizen: %d", resp.StatusCode)
	}
}

// TestMetricsCountCommits: /metrics reports the store's commits and changes, and a filing
// moves both.
func TestMetricsCountCommits(t *testing.T) {
	e := newEnv(t)
	read := func() (commits, changes float64) {
		_, page := get(t, e.client(), e.ts.URL+"/metrics")
		for _, line := range strings.Split(page, "\n") {
			var v float64
			if _, err := fmt.Sscanf(line, "xaso_store_commits_total %g", &v); err == nil {
				commits = v
			}
			if _, err := fmt.Sscanf(line, "xaso_store_changes_total %g", &v); err == nil {
				changes = v
			}
		}
		return
	}
	c0, n0 := read()
	c, _ := e.login(t, "motcua", demo.Password)
	receive(t, e, c, "1.001193", birthFields())
	c1, n1 := read()
	if c1 <= c0 || n1 <= n0 || n1 < c1 {
		t.Fatalf("commits %g → %g, changes %g → %g", c0, c1, n0, n1)
	}
}
