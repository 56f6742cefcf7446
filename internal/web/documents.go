package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The official documents' pages (/office/documents): the clerk's incoming and outgoing
// registers, the leader's documents waiting for a direction and drafts to approve, the
// handler's own documents with their deadlines. Every form is a plain POST that calls
// the same document.Service methods as the API.

// NewDocuments is the documents' service over d's store, blobs and calendars;
// electronic issues are verified against the administrator's trust anchors.
func NewDocuments(d Deps) *document.Service {
	svc := &document.Service{Store: d.Store, Blobs: d.Blobs}
	if d.Calendars != nil {
		svc.Calendars = d.Calendars
	}
	if d.Dossiers != nil {
		svc.Now = d.Dossiers.Now
	}
	st := d.Store
	svc.Verify = func(ctx context.Context, pdf []byte) (*signing.Report, error) {
		anchors, err := st.TrustAnchors(ctx)
		if err != nil {
			return nil, err
		}
		return signing.VerifyPDF(ctx, pdf, signing.VerifyOptions{TrustAnchors: anchors, HTTPClient: verifyHTTPClient})
	}
	return svc
}

func (s *Server) documentPageRoutes() []httpx.Route {
	read := httpx.OnlyRoles(document.ReadRoles...)
	return []httpx.Route{
		{Pattern: "GET /office/documents", Access: read, Handler: s.documentsPage},
		{Pattern: "POST /office/documents/incoming", Access: httpx.OnlyRoles(document.RegisterRoles...), Handler: s.registerIncomingPage},
		{Pattern: "POST /office/documents/outgoing", Access: httpx.OnlyRoles(document.DraftRoles...), Handler: s.draftOutgoingPage},
		{Pattern: "GET /office/documents/{id}", Access: read, Handler: s.documentPage},
		{Pattern: "GET /office/documents/{id}/files/{n}", Access: read, Handler: s.documentFile},
		{Pattern: "POST /office/documents/{id}/actions/{action}", Access: read, Handler: s.documentActionPage},
	}
}

var errDocPageID = apperr.New(apperr.NotFound, "document_not_found", "Không tìm thấy văn bản.")

// docField names the form field each document error belongs to.
var docField = map[string]string{
	"invalid_document_type": "type_code", "invalid_subject": "subject", "invalid_sender": "sender",
	"invalid_recipients": "recipients", "invalid_drafting_unit": "drafting_unit", "invalid_number_notation": "number_notation",
	"wrong_abbreviation": "number_notation", "invalid_issued_on": "issued_on", "invalid_received_at": "received_at",
	"invalid_urgency": "urgency", "duplicate_document": "number_notation", "invalid_deadline": "deadline",
	"invalid_handler": "handler_id", "signatures_required": "paper",
}

// docForm is a form sent back with its values and the message at its field.
type docForm struct {
	Values map[string]string
	Field  string
	Msg    string
	Code   string
}

func (f docForm) Value(name string) string { return f.Values[name] }

// Err is the message at a field.
func (f docForm) Err(name string) string {
	if f.Field == name {
		return f.Msg
	}
	return ""
}

// Alert is a message that belongs to no field.
func (f docForm) Alert() string {
	if f.Msg != "" && f.Field == "" {
		return f.Msg
	}
	return ""
}

func formFrom(r *http.Request, err error) docForm {
	e := apperr.From(err)
	f := docForm{Values: map[string]string{}, Field: docField[e.Code], Msg: e.Message, Code: e.Code}
	for k, v := range r.PostForm {
		if len(v) > 0 {
			f.Values[k] = v[0]
		}
	}
	return f
}

type docRow struct {
	document.Document
	TypeName string
	Overdue  bool
}

type documentsView struct {
	Unit       unit.Unit
	Tab        string
	Query      document.Query
	QueryText  string
	Rows       []docRow
	Total      int
	Types      []document.Type
	Urgencies  []document.Urgency
	IsClerk    bool
	CanDraft   bool
	IsLeader   bool
	Incoming   docForm
	Outgoing   docForm
	Today      string
	Year       int
	RegisterQS string
	ReplyTo    string
}

var docTabs = map[string]string{"incoming": "Văn bản đến", "outgoing": "Văn bản đi", "waiting": "Chờ chỉ đạo",
	"drafts": "Dự thảo chờ duyệt", "mine": "Văn bản tôi xử lý", "overdue": "Quá hạn xử lý"}

func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDocuments(w, r, http.StatusOK, docForm{}, docForm{})
}

func (s *Server) renderDocuments(w http.ResponseWriter, r *http.Request, status int, in, out docForm) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	unitID := document.UnitFor(p, document.ReadRoles...)
	u, err := s.Store.UnitByID(ctx, unitID)
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	tab := qs.Get("tab")
	if _, ok := docTabs[tab]; !ok {
		tab = "incoming"
		if p.Can(unitID, auth.RoleLeader) {
			tab = "waiting"
		} else if !p.Can(unitID, auth.RoleClerk) {
			tab = "mine"
		}
	}
	today := s.Documents.Today()
	year, _ := strconv.Atoi(today[:4])
	q := document.Query{UnitID: unitID, Text: qs.Get("q"), Number: strings.TrimSpace(qs.Get("number")),
		TypeCode: qs.Get("type"), From: qs.Get("from"), To: qs.Get("to"), Limit: 100}
	switch tab {
	case "incoming", "waiting", "overdue":
		q.Direction = document.Incoming
	case "outgoing", "drafts":
		q.Direction = document.Outgoing
	case "mine":
		q.HandlerID = p.UserID
	}
	switch tab {
	case "waiting":
		q.Status = document.Registered
	case "drafts":
		q.Status = document.Draft
	case "overdue":
		q.Status = document.Directed
	}
	docs, total, err := s.Documents.List(ctx, p, q)
	if err != nil && apperr.KindOf(err) != apperr.Invalid {
		return err
	}
	v := s.view(r, "Văn bản đến, văn bản đi")
	v.Area, v.Nav = "office", "documents"
	if err != nil {
		v.Error = apperr.From(err).Message
	}
	v.Flash = s.sessions.PopString(ctx, "flash")
	rows := make([]docRow, 0, len(docs))
	for _, d := range docs {
		t, _ := document.TypeByCode(d.TypeCode)
		row := docRow{Document: d, TypeName: t.Name, Overdue: d.Overdue(today)}
		if tab == "overdue" && !row.Overdue {
			continue
		}
		rows = append(rows, row)
	}
	if tab == "overdue" {
		total = len(rows)
	}
	rq := "year=" + strconv.Itoa(year)
	v.Data = documentsView{Unit: u, Tab: tab, Query: q, QueryText: qs.Get("q"), Rows: rows, Total: total,
		Types: document.Types, Urgencies: document.Urgencies, IsClerk: p.Can(unitID, document.RegisterRoles...),
		CanDraft: p.Can(unitID, document.DraftRoles...), IsLeader: p.Can(unitID, document.DirectRoles...),
		Incoming: in, Outgoing: out, Today: today, Year: year, RegisterQS: rq, ReplyTo: qs.Get("reply_to")}
	return s.views.render(w, status, "documents", v)
}

func (s *Server) registerIncomingPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errPayForm
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	var at time.Time
	if v := r.PostForm.Get("received_at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, locale.Zone)
		if err != nil {
			return s.renderDocuments(w, r, http.StatusUnprocessableEntity, formFrom(r, document.ErrReceivedAt), docForm{})
		}
		at = t
	}
	d, err := s.Documents.RegisterIncoming(ctx, p, document.IncomingInput{UnitID: document.UnitFor(p, document.RegisterRoles...),
		Source: document.Paper, TypeCode: r.PostForm.Get("type_code"), Sender: r.PostForm.Get("sender"),
		NumberNotation: strings.TrimSpace(r.PostForm.Get("number_notation")), IssuedOn: r.PostForm.Get("issued_on"),
		Subject: r.PostForm.Get("subject"), Urgency: r.PostForm.Get("urgency"), ReceivedAt: at})
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			return s.renderDocuments(w, r, http.StatusUnprocessableEntity, formFrom(r, err), docForm{})
		}
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã vào sổ văn bản đến, số đến "+strconv.Itoa(d.ArrivalNumber)+".")
	http.Redirect(w, r, "/office/documents/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) draftOutgoingPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errPayForm
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	var recips []string
	for _, line := range strings.Split(r.PostForm.Get("recipients"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			recips = append(recips, line)
		}
	}
	var replyTo *int64
	if v := r.PostForm.Get("reply_to"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errDocPageID
		}
		replyTo = &id
	}
	d, err := s.Documents.CreateOutgoing(ctx, p, document.OutgoingInput{UnitID: document.UnitFor(p, document.DraftRoles...),
		TypeCode: r.PostForm.Get("type_code"), Subject: r.PostForm.Get("subject"),
		DraftingUnit: strings.TrimSpace(r.PostForm.Get("drafting_unit")), Urgency: r.PostForm.Get("urgency"),
		Recipients: recips, Confidential: r.PostForm.Get("confidential") == "on", Legal: r.PostForm.Get("legal") == "on",
		ReplyTo: replyTo})
	if err != nil {
		if apperr.KindOf(err) == apperr.Invalid {
			return s.renderDocuments(w, r, http.StatusUnprocessableEntity, docForm{}, formFrom(r, err))
		}
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã lưu dự thảo văn bản đi.")
	http.Redirect(w, r, "/office/documents/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
	return nil
}

type officialOption struct {
	ID   int64
	Name string
}

type documentView struct {
	Doc       document.Document
	TypeName  string
	Unit      unit.Unit
	IsClerk   bool
	IsLeader  bool
	IsHandler bool
	CanDraft  bool
	Overdue   bool
	Officials []officialOption
	Form      docForm
	Action    string
	Today     string
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDocument(w, r, http.StatusOK, "", docForm{})
}

func (s *Server) renderDocument(w http.ResponseWriter, r *http.Request, status int, action string, form docForm) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errDocPageID
	}
	d, err := s.Documents.Get(ctx, p, id)
	if err != nil {
		return err
	}
	u, err := s.Store.UnitByID(ctx, d.UnitID)
	if err != nil {
		return err
	}
	t, _ := document.TypeByCode(d.TypeCode)
	today := s.Documents.Today()
	dv := documentView{Doc: d, TypeName: t.Name, Unit: u, IsClerk: p.Can(d.UnitID, document.RegisterRoles...),
		IsLeader: p.Can(d.UnitID, document.DirectRoles...), IsHandler: d.HandlerID != nil && *d.HandlerID == p.UserID,
		CanDraft: p.Can(d.UnitID, document.DraftRoles...), Overdue: d.Overdue(today), Form: form, Action: action, Today: today}
	if dv.IsLeader && d.Direction == document.Incoming {
		users, _, err := s.Store.Users(ctx, d.UnitID, 200, 0)
		if err != nil {
			return err
		}
		for _, us := range users {
			for _, m := range us.Memberships {
				if m.UnitID == d.UnitID && (m.Role == auth.RoleSpecialist || m.Role == auth.RoleClerk || m.Role == auth.RoleLeader) && !us.Disabled {
					dv.Officials = append(dv.Officials, officialOption{us.ID, us.FullName})
					break
				}
			}
		}
	}
	title := "Văn bản đi"
	if d.Direction == document.Incoming {
		title = "Văn bản đến số " + strconv.Itoa(d.ArrivalNumber)
	}
	v := s.view(r, title)
	v.Area, v.Nav = "office", "documents"
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Data = dv
	return s.views.render(w, status, "document", v)
}

func (s *Server) documentActionPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errPayForm
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errDocPageID
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	action := r.PathValue("action")
	var d document.Document
	var msg string
	switch action {
	case "issue":
		// The page issues documents signed on paper; electronic ones come signed through
		// the API (signed_pdf).
		d, err = s.Documents.Issue(ctx, p, id, document.IssueInput{Paper: r.PostForm.Get("paper") == "on", Version: version})
		msg = "Đã cấp số và phát hành: " + d.NumberNotation + "."
	case "approve":
		d, err = s.Documents.Approve(ctx, p, id, version)
		msg = "Đã duyệt dự thảo."
	case "direct":
		handler, _ := strconv.ParseInt(r.PostForm.Get("handler_id"), 10, 64)
		days := 0
		if v := strings.TrimSpace(r.PostForm.Get("working_days")); v != "" {
			if days, err = strconv.Atoi(v); err != nil {
				err = document.ErrDeadline
				break
			}
		}
		d, err = s.Documents.Direct(ctx, p, id, document.DirectionInput{Version: version, HandlerID: handler,
			Supporting: r.PostForm.Get("supporting"), Instruction: r.PostForm.Get("instruction"),
			Deadline: r.PostForm.Get("deadline"), WorkingDays: days})
		msg = "Đã ghi ý kiến chỉ đạo."
	case "progress", "done":
		d, err = s.Documents.Report(ctx, p, id, version, r.PostForm.Get("progress"), action == "done")
		msg = "Đã cập nhật tiến độ."
	default:
		return errPayAction
	}
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			return s.renderDocument(w, r, http.StatusUnprocessableEntity, action, formFrom(r, err))
		}
		return err
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/office/documents/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
	return nil
}
