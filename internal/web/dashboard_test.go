package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The leader lands on the dashboard: the overdue dossiers counted from the open ones,
// by step and by whose turn it is, the monthly chart with its text alternative, the
// comparison with last month, and the 766 index.
func TestLeaderDashboard(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, _ := e.login(t, "lanhdao", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/office/tong-quan")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", resp.StatusCode)
	}
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	open, err := e.st.OpenDossiers(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	overdue, bySupplement := 0, 0
	for _, d := range open {
		due := d.DueAt
		if !d.ExtendedDueAt.IsZero() {
			due = d.ExtendedDueAt
		}
		if due.Before(time.Now()) {
			overdue++
			if d.Status == dossier.StatusSupplementRequested {
				bySupplement++
			}
		}
	}
	if overdue == 0 {
		t.Fatal("the demo has an overdue dossier (Dương Văn Tú's)")
	}
	if got := textAt(t, page, "#overdue-now"); got != strconv.Itoa(overdue) {
		t.Errorf("overdue now %q, want %d", got, overdue)
	}
	// Each table's rows add up to the overdue count.
	for _, table := range []string{"#t-by-step", "#t-by-officer"} {
		sum := 0
		for _, td := range all(t, page, table+" tbody td") {
			n, err := strconv.Atoi(textOf(td))
			if err != nil {
				t.Fatalf("%s: %q", table, textOf(td))
			}
			sum += n
		}
		if sum != overdue {
			t.Errorf("%s adds up to %d, want %d", table, sum, overdue)
		}
	}
	// Dương Văn Tú's dossier waits at the specialist's step: its specialist is named.
	if got := textAt(t, page, "#t-by-officer tbody"); !strings.Contains(got, "Lê Văn Cường — chuyên viên") {
		t.Errorf("by officer: %q", got)
	}
	// Assigned by name, it is counted on its assignee.
	specialist, err := e.st.UserByUsername(ctx, "chuyenvien")
	if err != nil {
		t.Fatal(err)
	}
	assigned := 0
	for _, d := range open {
		due := d.DueAt
		if !d.ExtendedDueAt.IsZero() {
			due = d.ExtendedDueAt
		}
		if !due.Before(time.Now()) || d.Status == dossier.StatusSupplementRequested {
			continue
		}
		_, err := e.srv.Dossiers.Assign(ctx, d.Code, dossier.AssignRequest{UserID: specialist.ID, Actor: dossier.Actor{P: principalOf(t, e, "lanhdao")}})
		if errors.Is(err, dossier.ErrAssigneeRole) {
			continue // a step of another role
		} else if err != nil {
			t.Fatal(err)
		}
		assigned++
	}
	if assigned == 0 {
		t.Fatal("no overdue dossier waits at the specialist's step")
	}
	_, page = get(t, c, e.ts.URL+"/office/tong-quan")
	want := "Lê Văn Cường — được giao" + strconv.Itoa(assigned)
	if got := textAt(t, page, "#t-by-officer tbody"); !strings.Contains(strings.ReplaceAll(got, " ", ""), strings.ReplaceAll(want, " ", "")) {
		t.Errorf("by officer after the assignment: %q, want %q", got, want)
	}
	// The chart: an image with a title and every month's figures in words, and the same
	// twelve months in the table.
	svg := one(t, page, "svg[aria-labelledby='theo-thang-t theo-thang-d']")
	if role, _ := attr(svg, "role"); role != "img" {
		t.Errorf("chart role %q", role)
	}
	desc := textAt(t, page, "desc#theo-thang-d")
	month := locale.Day(time.Now())[3:]
	if !strings.Contains(desc, month+": tiếp nhận ") || strings.Count(desc, "đã giải quyết") != 12 {
		t.Errorf("chart text: %q", desc)
	}
	if rows := all(t, page, "#t-months tbody tr"); len(rows) != 12 {
		t.Errorf("%d months in the table", len(rows))
	}
	// This month's received count is the report's.
	first := time.Now().In(locale.Zone)
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, locale.Zone)
	ds, err := e.st.ReceivedBetween(ctx, u.ID, calendar.DateOf(first), calendar.DateOf(time.Now()), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if got := textOf(all(t, page, "#t-compare tbody tr:first-child td")[0]); !strings.HasPrefix(got, strconv.Itoa(len(ds))+" (") {
		t.Errorf("this month received: %q, want %d (counter and online received this month)", got, len(ds))
	}
	if !has(t, page, "#index-766") || !strings.Contains(textAt(t, page, "#h-766"), "766") {
		t.Error("no 766 index")
	}
}

// Every link of a role's office menu opens (no page a reader may not open), and a
// refusal's page knows who is logged in.
func TestMenuOffersOnlyWhatOpens(t *testing.T) {
	e := newEnv(t)
	for _, u := range demo.Users {
		t.Run(u.Username, func(t *testing.T) {
			c, resp := e.login(t, u.Username, demo.Password)
			_, page := get(t, c, e.ts.URL+resp.Header.Get("Location"))
			links := all(t, page, "nav[aria-label='Chức năng'] a")
			// The volunteer and the health station's staff are not officials: no menu.
			office := u.Role != "citizen" && u.Role != "digital_team" && u.Role != "health"
			if office != (len(links) > 0) {
				t.Fatalf("%d menu links", len(links))
			}
			for _, a := range links {
				href, _ := attr(a, "href")
				if r, _ := get(t, c, e.ts.URL+href); r.StatusCode != http.StatusOK {
					t.Errorf("menu link %s (%s): %d", href, textOf(a), r.StatusCode)
				}
			}
			if office != has(t, page, "form.quick-search") {
				t.Errorf("quick search shown: %v", !office)
			}
		})
	}
	c, _ := e.login(t, "congdan", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/office")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a citizen at /office: %d", resp.StatusCode)
	}
	if nav := textAt(t, page, "nav[aria-label='Tài khoản']"); strings.Contains(nav, "Đăng nhập") || !strings.Contains(nav, "Nguyễn Văn An") {
		t.Errorf("the refusal's header: %q", nav)
	}
}

// The office's search page finds by folded name, CCCD and code, draws a bad day at its
// field, and pages by the key.
func TestSearchPage(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "motcua", demo.Password)
	search := func(q url.Values) (int, string) {
		r, page := get(t, c, e.ts.URL+"/office/dossiers?"+q.Encode())
		return r.StatusCode, page
	}
	status, page := search(url.Values{"q": {"duong van tu"}})
	if status != http.StatusOK {
		t.Fatalf("search: %d", status)
	}
	rows := all(t, page, "table tbody tr")
	if len(rows) != 1 || !strings.Contains(textOf(rows[0]), "Dương Văn Tú") || textAt(t, page, "#ket-qua") != "Tìm thấy 1 hồ sơ" {
		t.Fatalf("by name: %d rows, %q", len(rows), textAt(t, page, "#ket-qua"))
	}
	code := textOf(one(t, page, "table tbody td.key a"))
	if _, page = search(url.Values{"q": {strings.ToLower(code)}}); textAt(t, page, "table tbody td.key a") != code {
		t.Errorf("by code: %q", textAt(t, page, "table tbody"))
	}
	// Every demo dossier has the same CCCD: all of them, newest first, a page at a time.
	_, page = search(url.Values{"q": {"037 085 001 234"}})
	total, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(textAt(t, page, "#ket-qua"), "Tìm thấy "), " hồ sơ"))
	if total < 13 {
		t.Fatalf("by CCCD: %q", textAt(t, page, "#ket-qua"))
	}
	seen := map[string]bool{}
	for page != "" {
		for _, a := range all(t, page, "table tbody td.key a") {
			if seen[textOf(a)] {
				t.Fatalf("%s twice", textOf(a))
			}
			seen[textOf(a)] = true
		}
		next := ""
		for _, a := range all(t, page, "nav.pager a") {
			if textOf(a) == "Trang sau →" {
				next, _ = attr(a, "href")
			}
		}
		if next == "" {
			break
		}
		_, page = get(t, c, e.ts.URL+next)
	}
	if len(seen) != total {
		t.Errorf("%d dossiers over the pages, total %d", len(seen), total)
	}
	// A day typed as on paper is read; a day that is none is drawn at its field.
	if status, page = search(url.Values{"q": {"duong van tu"}, "from": {"1/1/2000"}}); status != http.StatusOK || len(all(t, page, "table tbody tr")) != 1 {
		t.Errorf("a day typed dd/mm/yyyy: %d", status)
	}
	status, page = search(url.Values{"from": {"31/02/2026x"}})
	if status != http.StatusUnprocessableEntity || attrAt(t, page, "#s-from", "aria-invalid") != "true" || !has(t, page, "#s-from-error") {
		t.Errorf("a bad day: %d", status)
	}
	// Nothing found says so; the volunteer and the citizen have no office search.
	if _, page = search(url.Values{"q": {"zzqx khong co ai"}}); textAt(t, page, "#ket-qua") != "Không tìm thấy hồ sơ nào" {
		t.Errorf("nobody: %q", textAt(t, page, "#ket-qua"))
	}
	for _, who := range []string{"tocongnghe", "congdan"} {
		c, _ := e.login(t, who, demo.Password)
		if r, _ := get(t, c, e.ts.URL+"/office/dossiers?q=an"); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", who, r.StatusCode)
		}
	}
}
