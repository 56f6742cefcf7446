// Package democa is a certification authority for the demo commune and for tests: it
// issues keys and certificates (PKCS#12 files for the demo's officials and units), runs
// an RFC 3161 time-stamping authority and draws demo signature and seal images. It is
// never a trust anchor outside demo mode: its certificates say "THỬ NGHIỆM" (test) in
// their names. `xaso demo-ca`, `xaso serve --demo` and the tests use it; it imports no
// other xaso package, so that any package's tests may.
package democa

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/big"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"

	"software.sslmate.com/src/go-pkcs12"
)

// CA is a certification authority for the demo commune and for tests.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// CertOptions shape an issued certificate. Zero values give a signing certificate valid
// for two years from now with digitalSignature and nonRepudiation.
type CertOptions struct {
	CommonName   string
	Organization string
	Title        string // the holder's position (chức vụ), attribute 2.5.4.12
	NotBefore    time.Time
	NotAfter     time.Time
	KeyUsage     x509.KeyUsage // 0 means digitalSignature|contentCommitment
	NoKeyUsage   bool          // issue without the key usage extension's signing bits
	OCSPServer   []string
	CRLURLs      []string
	ExtKeyUsage  []x509.ExtKeyUsage
	ECDSA        bool // a P-256 key instead of RSA-2048 (faster, for tests)
	IsCA         bool
}

func newKey(ec bool) (crypto.Signer, error) {
	if ec {
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	return rsa.GenerateKey(rand.Reader, 2048)
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
}

func subjectKeyID(pub crypto.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	h := sha256.Sum256(der)
	return h[:20]
}

// New makes a self-signed root valid for ten years.
func New(commonName string, ec bool) (*CA, error) {
	key, err := newKey(ec)
	if err != nil {
		return nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"xaso (THỬ NGHIỆM)"}, Country: []string{"VN"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SubjectKeyId:          subjectKeyID(key.Public()),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// Issue makes a key and a certificate signed by the CA.
func (ca *CA) Issue(o CertOptions) (*x509.Certificate, crypto.Signer, error) {
	key, err := newKey(o.ECDSA)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.AddDate(2, 0, 0)
	}
	ku := o.KeyUsage
	if ku == 0 {
		ku = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	}
	if o.NoKeyUsage {
		ku = x509.KeyUsageKeyEncipherment
	}
	subj := pkix.Name{CommonName: o.CommonName, Country: []string{"VN"}}
	if o.Organization != "" {
		subj.Organization = []string{o.Organization}
	}
	if o.Title != "" {
		subj.ExtraNames = append(subj.ExtraNames, pkix.AttributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 12}, Value: o.Title})
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               subj,
		NotBefore:             o.NotBefore,
		NotAfter:              o.NotAfter,
		KeyUsage:              ku,
		BasicConstraintsValid: true,
		IsCA:                  o.IsCA,
		ExtKeyUsage:           o.ExtKeyUsage,
		OCSPServer:            o.OCSPServer,
		CRLDistributionPoints: o.CRLURLs,
		SubjectKeyId:          subjectKeyID(key.Public()),
		AuthorityKeyId:        ca.Cert.SubjectKeyId,
	}
	if o.IsCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// EncodePKCS12 writes key, certificate and chain as OpenSSL 3 does by default: PBES2
// with AES-256-CBC and PBKDF2-HMAC-SHA-256 for the key and certificates, and an
// HMAC-SHA-256 integrity MAC.
func EncodePKCS12(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, passphrase string) ([]byte, error) {
	return pkcs12.Modern2023.Encode(key, cert, chain, passphrase)
}

// Images draws a blue handwritten-like stroke (the signature image) and a red ring
// (the seal image) as transparent PNGs, for the demo commune and tests. Real images are
// scanned from the official's signature and the organisation's seal.
func Images() (signature, seal []byte, err error) {
	sig := image.NewNRGBA(image.Rect(0, 0, 360, 140))
	blue := color.NRGBA{0x10, 0x2a, 0xc8, 0xff}
	for x := 20; x < 340; x++ {
		fx := float64(x)
		y := 70 + 35*math.Sin(fx/28) - (fx-180)*0.12
		for d := -2; d <= 2; d++ {
			sig.SetNRGBA(x, int(y)+d, blue)
		}
	}
	seal2 := image.NewNRGBA(image.Rect(0, 0, 300, 300))
	red := color.NRGBA{0xd8, 0x10, 0x10, 0xff}
	for y := 0; y < 300; y++ {
		for x := 0; x < 300; x++ {
			r := math.Hypot(float64(x)-150, float64(y)-150)
			if (r <= 148 && r >= 136) || (r <= 100 && r >= 94) || (math.Abs(float64(y)-150) < 6 && r < 94) {
				seal2.SetNRGBA(x, y, red)
			}
		}
	}
	var a, b bytes.Buffer
	if err := png.Encode(&a, sig); err != nil {
		return nil, nil, err
	}
	if err := png.Encode(&b, seal2); err != nil {
		return nil, nil, err
	}
	return a.Bytes(), b.Bytes(), nil
}

// TimestampAuthority is an RFC 3161 time-stamping authority whose certificate the CA
// issues, for demos and tests of PAdES B-T (never for real documents).
func (ca *CA) TimestampAuthority() (http.Handler, error) {
	cert, key, err := ca.Issue(CertOptions{CommonName: "xaso TSA THỬ NGHIỆM", ECDSA: true, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage, Time: time.Now(),
			Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 2, 3, 4}, AddTSACertificate: req.Certificates}
		resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}), nil
}
