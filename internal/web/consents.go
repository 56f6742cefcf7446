package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/consent"
)

// A citizen's consents, on their account page: agreeing that a volunteer of the
// community digital team files dossiers in their name (naming the volunteer by the
// username on their member card), and taking it back. A volunteer files only for
// citizens whose consent stands (dossier.Service), and sees those dossiers only while it
// does (dossier.Service.Access).

var errNotConfirmed = apperr.New(apperr.Invalid, "consent_not_confirmed",
	"Vui lòng đánh dấu ô “Tôi đồng ý” sau khi đọc nội dung đồng ý.")

// consentRow is one consent as the pages list it.
type consentRow struct {
	ID                    int64
	Name, Username, Unit  string // the other party: the volunteer (for the citizen) or the citizen (for the volunteer)
	Purpose, Given, Ended string
	Active                bool
}

// consentsView is the account page's consent part.
type consentsView struct {
	Text     string // the words the citizen agrees to
	Rows     []consentRow
	Typed    string // the username typed before an error
	Error    string
	Focus    bool
	HasEnded bool
}

// consentProblem is what went wrong with a consent just asked for.
type consentProblem struct{ typed, message string }

func (s *Server) consentsOf(ctx context.Context, p *auth.Principal, problem *consentProblem) (consentsView, error) {
	v := consentsView{Text: consent.Text(consent.AssistedFiling)}
	if problem != nil {
		v.Typed, v.Error, v.Focus = problem.typed, problem.message, true
	}
	cs, err := s.Store.CitizenConsents(ctx, p.UserID)
	if err != nil {
		return v, err
	}
	for _, c := range cs {
		row := consentRow{ID: c.ID, Name: c.VolunteerName, Username: c.VolunteerUsername, Unit: c.UnitName,
			Purpose: c.Purpose.Label(), Given: shortTime(c.GivenAt), Active: c.Active()}
		if !c.Active() {
			row.Ended, v.HasEnded = shortTime(c.RevokedAt), true
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// helpedCitizens lists the citizens whose consent to the volunteer p stands, in every
// unit where p serves on the digital team: those p may file for.
func (s *Server) helpedCitizens(ctx context.Context, p *auth.Principal) ([]consentRow, error) {
	var out []consentRow
	for _, m := range p.Memberships {
		if m.Role != auth.RoleDigitalTeam {
			continue
		}
		cs, err := s.Store.VolunteerConsents(ctx, p.UserID, m.UnitID, consent.AssistedFiling)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out = append(out, consentRow{ID: c.ID, Name: c.CitizenName, Username: c.CitizenUsername, Unit: c.UnitName,
				Purpose: c.Purpose.Label(), Given: shortTime(c.GivenAt), Active: true})
		}
	}
	return out, nil
}

// grantConsent records the logged-in user's consent to the volunteer they name.
func (s *Server) grantConsent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	typed := strings.TrimSpace(r.PostFormValue("volunteer"))
	again := func(e *apperr.Error) error {
		return s.renderAccount(w, r, e.Kind.HTTPStatus(), &consentProblem{typed: typed, message: e.Message}, "")
	}
	if r.PostFormValue("agree") != "yes" {
		return again(errNotConfirmed)
	}
	name, err := auth.NormalizeUsername(typed)
	if err != nil {
		return again(consent.ErrNotVolunteer)
	}
	volunteer, unitID, fullName, err := s.Store.Volunteer(ctx, name)
	if err != nil {
		if e := apperr.From(err); e.Kind == apperr.Invalid || e.Kind == apperr.NotFound {
			return again(consent.ErrNotVolunteer)
		}
		return err
	}
	c, created, err := s.Store.GrantConsent(ctx, consent.Consent{CitizenID: p.UserID, VolunteerID: volunteer, UnitID: unitID,
		Purpose: consent.AssistedFiling, Text: consent.Text(consent.AssistedFiling)})
	if err != nil {
		if e := apperr.From(err); e.Kind == apperr.Invalid {
			return again(e)
		}
		return err
	}
	msg := fmt.Sprintf("Đã ghi nhận: ông/bà đồng ý cho %s nộp hộ hồ sơ. Có thể rút lại bất cứ lúc nào.", fullName)
	if !created {
		msg = fmt.Sprintf("Ông/bà đã đồng ý cho %s nộp hộ từ %s; sự đồng ý vẫn còn hiệu lực.", fullName, shortTime(c.GivenAt))
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/account#dong-y", http.StatusSeeOther)
	return nil
}

// revokeConsent ends one of the logged-in user's consents; someone else's is not found.
func (s *Server) revokeConsent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return consent.ErrNotFound
	}
	if _, err := s.Store.RevokeConsent(ctx, p.UserID, id); err != nil {
		if apperr.From(err).Code != consent.ErrRevoked.Code {
			return err
		}
	}
	s.sessions.Put(ctx, "flash", "Đã rút lại sự đồng ý. Từ nay người đó không nộp hộ và không xem được các hồ sơ của ông/bà nữa.")
	http.Redirect(w, r, "/account#dong-y", http.StatusSeeOther)
	return nil
}
