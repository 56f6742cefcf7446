package web_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
)

// keyParts is a signing key's upload: the PKCS#12 file, its passphrase, the image, and
// the kind ("" : not sent).
type keyParts struct {
	p12         []byte
	pass, kind  string
	image       []byte
	p12Name     string
	withoutFile bool
}

func (k keyParts) body() (string, *bytes.Buffer) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if k.kind != "" {
		mw.WriteField("kind", k.kind)
	}
	mw.WriteField("passphrase", k.pass)
	if !k.withoutFile {
		fw, _ := mw.CreateFormFile("p12", "khoa.p12")
		fw.Write(k.p12)
	}
	if k.image != nil {
		fw, _ := mw.CreateFormFile("image", "chu-ky.png")
		fw.Write(k.image)
	}
	mw.Close()
	return mw.FormDataContentType(), &body
}

func putKey(t *testing.T, e *env, token, path string, k keyParts) (int, string) {
	t.Helper()
	ct, body := k.body()
	req, _ := http.NewRequest(http.MethodPut, e.ts.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func issueP12(t *testing.T, ca *democa.CA, name, pass string) []byte {
	t.Helper()
	c, key, err := ca.Issue(democa.CertOptions{CommonName: name, ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := democa.EncodePKCS12(key, c, []*x509.Certificate{ca.Cert}, pass)
	if err != nil {
		t.Fatal(err)
	}
	return p12
}

type keyList struct {
	Items []struct {
		ID                  int64
		Unit, Kind, Subject string
		Serial              string
		Valid               bool
		HasImage            bool   `json:"has_image"`
		NotAfter            string `json:"not_after"`
	}
	Total int
}

// TestSigningKeyAPI: a unit administrator installs an official's signing key through the
// API (PUT, multipart), reads its public facts (GET) and withdraws it (DELETE). A new key
// replaces the one of the same kind; bad input is refused with the same code on the API
// and on the user's page (one service method); another unit's or the system
// administrator's account is not theirs; the withdrawal is audited.
func TestSigningKeyAPI(t *testing.T) {
	e := newEnv(t)
	token := bearer(t, e, "quantri")
	admin, _ := e.login(t, "quantri", demo.Password)
	status, body := apiSend(t, e, token, "POST", "/api/v1/users", `{"username":"levantam","full_name":"Lê Văn Tâm","unit":"`+demo.CommuneCode+`","roles":["leader"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	id := itoa(decode[struct{ User struct{ ID int64 } }](t, body).User.ID)
	path := "/api/v1/users/" + id + "/signing-key"
	ca, err := democa.New("CA kiểm thử", true)
	if err != nil {
		t.Fatal(err)
	}
	p12 := issueP12(t, ca, "Lê Văn Tâm", "mat-khau-p12")
	sig, seal, err := democa.Images()
	if err != nil {
		t.Fatal(err)
	}

	// Refusals: the API's code is the page's.
	for _, tc := range []struct {
		name  string
		k     keyParts
		code  string
		field string
	}{
		{"no file", keyParts{pass: "mat-khau-p12", withoutFile: true}, "p12_required", "#key-p12-error"},
		{"no passphrase", keyParts{p12: p12}, "passphrase_required", "#key-passphrase-error"},
		{"wrong passphrase", keyParts{p12: p12, pass: "sai"}, "p12_wrong_passphrase", "#key-passphrase-error"},
		{"not a PKCS#12 file", keyParts{p12: []byte("không phải tệp p12"), pass: "x"}, "p12_invalid", "#key-p12-error"},
		{"not a PNG", keyParts{p12: p12, pass: "mat-khau-p12", image: []byte("GIF89a")}, "signature_image_invalid", "#key-image-error"},
		{"a file too large", keyParts{p12: bytes.Repeat([]byte{1}, 65<<10), pass: "x"}, "upload_too_large", "#key-p12-error"},
		{"a strange kind", keyParts{p12: p12, pass: "mat-khau-p12", kind: "khac"}, "signing_key_kind", "#key-p12-error"},
	} {
		status, body := putKey(t, e, token, path, tc.k)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"`+tc.code+`"`) {
			t.Errorf("API, %s: %d %s, want 422 %s", tc.name, status, body, tc.code)
		}
		k := tc.k
		if k.kind == "" {
			k.kind = "personal"
		}
		ct, form := k.body()
		resp, page := postMultipart(t, admin, e.ts.URL+"/admin/users/"+id+"/keys", ct, form)
		if resp.StatusCode != http.StatusUnprocessableEntity || attrAt(t, page, tc.field, "data-code") != tc.code {
			t.Errorf("page, %s: %d %q at %s, want %s", tc.name, resp.StatusCode, attrAt(t, page, tc.field, "data-code"), tc.field, tc.code)
		}
	}
	req, _ := http.NewRequest(http.MethodPut, e.ts.URL+path, strings.NewReader(`{"p12":"x"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("JSON instead of multipart: %v %v", resp, err)
	}

	status, body = putKey(t, e, token, path, keyParts{p12: p12, pass: "mat-khau-p12", image: sig})
	keys := decode[keyList](t, body)
	if status != http.StatusOK || keys.Total != 1 || keys.Items[0].Kind != "personal" || keys.Items[0].Unit != demo.CommuneCode ||
		!strings.Contains(keys.Items[0].Subject, "Lê Văn Tâm") || !keys.Items[0].HasImage || !keys.Items[0].Valid || keys.Items[0].Serial == "" {
		t.Fatalf("install: %d %s", status, body)
	}
	first := keys.Items[0].Serial
	if strings.Contains(body, "sealed") || strings.Contains(body, "mat-khau") {
		t.Errorf("the answer carries the key or its passphrase: %s", body)
	}
	if _, page := get(t, admin, e.ts.URL+"/admin/users/"+id); !strings.Contains(textAt(t, page, "#signing-keys"), first) {
		t.Errorf("the page does not list the key the API installed: %q", textAt(t, page, "#signing-keys"))
	}
	// A renewed certificate replaces the personal key; a seal key is another.
	status, body = putKey(t, e, token, path, keyParts{p12: issueP12(t, ca, "Lê Văn Tâm", "moi"), pass: "moi", kind: "personal"})
	if keys = decode[keyList](t, body); status != http.StatusOK || keys.Total != 1 || keys.Items[0].Serial == first || keys.Items[0].HasImage {
		t.Fatalf("replace: %d %s", status, body)
	}
	status, body = putKey(t, e, token, path, keyParts{p12: issueP12(t, ca, "Ủy ban nhân dân xã Yên Từ", "dau"), pass: "dau", kind: "seal", image: seal})
	if status != http.StatusOK || decode[keyList](t, body).Total != 2 {
		t.Fatalf("seal key: %d %s", status, body)
	}
	if status, body := apiSend(t, e, token, "GET", path, ""); status != http.StatusOK || decode[keyList](t, body).Total != 2 {
		t.Fatalf("GET: %d %s", status, body)
	}
	if status, body := apiSend(t, e, token, "DELETE", path+"?kind=seal", ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", status, body)
	}
	if status, body := apiSend(t, e, token, "GET", path, ""); status != http.StatusOK || decode[keyList](t, body).Total != 1 ||
		decode[keyList](t, body).Items[0].Kind != "personal" {
		t.Fatalf("GET after the withdrawal: %d %s", status, body)
	}
	if status, body := apiSend(t, e, token, "DELETE", path+"?kind=seal", ""); status != http.StatusNotFound || !strings.Contains(body, "signing_key_not_found") {
		t.Errorf("DELETE again: %d %s", status, body)
	}
	if status, body := apiSend(t, e, token, "DELETE", path+"?kind=khac", ""); status != http.StatusUnprocessableEntity || !strings.Contains(body, "signing_key_kind") {
		t.Errorf("DELETE of a strange kind: %d %s", status, body)
	}
	// The page withdraws the same way.
	resp, _ := post(t, admin, e.ts.URL+"/admin/users/"+id+"/keys/withdraw", map[string][]string{"kind": {"personal"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw from the page: %d", resp.StatusCode)
	}
	if status, body := apiSend(t, e, token, "GET", path, ""); decode[keyList](t, body).Total != 0 {
		t.Errorf("GET after the page's withdrawal: %d %s", status, body)
	}

	// Not theirs: the system administrator's account; not for officials.
	sys, _ := e.st.UserByUsername(context.Background(), "admin")
	if status, _ := apiSend(t, e, token, "GET", "/api/v1/users/"+itoa(sys.ID)+"/signing-key", ""); status != http.StatusNotFound {
		t.Errorf("the system administrator's keys for a unit administrator: %d", status)
	}
	if status, _ := putKey(t, e, token, "/api/v1/users/"+itoa(sys.ID)+"/signing-key", keyParts{p12: p12, pass: "mat-khau-p12"}); status != http.StatusNotFound {
		t.Errorf("a key for the system administrator from a unit administrator: %d", status)
	}
	for _, who := range []string{"lanhdao", "tocongnghe"} {
		if status, _ := putKey(t, e, bearer(t, e, who), path, keyParts{p12: p12, pass: "mat-khau-p12"}); status != http.StatusForbidden {
			t.Errorf("%s installs a key: %d", who, status)
		}
	}

	commune, err := e.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := e.st.AuditRecords(context.Background(), commune.ID, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range recs {
		if r.Event.ObjectType == "signing_key" && r.Actor == "user:quantri" {
			counts[r.Event.Action]++
		}
	}
	if counts["signing_key.add"] != 3 || counts["signing_key.withdraw"] != 3 {
		t.Errorf("audited key changes: %v, want 3 added and 3 withdrawn", counts)
	}
}
