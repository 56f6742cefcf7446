package dossier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/consent"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/unit"
)

// NewDossier is a dossier to store with its first event and messages.
type NewDossier struct {
	Dossier Dossier // code and secret are assigned by the store
	Event   Event
	Ident   string // the receiving unit's electronic identifier, the code's prefix
	// Messages composes what the applicant is owed once the code is known.
	Messages func(Dossier) []notify.Message
	// Idempotency: the same key from the same principal with the same body returns the
	// dossier created the first time; a different body is refused.
	IdemPrincipal, IdemKey, BodyHash string
	// Attachments are recorded with the dossier, in its transaction.
	Attachments []Attachment
	// Within, when set, runs inside the filing's transaction once the dossier has its
	// code and id; a store method called with the ctx it is given joins that
	// transaction. The payment service bills the dossier here, so a filing and its
	// payment request (or fee exemption) commit together or not at all.
	Within func(ctx context.Context, d Dossier) error
}

// FeeBiller bills a new dossier inside its filing's transaction (payment.Service): a
// payment request for the fees of its procedure version, or the exemption the counter
// officer recorded.
type FeeBiller interface {
	BillAtFiling(ctx context.Context, d Dossier, proc catalog.Procedure, terms FeeTerms, a Actor) error
}

// Store is what the dossier service needs from storage.
type Store interface {
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
	PublishedProcedureVersion(ctx context.Context, unitID int64, code string) (int64, catalog.Procedure, error)
	ProcedureVersion(ctx context.Context, id int64) (catalog.Procedure, error)
	CreateDossier(ctx context.Context, nd NewDossier) (Dossier, bool, error)
	SaveTransition(ctx context.Context, before, after Dossier, ev Event, msgs []notify.Message) (Dossier, error)
	DossierByCode(ctx context.Context, code string) (Dossier, error)
	// DossierEvents is a dossier's history, oldest first (the end of processing
	// measures the processing time from it).
	DossierEvents(ctx context.Context, dossierID int64) ([]Event, error)
	// DossierFiles lists a dossier's attachments (signing the result needs one).
	DossierFiles(ctx context.Context, dossierID int64) ([]File, error)
	// ActiveConsent is the id of the consent standing from citizen to volunteer in unit
	// for purpose (consent.ErrRequired when none); ConsentStands whether consent id
	// has not been revoked.
	ActiveConsent(ctx context.Context, citizenID, volunteerID, unitID int64, purpose consent.Purpose) (int64, error)
	ConsentStands(ctx context.Context, id int64) (bool, error)
	// OwnedDossiers lists the dossiers a citizen owns, by urgency, with their count;
	// SupplementReasons gives, for each of them waiting for a supplement, the reason
	// of the last request (Service.Owned).
	OwnedDossiers(ctx context.Context, ownerID int64, limit, offset int) ([]Dossier, int, error)
	SupplementReasons(ctx context.Context, ownerID int64) (map[int64]string, error)
	// Helpers names the digital-team members who filed ownerID's dossiers for them
	// (by user id), in one read.
	Helpers(ctx context.Context, ownerID int64) (map[int64]string, error)
	Searcher
	Staff
}

// Calendars gives a unit's compiled working calendar (workcal.Service).
type Calendars interface {
	For(ctx context.Context, unitID int64) (*calendar.Calendar, error)
	// UnitCalendar returns the unit with its calendar, from one read.
	UnitCalendar(ctx context.Context, unitID int64) (unit.Unit, *calendar.Calendar, error)
}

// Service files dossiers and applies transitions: it loads what a transition needs, runs
// the pure rules, and stores the result with its event and messages in one transaction.
type Service struct {
	Store     Store
	Calendars Calendars
	Now       func() time.Time
	// Fees bills fee-bearing dossiers as they are filed (nil: no billing at filing).
	Fees FeeBiller
	// SignNeedsResult refuses the leader's "sign the result" (ActSign) on a dossier with
	// no result file (ErrNoResult). `xaso serve` sets it; histories built without files
	// (the demo's, the statistics tests') do not.
	SignNeedsResult bool
}

// Idempotency identifies a creating request for safe retries.
type Idempotency struct{ Principal, Key, BodyHash string }

// ErrOtherProvince refuses a dossier received by one unit for a unit of another
// province: the one-stop rule lets any desk of the province receive for another unit,
// not a desk of another province.
var ErrOtherProvince = apperr.New(apperr.Invalid, "other_province",
	"Đơn vị giải quyết thuộc tỉnh khác. Bộ phận một cửa chỉ tiếp nhận hồ sơ do đơn vị trong cùng tỉnh giải quyết; hãy nộp tại đơn vị thuộc tỉnh đó.")

// Check runs the checks of File without filing anything: a form whose files were
// refused shows every other problem in the same round trip.
func (s *Service) Check(ctx context.Context, procedureCode string, in Intake, a Actor) (Dossier, Event, error) {
	if in.CompetentUnitID == 0 {
		in.CompetentUnitID = in.ReceivingUnitID
	}
	comp, cal, err := s.Calendars.UnitCalendar(ctx, in.CompetentUnitID)
	if err != nil {
		return Dossier{}, Event{}, err
	}
	if _, err := s.receivingUnit(ctx, in, comp); err != nil {
		return Dossier{}, Event{}, err
	}
	_, proc, err := s.Store.PublishedProcedureVersion(ctx, in.CompetentUnitID, procedureCode)
	if err != nil {
		return Dossier{}, Event{}, err
	}
	d, ev, err := New(Rules{Procedure: proc, Calendar: cal}, in, a, s.Now())
	if err != nil {
		return Dossier{}, Event{}, err
	}
	if d.ConsentID, err = s.consentFor(ctx, d); err != nil {
		return Dossier{}, Event{}, err
	}
	return d, ev, nil
}

// receivingUnit loads the unit that receives an intake (most often the competent unit
// itself) and checks that both are in the same province.
func (s *Service) receivingUnit(ctx context.Context, in Intake, comp unit.Unit) (unit.Unit, error) {
	if in.ReceivingUnitID == comp.ID {
		return comp, nil
	}
	u, err := s.Store.UnitByID(ctx, in.ReceivingUnitID)
	if err != nil {
		return u, err
	}
	if u.ProvinceID() != comp.ProvinceID() {
		return u, ErrOtherProvince
	}
	return u, nil
}

// consentFor is the consent an assisted filing rests on: its owner's standing consent
// to the filing volunteer, in the receiving unit, for assisted filing. Without one the
// filing is refused, the problem drawn at the owner's field with its own code.
func (s *Service) consentFor(ctx context.Context, d Dossier) (int64, error) {
	if d.Channel != ChannelAssisted {
		return 0, nil
	}
	id, err := s.Store.ActiveConsent(ctx, d.OwnerID, d.AssistedBy, d.ReceivingUnitID, consent.AssistedFiling)
	if errors.Is(err, consent.ErrRequired) {
		return 0, &FieldError{Fields: map[string]string{"owner": consent.ErrRequired.Message}, Code: consent.ErrRequired}
	}
	return id, err
}

// Access decides whether p may see and act on d, and as whom. It is the one rule every
// page and API route that opens a dossier asks:
//   - its owner (the citizen whose dossier it is) acts as the applicant;
//   - an official of its receiving or competent unit (auth.OfficeRoles) acts in their
//     roles, which the state machine checks step by step;
//   - the volunteer who filed it for the owner helps as the applicant's assistant, while
//     the consent it was filed under stands and they still serve on the receiving
//     unit's digital team: revoking the consent closes the dossier to them at once.
//
// Anyone else gets ErrNotFound, which does not reveal that the code exists.
func (s *Service) Access(ctx context.Context, d Dossier, p *auth.Principal) (Actor, error) {
	switch {
	case p == nil:
		return Actor{}, ErrNotFound
	case d.OwnedBy(p) || d.HandledBy(p):
		return d.ActorFor(p), nil
	case d.AssistedFor(p):
		ok, err := s.Store.ConsentStands(ctx, d.ConsentID)
		if err != nil {
			return Actor{}, err
		}
		if ok {
			return Actor{P: p, Assistant: true}, nil
		}
	}
	return Actor{}, ErrNotFound
}

// File creates a dossier for the procedure in force in the competent unit's catalog. It
// returns replayed = true when the idempotency key had already created it.
func (s *Service) File(ctx context.Context, procedureCode string, in Intake, a Actor, idem Idempotency) (Dossier, bool, error) {
	if in.CompetentUnitID == 0 {
		in.CompetentUnitID = in.ReceivingUnitID
	}
	// The competent unit's calendar comes with the unit; the receiving unit, whose
	// identification code starts the dossier's code, is most often the same one.
	comp, cal, err := s.Calendars.UnitCalendar(ctx, in.CompetentUnitID)
	if err != nil {
		return Dossier{}, false, err
	}
	u, err := s.receivingUnit(ctx, in, comp)
	if err != nil {
		return Dossier{}, false, err
	}
	procID, proc, err := s.Store.PublishedProcedureVersion(ctx, in.CompetentUnitID, procedureCode)
	if err != nil {
		return Dossier{}, false, err
	}
	d, ev, err := New(Rules{Procedure: proc, Calendar: cal}, in, a, s.Now())
	if err != nil {
		return Dossier{}, false, err
	}
	d.ProcedureID = procID
	if d.ConsentID, err = s.consentFor(ctx, d); err != nil {
		return Dossier{}, false, err
	}
	if u.IdentCode == "" {
		return Dossier{}, false, ErrNoIdent
	}
	nd := NewDossier{Dossier: d, Event: ev, Ident: u.IdentCode, IdemPrincipal: idem.Principal, IdemKey: idem.Key, BodyHash: idem.BodyHash,
		Attachments: in.Attachments,
		Messages: func(d Dossier) []notify.Message {
			// The receipt, or the acknowledgement of an online filing, by e-mail.
			if m, ok := message(d, ev.Action, ""); ok {
				return []notify.Message{m}
			}
			return nil
		}}
	if s.Fees != nil {
		terms := in.Fee
		terms.Copies = Intake{Fields: d.Fields, Fee: in.Fee}.Copies()
		nd.Within = func(ctx context.Context, d Dossier) error { return s.Fees.BillAtFiling(ctx, d, proc, terms, a) }
	}
	return s.Store.CreateDossier(ctx, nd)
}

// Act applies a transition to the dossier with code.
func (s *Service) Act(ctx context.Context, code string, req Request) (Dossier, error) {
	before, err := s.Store.DossierByCode(ctx, code)
	if err != nil {
		return Dossier{}, err
	}
	rules, err := s.Rules(ctx, before)
	if err != nil {
		return Dossier{}, err
	}
	if req.Now.IsZero() {
		req.Now = s.Now()
	}
	if req.Actor, err = s.actingFor(ctx, before, req.Actor); err != nil {
		return Dossier{}, err
	}
	if req.Action == ActSign && s.SignNeedsResult {
		if err := s.hasResult(ctx, before); err != nil {
			return Dossier{}, err
		}
	}
	after := before
	ev, err := after.Apply(rules, req)
	if err != nil {
		return Dossier{}, err
	}
	if !after.ReceivedAt.IsZero() && !ev.At.Before(after.ReceivedAt) && endsProcessing(ev) {
		evs, err := s.Store.DossierEvents(ctx, before.ID)
		if err != nil {
			return Dossier{}, err
		}
		p, ok, err := ProcessingOf(rules.Calendar, rules.Procedure.LegalTime, after, append(evs, ev))
		if err != nil {
			return Dossier{}, err
		}
		if ok {
			after.Processing = &p
		}
	}
	var msgs []notify.Message
	if m, ok := message(after, req.Action, req.Reason); ok {
		msgs = append(msgs, m)
	}
	return s.Store.SaveTransition(ctx, before, after, ev, msgs)
}

// ResultKind is the kind of a dossier's result file (dossierfile.KindResult).
const ResultKind = "result"

// ErrNoResult: the leader signs the result, so there must be one: a result file (the
// draft the specialist prepared, a PDF) is attached first.
var ErrNoResult = apperr.New(apperr.Conflict, "result_missing",
	"Hồ sơ chưa có tệp kết quả để ký. Chuyên viên (hoặc cán bộ) đính kèm kết quả giải quyết (PDF) ở mục Giấy tờ đính kèm, rồi lãnh đạo ký số và ký kết quả.")

// hasResult refuses ErrNoResult when d has no result file.
func (s *Service) hasResult(ctx context.Context, d Dossier) error {
	fs, err := s.Store.DossierFiles(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.Kind == ResultKind {
			return nil
		}
	}
	return ErrNoResult
}

// Rules loads what transitions of d need: its procedure version and its calendar.
func (s *Service) Rules(ctx context.Context, d Dossier) (Rules, error) {
	proc, err := s.Store.ProcedureVersion(ctx, d.ProcedureID)
	if err != nil {
		return Rules{}, fmt.Errorf("dossier %s: procedure: %w", d.Code, err)
	}
	cal, err := s.Calendars.For(ctx, d.CompetentUnitID)
	if err != nil {
		return Rules{}, err
	}
	return Rules{Procedure: proc, Calendar: cal}, nil
}

// Move is an appointment that the current calendar would set differently.
type Move struct {
	Code   string
	From   time.Time
	To     time.Time
	Status Status
}

// OpenLister lists a unit's open dossiers (the store's inbox query).
type OpenLister interface {
	OpenDossiers(ctx context.Context, unitID int64) ([]Dossier, error)
}

// Moves previews the appointments of a unit's open dossiers that its calendar, as it
// is now, would set differently — after an administrator entered a decision late.
func (s *Service) Moves(ctx context.Context, st OpenLister, unitID int64) ([]Move, error) {
	ds, err := st.OpenDossiers(ctx, unitID)
	if err != nil {
		return nil, err
	}
	var out []Move
	for _, d := range ds {
		if d.ReceivedAt.IsZero() || d.CompetentUnitID != unitID {
			continue
		}
		rules, err := s.Rules(ctx, d)
		if err != nil {
			return nil, err
		}
		due, err := d.Recomputed(rules)
		if err != nil {
			return nil, err
		}
		if !due.Equal(d.DueAt) {
			out = append(out, Move{Code: d.Code, From: d.DueAt, To: due, Status: d.Status})
		}
	}
	return out, nil
}

// ApplyMoves moves the previewed appointments, each in its own transaction with its
// history entry. A dossier that changed since the preview is skipped and reported.
func (s *Service) ApplyMoves(ctx context.Context, moves []Move, a Actor) (moved int, skipped []string, err error) {
	for _, m := range moves {
		before, err := s.Store.DossierByCode(ctx, m.Code)
		if err != nil {
			return moved, skipped, err
		}
		if !before.DueAt.Equal(m.From) {
			skipped = append(skipped, m.Code)
			continue
		}
		after := before
		ev, err := after.Reschedule(m.To, a, s.Now())
		if err != nil {
			skipped = append(skipped, m.Code)
			continue
		}
		if _, err := s.Store.SaveTransition(ctx, before, after, ev, nil); err != nil {
			if errors.Is(err, ErrStale) {
				skipped = append(skipped, m.Code)
				continue
			}
			return moved, skipped, err
		}
		moved++
	}
	return moved, skipped, nil
}

// Owned lists the dossiers ownerID owns, by urgency, with their count: "Hồ sơ của tôi".
func (s *Service) Owned(ctx context.Context, ownerID int64, limit, offset int) ([]Dossier, int, error) {
	return s.Store.OwnedDossiers(ctx, ownerID, limit, offset)
}

// Helpers names the digital-team members who filed ownerID's dossiers on their behalf
// (assisted filing), by user id: the citizen sees who helped.
func (s *Service) Helpers(ctx context.Context, ownerID int64) (map[int64]string, error) {
	return s.Store.Helpers(ctx, ownerID)
}

// SupplementReasons gives, for each dossier ownerID owns that waits for a supplement,
// what the official asked for (the note of the last request), in one read.
func (s *Service) SupplementReasons(ctx context.Context, ownerID int64) (map[int64]string, error) {
	return s.Store.SupplementReasons(ctx, ownerID)
}
