package web_test

import (
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
