package store

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
)

// ReceiptKey is a collecting unit's own key for signing its receipts and daily
// summaries (migration 0016): the certificate chain in clear, the private key sealed
// with the server's key-encryption key (signing.KEK, XASO_RECEIPT_KEK), so that receipts
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

// receiptKeyAAD binds a sealed key to its unit and certificate: moved to another row,
// it does not open.
func receiptKeyAAD(unitID int64, certSHA string) []byte {
	return fmt.Appendf(nil, "xaso receipt key\x00%d\x00%s", unitID, certSHA)
}

// NewReceiptKey opens a unit's PKCS #12 file with its passphrase (used here, never kept),
// checks that its certificate is valid at at and allows signing (signing's errors:
// cert_expired, cert_not_yet_valid, cert_no_signing_usage) and that its key can sign
// XML-DSig receipts, and seals the key under kek, bound to the unit and the certificate.
func NewReceiptKey(unitID int64, p12 []byte, passphrase string, kek *signing.KEK, at time.Time) (ReceiptKey, error) {
	if kek == nil {
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
	sum := certSHA256(cert)
	sealed, err := kek.SealSigner(s, receiptKeyAAD(unitID, sum))
	if err != nil {
		return ReceiptKey{}, err
	}
	return ReceiptKey{UnitID: unitID, Subject: cert.Subject.String(), Serial: strings.ToUpper(cert.SerialNumber.Text(16)),
		NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, CertSHA256: sum, Chain: chain, KEKID: kek.ID(), Sealed: sealed}, nil
}

// UseReceiptKEK gives the store the server's key-encryption key, which opens the units'
// receipt keys at signing time; call it once, before serving. Without it, a unit with a
// key of its own gets its receipts held back (ErrReceiptKeyLocked), never signed by
// another key.
func (s *Store) UseReceiptKEK(k *signing.KEK) { s.receiptKEK = k }

// ReceiptKEK is the key-encryption key given to UseReceiptKEK (nil when none).
func (s *Store) ReceiptKEK() *signing.KEK { return s.receiptKEK }

// AddReceiptKey installs a unit's receipt key (from NewReceiptKey): the unit's previous
// key is retired in the same transaction, with the audit record receipt_key.add. A
// certificate can be installed once, for one unit (ErrReceiptKeyExists).
func (s *Store) AddReceiptKey(ctx context.Context, k ReceiptKey) (ReceiptKey, error) {
	k.CreatedAt = s.timestamp()
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE receipt_keys SET retired_at = $1 WHERE unit_id = $2 AND retired_at IS NULL`,
			k.CreatedAt, k.UnitID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO receipt_keys (unit_id, subject, serial, not_before, not_after, cert_sha256,
			chain_pem, kek_id, sealed_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			k.UnitID, k.Subject, k.Serial, utc(k.NotBefore), utc(k.NotAfter), k.CertSHA256, string(signing.CertPEM(k.Chain...)),
			k.KEKID, k.Sealed, k.CreatedAt).Scan(&k.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: k.UnitID, Action: "receipt_key.add", ObjectType: "receipt_key",
			ObjectID: fmt.Sprint(k.ID), Fields: []string{"certificate", "sealed_key"}})
	})
	if isUnique(err) {
		return k, ErrReceiptKeyExists
	}
	if err != nil {
		return k, fmt.Errorf("store: add receipt key of unit %d: %w", k.UnitID, mapErr(err))
	}
	return k, nil
}

const receiptKeyCols = `id, unit_id, subject, serial, not_before, not_after, cert_sha256, chain_pem, kek_id, sealed_key, created_at, retired_at`

func scanReceiptKey(row interface{ Scan(...any) error }) (ReceiptKey, error) {
	var k ReceiptKey
	var chain string
	var retired sql.NullTime
	if err := row.Scan(&k.ID, &k.UnitID, &k.Subject, &k.Serial, &k.NotBefore, &k.NotAfter, &k.CertSHA256, &chain, &k.KEKID, &k.Sealed,
		&k.CreatedAt, &retired); err != nil {
		return k, err
	}
	k.NotBefore, k.NotAfter, k.CreatedAt = k.NotBefore.UTC(), k.NotAfter.UTC(), k.CreatedAt.UTC()
	if retired.Valid {
		k.RetiredAt = retired.Time.UTC()
	}
	certs, err := signing.ParseCertsPEM([]byte(chain))
	if err != nil {
		return k, fmt.Errorf("store: receipt key %d: %w", k.ID, err)
	}
	k.Chain = certs
	return k, nil
}

// ReceiptKeys lists a unit's receipt keys, the one in use first, then the retired ones
// newest first.
func (s *Store) ReceiptKeys(ctx context.Context, unitID int64) ([]ReceiptKey, error) {
	return queryAll(ctx, s.r, scanReceiptKey, `SELECT `+receiptKeyCols+` FROM receipt_keys WHERE unit_id = $1 ORDER BY id DESC`, unitID)
}

// ActiveReceiptKey is the unit's receipt key in use (ErrReceiptKeyNotFound when it has
// none and receipts fall back to the deployment's key).
func (s *Store) ActiveReceiptKey(ctx context.Context, unitID int64) (ReceiptKey, error) {
	return activeReceiptKey(ctx, s.r, unitID)
}

func activeReceiptKey(ctx context.Context, q querier, unitID int64) (ReceiptKey, error) {
	k, err := scanReceiptKey(q.QueryRowContext(ctx, `SELECT `+receiptKeyCols+` FROM receipt_keys
		WHERE unit_id = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1`, unitID))
	if err != nil {
		return k, notFound(err, ErrReceiptKeyNotFound)
	}
	return k, nil
}

// receiptKeyNotValid says why cert cannot sign a receipt at at.
func receiptKeyNotValid(cert *x509.Certificate, at time.Time) error {
	err := signing.CheckSigningCertificate(cert, at)
	if err == nil {
		return nil
	}
	e := *ErrReceiptKeyNotValid
	day := func(t time.Time) string { return t.In(calendar.Location).Format("02/01/2006") }
	switch {
	case errors.Is(err, signing.ErrCertNoSigning):
		e.Message = "Chứng thư số ký biên lai của đơn vị không được phép dùng để ký số; quản trị viên cần cài chứng thư khác (xaso receiptkey add)."
	default:
		e.Message = fmt.Sprintf("Chứng thư số ký biên lai (%s) chỉ có hiệu lực từ %s đến %s, không vào lúc lập biên lai; quản trị viên cần cài chứng thư mới (xaso receiptkey add).",
			xmldsig.Name(cert), day(cert.NotBefore), day(cert.NotAfter))
	}
	return e.With(err)
}

// receiptSignerFor is the signer of unit's receipts and summaries at time at: the unit's
// own key, else the deployment's (SignReceiptsWith), else nil (unsigned). A unit key that
// cannot be opened (ErrReceiptKeyLocked) or a certificate not valid at at
// (ErrReceiptKeyNotValid) is refused: the receipt waits rather than be signed by a key
// that is not the unit's or not valid.
func (s *Store) receiptSignerFor(ctx context.Context, q querier, unitID int64, at time.Time) (XMLSigner, error) {
	k, err := activeReceiptKey(ctx, q, unitID)
	switch {
	case errors.Is(err, ErrReceiptKeyNotFound):
		if s.receiptSigner == nil {
			return nil, nil
		}
		if c, ok := s.receiptSigner.(interface{ Certificate() *x509.Certificate }); ok {
			if err := receiptKeyNotValid(c.Certificate(), at); err != nil {
				return nil, err
			}
		}
		return s.receiptSigner, nil
	case err != nil:
		return nil, err
	}
	if s.receiptKEK == nil {
		return nil, ErrReceiptKeyLocked
	}
	if err := receiptKeyNotValid(k.Chain[0], at); err != nil {
		return nil, err
	}
	ps, err := s.receiptKEK.OpenSigner(k.Sealed, receiptKeyAAD(k.UnitID, k.CertSHA256), k.Chain)
	if err != nil {
		return nil, ErrReceiptKeyLocked.With(err)
	}
	return xmldsig.New(ps.PrivateKey(), k.Chain[0], k.Chain[1:]...)
}

// receiptSigningProblem reports whether err from receiptSignerFor is a reason to hold
// the receipt back (stored payment, Issued.NotIssued) rather than a failure.
func receiptSigningProblem(err error) bool {
	return errors.Is(err, ErrReceiptKeyLocked) || errors.Is(err, ErrReceiptKeyNotValid)
}

// SignReceiptRecord signs an XML record of unit's (the day's receipt summary) as the
// unit's receipts are signed at time at. It returns doc unchanged when no key signs for
// the unit; ErrReceiptKeyLocked or ErrReceiptKeyNotValid when the unit's key cannot sign.
func (s *Store) SignReceiptRecord(ctx context.Context, unitID int64, doc []byte, at time.Time) ([]byte, error) {
	sig, err := s.receiptSignerFor(ctx, s.r, unitID, utc(at))
	if err != nil || sig == nil {
		return doc, err
	}
	return sig.Sign(doc, payment.SignedElementID)
}

// CheckReceiptSignature reports on a stored receipt's signature (payment.CheckReceiptSignature):
// against the administrator's trust anchors, the units' receipt keys and the
// deployment's key.
func (s *Store) CheckReceiptSignature(ctx context.Context, rc StoredReceipt) (payment.SignatureReport, error) {
	anchors, err := s.TrustAnchors(ctx)
	if err != nil {
		return payment.SignatureReport{}, err
	}
	c := payment.SignatureContext{Anchors: anchors, Owner: func(sha string) (payment.KeyOwner, bool, error) {
		var o payment.KeyOwner
		err := s.r.QueryRowContext(ctx, `SELECT k.unit_id, u.code FROM receipt_keys k JOIN units u ON u.id = k.unit_id
			WHERE k.cert_sha256 = $1`, sha).Scan(&o.UnitID, &o.UnitCode)
		if errors.Is(err, sql.ErrNoRows) {
			return o, false, nil
		}
		return o, err == nil, mapErr(err)
	}}
	if d, ok := s.receiptSigner.(interface{ Certificate() *x509.Certificate }); ok {
		c.Deployment = d.Certificate()
	}
	rep, err := payment.CheckReceiptSignature(rc.FeeReceipt, rc.XML, c)
	if err != nil {
		return rep, fmt.Errorf("store: receipt %d signature: %w", rc.ID, err)
	}
	return rep, nil
}
