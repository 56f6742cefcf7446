package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/smallstep/pkcs7"
	"software.sslmate.com/src/go-pkcs12"
)

// Signer makes the CMS signature of a document: the SHA-256 digest of the signed bytes
// goes out, a detached CMS SignedData comes back. A PKCS#12 file (PKCS12Signer) and an
// external device or service (ExternalSigner: a USB token's driver, a remote signing
// service) are both Signers.
type Signer interface {
	// Chain returns the signer's certificate first, then its issuers as far as known.
	Chain() []*x509.Certificate
	// SignDigest returns a DER-encoded detached CMS SignedData whose message-digest
	// attribute is digest, signed by the key of Chain()[0].
	SignDigest(ctx context.Context, digest []byte) ([]byte, error)
}

// PKCS12Signer signs with a key and certificates read from a PKCS#12 file.
type PKCS12Signer struct {
	key   crypto.Signer
	chain []*x509.Certificate
}

// LoadPKCS12 opens a PKCS#12 file with its passphrase. Files written by OpenSSL 3
// (PBES2, AES-256-CBC, HMAC-SHA-256) load as well as legacy ones. The passphrase is used
// and forgotten; it is never logged or kept.
func LoadPKCS12(data []byte, passphrase string) (*PKCS12Signer, error) {
	key, cert, cas, err := pkcs12.DecodeChain(data, passphrase)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
			return nil, ErrWrongPassphrase
		}
		return nil, ErrP12Invalid.With(err)
	}
	return NewKeySigner(key, append([]*x509.Certificate{cert}, orderChain(cert, cas)...))
}

// NewKeySigner signs with a private key held in memory; chain starts with its certificate.
func NewKeySigner(key any, chain []*x509.Certificate) (*PKCS12Signer, error) {
	if len(chain) == 0 {
		return nil, ErrP12Invalid
	}
	ks, ok := key.(crypto.Signer)
	if !ok {
		return nil, ErrP12Invalid.With(fmt.Errorf("key of type %T cannot sign", key))
	}
	if !samePublicKey(ks.Public(), chain[0].PublicKey) {
		return nil, ErrKeyMismatch
	}
	return &PKCS12Signer{key: ks, chain: chain}, nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// orderChain puts the issuers of leaf in order (issuer first) and drops the unrelated.
func orderChain(leaf *x509.Certificate, cas []*x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	cur := leaf
	used := map[int]bool{}
	for range cas {
		found := false
		for i, c := range cas {
			if !used[i] && bytes.Equal(cur.RawIssuer, c.RawSubject) && cur.CheckSignatureFrom(c) == nil {
				used[i], found = true, true
				out = append(out, c)
				cur = c
				break
			}
		}
		if !found || bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			break
		}
	}
	return out
}

// Chain implements Signer.
func (s *PKCS12Signer) Chain() []*x509.Certificate { return s.chain }

// PrivateKey is the signer's private key, for signers of other formats (the XML-DSig
// signer of the receipts) and for sealing it under the server's key-encryption key.
func (s *PKCS12Signer) PrivateKey() crypto.Signer { return s.key }

// SignDigest implements Signer.
func (s *PKCS12Signer) SignDigest(ctx context.Context, digest []byte) ([]byte, error) {
	return BuildCMS(digest, s.key, s.chain)
}

// ExternalSigner hands the digest to a function — a USB token's driver, a remote signing
// service — and takes the CMS SignedData it returns, after checking that it signs this
// digest with the announced certificate.
type ExternalSigner struct {
	Certificates []*x509.Certificate
	Sign         func(ctx context.Context, digest []byte) ([]byte, error)
}

// Chain implements Signer.
func (e *ExternalSigner) Chain() []*x509.Certificate { return e.Certificates }

// SignDigest implements Signer.
func (e *ExternalSigner) SignDigest(ctx context.Context, digest []byte) ([]byte, error) {
	if e.Sign == nil || len(e.Certificates) == 0 {
		return nil, ErrExternalSigner.With(errors.New("no signing function or certificate"))
	}
	der, err := e.Sign(ctx, digest)
	if err != nil {
		return nil, ErrExternalSigner.With(err)
	}
	if err := checkCMSDigest(der, digest, e.Certificates[0]); err != nil {
		return nil, ErrExternalSigner.With(err)
	}
	return der, nil
}

// checkCMSDigest confirms that der is a CMS signature over digest by cert.
func checkCMSDigest(der, digest []byte, cert *x509.Certificate) error {
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return err
	}
	var md []byte
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeMessageDigest, &md); err != nil {
		return err
	}
	if !bytes.Equal(md, digest) {
		return errors.New("the signature is over another digest")
	}
	if s := p7.GetOnlySigner(); s == nil || !s.Equal(cert) {
		return errors.New("signed by another certificate")
	}
	return verifySignerInfo(p7)
}

var (
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidTimeStampToken       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
)

// ESS signing-certificate-v2 (RFC 5035): the SHA-256 of the signer's certificate and its
// issuer and serial number, so the certificate cannot be swapped. The hash algorithm is
// SHA-256, the default, and so left out as DER requires.
type essCertIDv2 struct {
	CertHash     []byte
	IssuerSerial issuerSerial
}

type issuerSerial struct {
	Issuer []asn1.RawValue // GeneralNames with one directoryName
	Serial *big.Int
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

func signingCertificateAttr(cert *x509.Certificate) pkcs7.Attribute {
	h := sha256.Sum256(cert.Raw)
	return pkcs7.Attribute{Type: oidSigningCertificateV2, Value: signingCertificateV2{Certs: []essCertIDv2{{
		CertHash: h[:],
		IssuerSerial: issuerSerial{
			Issuer: []asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: cert.RawIssuer}},
			Serial: cert.SerialNumber,
		},
	}}}}
}

// BuildCMS makes the detached CMS SignedData of a PAdES baseline signature over the
// content whose SHA-256 is digest: signed attributes content-type, message-digest and
// ESS signing-certificate-v2, and no signing-time (ETSI EN 319 142-1 puts the claimed time
// in the signature dictionary's /M instead). smallstep/pkcs7 lays out the structure;
// since it hashes the content itself and always adds a signing-time, the signed
// attributes are then set to the given digest and signed again here.
func BuildCMS(digest []byte, key crypto.Signer, chain []*x509.Certificate) ([]byte, error) {
	if len(digest) != sha256.Size {
		return nil, errors.New("signing: digest is not SHA-256")
	}
	sd, err := pkcs7.NewSignedData(nil)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	cfg := pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{signingCertificateAttr(chain[0])}}
	if err := sd.AddSignerChain(chain[0], key, chain[1:], cfg); err != nil {
		return nil, err
	}
	si := &sd.GetSignedData().SignerInfos[0]
	mdValue, err := asn1.Marshal(digest)
	if err != nil {
		return nil, err
	}
	attrs := si.AuthenticatedAttributes[:0]
	for _, a := range si.AuthenticatedAttributes {
		switch {
		case a.Type.Equal(pkcs7.OIDAttributeSigningTime):
			continue
		case a.Type.Equal(pkcs7.OIDAttributeMessageDigest):
			a.Value = asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: mdValue}
		}
		attrs = append(attrs, a)
	}
	enc := make([][]byte, len(attrs))
	for i := range attrs {
		if enc[i], err = asn1.Marshal(attrs[i]); err != nil {
			return nil, err
		}
	}
	order := make([]int, len(attrs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return bytes.Compare(enc[order[a]], enc[order[b]]) < 0 })
	sorted := attrs[:0:0]
	var set []byte
	for _, i := range order {
		sorted = append(sorted, attrs[i])
		set = append(set, enc[i]...)
	}
	si.AuthenticatedAttributes = sorted
	signedAttrs, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: set})
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(signedAttrs)
	var opts crypto.SignerOpts = crypto.SHA256
	switch key.Public().(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	case ed25519.PublicKey:
		return nil, errors.New("signing: Ed25519 keys are not supported in CMS here")
	}
	sig, err := key.Sign(rand.Reader, h[:], opts)
	if err != nil {
		return nil, err
	}
	si.EncryptedDigest = sig
	sd.Detach()
	return sd.Finish()
}

// verifySignerInfo checks the signature of the one SignerInfo over its signed attributes.
func verifySignerInfo(p7 *pkcs7.PKCS7) error {
	if len(p7.Signers) != 1 {
		return fmt.Errorf("%d signers in one signature", len(p7.Signers))
	}
	return nil
}

// signingTime is the moment the signature claims; used for certificate checks before
// signing.
func checkSigningCertificate(cert *x509.Certificate, at time.Time) error {
	if at.Before(cert.NotBefore) {
		return ErrCertNotYetValid.With(fmt.Errorf("valid from %s", cert.NotBefore.Format(time.RFC3339)))
	}
	if at.After(cert.NotAfter) {
		return ErrCertExpired.With(fmt.Errorf("expired %s", cert.NotAfter.Format(time.RFC3339)))
	}
	if !hasSigningUsage(cert) {
		return ErrCertNoSigning
	}
	return nil
}

// hasSigningUsage: the key usage extension is present and allows digitalSignature or
// nonRepudiation (contentCommitment), and any extended key usage does not exclude
// document signing.
func hasSigningUsage(cert *x509.Certificate) bool {
	if cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return false
	}
	if len(cert.ExtKeyUsage) == 0 && len(cert.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range cert.ExtKeyUsage {
		if u == x509.ExtKeyUsageAny || u == x509.ExtKeyUsageEmailProtection || u == x509.ExtKeyUsageCodeSigning {
			return true
		}
	}
	// Document-signing EKUs (Adobe 1.2.840.113583.1.1.5, MS 1.3.6.1.4.1.311.10.3.12, id-kp-documentSigning 1.3.6.1.5.5.7.3.36).
	for _, u := range cert.UnknownExtKeyUsage {
		if u.Equal(asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 5}) || u.Equal(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 12}) ||
			u.Equal(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}) {
			return true
		}
	}
	return false
}
