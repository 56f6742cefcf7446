package web_test

import (
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/web"
	"github.com/xaso-vn/xaso/internal/webtest"
	"github.com/xaso-vn/xaso/internal/workcal"
)

type env struct {
	srv *web.Server
	ts  *httptest.Server
	st  *store.Store
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, demo.Options{})
}

// newEnvWith loads more of the demo (its 2021 history for the statistics).
func newEnvWith(t testing.TB, opt demo.Options) *env {
	t.Helper()
	srv, st := webtest.NewWith(t, opt)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{srv: srv, ts: ts, st: st}
}

// client does not follow redirects, so tests see them.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) login(t testing.TB, username, password string) (*http.Client, *http.Response) {
	t.Helper()
	c := e.client()
	resp, err := c.PostForm(e.ts.URL+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return c, resp
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// text returns the text of the first element matching tag (and id, when given).
func text(t *testing.T, page, tag string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == tag {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		t.Fatalf("no <%s> in page", tag)
	}
	var b strings.Builder
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c)
		}
	}
	collect(found)
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestEachRoleLandsOnItsHome(t *testing.T) {
	e := newEnv(t)
	want := map[auth.Role]struct{ path, h1 string }{
		auth.RoleSystemAdmin: {"/admin", "Quản trị"},
		auth.RoleUnitAdmin:   {"/admin", "Quản trị"},
		auth.RoleCounter:     {"/office", "Trang làm việc"},
		auth.RoleSpecialist:  {"/office", "Trang làm việc"},
		auth.RoleLeader:      {"/office/tong-quan", "Tổng quan"},
		auth.RoleClerk:       {"/office", "Trang làm việc"},
		auth.RoleAccountant:  {"/office/payments", "Thu phí, lệ phí"}, // the queue of money not in or not matched
		auth.RoleCulture:     {"/office/truyen-thanh", "Truyền thanh cơ sở"},
		auth.RoleHealth:      {"/tram-y-te", "Trạm y tế: khám từ xa"},     // the station's staff: tele-health only
		auth.RoleDigitalTeam: {"/cong-dong", "Tổ công nghệ số cộng đồng"}, // a volunteer, not an official: their village's page
		auth.RoleCitizen:     {"/account", "Xin chào, Nguyễn Văn An"},
	}
	for _, u := range demo.Users {
		t.Run(u.Username, func(t *testing.T) {
			c, resp := e.login(t, u.Username, demo.Password)
			w := want[u.Role]
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != w.path {
				t.Fatalf("login: %d → %q, want 303 → %s", resp.StatusCode, resp.Header.Get("Location"), w.path)
			}
			r, page := get(t, c, e.ts.URL+w.path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", w.path, r.StatusCode)
			}
			if got := text(t, page, "h1"); got != w.h1 {
				t.Errorf("h1 = %q, want %q", got, w.h1)
			}
		})
	}
}

// officials are the roles of the commune's officials, spelled out here rather than taken
// from auth.OfficeRoles, so that the matrix does not follow the production list: the
// volunteer of the digital team (tocongnghe) is not one, and the matrix checks that for
// every route.
var officials = []auth.Role{auth.RoleCounter, auth.RoleSpecialist, auth.RoleLeader, auth.RoleClerk, auth.RoleAccountant,
	auth.RoleCulture, auth.RoleUnitAdmin, auth.RoleSystemAdmin}

// access is what the matrix expects of a route: "public", "user" (any logged-in user) or
// a list of roles. It is written here independently of the route table, so changing a
// route's rule without changing this table fails the test.
var access = map[string][]auth.Role{
	// Official documents (docs/DOCUMENTS.md); unit-level rules are the service's.
	"GET /office/documents":                        {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"POST /office/documents/incoming":              {auth.RoleClerk},
	"POST /office/documents/outgoing":              {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader},
	"GET /office/documents/{id}":                   {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /office/documents/{id}/pdf":               {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /office/documents/{id}/files/{n}":         {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"POST /office/documents/{id}/actions/{action}": {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	// The official mailbox: the clerk's alone.
	"GET /office/mail":                {auth.RoleClerk},
	"GET /office/mail/{id}":           {auth.RoleClerk},
	"GET /office/mail/{id}/files/{n}": {auth.RoleClerk},
	"POST /office/mail/{id}/register": {auth.RoleClerk},
	"POST /office/mail/{id}/dismiss":  {auth.RoleClerk},
	"GET /{$}":                        nil,
	"GET /login":                      nil,
	"GET /cong-khai":                  nil,
	"GET /xac-thuc":                   nil,
	"POST /xac-thuc":                  nil,
	"POST /login":                     nil,
	"POST /logout":                    nil,
	"GET /static/{name}":              nil,
	"GET /healthz":                    nil,
	"GET /metrics":                    nil,
	// The installable app (pwa.go): the same for everyone, no session.
	"GET /manifest.webmanifest": nil,
	"GET /sw.js":                nil,
	"GET /icons/{name}":         nil,
	"GET /ngoai-tuyen":          nil,
	"GET /account":              {"user"},
	"GET /account/password":     {"user"},
	"POST /account/password":    {"user"},
	// A citizen gives and takes back their consent to a volunteer; the handlers act
	// only on the caller's own consents (volunteer_test.go).
	"POST /account/consents":             {"user"},
	"GET /account/thong-bao":             {"user"},
	"POST /account/thong-bao":            {"user"},
	"POST /account/consents/{id}/revoke": {"user"},
	"GET /thu-tuc":                       nil,
	"GET /thu-tuc/{code}":                nil,
	"GET /nop-ho-so/{code}":              {"user"},
	"POST /nop-ho-so/{code}":             {"user"},
	"GET /ho-so-da-nop/{code}":           {"user"},
	"GET /tra-cuu":                       nil,
	"GET /tra-cuu/{code}":                nil,
	// The applicant's actions are open to whoever holds the dossier's secret (or owns
	// it): their handlers check that, tested in citizen_test.go.
	"GET /tra-cuu/{code}/tep/{id}":            nil,
	"POST /tra-cuu/{code}/bo-sung":            nil,
	"POST /tra-cuu/{code}/hanh-dong/{action}": nil,
	"POST /tra-cuu/{code}/danh-gia":           nil,
	// Feedback and the survey on the look-up page: the secret or the owner, checked by
	// the handlers (feedback_test.go); about the service, logged-in users.
	"POST /tra-cuu/{code}/phan-anh":                 nil,
	"POST /tra-cuu/{code}/phan-anh/{id}":            nil,
	"POST /tra-cuu/{code}/khao-sat":                 nil,
	"GET /phan-anh":                                 {"user"},
	"POST /phan-anh":                                {"user"},
	"GET /office/feedback":                          officials,
	"GET /office/feedback/{id}":                     officials,
	"POST /office/feedback/{id}/assign":             {auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleCounter},
	"POST /office/feedback/{id}/answer":             officials,
	"GET /office":                                   officials,
	"GET /office/receive":                           {auth.RoleCounter, auth.RoleSystemAdmin},
	"POST /office/receive":                          {auth.RoleCounter, auth.RoleSystemAdmin},
	"GET /office/dossiers":                          officials,
	"GET /office/dossiers/{code}":                   officials,
	"POST /office/dossiers/{code}/actions/{action}": officials,
	"POST /office/dossiers/{code}/assign":           {auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /office/uy-quyen":                          officials,
	"POST /office/uy-quyen":                         officials,
	"POST /office/uy-quyen/{id}/end":                officials,
	"POST /office/dossiers/{code}/files":            officials,
	"POST /office/dossiers/{code}/sign":             officials,
	"GET /office/tong-quan":                         {auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter, auth.RoleClerk},
	"POST /office/dossiers/{code}/fees":             auth.OfficeRoles,
	"POST /office/dossiers/{code}/fees/{ref}/{op}":  auth.OfficeRoles,
	"GET /office/thong-ke":                          {auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter, auth.RoleClerk},
	"GET /office/payments":                          {auth.RoleAccountant, auth.RoleUnitAdmin},
	"GET /office/certifications":                    certReaders,
	"POST /office/certifications":                   {auth.RoleCounter},
	"GET /office/certifications/{id}":               certReaders,
	"GET /office/certifications/reconciliation":     certReaders,
	"POST /office/payments/{reference}/{action}":    {auth.RoleAccountant},
	"POST /office/payments/transfers/{id}":          {auth.RoleAccountant},
	"GET /admin/payments":                           auth.AdminRoles,
	"POST /admin/payments/account":                  auth.AdminRoles,
	"POST /admin/payments/secret":                   auth.AdminRoles,
	"POST /admin/payments/receipts":                 auth.AdminRoles,
	"POST /admin/payments/receipt-key":              auth.AdminRoles,
	"GET /admin":                                    auth.AdminRoles,
	"GET /admin/audit":                              auth.AdminRoles,
	"POST /admin/contact":                           auth.AdminRoles,
	"GET /admin/users/new":                          auth.AdminRoles,
	"POST /admin/users":                             auth.AdminRoles,
	"GET /admin/users/{id}":                         auth.AdminRoles,
	"POST /admin/users/{id}/roles":                  auth.AdminRoles,
	"POST /admin/users/{id}/password":               auth.AdminRoles,
	"POST /admin/users/{id}/disable":                auth.AdminRoles,
	"POST /admin/users/{id}/enable":                 auth.AdminRoles,
	"POST /admin/users/{id}/keys":                   auth.AdminRoles,
	"POST /admin/users/{id}/keys/withdraw":          auth.AdminRoles,
	"GET /admin/procedures":                         auth.AdminRoles,
	"POST /admin/procedures":                        auth.AdminRoles,
	"POST /admin/procedures/import":                 auth.AdminRoles,
	"GET /admin/procedures/new":                     auth.AdminRoles,
	"GET /admin/procedures/{code}/edit":             auth.AdminRoles,
	"POST /admin/procedures/{code}":                 auth.AdminRoles,
	"POST /admin/procedures/{code}/publish":         auth.AdminRoles,
	"GET /admin/procedures/{code}/versions":         auth.AdminRoles,
	"GET /admin/signing":                            auth.AdminRoles,
	"POST /admin/signing/anchors":                   {auth.RoleSystemAdmin},
	"POST /admin/signing/anchors/{sha}/delete":      {auth.RoleSystemAdmin},
	"GET /admin/calendar":                           auth.AdminRoles,
	"POST /admin/calendar/decisions":                auth.AdminRoles,
	"POST /admin/calendar/decisions/{id}/delete":    auth.AdminRoles,
	"POST /admin/calendar/hours":                    auth.AdminRoles,
	"POST /admin/calendar/moves":                    auth.AdminRoles,
	// The unit's settings (the desk's name): its own administrators, checked in the
	// handlers as the calendar's are.
	"GET /admin/unit":       auth.AdminRoles,
	"GET /admin/thong-bao":  auth.AdminRoles,
	"POST /admin/thong-bao": auth.AdminRoles,
	// The floor's set-up (groups, desks, kiosks): the unit's administrators.
	"GET /admin/quay":         auth.AdminRoles,
	"POST /admin/quay/groups": auth.AdminRoles,
	"POST /admin/quay/desks":  auth.AdminRoles,
	"POST /admin/quay/kiosks": auth.AdminRoles,
	"POST /admin/unit":        auth.AdminRoles,
}

var paramRE = regexp.MustCompile(`\{(\w+)(\.\.\.)?\}|\{\$\}`)

func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	clients := map[string]*http.Client{"anonymous": e.client()}
	roles := map[string]auth.Role{}
	for _, u := range demo.Users {
		c, resp := e.login(t, u.Username, demo.Password)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", u.Username, resp.StatusCode)
		}
		clients[u.Username], roles[u.Username] = c, u.Role
	}
	commune, err := e.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	routes := e.srv.Routes()
	// Logging out ends the clients' sessions: test it last.
	slices.SortStableFunc(routes, func(a, b httpx.Route) int {
		return cmp.Compare(boolInt(a.Pattern == "POST /logout"), boolInt(b.Pattern == "POST /logout"))
	})
	for _, rt := range routes {
		rule, ok := access[rt.Pattern]
		if !ok {
			rule, ok = apiAccess[rt.Pattern]
		}
		if !ok {
			rule, ok = floorAccess[rt.Pattern]
		}
		if !ok {
			rule, ok = broadcastAccess[rt.Pattern]
		}
		if !ok {
			rule, ok = accountsAccess[rt.Pattern]
		}
		if !ok {
			rule, ok = communityAccess[rt.Pattern]
		}
		if !ok {
			rule, ok = productAccess[rt.Pattern]
		}
		if !ok {
			rule, ok = qrformAccess[rt.Pattern]
		}
		if !ok {
			rule, ok = telehealthAccess[rt.Pattern]
		}
		if !ok {
			t.Errorf("route %q is not in the authorization matrix: add its expected access", rt.Pattern)
			continue
		}
		device := slices.Equal(rule, speakerOnly)
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = paramRE.ReplaceAllString(path, "x")
		if strings.HasPrefix(path, "/api/v1/audit") {
			path += "?chain=" + strconv.FormatInt(commune.ID, 10) // the unit administrator's own unit
		}
		for who, c := range clients {
			allowed := rule == nil || (who != "anonymous" && !device && (len(rule) == 1 && rule[0] == "user" ||
				roles[who] == auth.RoleSystemAdmin || containsRole(rule, roles[who])))
			req, _ := http.NewRequest(method, e.ts.URL+path, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			toLogin := resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
			denied := resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden || toLogin
			switch {
			case allowed && denied && !(rt.Pattern == "POST /login" && resp.StatusCode == http.StatusUnauthorized):
				t.Errorf("%s as %s: %d, want access", rt.Pattern, who, resp.StatusCode)
			case device:
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s as %s without a speaker's token: %d, want 401", rt.Pattern, who, resp.StatusCode)
				}
			case !allowed && who == "anonymous" && !(resp.StatusCode == http.StatusUnauthorized || toLogin):
				t.Errorf("%s as anonymous: %d, want 401 or a redirect to /login", rt.Pattern, resp.StatusCode)
			case !allowed && who != "anonymous" && resp.StatusCode != http.StatusForbidden:
				t.Errorf("%s as %s: %d, want 403", rt.Pattern, who, resp.StatusCode)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func containsRole(rs []auth.Role, r auth.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func TestLoginFailuresAreGenericAndThrottled(t *testing.T) {
	e := newEnv(t)
	_, page1 := postLogin(t, e, "motcua", "sai-mat-khau")
	_, page2 := postLogin(t, e, "khongco", "sai-mat-khau")
	if a, b := text(t, page1, "p"), text(t, page2, "p"); a != b || !strings.Contains(a, "không đúng") {
		t.Fatalf("messages differ or are wrong: %q vs %q", a, b)
	}
	var last *http.Response
	for range 6 {
		last, _ = postLogin(t, e, "motcua", "sai-mat-khau")
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after repeated failures: %d, want 429", last.StatusCode)
	}
	// The account is throttled, not the whole site: another account still logs in
	// (until the per-address limit, which is looser).
	if _, resp := e.login(t, "lanhdao", demo.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("other account: %d", resp.StatusCode)
	}
}

func postLogin(t *testing.T, e *env, user, pw string) (*http.Response, string) {
	t.Helper()
	resp, err := e.client().PostForm(e.ts.URL+"/login", url.Values{"username": {user}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestLoginRedirectsToNextAndLogout(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	resp, _ := get(t, c, e.ts.URL+"/admin/audit")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/login?next=%2Fadmin%2Faudit" {
		t.Fatalf("anonymous /admin/audit: %d %q", resp.StatusCode, loc)
	}
	resp, err := c.PostForm(e.ts.URL+"/login", url.Values{"username": {"quantri"}, "password": {demo.Password}, "next": {"/admin/audit"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/admin/audit" {
		t.Fatalf("after login → %q", loc)
	}
	for _, evil := range []string{"//evil.example", "https://evil.example", "/\\evil.example"} {
		resp, _ := e.client().PostForm(e.ts.URL+"/login", url.Values{"username": {"quantri"}, "password": {demo.Password}, "next": {evil}})
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "/admin" {
			t.Errorf("next=%q redirected to %q", evil, loc)
		}
	}
	resp, err = c.PostForm(e.ts.URL+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, e.ts.URL+"/admin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after logout /admin: %d, want a redirect to login", resp.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/login", strings.NewReader("username=motcua&password=xaso-demo"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := e.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", resp.StatusCode)
	}
}

func TestHeadersAndCompression(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for h, want := range map[string]string{
		"Content-Encoding":       "gzip",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("CSP = %q", resp.Header.Get("Content-Security-Policy"))
	}
	if len(resp.Header.Get("X-Request-Id")) < 8 {
		t.Error("no request id")
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if !strings.Contains(string(b), `lang="vi"`) || !strings.Contains(string(b), "Xã Yên Từ") {
		t.Fatalf("page: %.200s", b)
	}
}

func TestStaticCacheBusting(t *testing.T) {
	e := newEnv(t)
	_, page := get(t, e.client(), e.ts.URL+"/login")
	m := regexp.MustCompile(`href="(/static/app\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no versioned stylesheet link")
	}
	resp, css := get(t, e.client(), e.ts.URL+m[1])
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(css, ":root") {
		t.Fatalf("versioned css: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(t, e.client(), e.ts.URL+"/static/app.css?v=old"); resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version cached: %q", resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(t, e.client(), e.ts.URL+"/static/..%2fweb.go"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("traversal: %d", resp.StatusCode)
	}
}

func bearer(t *testing.T, e *env, user string) string {
	t.Helper()
	return webtest.Bearer(t, e.st, user)
}

func apiGet(t *testing.T, e *env, token, path string, into any) (int, httpx.Problem) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p httpx.Problem
	if resp.StatusCode >= 400 {
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s: error Content-Type %q", path, ct)
		}
		json.NewDecoder(resp.Body).Decode(&p)
		return resp.StatusCode, p
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return resp.StatusCode, p
}

func TestAPI(t *testing.T) {
	e := newEnv(t)
	tok := bearer(t, e, "motcua")

	var me struct {
		Username string `json:"username"`
		Units    []struct {
			Code  string   `json:"code"`
			Roles []string `json:"roles"`
		} `json:"units"`
	}
	if code, _ := apiGet(t, e, tok, "/api/v1/me", &me); code != 200 || me.Username != "motcua" ||
		len(me.Units) != 1 || me.Units[0].Code != demo.CommuneCode || me.Units[0].Roles[0] != "counter" {
		t.Fatalf("me = %d %+v", code, me)
	}
	if code, p := apiGet(t, e, "", "/api/v1/me", nil); code != 401 || p.Code != "unauthenticated" {
		t.Fatalf("anonymous me = %d %+v", code, p)
	}
	if code, p := apiGet(t, e, "xaso_forged", "/api/v1/me", nil); code != 401 || p.Code != "unauthenticated" {
		t.Fatalf("forged token = %d %+v", code, p)
	}
	if code, p := apiGet(t, e, tok, "/api/v1/users", nil); code != 403 || p.Code != "forbidden" {
		t.Fatalf("counter lists users = %d %+v", code, p)
	}

	var units httpx.List[struct {
		Code string `json:"code"`
	}]
	if code, _ := apiGet(t, e, "", "/api/v1/units?limit=1&offset=1", &units); code != 200 || units.Total != 2 ||
		len(units.Items) != 1 || units.Items[0].Code != demo.CommuneCode {
		t.Fatalf("units = %d %+v", code, units)
	}
	for _, bad := range []string{"limit=0", "limit=501", "limit=x", "offset=-1"} {
		if code, p := apiGet(t, e, "", "/api/v1/units?"+bad, nil); code != 422 || p.Code != "invalid_pagination" {
			t.Errorf("%s: %d %+v", bad, code, p)
		}
	}
	admin := bearer(t, e, "quantri")
	var users httpx.List[struct {
		Username string `json:"username"`
	}]
	// The commune's 10 demo logins and the other 35 members of its digital teams.
	if code, _ := apiGet(t, e, admin, "/api/v1/users", &users); code != 200 || users.Total != 10+demo.TeamMembers-1 {
		t.Fatalf("unit admin sees %d users (code %d), want the commune's %d", users.Total, code, 10+demo.TeamMembers-1)
	}
	if code, p := apiGet(t, e, admin, "/api/v1/audit?chain=0", nil); code != 403 {
		t.Fatalf("unit admin reads the system chain: %d %+v", code, p)
	}
	if code, p := apiGet(t, e, tok, "/api/v1/nothing", nil); code != 404 || p.Code != "not_found" {
		t.Fatalf("unknown path: %d %+v", code, p)
	}
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if code, _ := apiGet(t, e, "", "/api/v1/openapi.json", &doc); code != 200 {
		t.Fatal(code)
	}
	for _, rt := range e.srv.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		rel, ok := strings.CutPrefix(path, "/api/v1")
		if !ok {
			continue
		}
		if _, ok := doc.Paths[rel][strings.ToLower(method)]; !ok {
			t.Errorf("openapi.json does not describe %s %s", method, rel)
		}
	}
}

func TestErrorPage(t *testing.T) {
	e := newEnv(t)
	resp, page := get(t, e.client(), e.ts.URL+"/khong-co-trang-nay")
	if resp.StatusCode != 404 || text(t, page, "h1") != "Không tìm thấy" {
		t.Fatalf("404 page: %d %q", resp.StatusCode, text(t, page, "h1"))
	}
}

func apiSend(t *testing.T, e *env, token, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestCalendarAPI(t *testing.T) {
	e := newEnv(t)
	var year struct {
		Days []struct {
			Date, Kind string
			Working    bool
		} `json:"days"`
		OfficeHours map[string]string `json:"office_hours"`
	}
	if code, _ := apiGet(t, e, "", "/api/v1/calendar/2026?unit="+demo.CommuneCode, &year); code != 200 || len(year.Days) < 10 ||
		year.OfficeHours["monday"] != "07:30-11:30,13:00-17:00" {
		t.Fatalf("calendar 2026: %d %+v", code, year)
	}
	if code, p := apiGet(t, e, "", "/api/v1/calendar/1890?unit="+demo.CommuneCode, nil); code != 422 || p.Code != "invalid_year" {
		t.Fatalf("year 1890: %d %+v", code, p)
	}
	if code, p := apiGet(t, e, "", "/api/v1/calendar/2026", nil); code != 422 || p.Code != "unit_required" {
		t.Fatalf("no unit: %d %+v", code, p)
	}

	admin, counter := bearer(t, e, "quantri"), bearer(t, e, "motcua")
	body := `{"unit":"` + demo.CommuneCode + `","number":"15/QĐ-UBND","date":"2026-08-20","days":[{"date":"2026-09-04","off":true,"name":"Nghỉ thêm"}]}`
	if code, _ := apiSend(t, e, counter, "POST", "/api/v1/calendar/decisions", body); code != 403 {
		t.Fatalf("counter officer enters a decision: %d", code)
	}
	if code, out := apiSend(t, e, admin, "POST", "/api/v1/calendar/decisions", strings.Replace(body, `"unit":"`+demo.CommuneCode+`"`, `"unit":""`, 1)); code != 403 {
		t.Fatalf("unit administrator enters a nationwide decision: %d %s", code, out)
	}
	code, out := apiSend(t, e, admin, "POST", "/api/v1/calendar/decisions", body)
	if code != 201 {
		t.Fatalf("create decision: %d %s", code, out)
	}
	var created struct{ ID int64 }
	json.Unmarshal([]byte(out), &created)
	apiGet(t, e, "", "/api/v1/calendar/2026?unit="+demo.CommuneCode, &year)
	found := false
	for _, d := range year.Days {
		found = found || (d.Date == "2026-09-04" && d.Kind == "decreed-off" && !d.Working)
	}
	if !found {
		t.Fatalf("the new day off is not in the calendar: %+v", year.Days)
	}
	for _, bad := range []string{
		`{"unit":"` + demo.CommuneCode + `","number":"","days":[{"date":"2026-09-04","off":true,"name":"x"}]}`,
		`{"unit":"` + demo.CommuneCode + `","number":"1","days":[{"date":"2026-02-30","off":true,"name":"x"}]}`,
		`{"unit":"` + demo.CommuneCode + `","number":"1","days":[]}`,
		`{"unit":"` + demo.CommuneCode + `","number":"1","days":[{"date":"2026-09-04","off":true,"name":"x"}],"extra":1}`,
		`not json`,
	} {
		if code, out := apiSend(t, e, admin, "POST", "/api/v1/calendar/decisions", bad); code != 422 || !strings.Contains(out, `"code"`) {
			t.Errorf("bad decision %s: %d %s", bad, code, out)
		}
	}
	var list httpx.List[struct {
		ID      int64 `json:"id"`
		BuiltIn bool  `json:"built_in"`
	}]
	if code, _ := apiGet(t, e, "", "/api/v1/calendar/decisions?unit="+demo.CommuneCode, &list); code != 200 || list.Total < 2 ||
		list.Items[len(list.Items)-1].ID != created.ID || !list.Items[0].BuiltIn {
		t.Fatalf("decisions: %d %+v", code, list)
	}
	if code, _ := apiSend(t, e, counter, "DELETE", "/api/v1/calendar/decisions/"+strconv.FormatInt(created.ID, 10), ""); code != 403 {
		t.Fatalf("counter deletes: %d", code)
	}
	if code, _ := apiSend(t, e, admin, "DELETE", "/api/v1/calendar/decisions/"+strconv.FormatInt(created.ID, 10), ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := apiSend(t, e, admin, "DELETE", "/api/v1/calendar/decisions/"+strconv.FormatInt(created.ID, 10), ""); code != 404 {
		t.Fatalf("delete twice: %d", code)
	}
	hours := `{"unit":"` + demo.CommuneCode + `","monday":"07:00-11:00,13:30-17:30","tuesday":"07:30-11:30,13:00-17:00","wednesday":"07:30-11:30,13:00-17:00","thursday":"07:30-11:30,13:00-17:00","friday":"07:30-11:30,13:00-17:00","saturday":"07:30-11:30","sunday":"","makeup":"07:30-11:30,13:00-17:00"}`
	if code, out := apiSend(t, e, admin, "PUT", "/api/v1/calendar/office-hours", hours); code != 200 || !strings.Contains(out, `"saturday":"07:30-11:30"`) {
		t.Fatalf("set hours: %d %s", code, out)
	}
	if code, out := apiSend(t, e, admin, "PUT", "/api/v1/calendar/office-hours", strings.Replace(hours, `"tuesday":"07:30-11:30,13:00-17:00"`, `"tuesday":""`, 1)); code != 422 || !strings.Contains(out, "invalid_office_hours") {
		t.Fatalf("a weekday without hours: %d %s", code, out)
	}
}

func TestCalendarPage(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "quantri", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/admin/calendar?year=2026")
	if resp.StatusCode != 200 || text(t, page, "h1") != "Lịch làm việc 2026" {
		t.Fatalf("calendar page: %d %q", resp.StatusCode, text(t, page, "h1"))
	}
	if !strings.Contains(page, `class="holiday" title="Tết Nguyên đán">17<`) {
		t.Fatal("Tết is not marked in the grid")
	}
	form := url.Values{"number": {"20/QĐ-UBND"}, "day_date_0": {"2026-03-02"}, "day_kind_0": {"off"}, "day_name_0": {"Nghỉ theo quyết định của xã"}}
	resp, err := c.PostForm(e.ts.URL+"/admin/calendar/decisions?year=2026", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add decision: %d", resp.StatusCode)
	}
	_, page = get(t, c, e.ts.URL+"/admin/calendar?year=2026")
	if !strings.Contains(page, "Đã lưu quyết định 20/QĐ-UBND.") || !strings.Contains(page, `class="decreed-off" title="Nghỉ theo quyết định của xã">2<`) {
		t.Fatal("the decision is not shown")
	}
	form.Set("day_date_0", "02/03/2026")
	resp, err = c.PostForm(e.ts.URL+"/admin/calendar/decisions?year=2026", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), "Dòng 1: ngày phải có dạng YYYY-MM-DD.") || !strings.Contains(string(b), `value="02/03/2026"`) {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
	// Officers other than administrators cannot open the calendar page.
	other, _ := e.login(t, "motcua", demo.Password)
	if resp, _ := get(t, other, e.ts.URL+"/admin/calendar"); resp.StatusCode != 403 {
		t.Fatalf("counter officer on the calendar page: %d", resp.StatusCode)
	}
}

func must(t *testing.T, method, u, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestCalendarMovesPage(t *testing.T) {
	e := newEnv(t)
	counter := bearer(t, e, "motcua")
	body := strings.Replace(counterBody, `"1.001193"`, `"1.004873"`, 1)
	code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers", body)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	var created struct {
		Code  string `json:"code"`
		DueAt string `json:"due_at"`
	}
	json.Unmarshal([]byte(out), &created)
	// A day off entered now, on the next working day: the appointment would move.
	ctx := context.Background()
	home, _ := e.st.UnitByCode(ctx, demo.CommuneCode)
	cal, _ := workcal.New(e.st).For(ctx, home.ID)
	next := calendar.DateOf(time.Now()).AddDays(1)
	for !cal.IsWorkingDay(next) {
		next = next.AddDays(1)
	}
	if _, err := e.st.CreateDecision(ctx, home.ID, calendar.Decision{Number: "9/QĐ-UBND",
		Days: []calendar.DecidedDay{{Date: next, Off: true, Name: "Nghỉ đột xuất"}}}); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.login(t, "quantri", demo.Password)
	_, page := get(t, admin, e.ts.URL+"/admin/calendar")
	if !strings.Contains(page, created.Code) || !strings.Contains(page, "Dời hẹn") {
		t.Fatal("the preview does not list the dossier")
	}
	var before struct {
		DueAt string `json:"due_at"`
	}
	apiGet(t, e, counter, "/api/v1/dossiers/"+created.Code, &before)
	if before.DueAt != created.DueAt {
		t.Fatal("the appointment moved before the administrator chose to")
	}
	resp, err := admin.PostForm(e.ts.URL+"/admin/calendar/moves", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, page = get(t, admin, e.ts.URL+"/admin/calendar")
	if !strings.Contains(page, "Đã dời hẹn") || strings.Contains(page, created.Code) {
		t.Fatal("moving did not happen or the dossier is still listed")
	}
	var after struct {
		DueAt string `json:"due_at"`
	}
	apiGet(t, e, counter, "/api/v1/dossiers/"+created.Code, &after)
	if after.DueAt == created.DueAt {
		t.Fatal("the appointment did not move")
	}
}

func TestTransparencyPage(t *testing.T) {
	e := newEnv(t)
	resp, page := get(t, e.client(), e.ts.URL+"/cong-khai?year=2026")
	if resp.StatusCode != 200 || text(t, page, "h1") != "Công khai kết quả giải quyết hồ sơ năm 2026" || !strings.Contains(page, "12/2026") {
		t.Fatalf("transparency: %d %q", resp.StatusCode, text(t, page, "h1"))
	}
	if strings.Contains(page, "Nguyễn") || strings.Contains(page, "Trần Thị") {
		t.Fatal("the public page shows a person's name")
	}
	if resp, _ := get(t, e.client(), e.ts.URL+"/cong-khai?year=abc"); resp.StatusCode != 422 {
		t.Fatalf("bad year: %d", resp.StatusCode)
	}
}
