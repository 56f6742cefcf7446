package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Announcements (thông báo, docs/BROADCAST.md): the officers' page /office/thong-bao
// (write, publish, withdraw, read aloud on the loudspeakers) and the portal's list
// /thong-bao, one page per announcement and the latest three on the home page. Everything
// goes through announce.Service, as the API does.

// homeAnnouncements is how many announcements the home page shows.
const homeAnnouncements = 3

func (s *Server) announceRoutes() []httpx.Route {
	if s.Announcements == nil {
		return nil
	}
	op := httpx.OnlyRoles(broadcastRoles...)
	return []httpx.Route{
		{Pattern: "GET /thong-bao", Access: httpx.Anyone, Handler: s.announcementsPage},
		{Pattern: "GET /thong-bao/{id}", Access: httpx.Anyone, Handler: s.announcementPage},
		{Pattern: "GET /thong-bao/{id}/tep/{n}", Access: httpx.Anyone, Handler: s.announcementFile},
		{Pattern: "GET /office/thong-bao", Access: op, Handler: s.officeAnnouncements},
		{Pattern: "POST /office/thong-bao", Access: op, Handler: s.createAnnouncement},
		{Pattern: "POST /office/thong-bao/{id}/doc-tren-loa", Access: op, Handler: s.readAnnouncement},
		{Pattern: "POST /office/thong-bao/{id}/tep", Access: op, Handler: s.attachAnnouncement},
		{Pattern: "POST /office/thong-bao/{id}/{action}", Access: op, Handler: s.announcementAction},
	}
}

// announcementView is an announcement as pages show it.
type announcementView struct {
	ID                        int64
	Title, Body, Valid, Where string
	Status, Published         string
	Paragraphs                []string
	Draft, Active             bool
	Files                     []announcementFileView
	CanAttach                 bool // a draft with room for another file
}

// announcementFileView is an attached file: its link, name, kind and size.
type announcementFileView struct {
	URL, Name, Kind, Size string
}

func (s *Server) announcementView(a announce.Announcement, villages []unit.Village) announcementView {
	where := "Toàn xã"
	if len(a.Villages) > 0 {
		var names []string
		for _, id := range a.Villages {
			for _, v := range villages {
				if v.ID == id {
					names = append(names, v.Name)
				}
			}
		}
		where = strings.Join(names, ", ")
	}
	v := announcementView{ID: a.ID, Title: a.Title, Body: a.Body, Where: where, Status: a.Status.Label(),
		Valid: "Từ " + locale.Day(a.ValidFrom.Time()) + " đến " + locale.Day(a.ValidTo.Time()),
		Draft: a.Status == announce.StatusDraft, Active: a.Status != announce.StatusWithdrawn}
	if !a.PublishedAt.IsZero() {
		v.Published = locale.Day(a.PublishedAt)
	}
	for _, f := range a.Attachments {
		kind := "PDF"
		if attach.IsImage(f.ContentType) {
			kind = "ảnh"
		}
		v.Files = append(v.Files, announcementFileView{URL: fmt.Sprintf("/thong-bao/%d/tep/%d", a.ID, f.N), Name: f.Name, Kind: kind, Size: byteSize(f.Size)})
	}
	v.CanAttach = v.Draft && len(a.Attachments) < announce.MaxAttachments
	for p := range strings.SplitSeq(strings.ReplaceAll(a.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			v.Paragraphs = append(v.Paragraphs, p)
		}
	}
	return v
}

// currentAnnouncements is what the portal shows: the home unit's announcements valid
// today, the latest first; for a village (non-zero), the commune's and that village's.
func (s *Server) currentAnnouncements(r *http.Request, village int64, limit int) ([]announcementView, error) {
	if s.Announcements == nil {
		return nil, nil
	}
	as, err := s.Announcements.ForVillage(r.Context(), s.HomeUnitID, village, limit)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	villages, err := s.Store.Villages(r.Context(), s.HomeUnitID)
	if err != nil {
		return nil, err
	}
	out := make([]announcementView, len(as))
	for i, a := range as {
		out[i] = s.announcementView(a, villages)
	}
	return out, nil
}

type announcementsPage struct {
	Unit          unit.Unit
	Announcements []announcementView
	One           announcementView
	Villages      []unit.Village
	Village       int64 // the village chosen (?thon=ID); 0: all
}

func (s *Server) announcementsPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.Store.UnitByID(r.Context(), s.HomeUnitID)
	if err != nil {
		return err
	}
	page := announcementsPage{Unit: u}
	if page.Villages, err = s.Store.Villages(r.Context(), u.ID); err != nil {
		return err
	}
	// A village not of this commune, or no number, is the whole commune's list.
	if id, err := strconv.ParseInt(r.URL.Query().Get("thon"), 10, 64); err == nil &&
		slices.ContainsFunc(page.Villages, func(v unit.Village) bool { return v.ID == id }) {
		page.Village = id
	}
	if page.Announcements, err = s.currentAnnouncements(r, page.Village, 100); err != nil {
		return err
	}
	v := s.view(r, "Thông báo")
	v.Data = page
	return s.views.render(w, http.StatusOK, "announcements", v)
}

func (s *Server) announcementPage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return announce.ErrNotFound
	}
	a, err := s.Announcements.Public(r.Context(), id)
	if err != nil {
		return err
	}
	if a.UnitID != s.HomeUnitID {
		return announce.ErrNotFound
	}
	u, err := s.Store.UnitByID(r.Context(), s.HomeUnitID)
	if err != nil {
		return err
	}
	villages, err := s.Store.Villages(r.Context(), a.UnitID)
	if err != nil {
		return err
	}
	v := s.view(r, a.Title)
	v.Data = announcementsPage{Unit: u, One: s.announcementView(a, villages)}
	return s.views.render(w, http.StatusOK, "announcement", v)
}

type officeAnnouncementsPage struct {
	Unit          unit.Unit
	Announcements []announcementView
	Villages      []unit.Village
	Clusters      []broadcast.Cluster
	CanPublish    bool
	Form          broadcastForm
}

func (s *Server) officeAnnouncements(w http.ResponseWriter, r *http.Request) error {
	return s.renderAnnouncements(w, r, http.StatusOK, broadcastForm{})
}

func (s *Server) renderAnnouncements(w http.ResponseWriter, r *http.Request, status int, form broadcastForm) error {
	ctx := r.Context()
	u, err := s.broadcastUnit(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	page := officeAnnouncementsPage{Unit: u, CanPublish: p.Can(u.ID, auth.RoleLeader), Form: form}
	if page.Villages, err = s.Store.Villages(ctx, u.ID); err != nil {
		return err
	}
	if s.Broadcast != nil {
		if page.Clusters, err = s.Store.Clusters(ctx, u.ID); err != nil {
			return err
		}
	}
	all, err := s.Announcements.List(ctx, p, u.ID)
	if err != nil {
		return err
	}
	for _, a := range all {
		page.Announcements = append(page.Announcements, s.announcementView(a, page.Villages))
	}
	if page.Form.Values == nil {
		today := s.Announcements.Today()
		page.Form.Values = map[string]string{"from": today.String(), "to": today.AddDays(6).String()}
	}
	v := s.view(r, "Thông báo")
	v.Area, v.Nav, v.Data = "office", "announcements", page
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "office_announcements", v)
}

func (s *Server) createAnnouncement(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.broadcastUnit(r)
	if err != nil {
		return err
	}
	// 10,000 Vietnamese letters percent-encoded take up to 90 KB.
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return errBroadcastForm
	}
	form := broadcastForm{Values: map[string]string{}}
	for _, k := range []string{"title", "body", "from", "to"} {
		form.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var villages []int64
	for _, c := range r.PostForm["village"] {
		if id, err := strconv.ParseInt(c, 10, 64); err == nil {
			villages = append(villages, id)
			form.Values["village-"+c] = "on"
		}
	}
	// An unreadable date is left zero: the service refuses it with its message.
	from, _ := calendar.ParseDate(form.Values["from"])
	to, _ := calendar.ParseDate(form.Values["to"])
	a, err := s.Announcements.Create(ctx, auth.PrincipalFrom(ctx), u.ID, announce.Draft{Title: form.Values["title"], Body: form.Values["body"],
		ValidFrom: from, ValidTo: to, Villages: villages})
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.Invalid {
		form.Error = ae.Message
		return s.renderAnnouncements(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã lưu thông báo «"+a.Title+"»; thông báo lên cổng khi lãnh đạo duyệt đăng.")
	http.Redirect(w, r, "/office/thong-bao", http.StatusSeeOther)
	return nil
}

func (s *Server) announcementAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return announce.ErrNotFound
	}
	p := auth.PrincipalFrom(ctx)
	var a announce.Announcement
	var done string
	switch r.PathValue("action") {
	case "dang":
		a, err = s.Announcements.Publish(ctx, p, id)
		done = "Đã đăng thông báo «%s» lên cổng thông tin."
	case "go":
		a, err = s.Announcements.Withdraw(ctx, p, id)
		done = "Đã gỡ thông báo «%s»."
	default:
		return errNoPage
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.Conflict {
		s.sessions.Put(ctx, "flash", ae.Message)
		http.Redirect(w, r, "/office/thong-bao", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf(done, a.Title))
	http.Redirect(w, r, "/office/thong-bao", http.StatusSeeOther)
	return nil
}

// readAnnouncement makes a bulletin draft of the announcement's text on the clusters
// chosen, once at the moment given; the leader approves it on the loudspeakers' page.
func (s *Server) readAnnouncement(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return announce.ErrNotFound
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBroadcastForm
	}
	var clusters []int64
	for _, c := range r.PostForm["cluster"] {
		if cid, err := strconv.ParseInt(c, 10, 64); err == nil {
			clusters = append(clusters, cid)
		}
	}
	sch, err := scheduleFromForm(map[string]string{"kind": "once", "at": strings.TrimSpace(r.PostFormValue("at"))})
	if err == nil {
		_, err = s.Announcements.ReadAloud(ctx, auth.PrincipalFrom(ctx), id, clusters, sch)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Kind == apperr.Invalid || ae.Kind == apperr.Conflict || ae.Kind == apperr.Unavailable) {
		return s.renderAnnouncements(w, r, http.StatusUnprocessableEntity, broadcastForm{Error: "Chưa tạo được bản tin đọc trên loa: " + ae.Message})
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã tạo bản tin đọc thông báo trên loa; bản tin phát khi lãnh đạo duyệt ở trang Truyền thanh.")
	http.Redirect(w, r, "/office/thong-bao", http.StatusSeeOther)
	return nil
}

// attachAnnouncement attaches a file (PDF, JPEG, PNG; checked from its bytes as it comes,
// httpx.ReadUpload) to a draft from the officers' page; a refused file is explained there.
func (s *Server) attachAnnouncement(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return announce.ErrNotFound
	}
	up, err := httpx.ReadUpload(w, r, announce.MaxAttachmentBytes)
	var f announce.Attachment
	if err == nil {
		f, err = s.Announcements.Attach(ctx, auth.PrincipalFrom(ctx), id, up.FileName, up.File)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Kind == apperr.Invalid || ae.Kind == apperr.Conflict || ae.Kind == apperr.Unavailable) {
		return s.renderAnnouncements(w, r, http.StatusUnprocessableEntity, broadcastForm{Error: "Chưa đính kèm được tệp: " + ae.Message})
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã đính kèm tệp «"+f.Name+"».")
	http.Redirect(w, r, "/office/thong-bao", http.StatusSeeOther)
	return nil
}

// announcementFile sends an attached file: anyone while the announcement is published
// and valid, the unit's officials always (announce.Service.Visible); else 404.
func (s *Server) announcementFile(w http.ResponseWriter, r *http.Request) error {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	n, err2 := strconv.Atoi(r.PathValue("n"))
	if err1 != nil || err2 != nil {
		return announce.ErrAttachmentNotFound
	}
	f, rc, err := s.Announcements.OpenAttachment(r.Context(), auth.PrincipalFrom(r.Context()), id, n)
	if err != nil {
		return err
	}
	defer rc.Close()
	httpx.ServeFile(w, r, rc, httpx.FileMeta{Name: f.Name, ContentType: f.ContentType, ETag: `"` + f.BlobKey + `"`,
		Inline: true, Modified: f.CreatedAt})
	return nil
}
