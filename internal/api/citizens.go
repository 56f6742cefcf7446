package api

import (
	"net/http"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// Citizens' own accounts, as on the pages (/dang-ky, /quen-mat-khau, /account): the
// same citizen.Service methods and rules. A registration or a reset answers 202 with the
// challenge alike whether the number or address has an account or not.

// ChallengeRequest is the body of POST /api/v1/citizens/registrations and
// /api/v1/password-resets: a mobile number or an e-mail address.
type ChallengeRequest struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// ChallengeDoc is a code or link sent.
type ChallengeDoc struct {
	Challenge string `json:"challenge"`
	Channel   string `json:"channel"` // sms, email
	SentTo    string `json:"sent_to"` // partly hidden: 091****678
	ExpiresAt string `json:"expires_at"`
}

// RegistrationConfirm is the body of POST /api/v1/citizens/registrations/{id}/confirm.
type RegistrationConfirm struct {
	Code      string `json:"code"`
	FullName  string `json:"full_name"`
	Password  string `json:"password"`
	CitizenID string `json:"citizen_id,omitempty"`
}

// CitizenAccount is a new citizen's account.
type CitizenAccount struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// ResetConfirm is the body of POST /api/v1/password-resets/{id}/confirm.
type ResetConfirm struct {
	Code     string `json:"code"`
	Password string `json:"password"`
}

// DossierLink is the body of POST /api/v1/me/dossiers/link: a counter dossier's code
// and look-up secret, from its receipt.
type DossierLink struct {
	Code   string `json:"code"`
	Secret string `json:"secret"`
}

// OwnerLinkRequest is the body of POST /api/v1/dossiers/{code}/owner-link: the number of
// the citizen's account.
type OwnerLinkRequest struct {
	Phone string `json:"phone"`
}

// OwnerLinkConfirm is the body of POST /api/v1/dossiers/{code}/owner-link/{id}/confirm:
// the code the citizen read back.
type OwnerLinkConfirm struct {
	Code string `json:"code"`
}

var errPhoneOrEmail = apperr.New(apperr.Invalid, "phone_or_email_required", "Gửi đúng một trong hai trường phone hoặc email.")

func citizenRoutes(h handlers) []httpx.Route {
	counters := httpx.OnlyRoles(auth.RoleCounter, auth.RoleSystemAdmin)
	return []httpx.Route{
		{Pattern: "POST /api/v1/citizens/registrations", Access: httpx.Anyone, Handler: h.startRegistration},
		{Pattern: "POST /api/v1/citizens/registrations/{id}/confirm", Access: httpx.Anyone, Handler: h.confirmRegistration},
		{Pattern: "POST /api/v1/password-resets", Access: httpx.Anyone, Handler: h.startReset},
		{Pattern: "POST /api/v1/password-resets/{id}/confirm", Access: httpx.Anyone, Handler: h.confirmReset},
		{Pattern: "POST /api/v1/me/dossiers/link", Access: httpx.LoggedIn, Handler: h.linkMyDossier},
		{Pattern: "POST /api/v1/dossiers/{code}/owner-link", Access: counters, Handler: h.startOwnerLink},
		{Pattern: "POST /api/v1/dossiers/{code}/owner-link/{id}/confirm", Access: counters, Handler: h.confirmOwnerLink},
	}
}

func challengeDoc(st citizen.Started) ChallengeDoc {
	return ChallengeDoc{Challenge: st.ID, Channel: string(st.Channel), SentTo: st.Masked,
		ExpiresAt: st.ExpiresAt.UTC().Format(time.RFC3339)}
}

func (h handlers) startChallenge(w http.ResponseWriter, r *http.Request, reset bool) error {
	var in ChallengeRequest
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if (in.Phone == "") == (in.Email == "") {
		return errPhoneOrEmail
	}
	target := in.Phone
	if in.Email != "" {
		if _, err := citizen.ParseEmail(in.Email); err != nil {
			return err
		}
		target = in.Email
	} else if _, err := citizen.ParsePhone(in.Phone); err != nil {
		return err
	}
	start := h.Citizens.StartRegistration
	if reset {
		start = h.Citizens.StartReset
	}
	st, err := start(r.Context(), target, httpx.ClientIP(r, h.TrustProxy))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusAccepted, challengeDoc(st))
}

func (h handlers) startRegistration(w http.ResponseWriter, r *http.Request) error {
	return h.startChallenge(w, r, false)
}

func (h handlers) startReset(w http.ResponseWriter, r *http.Request) error {
	return h.startChallenge(w, r, true)
}

func (h handlers) confirmRegistration(w http.ResponseWriter, r *http.Request) error {
	var in RegistrationConfirm
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	reg, err := h.Citizens.Confirm(r.Context(), citizen.Registration{ChallengeID: r.PathValue("id"), Code: in.Code,
		FullName: in.FullName, Password: in.Password, CitizenID: in.CitizenID})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, CitizenAccount{ID: reg.UserID, Username: reg.Username})
}

func (h handlers) confirmReset(w http.ResponseWriter, r *http.Request) error {
	var in ResetConfirm
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if _, _, err := h.Citizens.ConfirmReset(r.Context(), r.PathValue("id"), in.Code, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h handlers) linkMyDossier(w http.ResponseWriter, r *http.Request) error {
	var in DossierLink
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	d, err := h.Citizens.LinkBySecret(r.Context(), auth.PrincipalFrom(r.Context()), in.Code, in.Secret)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]string{"code": d.Code})
}

func (h handlers) startOwnerLink(w http.ResponseWriter, r *http.Request) error {
	var in OwnerLinkRequest
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	d, err := h.Store.DossierByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	if !d.HandledBy(p) {
		return dossier.ErrNotFound
	}
	st, err := h.Citizens.StartLink(ctx, p, d, in.Phone, httpx.ClientIP(r, h.TrustProxy))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusAccepted, challengeDoc(st))
}

func (h handlers) confirmOwnerLink(w http.ResponseWriter, r *http.Request) error {
	var in OwnerLinkConfirm
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	d, err := h.Store.DossierByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	if !d.HandledBy(p) {
		return dossier.ErrNotFound
	}
	if err := h.Citizens.ConfirmLink(ctx, p, d, r.PathValue("id"), in.Code); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
