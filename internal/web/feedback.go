package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
)

// Citizens' feedback (phản ánh, kiến nghị) and the satisfaction survey on the pages:
// the applicant files feedback and answers the survey on their dossier's look-up page,
// and says what they think of an answer there; a logged-in citizen files feedback about
// the service on /phan-anh; the unit's officials list, assign and answer it on
// /office/feedback. Every rule is feedback.Service's, the same the API calls.

func (s *Server) feedbackRoutes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "POST /tra-cuu/{code}/phan-anh", Access: httpx.Anyone, Handler: s.citizenFeedback},
		{Pattern: "POST /tra-cuu/{code}/phan-anh/{id}", Access: httpx.Anyone, Handler: s.citizenVerdict},
		{Pattern: "POST /tra-cuu/{code}/khao-sat", Access: httpx.Anyone, Handler: s.citizenSurvey},
		{Pattern: "GET /phan-anh", Access: httpx.LoggedIn, Handler: s.serviceFeedbackForm},
		{Pattern: "POST /phan-anh", Access: httpx.LoggedIn, Handler: s.serviceFeedback},
		{Pattern: "GET /office/feedback", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.feedbackList},
		{Pattern: "GET /office/feedback/{id}", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.feedbackPage},
		{Pattern: "POST /office/feedback/{id}/assign", Access: httpx.OnlyRoles(auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleCounter), Handler: s.feedbackAssign},
		{Pattern: "POST /office/feedback/{id}/answer", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.feedbackAnswer},
	}
}

// feedbackItem is a feedback as the pages show it.
type feedbackItem struct {
	feedback.Feedback
	Filed, Due, Answered string
	Late                 bool
	URL                  string
}

func (s *Server) feedbackItem(f feedback.Feedback) feedbackItem {
	return feedbackItem{Feedback: f, Filed: appointment(f.FiledAt), Due: appointment(f.DueAt), Answered: appointment(f.AnsweredAt),
		Late: !f.OnTime(s.Dossiers.Now()), URL: "/office/feedback/" + strconv.FormatInt(f.ID, 10)}
}

// citizenFeedback files the applicant's feedback about their dossier.
func (s *Server) citizenFeedback(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx, d, a, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	if a.Assistant {
		return s.citizenRetry(w, r, d, errFeedbackByHelper, "phan-anh")
	}
	f, err := s.Feedback.File(ctx, feedback.Filer{P: auth.PrincipalFrom(ctx), DossierCode: d.Code, Secret: r.URL.Query().Get("secret")},
		feedback.Filing{Kind: r.PostFormValue("kind"), Content: r.PostFormValue("content"), Contact: r.PostFormValue("contact"),
			Publish: r.PostFormValue("publish") == "1"})
	if err != nil {
		return s.citizenRetry(w, r, d, feedbackProblem(err), "phan-anh")
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã gửi %s. Đơn vị sẽ trả lời trước %s.", lowerFirst(f.Kind.Label()), appointment(f.DueAt)))
	http.Redirect(w, r, s.citizenBack(d, a, "phan-anh"), http.StatusSeeOther)
	return nil
}

// feedbackProblem turns a filing's error into the one message its section shows: a
// field's problem, or the error's own.
func feedbackProblem(err error) *apperr.Error {
	var fe *feedback.FieldError
	if errors.As(err, &fe) {
		for _, k := range []string{"kind", "content", "contact", "name", "unit", "answer", "verdict"} {
			if m, ok := fe.Fields[k]; ok {
				return apperr.New(apperr.Invalid, "invalid_feedback", m)
			}
		}
	}
	return apperr.From(err)
}

// errFeedbackByHelper: feedback is the citizen's own voice.
var errFeedbackByHelper = apperr.New(apperr.Conflict, "feedback_by_applicant_only",
	"Phản ánh, kiến nghị và khảo sát là ý kiến của người dân; thành viên tổ công nghệ số không gửi thay.")

// citizenVerdict records what the applicant thinks of an answer.
func (s *Server) citizenVerdict(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx, d, a, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	if a.Assistant {
		return s.citizenRetry(w, r, d, errFeedbackByHelper, "phan-anh")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return feedback.ErrNotFound
	}
	f, err := s.Feedback.Store.Feedback(ctx, id)
	if err != nil || f.DossierID != d.ID {
		return feedback.ErrNotFound
	}
	if _, err := s.Feedback.Judge(ctx, auth.PrincipalFrom(ctx), id, d.Secret, feedback.Verdict(r.PostFormValue("verdict"))); err != nil {
		e := feedbackProblem(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		return s.citizenRetry(w, r, d, e, "phan-anh")
	}
	s.sessions.Put(ctx, "flash", "Cảm ơn ông/bà đã cho biết ý kiến về câu trả lời.")
	http.Redirect(w, r, s.citizenBack(d, a, "phan-anh"), http.StatusSeeOther)
	return nil
}

// citizenSurvey records the applicant's answers to the satisfaction survey.
func (s *Server) citizenSurvey(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx, d, a, err := s.citizenDossier(r)
	if err != nil {
		return err
	}
	if a.Assistant {
		return s.citizenRetry(w, r, d, errFeedbackByHelper, "khao-sat")
	}
	answers := map[string]string{}
	for _, c := range feedback.Criteria {
		answers[c.Key] = r.PostFormValue("score_" + c.Key)
	}
	if err := s.Feedback.Survey(ctx, d, answers, r.PostFormValue("survey_comment")); err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		return s.citizenRetry(w, r, d, e, "khao-sat")
	}
	s.sessions.Put(ctx, "flash", "Cảm ơn ông/bà đã trả lời khảo sát.")
	http.Redirect(w, r, s.citizenBack(d, a, "khao-sat"), http.StatusSeeOther)
	return nil
}

// citizenFeedbackView adds the feedback part of the look-up page for its applicant:
// what they filed about this dossier, with the answers, and the survey.
func (s *Server) citizenFeedbackView(r *lookupResult, d dossier.Dossier, a dossier.Actor, fs []feedback.Feedback, surveyed bool) {
	if a.Assistant {
		return
	}
	r.CanFeedback, r.Kinds = true, feedback.Kinds
	for _, f := range fs {
		r.Feedback = append(r.Feedback, s.feedbackItem(f))
	}
	if d.CanRate() {
		r.Surveyed = surveyed
		r.CanSurvey, r.Criteria, r.ScoreLabels = !surveyed, feedback.Criteria, feedback.ScoreLabels[:]
	}
}

// serviceFeedbackView is the form about the service (not a dossier).
type serviceFeedbackView struct {
	Kinds                  []feedback.Kind
	Kind, Content, Contact string
	Publish                bool
	Errors                 map[string]string
	Unit                   string
}

func (s *Server) serviceFeedbackForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderServiceFeedback(w, r, http.StatusOK, serviceFeedbackView{})
}

func (s *Server) renderServiceFeedback(w http.ResponseWriter, r *http.Request, status int, data serviceFeedbackView) error {
	u, err := s.Store.UnitByID(r.Context(), s.HomeUnitID)
	if err != nil {
		return err
	}
	data.Kinds, data.Unit = feedback.Kinds, u.Name
	v := s.view(r, "Phản ánh, kiến nghị")
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	v.Nav, v.Data = "feedback-form", data
	return s.views.render(w, status, "feedback_form", v)
}

// serviceFeedback files a logged-in citizen's feedback about the service of the unit the
// portal serves.
func (s *Server) serviceFeedback(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx := r.Context()
	u, err := s.Store.UnitByID(ctx, s.HomeUnitID)
	if err != nil {
		return err
	}
	in := feedback.Filing{Kind: r.PostFormValue("kind"), Content: r.PostFormValue("content"), Contact: r.PostFormValue("contact"),
		Publish: r.PostFormValue("publish") == "1"}
	f, err := s.Feedback.File(ctx, feedback.Filer{P: auth.PrincipalFrom(ctx), UnitCode: u.Code}, in)
	var fe *feedback.FieldError
	if errors.As(err, &fe) {
		return s.renderServiceFeedback(w, r, http.StatusUnprocessableEntity, serviceFeedbackView{Kind: in.Kind, Content: in.Content,
			Contact: in.Contact, Publish: in.Publish, Errors: fe.Fields})
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã gửi %s (số %d). Đơn vị sẽ trả lời trước %s.", lowerFirst(f.Kind.Label()), f.ID, appointment(f.DueAt)))
	http.Redirect(w, r, "/phan-anh", http.StatusSeeOther)
	return nil
}

// feedbackView is the officials' page: the list, or one feedback.
type feedbackView struct {
	List *feedbackListView
	Page *feedbackPageView
}

// feedbackListView is the officials' list.
type feedbackListView struct {
	Items    []feedbackItem
	Total    int
	Status   string
	Statuses []option
	Pager    pager
}

// officeUnits are the units whose feedback p handles: where p has an office role (the
// system administrator: every unit of the provinces they administer).
func (s *Server) officeUnits(r *http.Request, p *auth.Principal) ([]int64, error) {
	var out []int64
	for _, m := range p.Memberships {
		if !slices.Contains(auth.OfficeRoles, m.Role) {
			continue
		}
		ids := []int64{m.UnitID}
		if m.Role == auth.RoleSystemAdmin {
			var err error
			if ids, err = s.Store.UnitsUnder(r.Context(), m.UnitID); err != nil {
				return nil, err
			}
		}
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out, nil
}

func (s *Server) feedbackList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	units, err := s.officeUnits(r, p)
	if err != nil {
		return err
	}
	data := feedbackListView{Statuses: []option{{"", "Tất cả"}}}
	for _, st := range []feedback.Status{feedback.StatusNew, feedback.StatusAssigned, feedback.StatusAnswered} {
		data.Statuses = append(data.Statuses, option{string(st), st.Label()})
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := feedback.Query{UnitIDs: units, Limit: limit, Offset: offset}
	if st := feedback.Status(r.URL.Query().Get("status")); st.Label() != "" {
		q.Statuses, data.Status = []feedback.Status{st}, string(st)
	}
	fs, total, err := s.Feedback.List(ctx, p, q)
	if err != nil {
		return err
	}
	for _, f := range fs {
		data.Items = append(data.Items, s.feedbackItem(f))
	}
	data.Total, data.Pager = total, newPager(r, limit, offset, total)
	v := s.view(r, "Phản ánh, kiến nghị")
	v.Area, v.Nav, v.Data = "office", "feedback", feedbackView{List: &data}
	return s.views.render(w, http.StatusOK, "feedback", v)
}

// feedbackPageView is one feedback for its unit's officials.
type feedbackPageView struct {
	Item      feedbackItem
	Officials []store.UserWithRoles
	CanAssign bool
	CanAnswer bool
	Problem   string
	Answer    string
}

func (s *Server) feedbackPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFeedbackPage(w, r, http.StatusOK, "", "")
}

func (s *Server) renderFeedbackPage(w http.ResponseWriter, r *http.Request, status int, problem, typed string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return feedback.ErrNotFound
	}
	f, err := s.Feedback.Get(ctx, p, id)
	if err != nil {
		return err
	}
	data := feedbackPageView{Item: s.feedbackItem(f), Problem: problem, Answer: typed}
	open := f.Status != feedback.StatusAnswered
	data.CanAssign = open && p.Can(f.UnitID, auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleCounter)
	data.CanAnswer = open && (data.CanAssign || f.AssigneeID == p.UserID)
	if data.CanAssign {
		users, _, err := s.Store.Users(ctx, f.UnitID, 200, 0)
		if err != nil {
			return err
		}
		for _, u := range users {
			if (&auth.Principal{Memberships: u.Memberships}).Can(f.UnitID, auth.OfficeRoles...) {
				data.Officials = append(data.Officials, u)
			}
		}
	}
	v := s.view(r, f.Kind.Label()+" số "+strconv.FormatInt(f.ID, 10))
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Area, v.Nav, v.Data = "office", "feedback", feedbackView{Page: &data}
	return s.views.render(w, status, "feedback", v)
}

func (s *Server) feedbackAssign(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return feedback.ErrNotFound
	}
	assignee, _ := strconv.ParseInt(r.PostFormValue("assignee"), 10, 64)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.Feedback.Assign(r.Context(), auth.PrincipalFrom(r.Context()), id, version, assignee); err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		return s.renderFeedbackPage(w, r, e.Kind.HTTPStatus(), e.Message, "")
	}
	s.sessions.Put(r.Context(), "flash", "Đã phân công xử lý.")
	http.Redirect(w, r, "/office/feedback/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) feedbackAnswer(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return feedback.ErrNotFound
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.Feedback.Answer(r.Context(), auth.PrincipalFrom(r.Context()), id, version, r.PostFormValue("answer")); err != nil {
		e := feedbackProblem(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		return s.renderFeedbackPage(w, r, e.Kind.HTTPStatus(), e.Message, r.PostFormValue("answer"))
	}
	s.sessions.Put(r.Context(), "flash", "Đã trả lời. Người gửi được báo qua thư điện tử nếu đã để lại địa chỉ.")
	http.Redirect(w, r, "/office/feedback/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
