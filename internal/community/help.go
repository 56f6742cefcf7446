package community

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Topic is what a citizen asks help with.
type Topic string

const (
	TopicInstallApp  Topic = "install_app"  // cài ứng dụng
	TopicFileDossier Topic = "file_dossier" // nộp hồ sơ trực tuyến
	TopicLoudspeaker Topic = "loudspeaker"  // loa truyền thanh
	TopicInternet    Topic = "internet"     // mạng internet
	TopicOther       Topic = "other"        // việc khác
)

var topicLabels = map[Topic]string{TopicInstallApp: "Cài đặt, sử dụng ứng dụng", TopicFileDossier: "Nộp hồ sơ trực tuyến",
	TopicLoudspeaker: "Loa truyền thanh", TopicInternet: "Mạng internet", TopicOther: "Việc khác"}

// Label is the topic in Vietnamese.
func (t Topic) Label() string { return topicLabels[t] }

// Topics lists the topics in the order the form shows them.
var Topics = []Topic{TopicInstallApp, TopicFileDossier, TopicLoudspeaker, TopicInternet, TopicOther}

// Status is where a help request stands.
type Status string

const (
	StatusReceived   Status = "received"    // đã tiếp nhận (no team to assign yet)
	StatusAssigned   Status = "assigned"    // đã giao tổ công nghệ số của thôn
	StatusInProgress Status = "in_progress" // đang hỗ trợ
	StatusDone       Status = "done"        // đã hỗ trợ xong, chờ người dân xác nhận
	StatusClosed     Status = "closed"      // người dân xác nhận: đóng
	StatusReopened   Status = "reopened"    // người dân báo chưa xong: mở lại
)

var statusLabels = map[Status]string{StatusReceived: "Đã tiếp nhận", StatusAssigned: "Đã giao tổ công nghệ số",
	StatusInProgress: "Đang hỗ trợ", StatusDone: "Đã hỗ trợ xong, chờ xác nhận", StatusClosed: "Đã đóng",
	StatusReopened: "Mở lại"}

// Label is the status in Vietnamese.
func (s Status) Label() string { return statusLabels[s] }

// Open reports whether the request still waits for the team.
func (s Status) Open() bool {
	return s == StatusReceived || s == StatusAssigned || s == StatusInProgress || s == StatusReopened
}

// OpenStatuses are the statuses Open reports.
var OpenStatuses = []Status{StatusReceived, StatusAssigned, StatusInProgress, StatusReopened}

// Action is a step of a help request.
type Action string

const (
	ActStart  Action = "start"  // the team takes it: in_progress
	ActDone   Action = "done"   // the team helped: done
	ActClose  Action = "close"  // the citizen confirms: closed
	ActReopen Action = "reopen" // the citizen says it is not done: reopened
)

// from lists the statuses each action leaves, and to where.
var transitions = map[Action]struct {
	from []Status
	to   Status
}{
	ActStart:  {[]Status{StatusReceived, StatusAssigned, StatusReopened}, StatusInProgress},
	ActDone:   {[]Status{StatusAssigned, StatusInProgress, StatusReopened}, StatusDone},
	ActClose:  {[]Status{StatusDone}, StatusClosed},
	ActReopen: {[]Status{StatusDone}, StatusReopened},
}

// HelpRequest is a citizen's request for help from their village's team.
type HelpRequest struct {
	ID          int64
	Code        string // "HT-7KQ2MX9A": printed, typed, not guessable
	UnitID      int64
	VillageID   int64
	VillageName string
	VillageCode string
	Topic       Topic
	// Description, Name and Phone are personal: shown only with the secret, to the
	// filer logged in, to the village's team and to the unit's officials; never audited.
	Description string
	Name        string
	Phone       string
	OwnerID     int64  // the citizen account that filed it (0: anonymous)
	FiledBy     int64  // the team member who filed it on the citizen's behalf (0: none)
	SecretHash  string // sha256 of the look-up secret given to the filer
	Status      Status
	FiledAt     time.Time
	DueAt       time.Time
	AssigneeID  int64
	Assignee    string
	ClosedAt    time.Time
	ClientHash  string // sha256 of the filing address (the flood limit), never shown
	Version     int
	Events      []Event
}

// Overdue reports whether the request is still open after its deadline at now.
func (h HelpRequest) Overdue(now time.Time) bool { return h.Status.Open() && now.After(h.DueAt) }

// Event is one step of a request's history.
type Event struct {
	Status Status
	At     time.Time
	Note   string // the team's short note ("" : none); never the citizen's words
}

// Filing is what the filer typed.
type Filing struct {
	Unit        string // the commune's statistics code
	Village     string // a village's code or name
	Phone       string
	Name        string
	Topic       string
	Description string
}

// Limits of a help request.
const (
	MaxDescription = 2000
	// DefaultHelpDays is the team's deadline in working days.
	DefaultHelpDays = 3
	// FloodLimit is how many requests one address files in FloodWindow.
	FloodLimit  = 5
	FloodWindow = 24 * time.Hour
)

// Errors of help requests.
var (
	ErrHelpNotFound = apperr.New(apperr.NotFound, "help_request_not_found", "Không tìm thấy yêu cầu hỗ trợ này.")
	ErrHelpChanged  = apperr.New(apperr.Conflict, "help_request_changed", "Yêu cầu hỗ trợ vừa được người khác cập nhật. Vui lòng tải lại.")
	ErrHelpStep     = apperr.New(apperr.Conflict, "help_request_step", "Yêu cầu hỗ trợ đang ở bước khác, không thực hiện được thao tác này.")
	ErrHelpAction   = apperr.New(apperr.Invalid, "help_request_action", "Thao tác không hợp lệ; dùng start, done, close hoặc reopen.")
	ErrHelpNotTeam  = apperr.New(apperr.Forbidden, "help_request_not_team", "Chỉ tổ công nghệ số của thôn và cán bộ của xã xử lý yêu cầu này.")
	ErrHelpNotFiler = apperr.New(apperr.Forbidden, "help_request_not_filer", "Chỉ người gửi yêu cầu (có mã tra cứu) xác nhận hoặc mở lại yêu cầu.")
	ErrFlood        = apperr.New(apperr.TooManyRequests, "help_request_flood",
		"Đã gửi quá nhiều yêu cầu hỗ trợ từ địa chỉ này trong 24 giờ. Vui lòng gọi đường dây nóng của xã hoặc thử lại sau.")
)

func (in Filing) check() (Filing, error) {
	bad := map[string]string{}
	in.Unit, in.Village, in.Topic = strings.TrimSpace(in.Unit), oneLine(in.Village), strings.TrimSpace(in.Topic)
	in.Name, in.Description = oneLine(in.Name), clean(in.Description)
	in.Phone = NormalizePhone(in.Phone)
	if in.Village == "" || tooLong(in.Village, MaxName) {
		bad["village"] = "Vui lòng chọn thôn, xóm."
	}
	if in.Phone == "" {
		bad["phone"] = "Vui lòng ghi số điện thoại di động để tổ công nghệ số liên hệ (10 chữ số, bắt đầu bằng 0)."
	}
	if _, ok := topicLabels[Topic(in.Topic)]; !ok {
		bad["topic"] = "Vui lòng chọn việc cần hỗ trợ."
	}
	if tooLong(in.Name, MaxName) {
		bad["name"] = "Họ tên dài tối đa 200 ký tự."
	}
	switch n := utf8.RuneCountInString(in.Description); {
	case n > MaxDescription:
		bad["description"] = "Nội dung dài tối đa 2.000 ký tự."
	case n == 0 && in.Topic == string(TopicOther):
		bad["description"] = "Vui lòng ghi ngắn gọn việc cần hỗ trợ."
	}
	return in, fieldErr(bad)
}

// NormalizePhone returns a Vietnamese mobile number as ten digits starting with 0
// ("+84 912 345 678" → "0912345678"), or "" when it is not one.
func NormalizePhone(s string) string {
	if len(s) > 40 {
		return ""
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return ""
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && len(d) == 11 {
		d = "0" + d[2:]
	}
	// Mobile networks' prefixes since 2018: 03, 05, 07, 08, 09.
	if len(d) != 10 || d[0] != '0' || !strings.ContainsRune("35789", rune(d[1])) {
		return ""
	}
	return d
}

const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func randomCode(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NewHelpCode is a fresh request code: "HT-" and 8 letters and digits.
func NewHelpCode() string { return "HT-" + randomCode(8) }

// NewSecret is a fresh look-up secret of 8 letters and digits (about 40 bits; the
// look-up is rate-limited per address).
func NewSecret() string { return randomCode(8) }

// HashSecret is what is stored of a secret (or of a client address).
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(s))))
	return hex.EncodeToString(sum[:])
}

// SecretMatches compares a typed secret with h's in constant time, ignoring case and
// surrounding spaces.
func (h HelpRequest) SecretMatches(typed string) bool {
	typed = strings.TrimSpace(typed)
	if h.SecretHash == "" || typed == "" || len(typed) > 64 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(HashSecret(typed)), []byte(h.SecretHash)) == 1
}

// ValidCode reports whether s looks like a request code (before any look-up).
func ValidCode(s string) bool {
	if len(s) != 11 || !strings.HasPrefix(s, "HT-") {
		return false
	}
	for _, r := range s[3:] {
		if !strings.ContainsRune(codeAlphabet, r) {
			return false
		}
	}
	return true
}
