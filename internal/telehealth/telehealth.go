// Package telehealth is the commune health station's tele-health booking (khám, tư vấn
// từ xa; docs/TELEHEALTH.md, DOMAIN.md §14): the station's staff publish consultation
// slots (khung giờ khám: a doctor, a kind — video, phone or at the station — a start and
// a length) on the unit's working days; a citizen, logged in or proving a phone number
// with a one-time code, books a free slot and says why (lịch hẹn); the booking is
// confirmed and reminded (24 h and 1 h before) through the notification outbox; a video
// consultation gets an unguessable room link, shown only in its time window to the
// booking's citizen and to the station, with the audio-only start first and the
// station's phone as fallback; the station sees its day and marks who came.
//
// One slot holds at most one live booking, enforced by a unique index (not a lock in
// this process): of many bookings at once exactly one is stored, the others are refused
// slot_taken. The reason is health data (Law 91/2025): kept only while the booking needs
// it (blanked at cancellation and a day after the slot), the contacts thirty days.
//
// The Service owns these rules and the Store it declares; internal/store keeps it.
package telehealth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Kind is how a consultation happens.
type Kind string

const (
	KindVideo   Kind = "video"   // gọi video
	KindPhone   Kind = "phone"   // gọi điện thoại
	KindStation Kind = "station" // khám tại trạm y tế
)

var kindLabels = map[Kind]string{KindVideo: "Gọi video", KindPhone: "Gọi điện thoại", KindStation: "Khám tại trạm y tế"}

// Label is the kind in Vietnamese.
func (k Kind) Label() string { return kindLabels[k] }

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{KindVideo, KindPhone, KindStation}

// Status is where a booking stands.
type Status string

const (
	StatusBooked    Status = "booked"    // đã đặt lịch
	StatusCancelled Status = "cancelled" // đã hủy
	StatusAttended  Status = "attended"  // đã khám
	StatusNoShow    Status = "no_show"   // không đến, không nghe máy
)

var statusLabels = map[Status]string{StatusBooked: "Đã đặt lịch", StatusCancelled: "Đã hủy", StatusAttended: "Đã khám",
	StatusNoShow: "Vắng mặt"}

// Label is the status in Vietnamese.
func (s Status) Label() string { return statusLabels[s] }

// Slot is a consultation slot.
type Slot struct {
	ID     int64
	UnitID int64
	Doctor string // a public office's holder: shown
	Kind   Kind
	Start  time.Time
	End    time.Time
	// Taken: a booking stands on it (booked, attended or no-show).
	Taken bool
}

// Minutes is the slot's length.
func (s Slot) Minutes() int { return int(s.End.Sub(s.Start) / time.Minute) }

// Booking is a citizen's booking of a slot.
type Booking struct {
	ID     int64
	Code   string // "KB-7KQ2MX9A": printed in the messages
	SlotID int64
	UnitID int64
	UserID int64 // the citizen account (0: booked with a phone and a code)
	// SecretHash is sha256 of the secret given once to the booker (to see and cancel).
	SecretHash string
	// Room is the video room's random name (128 bits); never shown outside its window.
	Room string
	// Name, Phone and Reason are personal (the reason is health data): shown only to the
	// booker and the station, never audited, blanked by the purge.
	Name   string
	Phone  string // E.164
	Reason string
	// PersonHash counts distinct people (sha256 of the account or the phone); kept.
	PersonHash  string
	Status      Status
	BookedAt    time.Time
	CancelledAt time.Time
	MarkedAt    time.Time
	Slot        Slot
}

// SecretMatches compares a typed secret with b's in constant time.
func (b Booking) SecretMatches(typed string) bool {
	typed = strings.TrimSpace(typed)
	if b.SecretHash == "" || typed == "" || len(typed) > 64 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashText(strings.ToUpper(typed))), []byte(b.SecretHash)) == 1
}

// Limits.
const (
	MaxDoctor  = 200
	MaxName    = 100
	MaxReason  = 500 // letters: "short", health data kept briefly
	MaxSlots   = 40  // slots published at once
	MinMinutes = 5
	MaxMinutes = 120
	// CancelBefore: a citizen cancels up to this long before the start.
	CancelBefore = 2 * time.Hour
	// RoomOpensBefore: the video link is shown from this long before the start to the end.
	RoomOpensBefore = 15 * time.Minute
	// MaxUpcoming bookings one person holds at once.
	MaxUpcoming = 2
	// ReasonRetention after the slot's end the reason is blanked; ContactRetention the
	// name and the phone.
	ReasonRetention  = 24 * time.Hour
	ContactRetention = 30 * 24 * time.Hour
	// DaysAhead a citizen sees and books.
	DaysAhead = 14
)

// Errors of this package.
var (
	ErrSlotTaken       = apperr.New(apperr.Conflict, "slot_taken", "Khung giờ này vừa có người đặt. Vui lòng chọn khung giờ khác.")
	ErrSlotNotFound    = apperr.New(apperr.NotFound, "slot_not_found", "Không tìm thấy khung giờ khám này.")
	ErrSlotPast        = apperr.New(apperr.Conflict, "slot_past", "Khung giờ này đã qua hoặc quá xa; vui lòng chọn khung giờ khác.")
	ErrOverlap         = apperr.New(apperr.Conflict, "slot_overlap", "Bác sĩ này đã có khung giờ trùng thời gian.")
	ErrNotWorkingDay   = apperr.New(apperr.Invalid, "not_working_day", "Ngày này không phải ngày làm việc của xã.")
	ErrInvalid         = apperr.New(apperr.Invalid, "invalid_telehealth_input", "Thông tin chưa hợp lệ; xem từng mục.")
	ErrBookingNotFound = apperr.New(apperr.NotFound, "booking_not_found", "Không tìm thấy lịch hẹn với mã và mã tra cứu này.")
	ErrTooLate         = apperr.New(apperr.Conflict, "cancel_too_late", "Chỉ hủy được lịch hẹn trước giờ khám ít nhất 2 giờ; vui lòng gọi trạm y tế.")
	ErrBookingStep     = apperr.New(apperr.Conflict, "booking_step", "Lịch hẹn đang ở bước khác, không thực hiện được thao tác này.")
	ErrMarkEarly       = apperr.New(apperr.Conflict, "mark_too_early", "Chỉ ghi nhận đã khám hoặc vắng mặt từ giờ bắt đầu khám.")
	ErrNotStation      = apperr.New(apperr.Forbidden, "telehealth_forbidden", "Chỉ nhân viên trạm y tế của xã thực hiện việc này.")
	ErrTooMany         = apperr.New(apperr.Conflict, "too_many_bookings", "Mỗi người giữ tối đa 2 lịch hẹn chưa khám. Vui lòng hủy bớt hoặc chờ sau buổi khám.")
	ErrPhoneProof      = apperr.New(apperr.Invalid, "phone_code_required",
		"Vui lòng nhập số điện thoại di động và mã xác thực gửi đến số đó (hoặc đăng nhập).")
)

// FieldError lists the problems of an input by field, to draw each at its input.
type FieldError struct{ Fields map[string]string }

func (e *FieldError) Error() string { return "telehealth: invalid fields" }

// Unwrap makes a FieldError an ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Details names the fields for the API.
func (e *FieldError) Details() []apperr.Detail {
	out := make([]apperr.Detail, 0, len(e.Fields))
	for _, k := range sortedKeys(e.Fields) {
		out = append(out, apperr.Detail{Field: k, Message: e.Fields[k]})
	}
	return out
}

func fieldErr(bad map[string]string) error {
	if len(bad) == 0 {
		return nil
	}
	return &FieldError{Fields: bad}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// oneLine folds spaces and drops control characters.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// clean keeps line breaks but drops other control characters and surrounding spaces.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func randomCode(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NewCode is a fresh booking code: "KB-" and 8 letters and digits.
func NewCode() string { return "KB-" + randomCode(8) }

// ValidCode reports whether s looks like a booking code (before any look-up).
func ValidCode(s string) bool {
	if len(s) != 11 || !strings.HasPrefix(s, "KB-") {
		return false
	}
	for _, r := range s[3:] {
		if !strings.ContainsRune(codeAlphabet, r) {
			return false
		}
	}
	return true
}

// newRoom is a video room's name: 128 random bits in lower-case base32 (26 letters).
func newRoom() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// PersonHash is what counts a person: the account, else the phone.
func PersonHash(userID int64, phone string) string {
	if userID != 0 {
		return hashText("telehealth:user:" + strconv.FormatInt(userID, 10))
	}
	return hashText("telehealth:phone:" + phone)
}

// Room is a video consultation's links.
type Room struct {
	// AudioOnly starts with the camera off (weak connections): offered first.
	AudioOnly string
	Video     string
	From      time.Time // shown from
	Until     time.Time // to the slot's end
	Open      bool      // now is within [From, Until)
}

// RoomLinks builds a Jitsi-compatible room's links on server (https://meet.jit.si) for
// b at now; the links are empty outside the window.
func RoomLinks(server string, b Booking, now time.Time) Room {
	r := Room{From: b.Slot.Start.Add(-RoomOpensBefore), Until: b.Slot.End}
	r.Open = b.Slot.Kind == KindVideo && b.Status == StatusBooked && b.Room != "" && server != "" &&
		!now.Before(r.From) && now.Before(r.Until)
	if r.Open {
		r.Video = strings.TrimRight(server, "/") + "/XaSoKham" + b.Room
		r.AudioOnly = r.Video + "#config.startAudioOnly=true"
	}
	return r
}
