package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// Announcements (internal/announce, docs/BROADCAST.md): anyone lists a unit's published
// announcements valid today; the unit's leader and administrator write them, the leader
// publishes, either withdraws.
func announceRoutes(h handlers) []httpx.Route {
	if h.Announcements == nil {
		return nil
	}
	operators := httpx.OnlyRoles(auth.BroadcastRoles...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/announcements", Access: httpx.Anyone, Handler: h.announcements},
		{Pattern: "POST /api/v1/announcements", Access: operators, Handler: h.createAnnouncement},
		{Pattern: "POST /api/v1/announcements/{id}/actions/{action}", Access: operators, Handler: h.announcementAction},
		{Pattern: "POST /api/v1/announcements/{id}/attachments", Access: operators, Handler: h.attachAnnouncement},
	}
}

// AnnouncementDoc is an announcement as the API shows it.
type AnnouncementDoc struct {
	ID          int64           `json:"id"`
	Title       string          `json:"title"`
	Body        string          `json:"body"`
	ValidFrom   calendar.Date   `json:"valid_from"`
	ValidTo     calendar.Date   `json:"valid_to"`
	Villages    []int64         `json:"villages"` // empty: the whole commune
	Status      string          `json:"status"`
	PublishedAt *time.Time      `json:"published_at,omitempty"`
	Attachments []AttachmentDoc `json:"attachments"`
}

// AttachmentDoc is a file attached to an announcement; url downloads it (the portal's
// address: anyone while the announcement is published and valid, the unit's officials
// always).
type AttachmentDoc struct {
	N           int    `json:"n"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

func attachmentDoc(f announce.Attachment) AttachmentDoc {
	return AttachmentDoc{N: f.N, Name: f.Name, ContentType: f.ContentType, Size: f.Size,
		URL: "/thong-bao/" + strconv.FormatInt(f.AnnouncementID, 10) + "/tep/" + strconv.Itoa(f.N)}
}

func announcementDoc(a announce.Announcement) AnnouncementDoc {
	d := AnnouncementDoc{ID: a.ID, Title: a.Title, Body: a.Body, ValidFrom: a.ValidFrom, ValidTo: a.ValidTo, Villages: a.Villages,
		Status: string(a.Status)}
	if d.Villages == nil {
		d.Villages = []int64{}
	}
	d.Attachments = make([]AttachmentDoc, len(a.Attachments))
	for i, f := range a.Attachments {
		d.Attachments[i] = attachmentDoc(f)
	}
	if !a.PublishedAt.IsZero() {
		t := a.PublishedAt
		d.PublishedAt = &t
	}
	return d
}

// announcements lists a unit's announcements valid today (?unit=CODE; the portal's unit
// without it), the latest first; with ?village=ID, the commune's and that village's.
func (h handlers) announcements(w http.ResponseWriter, r *http.Request) error {
	unitID := h.HomeUnitID
	if code := strings.TrimSpace(r.URL.Query().Get("unit")); code != "" {
		if len(code) > 32 {
			return apperr.Invalidf("invalid_unit", "Mã đơn vị không hợp lệ.")
		}
		u, err := h.Store.UnitByCode(r.Context(), code)
		if err != nil {
			return err
		}
		unitID = u.ID
	}
	var village int64
	if v := r.URL.Query().Get("village"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.Invalidf("invalid_village", "Mã thôn, xóm phải là số nguyên dương.")
		}
		village = id
	}
	as, err := h.Announcements.ForVillage(r.Context(), unitID, village, 100)
	if err != nil {
		return err
	}
	items := make([]AnnouncementDoc, len(as))
	for i, a := range as {
		items[i] = announcementDoc(a)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[AnnouncementDoc]{Items: items, Total: len(items)})
}

var errAnnouncementDate = apperr.New(apperr.Invalid, "announcement_dates_invalid", announce.ErrDates.Message)

func (h handlers) createAnnouncement(w http.ResponseWriter, r *http.Request) error {
	var raw struct {
		Unit      string  `json:"unit"`
		Title     string  `json:"title"`
		Body      string  `json:"body"`
		ValidFrom string  `json:"valid_from"`
		ValidTo   string  `json:"valid_to"`
		Villages  []int64 `json:"villages"`
	}
	// 10,000 letters written as \u escapes take 60 KB.
	if err := httpx.DecodeJSON(w, r, &raw, 128<<10); err != nil {
		return err
	}
	from, err1 := calendar.ParseDate(raw.ValidFrom)
	to, err2 := calendar.ParseDate(raw.ValidTo)
	if err1 != nil || err2 != nil {
		return errAnnouncementDate
	}
	unitID, err := h.operatorUnit(r, raw.Unit)
	if err != nil {
		return err
	}
	a, err := h.Announcements.Create(r.Context(), auth.PrincipalFrom(r.Context()), unitID, announce.Draft{Title: raw.Title, Body: raw.Body,
		ValidFrom: from, ValidTo: to, Villages: raw.Villages})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, announcementDoc(a))
}

func (h handlers) announcementAction(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return announce.ErrNotFound
	}
	p := auth.PrincipalFrom(r.Context())
	var a announce.Announcement
	switch r.PathValue("action") {
	case "publish":
		a, err = h.Announcements.Publish(r.Context(), p, id)
	case "withdraw":
		a, err = h.Announcements.Withdraw(r.Context(), p, id)
	default:
		return apperr.New(apperr.NotFound, "unknown_action", "Không có thao tác này với thông báo.")
	}
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, announcementDoc(a))
}

// attachAnnouncement attaches a file to a draft: multipart/form-data with the part file
// (PDF, JPEG or PNG, checked from its bytes as it comes; at most 10 MB and five files).
func (h handlers) attachAnnouncement(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return announce.ErrNotFound
	}
	up, err := httpx.ReadUpload(w, r, announce.MaxAttachmentBytes)
	if err != nil {
		return err
	}
	f, err := h.Announcements.Attach(r.Context(), auth.PrincipalFrom(r.Context()), id, up.FileName, up.File)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, attachmentDoc(f))
}
