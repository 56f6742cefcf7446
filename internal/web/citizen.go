package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
)

// What the applicant does on their dossier's look-up page, the page the receipt's QR
// code opens: see the papers, send what a supplement request asks for, say it is done,
// withdraw the dossier, download the result, and rate the service. The applicant is
// whoever holds the look-up secret (printed on the receipt, given at once online) or
// the logged-in owner; anyone else gets 404, so a code alone reveals nothing more than
// the public look-up.

// applicantActor names, in the audit log, whoever acts on a dossier by holding its
// look-up secret without logging in: the applicant, as the receipt's holder. The
// dossier's code is in the record already; nothing personal is.
const applicantActor = "applicant"

// applicant decides whether the caller is d's applicant, and as whom: its owner logged
// in, the volunteer who filed it while the owner's consent stands (both by
// dossier.Service.Access), or whoever holds its secret. linkSecret is what the
// applicant's links and forms carry: the secret, except for the volunteer, whom the
// session identifies.
func (s *Server) applicant(ctx context.Context, d dossier.Dossier, secret string) (a dossier.Actor, linkSecret string, ok bool, err error) {
	p := auth.PrincipalFrom(ctx)
	if p != nil {
		a, err := s.Dossiers.Access(ctx, d, p)
		switch {
		case err == nil && a.Owner:
			return dossier.Actor{P: p, Owner: true}, d.Secret, true, nil
		case err == nil && a.Assistant:
			return a, "", true, nil
		case err != nil && !errors.Is(err, dossier.ErrNotFound):
			return dossier.Actor{}, "", false, err
		}
	}
	if secret != "" && secretMatches(secret, d.Secret) {
		// The holder of the receipt acts as the applicant; a logged-in official who holds
		// it is still named in the history as themselves.
		a := dossier.Actor{Owner: true}
		if p != nil && p.UserID != 0 {
			a.P = p
		}
		return a, d.Secret, true, nil
	}
	return dossier.Actor{}, "", false, nil
}

// citizenDossier loads the dossier of a citizen action: the code in the path and the
// secret in the query (the form's action keeps it), or the session of its owner or of
// the volunteer who filed it (Server.applicant). Each attempt counts against the
// look-up limit of the address, like the look-up itself. The context it returns names
// an anonymous holder of the secret as the audit actor.
func (s *Server) citizenDossier(r *http.Request) (context.Context, dossier.Dossier, dossier.Actor, error) {
	ctx := r.Context()
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return ctx, dossier.Dossier{}, dossier.Actor{}, errLookupLimit
	}
	d, err := s.Store.DossierByCode(ctx, normalizeCode(r.PathValue("code")))
	if err != nil {
		return ctx, d, dossier.Actor{}, err
	}
	a, _, ok, err := s.applicant(ctx, d, r.URL.Query().Get("secret"))
	if err != nil {
		return ctx, d, dossier.Actor{}, err
	}
	if !ok {
		return ctx, d, dossier.Actor{}, dossier.ErrNotFound
	}
	if a.P == nil {
		ctx = audit.WithActor(ctx, applicantActor)
	}
	return ctx, d, a, nil
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
	// SignedBy lists the signatures of a result xaso signed: "Ký bởi …, … lúc …".
	SignedBy []string
}

// citizenFiles lists d's attachments for its applicant; query ("?secret=…" or "") is
// what the links carry.
func (s *Server) citizenFiles(ctx context.Context, d dossier.Dossier, query string) ([]citizenFile, error) {
	fs, reg, err := s.applicantFiles(ctx, d)
	if err != nil {
		return nil, err
	}
	out := make([]citizenFile, 0, len(fs))
	for _, f := range fs {
		cf := citizenFile{Name: f.Name, FileName: f.FileName, Kind: dossierfile.KindLabel(f.Kind), Size: byteSize(f.Size),
			At: shortTime(f.CreatedAt), Result: f.Kind == dossierfile.KindResult, Issued: issuedAs(f),
			URL: "/tra-cuu/" + url.PathEscape(d.Code) + "/tep/" + strconv.FormatInt(f.ID, 10) + query}
		if reg[f.BlobKey].Signed {
			cf.SignedBy = s.signedBy(ctx, f)
		}
		out = append(out, cf)
	}
	return out, nil
}

// citizenFile serves an attachment of the dossier to its applicant.
func (s *Server) citizenFile(w http.ResponseWriter, r *http.Request) error {
	ctx, d, _, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrFileNotFound
	}
	f, err := s.Store.DossierFile(ctx, id)
	if err != nil {
		return err
	}
	if f.DossierID != d.ID {
		return store.ErrFileNotFound
	}
	visible, _, err := s.applicantFiles(ctx, d)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(visible, func(v dossier.File) bool { return v.ID == f.ID }) {
		return store.ErrFileNotFound // a draft or a superseded version of the result
	}
	return s.serveFile(w, r, f)
}

// applicantFiles are the files of d its applicant sees: the papers and the final results
// only (dossierfile.ApplicantSees), with the results xaso signed by their blob key.
func (s *Server) applicantFiles(ctx context.Context, d dossier.Dossier) ([]dossier.File, map[string]dossierfile.Registered, error) {
	fs, err := s.Store.DossierFiles(ctx, d.ID)
	if err != nil {
		return nil, nil, err
	}
	reg := map[string]dossierfile.Registered{}
	for _, f := range fs {
		if f.Kind != dossierfile.KindResult {
			continue
		}
		doc, err := s.Store.IssuedDocumentBySHA256(ctx, f.BlobKey)
		if err != nil {
			return nil, nil, err
		}
		if doc != nil {
			reg[f.BlobKey] = dossierfile.Registered{Signed: true, Latest: doc.Latest}
		}
	}
	sees := dossierfile.ApplicantSees(d, fs, reg)
	out := fs[:0:0]
	for i, f := range fs {
		if sees[i] {
			out = append(out, f)
		}
	}
	return out, reg, nil
}

// citizenUpload takes a file the applicant sends in answer to a supplement request.
func (s *Server) citizenUpload(w http.ResponseWriter, r *http.Request) error {
	ctx, d, a, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	if d.Status != dossier.StatusSupplementRequested {
		return s.citizenRetry(w, r, d, dossier.ErrNoSupplementAsked, "bo-sung")
	}
	u, err := s.readUpload(w, r)
	if err == nil {
		u.Kind = dossierfile.KindSupplement
		uploader := a.P
		if uploader == nil {
			uploader = &auth.Principal{}
		}
		var f dossier.File
		if f, err = s.Files.Add(ctx, d, uploader, u); err == nil {
			s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã gửi “%s”. Khi đã gửi đủ, bấm “Tôi đã bổ sung xong”.", f.Name))
			http.Redirect(w, r, s.citizenBack(d, a, "bo-sung"), http.StatusSeeOther)
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
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx, d, a, err := s.citizenDossier(r)
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
	http.Redirect(w, r, s.citizenBack(after, a, ""), http.StatusSeeOther)
	return nil
}

// citizenRate records the applicant's rating of the service.
func (s *Server) citizenRate(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx, d, a, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	if a.Assistant {
		return s.citizenRetry(w, r, d, errRatingByHelper, "danh-gia")
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
	http.Redirect(w, r, s.citizenBack(d, a, "danh-gia"), http.StatusSeeOther)
	return nil
}

// errRatingByHelper: the satisfaction rating is the citizen's opinion.
var errRatingByHelper = apperr.New(apperr.Conflict, "rating_by_applicant_only",
	"Chỉ người dân đánh giá mức độ hài lòng; thành viên tổ công nghệ số không đánh giá thay.")

// citizenBack is where the applicant returns after an action: the look-up page with the
// secret, or without it for the volunteer (Server.applicant).
func (s *Server) citizenBack(d dossier.Dossier, a dossier.Actor, anchor string) string {
	if a.Assistant {
		u := "/tra-cuu/" + url.PathEscape(d.Code)
		if anchor != "" {
			u += "#" + anchor
		}
		return u
	}
	return citizenURL(d, anchor)
}

// citizenRetry shows the page again with the problem next to the part it concerns.
func (s *Server) citizenRetry(w http.ResponseWriter, r *http.Request, d dossier.Dossier, e *apperr.Error, part string) error {
	return s.renderLookup(w, r, e.Kind.HTTPStatus(), d, r.URL.Query().Get("secret"), &citizenProblem{Part: part, Message: e.Message,
		Comment: r.PostFormValue("comment"), Reason: r.PostFormValue("reason"), Rating: r.PostFormValue("rating"),
		Content: r.PostFormValue("content")})
}

// citizenProblem is what went wrong with the applicant's last request, and what they typed.
type citizenProblem struct {
	Part, Message           string
	Comment, Reason, Rating string
	Content                 string // of a feedback
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
	case "content":
		return r.Problem.Content
	}
	return ""
}
