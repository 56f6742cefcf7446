package payment

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
)

// Which key signed a receipt, as SignatureReport.Key says it.
const (
	// KeyUnit: one of the collecting unit's own receipt keys (store.ReceiptKey).
	KeyUnit = "unit"
	// KeyDeployment: the deployment's shared key (--receipt-p12), which signs for the
	// units that have no key of their own.
	KeyDeployment = "deployment"
	// KeyOtherUnit: a receipt key installed for another unit.
	KeyOtherUnit = "other_unit"
	// KeyUnknown: a certificate xaso does not know as a receipt key.
	KeyUnknown = "unknown"
)

// SignatureReport is what a receipt's view (the accountant's page, the citizen's
// look-up, the API) says of its XML-DSig signature. Field names are stable (API).
type SignatureReport struct {
	// Valid: signed, intact, by a key of the collecting unit (or the deployment's key for
	// a unit without its own), with a certificate valid at the time of issue that allows
	// signing, whose chain reaches a configured trust anchor, over the content shown.
	Valid bool `json:"valid"`
	// Code is a stable code of the first problem ("" when valid).
	Code string `json:"code,omitempty"`
	// Summary is one Vietnamese sentence for the page.
	Summary string `json:"summary"`
	Signed  bool   `json:"signed"`
	// Intact: the signature value and digest verify (xmldsig.Verify).
	Intact bool                     `json:"intact"`
	Signer *signing.CertificateInfo `json:"signer,omitempty"`
	// Key is which key signed: unit, deployment, other_unit or unknown.
	Key string `json:"key,omitempty"`
	// SignerUnit is the code of the unit whose receipt key signed ("" when none).
	SignerUnit       string              `json:"signer_unit,omitempty"`
	CertValidAtIssue bool                `json:"cert_valid_at_issue"`
	KeyUsageOK       bool                `json:"key_usage_ok"`
	Chain            signing.ChainReport `json:"chain"`
	// ContentMatches: the signed record says what the receipt shows (symbols, number,
	// time, collector, payer, dossier, total).
	ContentMatches bool     `json:"content_matches"`
	Problems       []string `json:"problems,omitempty"`
}

// KeyOwner is a registered receipt key's unit.
type KeyOwner struct {
	UnitID   int64
	UnitCode string
}

// SignatureContext is what CheckReceiptSignature needs besides the record.
type SignatureContext struct {
	// Anchors are the administrator's trust anchors (store.TrustAnchors).
	Anchors []*x509.Certificate
	// Owner finds the unit a certificate (SHA-256, lowercase hex) was installed for as
	// its receipt key; ok false when none.
	Owner func(certSHA256 string) (KeyOwner, bool, error)
	// Deployment is the certificate of the deployment's shared key (nil when none).
	Deployment *x509.Certificate
}

// CheckReceiptSignature checks the signed XML record of receipt rc: the XML-DSig
// signature, who signed (rc.UnitID's key?), the certificate at the time of issue, its key
// usage, its chain to ctx.Anchors (signing.VerifyChain, as for PDFs), and that the
// record says what rc says. Only Owner's error is returned; every finding is in the
// report. A receipt signed by another unit's key, or by an untrusted certificate, is
// never Valid.
func CheckReceiptSignature(rc FeeReceipt, doc []byte, c SignatureContext) (rep SignatureReport, err error) {
	rep.Chain = signing.ChainReport{Status: signing.ChainUntrusted}
	problem := func(code, msg string) {
		if rep.Code == "" {
			rep.Code = code
		}
		rep.Problems = append(rep.Problems, msg)
	}
	defer func() {
		rep.Valid = len(rep.Problems) == 0
		switch {
		case !rep.Signed:
			rep.Summary = "Biên lai chưa được ký số."
		case rep.Valid:
			rep.Summary = fmt.Sprintf("Chữ ký số hợp lệ của %s.", rep.Signer.CommonName)
		default:
			rep.Summary = "Chữ ký số không hợp lệ: " + strings.Join(rep.Problems, " ")
		}
	}()
	certs, err := xmldsig.VerifyChain(doc)
	switch {
	case errors.Is(err, xmldsig.ErrUnsigned):
		problem("xml_unsigned", "Biên lai chưa được ký số.")
		return rep, nil
	case err != nil:
		rep.Signed = true
		problem("invalid_xml_signature", "Chữ ký không khớp với nội dung bản ghi (bản ghi đã bị sửa hoặc chữ ký hỏng).")
		return rep, nil
	}
	rep.Signed, rep.Intact = true, true
	cert := certs[0]
	rep.Signer = signing.CertInfo(cert)
	if !contentMatches(rc, doc) {
		problem("receipt_content_mismatch", "Nội dung bản ghi đã ký khác với nội dung biên lai hiển thị.")
	} else {
		rep.ContentMatches = true
	}
	sum := sha256.Sum256(cert.Raw)
	var owner KeyOwner
	var ok bool
	if c.Owner != nil {
		if owner, ok, err = c.Owner(hex.EncodeToString(sum[:])); err != nil {
			return rep, err
		}
	}
	switch {
	case ok && owner.UnitID == rc.UnitID:
		rep.Key, rep.SignerUnit = KeyUnit, owner.UnitCode
	case ok:
		rep.Key, rep.SignerUnit = KeyOtherUnit, owner.UnitCode
		problem("receipt_signer_other_unit", fmt.Sprintf("Biên lai được ký bằng khóa của đơn vị khác (mã %s), không phải của đơn vị thu.", owner.UnitCode))
	case c.Deployment != nil && bytes.Equal(c.Deployment.Raw, cert.Raw):
		rep.Key = KeyDeployment
	default:
		rep.Key = KeyUnknown
		problem("receipt_signer_unknown", "Chứng thư ký không phải khóa ký biên lai đã cài cho đơn vị thu.")
	}
	at := rc.IssuedAt
	rep.CertValidAtIssue = !at.Before(cert.NotBefore) && !at.After(cert.NotAfter)
	if !rep.CertValidAtIssue {
		problem("cert_not_valid_at_issue", fmt.Sprintf("Chứng thư số không có hiệu lực vào lúc lập biên lai (hiệu lực từ %s đến %s).",
			localDay(cert.NotBefore), localDay(cert.NotAfter)))
	}
	rep.KeyUsageOK = signing.HasSigningUsage(cert)
	if !rep.KeyUsageOK {
		problem("cert_no_signing_usage", "Chứng thư số không được phép dùng để ký số.")
	}
	rep.Chain, _ = signing.VerifyChain(cert, certs[1:], c.Anchors, at)
	switch rep.Chain.Status {
	case signing.ChainNoTrustAnchors:
		problem("no_trust_anchors", "Chưa cấu hình chứng thư gốc tin cậy, không xác định được nguồn gốc chứng thư số.")
	case signing.ChainUntrusted:
		problem("chain_untrusted", "Chứng thư số không dẫn tới chứng thư gốc tin cậy nào đã cấu hình.")
	}
	return rep, nil
}

func localDay(t time.Time) string { return t.In(locale.Zone).Format("02/01/2006") }

// contentMatches compares the signed record's main content with the receipt.
func contentMatches(rc FeeReceipt, doc []byte) bool {
	var x xmlReceipt
	if err := xml.Unmarshal(doc, &x); err != nil {
		return false
	}
	d := x.Data
	return d.Template == rc.Template && d.Series == rc.Series && d.Number == rc.Number && d.Total == rc.Total &&
		d.IssuedAt == rc.IssuedAt.In(locale.Zone).Format(time.RFC3339) && d.Collector.TaxCode == rc.Collector.TaxCode &&
		d.Collector.Name == rc.Collector.Name && d.Payer.Name == rc.Payer.Name && d.DossierCode == rc.DossierCode &&
		d.Reference == rc.Reference && len(d.Items) == len(rc.Items)
}
