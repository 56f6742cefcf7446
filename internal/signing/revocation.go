package signing

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Revocation statuses.
const (
	RevocationGood    = "good"
	RevocationRevoked = "revoked"
	RevocationUnknown = "unknown"
)

// RevocationReport is what OCSP or the CRL said of the signer's certificate.
type RevocationReport struct {
	Status    string     `json:"status"`           // good | revoked | unknown
	Method    string     `json:"method,omitempty"` // ocsp | crl
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	Detail    string     `json:"detail,omitempty"`
}

// checkRevocation asks the certificate's OCSP responders, then its CRL distribution
// points; any answer that cannot be had or trusted leaves the status unknown.
func checkRevocation(ctx context.Context, cert, issuer *x509.Certificate, client *http.Client) RevocationReport {
	var problems []string
	for _, url := range cert.OCSPServer {
		r, err := checkOCSP(ctx, cert, issuer, url, client)
		if err == nil {
			return r
		}
		problems = append(problems, "ocsp "+url+": "+err.Error())
	}
	for _, url := range cert.CRLDistributionPoints {
		r, err := checkCRL(ctx, cert, issuer, url, client)
		if err == nil {
			return r
		}
		problems = append(problems, "crl "+url+": "+err.Error())
	}
	if len(problems) == 0 {
		return RevocationReport{Status: RevocationUnknown, Detail: "the certificate names no OCSP responder or CRL"}
	}
	return RevocationReport{Status: RevocationUnknown, Detail: fmt.Sprint(problems)}
}

func fetch(ctx context.Context, client *http.Client, method, url, ctype string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("answered %s", resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 8<<20))
}

func checkOCSP(ctx context.Context, cert, issuer *x509.Certificate, url string, client *http.Client) (RevocationReport, error) {
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{})
	if err != nil {
		return RevocationReport{}, err
	}
	body, err := fetch(ctx, client, http.MethodPost, url, "application/ocsp-request", req)
	if err != nil {
		return RevocationReport{}, err
	}
	resp, err := ocsp.ParseResponseForCert(body, cert, issuer)
	if err != nil {
		return RevocationReport{}, err
	}
	switch resp.Status {
	case ocsp.Good:
		return RevocationReport{Status: RevocationGood, Method: "ocsp"}, nil
	case ocsp.Revoked:
		t := resp.RevokedAt
		return RevocationReport{Status: RevocationRevoked, Method: "ocsp", RevokedAt: &t}, nil
	}
	return RevocationReport{}, errors.New("the responder does not know the certificate")
}

func checkCRL(ctx context.Context, cert, issuer *x509.Certificate, url string, client *http.Client) (RevocationReport, error) {
	body, err := fetch(ctx, client, http.MethodGet, url, "", nil)
	if err != nil {
		return RevocationReport{}, err
	}
	crl, err := x509.ParseRevocationList(body)
	if err != nil {
		return RevocationReport{}, err
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return RevocationReport{}, fmt.Errorf("CRL not signed by the issuer: %w", err)
	}
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			t := e.RevocationTime
			return RevocationReport{Status: RevocationRevoked, Method: "crl", RevokedAt: &t}, nil
		}
	}
	return RevocationReport{Status: RevocationGood, Method: "crl"}, nil
}
