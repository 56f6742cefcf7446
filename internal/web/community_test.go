package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/demo"
)

// A help request filed from a village's QR poster by an anonymous phone user goes to
// the village's team, which works it on /cong-dong; the filer closes it with the secret
// on /ho-tro/{code}. Without the secret, the page shows the progress, not the phone.
func TestHelpRequestFromPosterToClosed(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	code := demo.CommuneCode + "-01"
	resp, page := get(t, anon, e.ts.URL+"/ho-tro?thon="+code)
	if resp.StatusCode != 200 || !strings.Contains(page, `<option value="`+code+`" selected>`) {
		t.Fatalf("poster's form: %d", resp.StatusCode)
	}
	resp, err := anon.PostForm(e.ts.URL+"/ho-tro", url.Values{"village": {code}, "phone": {"0912 345 678"}, "topic": {"install_app"},
		"description": {"Nhờ cài VNeID"}})
	if err != nil {
		t.Fatal(err)
	}
	page = readBody(t, resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("file: %d %s", resp.StatusCode, page)
	}
	hcode, secret := byID(t, page, "help-code"), byID(t, page, "help-secret")
	if !community.ValidCode(hcode) || secret == "" {
		t.Fatalf("code %q secret %q", hcode, secret)
	}
	if _, pub := get(t, e.client(), e.ts.URL+"/ho-tro/"+hcode); strings.Contains(pub, "0912345678") || strings.Contains(pub, "Nhờ cài VNeID") ||
		!strings.Contains(pub, "Đã giao tổ công nghệ số") {
		t.Fatal("the public page shows personal fields or no progress")
	}

	volunteer, _ := e.login(t, "tocongnghe", demo.Password)
	if _, mine := get(t, volunteer, e.ts.URL+"/cong-dong"); !strings.Contains(mine, hcode) || !strings.Contains(mine, "0912345678") {
		t.Fatal("the team's list lacks the request")
	}
	other, _ := e.login(t, "tcn05", demo.Password) // the second village's team
	if _, theirs := get(t, other, e.ts.URL+"/cong-dong"); strings.Contains(theirs, hcode) {
		t.Fatal("another village's volunteer sees the request")
	}
	for _, step := range []string{"start", "done"} {
		resp, err := volunteer.PostForm(e.ts.URL+"/cong-dong/ho-tro/"+hcode+"/"+step, url.Values{"note": {"Đã gọi lại"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", step, resp.StatusCode)
		}
	}
	_, page = get(t, anon, e.ts.URL+"/ho-tro/"+hcode+"?ma="+secret)
	if !strings.Contains(page, "/ho-tro/"+hcode+"/dong") || !strings.Contains(page, "0912345678") && !strings.Contains(page, "Nhờ cài VNeID") {
		t.Fatal("the filer cannot confirm")
	}
	if resp, _ := anon.PostForm(e.ts.URL+"/ho-tro/"+hcode+"/dong", url.Values{"ma": {"SAI"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("close with a wrong secret: %d", resp.StatusCode)
	}
	resp, err = anon.PostForm(e.ts.URL+"/ho-tro/"+hcode+"/dong", url.Values{"ma": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", resp.StatusCode)
	}
	if _, page = get(t, anon, e.ts.URL+"/ho-tro/"+hcode); byID(t, page, "help-status") != "Đã đóng" {
		t.Fatalf("status after closing: %q", byID(t, page, "help-status"))
	}
}

// The API's fixed shapes: villages with their households, teams with their members
// counted, a help request filed anonymously (201, code and secret) and looked up with and
// without the secret.
func TestCommunityAPI(t *testing.T) {
	e := newEnv(t)
	leader := bearer(t, e, "lanhdao")
	var vs struct {
		Items []struct {
			Code, Name string
			Households *int
		}
		Total int
	}
	if code, _ := apiGet(t, e, leader, "/api/v1/villages?unit="+demo.CommuneCode, &vs); code != 200 || vs.Total != 12 ||
		vs.Items[0].Households == nil || *vs.Items[0].Households != demo.VillageCounts[0][0] {
		t.Fatalf("villages: %d %+v", code, vs)
	}
	var ts struct {
		Items []struct {
			Village string
			Members int
		}
	}
	if code, _ := apiGet(t, e, leader, "/api/v1/community/teams?unit="+demo.CommuneCode, &ts); code != 200 || len(ts.Items) != 12 || ts.Items[0].Members != 3 {
		t.Fatalf("teams: %d %+v", code, ts)
	}
	if code, _ := apiGet(t, e, bearer(t, e, "congdan"), "/api/v1/community/teams", &ts); code != 403 {
		t.Fatalf("a citizen's teams: %d", code)
	}
	status, body := anonPost(t, e, "/api/v1/help-requests", `{"unit":"14731","village":"Thôn Yên Thổ","phone":"0987654321","topic":"internet","description":"Mất mạng"}`)
	if status != 201 {
		t.Fatalf("file: %d %s", status, body)
	}
	h := decode[struct{ Code, Secret, Phone, Status string }](t, body)
	if h.Secret == "" || h.Phone != "0987654321" || h.Status != "assigned" {
		t.Fatalf("filed: %+v", h)
	}
	var pub map[string]any
	apiGet(t, e, "", "/api/v1/help-requests/"+h.Code, &pub)
	if _, ok := pub["phone"]; ok || pub["status"] != "assigned" {
		t.Fatalf("public look-up: %v", pub)
	}
	var full map[string]any
	apiGet(t, e, "", "/api/v1/help-requests/"+h.Code+"?secret="+h.Secret, &full)
	if full["phone"] != "0987654321" {
		t.Fatalf("with the secret: %v", full)
	}
	status, body = anonPost(t, e, "/api/v1/help-requests", `{"unit":"14731","village":"x","phone":"1","topic":"nope"}`)
	if status != 422 || !strings.Contains(body, `"village"`) || !strings.Contains(body, `"phone"`) || !strings.Contains(body, `"topic"`) {
		t.Fatalf("bad filing: %d %s", status, body)
	}
	// The volunteer of the second village works it; the first village's cannot.
	if status, body := apiSend(t, e, bearer(t, e, "tocongnghe"), "POST", "/api/v1/help-requests/"+h.Code+"/actions/start", ""); status != 404 {
		t.Fatalf("another village's volunteer: %d %s", status, body)
	}
	if status, body := apiSend(t, e, bearer(t, e, "tcn05"), "POST", "/api/v1/help-requests/"+h.Code+"/actions/start", ""); status != 200 {
		t.Fatalf("the village's volunteer: %d %s", status, body)
	}
	status, body = apiSend(t, e, bearer(t, e, "tocongnghe"), "POST", "/api/v1/community/visits", `{"households":3,"installs":2}`)
	if status != 201 {
		t.Fatalf("visit: %d %s", status, body)
	}
	// The indicators: each with its id, name, value, unit, source and target.
	var xs struct{ Items []map[string]any }
	if code, p := apiGet(t, e, leader, "/api/v1/dx-indicators?unit=14731&year=2021", &xs); code != 200 || len(xs.Items) == 0 {
		t.Fatalf("indicators: %d %+v", code, p)
	}
	for _, in := range xs.Items {
		for _, k := range []string{"id", "name", "value", "unit", "source", "target"} {
			if _, ok := in[k]; !ok {
				t.Fatalf("indicator %v lacks %s", in["id"], k)
			}
		}
		if in["id"] == "app_installs" && (in["value"] != 1200.0 || in["source"] != "manual" || in["evidence"] != demo.DXSource) {
			t.Fatalf("app installs: %v", in)
		}
	}
	if code, p := apiGet(t, e, leader, "/api/v1/dx-indicators?year=20x1", nil); code != 422 || p.Code != "invalid_year" {
		t.Fatalf("bad year: %d %+v", code, p)
	}
	status, body = apiSend(t, e, leader, "POST", "/api/v1/dx-indicators/values", `{"unit":"14731","indicator":"smartphone_share","year":2022,"value":75}`)
	if status != 422 || !strings.Contains(body, `"source"`) {
		t.Fatalf("a manual value without source: %d %s", status, body)
	}
	status, body = apiSend(t, e, leader, "POST", "/api/v1/dx-indicators/values", `{"unit":"14731","indicator":"smartphone_share","year":2022,"value":75,"source":"Điều tra của xã","as_of":"2022-12-31"}`)
	if status != 204 {
		t.Fatalf("a manual value: %d %s", status, body)
	}
}

// An overdue help request counts on the leader's dashboard and the villages' page.
func TestHelpOverdueOnDashboard(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := e.st.CommunityVillages(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	filed := time.Now().Add(-10 * 24 * time.Hour)
	if _, err := e.st.CreateHelpRequest(ctx, community.HelpRequest{Code: community.NewHelpCode(), UnitID: u.ID, VillageID: vs[2].ID,
		Topic: community.TopicInternet, Phone: "0912345678", SecretHash: community.HashSecret("X"), ClientHash: "c",
		Status: community.StatusAssigned, FiledAt: filed, DueAt: filed.Add(72 * time.Hour),
		Events: []community.Event{{Status: community.StatusReceived, At: filed}}}, nil); err != nil {
		t.Fatal(err)
	}
	leader, _ := e.login(t, "lanhdao", demo.Password)
	if _, page := get(t, leader, e.ts.URL+"/office/tong-quan"); byID(t, page, "help-overdue") != "1" {
		t.Fatalf("dashboard's overdue help requests: %q", byID(t, page, "help-overdue"))
	}
	if _, page := get(t, leader, e.ts.URL+"/office/thon"); byID(t, page, "help-overdue") != "1" {
		t.Fatalf("villages page's overdue: %q", byID(t, page, "help-overdue"))
	}
	// The leader records a coverage fact (its source required) and a team member.
	post := func(path string, form url.Values) int {
		t.Helper()
		resp, err := leader.PostForm(e.ts.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	day := time.Now().Format(time.DateOnly)
	if code := post("/office/thon/"+vs[2].Code+"/ha-tang", url.Values{"kind": {"public_wifi"}, "available": {"1"}, "as_of": {day}}); code != 422 {
		t.Fatalf("coverage without source: %d", code)
	}
	if code := post("/office/thon/"+vs[2].Code+"/ha-tang", url.Values{"kind": {"public_wifi"}, "available": {"1"}, "as_of": {day},
		"source": {"Nhà mạng báo cáo"}}); code != 303 {
		t.Fatalf("coverage: %d", code)
	}
	if code := post("/office/thon/"+vs[11].Code+"/thanh-vien", url.Values{"username": {"congdan"}, "phone": {"0912345678"}, "joined": {day}}); code != 422 {
		t.Fatalf("a citizen made a member: %d", code)
	}
	if code := post("/office/thon/"+vs[11].Code+"/thanh-vien", url.Values{"username": {"tcn02"}, "phone": {"0912345678"}, "joined": {day}}); code != 303 {
		t.Fatalf("member: %d", code)
	}
	if got, _ := e.st.CommunityVillage(ctx, vs[2].ID); len(got.Coverage) != 3 {
		t.Fatalf("coverage of %s: %+v", vs[2].Name, got.Coverage)
	}
	// The indicators' page: the seed's 2021 figures with their source.
	if resp, page := get(t, leader, e.ts.URL+"/office/chuyen-doi-so?nam=2021"); resp.StatusCode != 200 || !strings.Contains(page, "1.200") ||
		!strings.Contains(page, demo.DXSource) {
		t.Fatalf("indicators page: %d", resp.StatusCode)
	}
	// A village's poster links the help form with the village chosen.
	if resp, page := get(t, leader, e.ts.URL+"/office/thon/"+vs[2].Code+"/ap-phich"); resp.StatusCode != 200 ||
		!strings.Contains(page, "/ho-tro?thon="+vs[2].Code) || !strings.Contains(page, "<svg") {
		t.Fatalf("poster: %d", resp.StatusCode)
	}
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// byID is the text of the element of that id (no nested elements).
func byID(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no element #%s in page", id)
	}
	return strings.TrimSpace(m[1])
}

func anonPost(t *testing.T, e *env, path, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(e.ts.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readBody(t, resp)
}
