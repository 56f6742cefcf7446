package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The QR forms' pages (docs/QRFORMS.md): the builders' list, builder and answers
// (/office/bieu-mau…, the leader, the culture officer, the specialists and the unit's
// administrator), the poster (PDF) and the exports; the public form at its short link
// /bm/{code}, answered without an account and without JavaScript.
func (s *Server) qrformRoutes() []httpx.Route {
	if s.QRForms == nil {
		return nil
	}
	builders := httpx.OnlyRoles(qrform.Builders...)
	return []httpx.Route{
		{Pattern: "GET /office/bieu-mau", Access: builders, Handler: s.qrFormsPage},
		{Pattern: "POST /office/bieu-mau", Access: builders, Handler: s.createQRForm},
		{Pattern: "GET /office/bieu-mau/{id}", Access: builders, Handler: s.qrFormPage},
		{Pattern: "POST /office/bieu-mau/{id}", Access: builders, Handler: s.saveQRForm},
		{Pattern: "POST /office/bieu-mau/{id}/phat-hanh", Access: builders, Handler: s.publishQRForm},
		{Pattern: "GET /office/bieu-mau/{id}/ap-phich", Access: builders, Handler: s.qrFormPoster},
		{Pattern: "GET /office/bieu-mau/{id}/xuat", Access: builders, Handler: s.exportQRAnswers},
		{Pattern: "GET /office/bieu-mau/tep/{answer}/{field}", Access: builders, Handler: s.qrAnswerFile},
		{Pattern: "GET /bm/{code}", Access: httpx.Anyone, Handler: s.answerForm},
		{Pattern: "POST /bm/{code}", Access: httpx.Anyone, Handler: s.answerQRForm},
	}
}

// builderUnit is the unit whose forms an official builds: their first unit where they
// build, the home unit for the system administrator.
func (s *Server) builderUnit(r *http.Request) (unit.Unit, error) {
	p := auth.PrincipalFrom(r.Context())
	for _, m := range p.Memberships {
		if m.Role != auth.RoleSystemAdmin && p.Can(m.UnitID, qrform.Builders...) {
			return s.Store.UnitByID(r.Context(), m.UnitID)
		}
	}
	return s.Store.UnitByID(r.Context(), s.HomeUnitID)
}

// builderRow is one field row of the builder: the form's fields and blank rows to add.
type builderRow struct {
	N       int
	Field   qrform.Field
	Options string
}

type qrFormsPage struct {
	Unit   unit.Unit
	Forms  []qrFormRow
	Draft  qrDraftView
	Errors map[string]string
}

type qrFormRow struct {
	qrform.Form
	Opens, Closes, StatusLabel string
}

// qrDraftView is the builder's form as typed.
type qrDraftView struct {
	Title, Purpose, OpensAt, ClosesAt, Retention string
	Rows                                         []builderRow
	Kinds                                        []qrform.Kind
	Frozen                                       bool
}

const qrBlankRows = 4

func statusLabel(f qrform.Form, now time.Time) string {
	switch {
	case f.Status == qrform.StatusDraft:
		return "Bản nháp"
	case now.Before(f.OpensAt):
		return "Chờ mở"
	case !now.Before(f.ClosesAt):
		return "Đã đóng"
	default:
		return "Đang nhận câu trả lời"
	}
}

// inputTime writes an instant for a datetime-local input, in Vietnam's time.
func inputTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(locale.Zone).Format("2006-01-02T15:04")
}

// parseInputTime reads a datetime-local input (or dd/mm/yyyy hh:mm typed where the
// browser has none), in Vietnam's time.
func parseInputTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "02/01/2006 15:04", "02/01/2006"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), locale.Zone); err == nil {
			return t
		}
	}
	return time.Time{}
}

func draftView(f qrform.Form) qrDraftView {
	v := qrDraftView{Title: f.Title, Purpose: f.Purpose, OpensAt: inputTime(f.OpensAt), ClosesAt: inputTime(f.ClosesAt), Kinds: qrform.Kinds}
	if f.RetentionDays > 0 {
		v.Retention = strconv.Itoa(f.RetentionDays)
	}
	for i, x := range f.Fields {
		v.Rows = append(v.Rows, builderRow{N: i + 1, Field: x, Options: strings.Join(x.Options, "\n")})
	}
	v.Frozen = f.Answers > 0
	if !v.Frozen {
		for i := 0; i < qrBlankRows; i++ {
			v.Rows = append(v.Rows, builderRow{N: len(v.Rows) + 1, Field: qrform.Field{Kind: qrform.KindText}})
		}
	}
	return v
}

// readDraft reads the builder's form: the rows label_N, kind_N, required_N, help_N,
// options_N (one option a line).
func readDraft(r *http.Request) (qrform.Draft, qrDraftView) {
	d := qrform.Draft{Title: r.PostFormValue("title"), Purpose: r.PostFormValue("purpose"),
		OpensAt: parseInputTime(r.PostFormValue("opens_at")), ClosesAt: parseInputTime(r.PostFormValue("closes_at"))}
	d.RetentionDays, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("retention_days")))
	v := qrDraftView{Title: d.Title, Purpose: d.Purpose, OpensAt: r.PostFormValue("opens_at"), ClosesAt: r.PostFormValue("closes_at"),
		Retention: r.PostFormValue("retention_days"), Kinds: qrform.Kinds}
	for i := 1; i <= qrform.MaxFields+qrBlankRows; i++ {
		n := strconv.Itoa(i)
		if _, ok := r.PostForm["label_"+n]; !ok {
			break
		}
		x := qrform.Field{Label: r.PostFormValue("label_" + n), Kind: qrform.Kind(r.PostFormValue("kind_" + n)),
			Required: r.PostFormValue("required_"+n) != "", Help: r.PostFormValue("help_" + n)}
		opts := r.PostFormValue("options_" + n)
		x.Options = strings.Split(strings.ReplaceAll(opts, "\r", ""), "\n")
		d.Fields = append(d.Fields, x)
		v.Rows = append(v.Rows, builderRow{N: i, Field: x, Options: opts})
	}
	return d, v
}

var errQRPage = apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu gửi lên không đọc được.")

func (s *Server) qrFormsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderQRForms(w, r, http.StatusOK, draftView(qrform.Form{RetentionDays: 30,
		OpensAt: time.Now().Truncate(time.Hour), ClosesAt: time.Now().Truncate(time.Hour).AddDate(0, 1, 0)}), nil)
}

func (s *Server) renderQRForms(w http.ResponseWriter, r *http.Request, status int, d qrDraftView, bad map[string]string) error {
	u, err := s.builderUnit(r)
	if err != nil {
		return err
	}
	fs, err := s.QRForms.Forms(r.Context(), auth.PrincipalFrom(r.Context()), u.ID)
	if err != nil {
		return err
	}
	now := s.QRForms.Clock()
	page := qrFormsPage{Unit: u, Draft: d, Errors: bad}
	for _, f := range fs {
		page.Forms = append(page.Forms, qrFormRow{Form: f, Opens: shortDateTime(f.OpensAt), Closes: shortDateTime(f.ClosesAt), StatusLabel: statusLabel(f, now)})
	}
	v := s.view(r, "Biểu mẫu QR")
	v.Data = page
	return s.views.render(w, status, "qrforms", v)
}

func shortDateTime(t time.Time) string { return t.In(locale.Zone).Format("15:04 02/01/2006") }

func (s *Server) createQRForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return errQRPage
	}
	u, err := s.builderUnit(r)
	if err != nil {
		return err
	}
	d, view := readDraft(r)
	f, err := s.QRForms.Create(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, d)
	var fe *qrform.FieldError
	if errors.As(err, &fe) {
		return s.renderQRForms(w, r, http.StatusUnprocessableEntity, view, fe.Fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/office/bieu-mau/%d", f.ID), http.StatusSeeOther)
	return nil
}

type qrFormPage struct {
	Form        qrform.Form
	Unit        unit.Unit
	Link        string
	QR          template.HTML
	StatusLabel string
	Draft       qrDraftView
	Errors      map[string]string
	Charts      []template.HTML
	Total       int64
	Answers     []qrAnswerRow
	Listed      int
	Head        []string
	Filter      qrFilter
	Choices     []qrChoice
	Villages    []community.Village
	HasVillage  bool
	Query       string
	Notice      string
}

type qrAnswerRow struct {
	When  string
	Cells []qrCell
}

// qrCell is a value of an answer; a file's links to it.
type qrCell struct{ Text, Href string }

type qrFilter struct{ From, To, Choice, Village string }

// qrChoice is a choice to filter by: "f2=Có" labelled "Triệu chứng: Có".
type qrChoice struct{ Value, Label string }

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, qrform.ErrNotFound
	}
	return id, nil
}

// answerQuery reads the page's filters: from and to (dates), choice ("f2=Có"), village
// (its code).
func (s *Server) answerQuery(r *http.Request, f qrform.Form, vs []community.Village) (qrform.AnswerQuery, qrFilter) {
	v := r.URL.Query()
	fl := qrFilter{From: v.Get("from"), To: v.Get("to"), Choice: v.Get("choice"), Village: v.Get("village")}
	q := qrform.AnswerQuery{FormID: f.ID}
	if t, err := time.ParseInLocation("2006-01-02", fl.From, locale.Zone); err == nil {
		q.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", fl.To, locale.Zone); err == nil {
		q.To = t.AddDate(0, 0, 1)
	}
	if k, c, ok := strings.Cut(fl.Choice, "="); ok {
		if x, found := f.Field(k); found && x.Kind.Counted() {
			q.Field, q.Choice = k, c
		}
	}
	if fl.Village != "" {
		q.VillageID = -1
		for _, vg := range vs {
			if vg.Code == fl.Village {
				q.VillageID = vg.ID
			}
		}
	}
	return q, fl
}

func villageNames(vs []community.Village) map[string]string {
	out := map[string]string{}
	for _, v := range vs {
		out[v.Code] = v.Name
	}
	return out
}

func (s *Server) qrFormPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.QRForms.Form(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	notice := ""
	if r.URL.Query().Get("da-luu") != "" {
		notice = "Đã lưu biểu mẫu."
	}
	return s.renderQRForm(w, r, http.StatusOK, f, draftView(f), nil, notice)
}

func (s *Server) renderQRForm(w http.ResponseWriter, r *http.Request, status int, f qrform.Form, d qrDraftView, bad map[string]string, notice string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	if !qrform.CanBuild(p, f.UnitID) {
		return qrform.ErrNotBuilder
	}
	u, err := s.Store.UnitByID(ctx, f.UnitID)
	if err != nil {
		return err
	}
	vs, err := s.QRForms.Villages(ctx, f)
	if err != nil {
		return err
	}
	link := s.qrLink(r, f)
	svg, err := qr.SVG(link, "Mã QR của biểu mẫu "+f.Title)
	if err != nil {
		return err
	}
	page := qrFormPage{Form: f, Unit: u, Link: link, QR: template.HTML(svg), StatusLabel: statusLabel(f, s.QRForms.Clock()),
		Draft: d, Errors: bad, Villages: vs, Notice: notice}
	_, counts, err := s.QRForms.Counts(ctx, p, f.ID)
	if err != nil {
		return err
	}
	names := villageNames(vs)
	for _, x := range f.Fields {
		if x.Kind == qrform.KindVillage {
			page.HasVillage = true
		}
		if !x.Kind.Counted() {
			continue
		}
		var bars []bar
		for _, c := range counts {
			if c.Field != x.Key {
				continue
			}
			label := c.Choice
			if x.Kind == qrform.KindVillage && names[c.Choice] != "" {
				label = names[c.Choice]
			}
			if x.Kind != qrform.KindVillage {
				page.Choices = append(page.Choices, qrChoice{Value: x.Key + "=" + c.Choice, Label: x.Label + ": " + c.Choice})
			}
			bars = append(bars, bar{Label: label, Value: c.N, Share: -1, Class: "neutral"})
		}
		if len(bars) > 0 {
			page.Charts = append(page.Charts, barChart("qr-"+x.Key, x.Label, bars))
		}
	}
	page.Total = counts[0].N
	q, fl := s.answerQuery(r, f, vs)
	page.Filter = fl
	q.Limit = 100
	_, as, n, err := s.QRForms.Answers(ctx, p, q)
	if err != nil {
		return err
	}
	page.Listed = n
	page.Head = qrform.Table(f, nil, nil)[0][1:]
	rows := qrform.Table(f, as, names)
	for i, row := range rows[1:] {
		r := qrAnswerRow{When: row[1], Cells: []qrCell{{Text: row[2]}}}
		for j, x := range f.Fields {
			c := qrCell{Text: row[3+j]}
			if x.Kind == qrform.KindFile && c.Text != "" {
				c.Href = fmt.Sprintf("/office/bieu-mau/tep/%d/%s", as[i].ID, x.Key)
			}
			r.Cells = append(r.Cells, c)
		}
		page.Answers = append(page.Answers, r)
	}
	page.Head = page.Head[1:]
	page.Query = qrFilterQuery(fl)
	v := s.view(r, f.Title)
	v.Data = page
	return s.views.render(w, status, "qrform", v)
}

// qrLink is a form's public short link.
func (s *Server) qrLink(r *http.Request, f qrform.Form) string {
	return s.absolute(r, "/bm/"+f.Code)
}

func (s *Server) saveQRForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return errQRPage
	}
	p := auth.PrincipalFrom(r.Context())
	d, view := readDraft(r)
	f, err := s.QRForms.Update(r.Context(), p, id, d)
	var fe *qrform.FieldError
	if errors.As(err, &fe) || errors.Is(err, qrform.ErrFrozen) {
		before, lerr := s.QRForms.Form(r.Context(), p, id)
		if lerr != nil {
			return lerr
		}
		bad := map[string]string{"fields": qrform.ErrFrozen.Message}
		if fe != nil {
			bad = fe.Fields
		}
		view.Frozen = before.Answers > 0
		return s.renderQRForm(w, r, http.StatusUnprocessableEntity, before, view, bad, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/office/bieu-mau/%d?da-luu=1", f.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) publishQRForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.QRForms.Publish(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/office/bieu-mau/%d?da-luu=1", f.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) qrFormPoster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	f, err := s.QRForms.Form(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !qrform.CanBuild(p, f.UnitID) {
		return qrform.ErrNotBuilder
	}
	u, err := s.Store.UnitByID(r.Context(), f.UnitID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := qrform.WritePoster(&buf, u.Name, f, s.qrLink(r, f)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="ap-phich-bieu-mau.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}

var errExportFormat = apperr.New(apperr.Invalid, "invalid_export_format", "Chỉ xuất được tệp Excel (xlsx) hoặc CSV.")

func (s *Server) exportQRAnswers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		return errExportFormat
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	f, err := s.QRForms.Form(ctx, p, id)
	if err != nil {
		return err
	}
	if !qrform.CanBuild(p, f.UnitID) {
		return qrform.ErrNotBuilder
	}
	vs, err := s.QRForms.Villages(ctx, f)
	if err != nil {
		return err
	}
	q, _ := s.answerQuery(r, f, vs)
	_, as, _, err := s.QRForms.Answers(ctx, p, q)
	if err != nil {
		return err
	}
	rows := qrform.Table(f, as, villageNames(vs))
	var buf bytes.Buffer
	name := "cau-tra-loi-" + f.Code
	if format == "csv" {
		err = qrform.WriteCSV(&buf, rows)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		err = qrform.WriteXLSX(&buf, f.Title, rows)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// answerPage is the public form.
type answerPage struct {
	Form      qrform.Form
	Unit      unit.Unit
	Villages  []community.Village
	Values    map[string][]string
	Errors    map[string]string
	Open      bool
	Opens     string
	Closes    string
	Consent   string
	Consented bool
	Done      bool
	Multipart bool
}

// Has reports whether value v was given for field key (a checked box, a selected option).
func (p answerPage) Has(key, v string) bool {
	for _, x := range p.Values[key] {
		if x == v {
			return true
		}
	}
	return false
}

// Value is the first value given for key.
func (p answerPage) Value(key string) string {
	if vs := p.Values[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (s *Server) answerForm(w http.ResponseWriter, r *http.Request) error {
	f, err := s.QRForms.ByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	values := map[string][]string{}
	// A logged-in person finds their name and their phone filled in.
	if p := auth.PrincipalFrom(r.Context()); p != nil {
		phone, err := s.Store.UserPhone(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		if strings.HasPrefix(phone, "+84") {
			phone = "0" + phone[3:]
		}
		named := false
		for _, x := range f.Fields {
			l := strings.ToLower(x.Label)
			switch {
			case x.Kind == qrform.KindText && !named && strings.Contains(l, "họ") && strings.Contains(l, "tên"):
				values[x.Key], named = []string{p.FullName}, true
			case x.Kind == qrform.KindPhone && phone != "" && values[x.Key] == nil:
				values[x.Key] = []string{phone}
			}
		}
	}
	return s.renderAnswer(w, r, http.StatusOK, f, values, nil, false, false)
}

func (s *Server) renderAnswer(w http.ResponseWriter, r *http.Request, status int, f qrform.Form, values map[string][]string, bad map[string]string, consented, done bool) error {
	u, err := s.Store.UnitByID(r.Context(), f.UnitID)
	if err != nil {
		return err
	}
	vs, err := s.QRForms.Villages(r.Context(), f)
	if err != nil {
		return err
	}
	page := answerPage{Form: f, Unit: u, Villages: vs, Values: values, Errors: bad, Open: f.Open(s.QRForms.Clock()),
		Opens: shortDateTime(f.OpensAt), Closes: shortDateTime(f.ClosesAt), Consent: qrform.ConsentText(f), Consented: consented, Done: done}
	for _, x := range f.Fields {
		page.Multipart = page.Multipart || x.Kind == qrform.KindFile
	}
	v := s.view(r, f.Title)
	v.Data = page
	return s.views.render(w, status, "qr_answer", v)
}

func (s *Server) answerQRForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := s.QRForms.ByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, qrform.MaxFiles*qrform.MaxFileSize+256<<10)
	sub := qrform.Submission{Values: map[string][]string{}, Files: map[string]qrform.Upload{}}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return qrform.ErrTooLarge.With(err)
		}
		defer r.MultipartForm.RemoveAll()
		for k, hs := range r.MultipartForm.File {
			if x, ok := f.Field(k); !ok || x.Kind != qrform.KindFile || len(hs) != 1 {
				continue
			}
			data, err := readPart(hs[0])
			if err != nil {
				return err
			}
			if len(data) > 0 {
				sub.Files[k] = qrform.Upload{Name: hs[0].Filename, Data: data}
			}
		}
	} else if err := r.ParseForm(); err != nil {
		return errQRPage
	}
	for _, x := range f.Fields {
		if vs, ok := r.PostForm[x.Key]; ok && x.Kind != qrform.KindFile {
			sub.Values[x.Key] = vs
		}
	}
	sub.Consent = r.PostFormValue("consent") != ""
	_, err = s.QRForms.Submit(ctx, qrform.Answerer{P: auth.PrincipalFrom(ctx), Client: httpx.ClientIP(r, s.TrustProxy)}, f, sub)
	var fe *qrform.FieldError
	if errors.As(err, &fe) {
		return s.renderAnswer(w, r, http.StatusUnprocessableEntity, f, sub.Values, fe.Fields, sub.Consent, false)
	}
	if err != nil {
		return err
	}
	return s.renderAnswer(w, r, http.StatusCreated, f, nil, nil, false, true)
}

func readPart(h *multipart.FileHeader) ([]byte, error) {
	if h.Size > qrform.MaxFileSize {
		return nil, qrform.ErrTooLarge
	}
	f, err := h.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, qrform.MaxFileSize+1))
}

// qrFilterQuery keeps the page's filters in the export links.
func qrFilterQuery(fl qrFilter) string {
	v := url.Values{}
	for k, x := range map[string]string{"from": fl.From, "to": fl.To, "choice": fl.Choice, "village": fl.Village} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// qrAnswerFile serves an answer's file to its form's builders, as a download (the bytes
// were checked as a JPEG, PNG or PDF when answered).
func (s *Server) qrAnswerFile(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("answer"), 10, 64)
	if err != nil || id <= 0 {
		return qrform.ErrFileNotFound
	}
	f, rd, err := s.QRForms.OpenFile(r.Context(), auth.PrincipalFrom(r.Context()), id, r.PathValue("field"))
	if err != nil {
		return err
	}
	defer rd.Close()
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="cau-tra-loi-%d-%s%s"`, id, f.Field, attachExt(f.ContentType)))
	_, err = io.Copy(w, rd)
	return err
}

func attachExt(ct string) string {
	switch ct {
	case "application/pdf":
		return ".pdf"
	case "image/png":
		return ".png"
	}
	return ".jpg"
}
