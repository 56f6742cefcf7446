package web_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/demo"
)

type dxDoc struct {
	ID           string
	Value        *float64
	Numerator    *float64
	Denominator  *float64
	Parts        []string
	Village      string
	Unattributed string
	Source       string
}

type dxRowsDoc struct {
	Items []struct {
		Code, Date, Detail string
		At                 *time.Time
		Count              int
	}
	Total, Sum int
}

// The indicators' API: per village (null with the reason where the rows name no
// village), the rows behind each part adding up to it, the trend, the villages' table,
// the workbook.
func TestDXAPI(t *testing.T) {
	e := newEnv(t)
	leader := bearer(t, e, "lanhdao")
	this := strconv.Itoa(time.Now().In(time.FixedZone("ICT", 7*3600)).Year())
	for _, year := range []string{"2021", this} {
		var xs struct {
			Items []dxDoc
			Total int
		}
		if code, p := apiGet(t, e, leader, "/api/v1/dx-indicators?unit=14731&year="+year, &xs); code != 200 || xs.Total != len(community.Definitions) {
			t.Fatalf("indicators %s: %d %+v", year, code, p)
		}
		for _, in := range xs.Items {
			for i, part := range in.Parts {
				want := in.Numerator
				if part == "denominator" {
					want = in.Denominator
				}
				var rows dxRowsDoc
				if code, p := apiGet(t, e, leader, "/api/v1/dx-indicators/"+in.ID+"/rows?unit=14731&year="+year+"&part="+part+"&limit=200", &rows); code != 200 {
					t.Fatalf("%s %s: %d %+v", in.ID, part, code, p)
				}
				if want == nil || float64(rows.Sum) != *want || rows.Total < len(rows.Items) {
					t.Errorf("%s %s %s: sum %d, total %d, the indicator %v", year, in.ID, part, rows.Sum, rows.Total, want)
				}
				if i == 0 && in.ID == "app_installs_counted" && year == "2021" && (len(rows.Items) != demo.DemoInstalls || len(rows.Items[0].Code) != 12 || rows.Items[0].At == nil) {
					t.Errorf("installs' rows: %d %+v", len(rows.Items), rows.Items[:1])
				}
			}
			if in.ID == "app_installs_counted" && year == "2021" && (in.Value == nil || *in.Value != demo.DemoInstalls || in.Source != "computed") {
				t.Errorf("installs counted: %+v", in)
			}
		}
	}
	// One village: the installs set up for it; the online rate not attributable.
	var vx struct{ Items []dxDoc }
	if code, p := apiGet(t, e, leader, "/api/v1/dx-indicators?unit=14731&year=2021&village=14731-02", &vx); code != 200 {
		t.Fatalf("village: %d %+v", code, p)
	}
	var villages struct {
		Items []struct {
			Code     string
			Installs int `json:"app_installs_counted"`
		}
		Total int
	}
	if code, _ := apiGet(t, e, leader, "/api/v1/dx-indicators/villages?unit=14731&year=2021", &villages); code != 200 || villages.Total != 12 {
		t.Fatalf("villages: %d %+v", code, villages)
	}
	for _, in := range vx.Items {
		switch in.ID {
		case "online_dossier_rate", "smartphone_share":
			if in.Value != nil || in.Unattributed == "" || in.Village != "14731-02" {
				t.Errorf("village %s: %+v", in.ID, in)
			}
		case "app_installs_counted":
			if in.Value == nil || int(*in.Value) != villages.Items[1].Installs || *in.Value == 0 {
				t.Errorf("village installs: %v, table %d", in.Value, villages.Items[1].Installs)
			}
			var rows dxRowsDoc
			apiGet(t, e, leader, "/api/v1/dx-indicators/app_installs_counted/rows?year=2021&village=14731-02&limit=2&offset=1", &rows)
			if float64(rows.Sum) != *in.Value || rows.Total != int(*in.Value) || len(rows.Items) != min(2, rows.Total-1) {
				t.Errorf("village installs' rows: %+v", rows)
			}
		}
	}
	for _, c := range []struct{ path, code string }{
		{"/api/v1/dx-indicators/online_dossier_rate/rows?year=2021&village=14731-02", "dx_not_by_village"},
		{"/api/v1/dx-indicators/smartphone_share/rows?year=2021", "dx_part_invalid"},
		{"/api/v1/dx-indicators/online_dossier_rate/rows?year=2021&part=both", "dx_part_invalid"},
		{"/api/v1/dx-indicators/online_dossier_rate/rows?year=2021&limit=0", "invalid_page"},
		{"/api/v1/dx-indicators/nope/rows?year=2021", "dx_indicator_unknown"},
		{"/api/v1/dx-indicators?year=2021&village=14731-99", "village_not_found"},
		{"/api/v1/dx-indicators?year=2021&format=doc", "invalid_format"},
	} {
		if code, p := apiGet(t, e, leader, c.path, nil); code < 400 || code >= 500 || p.Code != c.code {
			t.Errorf("%s: %d %+v", c.path, code, p)
		}
	}
	var trend struct {
		Items []struct {
			Year   int
			Value  *float64
			Target *float64
		}
	}
	if code, _ := apiGet(t, e, leader, "/api/v1/dx-indicators/online_dossier_rate/trend?year=2021", &trend); code != 200 || len(trend.Items) == 0 ||
		trend.Items[len(trend.Items)-1].Year != 2021 || trend.Items[0].Target == nil || *trend.Items[0].Target != 50 {
		t.Fatalf("trend: %d %+v", code, trend)
	}

	// The workbook: a row per indicator, its source in Vietnamese, numbers as numbers.
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/dx-indicators?unit=14731&year=2021&format=xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+leader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "chi-so-chuyen-doi-so-14731-2021.xlsx") {
		t.Fatalf("xlsx: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Chỉ số")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2+len(community.Definitions) || rows[1][0] != "Chỉ số" || rows[1][4] != "Nguồn" || rows[1][7] != "Văn bản nguồn" {
		t.Fatalf("workbook: %d rows, header %v", len(rows), rows[1])
	}
	byName := map[string][]string{}
	for _, r := range rows[2:] {
		byName[r[0]] = r
	}
	installs := byName["Lượt cài đặt ứng dụng được hỗ trợ"]
	if len(installs) < 9 || installs[2] != "1200" || installs[4] != "Nhập tay" || installs[7] != demo.DXSource || installs[8] != "31/12/2021" {
		t.Fatalf("manual installs: %q", installs)
	}
	counted := byName["Lượt cài đặt ứng dụng đếm được"]
	if len(counted) < 6 || counted[2] != strconv.Itoa(demo.DemoInstalls) || counted[4] != "Tự động tính" || counted[5] != strconv.Itoa(demo.DemoInstalls) {
		t.Fatalf("counted installs: %q", counted)
	}
	if typ, _ := f.GetCellType("Chỉ số", "C3"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("a value written as text: %v", typ)
	}
	if code, _ := apiGet(t, e, bearer(t, e, "tocongnghe"), "/api/v1/dx-indicators/help_on_time/rows?year=2021", nil); code != 403 {
		t.Fatalf("a volunteer drills down: %d", code)
	}
}

// The citizen app reports its first run once: anonymous, idempotent on the id, a bad id
// refused; the year's computed count grows by one.
func TestAppInstalls(t *testing.T) {
	e := newEnv(t)
	leader := bearer(t, e, "lanhdao")
	count := func() float64 {
		var xs struct{ Items []dxDoc }
		apiGet(t, e, leader, "/api/v1/dx-indicators?unit=14731", &xs)
		for _, in := range xs.Items {
			if in.ID == "app_installs_counted" && in.Value != nil {
				return *in.Value
			}
		}
		t.Fatal("no installs counted")
		return 0
	}
	before := count()
	for i, want := range []int{201, 200} {
		if status, body := anonPost(t, e, "/api/v1/app/installs", `{"install_id":"b2f1c7e0-4a1d-4c8e-9d2a-7f3e5b6a9c01","village":"14731-03"}`); status != want ||
			!strings.Contains(body, `"counted":true`) {
			t.Fatalf("report %d: %d %s", i, status, body)
		}
	}
	if got := count(); got != before+1 {
		t.Fatalf("installs %v → %v", before, got)
	}
	// The audit chain names the install by its hash's first digits, never the id.
	admin, _ := e.login(t, "quantri", demo.Password)
	if _, page := get(t, admin, e.ts.URL+"/admin/audit"); strings.Contains(page, "b2f1c7e0") ||
		!strings.Contains(page, "Ứng dụng báo lượt cài đặt") || !strings.Contains(page, community.InstallHash("b2f1c7e0-4a1d-4c8e-9d2a-7f3e5b6a9c01")[:12]) {
		t.Fatal("the audit page does not show the install by its hash")
	}
	for _, c := range []struct{ body, code string }{
		{`{"install_id":"short"}`, "invalid_install_id"},
		{`{"install_id":"<script>alert(1)</script>xx"}`, "invalid_install_id"},
		{`{"install_id":"0123456789abcdef0123","village":"Thôn Không Có"}`, "village_not_found"},
		{`{"install_id":"0123456789abcdef0123","unit":"99999"}`, ""},
		{`{"install_id":"` + strings.Repeat("a", 4000) + `"}`, ""},
	} {
		status, body := anonPost(t, e, "/api/v1/app/installs", c.body)
		if status < 400 || status >= 500 || c.code != "" && !strings.Contains(body, `"`+c.code+`"`) {
			t.Errorf("%.40s: %d %s", c.body, status, body)
		}
	}
	if got := count(); got != before+1 {
		t.Fatalf("refused reports counted: %v → %v", before, got)
	}
}

// The pages: the indicators for the commune and one village with the villages' table;
// an indicator's page with its trend (an SVG with its title and the target line, the
// figures in a table) and the rows behind its value, paginated.
func TestDXPages(t *testing.T) {
	e := newEnv(t)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	resp, page := get(t, leader, e.ts.URL+"/office/chuyen-doi-so?nam=2021")
	if resp.StatusCode != 200 || strings.Count(page, `id="dx-thon-14731-`) != 12 || !strings.Contains(page, "format=xlsx") ||
		!strings.Contains(page, `href="/office/chuyen-doi-so/app_installs_counted?nam=2021"`) {
		t.Fatalf("indicators page: %d", resp.StatusCode)
	}
	if !strings.Contains(page, "/office/chuyen-doi-so/app_installs_counted?nam=2021&amp;phan=tu-so#cac-dong") {
		t.Fatal("no link to the installs' rows")
	}
	resp, page = get(t, leader, e.ts.URL+"/office/chuyen-doi-so?nam=2021&thon=14731-02")
	if resp.StatusCode != 200 || !strings.Contains(page, "Hồ sơ không ghi thôn của người nộp") || !strings.Contains(page, community.ManualUnattributed) {
		t.Fatalf("a village's indicators: %d", resp.StatusCode)
	}
	if resp, _ := get(t, leader, e.ts.URL+"/office/chuyen-doi-so?nam=2021&thon=14731-99"); resp.StatusCode != 404 {
		t.Fatalf("an unknown village: %d", resp.StatusCode)
	}
	resp, page = get(t, leader, e.ts.URL+"/office/chuyen-doi-so/app_installs_counted?nam=2021&limit=20")
	if resp.StatusCode != 200 {
		t.Fatalf("installs page: %d", resp.StatusCode)
	}
	if !strings.Contains(page, `<svg class="chart"`) || !strings.Contains(page, "<title id=\"xu-huong-t\">Lượt cài đặt ứng dụng đếm được") ||
		!strings.Contains(page, `id="t-trend"`) {
		t.Fatal("no trend chart with its title and table")
	}
	if n := strings.Count(regexp.MustCompile(`(?s)<table id="t-rows">.*?</table>`).FindString(page), "<tr>"); n != 21 {
		t.Fatalf("%d rows on the first page", n-1)
	}
	if !strings.Contains(page, "offset=20") || !strings.Contains(byID(t, page, "dx-rows-total"), strconv.Itoa(demo.DemoInstalls)+" dòng") {
		t.Fatalf("no pager, or total %q", byID(t, page, "dx-rows-total"))
	}
	// A target draws its line; the denominator of a ratio lists its own rows.
	resp, page = get(t, leader, e.ts.URL+"/office/chuyen-doi-so/accounts_per_household?nam=2021&phan=mau-so")
	if resp.StatusCode != 200 || !strings.Contains(page, `class="target"`) || !strings.Contains(page, "Mẫu số") ||
		!strings.Contains(byID(t, page, "dx-rows-total"), "12 dòng") || !strings.Contains(page, "Thôn") {
		t.Fatalf("accounts' denominator: %d %q", resp.StatusCode, byID(t, page, "dx-rows-total"))
	}
	if resp, _ := get(t, leader, e.ts.URL+"/office/chuyen-doi-so/nope"); resp.StatusCode != 404 {
		t.Fatalf("an unknown indicator: %d", resp.StatusCode)
	}
	// A manual indicator: its trend, no rows.
	if resp, page := get(t, leader, e.ts.URL+"/office/chuyen-doi-so/app_installs?nam=2021"); resp.StatusCode != 200 || strings.Contains(page, `id="t-rows"`) ||
		!strings.Contains(page, "1.200") {
		t.Fatalf("a manual indicator's page: %d", resp.StatusCode)
	}
}
