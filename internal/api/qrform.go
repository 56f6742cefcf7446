package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/qrform"
)

// The QR forms (internal/qrform, docs/QRFORMS.md): the unit's builders (leader, culture
// officer, specialist, unit administrator) create, change, publish and list forms and read
// their answers and counts; anyone reads a published form and answers it (rate-limited per
// address by the service).
func qrformRoutes(h handlers) []httpx.Route {
	if h.QRForms == nil {
		return nil
	}
	builders := httpx.OnlyRoles(qrform.Builders...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/forms", Access: builders, Handler: h.listQRForms},
		{Pattern: "POST /api/v1/forms", Access: builders, Handler: h.createQRForm},
		{Pattern: "GET /api/v1/forms/{id}", Access: httpx.Anyone, Handler: h.getQRForm},
		{Pattern: "PUT /api/v1/forms/{id}", Access: builders, Handler: h.updateQRForm},
		{Pattern: "POST /api/v1/forms/{id}/publish", Access: builders, Handler: h.publishQRForm},
		{Pattern: "POST /api/v1/forms/{id}/answers", Access: httpx.Anyone, Handler: h.answerQRForm},
		{Pattern: "GET /api/v1/forms/{id}/answers", Access: builders, Handler: h.listQRAnswers},
		{Pattern: "GET /api/v1/forms/{id}/counts", Access: builders, Handler: h.qrCounts},
	}
}

// QRFormDoc is a form as the API shows it.
type QRFormDoc struct {
	ID            int64          `json:"id"`
	Code          string         `json:"code"`
	Link          string         `json:"link"`
	Title         string         `json:"title"`
	Purpose       string         `json:"purpose"`
	Fields        []qrform.Field `json:"fields"`
	OpensAt       time.Time      `json:"opens_at"`
	ClosesAt      time.Time      `json:"closes_at"`
	RetentionDays int            `json:"retention_days"`
	Status        string         `json:"status"`
	Answers       int64          `json:"answers"`
	Stored        int64          `json:"stored_answers"`
}

func (h handlers) qrFormDoc(r *http.Request, f qrform.Form) QRFormDoc {
	link := h.QRForms.Link(f)
	if !strings.HasPrefix(link, "http") {
		link = absoluteURL(r, h.BaseURL, link)
	}
	return QRFormDoc{ID: f.ID, Code: f.Code, Link: link, Title: f.Title, Purpose: f.Purpose, Fields: f.Fields, OpensAt: f.OpensAt,
		ClosesAt: f.ClosesAt, RetentionDays: f.RetentionDays, Status: string(f.Status), Answers: f.Answers, Stored: f.Stored}
}

// absoluteURL makes a path absolute with the request's host when no public address is set.
func absoluteURL(r *http.Request, base, path string) string {
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return strings.TrimRight(base, "/") + path
}

var errQRFormID = apperr.New(apperr.NotFound, "form_not_found", "Không tìm thấy biểu mẫu.")

func formID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errQRFormID
	}
	return id, nil
}

// qrFormUnit is ?unit=CODE, the portal's unit without it.
func (h handlers) qrFormUnit(r *http.Request) (int64, error) {
	code := strings.TrimSpace(r.URL.Query().Get("unit"))
	if code == "" {
		return h.HomeUnitID, nil
	}
	if len(code) > 32 {
		return 0, apperr.ErrNotFound
	}
	u, err := h.Store.UnitByCode(r.Context(), code)
	return u.ID, err
}

// QRFormInput is a form as a builder writes it.
type QRFormInput struct {
	Title         string         `json:"title"`
	Purpose       string         `json:"purpose"`
	Fields        []qrform.Field `json:"fields"`
	OpensAt       time.Time      `json:"opens_at"`
	ClosesAt      time.Time      `json:"closes_at"`
	RetentionDays int            `json:"retention_days"`
}

func (in QRFormInput) draft() qrform.Draft {
	return qrform.Draft{Title: in.Title, Purpose: in.Purpose, Fields: in.Fields, OpensAt: in.OpensAt, ClosesAt: in.ClosesAt,
		RetentionDays: in.RetentionDays}
}

func (h handlers) listQRForms(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.qrFormUnit(r)
	if err != nil {
		return err
	}
	fs, err := h.QRForms.Forms(r.Context(), auth.PrincipalFrom(r.Context()), unitID)
	if err != nil {
		return err
	}
	items := make([]QRFormDoc, len(fs))
	for i, f := range fs {
		items[i] = h.qrFormDoc(r, f)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[QRFormDoc]{Items: items, Total: len(items)})
}

func (h handlers) createQRForm(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.qrFormUnit(r)
	if err != nil {
		return err
	}
	var in QRFormInput
	if err := httpx.DecodeJSON(w, r, &in, 256<<10); err != nil {
		return err
	}
	f, err := h.QRForms.Create(r.Context(), auth.PrincipalFrom(r.Context()), unitID, in.draft())
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/forms/%d", f.ID))
	return httpx.WriteJSON(w, http.StatusCreated, h.qrFormDoc(r, f))
}

func (h handlers) getQRForm(w http.ResponseWriter, r *http.Request) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	f, err := h.QRForms.Form(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.qrFormDoc(r, f))
}

func (h handlers) updateQRForm(w http.ResponseWriter, r *http.Request) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	var in QRFormInput
	if err := httpx.DecodeJSON(w, r, &in, 256<<10); err != nil {
		return err
	}
	f, err := h.QRForms.Update(r.Context(), auth.PrincipalFrom(r.Context()), id, in.draft())
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.qrFormDoc(r, f))
}

func (h handlers) publishQRForm(w http.ResponseWriter, r *http.Request) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	f, err := h.QRForms.Publish(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.qrFormDoc(r, f))
}

// QRAnswerDoc is an answer as the API shows it.
type QRAnswerDoc struct {
	ID             int64               `json:"id"`
	SubmittedAt    time.Time           `json:"submitted_at"`
	ConsentPurpose string              `json:"consent_purpose"`
	ConsentAt      time.Time           `json:"consent_at"`
	Values         map[string][]string `json:"values"`
	Files          []QRAnswerFileDoc   `json:"files"`
}

// QRAnswerFileDoc is an answer's file.
type QRAnswerFileDoc struct {
	Field       string `json:"field"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

func qrAnswerDoc(a qrform.Answer) QRAnswerDoc {
	d := QRAnswerDoc{ID: a.ID, SubmittedAt: a.SubmittedAt, ConsentPurpose: a.ConsentPurpose, ConsentAt: a.ConsentAt, Values: a.Values,
		Files: []QRAnswerFileDoc{}}
	for _, f := range a.Files {
		d.Files = append(d.Files, QRAnswerFileDoc{Field: f.Field, ContentType: f.ContentType, Size: f.Size})
	}
	return d
}

func (h handlers) answerQRForm(w http.ResponseWriter, r *http.Request) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/json") {
		return httpx.ErrNotJSON
	}
	sub, err := qrform.DecodeAnswer(http.MaxBytesReader(w, r.Body, qrform.MaxBody+1))
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	f, err := h.QRForms.Form(r.Context(), p, id)
	if err != nil {
		return err
	}
	a, err := h.QRForms.Submit(r.Context(), qrform.Answerer{P: p, Client: httpx.ClientIP(r, h.TrustProxy)}, f, sub)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, qrAnswerDoc(a))
}

var errAnswerDate = apperr.New(apperr.Invalid, "invalid_answer_filter", "Ngày lọc viết theo dạng YYYY-MM-DD.")

// answerQuery reads the answers' filters: from and to (dates, Vietnam's days), field and
// choice, village (its code).
func (h handlers) answerQuery(r *http.Request, id int64) (qrform.AnswerQuery, error) {
	q := qrform.AnswerQuery{FormID: id}
	v := r.URL.Query()
	for _, k := range []string{"from", "to"} {
		s := v.Get(k)
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", s, locale.Zone)
		if err != nil {
			return q, errAnswerDate
		}
		if k == "from" {
			q.From = t
		} else {
			q.To = t.AddDate(0, 0, 1)
		}
	}
	q.Field, q.Choice = v.Get("field"), v.Get("choice")
	if code := v.Get("village"); code != "" {
		f, err := h.QRForms.Store.QRForm(r.Context(), id)
		if err != nil {
			return q, err
		}
		vs, err := h.QRForms.Villages(r.Context(), f)
		if err != nil {
			return q, err
		}
		q.VillageID = -1 // a village the unit does not have: no answer
		for _, vg := range vs {
			if vg.Code == code {
				q.VillageID = vg.ID
			}
		}
	}
	return q, nil
}

func (h handlers) listQRAnswers(w http.ResponseWriter, r *http.Request) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	q, err := h.answerQuery(r, id)
	if err != nil {
		return err
	}
	if q.Limit, q.Offset, err = httpx.Page(r); err != nil {
		return err
	}
	_, as, total, err := h.QRForms.Answers(r.Context(), auth.PrincipalFrom(r.Context()), q)
	if err != nil {
		return err
	}
	items := make([]QRAnswerDoc, len(as))
	for i, a := range as {
		items[i] = qrAnswerDoc(a)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[QRAnswerDoc]{Items: items, Total: total})
}

// QRCountDoc is how many answers chose a value of a field ("" and "": all answers).
type QRCountDoc struct {
	Field  string `json:"field"`
	Choice string `json:"choice"`
	Count  int64  `json:"count"`
}

func (h handlers) qrCounts(w http.ResponseWriter, r *http.Request) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	_, cs, err := h.QRForms.Counts(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	items := make([]QRCountDoc, len(cs))
	for i, c := range cs {
		items[i] = QRCountDoc{Field: c.Field, Choice: c.Choice, Count: c.N}
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[QRCountDoc]{Items: items, Total: len(items)})
}
