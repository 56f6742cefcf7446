package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
)

// TestSigningAdministration: the administrators see the trust anchors and the officials'
// keys with their expiry; only the system administrator adds a root (a CA's PEM; a
// leaf certificate is refused at its field) and removes one.
func TestSigningAdministration(t *testing.T) {
	e := newEnvWith(t, demo.Options{Signing: true})
	ctx := context.Background()
	admin, _ := e.login(t, "admin", demo.Password)
	unitAdmin, _ := e.login(t, "quantri", demo.Password)

	_, page := get(t, unitAdmin, e.ts.URL+"/admin/signing")
	if got := textAt(t, page, "main"); !strings.Contains(got, "CA thử nghiệm xaso (demo)") || !strings.Contains(got, "lanhdao") ||
		!strings.Contains(got, "Con dấu của cơ quan") || strings.Contains(got, "Thêm chứng thư gốc") {
		t.Fatalf("the unit administrator's page: %q", got)
	}
	ca, err := democa.New("CA gốc thứ hai", true)
	if err != nil {
		t.Fatal(err)
	}
	upload := func(c *http.Client, pem []byte) (*http.Response, string) {
		ct, body := filingBody(t, nil, map[string][]namedFile{"file": {{"ca.pem", pem}}})
		return postMultipart(t, c, e.ts.URL+"/admin/signing/anchors", ct, body)
	}
	if resp, _ := upload(unitAdmin, signing.CertPEM(ca.Cert)); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a unit administrator adds a root: %d", resp.StatusCode)
	}
	leaf, _, err := ca.Issue(democa.CertOptions{CommonName: "Không phải CA", ECDSA: true, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if resp, page := upload(admin, signing.CertPEM(leaf)); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(textAt(t, page, "p#anchor-error"), "không phải của tổ chức chứng thực") {
		t.Fatalf("a leaf certificate: %d %q", resp.StatusCode, textAt(t, page, "p#anchor-error"))
	}
	if resp, page := upload(admin, []byte("không phải PEM")); resp.StatusCode != http.StatusUnprocessableEntity || !has(t, page, "p#anchor-error") {
		t.Fatalf("not a PEM file: %d", resp.StatusCode)
	}
	if resp, _ := upload(admin, signing.CertPEM(ca.Cert)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a root: %d", resp.StatusCode)
	}
	anchors, _ := e.st.TrustAnchors(ctx)
	if len(anchors) != 2 {
		t.Fatalf("anchors after adding: %d", len(anchors))
	}
	sum := sha256.Sum256(ca.Cert.Raw)
	sha := hex.EncodeToString(sum[:])
	if resp, _ := post(t, unitAdmin, e.ts.URL+"/admin/signing/anchors/"+sha+"/delete", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a unit administrator removes a root: %d", resp.StatusCode)
	}
	if resp, _ := post(t, admin, e.ts.URL+"/admin/signing/anchors/"+sha+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove a root: %d", resp.StatusCode)
	}
	if resp, _ := post(t, admin, e.ts.URL+"/admin/signing/anchors/"+sha+"/delete", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("remove a removed root: %d", resp.StatusCode)
	}
	if anchors, _ := e.st.TrustAnchors(ctx); len(anchors) != 1 {
		t.Fatalf("anchors after removing: %d", len(anchors))
	}
}
