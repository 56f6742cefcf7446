package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// FileFeedback is the body of POST /api/v1/feedback: about a dossier (dossier_code, with
// secret unless the caller is its owner logged in) or about a unit's service (unit,
// logged in).
type FileFeedback struct {
	DossierCode string `json:"dossier_code"`
	Secret      string `json:"secret"`
	Unit        string `json:"unit"`
	Kind        string `json:"kind"` // complaint | proposal
	Content     string `json:"content"`
	Name        string `json:"name"`
	Contact     string `json:"contact"`
	Publish     bool   `json:"publish"`
}

// Feedback is a feedback as the API shows it. Name and contact are shown to the unit's
// officials and the citizen who filed it, never on the published list.
type Feedback struct {
	ID          int64   `json:"id"`
	DossierCode string  `json:"dossier_code,omitempty"`
	Kind        string  `json:"kind"`
	KindLabel   string  `json:"kind_label"`
	Content     string  `json:"content"`
	Name        string  `json:"name,omitempty"`
	Contact     string  `json:"contact,omitempty"`
	Publish     bool    `json:"publish"`
	Status      string  `json:"status"`
	StatusLabel string  `json:"status_label"`
	FiledAt     *string `json:"filed_at"`
	DueAt       *string `json:"due_at"`
	OnTime      bool    `json:"on_time"` // answered by the deadline, or not past it yet
	Assignee    string  `json:"assignee,omitempty"`
	Answer      string  `json:"answer,omitempty"`
	AnsweredAt  *string `json:"answered_at,omitempty"`
	AnsweredBy  string  `json:"answered_by,omitempty"`
	Verdict     string  `json:"verdict,omitempty"`
	Version     int     `json:"version"`
}

func feedbackView(f feedback.Feedback, now time.Time, private bool) Feedback {
	v := Feedback{ID: f.ID, DossierCode: f.DossierCode, Kind: string(f.Kind), KindLabel: f.Kind.Label(), Content: f.Content,
		Publish: f.Publish, Status: string(f.Status), StatusLabel: f.Status.Label(), FiledAt: rfc3339(f.FiledAt), DueAt: rfc3339(f.DueAt),
		OnTime: f.OnTime(now), Answer: f.Answer, AnsweredAt: rfc3339(f.AnsweredAt), Version: f.Version}
	if private {
		v.Name, v.Contact, v.Assignee, v.AnsweredBy, v.Verdict = f.Name, f.Contact, f.AssigneeName, f.AnsweredBy, string(f.Verdict)
	} else {
		v.DossierCode = ""
	}
	return v
}

var errFeedbackID = apperr.New(apperr.NotFound, "feedback_not_found", "Không tìm thấy phản ánh, kiến nghị này.")

func feedbackID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errFeedbackID
	}
	return id, nil
}

// fileFeedback files a citizen's feedback. Public: a dossier's secret is enough; every
// attempt counts against the look-up limiter, as guessing secrets would.
func (h handlers) fileFeedback(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	var in FileFeedback
	if err := httpx.DecodeJSON(w, r, &in, 32<<10); err != nil {
		return err
	}
	f, err := h.Feedback.File(r.Context(), feedback.Filer{P: auth.PrincipalFrom(r.Context()), DossierCode: in.DossierCode,
		Secret: in.Secret, UnitCode: in.Unit}, feedback.Filing{Kind: in.Kind, Content: in.Content, Name: in.Name, Contact: in.Contact,
		Publish: in.Publish})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, feedbackView(f, h.now(), true))
}

// listFeedback lists a unit's feedback for its officials (?unit=CODE&status=…).
func (h handlers) listFeedback(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	u, err := h.unitParam(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := feedback.Query{UnitIDs: []int64{u.ID}, Limit: limit, Offset: offset}
	if s := r.URL.Query().Get("status"); s != "" {
		q.Statuses = []feedback.Status{feedback.Status(s)}
	}
	fs, total, err := h.Feedback.List(r.Context(), p, q)
	if err != nil {
		return err
	}
	items := make([]Feedback, len(fs))
	for i, f := range fs {
		items[i] = feedbackView(f, h.now(), true)
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

// publishedFeedback lists a unit's answered feedback whose citizens agreed to publish
// it, without names or contacts (public).
func (h handlers) publishedFeedback(w http.ResponseWriter, r *http.Request) error {
	u, err := h.unitParam(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	fs, total, err := h.Feedback.Published(r.Context(), u.ID, limit, offset)
	if err != nil {
		return err
	}
	items := make([]Feedback, len(fs))
	for i, f := range fs {
		items[i] = feedbackView(f, h.now(), false)
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

func (h handlers) getFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := feedbackID(r)
	if err != nil {
		return err
	}
	f, err := h.Feedback.Get(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, feedbackView(f, h.now(), true))
}

// AssignFeedback is the body of POST /api/v1/feedback/{id}/assign.
type AssignFeedback struct {
	Assignee string `json:"assignee"` // username of an official of the unit
	Version  int    `json:"version"`  // optional: the version seen
}

func (h handlers) assignFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := feedbackID(r)
	if err != nil {
		return err
	}
	var in AssignFeedback
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	u, err := h.Store.UserByUsername(r.Context(), in.Assignee)
	if err != nil {
		return feedback.ErrAssignee
	}
	f, err := h.Feedback.Assign(r.Context(), auth.PrincipalFrom(r.Context()), id, in.Version, u.ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, feedbackView(f, h.now(), true))
}

// AnswerFeedback is the body of POST /api/v1/feedback/{id}/answer.
type AnswerFeedback struct {
	Answer  string `json:"answer"`
	Version int    `json:"version"`
}

func (h handlers) answerFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := feedbackID(r)
	if err != nil {
		return err
	}
	var in AnswerFeedback
	if err := httpx.DecodeJSON(w, r, &in, 32<<10); err != nil {
		return err
	}
	f, err := h.Feedback.Answer(r.Context(), auth.PrincipalFrom(r.Context()), id, in.Version, in.Answer)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, feedbackView(f, h.now(), true))
}

// JudgeFeedback is the body of POST /api/v1/feedback/{id}/verdict: the citizen's view
// of the answer (logged in as who filed it, or with its dossier's secret).
type JudgeFeedback struct {
	Verdict string `json:"verdict"` // satisfied | dissatisfied
	Secret  string `json:"secret"`
}

func (h handlers) judgeFeedback(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	id, err := feedbackID(r)
	if err != nil {
		return err
	}
	var in JudgeFeedback
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	f, err := h.Feedback.Judge(r.Context(), auth.PrincipalFrom(r.Context()), id, in.Secret, feedback.Verdict(in.Verdict))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, feedbackView(f, h.now(), true))
}

// Survey is the body of POST /api/v1/dossiers/{code}/survey: each criterion's score 1..5
// (feedback.Criteria), with the secret unless the caller owns the dossier.
type Survey struct {
	Scores  map[string]int `json:"scores"`
	Comment string         `json:"comment"`
	Secret  string         `json:"secret"`
}

func (h handlers) survey(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	var in Survey
	if err := httpx.DecodeJSON(w, r, &in, 8<<10); err != nil {
		return err
	}
	d, err := h.Store.DossierByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if !d.OwnedBy(auth.PrincipalFrom(r.Context())) && !dossier.SecretMatches(d, in.Secret) {
		return dossier.ErrNotFound
	}
	answers := map[string]string{}
	for k, v := range in.Scores {
		answers[k] = strconv.Itoa(v)
	}
	if err := h.Feedback.Survey(r.Context(), d, answers, in.Comment); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// FeedbackSettings is the body of PUT /api/v1/feedback/settings: a unit's answer deadline.
type FeedbackSettings struct {
	Unit       string `json:"unit"`
	AnswerDays int    `json:"answer_days"`
}

func (h handlers) feedbackSettings(w http.ResponseWriter, r *http.Request) error {
	var in FeedbackSettings
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	u, err := h.unitParam(r, in.Unit)
	if err != nil {
		return err
	}
	if err := h.Feedback.SetAnswerDays(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, in.AnswerDays); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, in)
}
