// Package queue runs the service centre's floor (Trung tâm Phục vụ hành chính công xã):
// queue tickets (số thứ tự) taken at a kiosk, the desks (quầy) that call them, the
// calling screen in the hall, booked visits (đặt lịch hẹn) that check in for a priority
// ticket, the citizens' ratings of the officer who served them, and the floor's
// statistics. The rules are here, pure where they can be (rules.go); Service runs them
// over the Store it declares, which internal/store implements with SQL only.
package queue

import (
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Group is a service group (nhóm dịch vụ) of a unit's floor: its tickets form one series
// per day, prefixed by its letter (A012).
type Group struct {
	UnitID   int64
	Code     string // tu-phap-ho-tich
	Letter   string // A
	Name     string // Tư pháp – Hộ tịch
	Position int
	// SlotMinutes and SlotCapacity shape its booked visits: the working day cut into
	// slots of SlotMinutes, each taking SlotCapacity bookings.
	SlotMinutes, SlotCapacity int
}

// Desk is a counter (quầy) of the floor: the groups it serves ("" all) and the officer
// holding it, who alone may call tickets to it.
type Desk struct {
	UnitID     int64
	Number     int
	Name       string   // shown on the desk's pages ("" : "Quầy N")
	Groups     []string // empty: every group
	HolderID   int64    // 0: nobody
	HolderName string
}

// Serves reports whether the desk serves group.
func (d Desk) Serves(group string) bool {
	return len(d.Groups) == 0 || slices.Contains(d.Groups, group)
}

// Kiosk is a ticket machine of the floor; Printer is its ESC/POS printer ("host:port",
// "" when tickets are only shown on screen and on the phone).
type Kiosk struct {
	UnitID  int64
	Code    string
	Name    string
	Printer string
	// Token is the secret key the kiosk's page address carries (kiosk=CODE&key=TOKEN):
	// tickets naming the kiosk without it are refused, so nobody else prints on its
	// printer or spends its allowance. "" (kiosks set up before keys): none needed.
	Token string
	// Disabled kiosks give no tickets.
	Disabled bool
}

// Priority is why a ticket goes ahead of the ordinary ones (ưu tiên).
type Priority string

const (
	PriorityNone     Priority = ""
	PriorityElderly  Priority = "elderly"  // người cao tuổi
	PriorityDisabled Priority = "disabled" // người khuyết tật
	PriorityPregnant Priority = "pregnant" // phụ nữ mang thai
	PriorityBooked   Priority = "booked"   // đã đặt lịch hẹn
)

// KioskPriorities are the priorities a citizen may choose at the kiosk; a booked visit's
// comes only from checking in.
var KioskPriorities = []Priority{PriorityElderly, PriorityDisabled, PriorityPregnant}

var priorityLabels = map[Priority]string{
	PriorityNone: "Thường", PriorityElderly: "Người cao tuổi", PriorityDisabled: "Người khuyết tật",
	PriorityPregnant: "Phụ nữ mang thai", PriorityBooked: "Đặt lịch hẹn",
}

// Label is the priority's name on screen.
func (p Priority) Label() string { return priorityLabels[p] }

// Status is where a ticket stands.
type Status string

const (
	StatusWaiting Status = "waiting" // chờ gọi (also after a transfer, for the new desk)
	StatusCalled  Status = "called"  // called to a desk: being served
	StatusDone    Status = "done"    // served
	StatusSkipped Status = "skipped" // called and absent (vắng mặt)
)

// Ticket is one queue ticket (phiếu số thứ tự).
type Ticket struct {
	ID          int64
	UnitID      int64
	Day         string // YYYY-MM-DD, Vietnam's day it was taken
	Group       string
	Seq         int
	Number      string // A012
	Priority    Priority
	Status      Status
	Desk        int   // calling or serving desk; for a waiting ticket, the desk it was sent to (0: any)
	OfficerID   int64 // who called it
	Kiosk       string
	Token       string // the phone's link to the ticket
	BookingID   int64
	DossierCode string
	TakenAt     time.Time
	CalledAt    time.Time // the first call
	FinishedAt  time.Time
	Calls       int
}

// Call is one announcement of a ticket at a desk (a recall is another).
type Call struct {
	ID       int64
	TicketID int64
	Number   string
	Desk     int
	At       time.Time
}

// Errors of the floor; their codes are stable (API clients keep them).
var (
	ErrUnknownGroup = apperr.New(apperr.Invalid, "unknown_queue_group",
		"Nhóm dịch vụ không có ở điểm tiếp nhận này. Hãy chọn một nhóm trong danh sách.")
	ErrUnknownPriority = apperr.New(apperr.Invalid, "unknown_priority",
		"Đối tượng ưu tiên không hợp lệ.")
	ErrUnknownDesk = apperr.New(apperr.NotFound, "unknown_desk", "Không có quầy này.")
	ErrDeskNotHeld = apperr.New(apperr.Forbidden, "desk_not_held",
		"Bạn không giữ quầy này. Hãy nhận quầy trước khi gọi số.")
	ErrNotServingOfficer = apperr.New(apperr.Forbidden, "not_counter_officer",
		"Chỉ cán bộ một cửa của đơn vị mới nhận quầy và gọi số.")
	ErrUnknownAction  = apperr.New(apperr.NotFound, "unknown_desk_action", "Không có thao tác này ở quầy.")
	ErrQueueEmpty     = apperr.New(apperr.Conflict, "queue_empty", "Không còn ai chờ ở quầy này.")
	ErrNoTicket       = apperr.New(apperr.Conflict, "no_ticket_at_desk", "Quầy chưa gọi số nào.")
	ErrSameDesk       = apperr.New(apperr.Invalid, "transfer_same_desk", "Hãy chọn một quầy khác để chuyển.")
	ErrChanged        = apperr.New(apperr.Conflict, "queue_changed", "Hàng chờ vừa thay đổi. Vui lòng thử lại.")
	ErrTicketNotFound = apperr.New(apperr.NotFound, "ticket_not_found", "Không tìm thấy phiếu số thứ tự.")
	ErrNoUnit         = apperr.New(apperr.Invalid, "unit_required", "Cần chọn đơn vị (mã đơn vị).")

	ErrBookingDay = apperr.New(apperr.Invalid, "invalid_booking_day",
		"Ngày hẹn không hợp lệ: hãy chọn một ngày dạng năm-tháng-ngày.")
	ErrOutsideHours = apperr.New(apperr.Invalid, "outside_working_hours",
		"Giờ hẹn nằm ngoài giờ làm việc của bộ phận một cửa. Hãy chọn một khung giờ trong danh sách.")
	ErrSlotFull = apperr.New(apperr.Conflict, "slot_full",
		"Khung giờ này đã đủ số người hẹn. Hãy chọn khung giờ khác.")
	ErrSlotPast = apperr.New(apperr.Invalid, "slot_past", "Khung giờ này đã qua. Hãy chọn khung giờ khác.")
	ErrTooFar   = apperr.New(apperr.Invalid, "booking_too_far",
		"Chỉ đặt lịch hẹn trong vòng 30 ngày tới.")
	ErrBadEmail = apperr.New(apperr.Invalid, "invalid_email",
		"Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.vn).")
	ErrBookingNotFound = apperr.New(apperr.NotFound, "booking_not_found",
		"Không tìm thấy lịch hẹn với mã này. Hãy kiểm tra lại mã trên giấy hẹn.")
	ErrBookingUsed = apperr.New(apperr.Conflict, "booking_not_active",
		"Lịch hẹn này đã được dùng để lấy số hoặc đã hủy.")
	ErrBookingOtherDay = apperr.New(apperr.Conflict, "booking_other_day",
		"Lịch hẹn này không phải của hôm nay. Vui lòng đến đúng ngày hẹn hoặc lấy số thường.")

	ErrBadScore = apperr.New(apperr.Invalid, "invalid_rating",
		"Hãy chọn một trong bốn mức đánh giá.")
	ErrBadReason     = apperr.New(apperr.Invalid, "invalid_rating_reason", "Lý do không có trong danh sách.")
	ErrNothingToRate = apperr.New(apperr.Conflict, "nothing_to_rate",
		"Quầy chưa phục vụ ai gần đây, hoặc lượt phục vụ này đã được đánh giá. Cảm ơn bạn.")
)

// DayOf is the Vietnamese day of t as stored (YYYY-MM-DD).
func DayOf(t time.Time, zone *time.Location) string { return t.In(zone).Format(time.DateOnly) }

// groupsText is how a desk's groups are stored: codes separated by spaces.
func GroupsText(groups []string) string { return strings.Join(groups, " ") }

// ParseGroups reads GroupsText.
func ParseGroups(s string) []string { return strings.Fields(s) }
