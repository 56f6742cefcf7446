package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/consent"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/mine"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The citizen portal: the public catalog, a procedure's page, online filing, the page
// that gives the look-up secret, and the public look-up. Paths are Vietnamese, as
// citizens see and share them.

var (
	errNotOnline = apperr.New(apperr.NotFound, "procedure_not_online",
		"Thủ tục này chưa có dịch vụ công trực tuyến. Vui lòng nộp hồ sơ tại Bộ phận một cửa hoặc qua bưu chính.")
	errLookupLimit = apperr.New(apperr.TooManyRequests, "lookup_rate_limited", "Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")
)

// catalogUnit is the unit whose catalog a page shows: ?unit=CODE, or the home unit.
func (s *Server) catalogUnit(r *http.Request) (unit.Unit, error) {
	if code := r.URL.Query().Get("unit"); code != "" {
		return s.Store.UnitByCode(r.Context(), code)
	}
	return s.Store.UnitByID(r.Context(), s.HomeUnitID)
}

// unitQuery is the "?unit=CODE" links carry when the page was asked for another unit.
func unitQuery(r *http.Request) string {
	if code := r.URL.Query().Get("unit"); code != "" {
		return "?unit=" + url.QueryEscape(code)
	}
	return ""
}

type catalogItem struct {
	URL, Code, Name, Field, LegalTime string
	Online                            catalog.OnlineLevel
}

type option struct{ Value, Label string }

type catalogView struct {
	Unit                   unit.Unit
	UnitCode               string // set when the page was asked for a unit other than the home unit
	Q, Field, Level        string
	Fields                 []catalog.Field
	Levels                 []option
	Items                  []catalogItem
	Total                  int
	Pager                  pager
	Filtered               bool
	ResultsFrom, ResultsTo int
}

func (s *Server) catalogPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.catalogUnit(r)
	if err != nil {
		return err
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("limit") == "" {
		limit = 20 // a phone's screenful or three
	}
	q := r.URL.Query()
	data := catalogView{Unit: u, UnitCode: q.Get("unit"), Q: strings.TrimSpace(q.Get("q")), Field: q.Get("field"), Level: q.Get("online_level")}
	for _, l := range catalog.OnlineLevels {
		data.Levels = append(data.Levels, option{string(l), onlineLabels[l]})
	}
	if !slices.Contains(catalog.OnlineLevels, catalog.OnlineLevel(data.Level)) {
		data.Level = ""
	}
	if data.Fields, err = s.Store.ProcedureFields(ctx, u.ID); err != nil {
		return err
	}
	ps, total, err := s.Store.Procedures(ctx, u.ID, store.ProcedureQuery{Text: data.Q, Field: data.Field, OnlineLevel: data.Level,
		Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	uq := unitQuery(r)
	for _, p := range ps {
		data.Items = append(data.Items, catalogItem{URL: "/thu-tuc/" + url.PathEscape(p.Code) + uq, Code: p.Code, Name: p.Name,
			Field: p.Field.Name, LegalTime: p.LegalTime.String(), Online: p.OnlineLevel})
	}
	data.Total, data.Pager = total, newPager(r, limit, offset, total)
	data.Filtered = data.Q != "" || data.Field != "" || data.Level != ""
	if len(ps) > 0 {
		data.ResultsFrom, data.ResultsTo = offset+1, offset+len(ps)
	}
	v := s.view(r, "Thủ tục hành chính")
	v.Nav, v.Data = "catalog", data
	return s.views.render(w, http.StatusOK, "catalog", v)
}

// feeAmount writes a fee: "8.000 đồng/bản", or "miễn phí" for nothing.
func feeAmount(n int64, per string) string {
	switch {
	case n == 0:
		return "miễn phí"
	case per != "":
		return locale.Money(n) + "/" + per
	}
	return locale.Money(n)
}

type feeView struct {
	Name, Amount, Online, Exemptions, Note string
}

type procedureView struct {
	P         catalog.Procedure
	Unit      unit.Unit
	Fees      []feeView
	FileURL   string
	UnitQuery string // "?unit=CODE" for links back to the same catalog
}

func (s *Server) procedurePage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.catalogUnit(r)
	if err != nil {
		return err
	}
	sp, err := s.Store.PublishedProcedure(r.Context(), u.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	data := procedureView{P: sp.Procedure, Unit: u, UnitQuery: unitQuery(r)}
	for _, f := range sp.Fees {
		fv := feeView{Name: f.Name, Amount: feeAmount(f.Amount, f.Per), Exemptions: f.Exemptions, Note: f.Note}
		if f.OnlineAmount != nil && *f.OnlineAmount != f.Amount {
			fv.Online = feeAmount(*f.OnlineAmount, f.Per)
		}
		data.Fees = append(data.Fees, fv)
	}
	if sp.OnlineLevel != catalog.OnlineNone {
		data.FileURL = "/nop-ho-so/" + url.PathEscape(sp.Code) + unitQuery(r)
	}
	v := s.view(r, sp.Name)
	v.Nav, v.Data = "catalog", data
	return s.views.render(w, http.StatusOK, "procedure", v)
}

// filingUnit is where an online dossier is filed: ?unit=CODE, else the unit of a counter
// officer or digital-team member, else the home unit (as the API's receivingUnit).
func (s *Server) filingUnit(r *http.Request, p *auth.Principal) (unit.Unit, error) {
	if code := r.URL.Query().Get("unit"); code != "" {
		return s.Store.UnitByCode(r.Context(), code)
	}
	for _, m := range p.Memberships {
		if m.Role == auth.RoleCounter || m.Role == auth.RoleDigitalTeam {
			return s.Store.UnitByID(r.Context(), m.UnitID)
		}
	}
	return s.Store.UnitByID(r.Context(), s.HomeUnitID)
}

// onlineProcedure loads the procedure of an online filing page.
func (s *Server) onlineProcedure(r *http.Request, p *auth.Principal) (unit.Unit, store.StoredProcedure, error) {
	u, err := s.filingUnit(r, p)
	if err != nil {
		return u, store.StoredProcedure{}, err
	}
	sp, err := s.Store.PublishedProcedure(r.Context(), u.ID, r.PathValue("code"))
	if err != nil {
		return u, sp, err
	}
	if sp.OnlineLevel == catalog.OnlineNone {
		return u, sp, errNotOnline
	}
	return u, sp, nil
}

// assists reports whether p files for someone else: a digital-team member files with
// the assisted channel and records the citizen's consent.
func assists(p *auth.Principal) bool { return p.HasRole(auth.RoleDigitalTeam) }

func (s *Server) fileForm(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	u, sp, err := s.onlineProcedure(r, p)
	if err != nil {
		return err
	}
	v := formValues{}
	if !assists(p) {
		v["applicant.full_name"] = p.FullName
	}
	return s.renderFiling(w, r, http.StatusOK, u, sp, filingAttempt{values: v, key: newKey()})
}

// filingAttempt is what a filing form shows again: the answers, the files received, and
// what was wrong with them.
type filingAttempt struct {
	values         formValues
	errs, fileErrs map[string]string
	files          []keptFile
	key, msg       string
}

func (s *Server) renderFiling(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, sp store.StoredProcedure, a filingAttempt) error {
	p := auth.PrincipalFrom(r.Context())
	f := intakeForm{Procedure: sp, Action: r.URL.RequestURI(), Key: a.key, Channel: dossier.ChannelOnline, UnitName: u.Name,
		UnitQuery: unitQuery(r)}
	var owners []option
	if assists(p) {
		f.Channel = dossier.ChannelAssisted
		cs, err := s.Store.VolunteerConsents(r.Context(), p.UserID, u.ID, consent.AssistedFiling)
		if err != nil {
			return err
		}
		owners = []option{}
		for _, c := range cs {
			owners = append(owners, option{c.CitizenUsername, c.CitizenName + " (" + c.CitizenUsername + ")"})
		}
		f.NoOwners = len(owners) == 0
	}
	f.Applicant, f.Fields, f.Owner, f.Errors = buildForm(sp.Procedure, a.values, true, owners, a.errs)
	f.Papers = paperInputs(sp.Procedure, a.files, a.fileErrs)
	for _, in := range f.Papers {
		if in.Error != "" {
			f.Errors = append(f.Errors, errorLink{in.ID, in.Label, in.Error})
		}
	}
	view := s.view(r, "Nộp hồ sơ trực tuyến")
	view.Nav, view.Data, view.Error = "catalog", f, a.msg
	return s.views.render(w, status, "file", view)
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	if err := parseFiling(w, r, s.fileLimit()); err != nil {
		if !errors.Is(err, errFilingTooLarge) {
			return err
		}
		// The body was cut off: nothing of it can be trusted, the form starts again.
		u, sp, perr := s.onlineProcedure(r, p)
		if perr != nil {
			return perr
		}
		return s.renderFiling(w, r, http.StatusRequestEntityTooLarge, u, sp, filingAttempt{values: formValues{}, key: newKey(),
			msg: fmt.Sprintf("%s Mỗi lần gửi tối đa %s; hãy gửi bớt tệp rồi bổ sung sau khi nộp.", errFilingTooLarge.Message,
				byteSize(filingFilesFactor*s.fileLimit()))})
	}
	u, sp, err := s.onlineProcedure(r, p)
	if err != nil {
		return err
	}
	assisted := assists(p)
	v := readValues(r, sp.Procedure, assisted)
	key := r.PostFormValue("key")
	files, fileErrs, err := s.receiveFiles(ctx, r, sp.Procedure, p.UserID, s.keptFiles(ctx, key, r.PostForm["drop"]))
	if err != nil {
		return err
	}
	attempt := filingAttempt{values: v, fileErrs: fileErrs, files: files, key: key}
	// Whoever files online owns the dossier (an official filing for themselves too); a
	// digital-team member files for the citizen they chose among those who consented,
	// who owns it (the service checks the consent again).
	var owner int64
	if assisted {
		c, err := s.chosenOwner(ctx, p, u.ID, v["owner"])
		if errs, ok := fieldErrors(err); ok {
			attempt.errs = errs
			s.keepFiles(ctx, key, files)
			return s.renderFiling(w, r, http.StatusUnprocessableEntity, u, sp, attempt)
		}
		if err != nil {
			return err
		}
		if owner = c.CitizenID; owner != 0 && strings.TrimSpace(v["applicant.full_name"]) == "" {
			v["applicant.full_name"] = c.CitizenName
		}
	} else {
		owner = p.UserID
	}
	in := dossier.Intake{Channel: dossier.ChannelOnline, Applicant: v.applicant(), Fields: v.fields(), ReceivingUnitID: u.ID,
		OwnerID: owner, Attachments: attachments(files, p.UserID)}
	if assisted {
		in.Channel = dossier.ChannelAssisted
	}
	if len(fileErrs) > 0 {
		// Check the answers too, so that one round trip shows every problem; nothing is filed.
		_, _, ferr := s.Dossiers.Check(ctx, sp.Code, in, dossier.Actor{P: p})
		attempt.errs, _ = fieldErrors(ferr)
		s.keepFiles(ctx, key, files)
		return s.renderFiling(w, r, http.StatusUnprocessableEntity, u, sp, attempt)
	}
	hash := v.hash(append([]string{sp.Code, string(in.Channel), u.Code}, fileHashes(files)...)...)
	d, _, err := s.Dossiers.File(ctx, sp.Code, in, dossier.Actor{P: p}, idempotency(r, p, hash))
	if errs, ok := fieldErrors(err); ok {
		attempt.errs = errs
		s.keepFiles(ctx, key, files)
		return s.renderFiling(w, r, http.StatusUnprocessableEntity, u, sp, attempt)
	}
	if errors.Is(err, dossier.ErrIdempotency) {
		attempt.key, attempt.msg = newKey(), errKeyReused.Message
		s.keepFiles(ctx, attempt.key, files)
		return s.renderFiling(w, r, http.StatusConflict, u, sp, attempt)
	}
	if errors.Is(err, store.ErrDailyUploadLimit) {
		// Files sent from another tab meanwhile: the form says so and keeps this one's.
		attempt.msg = apperr.From(err).Message
		s.keepFiles(ctx, key, files)
		return s.renderFiling(w, r, http.StatusTooManyRequests, u, sp, attempt)
	}
	if err != nil {
		return err
	}
	s.keepFiles(ctx, key, nil)
	http.Redirect(w, r, "/ho-so-da-nop/"+url.PathEscape(d.Code), http.StatusSeeOther)
	return nil
}

// chosenOwner is the consent of the citizen a volunteer chose on the filing form (by
// username) among those whose consent to them stands in unit; none chosen is the zero
// consent (the service then asks for one), one not among them consent.ErrRequired at
// the field.
func (s *Server) chosenOwner(ctx context.Context, p *auth.Principal, unitID int64, username string) (consent.Consent, error) {
	if username == "" {
		return consent.Consent{}, nil
	}
	cs, err := s.Store.VolunteerConsents(ctx, p.UserID, unitID, consent.AssistedFiling)
	if err != nil {
		return consent.Consent{}, err
	}
	for _, c := range cs {
		if c.CitizenUsername == username {
			return c, nil
		}
	}
	return consent.Consent{}, &dossier.FieldError{Fields: map[string]string{"owner": consent.ErrRequired.Message}, Code: consent.ErrRequired}
}

type filedView struct {
	D         dossier.Dossier
	Due       string
	LookupURL string
	QR        template.HTML // the look-up address with the secret, to scan with a phone
	Assisted  bool
	// Payments is the Nộp phí block: a fee-bearing dossier is billed as it is filed.
	Payments paymentView
}

// absolute makes a path of this site absolute, for QR codes: the configured public
// address, else the request's host (the API's rule for the receipt's code).
func (s *Server) absolute(r *http.Request, path string) string {
	base := s.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return strings.TrimRight(base, "/") + path
}

// filedPage shows a new dossier's code and look-up secret to whoever filed it.
func (s *Server) filedPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	d, err := s.Store.DossierByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	// Only its owner, and the volunteer who filed it while the owner's consent stands:
	// the secret is theirs to keep (officials print it on the receipt).
	if a, err := s.Dossiers.Access(r.Context(), d, p); err != nil || !(a.Owner || a.Assistant) {
		if err != nil && !errors.Is(err, dossier.ErrNotFound) {
			return err
		}
		return dossier.ErrNotFound
	}
	data := filedView{D: d, Due: appointment(d.DueAt), LookupURL: lookupURL(d), Assisted: d.Channel == dossier.ChannelAssisted}
	svg, err := qr.SVG(s.absolute(r, data.LookupURL), "Mã QR tra cứu hồ sơ "+d.Code)
	if err != nil {
		return err
	}
	data.QR = template.HTML(svg) // drawn by internal/qr, its one attribute escaped
	pay, err := s.paymentSummary(r.Context(), d)
	if err != nil {
		return err
	}
	data.Payments = pay.WithSecret(d.Secret)
	v := s.view(r, "Đã nộp hồ sơ")
	v.Data = data
	return s.views.render(w, http.StatusOK, "filed", v)
}

func lookupURL(d dossier.Dossier) string {
	return "/tra-cuu/" + url.PathEscape(d.Code) + "?secret=" + url.QueryEscape(d.Secret)
}

// normalizeCode reads a dossier code as typed from paper: spaces dropped, upper case.
func normalizeCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// secretMatches compares a typed secret with the stored one in constant time, ignoring
// case: citizens type it from paper (the API's rule).
func secretMatches(typed, stored string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToUpper(strings.TrimSpace(typed))), []byte(stored)) == 1
}

type lookupResult struct {
	Code, ProcedureName, ProcedureCode string
	Status                             dossier.Status
	Submitted, Received, Due, Extended string
	Ended                              string
	Hint                               string
	// Only for the applicant (the secret, or the owner logged in):
	WithSecret, WrongSecret bool
	Applicant, Reason       string
	Supplement              string
	Payments                paymentView
	Files                   []citizenFile
	Results                 []citizenFile
	CanSupplement           bool
	CanWithdraw             bool
	CanRate                 bool
	Rated                   *dossier.Rated
	Ratings                 []dossier.Rating
	// Feedback about this dossier and the survey (feedback.go).
	CanFeedback, CanSurvey, Surveyed bool
	Kinds                            []feedback.Kind
	Feedback                         []feedbackItem
	Criteria                         []feedback.Criterion
	ScoreLabels                      []string
	Action                           string // the base of the applicant's forms: /tra-cuu/CODE
	Query                            string // ?secret=…, kept by the forms
	Problem                          *citizenProblem
}

type lookupView struct {
	Code, Secret string
	Result       *lookupResult
	NotFound     bool
}

var statusHints = map[dossier.Status]string{
	dossier.StatusSubmitted:           "Hồ sơ đã được gửi và đang chờ cán bộ một cửa kiểm tra, tiếp nhận. Ngày hẹn trả kết quả có sau khi hồ sơ được tiếp nhận.",
	dossier.StatusReceived:            "Hồ sơ đã được tiếp nhận và đang được giải quyết.",
	dossier.StatusProcessing:          "Hồ sơ đang được giải quyết.",
	dossier.StatusSupplementRequested: "Hồ sơ cần bổ sung, hoàn thiện. Thời gian bổ sung không tính vào thời hạn giải quyết.",
	dossier.StatusResolved:            "Đã có kết quả. Mời ông/bà đến Bộ phận một cửa nhận kết quả, mang theo giấy tiếp nhận hồ sơ.",
	dossier.StatusReturned:            "Đã trả kết quả. Hồ sơ đã kết thúc.",
	dossier.StatusRefused:             "Hồ sơ bị từ chối. Hồ sơ đã kết thúc.",
	dossier.StatusStopped:             "Hồ sơ được dừng giải quyết. Hồ sơ đã kết thúc.",
	dossier.StatusWithdrawn:           "Hồ sơ đã được rút theo đề nghị của người nộp. Hồ sơ đã kết thúc.",
}

// lookupForm is the look-up page; with ?code= (its form) it goes to the dossier's own
// address, which is also what the receipt's QR code carries.
func (s *Server) lookupForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	data := lookupView{Code: normalizeCode(q.Get("code")), Secret: strings.TrimSpace(q.Get("secret"))}
	v := s.view(r, "Tra cứu hồ sơ")
	v.Nav, v.Data = "lookup", data
	if data.Code == "" {
		if q.Has("code") {
			v.Error = "Vui lòng nhập mã hồ sơ."
			return s.views.render(w, http.StatusUnprocessableEntity, "lookup", v)
		}
		return s.views.render(w, http.StatusOK, "lookup", v)
	}
	if _, _, _, err := dossier.ParseCode(data.Code); err != nil {
		v.Error = dossier.ErrBadCode.Message
		return s.views.render(w, http.StatusUnprocessableEntity, "lookup", v)
	}
	dest := "/tra-cuu/" + url.PathEscape(data.Code)
	if data.Secret != "" {
		dest += "?secret=" + url.QueryEscape(data.Secret)
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}

func (s *Server) lookupPage(w http.ResponseWriter, r *http.Request) error {
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return errLookupLimit
	}
	code, secret := normalizeCode(r.PathValue("code")), strings.TrimSpace(r.URL.Query().Get("secret"))
	d, err := s.Store.DossierByCode(r.Context(), code)
	if errors.Is(err, dossier.ErrNotFound) {
		v := s.view(r, "Không tìm thấy hồ sơ")
		v.Nav, v.Data = "lookup", lookupView{Code: code, Secret: secret, NotFound: true}
		return s.views.render(w, http.StatusNotFound, "lookup", v)
	}
	if err != nil {
		return err
	}
	return s.renderLookup(w, r, http.StatusOK, d, secret, nil)
}

// renderLookup draws the look-up page of d: public facts for everyone; for its applicant
// (the right secret, or the owner logged in) the papers, what to do next, and the
// problem of their last request.
func (s *Server) renderLookup(w http.ResponseWriter, r *http.Request, status int, d dossier.Dossier, secret string, problem *citizenProblem) error {
	ctx := r.Context()
	res := &lookupResult{Code: d.Code, ProcedureName: d.ProcedureName, ProcedureCode: d.ProcedureCode, Status: d.Status,
		Submitted: appointment(d.SubmittedAt), Received: appointment(d.ReceivedAt), Due: appointment(d.DueAt),
		Extended: appointment(d.ExtendedDueAt), Hint: statusHints[d.Status], Problem: problem}
	if d.Status.Final() {
		res.Ended = appointment(d.EndedAt)
	}
	if d.Status == dossier.StatusResolved {
		// Where to collect: the receiving unit's desk, by the name it prints.
		u, err := s.Store.UnitByID(ctx, d.ReceivingUnitID)
		if err != nil {
			return err
		}
		res.Hint = "Đã có kết quả. Mời ông/bà đến " + u.Desk() + " nhận kết quả, mang theo giấy tiếp nhận hồ sơ."
	}
	a, linkSecret, ok, err := s.applicant(ctx, d, secret)
	switch {
	case err != nil:
		return err
	case ok:
		if err := s.applicantView(ctx, d, res, a, linkSecret); err != nil {
			return err
		}
	case secret != "":
		res.WrongSecret = true
	}
	v := s.view(r, "Hồ sơ "+d.Code)
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Nav, v.Data = "lookup", lookupView{Code: d.Code, Secret: secret, Result: res}
	return s.views.render(w, status, "lookup", v)
}

// applicantView adds to res what only the applicant sees and does: a as returned by
// Server.applicant, linkSecret the secret its links carry ("" for a volunteer, whom the
// session identifies: the secret is not shown to them again).
func (s *Server) applicantView(ctx context.Context, d dossier.Dossier, res *lookupResult, a dossier.Actor, linkSecret string) error {
	res.WithSecret, res.Applicant, res.Reason = true, d.Applicant.FullName, d.Reason
	res.Action = "/tra-cuu/" + url.PathEscape(d.Code)
	if linkSecret != "" {
		res.Query = "?secret=" + url.QueryEscape(linkSecret)
	}
	if d.Status == dossier.StatusSupplementRequested {
		evs, err := s.Store.DossierEvents(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if e.Action == dossier.ActRequestSupplement {
				res.Supplement = e.Note
			}
		}
		res.CanSupplement = true
	}
	// Withdrawing and rating are the citizen's own to do, not their helper's.
	res.CanWithdraw = !d.Status.Final() && d.Status != dossier.StatusResolved && !a.Assistant
	files, err := s.citizenFiles(ctx, d, res.Query)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Result {
			res.Results = append(res.Results, f)
		} else {
			res.Files = append(res.Files, f)
		}
	}
	if d.CanRate() {
		rated, ok, err := s.Store.DossierRating(ctx, d.ID)
		if err != nil {
			return err
		}
		if ok {
			res.Rated = &rated
		} else if !a.Assistant {
			res.CanRate, res.Ratings = true, dossier.Ratings
		}
	}
	fs, _, err := s.Feedback.Store.FeedbackList(ctx, feedback.Query{UnitIDs: []int64{d.CompetentUnitID}, Dossier: d.ID, Limit: 50})
	if err != nil {
		return err
	}
	surveyed, err := s.Store.DossierSurveyed(ctx, d.ID)
	if err != nil {
		return err
	}
	s.citizenFeedbackView(res, d, a, fs, surveyed)
	pay, err := s.paymentSummary(ctx, d)
	res.Payments = pay.WithSecret(linkSecret)
	return err
}

type myDossier struct {
	Code, Procedure, Due, URL string
	Status                    dossier.Status
	Extended                  bool
	// HelpedBy: the digital-team member who filed it on the citizen's behalf.
	HelpedBy string
	// Fee is the dossier's open payment request in brief (nil: none), linking to the
	// Nộp phí block of its look-up page.
	Fee *myFee
}

// myFee is a dossier's fee in a list: how much, in words, whether it is paid.
type myFee struct {
	Amount     int64
	Words      string
	State      payment.State
	Label, URL string
}

// myDossiers lists ds with their fees (read at once, mine.Service.WithFees).
func (s *Server) myDossiers(ctx context.Context, ds []dossier.Dossier, url func(dossier.Dossier) string) ([]myDossier, error) {
	withFees, err := s.mine().WithFees(ctx, ds)
	if err != nil {
		return nil, err
	}
	return myDossierViews(withFees, url), nil
}

func myDossierViews(ds []mine.Dossier, url func(dossier.Dossier) string) []myDossier {
	var out []myDossier
	for _, d := range ds {
		m := myDossier{Code: d.Code, Procedure: d.ProcedureName, Status: d.Status, Due: appointment(d.DueAt), URL: url(d.Dossier),
			HelpedBy: d.HelpedBy}
		if !d.ExtendedDueAt.IsZero() {
			m.Due, m.Extended = appointment(d.ExtendedDueAt), true
		}
		if pr := d.Fee; pr != nil {
			m.Fee = &myFee{Amount: pr.Amount, Words: locale.MoneyWords(pr.Amount), State: pr.State, Label: pr.State.Label(),
				URL: m.URL + "#nop-phi"}
		}
		out = append(out, m)
	}
	return out
}

// accountView is the account page: the user's dossiers, the consents they gave, and
// for a volunteer the dossiers they filed for others and who consented to them.
type accountView struct {
	Dossiers []myDossier
	Total    int
	Pager    pager
	// The commune in the citizen's pocket (mine.Overview, account_mine.go).
	Pocket   pocketView
	Consents consentsView
	// A volunteer's part.
	Volunteer bool
	Assisted  []myDossier
	Helped    []consentRow // citizens whose consent to them stands
	// PasswordError is what was wrong with the password form just sent.
	PasswordError string
	// LinkError is why the counter dossier just typed was not added (signup.go).
	LinkError string
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, nil, "")
}

// renderAccount draws the account page. problem is what went wrong with a consent the
// user just tried to give, shown at its form with what they typed; passwordErr is shown
// next to the password form.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, problem *consentProblem, passwordErr string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	o, err := s.mine().Of(ctx, p.UserID, limit, offset)
	if err != nil {
		return err
	}
	data := accountView{Dossiers: myDossierViews(o.Dossiers, lookupURL), Total: o.Total, Pager: newPager(r, limit, offset, o.Total),
		Pocket: pocketOf(o)}
	if data.Consents, err = s.consentsOf(ctx, p, problem); err != nil {
		return err
	}
	if assists(p) {
		data.Volunteer = true
		// The volunteer's links carry no secret: the look-up page knows them by their
		// session while the citizen's consent stands, and not after.
		assisted, _, err := s.Store.Dossiers(ctx, store.DossierQuery{AssistedBy: p.UserID, Limit: 50})
		if err != nil {
			return err
		}
		data.Assisted, err = s.myDossiers(ctx, assisted, func(d dossier.Dossier) string { return "/tra-cuu/" + url.PathEscape(d.Code) })
		if err != nil {
			return err
		}
		if data.Helped, err = s.helpedCitizens(ctx, p); err != nil {
			return err
		}
	}
	v := s.view(r, "Tài khoản của tôi")
	v.Flash = s.sessions.PopString(ctx, "flash")
	data.PasswordError = passwordErr
	data.LinkError = s.sessions.PopString(ctx, "link_error")
	v.Data = data
	return s.views.render(w, status, "account", v)
}

var errPasswordMismatch = apperr.New(apperr.Invalid, "password_mismatch", "Mật khẩu mới nhập lại không khớp.")

// changePassword is the user's own change of password. Their other sessions end (the
// generation of their sessions moves on); this one carries on under a new token with the
// new generation. A wrong current password is a form error, not a logout, and counts
// against the account as a wrong login does. A user changing a one-time password is
// answered on the change-of-password page and, once it is changed, goes on to their
// home page.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	p := auth.PrincipalFrom(ctx)
	again := func(status int, msg string) error {
		if p.MustChangePassword {
			return s.renderPassword(w, r, status, msg)
		}
		return s.renderAccount(w, r, status, nil, msg)
	}
	next := r.PostFormValue("new")
	if next != r.PostFormValue("confirm") {
		return again(http.StatusUnprocessableEntity, errPasswordMismatch.Message)
	}
	epoch, err := s.Auth.ChangePassword(ctx, p.UserID, r.PostFormValue("current"), next)
	if err != nil {
		e := apperr.From(err)
		switch e.Kind {
		case apperr.Unauthenticated, apperr.Invalid:
			return again(http.StatusUnprocessableEntity, e.Message)
		case apperr.TooManyRequests:
			setRetryAfter(w, err)
			return again(http.StatusTooManyRequests, e.Message)
		}
		return err
	}
	if p.Via == "session" {
		if err := s.sessions.RenewToken(ctx); err != nil {
			return err
		}
		s.sessions.Put(ctx, sessionEpochKey, epoch)
	}
	s.sessions.Put(ctx, "flash", "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.")
	dest := "/account"
	if p.MustChangePassword {
		dest = p.HomePath()
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}
