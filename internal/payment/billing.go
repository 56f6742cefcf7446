package payment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Billing at filing, and the official's changes of a dossier's request from its page.
//
// A dossier of a fee-bearing procedure is billed in the transaction that files it
// (BillAtFiling, which dossier.Service calls through dossier.FeeBiller): one request for
// the fees of the procedure version, the copies asked for multiplying a fee charged per
// copy — unless the counter officer recorded an exemption with its legal ground, which
// is kept instead (FeeExemption). A procedure that charges nothing for the channel gets
// neither. Afterwards the officials of the dossier bill it again (CreateRequest), change
// the copies of a pending request (ChangeRequest: the old one cancelled and a new one
// made, in one transaction) or cancel it (Do with ActCancel).

// FeeExemption is the record that a dossier pays no fee, and why (miễn phí, lệ phí).
type FeeExemption struct {
	ID          int64     `json:"id"`
	UnitID      int64     `json:"unit_id"` // the collecting unit
	DossierID   int64     `json:"dossier_id"`
	DossierCode string    `json:"dossier_code"`
	Ground      string    `json:"ground"` // the legal ground, as the officer wrote it
	By          Actor     `json:"by"`
	At          time.Time `json:"at"`
}

// ErrNoExemption: the dossier has no exemption recorded.
var ErrNoExemption = apperr.New(apperr.NotFound, "fee_exemption_not_found", "Hồ sơ không có ghi nhận miễn phí, lệ phí.")

// ErrExemptionGround: an exemption is recorded with its legal ground (the same code as
// the intake's, dossier.ErrExemptionGround).
var ErrExemptionGround = apperr.New(apperr.Invalid, dossier.ErrExemptionGround.Code, dossier.ErrExemptionGround.Message)

// maxGround bounds an exemption's ground, as the intake does.
const maxGround = 500

// BillAtFiling bills dossier d as it is filed, inside the filing's transaction (ctx
// joins it): the exemption in terms, or a request for the fees of proc, the procedure
// version it is received under; nothing when those fees come to zero for its channel.
// The intake has checked terms (dossier.New).
func (s *Service) BillAtFiling(ctx context.Context, d dossier.Dossier, proc catalog.Procedure, terms dossier.FeeTerms, a dossier.Actor) error {
	by := Actor{Name: a.Name()}
	if a.P != nil {
		by = ActorOf(a.P)
	}
	if terms.Exempt {
		ground := locale.Clip(strings.TrimSpace(terms.ExemptionGround), maxGround)
		if ground == "" {
			return ErrExemptionGround
		}
		_, err := s.Store.RecordFeeExemption(ctx, FeeExemption{UnitID: d.CompetentUnitID, DossierID: d.ID, DossierCode: d.Code,
			Ground: ground, By: by, At: s.now()})
		return err
	}
	req, ev, err := NewRequestFor(d.Code, proc.Fees, d.Channel.Electronic(), terms.Copies, s.now())
	if errors.Is(err, ErrNothingToPay) {
		return nil
	}
	if err != nil {
		return err
	}
	req.UnitID, ev.By, req.Notice = d.CompetentUnitID, by, Notice(d)
	_, err = s.Store.CreatePaymentRequest(ctx, d.ID, req, ev)
	return err
}

// MayChange reports whether p may change or cancel a dossier's pending request from the
// dossier's page: the accountant of the collecting unit, or a counter officer of the
// dossier's receiving unit while no money has come in (they billed it at intake).
func MayChange(p *auth.Principal, r StoredRequest, d dossier.Dossier) bool {
	return accountant(p, r) || r.Paid == 0 && p.Can(d.ReceivingUnitID, auth.RoleCounter)
}

// ChangeRequest replaces the pending request ref of dossier d (which the caller opened
// as a) by one for copies copies of the same fees: the old one is cancelled with the
// reason and the new one made, in one transaction. Only while no money has come in
// (otherwise the accountant refunds): ErrInvalidTransition.
func (s *Service) ChangeRequest(ctx context.Context, d dossier.Dossier, a dossier.Actor, ref string, version, copies int, reason string) (StoredRequest, error) {
	pr, err := s.dossierRequest(ctx, d, ref)
	if err != nil {
		return StoredRequest{}, err
	}
	if !MayChange(a.P, pr, d) {
		return StoredRequest{}, apperr.ErrForbidden
	}
	switch {
	case version == 0:
		return pr, ErrVersionRequired
	case version != pr.Version:
		return pr, ErrChanged
	case pr.State != StatePending || pr.Paid != 0:
		return pr, ErrInvalidTransition
	}
	proc, err := s.Store.ProcedureVersion(ctx, d.ProcedureID)
	if err != nil {
		return StoredRequest{}, fmt.Errorf("payment: dossier %s: procedure: %w", d.Code, err)
	}
	now := s.now()
	req, ev, err := NewRequestFor(d.Code, proc.Fees, pr.Online, copies, now)
	if errors.Is(err, ErrNothingToPay) {
		return pr, ErrNothingDue
	}
	if err != nil {
		return pr, err
	}
	after := pr.Request
	cancel, err := after.Cancel(ActorOf(a.P), reason, now)
	if err != nil {
		return pr, err
	}
	req.UnitID, ev.By = pr.UnitID, ActorOf(a.P)
	return s.Store.ReplacePaymentRequest(ctx, Change{Before: pr, After: after, Event: cancel}, req, ev)
}

// CancelRequest cancels the pending request ref of dossier d, with the reason, for an
// official of the dossier (MayChange).
func (s *Service) CancelRequest(ctx context.Context, d dossier.Dossier, a dossier.Actor, ref string, version int, reason string) (StoredRequest, error) {
	pr, err := s.dossierRequest(ctx, d, ref)
	if err != nil {
		return StoredRequest{}, err
	}
	if !MayChange(a.P, pr, d) {
		return StoredRequest{}, apperr.ErrForbidden
	}
	switch {
	case version == 0:
		return pr, ErrVersionRequired
	case version != pr.Version:
		return pr, ErrChanged
	}
	after := pr.Request
	ev, err := after.Cancel(ActorOf(a.P), reason, s.now())
	if err != nil {
		return pr, err
	}
	out, _, err := s.Save(ctx, Change{Before: pr, After: after, Event: ev})
	return out, err
}

// dossierRequest is d's request with reference ref (ErrRequestNotFound for another
// dossier's).
func (s *Service) dossierRequest(ctx context.Context, d dossier.Dossier, ref string) (StoredRequest, error) {
	return s.findOf(ctx, ref, func(pr StoredRequest, _ dossier.Dossier) bool { return pr.DossierID == d.ID })
}

func (s *Service) findOf(ctx context.Context, ref string, may func(StoredRequest, dossier.Dossier) bool) (StoredRequest, error) {
	pr, _, err := s.Find(ctx, ref, may)
	return pr, err
}

// Exemption is the exemption recorded for dossier d (ErrNoExemption when none).
func (s *Service) Exemption(ctx context.Context, d dossier.Dossier) (FeeExemption, error) {
	return s.Store.FeeExemptionOfDossier(ctx, d.ID)
}
