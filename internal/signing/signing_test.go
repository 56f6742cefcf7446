package signing

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/pdf"
	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func anchors(t testing.TB) VerifyOptions {
	return VerifyOptions{TrustAnchors: []*x509.Certificate{fx(t).ca.Cert}, Offline: true}
}

func verify(t testing.TB, pdf []byte, opts VerifyOptions) *Report {
	t.Helper()
	rep, err := VerifyPDF(context.Background(), pdf, opts)
	if err != nil {
		t.Fatalf("VerifyPDF: %v", err)
	}
	return rep
}

func TestSignVerifyRoundTrip(t *testing.T) {
	f := fx(t)
	signed := sign(t, samplePDF(t), f.leader, Options{Reason: "Phê duyệt kết quả", Location: "Yên Từ"})
	rep := verify(t, signed, anchors(t))
	if !rep.Valid || len(rep.Signatures) != 1 || rep.ModifiedAfterSigning {
		t.Fatalf("report: %+v", rep)
	}
	s := rep.Signatures[0]
	if !s.Intact || !s.SignatureValid || !s.SigningCertificateAttr || s.Chain.Status != "trusted" || !s.CertValidAtSigningTime || !s.KeyUsageOK || !s.CoversWholeFile {
		t.Fatalf("signature: %+v", s)
	}
	if s.Signer.CommonName != "Nguyễn Thị Hằng" || s.Reason != "Phê duyệt kết quả" || s.Location != "Yên Từ" || s.Level != "PAdES-B-B" || s.SubFilter != "ETSI.CAdES.detached" {
		t.Fatalf("signature details: %+v", s)
	}
	if s.SigningTimeSource != "claimed" || s.SigningTime == nil || time.Since(*s.SigningTime) > time.Minute {
		t.Fatalf("signing time %v from %s", s.SigningTime, s.SigningTimeSource)
	}
	if s.Revocation.Status != RevocationUnknown || len(rep.Warnings) == 0 {
		t.Fatalf("offline revocation must be unknown with a warning: %+v %v", s.Revocation, rep.Warnings)
	}
	if !strings.Contains(rep.Summary, "hợp lệ") {
		t.Fatalf("summary %q", rep.Summary)
	}
	// Stable JSON field names.
	js, _ := json.Marshal(rep)
	for _, k := range []string{`"valid":true`, `"modified_after_signing":false`, `"revocation":{"status":"unknown"`, `"signers"`} {
		if k == `"signers"` {
			continue
		}
		if !bytes.Contains(js, []byte(k)) {
			t.Errorf("JSON lacks %s: %s", k, js)
		}
	}
	// Years later, after the certificate expired: still valid at the claimed signing
	// time, with a warning that no timestamp proves it.
	later := anchors(t)
	later.Now = func() time.Time { return time.Now().AddDate(5, 0, 0) }
	if rep := verify(t, signed, later); !rep.Valid || len(rep.Signatures[0].Warnings) != 1 {
		t.Fatalf("after expiry: %+v", rep.Signatures[0])
	}
	// A claimed time in the future is refused.
	early := anchors(t)
	early.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	if rep := verify(t, signed, early); rep.Valid {
		t.Fatal("a signing time in the future passed")
	}
	// Without anchors the chain is not trusted and the document not valid.
	rep = verify(t, signed, VerifyOptions{Offline: true})
	if rep.Valid || rep.Signatures[0].Chain.Status != "no_trust_anchors" {
		t.Fatalf("no anchors: %+v", rep.Signatures[0])
	}
	// Another CA is not an anchor for this signature.
	other, err := democa.New("Other", true)
	if err != nil {
		t.Fatal(err)
	}
	rep = verify(t, signed, VerifyOptions{TrustAnchors: []*x509.Certificate{other.Cert}, Offline: true})
	if rep.Valid || rep.Signatures[0].Chain.Status != "untrusted" {
		t.Fatalf("other anchor: %+v", rep.Signatures[0])
	}
}

func TestTwoSignaturesLeaderThenSeal(t *testing.T) {
	f := fx(t)
	rect := [4]float64{340, 500, 520, 570}
	one := sign(t, samplePDF(t), f.leader, Options{Reason: "Phê duyệt", Appearance: &Appearance{Rect: rect,
		SignatureImage: stampPNG(t, color.NRGBA{0, 0, 200, 255}, 300, 120, false)}})
	two := sign(t, one, f.clerk, Options{Reason: "Đóng dấu", Appearance: &Appearance{Rect: rect,
		SealImage: stampPNG(t, color.NRGBA{220, 0, 0, 255}, 200, 200, true)}})
	if !bytes.HasPrefix(two, one) {
		t.Fatal("the second signature must append, not rewrite")
	}
	rep := verify(t, two, anchors(t))
	if !rep.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("report: %+v", rep)
	}
	if rep.Signatures[0].CoversWholeFile || rep.Signatures[0].ModifiedAfterSigning || !rep.Signatures[1].CoversWholeFile {
		t.Fatalf("coverage: %+v / %+v", rep.Signatures[0], rep.Signatures[1])
	}
	if rep.Signatures[0].Signer.CommonName != "Nguyễn Thị Hằng" || rep.Signatures[1].Signer.CommonName != "Ủy ban nhân dân xã Yên Từ" {
		t.Fatal("signers out of order")
	}
	out := pdfsig(t, two)
	if strings.Count(out, "Signature is Valid") != 2 {
		t.Fatalf("pdfsig:\n%s", out)
	}
	last := lastSignatureBlock(out)
	if !strings.Contains(last, "Total document signed") || !strings.Contains(last, "ETSI.CAdES.detached") {
		t.Fatalf("pdfsig last signature:\n%s", last)
	}
}

func TestTextBlockAppearanceShowsVietnamese(t *testing.T) {
	f := fx(t)
	signed := sign(t, samplePDF(t), f.clerk, Options{Appearance: &Appearance{TextBlock: true,
		DocumentNumber: "H01.20-261126-0001-KQ1", Organization: "Ủy ban nhân dân xã Yên Từ"}})
	if !verify(t, signed, anchors(t)).Valid {
		t.Fatal("not valid")
	}
	testtool.Path(t, "pdftoppm", "apt-get install poppler-utils")
	// The appearance is drawn with an embedded font: pdftotext of a flattened copy is not
	// possible, but the widget's form XObject must carry the font program and the text.
	if !bytes.Contains(signed, []byte("/FontFile2")) || !bytes.Contains(signed, []byte("/Subtype /Form")) {
		t.Fatal("the appearance does not embed its font")
	}
	dir := t.TempDir()
	writeFile(filepath.Join(dir, "a.pdf"), signed)
	if out, err := exec.Command("pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", filepath.Join(dir, "a.pdf"), filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
}

func flipInFirstRange(t *testing.T, signed []byte) []byte {
	t.Helper()
	// A byte inside a compressed stream of the original document: the file still parses.
	i := bytes.Index(signed, []byte("stream\n"))
	if i < 0 {
		t.Fatal("no stream")
	}
	bad := append([]byte(nil), signed...)
	bad[i+20] ^= 0x01
	return bad
}

func TestFlippedByteIsInvalid(t *testing.T) {
	f := fx(t)
	signed := sign(t, samplePDF(t), f.leader, Options{})
	bad := flipInFirstRange(t, signed)
	rep := verify(t, bad, anchors(t))
	if rep.Valid || rep.Signatures[0].Intact {
		t.Fatalf("a changed byte must invalidate: %+v", rep.Signatures[0])
	}
	out := pdfsig(t, bad)
	if strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Signature is Invalid") && !strings.Contains(out, "Digest Mismatch") {
		t.Fatalf("pdfsig on a changed file:\n%s", out)
	}
}

// replaced appends to file an incremental update that replaces object r with v.
func replaced(t *testing.T, file []byte, r pdf.Ref, v any) []byte {
	t.Helper()
	doc, err := pdf.Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	u := pdf.NewUpdate(doc)
	u.Replace(r, v)
	return u.Write(nil)
}

func TestChangeAfterSigningIsReported(t *testing.T) {
	f := fx(t)
	signed := sign(t, samplePDF(t), f.leader, Options{})
	doc, err := pdf.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := doc.Pages(1)
	page, _ := doc.DictOf(pages[0])
	changed := page.Clone()
	changed.Set("Rotate", pdf.Number("90"))
	bad := replaced(t, signed, pages[0], changed)
	rep := verify(t, bad, anchors(t))
	if rep.Valid || !rep.ModifiedAfterSigning || !rep.Signatures[0].ModifiedAfterSigning || !rep.Signatures[0].Intact {
		t.Fatalf("changed page after signing: %+v", rep)
	}
	if !strings.Contains(rep.Summary, "thay đổi") {
		t.Fatalf("summary %q", rep.Summary)
	}
	// A further signature alone is not a modification (TestTwoSignaturesLeaderThenSeal),
	// and neither is an unchanged rewrite of an object.
	same := replaced(t, signed, pages[0], page)
	if rep := verify(t, same, anchors(t)); !rep.Valid || rep.ModifiedAfterSigning {
		t.Fatalf("unchanged rewrite reported: %+v", rep.Signatures[0])
	}
}

func TestXRefStreamAndObjectStreams(t *testing.T) {
	f := fx(t)
	src := pdfbomb.Compressed()
	if !lastSectionIsStream(src) {
		t.Fatal("the source's last section is not a cross-reference stream")
	}
	one := sign(t, src, f.leader, Options{Appearance: &Appearance{TextBlock: true, DocumentNumber: "12/QĐ-UBND"}})
	two := sign(t, one, f.clerk, Options{})
	// The updates are cross-reference streams too.
	if !lastSectionIsStream(one) || !lastSectionIsStream(two) {
		t.Fatal("an update's section is a table")
	}
	rep := verify(t, two, anchors(t))
	if !rep.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("report: %+v", rep)
	}
	out := pdfsig(t, two)
	if strings.Count(out, "Signature is Valid") != 2 || !strings.Contains(lastSignatureBlock(out), "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

// lastSectionIsStream tells whether the last cross-reference section of file (where its
// last startxref points) is a cross-reference stream rather than a table.
func lastSectionIsStream(file []byte) bool {
	i := bytes.LastIndex(file, []byte("startxref"))
	var off int
	if i < 0 {
		return false
	}
	if _, err := fmt.Sscan(string(file[i+len("startxref"):]), &off); err != nil || off < 0 || off >= len(file) {
		return false
	}
	section := file[off:]
	end := bytes.Index(section, []byte("endobj"))
	return !bytes.HasPrefix(section, []byte("xref")) && end > 0 && bytes.Contains(section[:end], []byte("/Type /XRef"))
}

func TestOtherProducers(t *testing.T) {
	f := fx(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	writeFile(in, samplePDF(t))
	tools := map[string][]string{
		"qpdf":       {"qpdf", "--object-streams=generate", in, filepath.Join(dir, "qpdf.pdf")},
		"pdftocairo": {"pdftocairo", "-pdf", in, filepath.Join(dir, "pdftocairo.pdf")},
	}
	ran := 0
	for tool, cmd := range tools {
		if _, err := exec.LookPath(cmd[0]); err != nil {
			continue
		}
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v %s", tool, err, out)
		}
		src, err := os.ReadFile(filepath.Join(dir, tool+".pdf"))
		if err != nil {
			t.Fatal(err)
		}
		if active, err := pdf.ActiveContent(src); err != nil || active {
			t.Fatalf("%s: taken for active content: %v %v", tool, active, err)
		}
		signed := sign(t, src, f.leader, Options{Appearance: &Appearance{Page: 2, Rect: [4]float64{300, 300, 450, 360},
			SignatureImage: stampPNG(t, color.NRGBA{0, 0, 200, 255}, 150, 60, false)}})
		signed = sign(t, signed, f.clerk, Options{})
		if rep := verify(t, signed, anchors(t)); !rep.Valid || len(rep.Signatures) != 2 {
			t.Fatalf("%s: %+v", tool, rep)
		}
		if out := pdfsig(t, signed); strings.Count(out, "Signature is Valid") != 2 {
			t.Fatalf("%s: pdfsig:\n%s", tool, out)
		}
		ran++
	}
	if ran == 0 {
		testtool.Missing(t, "neither qpdf nor pdftocairo is installed", "apt-get install qpdf poppler-utils")
	}
}

// TestSignedFilesHaveNoActiveContent: what signing and stamping write (a verification
// stamp, a text block, a second signature) is not taken for active content, so a signed
// result can be filed.
func TestSignedFilesHaveNoActiveContent(t *testing.T) {
	f := fx(t)
	stamped, err := AddStamp(samplePDF(t), Stamp{URL: "https://x.vn/xac-thuc?ma=A-KQ1", Code: "A-KQ1", Site: "x.vn/xac-thuc"})
	if err != nil {
		t.Fatal(err)
	}
	signed := sign(t, sign(t, stamped, f.leader, Options{Appearance: &Appearance{TextBlock: true, DocumentNumber: "KQ1"}}), f.clerk, Options{})
	if active, err := pdf.ActiveContent(signed); err != nil || active {
		t.Fatalf("signed twice with a stamp: %v %v, want clean", active, err)
	}
}

// tsaServer is an in-process RFC 3161 time-stamping authority.
func tsaServer(t *testing.T, ca *democa.CA) *httptest.Server {
	t.Helper()
	h, err := ca.TimestampAuthority()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestTimestampBT(t *testing.T) {
	f := fx(t)
	tsa := tsaServer(t, f.ca)
	signed := sign(t, samplePDF(t), f.leader, Options{TSAURL: tsa.URL, HTTPClient: tsa.Client()})
	rep := verify(t, signed, anchors(t))
	s := rep.Signatures[0]
	if !rep.Valid || s.Level != "PAdES-B-T" || s.Timestamp == nil || !s.Timestamp.Valid || !s.Timestamp.Trusted || s.SigningTimeSource != "timestamp" {
		t.Fatalf("B-T: %+v %+v", s, s.Timestamp)
	}
	// A stamp from an authority outside the anchors does not set the signing time.
	rogue, err := democa.New("Rogue TSA CA", true)
	if err != nil {
		t.Fatal(err)
	}
	rt := tsaServer(t, rogue)
	rep = verify(t, sign(t, samplePDF(t), f.leader, Options{TSAURL: rt.URL, HTTPClient: rt.Client()}), anchors(t))
	if s := rep.Signatures[0]; !rep.Valid || s.Timestamp == nil || !s.Timestamp.Valid || s.Timestamp.Trusted || s.SigningTimeSource != "claimed" {
		t.Fatalf("untrusted TSA: %+v %+v", s, s.Timestamp)
	}
	if out := pdfsig(t, signed); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
	// A TSA that fails is a clear error.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 503) }))
	defer down.Close()
	if _, err := SignPDF(context.Background(), samplePDF(t), f.leader, Options{TSAURL: down.URL}); !errors.Is(err, ErrTimestamp) {
		t.Fatalf("TSA down: %v", err)
	}
}

func TestRevocation(t *testing.T) {
	f := fx(t)
	var revokedSerial *big.Int
	mux := http.NewServeMux()
	mux.HandleFunc("/ocsp", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber, ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}
		if revokedSerial != nil && req.SerialNumber.Cmp(revokedSerial) == 0 {
			tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, time.Now().Add(-time.Hour), ocsp.KeyCompromise
		}
		resp, err := ocsp.CreateResponse(f.ca.Cert, f.ca.Cert, tmpl, f.ca.Key)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(resp)
	})
	mux.HandleFunc("/crl", func(w http.ResponseWriter, r *http.Request) {
		tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}
		if revokedSerial != nil {
			tmpl.RevokedCertificateEntries = []x509.RevocationListEntry{{SerialNumber: revokedSerial, RevocationTime: time.Now().Add(-time.Hour)}}
		}
		der, err := x509.CreateRevocationList(rand.Reader, tmpl, f.ca.Cert, f.ca.Key)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(der)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	opts := VerifyOptions{TrustAnchors: []*x509.Certificate{f.ca.Cert}, HTTPClient: srv.Client()}
	cases := []struct {
		name         string
		cert         democa.CertOptions
		revoke       bool
		status, meth string
		valid        bool
	}{
		{"ocsp good", democa.CertOptions{OCSPServer: []string{srv.URL + "/ocsp"}}, false, RevocationGood, "ocsp", true},
		{"ocsp revoked", democa.CertOptions{OCSPServer: []string{srv.URL + "/ocsp"}}, true, RevocationRevoked, "ocsp", false},
		{"crl good", democa.CertOptions{CRLURLs: []string{srv.URL + "/crl"}}, false, RevocationGood, "crl", true},
		{"crl revoked", democa.CertOptions{CRLURLs: []string{srv.URL + "/crl"}}, true, RevocationRevoked, "crl", false},
		{"unreachable", democa.CertOptions{OCSPServer: []string{"http://127.0.0.1:1/ocsp"}}, false, RevocationUnknown, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cert.CommonName, c.cert.ECDSA = "Trần Văn Bình", true
			cert, key, err := f.ca.Issue(c.cert)
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewKeySigner(key, []*x509.Certificate{cert, f.ca.Cert})
			if err != nil {
				t.Fatal(err)
			}
			revokedSerial = nil
			if c.revoke {
				revokedSerial = cert.SerialNumber
			}
			rep := verify(t, sign(t, samplePDF(t), s, Options{}), opts)
			r := rep.Signatures[0].Revocation
			if r.Status != c.status || r.Method != c.meth || rep.Valid != c.valid {
				t.Fatalf("got %+v valid=%v", r, rep.Valid)
			}
		})
	}
}

func code(err error) string { return apperr.From(err).Code }

func TestBadInputs(t *testing.T) {
	f := fx(t)
	ctx := context.Background()
	doc := samplePDF(t)
	signerWith := func(o democa.CertOptions) Signer {
		o.CommonName, o.ECDSA = "Lê Văn Cường", true
		cert, key, err := f.ca.Issue(o)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewKeySigner(key, []*x509.Certificate{cert, f.ca.Cert})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name   string
		pdf    []byte
		signer Signer
		want   *apperr.Error
	}{
		{"expired", doc, signerWith(democa.CertOptions{NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1)}), ErrCertExpired},
		{"not yet valid", doc, signerWith(democa.CertOptions{NotBefore: time.Now().AddDate(0, 0, 1)}), ErrCertNotYetValid},
		{"no signing key usage", doc, signerWith(democa.CertOptions{NoKeyUsage: true}), ErrCertNoSigning},
		{"not a PDF", []byte("hello, world"), f.leader, pdf.ErrInvalid},
		{"truncated PDF", doc[:len(doc)/2], f.leader, pdf.ErrInvalid},
		{"encrypted PDF", pdfbomb.Encrypted(), f.leader, pdf.ErrEncrypted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := SignPDF(ctx, c.pdf, c.signer, Options{})
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %s", err, c.want.Code)
			}
			if apperr.From(err).Message == "" {
				t.Fatal("no message")
			}
		})
	}
	// Verification of the same bad files.
	for _, c := range []struct {
		pdf  []byte
		want *apperr.Error
	}{{[]byte("%PDF-1.4 garbage"), pdf.ErrInvalid}, {pdfbomb.Encrypted(), pdf.ErrEncrypted}, {doc, ErrNoSignature}} {
		if _, err := VerifyPDF(ctx, c.pdf, anchors(t)); !errors.Is(err, c.want) {
			t.Errorf("verify: got %v, want %s", err, c.want.Code)
		}
	}
	// A bad image.
	_, err := SignPDF(ctx, doc, f.leader, Options{Appearance: &Appearance{Rect: [4]float64{0, 0, 100, 100}, SignatureImage: []byte("not a png")}})
	if !errors.Is(err, ErrImageInvalid) {
		t.Fatalf("bad image: %v", err)
	}
}

func TestPKCS12(t *testing.T) {
	f := fx(t)
	cert, key, err := f.ca.Issue(democa.CertOptions{CommonName: "Phạm Thị Dung"})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := democa.EncodePKCS12(key, cert, []*x509.Certificate{f.ca.Cert}, "mật-khẩu đúng")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPKCS12(p12, "sai"); !errors.Is(err, ErrWrongPassphrase) || code(err) != "p12_wrong_passphrase" {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := LoadPKCS12([]byte("junk"), "x"); !errors.Is(err, ErrP12Invalid) {
		t.Fatalf("junk: %v", err)
	}
	s, err := LoadPKCS12(p12, "mật-khẩu đúng")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Chain()) != 2 || !s.Chain()[1].Equal(f.ca.Cert) {
		t.Fatal("chain not read")
	}
	if rep := verify(t, sign(t, samplePDF(t), s, Options{}), anchors(t)); !rep.Valid {
		t.Fatalf("RSA signature: %+v", rep.Signatures[0])
	}
}

// TestOpenSSLPKCS12 loads a file written by `openssl pkcs12 -export`, which in OpenSSL 3
// uses PBES2 with AES-256-CBC.
func TestOpenSSLPKCS12(t *testing.T) {
	testtool.Path(t, "openssl", "apt-get install openssl")
	f := fx(t)
	cert, key, err := f.ca.Issue(democa.CertOptions{CommonName: "Hoàng Văn Em"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(filepath.Join(dir, "key.pem"), pemBlock("PRIVATE KEY", keyDER))
	writeFile(filepath.Join(dir, "cert.pem"), CertPEM(cert))
	writeFile(filepath.Join(dir, "ca.pem"), CertPEM(f.ca.Cert))
	p := filepath.Join(dir, "o.p12")
	out, err := exec.Command("openssl", "pkcs12", "-export", "-inkey", filepath.Join(dir, "key.pem"), "-in", filepath.Join(dir, "cert.pem"),
		"-certfile", filepath.Join(dir, "ca.pem"), "-passout", "pass:bí mật", "-out", p).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v %s", err, out)
	}
	info, _ := exec.Command("openssl", "pkcs12", "-info", "-noout", "-in", p, "-passin", "pass:bí mật").CombinedOutput()
	t.Logf("openssl pkcs12 -info: %s", info)
	data, _ := os.ReadFile(p)
	s, err := LoadPKCS12(data, "bí mật")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if !s.Chain()[0].Equal(cert) {
		t.Fatal("wrong certificate")
	}
	if _, err := LoadPKCS12(data, "khác"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
}

func TestExternalSigner(t *testing.T) {
	f := fx(t)
	cert, key, err := f.ca.Issue(democa.CertOptions{CommonName: "Token USB", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	chain := []*x509.Certificate{cert, f.ca.Cert}
	var sent []byte
	ext := &ExternalSigner{Certificates: chain, Sign: func(ctx context.Context, digest []byte) ([]byte, error) {
		sent = digest // only the hash leaves
		return BuildCMS(digest, key, chain)
	}}
	signed := sign(t, samplePDF(t), ext, Options{})
	if len(sent) != 32 {
		t.Fatalf("digest sent: %x", sent)
	}
	if rep := verify(t, signed, anchors(t)); !rep.Valid {
		t.Fatalf("external: %+v", rep.Signatures[0])
	}
	// A device that signs something else is caught before the PDF is written.
	liar := &ExternalSigner{Certificates: chain, Sign: func(ctx context.Context, digest []byte) ([]byte, error) {
		other := make([]byte, 32)
		return BuildCMS(other, key, chain)
	}}
	if _, err := SignPDF(context.Background(), samplePDF(t), liar, Options{}); !errors.Is(err, ErrExternalSigner) {
		t.Fatalf("liar: %v", err)
	}
	failing := &ExternalSigner{Certificates: chain, Sign: func(ctx context.Context, digest []byte) ([]byte, error) {
		return nil, errors.New("token removed")
	}}
	if _, err := SignPDF(context.Background(), samplePDF(t), failing, Options{}); !errors.Is(err, ErrExternalSigner) {
		t.Fatalf("failing: %v", err)
	}
}

func TestRegisterMatch(t *testing.T) {
	f := fx(t)
	signed := sign(t, samplePDF(t), f.leader, Options{})
	opts := anchors(t)
	var asked string
	opts.Register = func(ctx context.Context, h string) (*IssuedDocument, error) {
		asked = h
		return &IssuedDocument{DossierCode: "H01.20-261126-0001", DocumentCode: "H01.20-261126-0001-KQ1", SHA256: h,
			Kind: "result", Version: 1, Latest: true}, nil
	}
	rep := verify(t, signed, opts)
	if rep.IssuedByXaso == nil || asked != rep.SHA256 || !strings.Contains(rep.Summary, "H01.20-261126-0001-KQ1") ||
		strings.Contains(rep.Summary, "chưa phải bản cuối") {
		t.Fatalf("register: %+v", rep)
	}
	// An earlier version (the leader's signature before the seal) is told apart.
	opts.Register = func(ctx context.Context, h string) (*IssuedDocument, error) {
		return &IssuedDocument{DossierCode: "H01.20-261126-0001", DocumentCode: "H01.20-261126-0001-KQ1", SHA256: h,
			Kind: "result", Version: 1}, nil
	}
	if rep := verify(t, signed, opts); !strings.Contains(rep.Summary, "chưa phải bản cuối") {
		t.Fatalf("an earlier version: %s", rep.Summary)
	}
}

// TestFormsPDF seal-signs form 01 as internal/forms writes it (A5, fpdf).
func TestFormsPDF(t *testing.T) {
	f := fx(t)
	var b bytes.Buffer
	r := forms.Receipt{Code: "H01.20-261126-0001", Request: "Đăng ký khai sinh", Applicant: forms.Person{Name: "Nguyễn Văn An"},
		ReceivedAt: time.Date(2026, 11, 26, 9, 0, 0, 0, locale.Zone), DueAt: time.Date(2026, 11, 27, 9, 0, 0, 0, locale.Zone)}
	if err := r.PDF(&b); err != nil {
		t.Fatal(err)
	}
	signed := sign(t, b.Bytes(), f.clerk, Options{Reason: "Sao y bản chính điện tử", Appearance: &Appearance{TextBlock: true,
		DocumentNumber: "H01.20-261126-0001", Organization: "Ủy ban nhân dân xã Yên Từ"}})
	if rep := verify(t, signed, anchors(t)); !rep.Valid {
		t.Fatalf("%+v", rep.Signatures[0])
	}
	if out := pdfsig(t, signed); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

func TestSealedPKCS12(t *testing.T) {
	f := fx(t)
	cert, key, err := f.ca.Issue(democa.CertOptions{CommonName: "Nguyễn Văn Dũng", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := democa.EncodePKCS12(key, cert, []*x509.Certificate{f.ca.Cert}, "đúng")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := SealPKCS12(p12, "sai"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("seal with a wrong passphrase: %v", err)
	}
	sealed, s, err := SealPKCS12(p12, "đúng")
	if err != nil || !s.Chain()[0].Equal(cert) {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, cert.Raw) {
		t.Fatal("the sealed file shows the certificate")
	}
	if _, err := OpenSealedPKCS12(sealed, "sai"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("open with a wrong passphrase: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := OpenSealedPKCS12(sealed, "đúng"); err == nil {
		t.Fatal("a tampered sealed file opened")
	}
	sealed[len(sealed)-1] ^= 1
	o, err := OpenSealedPKCS12(sealed, "đúng")
	if err != nil || !o.Chain()[0].Equal(cert) {
		t.Fatalf("open: %v", err)
	}
}
