package payment

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
)

// TestCheckReceiptSignature covers what the store test does not: an unsigned record,
// the deployment's key, and an owner look-up that fails.
func TestCheckReceiptSignature(t *testing.T) {
	at := time.Date(2026, 7, 2, 9, 15, 0, 0, locale.Zone)
	rc := issue(t, receiptConfig, paidRequest(t, 1, code7), "Nguyễn Thị Đào", 12, at)
	doc, err := FeeReceiptXML(rc)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := CheckReceiptSignature(rc, doc, SignatureContext{})
	if err != nil || rep.Valid || rep.Signed || rep.Code != "xml_unsigned" || rep.Summary != "Biên lai chưa được ký số." {
		t.Fatalf("unsigned: %+v %v", rep, err)
	}
	deploy, err := xmldsig.Ephemeral("Khóa chung", at)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := deploy.Sign(doc, SignedElementID)
	if err != nil {
		t.Fatal(err)
	}
	nobody := func(string) (KeyOwner, bool, error) { return KeyOwner{}, false, nil }
	// The deployment's key is recognised, and valid when its certificate is trusted.
	rep, _ = CheckReceiptSignature(rc, signed, SignatureContext{Owner: nobody, Deployment: deploy.Certificate(),
		Anchors: []*x509.Certificate{deploy.Certificate()}})
	if !rep.Valid || rep.Key != KeyDeployment || rep.Chain.Status != signing.ChainTrusted {
		t.Fatalf("deployment key, trusted: %+v", rep)
	}
	// Not known as anyone's key: flagged.
	rep, _ = CheckReceiptSignature(rc, signed, SignatureContext{Owner: nobody, Anchors: []*x509.Certificate{deploy.Certificate()}})
	if rep.Valid || rep.Key != KeyUnknown || rep.Code != "receipt_signer_unknown" {
		t.Fatalf("unknown key: %+v", rep)
	}
	// Issued before the certificate existed.
	early := rc
	early.IssuedAt = at.Add(-48 * time.Hour)
	earlyDoc, _ := FeeReceiptXML(early)
	earlySigned, _ := deploy.Sign(earlyDoc, SignedElementID)
	rep, _ = CheckReceiptSignature(early, earlySigned, SignatureContext{Owner: nobody, Deployment: deploy.Certificate(),
		Anchors: []*x509.Certificate{deploy.Certificate()}})
	if rep.Valid || rep.CertValidAtIssue || rep.Code != "cert_not_valid_at_issue" {
		t.Fatalf("before the certificate: %+v", rep)
	}
	boom := errors.New("db down")
	if _, err := CheckReceiptSignature(rc, signed, SignatureContext{Owner: func(string) (KeyOwner, bool, error) { return KeyOwner{}, false, boom }}); !errors.Is(err, boom) {
		t.Fatalf("owner error: %v", err)
	}
}
