package web_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
)

// TestAccountsFromThePages: the unit administrator adds an official with a role, hands
// over the one-time password the page shows once, resets it, installs the official's
// signing key and disables the account: the official's session and API token are
// refused, their login says why; every change is audited. Wrong input comes back at its
// field; an administrator sees no other unit's users.
func TestAccountsFromThePages(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.login(t, "quantri", demo.Password)
	_, page := get(t, admin, e.ts.URL+"/admin")
	if !has(t, page, "a#new-user[href=/admin/users/new]") {
		t.Fatal("the administration page has no link to add a user")
	}
	_, page = get(t, admin, e.ts.URL+"/admin/users/new")
	if !has(t, page, "form#new-user-form input#role-leader") || has(t, page, "input#role-system_admin") || has(t, page, "input#role-citizen") {
		t.Fatal("the new user form offers the wrong roles")
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		code  string
	}{
		{"bad username", url.Values{"username": {"Lê Văn"}, "full_name": {"Lê Văn Tâm"}, "role": {"specialist"}}, "#username-error", "invalid_username"},
		{"no name", url.Values{"username": {"levantam"}, "full_name": {" "}, "role": {"specialist"}}, "#full_name-error", "full_name_required"},
		{"no role", url.Values{"username": {"levantam"}, "full_name": {"Lê Văn Tâm"}}, "#roles-error", "role_required"},
		{"system role", url.Values{"username": {"levantam"}, "full_name": {"Lê Văn Tâm"}, "role": {"system_admin"}}, "#roles-error", "role_not_grantable"},
		{"taken", url.Values{"username": {"motcua"}, "full_name": {"Lê Văn Tâm"}, "role": {"specialist"}}, "#username-error", "user_exists"},
	} {
		resp, page := post(t, admin, e.ts.URL+"/admin/users", tc.form)
		if resp.StatusCode/100 != 4 || attrAt(t, page, tc.field, "data-code") != tc.code || attrAt(t, page, "#full_name", "value") != tc.form.Get("full_name") {
			t.Errorf("%s: %d %q, want %s at %s", tc.name, resp.StatusCode, textAt(t, page, "main"), tc.code, tc.field)
		}
	}
	resp, page := post(t, admin, e.ts.URL+"/admin/users", url.Values{"username": {"LeVanTam"}, "full_name": {"Lê  Văn Tâm"}, "role": {"specialist", "leader"}})
	otp := textAt(t, page, "#one-time-password")
	if resp.StatusCode != http.StatusCreated || len(otp) != 12 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %q %s", resp.StatusCode, otp, textAt(t, page, "main"))
	}
	id := strings.TrimPrefix(attrAt(t, page, "form#roles-form", "action"), "/admin/users/")
	id = strings.TrimSuffix(id, "/roles")
	if got := textAt(t, page, "section[aria-labelledby=vai-tro] ul"); !strings.Contains(got, "Chuyên viên") || !strings.Contains(got, "Lãnh đạo") {
		t.Errorf("roles: %q", got)
	}
	if _, page := get(t, admin, e.ts.URL+"/admin/users/"+id); has(t, page, "#one-time-password") {
		t.Error("the one-time password is shown again")
	}
	official, resp := e.login(t, "levantam", otp)
	// The one-time password must be changed first (TestOneTimePasswordMustBeChanged).
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("login with the one-time password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Roles: leader only.
	if resp, _ := post(t, admin, e.ts.URL+"/admin/users/"+id+"/roles", url.Values{"role": {"leader"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("roles: %d", resp.StatusCode)
	}
	if _, page := get(t, admin, e.ts.URL+"/admin/users/"+id); has(t, page, "input#role-specialist[checked]") || !has(t, page, "input#role-leader[checked]") {
		t.Error("the roles were not set")
	}

	// Reset: a new one-time password; the old one and the official's session end.
	resp, page = post(t, admin, e.ts.URL+"/admin/users/"+id+"/password", url.Values{})
	otp2 := textAt(t, page, "#one-time-password")
	if resp.StatusCode != http.StatusOK || len(otp2) != 12 || otp2 == otp {
		t.Fatalf("reset: %d %q", resp.StatusCode, otp2)
	}
	if resp, _ := get(t, official, e.ts.URL+"/office"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session survived the reset: %d", resp.StatusCode)
	}
	if _, resp := e.login(t, "levantam", otp); resp.StatusCode == http.StatusSeeOther {
		t.Error("the old password still logs in")
	}
	official, _ = e.login(t, "levantam", otp2)
	if resp, _ := post(t, official, e.ts.URL+"/account/password", url.Values{"current": {otp2}, "new": {"mat-khau-cua-tam"},
		"confirm": {"mat-khau-cua-tam"}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/office/tong-quan" {
		t.Fatalf("the official changes the one-time password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// The official's signing key and its image; a wrong passphrase is said at its field.
	ca, err := democa.New("CA kiểm thử", true)
	if err != nil {
		t.Fatal(err)
	}
	c, key, err := ca.Issue(democa.CertOptions{CommonName: "Lê Văn Tâm", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := democa.EncodePKCS12(key, c, []*x509.Certificate{ca.Cert}, "mat-khau-p12")
	if err != nil {
		t.Fatal(err)
	}
	sig, _, err := democa.Images()
	if err != nil {
		t.Fatal(err)
	}
	resp, page = postKeyForm(t, admin, e.ts.URL+"/admin/users/"+id+"/keys", p12, "sai", sig)
	if resp.StatusCode != http.StatusUnprocessableEntity || attrAt(t, page, "#key-passphrase-error", "data-code") != "p12_wrong_passphrase" {
		t.Fatalf("wrong passphrase: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	if resp, _ := postKeyForm(t, admin, e.ts.URL+"/admin/users/"+id+"/keys", p12, "mat-khau-p12", sig); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("key: %d", resp.StatusCode)
	}
	if _, page := get(t, admin, e.ts.URL+"/admin/users/"+id); !strings.Contains(textAt(t, page, "section[aria-labelledby=khoa-ky]"), "Lê Văn Tâm") {
		t.Error("the key is not listed")
	}

	// Disable: the session, the token and the login are refused; the login says why.
	u, err := e.st.UserByUsername(context.Background(), "levantam")
	if err != nil {
		t.Fatal(err)
	}
	token := bearer(t, e, "levantam")
	if resp, _ := post(t, admin, e.ts.URL+"/admin/users/"+id+"/disable", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if status, _ := apiGet(t, e, token, "/api/v1/me", nil); status != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d, want 401", status)
	}
	if resp, _ := get(t, official, e.ts.URL+"/office"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled user's session: %d", resp.StatusCode)
	}
	if resp, page := postLogin(t, e, "levantam", "mat-khau-cua-tam"); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(textAt(t, page, `main [role="alert"]`), "Tài khoản đã bị khóa") {
		t.Errorf("a disabled user's login: %d %q", resp.StatusCode, textAt(t, page, "main"))
	}
	if resp, _ := post(t, admin, e.ts.URL+"/admin/users/"+id+"/enable", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", resp.StatusCode)
	}
	if status, _ := apiGet(t, e, token, "/api/v1/me", &map[string]any{}); status != http.StatusOK {
		t.Errorf("an enabled user's token: %d", status)
	}

	// The administrator cannot lock themselves out.
	me, _ := e.st.UserByUsername(context.Background(), "quantri")
	resp, page = post(t, admin, e.ts.URL+"/admin/users/"+itoa(me.ID)+"/disable", url.Values{})
	if resp.StatusCode != http.StatusConflict || attrAt(t, page, "main p.error", "data-code") != "account_self" {
		t.Errorf("self-disable: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	// Another unit's administrator, or a system administrator's account, is not theirs.
	sys, _ := e.st.UserByUsername(context.Background(), "admin")
	if resp, _ := get(t, admin, e.ts.URL+"/admin/users/"+itoa(sys.ID)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the system administrator's page for a unit administrator: %d", resp.StatusCode)
	}

	// Audited on the system chain (the account) and the unit's (the roles, the key).
	recs, _, err := e.st.AuditRecords(context.Background(), audit.SystemChain, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, r := range recs {
		if r.Event.ObjectID == itoa(u.ID) && r.Actor == "user:quantri" {
			actions[r.Event.Action] = true
		}
	}
	for _, a := range []string{"user.create", "user.password.reset", "user.disable", "user.enable"} {
		if !actions[a] {
			t.Errorf("no %s by the administrator in the audit log (%v)", a, actions)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// postKeyForm posts the signing key form: the PKCS#12 file, its passphrase, the image.
func postKeyForm(t *testing.T, c *http.Client, u string, p12 []byte, pass string, image []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "personal")
	mw.WriteField("passphrase", pass)
	fw, _ := mw.CreateFormFile("p12", "levantam.p12")
	fw.Write(p12)
	fw, _ = mw.CreateFormFile("image", "chu-ky.png")
	fw.Write(image)
	mw.Close()
	return postMultipart(t, c, u, mw.FormDataContentType(), &body)
}

// TestAccountsAPI: the same under /api/v1/users for a unit administrator.
func TestAccountsAPI(t *testing.T) {
	e := newEnv(t)
	admin := bearer(t, e, "quantri")
	status, body := apiSend(t, e, admin, "POST", "/api/v1/users", `{"username":"nguyenthihoa","full_name":"Nguyễn Thị Hoa","unit":"`+demo.CommuneCode+`","roles":["counter"]}`)
	created := decode[struct {
		User struct {
			ID       int64
			Disabled bool
		}
		Password string
	}](t, body)
	if status != http.StatusCreated || len(created.Password) != 12 {
		t.Fatalf("create: %d %s", status, body)
	}
	path := "/api/v1/users/" + itoa(created.User.ID)
	for _, tc := range []struct{ method, path, body, code string }{
		{"POST", "/api/v1/users", `{"username":"x","full_name":"X","unit":"` + demo.CommuneCode + `","roles":["counter"]}`, "invalid_username"},
		{"POST", "/api/v1/users", `{"username":"nguyenvanx","full_name":"X","unit":"` + demo.CommuneCode + `","roles":["system_admin"]}`, "role_not_grantable"},
		{"PUT", path + "/roles", `{"unit":"` + demo.CommuneCode + `","roles":["citizen"]}`, "role_not_grantable"},
	} {
		if status, body := apiSend(t, e, admin, tc.method, tc.path, tc.body); status != http.StatusUnprocessableEntity || !strings.Contains(body, `"`+tc.code+`"`) {
			t.Errorf("%s %s: %d %s, want %s", tc.method, tc.path, status, body, tc.code)
		}
	}
	if status, body := apiSend(t, e, admin, "PUT", path+"/roles", `{"unit":"`+demo.CommuneCode+`","roles":["counter","accountant"]}`); status != 200 ||
		!strings.Contains(body, `"accountant"`) {
		t.Fatalf("roles: %d %s", status, body)
	}
	status, body = apiSend(t, e, admin, "POST", path+"/password", "")
	if status != 200 || len(decode[struct{ Password string }](t, body).Password) != 12 {
		t.Fatalf("reset: %d %s", status, body)
	}
	token := bearer(t, e, "nguyenthihoa")
	if status, body := apiSend(t, e, admin, "POST", path+"/disable", ""); status != 200 || !strings.Contains(body, `"disabled":true`) {
		t.Fatalf("disable: %d %s", status, body)
	}
	if status, _ := apiGet(t, e, token, "/api/v1/me", nil); status != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d, want 401", status)
	}
	// Officials and volunteers may not; a system administrator's account is not a unit
	// administrator's.
	for _, who := range []string{"motcua", "tocongnghe", "congdan"} {
		if status, _ := apiSend(t, e, bearer(t, e, who), "POST", path+"/enable", ""); status != http.StatusForbidden {
			t.Errorf("%s enables: %d", who, status)
		}
	}
	sys, _ := e.st.UserByUsername(context.Background(), "admin")
	if status, _ := apiSend(t, e, admin, "POST", "/api/v1/users/"+itoa(sys.ID)+"/password", ""); status != http.StatusNotFound {
		t.Errorf("a unit administrator resets the system administrator's password: %d", status)
	}
}
