package signing

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo/democa"
)

// VerifyChain is the check VerifyPDF makes of a signer: trusted through the anchors at
// the given time, untrusted otherwise, no_trust_anchors without any.
func TestVerifyChain(t *testing.T) {
	ca, _ := democa.New("CA", true)
	cert, _, _ := ca.Issue(democa.CertOptions{CommonName: "Đơn vị", ECDSA: true})
	now := time.Now()
	if rep, chain := VerifyChain(cert, nil, []*x509.Certificate{ca.Cert}, now); rep.Status != ChainTrusted || len(chain) != 2 {
		t.Fatalf("trusted: %+v", rep)
	}
	if rep, _ := VerifyChain(cert, nil, nil, now); rep.Status != ChainNoTrustAnchors {
		t.Fatalf("no anchors: %+v", rep)
	}
	other, _ := democa.New("CA khác", true)
	if rep, chain := VerifyChain(cert, []*x509.Certificate{ca.Cert}, []*x509.Certificate{other.Cert}, now); rep.Status != ChainUntrusted || chain != nil || rep.Error == "" {
		t.Fatalf("untrusted: %+v", rep)
	}
	if rep, _ := VerifyChain(cert, nil, []*x509.Certificate{ca.Cert}, now.AddDate(5, 0, 0)); rep.Status != ChainUntrusted {
		t.Fatalf("after the certificate's end: %+v", rep)
	}
}
