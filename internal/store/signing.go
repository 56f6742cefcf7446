package store

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/signing"
)

// SigningKey is an official's sealed PKCS#12 file (signing.SealPKCS12) and the details of
// its certificate.
type SigningKey struct {
	ID         int64
	UserID     int64
	UnitID     int64
	Kind       string // personal | seal
	Subject    string
	Serial     string
	NotAfter   time.Time
	CertSHA256 string
	Sealed     []byte
	Image      []byte // PNG its signatures show: the signature (personal) or the seal; nil: none
	CreatedAt  time.Time
}

// Errors of the signing tables.
var (
	ErrSigningKeyNotFound = apperr.New(apperr.NotFound, "signing_key_not_found", "Không tìm thấy chứng thư số của người ký.")
	ErrSigningKeyExists   = apperr.New(apperr.Conflict, "signing_key_exists", "Chứng thư số này đã được lưu cho người dùng.")
	ErrSigningKeyKind     = apperr.Invalidf("signing_key_kind", "Loại chứng thư phải là chữ ký cá nhân (personal) hoặc con dấu của cơ quan (seal).")
)

// AddSigningKey stores an official's sealed PKCS#12 file, with its audit record.
func (s *Store) AddSigningKey(ctx context.Context, k SigningKey) (SigningKey, error) {
	return s.putSigningKey(ctx, k, false)
}

// putSigningKey stores k, first withdrawing (replace) the user's keys of its kind in its
// unit, in one transaction.
func (s *Store) putSigningKey(ctx context.Context, k SigningKey, replace bool) (SigningKey, error) {
	if k.Kind != "personal" && k.Kind != "seal" {
		return k, ErrSigningKeyKind
	}
	if k.Image != nil {
		if err := signing.CheckImage(k.Image); err != nil {
			return k, err
		}
	}
	k.CreatedAt = s.timestamp()
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if replace {
			// The same certificate again (a new image): the row goes first, or the
			// insert would collide with it.
			if _, err := s.withdrawSigningKeys(ctx, tx, k.UserID, k.UnitID, k.Kind, `cert_sha256 = $4`, k.CertSHA256); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO signing_keys (user_id, unit_id, kind, subject, serial, not_after, cert_sha256, sealed, image, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, k.UserID, k.UnitID, k.Kind, k.Subject, k.Serial, utc(k.NotAfter),
			k.CertSHA256, k.Sealed, k.Image, k.CreatedAt).Scan(&k.ID); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, audit.Event{Chain: k.UnitID, Action: "signing_key.add", ObjectType: "signing_key",
			ObjectID: fmt.Sprint(k.ID), Fields: []string{"kind", "certificate"}}); err != nil {
			return err
		}
		if replace {
			// The others after the insert, so that SQLite does not give the new row the
			// id of the one it replaces (a rowid is reused when the largest is deleted).
			_, err := s.withdrawSigningKeys(ctx, tx, k.UserID, k.UnitID, k.Kind, `id <> $4`, k.ID)
			return err
		}
		return nil
	})
	if isUnique(err) {
		return k, ErrSigningKeyExists
	}
	if err != nil {
		return k, fmt.Errorf("store: add signing key: %w", mapErr(err))
	}
	return k, nil
}

// withdrawSigningKeys deletes the user's keys of kind in unitID (and, when where is not
// "", matching it with its argument as $4), each with its audit record, and says how
// many there were.
func (s *Store) withdrawSigningKeys(ctx context.Context, tx *sql.Tx, userID, unitID int64, kind, where string, arg any) (int, error) {
	q, args := `DELETE FROM signing_keys WHERE user_id = $1 AND unit_id = $2 AND kind = $3`, []any{userID, unitID, kind}
	if where != "" {
		q, args = q+` AND `+where, append(args, arg)
	}
	rows, err := tx.QueryContext(ctx, q+` RETURNING id`, args...)
	if err != nil {
		return 0, fmt.Errorf("store: withdraw signing keys of user %d: %w", userID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "signing_key.withdraw", ObjectType: "signing_key",
			ObjectID: fmt.Sprint(id), Fields: []string{"kind", "certificate"}}); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

const signingKeyColumns = `id, user_id, unit_id, kind, subject, serial, not_after, cert_sha256, sealed, image, created_at`

func scanSigningKey(row interface{ Scan(...any) error }) (SigningKey, error) {
	var k SigningKey
	err := row.Scan(&k.ID, &k.UserID, &k.UnitID, &k.Kind, &k.Subject, &k.Serial, &k.NotAfter, &k.CertSHA256, &k.Sealed, &k.Image, &k.CreatedAt)
	k.NotAfter, k.CreatedAt = k.NotAfter.UTC(), k.CreatedAt.UTC()
	return k, err
}

// SigningKey returns one stored key.
func (s *Store) SigningKey(ctx context.Context, id int64) (SigningKey, error) {
	k, err := scanSigningKey(s.r.QueryRowContext(ctx, `SELECT `+signingKeyColumns+` FROM signing_keys WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return k, ErrSigningKeyNotFound
	}
	return k, mapErr(err)
}

// SigningKeys lists a user's stored keys, newest first.
func (s *Store) SigningKeys(ctx context.Context, userID int64) ([]SigningKey, error) {
	return queryAll(ctx, s.r, scanSigningKey, `SELECT `+signingKeyColumns+` FROM signing_keys WHERE user_id = $1 ORDER BY id DESC`, userID)
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// NewSigningKey describes the sealed PKCS#12 file of an official whose certificate is c.
func NewSigningKey(userID, unitID int64, kind string, c *x509.Certificate, sealed []byte) SigningKey {
	return SigningKey{UserID: userID, UnitID: unitID, Kind: kind, Subject: c.Subject.String(),
		Serial: strings.ToUpper(c.SerialNumber.Text(16)), NotAfter: c.NotAfter, CertSHA256: certSHA256(c), Sealed: sealed}
}

func certSHA256(c *x509.Certificate) string {
	h := sha256.Sum256(c.Raw)
	return hex.EncodeToString(h[:])
}

// AddTrustAnchor adds a root certificate (idempotent), with its audit record.
func (s *Store) AddTrustAnchor(ctx context.Context, c *x509.Certificate) error {
	sum := certSHA256(c)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO trust_anchors (sha256, subject, cert_der, added_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sha256) DO NOTHING`, sum, c.Subject.String(), c.Raw, s.timestamp())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: "trust_anchor.add", ObjectType: "trust_anchor", ObjectID: sum})
	})
	if err != nil {
		return fmt.Errorf("store: add trust anchor: %w", mapErr(err))
	}
	return nil
}

// RemoveTrustAnchor removes a root by its SHA-256 (hex).
func (s *Store) RemoveTrustAnchor(ctx context.Context, sha string) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM trust_anchors WHERE sha256 = $1`, strings.ToLower(sha))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ErrNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: "trust_anchor.remove", ObjectType: "trust_anchor", ObjectID: sha})
	})
	if err != nil {
		return fmt.Errorf("store: remove trust anchor: %w", mapErr(err))
	}
	return nil
}

// TrustAnchors returns the configured roots.
func (s *Store) TrustAnchors(ctx context.Context) ([]*x509.Certificate, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT cert_der FROM trust_anchors ORDER BY added_at, sha256`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []*x509.Certificate
	for rows.Next() {
		var der []byte
		if err := rows.Scan(&der); err != nil {
			return nil, err
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("store: trust anchor: %w", err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// RegisterIssuedDocument records a signed result by its SHA-256 (hex) and gives it the
// next code <dossier code>-KQ<n> of its dossier. Registering the same bytes again returns
// the first entry.
func (s *Store) RegisterIssuedDocument(ctx context.Context, unitID int64, dossierCode, sha string) (signing.IssuedDocument, error) {
	sha = strings.ToLower(sha)
	if prev, err := s.IssuedDocumentBySHA256(ctx, sha); err != nil || prev != nil {
		if prev != nil {
			return *prev, nil
		}
		return signing.IssuedDocument{}, err
	}
	var d signing.IssuedDocument
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var rerr error
			d, rerr = s.registerIssued(ctx, tx, unitID, dossierCode, sha, DocumentEntry{Kind: DocumentResult})
			return rerr
		})
		if !isUnique(err) {
			break
		}
		if prev, perr := s.IssuedDocumentBySHA256(ctx, sha); perr == nil && prev != nil {
			return *prev, nil // registered meanwhile
		}
	}
	if err != nil {
		return d, fmt.Errorf("store: register %s: %w", dossierCode, mapErr(err))
	}
	return d, nil
}

// Kinds of issued documents.
const (
	DocumentResult = "result" // a dossier's result, <dossier code>-KQ<n>
	DocumentForm   = "form"   // a form 01–06 signed by the organisation, <dossier code>-PH<n>
)

// DocumentEntry is how a signed file is entered in the register of issued documents: as
// a later signature of a registered document (PrevSHA256, the hash of the file that was
// signed), or as a new document of Kind under Code — the code NextDocumentCode gave
// before signing, printed on the file's verification stamp; empty Code takes the next
// one.
type DocumentEntry struct {
	Kind       string
	Code       string
	PrevSHA256 string
}

// ErrDocumentCodeTaken refuses a new document whose code another signing took meanwhile.
var ErrDocumentCodeTaken = apperr.New(apperr.Conflict, "document_code_taken",
	"Một văn bản khác của hồ sơ vừa được ký cùng lúc và đã nhận mã này; hãy ký lại.")

// NextDocumentCode is the code the dossier's next document of kind would get:
// <dossier code>-KQ<n> for a result, -PH<n> for a form.
func (s *Store) NextDocumentCode(ctx context.Context, dossierCode, kind string) (string, error) {
	return nextDocumentCode(ctx, s.r, dossierCode, kind)
}

func nextDocumentCode(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, dossierCode, kind string) (string, error) {
	prefix := "KQ"
	if kind == DocumentForm {
		prefix = "PH"
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT document_code) FROM issued_documents WHERE dossier_code = $1 AND kind = $2`,
		dossierCode, kind).Scan(&n); err != nil {
		return "", mapErr(err)
	}
	return fmt.Sprintf("%s-%s%d", dossierCode, prefix, n+1), nil
}

// registerIssued enters a document in the register, in tx, with its audit record: the
// next version of the document signed before (is.PrevSHA256 registered), or version 1 of
// a new document under is.Code (or the dossier's next code of is.Kind).
func (s *Store) registerIssued(ctx context.Context, tx *sql.Tx, unitID int64, dossierCode, sha string, is DocumentEntry) (signing.IssuedDocument, error) {
	d := signing.IssuedDocument{DossierCode: dossierCode, SHA256: strings.ToLower(sha), IssuedAt: s.timestamp(), Kind: is.Kind, Version: 1, Latest: true}
	prev := false
	if is.PrevSHA256 != "" {
		err := tx.QueryRowContext(ctx, `SELECT document_code, kind, version FROM issued_documents WHERE sha256 = $1 AND dossier_code = $2`,
			strings.ToLower(is.PrevSHA256), dossierCode).Scan(&d.DocumentCode, &d.Kind, &d.Version)
		switch {
		case err == nil:
			prev = true
			d.Version++
		case !errors.Is(err, sql.ErrNoRows):
			return d, err
		}
	}
	if !prev {
		if d.Kind != DocumentResult && d.Kind != DocumentForm {
			return d, fmt.Errorf("store: unknown document kind %q", d.Kind)
		}
		d.DocumentCode = is.Code
		if d.DocumentCode == "" {
			code, err := nextDocumentCode(ctx, tx, dossierCode, d.Kind)
			if err != nil {
				return d, err
			}
			d.DocumentCode = code
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM issued_documents WHERE document_code = $1`, d.DocumentCode).Scan(&taken); err != nil {
			return d, err
		}
		if taken > 0 {
			return d, ErrDocumentCodeTaken
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO issued_documents (sha256, unit_id, dossier_code, document_code, version, kind, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.SHA256, unitID, dossierCode, d.DocumentCode, d.Version, d.Kind, d.IssuedAt); err != nil {
		return d, err
	}
	return d, s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "document.issued", ObjectType: "dossier",
		ObjectID: dossierCode, Fields: []string{"document_code", "version", "sha256"}})
}

func (s *Store) issuedWhere(ctx context.Context, where string, arg any) (*signing.IssuedDocument, error) {
	var d signing.IssuedDocument
	var later int
	err := s.r.QueryRowContext(ctx, `SELECT i.sha256, i.dossier_code, i.document_code, i.kind, i.version, i.issued_at,
		(SELECT COUNT(*) FROM issued_documents l WHERE l.document_code = i.document_code AND l.version > i.version)
		FROM issued_documents i WHERE `+where+` ORDER BY i.version DESC LIMIT 1`, arg).
		Scan(&d.SHA256, &d.DossierCode, &d.DocumentCode, &d.Kind, &d.Version, &d.IssuedAt, &later)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	d.IssuedAt, d.Latest = d.IssuedAt.UTC(), later == 0
	return &d, nil
}

// IssuedDocumentBySHA256 finds a registered document by its hash; nil when xaso did not
// issue it.
func (s *Store) IssuedDocumentBySHA256(ctx context.Context, sha string) (*signing.IssuedDocument, error) {
	return s.issuedWhere(ctx, `i.sha256 = $1`, strings.ToLower(sha))
}

// IssuedDocument finds the latest version of a registered document by its code
// <dossier>-KQ<n> or -PH<n>; nil when none.
func (s *Store) IssuedDocument(ctx context.Context, code string) (*signing.IssuedDocument, error) {
	return s.issuedWhere(ctx, `i.document_code = $1`, code)
}

// KeyHolder is a stored signing key with its holder, for the administrator's list.
type KeyHolder struct {
	SigningKey
	Username, FullName, UnitName string
}

// SigningKeysInUnit lists the stored keys of a unit's officials, soonest to expire first;
// unitID 0 lists every unit's (the system administrator's view). The sealed bytes and
// images are left out.
func (s *Store) SigningKeysInUnit(ctx context.Context, unitID int64) ([]KeyHolder, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT k.id, k.user_id, k.unit_id, k.kind, k.subject, k.serial, k.not_after, k.cert_sha256,
		k.image IS NOT NULL, k.created_at, u.username, u.full_name, n.name
		FROM signing_keys k JOIN users u ON u.id = k.user_id JOIN units n ON n.id = k.unit_id
		WHERE $1 = 0 OR k.unit_id = $1 ORDER BY k.not_after, k.id LIMIT 1000`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []KeyHolder
	for rows.Next() {
		var h KeyHolder
		var image bool
		if err := rows.Scan(&h.ID, &h.UserID, &h.UnitID, &h.Kind, &h.Subject, &h.Serial, &h.NotAfter, &h.CertSHA256, &image, &h.CreatedAt,
			&h.Username, &h.FullName, &h.UnitName); err != nil {
			return nil, mapErr(err)
		}
		if image {
			h.Image = []byte{} // has an image; its bytes are not read here
		}
		h.NotAfter, h.CreatedAt = h.NotAfter.UTC(), h.CreatedAt.UTC()
		out = append(out, h)
	}
	return out, mapErr(rows.Err())
}

// ReplaceOfficialKey keeps an official's signing key as the account service installs
// it, in place of their keys of the same kind in the unit.
func (s *Store) ReplaceOfficialKey(ctx context.Context, k account.OfficialKey) (int64, error) {
	nk := NewSigningKey(k.UserID, k.UnitID, k.Kind, k.Cert, k.Sealed)
	nk.Image = k.Image
	out, err := s.putSigningKey(ctx, nk, true)
	return out.ID, err
}

// OfficialKeys lists a user's keys with their units, newest first, without the sealed
// bytes or the images.
func (s *Store) OfficialKeys(ctx context.Context, userID int64) ([]account.KeyFacts, error) {
	return queryAll(ctx, s.r, func(row interface{ Scan(...any) error }) (account.KeyFacts, error) {
		var k account.KeyFacts
		err := row.Scan(&k.ID, &k.UnitID, &k.UnitCode, &k.Kind, &k.Subject, &k.Serial, &k.NotAfter, &k.HasImage, &k.Created)
		k.NotAfter, k.Created = k.NotAfter.UTC(), k.Created.UTC()
		return k, err
	}, `SELECT k.id, k.unit_id, n.code, k.kind, k.subject, k.serial, k.not_after, k.image IS NOT NULL, k.created_at
		FROM signing_keys k JOIN units n ON n.id = k.unit_id WHERE k.user_id = $1 ORDER BY k.id DESC`, userID)
}

// WithdrawOfficialKeys deletes the user's keys of kind in unitID (audited) and says how
// many there were.
func (s *Store) WithdrawOfficialKeys(ctx context.Context, userID, unitID int64, kind string) (int, error) {
	var n int
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		n, err = s.withdrawSigningKeys(ctx, tx, userID, unitID, kind, "", nil)
		return err
	})
	return n, err
}

// The account service keeps its users, roles and keys here.
var _ account.Store = (*Store)(nil)
