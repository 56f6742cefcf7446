package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

func TestAdminFloorPage(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	admin, _ := e.login(t, "quantri", demo.Password)
	page := mustGet(t, admin, e.ts.URL+"/admin/quay")
	if !strings.Contains(textAt(t, page, "section[aria-labelledby=h-kiosks]"), "chưa có khóa") {
		t.Error("the demo's kiosk without a key is not pointed out")
	}
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	save := func(what string, form url.Values) (*http.Response, string) {
		return post(t, admin, e.ts.URL+"/admin/quay/"+what, form)
	}

	// Groups: the rules answer at the form, which stays open.
	refusals := []struct {
		name, what string
		form       url.Values
		status     int
		message    string
	}{
		{"two letters", "groups", url.Values{"form": {""}, "code": {"ho-tro"}, "letter": {"AB"}, "name": {"Hỗ trợ"}, "position": {"4"}, "slot_minutes": {"30"}, "slot_capacity": {"4"}}, 422, "chữ cái in hoa"},
		{"a letter taken", "groups", url.Values{"form": {""}, "code": {"ho-tro"}, "letter": {"a"}, "name": {"Hỗ trợ"}, "position": {"4"}, "slot_minutes": {"30"}, "slot_capacity": {"4"}}, 409, "đã dùng"},
		{"slots not a number", "groups", url.Values{"form": {""}, "code": {"ho-tro"}, "letter": {"D"}, "name": {"Hỗ trợ"}, "position": {"4"}, "slot_minutes": {"ba mươi"}, "slot_capacity": {"4"}}, 422, "5–240 phút"},
		{"a desk held by a specialist", "desks", url.Values{"form": {"2"}, "number": {"2"}, "holder": {userIDText(t, e, "chuyenvien")}}, 422, "cán bộ một cửa"},
		{"a desk serving no such group", "desks", url.Values{"form": {"2"}, "number": {"2"}, "groups": {"khong-co"}}, 422, ""},
		{"desk 0", "desks", url.Values{"form": {""}, "number": {"0"}}, 422, "1 đến 99"},
		{"a printer without a port", "kiosks", url.Values{"form": {""}, "code": {"k2"}, "printer": {"192.168.1.50"}, "enabled": {"1"}}, 422, "địa chỉ:cổng"},
		{"a kiosk code with capitals", "kiosks", url.Values{"form": {""}, "code": {"K 2"}, "enabled": {"1"}}, 422, "chữ thường"},
	}
	for _, c := range refusals {
		resp, page := save(c.what, c.form)
		if resp.StatusCode != c.status || !strings.Contains(textAt(t, page, "p#floor-error"), c.message) || !has(t, page, "details[open]") {
			t.Errorf("%s: %d %q", c.name, resp.StatusCode, textAt(t, page, "p#floor-error"))
		}
	}
	if resp, _ := save("groups", url.Values{"form": {""}, "code": {"ho-tro"}, "letter": {"d"}, "name": {"Hỗ trợ chung"}, "position": {"4"}, "slot_minutes": {"30"}, "slot_capacity": {"4"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new group: %d", resp.StatusCode)
	}
	if !strings.Contains(textAt(t, mustGet(t, e.client(), e.ts.URL+"/kiosk/"+demo.CommuneCode), "main"), "Hỗ trợ chung") {
		t.Error("the kiosk does not offer the new group")
	}

	// Desk 2 for civil status only, held by the counter officer.
	if resp, _ := save("desks", url.Values{"form": {"2"}, "number": {"2"}, "name": {"Hộ tịch"}, "groups": {"tu-phap-ho-tich"}, "holder": {userIDText(t, e, "motcua")}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("desk 2: %d", resp.StatusCode)
	}
	desks, err := e.st.QueueDesks(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range desks {
		held := d.HolderName == "Trần Thị Bình"
		if held != (d.Number == 2) || d.Number == 2 && (d.Name != "Hộ tịch" || strings.Join(d.Groups, " ") != "tu-phap-ho-tich") {
			t.Errorf("desk %+v", d)
		}
	}

	// A new kiosk gets a key: tickets naming it need it.
	if resp, _ := save("kiosks", url.Values{"form": {""}, "code": {"k2"}, "name": {"Sảnh chính"}, "enabled": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new kiosk: %d", resp.StatusCode)
	}
	page = mustGet(t, admin, e.ts.URL+"/admin/quay")
	m := regexp.MustCompile(`kiosk=k2&amp;key=([a-z2-7]{26})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no address with a key for the new kiosk")
	}
	key := m[1]
	kiosk := e.client()
	take := func(form url.Values) (*http.Response, string) {
		return post(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"/so", form)
	}
	if resp, page := take(url.Values{"group": {"chung-thuc"}, "kiosk": {"k2"}}); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "thiếu hoặc sai khóa") {
		t.Errorf("a ticket at k2 without its key: %d", resp.StatusCode)
	}
	if resp, _ := take(url.Values{"group": {"chung-thuc"}, "kiosk": {"k2"}, "key": {strings.ToUpper(key)}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a ticket at k2 with a wrong key: %d", resp.StatusCode)
	}
	resp, _ := take(url.Values{"group": {"chung-thuc"}, "kiosk": {"k2"}, "key": {key}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "key="+key) {
		t.Fatalf("a ticket at k2 with its key: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Opened without its key, the kiosk's page says so at once.
	if resp, page := get(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"?kiosk=k2"); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "thiếu hoặc sai khóa") {
		t.Errorf("the kiosk page without its key: %d", resp.StatusCode)
	}
	// The kiosk's own page carries the key in its forms.
	if !has(t, mustGet(t, kiosk, e.ts.URL+"/kiosk/"+demo.CommuneCode+"?kiosk=k2&key="+key), "form.take input[name=key][value="+key+"]") {
		t.Error("the kiosk page's form does not carry its key")
	}
	// Disabled, it gives no ticket even with its key.
	if resp, _ := save("kiosks", url.Values{"form": {"k2"}, "code": {"k2"}, "name": {"Sảnh chính"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable k2: %d", resp.StatusCode)
	}
	if resp, page := take(url.Values{"group": {"chung-thuc"}, "kiosk": {"k2"}, "key": {key}}); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "tạm ngừng") {
		t.Errorf("a ticket at a disabled kiosk: %d", resp.StatusCode)
	}
	// The other administrators' pages: a counter officer may not.
	counter, _ := e.login(t, "motcua", demo.Password)
	if resp, _ := post(t, counter, e.ts.URL+"/admin/quay/kiosks", url.Values{"code": {"k3"}, "enabled": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a counter officer sets a kiosk up: %d", resp.StatusCode)
	}
	recs, _, err := e.st.AuditRecords(ctx, u.ID, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Event.Action] = true
	}
	for _, a := range []string{"queue.group.set", "queue.desk.set", "queue.desk.hold", "queue.kiosk.set"} {
		if !seen[a] {
			t.Errorf("no %s audit record", a)
		}
	}
}

func userIDText(t *testing.T, e *env, username string) string {
	t.Helper()
	u, err := e.st.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(u.ID, 10)
}
