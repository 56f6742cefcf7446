package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
)

// The administrator writes an announcement for one village; it is not on the portal
// until the leader publishes it; then the home page, the list and its own page show it;
// four published, the home page shows the latest three; withdrawn, it is gone. Bad
// input comes back on the form with its message.
func TestAnnouncementPages(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.login(t, "quantri", demo.Password)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	anon := e.client()
	ctx := context.Background()
	commune, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	villages, err := e.st.Villages(ctx, commune.ID)
	if err != nil || len(villages) == 0 {
		t.Fatal(villages, err)
	}
	today := calendar.DateOf(time.Now())

	resp, page := get(t, admin, e.ts.URL+"/office/thong-bao")
	if resp.StatusCode != http.StatusOK || text(t, page, "h1") != "Thông báo" || has(t, page, `form[action$="/dang"]`) {
		t.Fatalf("office page: %d %s", resp.StatusCode, page)
	}
	if !strings.Contains(page, `href="/office/thong-bao"`) {
		t.Error("no menu entry for the announcements")
	}
	resp, page = post(t, admin, e.ts.URL+"/office/thong-bao", url.Values{"title": {"Họp dân"}, "body": {"Nội dung"},
		"from": {today.String()}, "to": {today.AddDays(-1).String()}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textOf(one(t, page, "#announcement-error")), "Ngày hiệu lực") {
		t.Fatalf("dates backwards: %d", resp.StatusCode)
	}
	if attrAt(t, page, "#tb-title", "value") != "Họp dân" {
		t.Error("the form lost its title")
	}
	// The longest text is taken; one letter more is refused in words.
	long := url.Values{"title": {"Dài"}, "body": {strings.Repeat("ở", 10000)}, "from": {today.String()}, "to": {today.String()}}
	if resp, _ := post(t, admin, e.ts.URL+"/office/thong-bao", long); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("10,000 letters: %d", resp.StatusCode)
	}
	long.Set("body", strings.Repeat("ở", 10001))
	resp, page = post(t, admin, e.ts.URL+"/office/thong-bao", long)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textOf(one(t, page, "#announcement-error")), "10.000 ký tự") {
		t.Fatalf("10,001 letters: %d", resp.StatusCode)
	}
	write := func(title string, villages ...string) int64 {
		t.Helper()
		resp, _ := post(t, admin, e.ts.URL+"/office/thong-bao", url.Values{"title": {title}, "body": {"Đoạn một.\n\nĐoạn hai."},
			"from": {today.AddDays(-1).String()}, "to": {today.AddDays(3).String()}, "village": villages})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("write %s: %d", title, resp.StatusCode)
		}
		all, err := e.st.Announcements(ctx, commune.ID)
		if err != nil || all[0].Title != title {
			t.Fatalf("stored: %+v, %v", all, err)
		}
		return all[0].ID
	}
	first := write("Tiêm phòng dại cho chó, mèo", strconv.FormatInt(villages[0].ID, 10))
	id := strconv.FormatInt(first, 10)
	if resp, _ := get(t, anon, e.ts.URL+"/thong-bao/"+id); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a draft's page: %d", resp.StatusCode)
	}
	// The administrator may not publish; the leader does.
	if resp, _ := post(t, admin, e.ts.URL+"/office/thong-bao/"+id+"/dang", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the administrator publishes: %d", resp.StatusCode)
	}
	_, page = get(t, leader, e.ts.URL+"/office/thong-bao")
	if !has(t, page, `form[action="/office/thong-bao/`+id+`/dang"]`) {
		t.Fatal("no publish button for the leader")
	}
	if resp, _ := post(t, leader, e.ts.URL+"/office/thong-bao/"+id+"/dang", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.StatusCode)
	}
	resp, page = get(t, anon, e.ts.URL+"/thong-bao/"+id)
	if resp.StatusCode != http.StatusOK || text(t, page, "h1") != "Tiêm phòng dại cho chó, mèo" || len(all(t, page, "article p.prewrap")) != 2 ||
		!strings.Contains(page, villages[0].Name) {
		t.Fatalf("public page: %d %s", resp.StatusCode, page)
	}
	for _, title := range []string{"Thu gom rác", "Lịch cắt điện", "Họp dân thôn"} {
		if resp, _ := post(t, leader, e.ts.URL+"/office/thong-bao/"+strconv.FormatInt(write(title), 10)+"/dang", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish %s: %d", title, resp.StatusCode)
		}
	}
	_, page = get(t, anon, e.ts.URL+"/")
	items := all(t, page, "ul.announcements li")
	if len(items) != 3 || !strings.Contains(textOf(items[0]), "Họp dân thôn") || strings.Contains(page, "Tiêm phòng dại") ||
		!has(t, page, `a[href="/thong-bao"]`) {
		t.Fatalf("home page shows %d announcements: %s", len(items), page)
	}
	_, page = get(t, anon, e.ts.URL+"/thong-bao")
	if items := all(t, page, "ul.announcements li"); len(items) != 4 || !strings.Contains(textOf(items[3]), "Tiêm phòng dại") {
		t.Fatalf("list shows %d", len(items))
	}
	// A village's people: the commune's and their own village's.
	for thon, want := range map[string]int{strconv.FormatInt(villages[0].ID, 10): 4, strconv.FormatInt(villages[1].ID, 10): 3, "x": 4, "999999": 4} {
		_, page = get(t, anon, e.ts.URL+"/thong-bao?thon="+thon)
		if items := all(t, page, "ul.announcements li"); len(items) != want {
			t.Errorf("thon=%s: %d announcements, want %d", thon, len(items), want)
		}
	}
	if resp, _ := post(t, admin, e.ts.URL+"/office/thong-bao/"+id+"/go", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if resp, _ := get(t, anon, e.ts.URL+"/thong-bao/"+id); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a withdrawn one's page: %d", resp.StatusCode)
	}
	if resp, _ := get(t, anon, e.ts.URL+"/thong-bao/abc"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a bad id: %d", resp.StatusCode)
	}
	// Read aloud without a cluster: refused on the page, in words.
	resp, page = post(t, admin, e.ts.URL+"/office/thong-bao/"+strconv.FormatInt(first+1, 10)+"/doc-tren-loa",
		url.Values{"at": {time.Now().Add(time.Hour).Format("2006-01-02T15:04")}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textOf(one(t, page, "#announcement-error")), "Chưa tạo được bản tin") {
		t.Fatalf("read aloud without a cluster: %d", resp.StatusCode)
	}
}
