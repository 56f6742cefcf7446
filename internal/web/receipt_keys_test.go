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
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
)

// postKey sends the administrator's receipt-key form (multipart: the file and its
// passphrase).
func postKey(t *testing.T, c *http.Client, u string, p12 []byte, pass string) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if p12 != nil {
		fw, _ := mw.CreateFormFile("p12", "donvi.p12")
		fw.Write(p12)
	}
	mw.WriteField("passphrase", pass)
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp, out.String()
}

// TestReceiptKeyInstallAndSignatureShown: the unit's administrator installs the unit's
// receipt key on /admin/payments (a certificate that has expired or a wrong passphrase
// comes back at its field with its code); the receipts it signs then show as validly
// signed by the unit on the accountant's page and on the citizen's look-up page.
func TestReceiptKeyInstallAndSignatureShown(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	paymentSetup(t, e)
	admin, _ := e.login(t, "quantri", demo.Password)
	_, page := get(t, admin, e.ts.URL+"/admin/payments")
	if !has(t, page, "input#key-p12") || !strings.Contains(textAt(t, page, "section[aria-labelledby=khoa-ky]"), "chưa cài khóa riêng") {
		t.Fatalf("no key section:\n%s", textAt(t, page, "main"))
	}
	ca, err := democa.New("CA kiểm thử", true)
	if err != nil {
		t.Fatal(err)
	}
	p12 := func(o democa.CertOptions) []byte {
		o.ECDSA = true
		c, k, err := ca.Issue(o)
		if err != nil {
			t.Fatal(err)
		}
		b, err := democa.EncodePKCS12(k, c, []*x509.Certificate{ca.Cert}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	expired := p12(democa.CertOptions{CommonName: "Hết hạn", NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1)})
	good := p12(democa.CertOptions{CommonName: "UBND xã Yên Từ — ký biên lai"})
	u := e.ts.URL + "/admin/payments/receipt-key"
	for _, tc := range []struct {
		name        string
		file        []byte
		pass, field string
		code        string
	}{
		{"expired", expired, "pw", "p12", "cert_expired"},
		{"wrong passphrase", good, "sai", "passphrase", "p12_wrong_passphrase"},
		{"no file", nil, "pw", "p12", "receipt_key_file_required"},
		{"not a PKCS#12 file", []byte("not a p12"), "pw", "p12", "p12_invalid"},
	} {
		resp, page := postKey(t, admin, u, tc.file, tc.pass)
		if resp.StatusCode != http.StatusUnprocessableEntity || attrAt(t, page, "p#key-"+tc.field+"-error", "data-code") != tc.code {
			t.Errorf("%s: %d %q", tc.name, resp.StatusCode, attrAt(t, page, "p#key-"+tc.field+"-error", "data-code"))
		}
	}
	if resp, _ := postKey(t, admin, u, good, "pw"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("install: %d", resp.StatusCode)
	}
	_, page = get(t, admin, e.ts.URL+"/admin/payments")
	if got := textAt(t, page, "li.in-use"); !strings.Contains(got, "UBND xã Yên Từ — ký biên lai") {
		t.Fatalf("key in use: %q", got)
	}
	if err := e.st.AddTrustAnchor(ctx, ca.Cert); err != nil {
		t.Fatal(err)
	}

	token := bearer(t, e, "ketoan")
	d := demoDossier(t, e, "Trần Thị Mai")
	mai := bill(t, e, token, d.Code)
	if status, body := apiSend(t, e, token, "POST", "/api/v1/payments/"+mai.Reference+"/confirm",
		`{"version":`+strconv.Itoa(mai.Version)+`,"method":"cash","amount":5000}`); status != 200 {
		t.Fatalf("cash: %d %s", status, body)
	}
	accountant, _ := e.login(t, "ketoan", demo.Password)
	_, page = get(t, accountant, e.ts.URL+"/office/payments")
	sel := "p.receipt-signature" // the day's one receipt
	if !has(t, page, sel+".sig-valid") || !strings.Contains(textAt(t, page, sel), "khóa của đơn vị thu "+demo.CommuneCode) {
		t.Errorf("accountant's page: %q", textAt(t, page, "main"))
	}
	_, page = get(t, e.client(), e.ts.URL+"/tra-cuu/"+d.Code+"?secret="+url.QueryEscape(d.Secret))
	if !has(t, page, "p.receipt-signature.sig-valid") || !strings.Contains(textAt(t, page, "p.receipt-signature"), "UBND xã Yên Từ — ký biên lai") {
		t.Errorf("look-up page: %q", textAt(t, page, "main"))
	}

	// Without the trust anchor the same receipt is reported as not trusted.
	anchors, _ := e.st.TrustAnchors(ctx)
	for _, a := range anchors {
		if a.Equal(ca.Cert) {
			if err := e.st.RemoveTrustAnchor(ctx, certHex(a)); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, page = get(t, accountant, e.ts.URL+"/office/payments")
	if !has(t, page, sel+".sig-invalid") {
		t.Errorf("without the anchor: %q", textAt(t, page, sel))
	}
}

// certHex is a certificate's SHA-256 in hex, as trust anchors are named.
func certHex(c *x509.Certificate) string {
	return signing.CertInfo(c).SHA256
}
