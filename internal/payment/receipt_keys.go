package payment

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/kek"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
)

// ReceiptKey is a collecting unit's own key for signing its receipts and daily
// summaries (migration 0016): the certificate chain in clear, the private key sealed
// with the server's key-encryption key (kek.Key, XASO_RECEIPT_KEK), so that receipts
// issued by the bank's notification are signed without a human.
type ReceiptKey struct {
	ID         int64
	UnitID     int64
	Subject    string
	Serial     string
	NotBefore  time.Time
	NotAfter   time.Time
	CertSHA256 string
	// Chain is the certificate first, then the issuers the PKCS #12 file carried.
	Chain     []*x509.Certificate
	KEKID     string
	Sealed    []byte
	CreatedAt time.Time
	// RetiredAt is when a newer key replaced it (zero for the unit's key in use).
	RetiredAt time.Time
}

// Errors of the receipt keys; their codes are stable.
var (
	ErrReceiptKeyNotFound = apperr.New(apperr.NotFound, "receipt_key_not_found", "Đơn vị chưa cài khóa ký biên lai riêng.")
	ErrReceiptKeyExists   = apperr.New(apperr.Conflict, "receipt_key_exists",
		"Chứng thư số này đã được cài làm khóa ký biên lai (của đơn vị này hoặc của đơn vị khác).")
	// ErrReceiptKEKMissing: a key cannot be installed (sealed) without the server's KEK.
	ErrReceiptKEKMissing = apperr.Invalidf("receipt_kek_missing",
		"Máy chủ chưa có khóa mã hóa khóa ký (biến môi trường XASO_RECEIPT_KEK) nên chưa cài được khóa ký biên lai.")
	ErrReceiptKeyType = apperr.Invalidf("receipt_key_type",
		"Khóa ký biên lai phải là khóa RSA từ 2048 bit trở lên hoặc ECDSA P-256, khớp với chứng thư số.")
	// ErrReceiptKeyLocked: the unit has a key, but the server cannot open it (no KEK, or
	// another one). The payment is stored; its receipt waits (Issued.NotIssued).
	ErrReceiptKeyLocked = apperr.New(apperr.Unavailable, "receipt_key_locked",
		"Đơn vị đã cài khóa ký biên lai nhưng máy chủ không mở được khóa (thiếu hoặc sai XASO_RECEIPT_KEK); biên lai sẽ được lập khi quản trị viên sửa cấu hình.")
	// ErrReceiptKeyNotValid: the certificate of the key that would sign is not valid at
	// the receipt's time, or does not allow signing. The receipt waits, as above.
	ErrReceiptKeyNotValid = apperr.Invalidf("receipt_key_not_valid",
		"Chứng thư số ký biên lai của đơn vị không có hiệu lực vào lúc lập biên lai; quản trị viên cần cài chứng thư mới (xaso receiptkey add).")
)

// XMLSigner signs the element with Id id of an XML record and returns the signed
// record (xmldsig.Signer).
type XMLSigner interface {
	Sign(doc []byte, id string) ([]byte, error)
}

// receiptKeyAAD binds a sealed key to its unit and certificate: moved to another row,
// it does not open.
func receiptKeyAAD(unitID int64, certSHA string) []byte {
	return fmt.Appendf(nil, "xaso receipt key\x00%d\x00%s", unitID, certSHA)
}

// NewReceiptKey opens a unit's PKCS #12 file with its passphrase (used here, never kept),
// checks that its certificate is valid at at and allows signing (signing's errors:
// cert_expired, cert_not_yet_valid, cert_no_signing_usage) and that its key can sign
// XML-DSig receipts, and seals the key under serverKEK, bound to the unit and the certificate.
func NewReceiptKey(unitID int64, p12 []byte, passphrase string, serverKEK *kek.Key, at time.Time) (ReceiptKey, error) {
	if serverKEK == nil {
		return ReceiptKey{}, ErrReceiptKEKMissing
	}
	s, err := signing.LoadPKCS12(p12, passphrase)
	if err != nil {
		return ReceiptKey{}, err
	}
	chain := s.Chain()
	cert := chain[0]
	if err := signing.CheckSigningCertificate(cert, at); err != nil {
		return ReceiptKey{}, err
	}
	if _, err := xmldsig.New(s.PrivateKey(), cert, chain[1:]...); err != nil {
		return ReceiptKey{}, ErrReceiptKeyType.With(err)
	}
	h := sha256.Sum256(cert.Raw)
	sum := hex.EncodeToString(h[:])
	sealed, err := serverKEK.SealSigner(s, receiptKeyAAD(unitID, sum))
	if err != nil {
		return ReceiptKey{}, err
	}
	return ReceiptKey{UnitID: unitID, Subject: cert.Subject.String(), Serial: strings.ToUpper(cert.SerialNumber.Text(16)),
		NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, CertSHA256: sum, Chain: chain, KEKID: serverKEK.ID(), Sealed: sealed}, nil
}

// receiptKeyNotValid says why cert cannot sign a receipt at at.
func receiptKeyNotValid(cert *x509.Certificate, at time.Time) error {
	err := signing.CheckSigningCertificate(cert, at)
	if err == nil {
		return nil
	}
	e := *ErrReceiptKeyNotValid
	day := func(t time.Time) string { return t.In(locale.Zone).Format("02/01/2006") }
	switch {
	case errors.Is(err, signing.ErrCertNoSigning):
		e.Message = "Chứng thư số ký biên lai của đơn vị không được phép dùng để ký số; quản trị viên cần cài chứng thư khác (xaso receiptkey add)."
	default:
		e.Message = fmt.Sprintf("Chứng thư số ký biên lai (%s) chỉ có hiệu lực từ %s đến %s, không vào lúc lập biên lai; quản trị viên cần cài chứng thư mới (xaso receiptkey add).",
			xmldsig.Name(cert), day(cert.NotBefore), day(cert.NotAfter))
	}
	return e.With(err)
}

// signerFor is the signer of a unit's receipts and summaries at time at, given the
// unit's key in use (ErrReceiptKeyNotFound from active when it has none): the unit's own
// key, else the deployment's (Service.Signer), else nil (unsigned). A unit key that
// cannot be opened (ErrReceiptKeyLocked) or a certificate not valid at at
// (ErrReceiptKeyNotValid) is refused: the receipt waits rather than be signed by a key
// that is not the unit's or not valid.
func (s *Service) signerFor(k ReceiptKey, active error, at time.Time) (XMLSigner, error) {
	switch {
	case errors.Is(active, ErrReceiptKeyNotFound):
		if s.Signer == nil {
			return nil, nil
		}
		if c, ok := s.Signer.(interface{ Certificate() *x509.Certificate }); ok {
			if err := receiptKeyNotValid(c.Certificate(), at); err != nil {
				return nil, err
			}
		}
		return s.Signer, nil
	case active != nil:
		return nil, active
	}
	if s.KEK == nil {
		return nil, ErrReceiptKeyLocked
	}
	if err := receiptKeyNotValid(k.Chain[0], at); err != nil {
		return nil, err
	}
	ps, err := s.KEK.OpenSigner(k.Sealed, receiptKeyAAD(k.UnitID, k.CertSHA256), k.Chain)
	if err != nil {
		return nil, ErrReceiptKeyLocked.With(err)
	}
	return xmldsig.New(ps.PrivateKey(), k.Chain[0], k.Chain[1:]...)
}

// receiptSigningProblem reports whether err from signerFor is a reason to hold the
// receipt back (stored payment, Issued.NotIssued) rather than a failure.
func receiptSigningProblem(err error) bool {
	return errors.Is(err, ErrReceiptKeyLocked) || errors.Is(err, ErrReceiptKeyNotValid)
}

// AddReceiptKey installs a unit's receipt key from its PKCS #12 file (NewReceiptKey,
// sealed with the service's KEK); the unit's previous key is retired in the same
// transaction. A certificate can be installed once, for one unit (ErrReceiptKeyExists).
func (s *Service) AddReceiptKey(ctx context.Context, unitID int64, p12 []byte, passphrase string) (ReceiptKey, error) {
	k, err := NewReceiptKey(unitID, p12, passphrase, s.KEK, s.now())
	if err != nil {
		return k, err
	}
	return s.Store.AddReceiptKey(ctx, k)
}

// SignReceiptRecord signs an XML record of a unit's (the day's receipt summary) as the
// unit's receipts are signed at time at. It returns doc unchanged when no key signs for
// the unit; ErrReceiptKeyLocked or ErrReceiptKeyNotValid when the unit's key cannot sign.
func (s *Service) SignReceiptRecord(ctx context.Context, unitID int64, doc []byte, at time.Time) ([]byte, error) {
	k, err := s.Store.ActiveReceiptKey(ctx, unitID)
	sig, err := s.signerFor(k, err, at.UTC().Truncate(time.Microsecond))
	if err != nil || sig == nil {
		return doc, err
	}
	return sig.Sign(doc, SignedElementID)
}

// CheckReceiptSignature reports on a stored receipt's signature (CheckReceiptSignature):
// against the administrator's trust anchors, the units' receipt keys and the
// deployment's key.
func (s *Service) CheckReceiptSignature(ctx context.Context, rc StoredFeeReceipt) (SignatureReport, error) {
	anchors, err := s.Store.TrustAnchors(ctx)
	if err != nil {
		return SignatureReport{}, err
	}
	c := SignatureContext{Anchors: anchors, Owner: func(sha string) (KeyOwner, bool, error) {
		return s.Store.ReceiptKeyOwner(ctx, sha)
	}}
	if d, ok := s.Signer.(interface{ Certificate() *x509.Certificate }); ok {
		c.Deployment = d.Certificate()
	}
	rep, err := CheckReceiptSignature(rc.FeeReceipt, rc.XML, c)
	if err != nil {
		return rep, fmt.Errorf("payment: receipt %d signature: %w", rc.ID, err)
	}
	return rep, nil
}
