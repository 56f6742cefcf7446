package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/xaso-vn/xaso/internal/demo"
)

// The leader's statistics page shows the demo commune's 2021 as the pilot reported it:
// 2,094 dossiers received, 547 online (26.1%), 43.9% resolved early, 56.1% on time, none
// late — in the summary, in the charts' text alternatives and in their tables.
func TestStatsPageDemo2021(t *testing.T) {
	e := newEnvWith(t, demo.Options{History: true})
	leader, _ := e.login(t, "lanhdao", demo.Password)
	resp, page := get(t, leader, e.ts.URL+"/office/thong-ke?unit="+demo.CommuneCode+"&from=2021-01-01&to=2021-12-31")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d\n%s", resp.StatusCode, page)
	}
	if got := textAt(t, page, "a[aria-current=page]"); got != "Thống kê" {
		t.Errorf("current tab = %q", got)
	}
	for sel, want := range map[string]string{
		"#stat-received":     "2.094",
		"#stat-online-rate":  "26,1%",
		"#stat-early-rate":   "43,9%",
		"#stat-on-time-rate": "56,1%",
		"#stat-late":         "0 (0,0%)",
	} {
		if got := textAt(t, page, sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	rows := func(table string) map[string]string { return tableRows(t, page, table) }
	received := rows("t-tiep-nhan")
	if received["Trực tuyến"] != "547 | 26,1%" || received["Trực tiếp"] != "1.547 | 73,9%" {
		t.Errorf("received table: %v", received)
	}
	resolved := rows("t-da-giai-quyet")
	if resolved["Trước hạn"] != "919 | 43,9%" || resolved["Đúng hạn"] != "1.175 | 56,1%" || resolved["Quá hạn"] != "0 | 0,0%" {
		t.Errorf("resolved table: %v", resolved)
	}
	// Each chart is an image with a title and a text alternative carrying the figures.
	svgs := all(t, page, "svg[role=img]")
	if len(svgs) < 4 {
		t.Fatalf("%d charts, want at least 4 (received, resolved, in progress, index trend)", len(svgs))
	}
	descs := []string{}
	for _, d := range all(t, page, "desc") {
		descs = append(descs, textOf(d))
	}
	joined := strings.Join(descs, "\n")
	for _, want := range []string{"Trực tuyến: 547 (26,1%)", "Trước hạn: 919 (43,9%)", "Đúng hạn: 1.175 (56,1%)", "Quá hạn: 0 (0,0%)", "12/2021: "} {
		if !strings.Contains(joined, want) {
			t.Errorf("no chart describes %q:\n%s", want, joined)
		}
	}
	// The Decision 766 section: the online-dossiers indicator with its inputs, what xaso
	// cannot compute marked so, and a row per month of the trend.
	index := rows("t-766")
	var online string
	for k, v := range index {
		if strings.Contains(k, "Hồ sơ nộp trực tuyến") {
			online = v
		}
	}
	if !strings.HasPrefix(online, "547 / 2.094 | 26,12% | ") {
		t.Errorf("index row of online dossiers = %q", online)
	}
	if textAt(t, page, "#stats-period") != "Xã Yên Từ, từ ngày 01/01/2021 đến ngày 31/12/2021" {
		t.Errorf("period line = %q", textAt(t, page, "#stats-period"))
	}
	if !has(t, page, "td[data-label=Chưa tính được]") || !strings.Contains(page, ">chưa có kết nối đồng bộ với Cổng Dịch vụ công quốc gia<") {
		t.Error("an indicator xaso cannot compute is not shown as such")
	}
	// Indicator 2.2: each procedure's average in its own unit, beside its legal limit.
	times := rows("t-766-times")
	if len(times) == 0 {
		t.Error("no average time per procedure")
	}
	for name, v := range times {
		cells := strings.Split(v, " | ")
		if len(cells) != 3 || !(strings.HasSuffix(cells[1], " giờ làm việc") || strings.Contains(cells[1], " ngày")) ||
			!strings.HasSuffix(cells[2], strings.TrimLeft(cells[1], "0123456789,")) {
			t.Errorf("average time of %s = %q", name, v)
		}
		if name == "Thủ tục đăng ký hoạt động tín ngưỡng" && v != "105 | 10,18 ngày | 15 ngày" {
			t.Errorf("average time of a calendar-day procedure = %q", v)
		}
	}
	if n := len(rows("t-766-months")); n != 12 {
		t.Errorf("%d months in the trend table, want 12", n)
	}
	// Earned, computable and the whole index's 100 are shown apart.
	if got := textAt(t, page, "#index-total"); !strings.Contains(got, "Điểm đạt") || !strings.HasSuffix(got, "Tối đa của Bộ chỉ số100") {
		t.Errorf("index totals = %q", got)
	}
	// The exports carry the same period and answer.
	for _, format := range []string{"xlsx", "csv", "pdf"} {
		href := "/api/v1/reports/one-stop?format=" + format + "&from=2021-01-01&to=2021-12-31&unit=" + demo.CommuneCode
		if !has(t, page, "a[href="+href+"]") {
			t.Errorf("no export link %s", href)
		}
	}
	resp, body := get(t, leader, e.ts.URL+"/api/v1/reports/one-stop?format=csv&from=2021-01-01&to=2021-12-31&unit="+demo.CommuneCode)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][2] != "2094" || recs[1][3] != "547" || recs[1][len(recs[1])-4] != "26.1" {
		t.Errorf("CSV = %v, %v", recs, err)
	}
	resp, body = get(t, leader, e.ts.URL+"/api/v1/reports/one-stop?format=pdf&from=2021-01-01&to=2021-12-31&unit="+demo.CommuneCode)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix([]byte(body), []byte("%PDF-")) {
		t.Errorf("PDF: %d %s %.10q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestStatsPageBreakdownAndBadInput(t *testing.T) {
	e := newEnvWith(t, demo.Options{History: true})
	leader, _ := e.login(t, "lanhdao", demo.Password)
	base := e.ts.URL + "/office/thong-ke?unit=" + demo.CommuneCode
	resp, page := get(t, leader, base+"&from=2021-01-01&to=2021-12-31&by=channel")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("by channel: %d", resp.StatusCode)
	}
	if got := tableRows(t, page, "t-groups")["Tổng cộng"]; !strings.HasPrefix(got, "2.094 | 26,1% | 2.094 | 919 | 1.175 | 0 |") {
		t.Errorf("totals row = %q", got)
	}
	if !has(t, page, "svg[aria-labelledby=theo-nhom-t theo-nhom-d]") {
		t.Error("no chart of the breakdown")
	}
	for _, tc := range []struct {
		query  string
		status int
		msg    string
	}{
		{"?unit=" + demo.CommuneCode + "&from=2021-13-01&to=2021-12-31", http.StatusUnprocessableEntity, "Kỳ báo cáo không hợp lệ"},
		{"?unit=" + demo.CommuneCode + "&from=2021-12-31&to=2021-01-01", http.StatusUnprocessableEntity, "ngày đầu không được sau ngày cuối"},
		{"?unit=" + demo.CommuneCode + "&from=2021-01-01&to=2021-12-31&by=village", http.StatusUnprocessableEntity, "Tham số by phải là"},
		{"?unit=99999&from=2021-01-01&to=2021-12-31", http.StatusNotFound, "Không tìm thấy đơn vị"},
	} {
		resp, page := get(t, leader, e.ts.URL+"/office/thong-ke"+tc.query)
		if resp.StatusCode != tc.status || !strings.Contains(textAt(t, page, "p.error"), tc.msg) {
			t.Errorf("%s: %d, error %q; want %d and %q", tc.query, resp.StatusCode, textAt(t, page, "p.error"), tc.status, tc.msg)
		}
		if !has(t, page, "form.stats-form") {
			t.Errorf("%s: the form is not shown again", tc.query)
		}
	}
	// No period: this year, with the presets.
	resp, page = get(t, leader, base)
	if resp.StatusCode != http.StatusOK || len(all(t, page, "ul.presets")) != 1 || len(all(t, page, "li")) < 4 {
		t.Errorf("default period: %d", resp.StatusCode)
	}
	// A province's user may look at each commune of the province.
	admin, _ := e.login(t, "admin", demo.Password)
	if resp, _ := get(t, admin, base+"&from=2021-01-01&to=2021-12-31"); resp.StatusCode != http.StatusOK {
		t.Errorf("system administrator: %d", resp.StatusCode)
	}
}

// isIn reports whether n lies inside the element with the id.
func isIn(n *html.Node, id string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if v, _ := attr(p, "id"); v == id {
			return true
		}
	}
	return false
}

// tableRows returns the body rows of the table with the id: first cell → the others,
// joined with " | ".
func tableRows(t *testing.T, page, table string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tr := range all(t, page, "tr") {
		if !isIn(tr, table) || tr.Parent.Data != "tbody" {
			continue
		}
		cells := []string{}
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				cells = append(cells, textOf(c))
			}
		}
		if len(cells) > 1 {
			out[cells[0]] = strings.Join(cells[1:], " | ")
		}
	}
	return out
}
