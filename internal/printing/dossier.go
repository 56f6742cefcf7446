package printing

import (
	"context"

	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Records is what drawing a dossier's form reads from storage (store.Store): its
// history and its units.
type Records interface {
	DossierEvents(ctx context.Context, dossierID int64) ([]dossier.Event, error)
	DossierPaperwork(ctx context.Context, dossierID int64) (dossier.Paperwork, error)
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
}

// RulesSource gives the rules a dossier is handled under (dossier.Service).
type RulesSource interface {
	Rules(ctx context.Context, d dossier.Dossier) (dossier.Rules, error)
}

// DossierForm draws form number (01–06) of dossier d, for the API and the office pages
// alike; lookupURL is the content of form 01's QR code. ErrNotApplicable when the
// dossier has nothing the form records.
func DossierForm(ctx context.Context, st Records, rs RulesSource, d dossier.Dossier, number, lookupURL string) (Printable, error) {
	rules, err := rs.Rules(ctx, d)
	if err != nil {
		return nil, err
	}
	evs, err := st.DossierEvents(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	in := Input{Dossier: d, Events: evs, Procedure: rules.Procedure, Calendar: rules.Calendar, LookupURL: lookupURL}
	if in.Paperwork, err = st.DossierPaperwork(ctx, d.ID); err != nil {
		return nil, err
	}
	if in.Receiving, err = st.UnitByID(ctx, d.ReceivingUnitID); err != nil {
		return nil, err
	}
	if in.Competent, err = st.UnitByID(ctx, d.CompetentUnitID); err != nil {
		return nil, err
	}
	return Form(number, in)
}
