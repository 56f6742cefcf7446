// Package dossier is the heart of the one-stop shop: the dossier (hồ sơ), its states and
// the transitions between them, who may make each one, its code, its due time and its
// timeliness. It is pure: storage applies a transition and its event in one transaction
// (internal/store), the HTTP layers call it (internal/web, internal/api).
//
// Lifecycle (../shared/DOMAIN.md §2): an online dossier is first checked by the counter
// officer (submitted → received, or refused / sent back for supplements); a counter
// dossier is received at once. It then moves through the procedure's workflow steps; a
// supplement request pauses the clock; the leader approves or signs (resolved); the
// counter returns the result (returned). Refused, stopped, withdrawn and returned are
// final.
package dossier

import (
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Status is where a dossier stands.
type Status string

const (
	StatusSubmitted           Status = "submitted"            // nộp trực tuyến, chờ tiếp nhận
	StatusReceived            Status = "received"             // đã tiếp nhận
	StatusProcessing          Status = "processing"           // đang giải quyết
	StatusSupplementRequested Status = "supplement_requested" // chờ bổ sung
	StatusResolved            Status = "resolved"             // đã giải quyết xong, chờ trả
	StatusReturned            Status = "returned"             // đã trả kết quả
	StatusRefused             Status = "refused"              // từ chối
	StatusStopped             Status = "stopped"              // dừng giải quyết
	StatusWithdrawn           Status = "withdrawn"            // rút hồ sơ
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusSubmitted, StatusReceived, StatusProcessing, StatusSupplementRequested,
	StatusResolved, StatusReturned, StatusRefused, StatusStopped, StatusWithdrawn}

var statusLabels = map[Status]string{
	StatusSubmitted:           "Chờ tiếp nhận",
	StatusReceived:            "Đã tiếp nhận",
	StatusProcessing:          "Đang giải quyết",
	StatusSupplementRequested: "Chờ bổ sung hồ sơ",
	StatusResolved:            "Đã có kết quả, chờ trả",
	StatusReturned:            "Đã trả kết quả",
	StatusRefused:             "Từ chối",
	StatusStopped:             "Dừng giải quyết",
	StatusWithdrawn:           "Đã rút hồ sơ",
}

// Label is the Vietnamese name of the status.
func (s Status) Label() string { return statusLabels[s] }

// Final reports whether nothing can happen to the dossier any more.
func (s Status) Final() bool {
	return s == StatusReturned || s == StatusRefused || s == StatusStopped || s == StatusWithdrawn
}

// Open reports whether the dossier is being processed and its clock may run (the
// in-progress columns of the one-stop report).
func (s Status) Open() bool {
	return s == StatusReceived || s == StatusProcessing || s == StatusSupplementRequested || s == StatusResolved
}

// ParseStatus accepts a status name.
func ParseStatus(s string) (Status, bool) {
	_, ok := statusLabels[Status(s)]
	return Status(s), ok
}

// Channel is how a dossier arrived.
type Channel string

const (
	ChannelCounter        Channel = "counter"         // trực tiếp
	ChannelOnline         Channel = "online"          // trực tuyến (cổng của đơn vị)
	ChannelNationalPortal Channel = "national_portal" // Cổng Dịch vụ công quốc gia
	ChannelPost           Channel = "post"            // bưu chính công ích
	ChannelAssisted       Channel = "assisted"        // nộp hộ (tổ công nghệ số)
)

// Channels lists every channel.
var Channels = []Channel{ChannelCounter, ChannelOnline, ChannelNationalPortal, ChannelPost, ChannelAssisted}

var channelLabels = map[Channel]string{
	ChannelCounter:        "Trực tiếp",
	ChannelOnline:         "Trực tuyến",
	ChannelNationalPortal: "Cổng DVC quốc gia",
	ChannelPost:           "Bưu chính",
	ChannelAssisted:       "Nộp hộ",
}

// Label is the Vietnamese name of the channel.
func (c Channel) Label() string { return channelLabels[c] }

// Electronic reports whether the dossier was filed electronically; the statistics
// count these as online (own portal, national portal, assisted filing).
func (c Channel) Electronic() bool {
	return c == ChannelOnline || c == ChannelNationalPortal || c == ChannelAssisted
}

// ParseChannel accepts a channel name.
func ParseChannel(s string) (Channel, bool) {
	_, ok := channelLabels[Channel(s)]
	return Channel(s), ok
}

// Timeliness is how a resolved dossier met its appointment.
type Timeliness string

const (
	Early  Timeliness = "early"   // trước hạn
	OnTime Timeliness = "on_time" // đúng hạn
	Late   Timeliness = "late"    // quá hạn
)

var timelinessLabels = map[Timeliness]string{Early: "Trước hạn", OnTime: "Đúng hạn", Late: "Quá hạn"}

// Label is the Vietnamese name.
func (t Timeliness) Label() string { return timelinessLabels[t] }

// Applicant is who applies (người nộp hồ sơ).
type Applicant struct {
	FullName string `json:"full_name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	Address  string `json:"address"`
}

// Dossier is one application for one procedure.
type Dossier struct {
	ID     int64
	Code   string // <unit identifier>-<YYMMDD>-<NNNN>
	Secret string // look-up secret printed on the receipt

	ReceivingUnitID int64 // where it was filed
	CompetentUnitID int64 // who decides (non-boundary receipt: may differ)

	// NationalCode is the dossier's code on the national public-service portal, for a
	// dossier it forwarded (channel national_portal); unique.
	NationalCode string
	// QueueTicket is the number of the queue ticket (số thứ tự, A012) of the visit the
	// counter received it from, that day ("" : none).
	QueueTicket string

	ProcedureID      int64 // the procedure version it was received under
	ProcedureCode    string
	ProcedureVersion int
	ProcedureName    string

	Channel   Channel
	Applicant Applicant
	// OwnerID is the citizen account that filed or owns it (0 when filed at the counter
	// by someone without an account).
	OwnerID int64
	// AssistedBy is the digital-team member who filed it for its owner (channel
	// assisted), under the owner's recorded consent ConsentID (internal/consent): the
	// member sees the dossier while that consent stands.
	AssistedBy int64
	ConsentID  int64
	// Consent is how the applicant consented, as typed by the member, for assisted
	// dossiers filed before consents were recorded; empty since.
	Consent string
	Fields  map[string]string
	// Papers are the papers received at intake, as New checked them; storage writes
	// them with the dossier and reads them back with its Paperwork (lists do not need
	// them, so the dossier's row does not carry them).
	Papers []Paper

	Status Status
	Step   int // index of the current workflow step
	// AssignedTo is the officer the current step was given to by name (giao xử lý),
	// 0 when it belongs to the step's role; cleared when the step changes.
	AssignedTo int64

	SubmittedAt time.Time
	ReceivedAt  time.Time // zero until received
	// DueAt is the appointment: the receipt time plus the legal time on the unit's
	// calendar, moved later by the working time spent waiting for supplements. It is
	// what timeliness is measured against, even after an extension.
	DueAt time.Time
	// ExtendedDueAt is the new appointment of the apology and extension letter (form 04);
	// zero when there was none. The date may be reset only once.
	ExtendedDueAt time.Time
	// PausedAt is when the current supplement request paused the clock.
	PausedAt time.Time
	// PausedMinutes is the working time spent waiting for supplements so far.
	PausedMinutes int64
	Supplements   int // supplement requests after receipt

	StepStartedAt time.Time // when the current step began
	// ChangedAt is when the last event of its history happened (storage sets it with
	// each event): where the span that indicator 2.1 of Decision 766 measures began.
	ChangedAt  time.Time
	ResolvedAt time.Time
	Timeliness Timeliness
	EndedAt    time.Time // returned, refused, stopped or withdrawn
	Reason     string    // of a refusal, stop or withdrawal
	// Processing is its processing time for indicator 2.2 of Decision 766, set by the
	// transition that ends its processing (Service.Act) and stored with it; nil on a
	// dossier as loaded (storage keeps what was recorded).
	Processing *Processing

	Version int // optimistic lock: storage refuses a transition computed on an old version
}

// Errors of this package; the transitions' errors answer 409 with a stable code.
var (
	ErrNotFound     = apperr.New(apperr.NotFound, "dossier_not_found", "Không tìm thấy hồ sơ.")
	ErrTransition   = apperr.New(apperr.Conflict, "invalid_transition", "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.")
	ErrNotYourStep  = apperr.New(apperr.Conflict, "not_your_step", "Vai trò của bạn không thực hiện được thao tác này ở bước hiện tại của hồ sơ.")
	ErrReason       = apperr.New(apperr.Invalid, "reason_required", "Cần ghi rõ lý do.")
	ErrStale        = apperr.New(apperr.Conflict, "dossier_changed", "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại và thực hiện lại.")
	ErrExtendedOnce = apperr.New(apperr.Conflict, "already_extended", "Hồ sơ đã được gia hạn một lần; không gia hạn lần nữa.")
	ErrExtendLate   = apperr.New(apperr.Conflict, "extension_too_late", "Văn bản xin lỗi và gia hạn phải gửi chậm nhất một ngày làm việc trước hạn trả kết quả.")
	ErrExtendDate   = apperr.New(apperr.Invalid, "invalid_extension_date", "Ngày hẹn mới phải sau ngày hẹn hiện tại.")
	// ErrExtendCap refuses a new appointment past ExtensionCap without the leader's
	// approval; the message a refusal carries names the latest date allowed.
	ErrExtendCap   = apperr.New(apperr.Invalid, "extension_past_cap", "Ngày hẹn mới vượt quá mức gia hạn cho phép (bằng thời hạn giải quyết của thủ tục); dài hơn thì lãnh đạo phải duyệt.")
	ErrIdempotency = apperr.New(apperr.Conflict, "idempotency_key_reused", "Idempotency-Key này đã được dùng cho một yêu cầu khác.")
)
