// Package announce runs the commune's announcements (thông báo, issue 22,
// docs/BROADCAST.md): written once by the unit's leader or administrator, with the days
// they are valid and, optionally, the villages they concern (none: the whole commune),
// published by the leader, withdrawn; shown on the portal while valid, and read aloud on
// the loudspeakers as a bulletin draft through broadcast.Service.
package announce

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Status is an announcement's state.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusWithdrawn Status = "withdrawn"
)

// Label is the status on screen.
func (s Status) Label() string {
	switch s {
	case StatusPublished:
		return "Đã đăng"
	case StatusWithdrawn:
		return "Đã gỡ"
	}
	return "Chờ lãnh đạo duyệt đăng"
}

// Announcement is a stored announcement.
type Announcement struct {
	ID, UnitID  int64
	Title, Body string
	// ValidFrom and ValidTo are the first and last days it is shown (inclusive).
	ValidFrom, ValidTo calendar.Date
	Villages           []int64 // none: the whole commune
	Status             Status
	CreatedBy          int64
	PublishedBy        int64
	CreatedAt          time.Time
	PublishedAt        time.Time
	Version            int
	Attachments        []Attachment // by N
}

// Attachment is a file attached to an announcement: a PDF, JPEG or PNG checked from its
// bytes (internal/attach), kept in the blob store.
type Attachment struct {
	AnnouncementID int64
	N              int // from 1 within the announcement
	Name           string
	ContentType    string
	Size           int64
	BlobKey        string
	CreatedBy      int64
	CreatedAt      time.Time
}

// ValidOn says whether the announcement is shown on day d.
func (a Announcement) ValidOn(d calendar.Date) bool {
	return a.Status == StatusPublished && a.ValidFrom.Compare(d) <= 0 && d.Compare(a.ValidTo) <= 0
}

// Store is what announcements need from storage; every change is one transaction with
// its audit record.
type Store interface {
	CreateAnnouncement(ctx context.Context, a Announcement) (Announcement, error)
	Announcement(ctx context.Context, id int64) (Announcement, error)
	// Announcements lists a unit's announcements, the latest first (at most 500).
	Announcements(ctx context.Context, unitID int64) ([]Announcement, error)
	// CurrentAnnouncements lists a unit's published announcements valid on day, the
	// latest published first, at most limit; for a village (non-zero) only those for the
	// whole commune or for that village.
	CurrentAnnouncements(ctx context.Context, unitID int64, day calendar.Date, village int64, limit int) ([]Announcement, error)
	// SaveAnnouncement stores after if the row is still at before's version (else
	// ErrChanged), with the audit record of action.
	SaveAnnouncement(ctx context.Context, before, after Announcement, action string) (Announcement, error)
	// PublishAnnouncement is SaveAnnouncement of a publication that, in the same
	// transaction, owes owed to every citizen subscribed to the announcement's commune or
	// to one of its villages (docs/NOTIFY.md): one outbox row each, filled in with the
	// citizen's account and contacts, dedup key owed.DedupKey + "<user id>" — one
	// INSERT … SELECT, not a round trip per subscriber.
	PublishAnnouncement(ctx context.Context, before, after Announcement, owed notify.Message) (Announcement, error)
	Villages(ctx context.Context, unitID int64) ([]unit.Village, error)
	// AddAnnouncementAttachment numbers and stores an attachment of a draft with its
	// audit record, in one transaction: ErrAttachments when the announcement already has
	// max of them, ErrState when it is no longer a draft.
	AddAnnouncementAttachment(ctx context.Context, unitID int64, f Attachment, max int) (Attachment, error)
}

// Blobs keeps the attachments' bytes (internal/blob).
type Blobs interface {
	Put(ctx context.Context, r io.Reader, limit int64) (key string, size int64, err error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
}

// Bulletins makes a loudspeaker bulletin (broadcast.Service).
type Bulletins interface {
	CreateBulletin(ctx context.Context, p *auth.Principal, unitID int64, d broadcast.Draft) (broadcast.Record, error)
}

// Service runs announcements.
type Service struct {
	Store     Store
	Bulletins Bulletins // nil: announcements are not read aloud
	Blobs     Blobs     // nil: no attachments (ErrNoFiles)
	Now       func() time.Time
	// BaseURL is the portal's public address, for the link in the subscribers' messages
	// ("": the path alone).
	BaseURL string
}

// Errors, with stable codes.
var (
	ErrForbidden   = apperr.New(apperr.Forbidden, "announcement_forbidden", "Bạn không có quyền với thông báo của đơn vị này.")
	ErrNotFound    = apperr.New(apperr.NotFound, "announcement_not_found", "Không tìm thấy thông báo.")
	ErrChanged     = apperr.New(apperr.Conflict, "announcement_changed", "Thông báo vừa được người khác thay đổi; vui lòng tải lại trang.")
	ErrState       = apperr.New(apperr.Conflict, "announcement_state", "Thông báo không ở trạng thái cho phép thao tác này.")
	ErrTitle       = apperr.New(apperr.Invalid, "announcement_title_invalid", "Tiêu đề thông báo cần từ 1 đến 200 ký tự.")
	ErrBody        = apperr.New(apperr.Invalid, "announcement_body_invalid", "Nội dung thông báo cần từ 1 đến 10.000 ký tự.")
	ErrDates       = apperr.New(apperr.Invalid, "announcement_dates_invalid", "Ngày hiệu lực không hợp lệ: cần ngày bắt đầu, ngày kết thúc không trước ngày bắt đầu, hiệu lực tối đa một năm.")
	ErrVillage     = apperr.New(apperr.Invalid, "announcement_village_invalid", "Thôn, xóm được chọn không thuộc đơn vị.")
	ErrNoSpeaker   = apperr.New(apperr.Unavailable, "announcement_no_speakers", "Hệ thống truyền thanh chưa sẵn sàng.")
	ErrNoFiles     = apperr.New(apperr.Unavailable, "announcement_files_unavailable", "Chưa đính kèm tệp được: kho lưu tệp chưa sẵn sàng.")
	ErrAttachments = apperr.New(apperr.Invalid, "announcement_attachments_full",
		"Mỗi thông báo đính kèm tối đa 5 tệp.")
	ErrAttachmentState = apperr.New(apperr.Conflict, "announcement_attachment_state",
		"Chỉ đính kèm tệp khi thông báo đang chờ duyệt đăng; thông báo đã đăng hoặc đã gỡ không thêm tệp được.")
	ErrAttachmentNotFound = apperr.New(apperr.NotFound, "announcement_attachment_not_found", "Không tìm thấy tệp đính kèm.")
)

// Limits.
const (
	MaxTitle    = 200
	MaxBody     = 10000
	MaxDays     = 366
	maxVillages = 200
	// MaxAttachments and MaxAttachmentBytes bound an announcement's files: at most five,
	// each at most 10 MB (attach.DefaultLimit).
	MaxAttachments     = 5
	MaxAttachmentBytes = attach.DefaultLimit
)

// Who writes (the same as bulletins) and who publishes.
var (
	writers    = auth.BroadcastRoles
	publishers = []auth.Role{auth.RoleLeader}
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today is the day the portal shows announcements for.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now()) }

// Draft is an announcement as an officer writes it.
type Draft struct {
	Title, Body        string
	ValidFrom, ValidTo calendar.Date
	Villages           []int64
}

// Create checks and stores a draft, waiting for the leader to publish it.
func (s *Service) Create(ctx context.Context, p *auth.Principal, unitID int64, d Draft) (Announcement, error) {
	if !p.Can(unitID, writers...) {
		return Announcement{}, ErrForbidden
	}
	d.Title, d.Body = strings.TrimSpace(d.Title), strings.TrimSpace(d.Body)
	if d.Title == "" || utf8.RuneCountInString(d.Title) > MaxTitle || !utf8.ValidString(d.Title) {
		return Announcement{}, ErrTitle
	}
	if d.Body == "" || utf8.RuneCountInString(d.Body) > MaxBody || !utf8.ValidString(d.Body) {
		return Announcement{}, ErrBody
	}
	if d.ValidFrom.IsZero() || d.ValidTo.IsZero() || !d.ValidFrom.IsValid() || !d.ValidTo.IsValid() ||
		d.ValidTo.Compare(d.ValidFrom) < 0 || d.ValidTo.Sub(d.ValidFrom) >= MaxDays {
		return Announcement{}, ErrDates
	}
	villages := slices.Compact(slices.Sorted(slices.Values(d.Villages)))
	if len(villages) > maxVillages {
		return Announcement{}, ErrVillage
	}
	if len(villages) > 0 {
		own, err := s.Store.Villages(ctx, unitID)
		if err != nil {
			return Announcement{}, err
		}
		for _, v := range villages {
			if !slices.ContainsFunc(own, func(o unit.Village) bool { return o.ID == v }) {
				return Announcement{}, ErrVillage
			}
		}
	}
	return s.Store.CreateAnnouncement(ctx, Announcement{UnitID: unitID, Title: d.Title, Body: d.Body, ValidFrom: d.ValidFrom,
		ValidTo: d.ValidTo, Villages: villages, Status: StatusDraft, CreatedBy: p.UserID, CreatedAt: s.now().UTC()})
}

// Publish puts a draft on the portal: the unit's leader only.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id int64) (Announcement, error) {
	a, err := s.Store.Announcement(ctx, id)
	if err != nil {
		return a, err
	}
	if !p.Can(a.UnitID, publishers...) {
		return Announcement{}, ErrForbidden
	}
	if a.Status != StatusDraft {
		return a, ErrState
	}
	after := a
	after.Status, after.PublishedBy, after.PublishedAt = StatusPublished, p.UserID, s.now().UTC()
	return s.Store.PublishAnnouncement(ctx, a, after, s.owed(after))
}

// owed is the message each subscriber is owed for a published announcement: its title
// and link (/thong-bao/{id}), going down the citizen's ladder (push first).
func (s *Service) owed(a Announcement) notify.Message {
	link := strings.TrimSuffix(s.BaseURL, "/") + "/thong-bao/" + strconv.FormatInt(a.ID, 10)
	ref := "announcement:" + strconv.FormatInt(a.ID, 10)
	return notify.Message{UnitID: a.UnitID, Kind: notify.KindAnnouncement, Ref: ref, DedupKey: ref + ":user:",
		Subject: "Thông báo: " + a.Title,
		Body:    a.Title + "\n\nXem toàn văn thông báo: " + link + "\n\nÔng/bà nhận thư này vì đã đăng ký nhận thông báo của xã trên cổng dịch vụ công; có thể tắt tại trang Nhận thông báo của tài khoản.",
		Data:    map[string]string{"tieu_de": a.Title, "duong_dan": link}}
}

// Withdraw takes a draft or a published announcement off.
func (s *Service) Withdraw(ctx context.Context, p *auth.Principal, id int64) (Announcement, error) {
	a, err := s.Store.Announcement(ctx, id)
	if err != nil {
		return a, err
	}
	if !p.Can(a.UnitID, writers...) {
		return Announcement{}, ErrForbidden
	}
	if a.Status == StatusWithdrawn {
		return a, ErrState
	}
	after := a
	after.Status = StatusWithdrawn
	return s.Store.SaveAnnouncement(ctx, a, after, "announcement.withdraw")
}

// List is a unit's announcements for its officers.
func (s *Service) List(ctx context.Context, p *auth.Principal, unitID int64) ([]Announcement, error) {
	if !p.Can(unitID, writers...) {
		return nil, ErrForbidden
	}
	return s.Store.Announcements(ctx, unitID)
}

// Current is what the public sees: a unit's published announcements valid today, the
// latest first, at most limit (1–100).
func (s *Service) Current(ctx context.Context, unitID int64, limit int) ([]Announcement, error) {
	return s.ForVillage(ctx, unitID, 0, limit)
}

// ForVillage is Current for the people of one village (0: all of them): the
// announcements for the whole commune and those for that village.
func (s *Service) ForVillage(ctx context.Context, unitID, village int64, limit int) ([]Announcement, error) {
	limit = min(max(limit, 1), 100)
	return s.Store.CurrentAnnouncements(ctx, unitID, s.Today(), max(village, 0), limit)
}

// Public is one announcement as the public sees it: published and valid today, else
// ErrNotFound.
func (s *Service) Public(ctx context.Context, id int64) (Announcement, error) {
	a, err := s.Store.Announcement(ctx, id)
	if err != nil {
		return Announcement{}, err
	}
	if !a.ValidOn(s.Today()) {
		return Announcement{}, ErrNotFound
	}
	return a, nil
}

// ReadAloud makes a loudspeaker bulletin draft of an announcement's text (the voice
// reads its title and body) on the clusters at the schedule; the leader approves it on
// the loudspeakers' page as any bulletin.
func (s *Service) ReadAloud(ctx context.Context, p *auth.Principal, id int64, clusters []int64, sch broadcast.Schedule) (broadcast.Record, error) {
	a, err := s.Store.Announcement(ctx, id)
	if err != nil {
		return broadcast.Record{}, err
	}
	if !p.Can(a.UnitID, writers...) {
		return broadcast.Record{}, ErrForbidden
	}
	if a.Status == StatusWithdrawn {
		return broadcast.Record{}, ErrState
	}
	if s.Bulletins == nil {
		return broadcast.Record{}, ErrNoSpeaker
	}
	return s.Bulletins.CreateBulletin(ctx, p, a.UnitID, broadcast.Draft{Title: a.Title, Text: a.Body, Priority: broadcast.Normal,
		Clusters: clusters, Schedule: sch})
}

// Attach adds a checked file (attach.Check) to a draft: a writer of its unit; at most
// MaxAttachments files of MaxAttachmentBytes each. The name is the client's, cleaned
// (attach.SafeName); the type is the one read from the bytes.
func (s *Service) Attach(ctx context.Context, p *auth.Principal, id int64, name string, f attach.File) (Attachment, error) {
	a, err := s.Store.Announcement(ctx, id)
	if err != nil {
		return Attachment{}, err
	}
	if !p.Can(a.UnitID, writers...) {
		return Attachment{}, ErrForbidden
	}
	if a.Status != StatusDraft {
		return Attachment{}, ErrAttachmentState
	}
	if len(a.Attachments) >= MaxAttachments {
		return Attachment{}, ErrAttachments
	}
	if len(f.Data) == 0 || len(f.Data) > MaxAttachmentBytes {
		return Attachment{}, attach.ErrTooLarge
	}
	if s.Blobs == nil {
		return Attachment{}, ErrNoFiles
	}
	key, size, err := s.Blobs.Put(ctx, bytes.NewReader(f.Data), MaxAttachmentBytes)
	if err != nil {
		return Attachment{}, err
	}
	return s.Store.AddAnnouncementAttachment(ctx, a.UnitID, Attachment{AnnouncementID: a.ID, Name: attach.SafeName(name, f.ContentType),
		ContentType: f.ContentType, Size: size, BlobKey: key, CreatedBy: p.UserID, CreatedAt: s.now().UTC()}, MaxAttachments)
}

// Visible says whether p sees announcement a and its files: anyone while it is
// published and valid today; the unit's officials (auth.OfficeRoles) always.
func (s *Service) Visible(p *auth.Principal, a Announcement) bool {
	return a.ValidOn(s.Today()) || p.Can(a.UnitID, auth.OfficeRoles...)
}

// OpenAttachment opens file n of announcement id for p (Visible), else
// ErrAttachmentNotFound.
func (s *Service) OpenAttachment(ctx context.Context, p *auth.Principal, id int64, n int) (Attachment, io.ReadSeekCloser, error) {
	a, err := s.Store.Announcement(ctx, id)
	if err != nil {
		return Attachment{}, nil, ErrAttachmentNotFound.With(err)
	}
	if !s.Visible(p, a) || s.Blobs == nil {
		return Attachment{}, nil, ErrAttachmentNotFound
	}
	for _, f := range a.Attachments {
		if f.N == n {
			rc, err := s.Blobs.Open(ctx, f.BlobKey)
			return f, rc, err
		}
	}
	return Attachment{}, nil, ErrAttachmentNotFound
}
