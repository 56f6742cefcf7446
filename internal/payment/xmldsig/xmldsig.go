// Package xmldsig signs and verifies xaso's XML records — the electronic fee receipt and
// the day's receipt summary (package payment) — with an XML-DSig signature
// (https://www.w3.org/TR/xmldsig-core1/) of the collecting unit.
//
// The records keep their signed content in one element with an Id ("data") and leave an
// empty element for the signature (CollectorSignature). Sign puts one ds:Signature
// there with:
//
//   - one Reference to "#data", with the transforms enveloped-signature and exclusive
//     canonicalisation (the signature sits outside the signed element, so the first
//     removes nothing: it is there so that verifiers treat the signature as enveloped);
//   - digest SHA-256; SignedInfo canonicalised by exclusive canonicalisation;
//   - RSA-SHA256 (PKCS #1 v1.5) or ECDSA-SHA256 (r‖s, RFC 4051) by the key's type;
//   - the signer's X.509 certificate (and its chain) in KeyInfo.
//
// Verify checks such a signature and returns the certificate that made it; whether that
// certificate is the unit's is the caller's decision (see Signer.Certificate).
package xmldsig

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
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Algorithm identifiers.
const (
	NS              = "http://www.w3.org/2000/09/xmldsig#"
	ExcC14N         = "http://www.w3.org/2001/10/xml-exc-c14n#"
	Enveloped       = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	SHA256          = "http://www.w3.org/2001/04/xmlenc#sha256"
	RSASHA256       = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	ECDSASHA256     = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	defaultSlotName = "CollectorSignature"
)

// Errors of the package; their codes are stable.
var (
	// ErrInvalid: the signature does not verify, or the document is not one this
	// package signs (wrong algorithms, several references, duplicated Ids…).
	ErrInvalid = apperr.New(apperr.Invalid, "invalid_xml_signature", "Chữ ký số của bản ghi XML không hợp lệ.")
	// ErrUnsigned: the document carries no signature.
	ErrUnsigned = apperr.New(apperr.Invalid, "xml_unsigned", "Bản ghi XML chưa được ký số.")
	// ErrKey: the key or certificate cannot sign.
	ErrKey = errors.New("xmldsig: unusable signing key")
	// ErrTooComplex: the document is larger, deeper or has more elements or attributes
	// than a record (limits in c14n.go).
	ErrTooComplex = apperr.New(apperr.Invalid, "xml_too_complex", "Bản ghi XML quá lớn, lồng nhau quá sâu hoặc có quá nhiều phần tử; không xử lý được.")
	// ErrDoctype: the document declares a DOCTYPE (entities, defaults), which records
	// never do and which could expand without end.
	ErrDoctype = apperr.New(apperr.Invalid, "xml_doctype_refused", "Bản ghi XML có khai báo DOCTYPE hoặc thực thể (entity); không được chấp nhận.")
)

// Signer signs records with a unit's key and certificate.
type Signer struct {
	key   crypto.Signer
	cert  *x509.Certificate
	chain []*x509.Certificate
}

// New makes a signer of key and its certificate (and the intermediate certificates to
// put in KeyInfo after it). The key must be RSA (2048 bits or more) or ECDSA P-256, and
// be the certificate's.
func New(key crypto.Signer, cert *x509.Certificate, chain ...*x509.Certificate) (*Signer, error) {
	if key == nil || cert == nil {
		return nil, fmt.Errorf("%w: no key or no certificate", ErrKey)
	}
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("%w: RSA key of %d bits", ErrKey, k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA key not on P-256", ErrKey)
		}
	default:
		return nil, fmt.Errorf("%w: key type %T", ErrKey, key.Public())
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("%w: the key is not the certificate's", ErrKey)
	}
	return &Signer{key: key, cert: cert, chain: chain}, nil
}

// LoadPKCS12 reads a PKCS #12 file (.p12, .pfx), as a certification authority delivers
// a unit's key and certificate, including OpenSSL 3's AES-encrypted files.
func LoadPKCS12(data []byte, password string) (*Signer, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("%w: PKCS #12: %v", ErrKey, err)
	}
	k, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: PKCS #12 key of type %T", ErrKey, key)
	}
	return New(k, cert, chain...)
}

// Ephemeral makes a throw-away ECDSA key with a self-signed certificate for name, valid
// a year from now: for the demo and tests, never for real receipts (nothing trusts it).
func Ephemeral(name string, now time.Time) (*Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name, Organization: []string{"xaso demo (không có giá trị pháp lý)"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return New(key, cert)
}

// Certificate is the signer's certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Name is the signer's name as a page shows it: the certificate's common name, else its
// organisation.
func Name(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return strings.Join(c.Subject.Organization, ", ")
}

func (s *Signer) algorithm() string {
	if _, ok := s.key.Public().(*ecdsa.PublicKey); ok {
		return ECDSASHA256
	}
	return RSASHA256
}

// signedInfo writes the SignedInfo element in its exclusive canonical form, with its
// namespace declared on itself: these exact bytes are what is signed, and they are
// what canonicalisation gives back from the signed document.
func signedInfo(alg, id string, digest []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<ds:SignedInfo xmlns:ds="` + NS + `">`)
	b.WriteString(`<ds:CanonicalizationMethod Algorithm="` + ExcC14N + `"></ds:CanonicalizationMethod>`)
	b.WriteString(`<ds:SignatureMethod Algorithm="` + alg + `"></ds:SignatureMethod>`)
	b.WriteString(`<ds:Reference URI="#`)
	escapeAttr(&b, id)
	b.WriteString(`"><ds:Transforms><ds:Transform Algorithm="` + Enveloped + `"></ds:Transform>`)
	b.WriteString(`<ds:Transform Algorithm="` + ExcC14N + `"></ds:Transform></ds:Transforms>`)
	b.WriteString(`<ds:DigestMethod Algorithm="` + SHA256 + `"></ds:DigestMethod>`)
	b.WriteString(`<ds:DigestValue>` + base64.StdEncoding.EncodeToString(digest) + `</ds:DigestValue>`)
	b.WriteString(`</ds:Reference></ds:SignedInfo>`)
	return b.Bytes()
}

// Sign signs the element of doc whose Id is id and puts the signature in the document's
// empty CollectorSignature element, which must appear once, outside the signed element.
func (s *Signer) Sign(doc []byte, id string) ([]byte, error) {
	return s.SignInto(doc, id, defaultSlotName)
}

// SignInto is Sign with the name of the empty element that receives the signature.
func (s *Signer) SignInto(doc []byte, id, slot string) ([]byte, error) {
	empty := []byte("<" + slot + "></" + slot + ">")
	if bytes.Count(doc, empty) != 1 {
		return nil, fmt.Errorf("%w: the document has no single empty <%s> element", ErrInvalid, slot)
	}
	root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	target, err := byID(root, id)
	if err != nil {
		return nil, err
	}
	inside := false
	walk(target, func(n *node) { inside = inside || n.local == slot })
	if inside {
		return nil, fmt.Errorf("%w: the signature's place is inside the signed element", ErrInvalid)
	}
	digest := sha256.Sum256(canonicalize(target, nil))
	si := signedInfo(s.algorithm(), id, digest[:])
	sum := sha256.Sum256(si)
	sig, err := s.key.Sign(rand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("xmldsig: sign: %w", err)
	}
	if _, ok := s.key.Public().(*ecdsa.PublicKey); ok {
		if sig, err = ecdsaRaw(sig); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	b.WriteString(`<ds:Signature xmlns:ds="` + NS + `">`)
	// SignedInfo repeats the ds declaration its parent makes: canonicalisation renders it
	// on SignedInfo either way, and writing it keeps the signed bytes literally in the
	// document.
	b.Write(si)
	b.WriteString(`<ds:SignatureValue>` + base64.StdEncoding.EncodeToString(sig) + `</ds:SignatureValue>`)
	b.WriteString(`<ds:KeyInfo><ds:X509Data>`)
	for _, c := range append([]*x509.Certificate{s.cert}, s.chain...) {
		b.WriteString(`<ds:X509Certificate>` + base64.StdEncoding.EncodeToString(c.Raw) + `</ds:X509Certificate>`)
	}
	b.WriteString(`</ds:X509Data></ds:KeyInfo></ds:Signature>`)
	return bytes.Replace(doc, empty, []byte("<"+slot+">"+b.String()+"</"+slot+">"), 1), nil
}

// ecdsaRaw turns an ASN.1 ECDSA signature into XML-DSig's r‖s, 32 bytes each on P-256.
func ecdsaRaw(der []byte) ([]byte, error) {
	var v struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &v); err != nil {
		return nil, fmt.Errorf("xmldsig: ECDSA signature: %w", err)
	}
	out := make([]byte, 64)
	v.R.FillBytes(out[:32])
	v.S.FillBytes(out[32:])
	return out, nil
}

// xmlSignature is the ds:Signature element as Verify reads it.
type xmlSignature struct {
	SignedInfo struct {
		C14N      algo `xml:"http://www.w3.org/2000/09/xmldsig# CanonicalizationMethod"`
		Method    algo `xml:"http://www.w3.org/2000/09/xmldsig# SignatureMethod"`
		Reference []struct {
			URI        string `xml:"URI,attr"`
			Transforms []algo `xml:"http://www.w3.org/2000/09/xmldsig# Transforms>Transform"`
			Digest     algo   `xml:"http://www.w3.org/2000/09/xmldsig# DigestMethod"`
			Value      string `xml:"http://www.w3.org/2000/09/xmldsig# DigestValue"`
		} `xml:"http://www.w3.org/2000/09/xmldsig# Reference"`
	} `xml:"http://www.w3.org/2000/09/xmldsig# SignedInfo"`
	Value string   `xml:"http://www.w3.org/2000/09/xmldsig# SignatureValue"`
	Certs []string `xml:"http://www.w3.org/2000/09/xmldsig# KeyInfo>X509Data>X509Certificate"`
}

type algo struct {
	Algorithm string `xml:"Algorithm,attr"`
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Verify checks the one signature of doc: the digest of the element it references
// (exclusively canonicalised, the signature left out) and the signature value over its
// canonical SignedInfo with the public key of the first certificate in KeyInfo, which
// it returns. It accepts only what Sign writes: exclusive canonicalisation, SHA-256,
// RSA- or ECDSA-SHA256, one same-document reference to a unique Id.
func Verify(doc []byte) (*x509.Certificate, error) {
	certs, err := VerifyChain(doc)
	if err != nil {
		return nil, err
	}
	return certs[0], nil
}

// VerifyChain is Verify returning every certificate of KeyInfo: the signer's first, then
// the issuers it carries, from which a caller builds the chain to its trust anchors
// (signing.VerifyChain). Certificates after the first that do not parse are refused.
func VerifyChain(doc []byte) ([]*x509.Certificate, error) {
	root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	var sigs []*node
	walk(root, func(n *node) {
		if n.local == "Signature" && n.space() == NS {
			sigs = append(sigs, n)
		}
	})
	switch len(sigs) {
	case 0:
		return nil, ErrUnsigned
	case 1:
	default:
		return nil, invalid("%d signatures", len(sigs))
	}
	sigNode := sigs[0]
	var sig xmlSignature
	if err := xml.Unmarshal(canonicalize(sigNode, nil), &sig); err != nil {
		return nil, invalid("signature element: %v", err)
	}
	si := sig.SignedInfo
	if si.C14N.Algorithm != ExcC14N {
		return nil, invalid("canonicalisation %q", si.C14N.Algorithm)
	}
	if len(si.Reference) != 1 {
		return nil, invalid("%d references, want 1", len(si.Reference))
	}
	ref := si.Reference[0]
	id, ok := strings.CutPrefix(ref.URI, "#")
	if !ok || id == "" {
		return nil, invalid("reference %q is not to an element of the document", ref.URI)
	}
	excl := false
	for i, tr := range ref.Transforms {
		switch {
		case tr.Algorithm == Enveloped && i == 0:
		case tr.Algorithm == ExcC14N && i == len(ref.Transforms)-1:
			excl = true
		default:
			return nil, invalid("transform %q", tr.Algorithm)
		}
	}
	if !excl {
		return nil, invalid("the reference is not exclusively canonicalised")
	}
	if ref.Digest.Algorithm != SHA256 {
		return nil, invalid("digest %q", ref.Digest.Algorithm)
	}
	target, err := byID(root, id)
	if err != nil {
		return nil, err
	}
	// The enveloped-signature transform: the signature being verified is not part of
	// what it signs, wherever it sits.
	digest := sha256.Sum256(canonicalize(target, func(n *node) bool { return n == sigNode }))
	want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(ref.Value))
	if err != nil || !bytes.Equal(want, digest[:]) {
		return nil, invalid("the signed element was changed (digest differs)")
	}
	if len(sig.Certs) == 0 {
		return nil, invalid("no certificate in KeyInfo")
	}
	var certs []*x509.Certificate
	for _, text := range sig.Certs {
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
		if err != nil {
			return nil, invalid("certificate: %v", err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, invalid("certificate: %v", err)
		}
		certs = append(certs, c)
	}
	cert := certs[0]
	var siNode *node
	walk(sigNode, func(n *node) {
		if siNode == nil && n.local == "SignedInfo" && n.space() == NS {
			siNode = n
		}
	})
	if siNode == nil {
		return nil, invalid("no SignedInfo")
	}
	sum := sha256.Sum256(canonicalize(siNode, nil))
	value, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(sig.Value), ""))
	if err != nil {
		return nil, invalid("signature value: %v", err)
	}
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if si.Method.Algorithm != RSASHA256 {
			return nil, invalid("method %q with an RSA key", si.Method.Algorithm)
		}
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], value); err != nil {
			return nil, invalid("signature value does not verify")
		}
	case *ecdsa.PublicKey:
		if si.Method.Algorithm != ECDSASHA256 {
			return nil, invalid("method %q with an ECDSA key", si.Method.Algorithm)
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(value) != 2*size {
			return nil, invalid("ECDSA signature of %d bytes", len(value))
		}
		r, s := new(big.Int).SetBytes(value[:size]), new(big.Int).SetBytes(value[size:])
		if !ecdsa.Verify(pub, sum[:], r, s) {
			return nil, invalid("signature value does not verify")
		}
	default:
		return nil, invalid("certificate key of type %T", cert.PublicKey)
	}
	return certs, nil
}
