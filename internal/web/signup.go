package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/ratelimit"
)

// A citizen opens their own account (/dang-ky) or resets a forgotten password
// (/quen-mat-khau): their mobile number or e-mail address, then the code sent by SMS
// (or the e-mail's link), then their name and password (or the new password). The
// pages only translate HTTP; internal/citizen owns the rules. They work without
// JavaScript: each step is a form, and the code rides along the last one as a hidden
// field, checked again there.

// NewCodeRequests is the limiter of requests for codes per client address in one
// instance: a burst of 10, then one a minute (the database counts 20 an hour across
// instances).
func NewCodeRequests() *ratelimit.Limiter { return ratelimit.New(10, 1) }

func (s *Server) signupRoutes() []httpx.Route {
	counters := httpx.OnlyRoles(receiveRoles...)
	return []httpx.Route{
		{Pattern: "GET /dang-ky", Access: httpx.Anyone, Handler: s.signupStart},
		{Pattern: "POST /dang-ky", Access: httpx.Anyone, Handler: s.signupSend},
		{Pattern: "GET /dang-ky/{id}", Access: httpx.Anyone, Handler: s.signupCode},
		{Pattern: "POST /dang-ky/{id}", Access: httpx.Anyone, Handler: s.signupConfirm},
		{Pattern: "GET /quen-mat-khau", Access: httpx.Anyone, Handler: s.signupStart},
		{Pattern: "POST /quen-mat-khau", Access: httpx.Anyone, Handler: s.signupSend},
		{Pattern: "GET /quen-mat-khau/{id}", Access: httpx.Anyone, Handler: s.signupCode},
		{Pattern: "POST /quen-mat-khau/{id}", Access: httpx.Anyone, Handler: s.signupConfirm},
		{Pattern: "POST /account/ho-so-truc-tiep", Access: httpx.LoggedIn, Handler: s.linkCounterDossier},
		{Pattern: "POST /office/dossiers/{code}/lien-ket", Access: counters, Handler: s.startOwnerLink},
		{Pattern: "POST /office/dossiers/{code}/lien-ket/xac-nhan", Access: counters, Handler: s.confirmOwnerLink},
	}
}

// signupView is the page of a step.
type signupView struct {
	Reset   bool   // the forgotten password's pages, else the registration's
	Base    string // /dang-ky or /quen-mat-khau
	Step    string // start, code, details
	ID      string // the challenge
	Code    string // checked, carried to the last step
	Target  string // as typed at the start
	Sent    string // where the code went, partly hidden
	Email   bool   // the code came as a link
	Name    string
	Citizen string // the CCCD number typed
	Problem string
}

func signupBase(r *http.Request) (string, bool) {
	if strings.HasPrefix(r.URL.Path, "/quen-mat-khau") {
		return "/quen-mat-khau", true
	}
	return "/dang-ky", false
}

func (s *Server) renderSignup(w http.ResponseWriter, r *http.Request, status int, sv signupView) error {
	sv.Base, sv.Reset = signupBase(r)
	title := "Đăng ký tài khoản"
	if sv.Reset {
		title = "Quên mật khẩu"
	}
	v := s.view(r, title)
	v.Error, sv.Problem = sv.Problem, ""
	v.Data = sv
	return s.views.render(w, status, "signup", v)
}

func (s *Server) signupStart(w http.ResponseWriter, r *http.Request) error {
	if p := auth.PrincipalFrom(r.Context()); p != nil {
		http.Redirect(w, r, p.HomePath(), http.StatusSeeOther)
		return nil
	}
	return s.renderSignup(w, r, http.StatusOK, signupView{Step: "start"})
}

func parseSmallForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")
	}
	return nil
}

// signupSend sends the code (or the link) and goes to the page that asks for it.
func (s *Server) signupSend(w http.ResponseWriter, r *http.Request) error {
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	base, reset := signupBase(r)
	target := strings.TrimSpace(r.PostFormValue("target"))
	client := httpx.ClientIP(r, s.TrustProxy)
	start := s.Citizens.StartRegistration
	if reset {
		start = s.Citizens.StartReset
	}
	st, err := start(ctx, target, client)
	if err != nil {
		e := apperr.From(err)
		if e.Kind == apperr.Invalid || e.Kind == apperr.TooManyRequests {
			return s.renderSignup(w, r, e.Kind.HTTPStatus(), signupView{Step: "start", Target: target, Problem: e.Message})
		}
		return err
	}
	s.sessions.Put(ctx, "signup_sent:"+st.ID, st.Masked)
	http.Redirect(w, r, base+"/"+st.ID, http.StatusSeeOther)
	return nil
}

// signupCode asks for the code; an e-mail's link (?ma=) is checked at once and goes on
// to the last step.
func (s *Server) signupCode(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if code := r.URL.Query().Get("ma"); code != "" {
		return s.checkSignupCode(w, r, id, code, true)
	}
	sent := s.sessions.GetString(r.Context(), "signup_sent:"+id)
	return s.renderSignup(w, r, http.StatusOK, signupView{Step: "code", ID: id, Sent: sent, Email: strings.Contains(sent, "@")})
}

func (s *Server) checkSignupCode(w http.ResponseWriter, r *http.Request, id, code string, email bool) error {
	_, reset := signupBase(r)
	purpose := citizen.Register
	if reset {
		purpose = citizen.Reset
	}
	if _, err := s.Citizens.Check(r.Context(), purpose, id, code); err != nil {
		return s.signupProblem(w, r, signupView{Step: "code", ID: id, Email: email}, err)
	}
	return s.renderSignup(w, r, http.StatusOK, signupView{Step: "details", ID: id, Code: code})
}

// signupProblem answers a refused step on its page, or fails the request for an error
// that is not the citizen's.
func (s *Server) signupProblem(w http.ResponseWriter, r *http.Request, sv signupView, err error) error {
	e := apperr.From(err)
	switch e.Kind {
	case apperr.Invalid, apperr.TooManyRequests, apperr.Conflict:
		if e.Code == "otp_expired" || e.Code == "otp_too_many_tries" {
			sv.Step = "start" // a dead code: ask for a new one
		}
		sv.Problem = e.Message
		return s.renderSignup(w, r, e.Kind.HTTPStatus(), sv)
	}
	return err
}

// signupConfirm is the code step (code alone) or the last step (code, name and
// password): a new account or a new password, and the citizen is logged in.
func (s *Server) signupConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	id, code := r.PathValue("id"), strings.TrimSpace(r.PostFormValue("code"))
	if r.PostFormValue("step") != "details" {
		return s.checkSignupCode(w, r, id, code, false)
	}
	_, reset := signupBase(r)
	pw := r.PostFormValue("password")
	sv := signupView{Step: "details", ID: id, Code: code, Name: r.PostFormValue("full_name"), Citizen: r.PostFormValue("citizen_id")}
	if pw != r.PostFormValue("confirm") {
		sv.Problem = errPasswordMismatch.Message
		return s.renderSignup(w, r, http.StatusUnprocessableEntity, sv)
	}
	var userID, epoch int64
	if reset {
		var err error
		if userID, epoch, err = s.Citizens.ConfirmReset(ctx, id, code, pw); err != nil {
			return s.signupProblem(w, r, sv, err)
		}
	} else {
		reg, err := s.Citizens.Confirm(ctx, citizen.Registration{ChallengeID: id, Code: code, FullName: sv.Name, Password: pw,
			CitizenID: sv.Citizen})
		if err != nil {
			return s.signupProblem(w, r, sv, err)
		}
		userID = reg.UserID
	}
	s.sessions.Remove(ctx, "signup_sent:"+id)
	if err := s.startSession(ctx, userID, epoch); err != nil {
		return err
	}
	if reset {
		s.sessions.Put(ctx, "flash", "Đã đặt mật khẩu mới. Các phiên đăng nhập khác của bạn đã kết thúc.")
	} else {
		s.sessions.Put(ctx, "flash", "Đã tạo tài khoản. Lần sau, đăng nhập bằng số điện thoại (hoặc địa chỉ thư điện tử) và mật khẩu vừa đặt.")
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// startSession logs userID in under a new session token, in their session generation
// epoch, as a login does.
func (s *Server) startSession(ctx context.Context, userID, epoch int64) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserKey, userID)
	s.sessions.Put(ctx, sessionEpochKey, epoch)
	return s.Store.AppendAudit(ctx, audit.Event{Chain: audit.SystemChain, Action: "login.success", ObjectType: "user",
		ObjectID: strconv.FormatInt(userID, 10)})
}

// linkCounterDossier joins a dossier filed at the counter to the citizen's account: its
// code and look-up secret, from the receipt. Attempts count against the address's
// look-ups.
func (s *Server) linkCounterDossier(w http.ResponseWriter, r *http.Request) error {
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return errLookupLimit
	}
	d, err := s.Citizens.LinkBySecret(ctx, auth.PrincipalFrom(ctx), r.PostFormValue("code"), r.PostFormValue("secret"))
	if err != nil {
		e := apperr.From(err)
		if e.Kind == apperr.NotFound || e.Kind == apperr.Conflict {
			s.sessions.Put(ctx, "link_error", e.Message)
			http.Redirect(w, r, "/account#them-ho-so", http.StatusSeeOther)
			return nil
		}
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã thêm hồ sơ "+d.Code+" vào “Hồ sơ của tôi”.")
	http.Redirect(w, r, "/account#ho-so", http.StatusSeeOther)
	return nil
}

// ownerLinkForm is the dossier page's form to join the dossier to a citizen's account
// (nil: the officer may not, or it has an owner).
type ownerLinkForm struct {
	Challenge string // a code was sent: the form asks for it
	Sent      string
}

func ownerLinkKey(code string) string { return "owner_link:" + code }

// ownerLink is the form for d on its page, for a counter officer of its units.
func (s *Server) ownerLink(ctx context.Context, p *auth.Principal, code string, ownerID, receiving, competent int64) *ownerLinkForm {
	if ownerID != 0 || !(p.Can(receiving, auth.RoleCounter) || p.Can(competent, auth.RoleCounter)) {
		return nil
	}
	f := &ownerLinkForm{Challenge: s.sessions.GetString(ctx, ownerLinkKey(code))}
	if f.Challenge != "" {
		f.Sent = s.sessions.GetString(ctx, "signup_sent:"+f.Challenge)
	}
	return f
}

func (s *Server) dossierPath(code string) string { return "/office/dossiers/" + url.PathEscape(code) }

// startOwnerLink sends a code to the number the citizen gives the officer.
func (s *Server) startOwnerLink(w http.ResponseWriter, r *http.Request) error {
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	d, _, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	st, err := s.Citizens.StartLink(ctx, auth.PrincipalFrom(ctx), d, r.PostFormValue("phone"), httpx.ClientIP(r, s.TrustProxy))
	if err != nil {
		e := apperr.From(err)
		if e.Kind == apperr.Internal || e.Kind == apperr.Unavailable || e.Kind == apperr.Forbidden {
			return err
		}
		s.sessions.Put(ctx, "flash", e.Message)
	} else {
		s.sessions.Put(ctx, ownerLinkKey(d.Code), st.ID)
		s.sessions.Put(ctx, "signup_sent:"+st.ID, st.Masked)
		s.sessions.Put(ctx, "flash", "Đã gửi mã xác thực đến số "+st.Masked+". Người dân đọc mã cho bạn nhập.")
	}
	http.Redirect(w, r, s.dossierPath(d.Code)+"#lien-ket", http.StatusSeeOther)
	return nil
}

// confirmOwnerLink checks the code the citizen reads back and joins the dossier.
func (s *Server) confirmOwnerLink(w http.ResponseWriter, r *http.Request) error {
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	d, _, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	id := s.sessions.GetString(ctx, ownerLinkKey(d.Code))
	err = s.Citizens.ConfirmLink(ctx, auth.PrincipalFrom(ctx), d, id, r.PostFormValue("otp"))
	switch e := apperr.From(err); {
	case err == nil:
		s.sessions.Remove(ctx, ownerLinkKey(d.Code))
		s.sessions.Put(ctx, "flash", "Đã liên kết hồ sơ với tài khoản của người dân.")
	case e.Kind == apperr.Invalid || e.Kind == apperr.TooManyRequests || e.Kind == apperr.Conflict:
		if e.Code != "otp_invalid" || id == "" {
			s.sessions.Remove(ctx, ownerLinkKey(d.Code))
		}
		s.sessions.Put(ctx, "flash", e.Message)
	default:
		return err
	}
	http.Redirect(w, r, s.dossierPath(d.Code)+"#lien-ket", http.StatusSeeOther)
	return nil
}
