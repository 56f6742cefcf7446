package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/signing"
)

// AddReceiptKey installs a unit's receipt key (payment.NewReceiptKey): the unit's
// previous key is retired in the same transaction, with the audit record
// receipt_key.add. A certificate can be installed once, for one unit
// (payment.ErrReceiptKeyExists).
func (s *Store) AddReceiptKey(ctx context.Context, k payment.ReceiptKey) (payment.ReceiptKey, error) {
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
		return k, payment.ErrReceiptKeyExists
	}
	if err != nil {
		return k, fmt.Errorf("store: add receipt key of unit %d: %w", k.UnitID, mapErr(err))
	}
	return k, nil
}

const receiptKeyCols = `id, unit_id, subject, serial, not_before, not_after, cert_sha256, chain_pem, kek_id, sealed_key, created_at, retired_at`

func scanReceiptKey(row interface{ Scan(...any) error }) (payment.ReceiptKey, error) {
	var k payment.ReceiptKey
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
func (s *Store) ReceiptKeys(ctx context.Context, unitID int64) ([]payment.ReceiptKey, error) {
	return queryAll(ctx, s.r, scanReceiptKey, `SELECT `+receiptKeyCols+` FROM receipt_keys WHERE unit_id = $1 ORDER BY id DESC`, unitID)
}

// ActiveReceiptKey is the unit's receipt key in use (payment.ErrReceiptKeyNotFound when
// it has none and receipts fall back to the deployment's key).
func (s *Store) ActiveReceiptKey(ctx context.Context, unitID int64) (payment.ReceiptKey, error) {
	return activeReceiptKey(ctx, s.r, unitID)
}

func activeReceiptKey(ctx context.Context, q querier, unitID int64) (payment.ReceiptKey, error) {
	k, err := scanReceiptKey(q.QueryRowContext(ctx, `SELECT `+receiptKeyCols+` FROM receipt_keys
		WHERE unit_id = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1`, unitID))
	if err != nil {
		return k, notFound(err, payment.ErrReceiptKeyNotFound)
	}
	return k, nil
}

// ReceiptKeyOwner is the unit whose receipt key has the certificate with this SHA-256
// (ok false when none), for payment.CheckReceiptSignature.
func (s *Store) ReceiptKeyOwner(ctx context.Context, certSHA256 string) (payment.KeyOwner, bool, error) {
	var o payment.KeyOwner
	err := s.r.QueryRowContext(ctx, `SELECT k.unit_id, u.code FROM receipt_keys k JOIN units u ON u.id = k.unit_id
		WHERE k.cert_sha256 = $1`, certSHA256).Scan(&o.UnitID, &o.UnitCode)
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, nil
	}
	return o, err == nil, mapErr(err)
}
