package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/mail"
)

// The official mailbox (hộp thư công vụ, issue 19): the messages fetched by IMAP that the
// clerk registers as incoming documents with one click, or dismisses. Only the unit's
// clerk: registering is hers (Decree 30 Art. 22).
func (s *Server) mailPageRoutes() []httpx.Route {
	clerk := httpx.OnlyRoles(document.RegisterRoles...)
	return []httpx.Route{
		{Pattern: "GET /office/mail", Access: clerk, Handler: s.mailboxPage},
		{Pattern: "GET /office/mail/{id}", Access: clerk, Handler: s.mailMessagePage},
		{Pattern: "GET /office/mail/{id}/files/{n}", Access: clerk, Handler: s.mailFile},
		{Pattern: "POST /office/mail/{id}/register", Access: clerk, Handler: s.mailRegisterPage},
		{Pattern: "POST /office/mail/{id}/dismiss", Access: clerk, Handler: s.mailDismissPage},
	}
}

var errMailPage = apperr.New(apperr.NotFound, "mail_not_found", "Không tìm thấy thư trong hộp thư công vụ.")

// mailTabs are the lists by state, in their order on the page.
var mailTabs = []struct{ State, Label string }{
	{mail.StateNew, "Chưa vào sổ"},
	{mail.StateRegistered, "Đã vào sổ"},
	{mail.StateDismissed, "Đã bỏ qua"},
	{mail.StateTooLarge, "Thư quá lớn"},
	{mail.StateUnreadable, "Không đọc được"},
}

type mailboxView struct {
	Tabs  []struct{ State, Label string }
	State string
	Label string
	Items []mail.Item
	Total int
	Page  int
	More  bool
}

func (s *Server) mailboxPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	unitID := document.UnitFor(auth.PrincipalFrom(ctx), document.RegisterRoles...)
	state, label := mail.StateNew, mailTabs[0].Label
	for _, t := range mailTabs {
		if t.State == r.URL.Query().Get("state") {
			state, label = t.State, t.Label
		}
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	const per = 50
	items, total, err := s.Mail.List(ctx, unitID, state, per, (page-1)*per)
	if err != nil {
		return err
	}
	v := s.view(r, "Hộp thư công vụ")
	v.Area, v.Nav = "office", "mail"
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Error = s.sessions.PopString(ctx, "mail_error")
	v.Data = mailboxView{Tabs: mailTabs, State: state, Label: label, Items: items, Total: total, Page: page, More: page*per < total}
	return s.views.render(w, http.StatusOK, "mail", v)
}

type mailMessageView struct {
	Item        mail.Item
	Parsed      *mail.Parsed
	ParseError  string
	Attachments []mailAttachment
	StateLabel  string
}

type mailAttachment struct {
	N    int
	Name string
	Size int64
}

func (s *Server) mailItem(r *http.Request) (mail.Item, int64, error) {
	ctx := r.Context()
	unitID := document.UnitFor(auth.PrincipalFrom(ctx), document.RegisterRoles...)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return mail.Item{}, 0, errMailPage
	}
	it, err := s.Mail.Store.MailItem(ctx, unitID, id)
	if apperr.KindOf(err) == apperr.NotFound {
		return it, 0, errMailPage
	}
	return it, unitID, err
}

func (s *Server) mailMessagePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMailMessage(w, r, http.StatusOK, "")
}

func (s *Server) renderMailMessage(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	it, _, err := s.mailItem(r)
	if err != nil {
		return err
	}
	mv := mailMessageView{Item: it}
	for _, t := range mailTabs {
		if t.State == it.State {
			mv.StateLabel = t.Label
		}
	}
	if it.Raw != nil {
		p, err := s.Mail.Limits.Parse(it.Raw)
		if err != nil {
			mv.ParseError = apperr.From(err).Message
		} else {
			mv.Parsed = p
			for _, a := range p.Attachments {
				mv.Attachments = append(mv.Attachments, mailAttachment{len(mv.Attachments) + 1, a.Name, int64(len(a.Data))})
			}
		}
	}
	v := s.view(r, "Thư: "+it.Subject)
	v.Area, v.Nav = "office", "mail"
	v.Error = msg
	v.Data = mv
	return s.views.render(w, status, "mail_message", v)
}

// mailFile downloads a message's attachment n (from 1), so the clerk reads the document
// before registering it: always as a download, typed as a PDF only when it is one.
func (s *Server) mailFile(w http.ResponseWriter, r *http.Request) error {
	it, _, err := s.mailItem(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || it.Raw == nil {
		return errMailPage
	}
	p, err := s.Mail.Limits.Parse(it.Raw)
	if err != nil || n < 1 || n > len(p.Attachments) {
		return errMailPage
	}
	a := p.Attachments[n-1]
	name := httpx.CleanName(a.Name)
	if name == "" {
		name = "tep-" + strconv.Itoa(n)
	}
	ct := "application/octet-stream"
	if http.DetectContentType(a.Data) == "application/pdf" {
		ct = "application/pdf"
	}
	sum := sha256.Sum256(a.Data)
	httpx.ServeFile(w, r, bytes.NewReader(a.Data), httpx.FileMeta{Name: name, ContentType: ct,
		ETag: `"` + hex.EncodeToString(sum[:16]) + `"`, Modified: it.FetchedAt})
	return nil
}

// documentFile downloads an incoming document's file n, named by its arrival number
// ("van-ban-den-7-1.pdf"), as a download, typed as a PDF only when it is one.
func (s *Server) documentFile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errDocPageID
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return document.ErrNoFile
	}
	p := auth.PrincipalFrom(ctx)
	d, err := s.Documents.Get(ctx, p, id)
	if err != nil {
		return err
	}
	f, err := s.Documents.File(ctx, p, id, n)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 512)
	k, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	name, ct := "van-ban-den-"+strconv.Itoa(d.ArrivalNumber)+"-"+strconv.Itoa(n), "application/octet-stream"
	if http.DetectContentType(head[:k]) == "application/pdf" {
		name, ct = name+".pdf", "application/pdf"
	}
	key := d.Attachments[n-1]
	httpx.ServeFile(w, r, f, httpx.FileMeta{Name: name, ContentType: ct, ETag: `"` + key + `"`, Modified: d.CreatedAt})
	return nil
}

// mailRegisterPage registers a message with one click and shows its arrival number.
func (s *Server) mailRegisterPage(w http.ResponseWriter, r *http.Request) error {
	it, unitID, err := s.mailItem(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	n, err := s.Mail.Register(ctx, unitID, it.ID)
	if err != nil {
		switch apperr.KindOf(err) {
		case apperr.Invalid:
			return s.renderMailMessage(w, r, http.StatusUnprocessableEntity, apperr.From(err).Message)
		case apperr.Conflict:
			return s.renderMailMessage(w, r, http.StatusConflict, apperr.From(err).Message)
		}
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã vào sổ văn bản đến, số đến "+strconv.Itoa(n)+".")
	http.Redirect(w, r, "/office/mail", http.StatusSeeOther)
	return nil
}

func (s *Server) mailDismissPage(w http.ResponseWriter, r *http.Request) error {
	it, unitID, err := s.mailItem(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.Mail.Dismiss(ctx, unitID, it.ID); err != nil {
		if apperr.KindOf(err) == apperr.Conflict {
			return s.renderMailMessage(w, r, http.StatusConflict, apperr.From(err).Message)
		}
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã bỏ qua thư.")
	http.Redirect(w, r, "/office/mail", http.StatusSeeOther)
	return nil
}
