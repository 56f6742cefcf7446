package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/payment"
)

// ReplacePaymentRequest stores ch, the cancellation of a dossier's pending request, and
// creates req as the dossier's next request with its first event, in one transaction:
// an official changing the copies asked for never leaves the dossier with two requests
// to pay, or none.
func (s *Store) ReplacePaymentRequest(ctx context.Context, ch payment.Change, req payment.Request, ev payment.Event) (payment.StoredRequest, error) {
	var out payment.StoredRequest
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, _, err := s.applyPayment(ctx, tx, ch, nil); err != nil {
			return err
		}
		var err error
		out, err = s.createPaymentRequest(joining(ctx, tx), ch.Before.DossierID, req, ev)
		return err
	})
	return out, err
}

// RecordFeeExemption keeps the exemption of a dossier from its fees, audited on the
// collecting unit's chain by field names only.
func (s *Store) RecordFeeExemption(ctx context.Context, e payment.FeeExemption) (payment.FeeExemption, error) {
	e.At = utc(e.At)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO fee_exemptions (unit_id, dossier_id, dossier_code, ground, actor_id, actor_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.UnitID, e.DossierID, e.DossierCode, e.Ground, nullID(e.By.ID), e.By.Name, e.At).Scan(&e.ID); err != nil {
			return fmt.Errorf("store: fee exemption of %s: %w", e.DossierCode, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: e.UnitID, Action: "payment.exempt", ObjectType: "dossier",
			ObjectID: e.DossierCode, Fields: []string{"ground"}})
	})
	return e, err
}

// FeeExemptionOfDossier is the exemption recorded for a dossier (payment.ErrNoExemption).
func (s *Store) FeeExemptionOfDossier(ctx context.Context, dossierID int64) (payment.FeeExemption, error) {
	var e payment.FeeExemption
	var actor sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT id, unit_id, dossier_id, dossier_code, ground, actor_id, actor_name, created_at
		FROM fee_exemptions WHERE dossier_id = $1`, dossierID).Scan(&e.ID, &e.UnitID, &e.DossierID, &e.DossierCode, &e.Ground,
		&actor, &e.By.Name, &e.At)
	if err != nil {
		return e, fmt.Errorf("store: fee exemption of dossier %d: %w", dossierID, notFound(err, payment.ErrNoExemption))
	}
	e.By.ID, e.At = actor.Int64, e.At.UTC()
	return e, nil
}
