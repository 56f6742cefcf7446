package xmldsig

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/xaso-vn/xaso/internal/testtool"
)

// find returns the first element with this local name.
func find(t *testing.T, doc, local string) *node {
	t.Helper()
	root, err := parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var out *node
	walk(root, func(n *node) {
		if out == nil && n.local == local {
			out = n
		}
	})
	if out == nil {
		t.Fatalf("no %s", local)
	}
	return out
}

// TestCanonicalVectors: known-good outputs. The first is the example of Exclusive XML
// Canonicalization 1.0 §2.2 (https://www.w3.org/TR/xml-exc-c14n/#sec-Enveloping): the
// subtree of n1:elem2 takes n1 and n3 (visibly used) but not n0, which only its parent
// uses, and keeps its own xml:lang.
func TestCanonicalVectors(t *testing.T) {
	for _, tc := range []struct{ name, doc, elem, want string }{
		{"spec 2.2", `<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org">
  <n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
     <n3:stuff xmlns:n3="ftp://example.org"/>
  </n1:elem2>
</n0:local>`, "elem2", `<n1:elem2 xmlns:n1="http://example.net" xml:lang="en">
     <n3:stuff xmlns:n3="ftp://example.org"></n3:stuff>
  </n1:elem2>`},
		{"prefix used only by an attribute, declared above", `<r xmlns:p="urn:p" xmlns:q="urn:q"><e q:b="2" p:a="1" a="0"/></r>`, "e",
			`<e xmlns:p="urn:p" xmlns:q="urn:q" a="0" p:a="1" q:b="2"></e>`},
		{"default namespace and its undeclaration, escapes", "<a xmlns=\"urn:a\"><b z=\"1\" Id=\"x\" a=\"&quot;&lt;&#9;&#10;\"><c xmlns=\"\">t&amp;&lt;&gt;\"'&#13;</c><?pi  data?><!-- gone --></b></a>", "b",
			"<b xmlns=\"urn:a\" Id=\"x\" a=\"&quot;&lt;&#x9;&#xA;\" z=\"1\"><c xmlns=\"\">t&amp;&lt;&gt;\"'&#xD;</c><?pi data?></b>"},
		{"rebinding below", `<x:a xmlns:x="urn:1"><x:b xmlns:x="urn:2"><x:c/></x:b></x:a>`, "a",
			`<x:a xmlns:x="urn:1"><x:b xmlns:x="urn:2"><x:c></x:c></x:b></x:a>`},
		{"superfluous declarations dropped", `<a xmlns="urn:a" xmlns:unused="urn:u"><b xmlns="urn:a"/></a>`, "a",
			`<a xmlns="urn:a"><b></b></a>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(canonicalize(find(t, tc.doc, tc.elem), nil))
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestCanonicalAgainstXmllint: the whole documents canonicalise as libxml2's
// exclusive canonicalisation does (skipped without xmllint: apt-get install
// libxml2-utils). xmllint's --exc-c14n keeps comments, so these documents have none;
// dropping them is checked in TestCanonicalVectors.
func TestCanonicalAgainstXmllint(t *testing.T) {
	xmllint := testtool.Path(t, "xmllint", "apt-get install libxml2-utils")
	for i, doc := range []string{
		receipt,
		`<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n0:local>`,
		"<a xmlns=\"urn:a\" b=\"1\" a=\"&#9;x\"><b xmlns=\"\" xmlns:p=\"urn:p\" p:z=\"&lt;\">&amp;\"'&gt;<c/></b></a>",
	} {
		f := filepath.Join(t.TempDir(), "doc.xml")
		if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		want, err := exec.Command(xmllint, "--exc-c14n", f).Output()
		if err != nil {
			t.Fatalf("xmllint: %v", err)
		}
		got, err := Canonicalize([]byte(doc), "")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("document %d:\ngot  %s\nwant %s", i, got, want)
		}
	}
}

// receipt is a record as payment.FeeReceiptXML writes it (shortened).
const receipt = `<?xml version="1.0" encoding="UTF-8"?>
<Receipt xmlns="urn:xaso:receipt:1" version="1">
  <Data Id="data">
    <Name>BIÊN LAI THU PHÍ, LỆ PHÍ</Name>
    <Template>EBL01</Template>
    <Series>26T</Series>
    <Number>12</Number>
    <Collector>
      <Name>Ủy ban nhân dân xã Yên Từ &amp; &#34;Bộ phận một cửa&#34;</Name>
      <TaxCode>2700123456</TaxCode>
    </Collector>
    <Total>16000</Total>
    <TotalInWords>Mười sáu nghìn đồng</TotalInWords>
  </Data>
  <CollectorSignature></CollectorSignature>
</Receipt>
`

func rsaSigner(t *testing.T) *Signer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "UBND xã Yên Từ"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s, err := New(key, cert)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func signers(t *testing.T) map[string]*Signer {
	t.Helper()
	ec, err := Ephemeral("UBND xã Yên Từ", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Signer{"ecdsa": ec, "rsa": rsaSigner(t)}
}

func TestSignVerify(t *testing.T) {
	for name, s := range signers(t) {
		t.Run(name, func(t *testing.T) {
			signed, err := s.Sign([]byte(receipt), "data")
			if err != nil {
				t.Fatal(err)
			}
			cert, err := Verify(signed)
			if err != nil {
				t.Fatalf("verify: %v\n%s", err, signed)
			}
			if !cert.Equal(s.Certificate()) || Name(cert) != "UBND xã Yên Từ" {
				t.Errorf("certificate %v", cert.Subject)
			}
			// The signed element's bytes did not change: its digest is the unsigned one's.
			before, _ := Canonicalize([]byte(receipt), "data")
			after, _ := Canonicalize(signed, "data")
			if !bytes.Equal(before, after) {
				t.Error("signing changed the signed element")
			}
			other, err := Ephemeral("Kẻ giả mạo", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			otherSigned, _ := other.Sign([]byte(receipt), "data")
			otherCert := between(string(otherSigned), "<ds:X509Certificate>", "</ds:X509Certificate>")
			for what, tamper := range map[string]func(string) string{
				"amount changed":    func(s string) string { return strings.Replace(s, "<Total>16000", "<Total>1600", 1) },
				"words changed":     func(s string) string { return strings.Replace(s, "Mười sáu", "Sáu", 1) },
				"attribute added":   func(s string) string { return strings.Replace(s, `<Data Id="data">`, `<Data Id="data" x="1">`, 1) },
				"digest changed":    func(s string) string { return replaceBetween(s, "<ds:DigestValue>", "</ds:DigestValue>", "AAAA") },
				"signature changed": func(s string) string { return replaceBetween(s, "<ds:SignatureValue>", "</ds:SignatureValue>", "AAAA") },
				"certificate swapped": func(s string) string {
					return replaceBetween(s, "<ds:X509Certificate>", "</ds:X509Certificate>", otherCert)
				},
				"algorithm changed": func(s string) string {
					return strings.Replace(s, "sha256\"></ds:DigestMethod>", "sha1\"></ds:DigestMethod>", 1)
				},
				"element wrapped": func(s string) string {
					return strings.Replace(s, "</Receipt>", `<Data Id="data"><Total>1</Total></Data></Receipt>`, 1)
				},
				"signature removed": func(s string) string {
					return replaceBetween(s, "<CollectorSignature>", "</CollectorSignature>", "")
				},
			} {
				if _, err := Verify([]byte(tamper(string(signed)))); !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsigned) {
					t.Errorf("%s: %v, want invalid", what, err)
				}
			}
			if _, err := Verify([]byte("<a><b>")); err == nil {
				t.Error("malformed XML verifies")
			}
		})
	}
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}

func replaceBetween(s, from, to, with string) string {
	return strings.Replace(s, from+between(s, from, to)+to, from+with+to, 1)
}

func TestSignRefuses(t *testing.T) {
	s := signers(t)["ecdsa"]
	for name, doc := range map[string]string{
		"no slot":      strings.Replace(receipt, "<CollectorSignature></CollectorSignature>", "", 1),
		"no element":   strings.Replace(receipt, `Id="data"`, `Id="other"`, 1),
		"two elements": strings.Replace(receipt, "</Receipt>", `<X Id="data"></X></Receipt>`, 1),
		"doctype":      strings.Replace(receipt, "<Receipt ", "<!DOCTYPE Receipt><Receipt ", 1),
	} {
		if _, err := s.Sign([]byte(doc), "data"); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}

// TestXmlsec1Verifies: libxmlsec's verifier accepts the signatures (skipped without
// xmlsec1: apt-get install xmlsec1).
func TestXmlsec1Verifies(t *testing.T) {
	xmlsec := testtool.Path(t, "xmlsec1", "apt-get install xmlsec1")
	for name, s := range signers(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			signed, err := s.Sign([]byte(receipt), "data")
			if err != nil {
				t.Fatal(err)
			}
			doc, pemFile := filepath.Join(dir, "r.xml"), filepath.Join(dir, "cert.pem")
			os.WriteFile(doc, signed, 0o600)
			os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o600)
			verify := func(file string) (string, error) {
				out, err := exec.Command(xmlsec, "--verify", "--id-attr:Id", "urn:xaso:receipt:1:Data", "--trusted-pem", pemFile, file).CombinedOutput()
				return string(out), err
			}
			if out, err := verify(doc); err != nil {
				t.Fatalf("xmlsec1 refuses the signature: %v\n%s", err, out)
			}
			tampered := filepath.Join(dir, "t.xml")
			os.WriteFile(tampered, bytes.Replace(signed, []byte("16000"), []byte("16001"), 1), 0o600)
			if out, err := verify(tampered); err == nil {
				t.Errorf("xmlsec1 accepts a tampered record:\n%s", out)
			}
		})
	}
}

func TestLoadPKCS12(t *testing.T) {
	s := rsaSigner(t)
	data, err := pkcs12.Modern.Encode(s.key, s.cert, nil, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadPKCS12(data, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := loaded.Sign([]byte(receipt), "data")
	if err != nil {
		t.Fatal(err)
	}
	if cert, err := Verify(signed); err != nil || !cert.Equal(s.cert) {
		t.Errorf("verify: %v", err)
	}
	if _, err := LoadPKCS12(data, "sai"); !errors.Is(err, ErrKey) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := New(s.key, signers(t)["ecdsa"].cert); !errors.Is(err, ErrKey) {
		t.Errorf("key of another certificate: %v", err)
	}
}

// FuzzVerify: whatever the bytes, Verify answers without panicking, with the signer's
// certificate whenever it accepts.
func FuzzVerify(f *testing.F) {
	s, err := Ephemeral("fuzz", time.Now())
	if err != nil {
		f.Fatal(err)
	}
	signed, err := s.Sign([]byte(receipt), "data")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add([]byte(receipt))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if cert, err := Verify(doc); err == nil && cert == nil {
			t.Error("accepted without a certificate")
		}
	})
}
