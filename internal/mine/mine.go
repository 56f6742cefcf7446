// Package mine gathers a citizen's "Hồ sơ của tôi" — the commune in their pocket: their
// dossiers with what is asked of them, their payments and receipts, their results,
// their feedback and the commune's current announcements. Each section is read through
// the service that owns it, in one query (never one per dossier); the pages (/account)
// and the API (GET /api/v1/me/overview) show the same Overview.
package mine

import (
	"context"
	"slices"

	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/payment"
)

// How much each section lists: a citizen's own papers fit, the announcements are a
// short list linking to their pages.
const (
	MaxPayments      = 50
	MaxResults       = 100
	MaxFeedback      = 20
	MaxAnnouncements = 5
)

// Service reads the overview.
type Service struct {
	Dossiers *dossier.Service
	Files    *dossierfile.Service
	Payments *payment.Service
	Feedback *feedback.Service
	// Announcements, when set, lists the commune's current announcements (those of
	// HomeUnitID).
	Announcements *announce.Service
	HomeUnitID    int64
}

// Ask kinds: what is asked of the citizen.
const (
	AskSupplement = "supplement" // papers to add: the official's reason with it
	AskFee        = "fee"        // a fee to pay: its amount and transfer reference
	AskResult     = "result"     // the result is ready to collect (or download)
)

// Ask is one thing the citizen has to do about a dossier.
type Ask struct {
	Kind          string
	DossierID     int64
	DossierCode   string
	ProcedureName string
	Reason        string // AskSupplement
	Amount        int64  // AskFee: what is still owed
	Reference     string // AskFee: the transfer's content
}

// Dossier is one of the citizen's dossiers with its fee in brief.
type Dossier struct {
	dossier.Dossier
	// Fee is its open or paid payment request (nil: none).
	Fee *payment.StoredRequest
	// HelpedBy is the name of the digital-team member who filed it on the citizen's
	// behalf, with their consent ("" : filed by the citizen or at the counter).
	HelpedBy string
}

// Overview is the citizen's "Hồ sơ của tôi".
type Overview struct {
	Asks          []Ask
	Dossiers      []Dossier
	Total         int // of the citizen's dossiers, Dossiers being a page of them
	Payments      []payment.StoredRequest
	Results       []dossierfile.OwnedResult
	Feedback      []feedback.Feedback
	Announcements []announce.Announcement
}

// Of reads the overview of the citizen ownerID with a page (limit, offset) of their
// dossiers. What is asked of them is worked out from that page (a supplement, a result
// to collect) and from their payments (a fee owed).
func (s *Service) Of(ctx context.Context, ownerID int64, limit, offset int) (Overview, error) {
	var o Overview
	ds, total, err := s.Dossiers.Owned(ctx, ownerID, limit, offset)
	if err != nil {
		return o, err
	}
	o.Total = total
	if o.Dossiers, err = s.WithFees(ctx, ds); err != nil {
		return o, err
	}
	if slices.ContainsFunc(ds, func(d dossier.Dossier) bool { return d.Channel == dossier.ChannelAssisted }) {
		helpers, err := s.Dossiers.Helpers(ctx, ownerID)
		if err != nil {
			return o, err
		}
		for i := range o.Dossiers {
			if d := o.Dossiers[i]; d.Channel == dossier.ChannelAssisted {
				o.Dossiers[i].HelpedBy = helpers[d.AssistedBy]
			}
		}
	}
	reasons, err := s.Dossiers.SupplementReasons(ctx, ownerID)
	if err != nil {
		return o, err
	}
	for _, d := range ds {
		switch d.Status {
		case dossier.StatusSupplementRequested:
			o.Asks = append(o.Asks, Ask{Kind: AskSupplement, DossierID: d.ID, DossierCode: d.Code, ProcedureName: d.ProcedureName,
				Reason: reasons[d.ID]})
		case dossier.StatusResolved:
			o.Asks = append(o.Asks, Ask{Kind: AskResult, DossierID: d.ID, DossierCode: d.Code, ProcedureName: d.ProcedureName})
		}
	}
	if o.Payments, err = s.Payments.Owned(ctx, ownerID, MaxPayments); err != nil {
		return o, err
	}
	for _, pr := range o.Payments {
		if pr.State == payment.StatePending {
			o.Asks = append(o.Asks, Ask{Kind: AskFee, DossierID: pr.DossierID, DossierCode: pr.DossierCode,
				Amount: max(pr.Amount-pr.Paid, 0), Reference: pr.Reference})
		}
	}
	if o.Results, err = s.Files.OwnerResults(ctx, ownerID, MaxResults); err != nil {
		return o, err
	}
	if o.Feedback, err = s.Feedback.Mine(ctx, ownerID, MaxFeedback); err != nil {
		return o, err
	}
	if s.Announcements != nil && s.HomeUnitID != 0 {
		if o.Announcements, err = s.Announcements.Current(ctx, s.HomeUnitID, MaxAnnouncements); err != nil {
			return o, err
		}
	}
	return o, nil
}

// WithFees adds to each dossier its fee in brief (the last pending or paid request),
// reading the requests of all of them at once.
func (s *Service) WithFees(ctx context.Context, ds []dossier.Dossier) ([]Dossier, error) {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	prs, err := s.Payments.OfDossiers(ctx, ids)
	if err != nil {
		return nil, err
	}
	fees := map[int64]*payment.StoredRequest{}
	for i, pr := range prs {
		if pr.State == payment.StatePending || pr.State == payment.StatePaid {
			fees[pr.DossierID] = &prs[i]
		}
	}
	out := make([]Dossier, len(ds))
	for i, d := range ds {
		out[i] = Dossier{Dossier: d, Fee: fees[d.ID]}
	}
	return out, nil
}
