package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xaso-vn/xaso/internal/api"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
)

// What the applicant does on their dossier's look-up page, the page the receipt's QR
// code opens: see the papers, send what a supplement request asks for, say it is done,
// withdraw the dossier, download the result, and rate the service. The applicant is
// whoever holds the look-up secret (printed on the receipt, given at once online) or
// the logged-in owner; anyone else gets 404, so a code alone reveals nothing more than
// the public look-up.

// citizenDossier loads the dossier of a citizen action: the code in the path and the
// secret in the query (the form's action keeps it), or the owner's session. Each
// attempt counts against the look-up limit of the address, like the look-up itself.
func (s *Server) citizenDossier(r *http.Request) (dossier.Dossier, dossier.Actor, error) {
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return dossier.Dossier{}, dossier.Actor{}, errLookupLimit
	}
	d, err := s.Store.DossierByCode(r.Context(), normalizeCode(r.PathValue("code")))
	if err != nil {
		return d, dossier.Actor{}, err
	}
	p := auth.PrincipalFrom(r.Context())
	switch {
	case d.OwnedBy(p):
		return d, dossier.Actor{P: p, Owner: true}, nil
	case secretMatches(r.URL.Query().Get("secret"), d.Secret):
		// The holder of the receipt acts as the applicant; a logged-in official who holds
		// it is still named in the history as themselves.
		a := dossier.Actor{Owner: true}
		if p != nil && p.UserID != 0 {
			a.P = p
		}
		return d, a, nil
	}
	return d, dossier.Actor{}, dossier.ErrNotFound
}

// citizenURL is the look-up page of d with its secret, where the applicant acts.
func citizenURL(d dossier.Dossier, anchor string) string {
	u := lookupURL(d)
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// citizenFile is an attachment as the applicant sees it.
type citizenFile struct {
	Name, FileName, Kind, Size, At, URL string
	Issued                              string // a result issued elsewhere: its number and book
	Result                              bool
}

func (s *Server) citizenFiles(ctx context.Context, d dossier.Dossier) ([]citizenFile, error) {
	fs, err := s.Store.DossierFiles(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out := make([]citizenFile, 0, len(fs))
	for _, f := range fs {
		out = append(out, citizenFile{Name: f.Name, FileName: f.FileName, Kind: api.KindLabel(f.Kind), Size: byteSize(f.Size),
			At: shortTime(f.CreatedAt), Result: f.Kind == api.KindResult, Issued: issuedAs(f),
			URL: "/tra-cuu/" + url.PathEscape(d.Code) + "/tep/" + strconv.FormatInt(f.ID, 10) + "?secret=" + url.QueryEscape(d.Secret)})
	}
	return out, nil
}

// citizenFile serves an attachment of the dossier to its applicant.
func (s *Server) citizenFile(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrFileNotFound
	}
	f, err := s.Store.DossierFile(r.Context(), id)
	if err != nil {
		return err
	}
	if f.DossierID != d.ID {
		return store.ErrFileNotFound
	}
	return s.files().Serve(w, r, f)
}

// citizenUpload takes a file the applicant sends in answer to a supplement request.
func (s *Server) citizenUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, a, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	if d.Status != dossier.StatusSupplementRequested {
		return s.citizenRetry(w, r, d, dossier.ErrNoSupplementAsked, "bo-sung")
	}
	u, err := api.ReadUpload(w, r, s.FileLimit)
	if err == nil {
		u.Kind = api.KindSupplement
		uploader := a.P
		if uploader == nil {
			uploader = &auth.Principal{}
		}
		var f store.DossierFile
		if f, err = api.AddFile(ctx, s.Store, s.Blobs, d, uploader, u); err == nil {
			s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã gửi “%s”. Khi đã gửi đủ, bấm “Tôi đã bổ sung xong”.", f.Name))
			http.Redirect(w, r, citizenURL(d, "bo-sung"), http.StatusSeeOther)
			return nil
		}
	}
	e, ok := s.uploadProblem(err)
	if !ok {
		return err
	}
	return s.citizenRetry(w, r, d, e, "bo-sung")
}

// citizenActions are what the applicant may ask for on the page.
var citizenActions = map[dossier.Action]string{
	dossier.ActSupplement: "Đã báo bổ sung xong hồ sơ %s; cán bộ sẽ tiếp tục giải quyết.",
	dossier.ActWithdraw:   "Đã rút hồ sơ %s.",
}

// citizenAct: the applicant says the supplement is complete, or withdraws the dossier.
func (s *Server) citizenAct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	d, a, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	act := dossier.Action(r.PathValue("action"))
	done, ok := citizenActions[act]
	if !ok {
		return apperr.ErrNotFound
	}
	after, err := s.Dossiers.Act(ctx, d.Code, dossier.Request{Action: act, Actor: a, Reason: r.PostFormValue("reason")})
	if err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		return s.citizenRetry(w, r, d, e, string(act))
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf(done, after.Code))
	http.Redirect(w, r, citizenURL(after, ""), http.StatusSeeOther)
	return nil
}

// citizenRate records the applicant's rating of the service.
func (s *Server) citizenRate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	d, _, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	rated, err := dossier.NewRating(d, r.PostFormValue("rating"), r.PostFormValue("comment"), s.Dossiers.Now())
	if err == nil {
		err = s.Store.RateDossier(ctx, d, rated)
	}
	if err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		return s.citizenRetry(w, r, d, e, "danh-gia")
	}
	s.sessions.Put(ctx, "flash", "Cảm ơn ông/bà đã đánh giá. Ý kiến được ghi nhận để đơn vị cải thiện dịch vụ.")
	http.Redirect(w, r, citizenURL(d, "danh-gia"), http.StatusSeeOther)
	return nil
}

// citizenRetry shows the page again with the problem next to the part it concerns.
func (s *Server) citizenRetry(w http.ResponseWriter, r *http.Request, d dossier.Dossier, e *apperr.Error, part string) error {
	return s.renderLookup(w, r, e.Kind.HTTPStatus(), d, d.Secret, &citizenProblem{Part: part, Message: e.Message,
		Comment: r.PostFormValue("comment"), Reason: r.PostFormValue("reason"), Rating: r.PostFormValue("rating")})
}

// citizenProblem is what went wrong with the applicant's last request, and what they typed.
type citizenProblem struct {
	Part, Message           string
	Comment, Reason, Rating string
}

// ProblemOf is the message of the applicant's last request when it concerned one of
// parts, for the template to show beside that part.
func (r *lookupResult) ProblemOf(parts ...string) string {
	if r.Problem == nil {
		return ""
	}
	for _, p := range parts {
		if r.Problem.Part == p {
			return r.Problem.Message
		}
	}
	return ""
}

// Typed is what the applicant typed in the last request's field (kept after an error).
func (r *lookupResult) Typed(field string) string {
	if r.Problem == nil {
		return ""
	}
	switch field {
	case "comment":
		return r.Problem.Comment
	case "reason":
		return r.Problem.Reason
	case "rating":
		return r.Problem.Rating
	}
	return ""
}
