// Package feedback is citizens' feedback (phản ánh, kiến nghị) about a dossier or about
// the service, and the satisfaction survey (khảo sát mức độ hài lòng) beside the
// three-level rating: who may file, assign and answer it, its deadline, when it is
// published, and the counts the Decision 766 satisfaction indicators read
// (docs/FEEDBACK.md). Service runs the rules over the Store it declares.
package feedback

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/locale"
	"golang.org/x/text/unicode/norm"
)

// Kind is what the citizen brings.
type Kind string

const (
	KindComplaint Kind = "complaint" // phản ánh: something went wrong
	KindProposal  Kind = "proposal"  // kiến nghị: something should change
)

var kindLabels = map[Kind]string{KindComplaint: "Phản ánh", KindProposal: "Kiến nghị"}

// Label is the kind in Vietnamese.
func (k Kind) Label() string { return kindLabels[k] }

// Kinds lists the kinds in the order the form shows them.
var Kinds = []Kind{KindComplaint, KindProposal}

// Status is where a feedback stands.
type Status string

const (
	StatusNew      Status = "new"      // chờ phân công
	StatusAssigned Status = "assigned" // đang xử lý
	StatusAnswered Status = "answered" // đã trả lời
)

var statusLabels = map[Status]string{StatusNew: "Chờ phân công", StatusAssigned: "Đang xử lý", StatusAnswered: "Đã trả lời"}

// Label is the status in Vietnamese.
func (s Status) Label() string { return statusLabels[s] }

// Verdict is the citizen's view of the answer (indicator "hài lòng trong xử lý phản
// ánh, kiến nghị").
type Verdict string

const (
	VerdictSatisfied    Verdict = "satisfied"
	VerdictDissatisfied Verdict = "dissatisfied"
)

// Feedback is one phản ánh or kiến nghị, about a dossier (DossierID ≠ 0) or about the
// unit's service.
type Feedback struct {
	ID          int64
	UnitID      int64 // the unit that answers: the dossier's competent unit, or the one chosen
	DossierID   int64
	DossierCode string
	Kind        Kind
	Content     string
	// Name and Contact say who filed and how to answer them (personal: never audited
	// nor published).
	Name, Contact string
	OwnerID       int64 // the citizen account that filed it; 0 when filed with a dossier's secret
	// Publish is the citizen's consent to publishing the feedback and its answer, without
	// their name or contact.
	Publish bool
	Status  Status
	FiledAt time.Time
	DueAt   time.Time // the answer is owed by then: the unit's working days after filing

	AssigneeID   int64
	AssigneeName string
	Answer       string
	AnsweredAt   time.Time
	AnsweredBy   string
	Verdict      Verdict
	Version      int
}

// OnTime reports whether the feedback was answered, or is still within its deadline, on
// day end: dates compared in Vietnam's time zone, as dossiers' timeliness is.
func (f Feedback) OnTime(end time.Time) bool {
	at := end
	if !f.AnsweredAt.IsZero() && !f.AnsweredAt.After(end) {
		at = f.AnsweredAt
	}
	y1, m1, d1 := at.In(locale.Zone).Date()
	y2, m2, d2 := f.DueAt.In(locale.Zone).Date()
	return time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC).Compare(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)) <= 0
}

// Limits of what a citizen types.
const (
	MaxContent = 4000 // characters
	MaxName    = 200
	MaxContact = 200
	MaxAnswer  = 4000
	// DefaultAnswerDays is the answer's deadline in working days when the unit set none.
	DefaultAnswerDays = 10
	MaxAnswerDays     = 60
)

// Errors of this package.
var (
	ErrNotFound  = apperr.New(apperr.NotFound, "feedback_not_found", "Không tìm thấy phản ánh, kiến nghị này.")
	ErrForbidden = apperr.New(apperr.Forbidden, "feedback_forbidden",
		"Ông/bà chỉ gửi được phản ánh, kiến nghị về hồ sơ của mình: cần đăng nhập đúng tài khoản, hoặc mã hồ sơ và mã tra cứu in trên giấy tiếp nhận.")
	ErrLogin = apperr.New(apperr.Unauthenticated, "feedback_login_required",
		"Để gửi phản ánh, kiến nghị về việc phục vụ chung (không gắn với hồ sơ), vui lòng đăng nhập.")
	ErrNotOfficial = apperr.New(apperr.Forbidden, "feedback_not_official", "Chỉ cán bộ của đơn vị được phân công, trả lời phản ánh, kiến nghị này.")
	ErrAnswered    = apperr.New(apperr.Conflict, "feedback_answered", "Phản ánh, kiến nghị này đã được trả lời.")
	ErrNotAnswered = apperr.New(apperr.Conflict, "feedback_not_answered", "Phản ánh, kiến nghị này chưa được trả lời.")
	ErrChanged     = apperr.New(apperr.Conflict, "feedback_changed", "Phản ánh, kiến nghị vừa được người khác cập nhật. Vui lòng tải lại.")
	ErrVerdict     = apperr.New(apperr.Conflict, "feedback_verdict_given", "Ông/bà đã cho biết ý kiến về câu trả lời này.")
	ErrAssignee    = apperr.New(apperr.Invalid, "feedback_assignee", "Người được phân công phải là cán bộ của đơn vị.")
	ErrAnswerDays  = apperr.New(apperr.Invalid, "feedback_answer_days", "Thời hạn trả lời phải từ 1 đến 60 ngày làm việc.")
)

// FieldError lists the problems of a filing by field, to draw each at its input.
type FieldError struct{ Fields map[string]string }

func (e *FieldError) Error() string { return "feedback: invalid fields" }

// Unwrap gives the kind: 422 invalid_feedback.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Details lists the problems for the API.
func (e *FieldError) Details() []apperr.Detail {
	var out []apperr.Detail
	for _, k := range []string{"kind", "content", "name", "contact", "unit", "answer", "verdict"} {
		if m, ok := e.Fields[k]; ok {
			out = append(out, apperr.Detail{Field: k, Message: m})
		}
	}
	return out
}

// ErrInvalid is the kind of FieldError.
var ErrInvalid = apperr.New(apperr.Invalid, "invalid_feedback", "Phản ánh, kiến nghị chưa hợp lệ; xem từng mục.")

// clean normalises typed text: NFC, trimmed, control characters other than line breaks
// dropped.
func clean(s string) string {
	s = norm.NFC.String(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// Filing is what a citizen typed.
type Filing struct {
	Kind, Content, Name, Contact string
	Publish                      bool
}

// check validates a filing, every problem at once.
func (in Filing) check() (Filing, error) {
	bad := map[string]string{}
	in.Kind, in.Content, in.Name, in.Contact = strings.TrimSpace(in.Kind), clean(in.Content), clean(in.Name), clean(in.Contact)
	if _, ok := kindLabels[Kind(in.Kind)]; !ok {
		bad["kind"] = "Vui lòng chọn phản ánh hoặc kiến nghị."
	}
	switch n := utf8.RuneCountInString(in.Content); {
	case n < 10:
		bad["content"] = "Vui lòng ghi nội dung phản ánh, kiến nghị (ít nhất 10 ký tự)."
	case n > MaxContent:
		bad["content"] = "Nội dung dài tối đa 4.000 ký tự."
	}
	if utf8.RuneCountInString(in.Name) > MaxName {
		bad["name"] = "Họ tên dài tối đa 200 ký tự."
	}
	if utf8.RuneCountInString(in.Contact) > MaxContact {
		bad["contact"] = "Thông tin liên hệ dài tối đa 200 ký tự."
	}
	if len(bad) > 0 {
		return in, &FieldError{Fields: bad}
	}
	return in, nil
}
