package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
)

func TestAssignAndDelegatePages(t *testing.T) {
	e := newEnv(t)
	counter, _ := e.login(t, "motcua", demo.Password)
	specialist, _ := e.login(t, "chuyenvien", demo.Password)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	code := receive(t, e, counter, demo.CurrentProcedure, url.Values{"applicant.full_name": {"Trần Văn Giao"}, "channel": {"post"}})
	if resp, _ := act(t, e, counter, code, "forward", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("forward: %d", resp.StatusCode)
	}
	id := func(username string) string {
		u, err := e.st.UserByUsername(t.Context(), username)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(u.ID, 10)
	}
	dossierURL := e.ts.URL + "/office/dossiers/" + code

	// The specialist cannot assign; the leader is offered the unit's specialists only.
	if _, page := get(t, specialist, dossierURL); has(t, page, "details#giao-xu-ly") {
		t.Error("the specialist is offered the assignment form")
	}
	_, page := get(t, leader, dossierURL)
	var offered []string
	for _, o := range all(t, page, "select#assign-user option") {
		offered = append(offered, textOf(o))
	}
	if strings.Join(offered, "|") != "— Chọn cán bộ —|Lê Văn Cường" {
		t.Fatalf("offered %q", offered)
	}
	// Assigning to the counter officer, who is no specialist: 422, the message in the form.
	resp, page := post(t, leader, dossierURL+"/assign", url.Values{"version": {versionOf(t, page)}, "user": {id("motcua")}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "p#assign-error"), "không giữ vai trò") ||
		!has(t, page, "details#giao-xu-ly[open]") {
		t.Fatalf("assign to the counter officer: %d", resp.StatusCode)
	}
	if resp, _ := post(t, leader, dossierURL+"/assign", url.Values{"version": {versionOf(t, page)}, "user": {id("chuyenvien")}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", resp.StatusCode)
	}
	if _, page := get(t, leader, dossierURL); !strings.Contains(textAt(t, page, "p#giao-cho"), "Lê Văn Cường") || textAt(t, page, "details#giao-xu-ly summary") != "Giao lại…" {
		t.Error("the dossier page does not say to whom it is assigned")
	}
	// The specialist's inbox shows it first, under "Giao cho tôi".
	if _, page := get(t, specialist, e.ts.URL+"/office"); !strings.Contains(textAt(t, page, "section.group-giao-cho-toi"), code) {
		t.Error("the assigned dossier is not in the specialist's Giao cho tôi")
	}
	// Nobody acts for the specialist yet: the counter officer is not offered the step
	// and cannot take it.
	page = mustGet(t, counter, dossierURL)
	if has(t, page, "form[action=/office/dossiers/"+code+"/actions/forward]") {
		t.Error("the counter officer is offered the specialist's step")
	}
	if resp, _ := post(t, counter, dossierURL+"/actions/forward", url.Values{"version": {versionOf(t, page)}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("the counter officer forwards a specialist's assigned dossier: %d", resp.StatusCode)
	}

	// Officials find the delegations from their account page; citizens do not.
	if !has(t, mustGet(t, specialist, e.ts.URL+"/account"), "a#uy-quyen[href=/office/uy-quyen]") {
		t.Error("no link to the delegations on the official's account page")
	}
	citizen, _ := e.login(t, "congdan", demo.Password)
	if has(t, mustGet(t, citizen, e.ts.URL+"/account"), "a#uy-quyen") {
		t.Error("a citizen is offered the delegations")
	}

	// The specialist is away today: the counter officer acts for them.
	today := calendar.DateOf(time.Now()).String()
	resp, page = post(t, specialist, e.ts.URL+"/office/uy-quyen", url.Values{"delegate": {id("motcua")}, "from": {today}, "to": {"2000-01-01"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "p.error"), "Thời gian ủy quyền") {
		t.Fatalf("a delegation ending before it starts: %d", resp.StatusCode)
	}
	if resp, _ := post(t, specialist, e.ts.URL+"/office/uy-quyen", url.Values{"delegate": {id("motcua")}, "from": {today}, "to": {today}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delegate: %d", resp.StatusCode)
	}
	if _, page := get(t, counter, e.ts.URL+"/office/uy-quyen"); !strings.Contains(textAt(t, page, "section.card ul"), "Trần Thị Bình thay Lê Văn Cường") {
		t.Error("the delegation is not listed")
	}
	if _, page := get(t, counter, e.ts.URL+"/office"); !strings.Contains(textAt(t, page, "section.group-giao-cho-toi"), code) {
		t.Error("the delegate's inbox does not show the absent official's dossier")
	}
	if resp, _ := act(t, e, counter, code, "forward", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the delegate forwards: %d", resp.StatusCode)
	}
	found := false
	for _, row := range all(t, mustGet(t, leader, dossierURL), "tbody tr") {
		found = found || strings.Contains(textOf(row), "Trần Thị Bình (thay Lê Văn Cường)")
	}
	if !found {
		t.Error("the history does not say the delegate acted for the absent official")
	}
}

func mustGet(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, page := get(t, c, u)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return page
}

func TestAssignAndDelegateAPI(t *testing.T) {
	e := newEnv(t)
	counter, specialist, leader := bearer(t, e, "motcua"), bearer(t, e, "chuyenvien"), bearer(t, e, "lanhdao")
	cv, err := e.st.UserByUsername(t.Context(), "chuyenvien")
	if err != nil {
		t.Fatal(err)
	}
	mc, err := e.st.UserByUsername(t.Context(), "motcua")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"procedure_code":"` + demo.CurrentProcedure + `","channel":"counter","applicant":{"full_name":"Lê Thị Giao","id_number":"037085001299","phone":"0912345678","address":"Thôn Đông"},"fields":{}}`
	status, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers", body)
	if status != http.StatusCreated {
		t.Fatalf("file: %d %s", status, out)
	}
	code := jsonField(t, out, "code")
	if status, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+code+"/actions/forward", ""); status != http.StatusOK {
		t.Fatalf("forward: %d %s", status, out)
	}
	cases := []struct {
		name, token, body string
		status            int
		code              string
	}{
		{"by the specialist", specialist, `{"user_id":` + strconv.FormatInt(cv.ID, 10) + `}`, http.StatusForbidden, "forbidden"},
		{"to someone without the role", leader, `{"user_id":` + strconv.FormatInt(mc.ID, 10) + `}`, http.StatusUnprocessableEntity, "assignee_lacks_role"},
		{"to the specialist", leader, `{"user_id":` + strconv.FormatInt(cv.ID, 10) + `}`, http.StatusOK, ""},
		{"again without a reason", leader, `{"user_id":` + strconv.FormatInt(cv.ID, 10) + `}`, http.StatusConflict, "already_assigned"},
	}
	for _, c := range cases {
		status, out := apiSend(t, e, c.token, "POST", "/api/v1/dossiers/"+code+"/actions/assign", c.body)
		if status != c.status || (c.code != "" && !strings.Contains(out, `"code":"`+c.code+`"`)) {
			t.Errorf("%s: %d %s", c.name, status, out)
		}
		if c.status == http.StatusOK && !strings.Contains(out, `"assigned_to":{"user_id":`+strconv.FormatInt(cv.ID, 10)+`,"name":"Lê Văn Cường"}`) {
			t.Errorf("%s: %s", c.name, out)
		}
	}
	today := calendar.DateOf(time.Now()).String()
	status, out = apiSend(t, e, specialist, "POST", "/api/v1/delegations", `{"delegate_user_id":`+strconv.FormatInt(mc.ID, 10)+`,"from":"`+today+`","to":"`+today+`"}`)
	if status != http.StatusCreated || !strings.Contains(out, `"in_force":true`) {
		t.Fatalf("delegate: %d %s", status, out)
	}
	id := jsonField(t, out, "id")
	if status, out := apiSend(t, e, specialist, "POST", "/api/v1/delegations", `{"delegate_user_id":`+strconv.FormatInt(mc.ID, 10)+`,"from":"31/12/2026","to":"`+today+`"}`); status != http.StatusUnprocessableEntity || !strings.Contains(out, "invalid_delegation_dates") {
		t.Errorf("a date not ISO: %d %s", status, out)
	}
	if status, out := apiSend(t, e, counter, "GET", "/api/v1/dossiers/"+code, ""); status != http.StatusOK || !strings.Contains(out, `"allowed_actions":["forward"`) {
		t.Errorf("the delegate's actions: %d %s", status, out)
	}
	if status, out := apiSend(t, e, leader, "GET", "/api/v1/delegations", ""); status != http.StatusOK || !strings.Contains(out, `"total":1`) {
		t.Errorf("list: %d %s", status, out)
	}
	if status, out := apiSend(t, e, counter, "DELETE", "/api/v1/delegations/"+id, ""); status != http.StatusForbidden {
		t.Errorf("the delegate ends it: %d %s", status, out)
	}
	if status, out := apiSend(t, e, specialist, "DELETE", "/api/v1/delegations/"+id, ""); status != http.StatusNoContent {
		t.Errorf("end: %d %s", status, out)
	}
	if status, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+code+"/actions/forward", ""); status != http.StatusConflict {
		t.Errorf("the delegate acts after the delegation ended: %d %s", status, out)
	}
}

// jsonField reads one top-level field of a JSON object as text.
func jsonField(t *testing.T, body, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	switch v := m[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatInt(int64(v), 10)
	}
	t.Fatalf("no %s in %s", name, body)
	return ""
}
