package signing

import (
	"crypto/x509"
	"encoding/pem"
	"time"
)

// This file is the certificate checks signing shares with other formats (the XML records
// of the electronic fee receipts): a chain to the administrator's anchors, a
// certificate's fitness to sign, its description in a report; and the PEM files the
// anchors come in.

// Chain statuses of a ChainReport.
const (
	ChainTrusted        = "trusted"
	ChainUntrusted      = "untrusted"
	ChainNoTrustAnchors = "no_trust_anchors"
)

// VerifyChain tells whether cert chains to one of anchors at time at, through the given
// intermediates (the certificates a signature carries): the check VerifyPDF makes of a
// PDF signer, shared with the XML records (the electronic fee receipts). The anchors
// are the administrator's (store.TrustAnchors), never the system store. It returns the
// report and, when trusted, the chain found (cert first, the anchor last).
func VerifyChain(cert *x509.Certificate, intermediates, anchors []*x509.Certificate, at time.Time) (ChainReport, []*x509.Certificate) {
	if len(anchors) == 0 {
		return ChainReport{Status: ChainNoTrustAnchors}, nil
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range anchors {
		roots.AddCert(c)
	}
	for _, c := range intermediates {
		inter.AddCert(c)
	}
	chains, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return ChainReport{Status: ChainUntrusted, Error: err.Error()}, nil
	}
	rep := ChainReport{Status: ChainTrusted}
	for _, c := range chains[0] {
		rep.Certificates = append(rep.Certificates, c.Subject.String())
	}
	return rep, chains[0]
}

// CheckSigningCertificate refuses a certificate that is not valid at at or does not
// allow signing (ErrCertNotYetValid, ErrCertExpired, ErrCertNoSigning): the check made
// before signing a PDF, and before installing or using a unit's receipt key.
func CheckSigningCertificate(cert *x509.Certificate, at time.Time) error {
	return checkSigningCertificate(cert, at)
}

// HasSigningUsage reports whether cert's key usage allows signing documents.
func HasSigningUsage(cert *x509.Certificate) bool { return hasSigningUsage(cert) }

// CertInfo describes a certificate as the verification reports do.
func CertInfo(c *x509.Certificate) *CertificateInfo { return certInfo(c) }

// CertPEM encodes certificates as PEM.
func CertPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// ParseCertsPEM reads every certificate of a PEM file (trust anchors).
func ParseCertsPEM(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, ErrTrustAnchorsFile.With(err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, ErrTrustAnchorsFile
	}
	return out, nil
}
