package feedback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Store is what the feedback service needs from storage. Every write is one
// transaction with its audit record (naming the feedback and the fields, never the
// words) and its messages.
type Store interface {
	DossierByCode(ctx context.Context, code string) (dossier.Dossier, error)
	UnitByCode(ctx context.Context, code string) (unit.Unit, error)
	Memberships(ctx context.Context, userID int64) ([]auth.Membership, error)
	UserByID(ctx context.Context, id int64) (auth.User, error)
	CreateFeedback(ctx context.Context, f Feedback) (Feedback, error)
	Feedback(ctx context.Context, id int64) (Feedback, error)
	FeedbackList(ctx context.Context, q Query) ([]Feedback, int, error)
	// SaveFeedback stores after if the row is still at before's version (else
	// ErrChanged), with the audit record of action and msgs, in one transaction.
	SaveFeedback(ctx context.Context, before, after Feedback, action string, fields []string, msgs []notify.Message) (Feedback, error)
	// AnswerDays is the unit's deadline for answers in working days (0: not set).
	AnswerDays(ctx context.Context, unitID int64) (int, error)
	SetAnswerDays(ctx context.Context, unitID int64, days int) error
	// SaveSurvey stores a dossier's survey once (ErrSurveyed after).
	SaveSurvey(ctx context.Context, d dossier.Dossier, s Survey) error
}

// Calendars gives a unit's working calendar (workcal.Service).
type Calendars interface {
	For(ctx context.Context, unitID int64) (*calendar.Calendar, error)
}

// Service files, assigns and answers feedback.
type Service struct {
	Store     Store
	Calendars Calendars
	Now       func() time.Time
}

// Query filters an official's list.
type Query struct {
	UnitIDs  []int64
	Statuses []Status
	// Published lists only feedback whose citizen agreed to publication and that has
	// been answered (the public page).
	Published bool
	// Dossier lists only the feedback about this dossier (its id).
	Dossier int64
	// Owner lists the feedback a citizen filed from their account or about a dossier
	// they own, in any unit (UnitIDs may then be empty).
	Owner         int64
	Limit, Offset int
}

// Officials may handle a unit's feedback: assign it (leader, unit administrator,
// counter) and answer it (those, and the official assigned).
var assigners = []auth.Role{auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleCounter}

// Who files.
type Filer struct {
	P *auth.Principal // the logged-in user, or nil
	// DossierCode and Secret name the dossier the feedback is about, with the look-up
	// secret printed on its receipt (or the logged-in owner without it).
	DossierCode, Secret string
	// UnitCode is the unit whose service the feedback is about, when it is about no
	// dossier (logged-in citizens only).
	UnitCode string
}

// File records a citizen's feedback. About a dossier, only its applicant may file:
// its owner logged in, or whoever holds its code and look-up secret; anyone else, and a
// code that does not exist, gets ErrForbidden (the same answer: the code's existence is
// not revealed). About the service, a logged-in user names the unit.
func (s *Service) File(ctx context.Context, by Filer, in Filing) (Feedback, error) {
	in, ferr := in.check()
	f := Feedback{Kind: Kind(in.Kind), Content: in.Content, Name: in.Name, Contact: in.Contact, Publish: in.Publish,
		Status: StatusNew, FiledAt: s.Now().UTC()}
	if by.P != nil {
		f.OwnerID = by.P.UserID
	}
	switch {
	case strings.TrimSpace(by.DossierCode) != "":
		d, err := s.Store.DossierByCode(ctx, strings.TrimSpace(by.DossierCode))
		if errors.Is(err, dossier.ErrNotFound) {
			return Feedback{}, ErrForbidden
		}
		if err != nil {
			return Feedback{}, err
		}
		if !d.OwnedBy(by.P) && (by.Secret == "" || !dossier.SecretMatches(d, by.Secret)) {
			return Feedback{}, ErrForbidden
		}
		f.UnitID, f.DossierID, f.DossierCode = d.CompetentUnitID, d.ID, d.Code
		if f.Name == "" {
			f.Name = d.Applicant.FullName
		}
		if f.Contact == "" {
			f.Contact = d.Applicant.Email
		}
	case by.P == nil:
		return Feedback{}, ErrLogin
	default:
		u, err := s.Store.UnitByCode(ctx, strings.TrimSpace(by.UnitCode))
		if err != nil {
			if ferr == nil {
				ferr = &FieldError{Fields: map[string]string{}}
			}
			ferr.(*FieldError).Fields["unit"] = "Vui lòng chọn đơn vị."
		} else {
			f.UnitID = u.ID
		}
		if f.Name == "" {
			f.Name = by.P.FullName
		}
	}
	if ferr != nil {
		return Feedback{}, ferr
	}
	due, err := s.deadline(ctx, f.UnitID, f.FiledAt)
	if err != nil {
		return Feedback{}, err
	}
	f.DueAt = due
	return s.Store.CreateFeedback(ctx, f)
}

// deadline is the unit's answer time (DefaultAnswerDays unless set) after at, on the
// unit's working calendar.
func (s *Service) deadline(ctx context.Context, unitID int64, at time.Time) (time.Time, error) {
	days, err := s.Store.AnswerDays(ctx, unitID)
	if err != nil {
		return time.Time{}, err
	}
	if days <= 0 {
		days = DefaultAnswerDays
	}
	cal, err := s.Calendars.For(ctx, unitID)
	if err != nil {
		return time.Time{}, err
	}
	due, err := cal.AddWorkingDays(at, days)
	if err != nil {
		return time.Time{}, fmt.Errorf("feedback: deadline: %w", err)
	}
	return due, nil
}

// SetAnswerDays sets a unit's answer deadline (its administrators).
func (s *Service) SetAnswerDays(ctx context.Context, p *auth.Principal, unitID int64, days int) error {
	if !p.Can(unitID, auth.RoleUnitAdmin, auth.RoleSystemAdmin) {
		return ErrNotOfficial
	}
	if days < 1 || days > MaxAnswerDays {
		return ErrAnswerDays
	}
	return s.Store.SetAnswerDays(ctx, unitID, days)
}

// Official reports whether p handles f's unit's feedback.
func Official(p *auth.Principal, f Feedback) bool {
	return p.Can(f.UnitID, auth.OfficeRoles...)
}

// Get returns a feedback to an official of its unit or to the citizen who filed it
// logged in; anyone else gets ErrNotFound.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Feedback, error) {
	f, err := s.Store.Feedback(ctx, id)
	if err != nil {
		return Feedback{}, err
	}
	if p == nil || !(Official(p, f) || f.OwnerID != 0 && f.OwnerID == p.UserID) {
		return Feedback{}, ErrNotFound
	}
	return f, nil
}

// Assign gives f to an official of its unit (a leader, administrator or counter officer
// assigns; assigning again reassigns until it is answered).
func (s *Service) Assign(ctx context.Context, p *auth.Principal, id int64, version int, assigneeID int64) (Feedback, error) {
	before, err := s.Get(ctx, p, id)
	if err != nil {
		return Feedback{}, err
	}
	switch {
	case !p.Can(before.UnitID, assigners...):
		return Feedback{}, ErrNotOfficial
	case before.Status == StatusAnswered:
		return Feedback{}, ErrAnswered
	case version != 0 && version != before.Version:
		return Feedback{}, ErrChanged
	}
	ms, err := s.Store.Memberships(ctx, assigneeID)
	if err != nil {
		return Feedback{}, ErrAssignee
	}
	assignee := &auth.Principal{UserID: assigneeID, Memberships: ms}
	if !assignee.Can(before.UnitID, auth.OfficeRoles...) {
		return Feedback{}, ErrAssignee
	}
	u, err := s.Store.UserByID(ctx, assigneeID)
	if err != nil {
		return Feedback{}, ErrAssignee
	}
	after := before
	after.Status, after.AssigneeID, after.AssigneeName = StatusAssigned, assigneeID, u.FullName
	return s.Store.SaveFeedback(ctx, before, after, "feedback.assigned", []string{"assignee", "status"}, nil)
}

// Answer records the answer: by the official assigned, or one who may assign. The
// citizen is told by e-mail when they left an address (through the outbox); the
// feedback is published with its answer when the citizen agreed.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, id int64, version int, text string) (Feedback, error) {
	before, err := s.Get(ctx, p, id)
	if err != nil {
		return Feedback{}, err
	}
	switch {
	case !(p.Can(before.UnitID, assigners...) || before.AssigneeID == p.UserID && Official(p, before)):
		return Feedback{}, ErrNotOfficial
	case before.Status == StatusAnswered:
		return Feedback{}, ErrAnswered
	case version != 0 && version != before.Version:
		return Feedback{}, ErrChanged
	}
	text = clean(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return Feedback{}, &FieldError{Fields: map[string]string{"answer": "Vui lòng ghi nội dung trả lời."}}
	case n > MaxAnswer:
		return Feedback{}, &FieldError{Fields: map[string]string{"answer": "Nội dung trả lời dài tối đa 4.000 ký tự."}}
	}
	after := before
	after.Status, after.Answer, after.AnsweredAt = StatusAnswered, text, s.Now().UTC()
	after.AnsweredBy = p.FullName
	if after.AnsweredBy == "" {
		after.AnsweredBy = p.Username
	}
	if after.AssigneeID == 0 {
		after.AssigneeID, after.AssigneeName = p.UserID, after.AnsweredBy
	}
	var msgs []notify.Message
	// The answer goes to the contact the citizen left: an e-mail address by e-mail, a
	// Vietnamese phone number by SMS (docs/NOTIFY.md); once per feedback.
	email := ""
	if strings.Contains(before.Contact, "@") && !strings.ContainsAny(before.Contact, " \n") {
		email = before.Contact
	}
	if phone := notify.E164(before.Contact); email != "" || phone != "" {
		ref := "PAKN-" + fmt.Sprint(before.ID)
		if before.DossierCode != "" {
			ref = before.DossierCode
		}
		msgs = append(msgs, notify.Message{UnitID: before.UnitID, Email: email, Phone: phone, Ref: ref,
			Kind: notify.KindFeedbackAnswered, DedupKey: fmt.Sprintf("feedback:%d:answered", before.ID),
			Subject: "Trả lời " + strings.ToLower(before.Kind.Label()) + " của ông/bà",
			Body: strings.Join([]string{"Kính gửi " + before.Name + ",", "",
				"Ngày " + after.AnsweredAt.In(locale.Zone).Format("02/01/2006") + ", đơn vị đã trả lời " + strings.ToLower(before.Kind.Label()) + " của ông/bà:",
				"", text, "", "Đây là thư tự động của hệ thống một cửa điện tử."}, "\n")})
	}
	return s.Store.SaveFeedback(ctx, before, after, "feedback.answered", []string{"answer", "status"}, msgs)
}

// Judge records the citizen's view of the answer, once: the citizen who filed it
// logged in, or the holder of its dossier's secret.
func (s *Service) Judge(ctx context.Context, p *auth.Principal, id int64, secret string, v Verdict) (Feedback, error) {
	before, err := s.Store.Feedback(ctx, id)
	if err != nil {
		return Feedback{}, err
	}
	mine := p != nil && before.OwnerID != 0 && before.OwnerID == p.UserID
	if !mine && before.DossierCode != "" && secret != "" {
		d, err := s.Store.DossierByCode(ctx, before.DossierCode)
		if err != nil {
			return Feedback{}, err
		}
		mine = dossier.SecretMatches(d, secret)
	}
	switch {
	case !mine:
		return Feedback{}, ErrNotFound
	case v != VerdictSatisfied && v != VerdictDissatisfied:
		return Feedback{}, &FieldError{Fields: map[string]string{"verdict": "Vui lòng chọn hài lòng hoặc không hài lòng."}}
	case before.Status != StatusAnswered:
		return Feedback{}, ErrNotAnswered
	case before.Verdict != "":
		return Feedback{}, ErrVerdict
	}
	after := before
	after.Verdict = v
	return s.Store.SaveFeedback(ctx, before, after, "feedback.judged", []string{"verdict"}, nil)
}

// List lists the feedback of units p handles (all of q.UnitIDs must be p's).
func (s *Service) List(ctx context.Context, p *auth.Principal, q Query) ([]Feedback, int, error) {
	for _, u := range q.UnitIDs {
		if !p.Can(u, auth.OfficeRoles...) {
			return nil, 0, ErrNotOfficial
		}
	}
	if len(q.UnitIDs) == 0 {
		return nil, 0, nil
	}
	return s.Store.FeedbackList(ctx, q)
}

// Mine lists the feedback of the citizen ownerID — filed from their account or about
// a dossier they own — with its answers, the unanswered first, at most limit.
func (s *Service) Mine(ctx context.Context, ownerID int64, limit int) ([]Feedback, error) {
	if ownerID == 0 {
		return nil, nil
	}
	fs, _, err := s.Store.FeedbackList(ctx, Query{Owner: ownerID, Limit: limit})
	return fs, err
}

// Published lists a unit's answered feedback whose citizens agreed to publication.
func (s *Service) Published(ctx context.Context, unitID int64, limit, offset int) ([]Feedback, int, error) {
	return s.Store.FeedbackList(ctx, Query{UnitIDs: []int64{unitID}, Published: true, Limit: limit, Offset: offset})
}

// Survey records the applicant's answers to the satisfaction survey of d, once, when
// its result is ready or it has ended (as the rating).
func (s *Service) Survey(ctx context.Context, d dossier.Dossier, answers map[string]string, comment string) error {
	if !d.CanRate() {
		return dossier.ErrRatingTooEarly
	}
	sv, err := NewSurvey(answers, comment, s.Now().UTC())
	if err != nil {
		return err
	}
	sv.DossierID, sv.UnitID = d.ID, d.CompetentUnitID
	return s.Store.SaveSurvey(ctx, d, sv)
}
