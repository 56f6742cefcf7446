// Package qrform runs the unit's QR forms (biểu mẫu QR, docs/QRFORMS.md): an official
// builds a simple form (a health declaration, a visitor register, a survey), publishes it
// with an opening and a closing time and a retention period, prints its QR poster; people
// answer it at a short link without an account, giving their consent to its purpose; the
// officials list, filter and export the answers (câu trả lời) with counts per choice; when
// the retention ends, the answers and their files are deleted and the counts kept.
package qrform

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
)

// Kind is what a field asks.
type Kind string

const (
	KindText    Kind = "text"
	KindNumber  Kind = "number"
	KindDate    Kind = "date"
	KindChoice  Kind = "choice" // one of the options
	KindMulti   Kind = "multi"  // any of the options
	KindPhone   Kind = "phone"
	KindCCCD    Kind = "cccd" // the personal identification number (12 digits)
	KindVillage Kind = "village"
	KindFile    Kind = "file" // an image or a PDF, checked by internal/attach
)

// Kinds lists the kinds in the builder's order.
var Kinds = []Kind{KindText, KindNumber, KindDate, KindChoice, KindMulti, KindPhone, KindCCCD, KindVillage, KindFile}

var kindLabels = map[Kind]string{
	KindText: "Chữ", KindNumber: "Số", KindDate: "Ngày", KindChoice: "Chọn một", KindMulti: "Chọn nhiều",
	KindPhone: "Số điện thoại", KindCCCD: "Số định danh cá nhân (CCCD)", KindVillage: "Thôn, xóm", KindFile: "Tệp (ảnh hoặc PDF)",
}

// Label is the kind's Vietnamese name.
func (k Kind) Label() string { return kindLabels[k] }

// Counted reports whether the answers' values of a field of this kind are counted per
// value (the choices and the villages).
func (k Kind) Counted() bool { return k == KindChoice || k == KindMulti || k == KindVillage }

// Field is one question of a form.
type Field struct {
	Key      string   `json:"key"` // f1, f2…: stable, given by the service
	Label    string   `json:"label"`
	Kind     Kind     `json:"kind"`
	Required bool     `json:"required"`
	Help     string   `json:"help,omitempty"`
	Options  []string `json:"options,omitempty"` // choice and multi
}

// Status is a form's state.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
)

// Form is a QR form.
type Form struct {
	ID            int64
	UnitID        int64
	Code          string // the short link's code: /bm/{code}
	Title         string
	Purpose       string
	Fields        []Field
	OpensAt       time.Time
	ClosesAt      time.Time
	RetentionDays int
	Status        Status
	CreatedBy     int64
	CreatedAt     time.Time
	PublishedAt   time.Time
	Version       int
	Answers       int64 // answers received in all (kept after the purge)
	Stored        int64 // answers still stored
}

// Field finds a field by key.
func (f Form) Field(key string) (Field, bool) {
	for _, x := range f.Fields {
		if x.Key == key {
			return x, true
		}
	}
	return Field{}, false
}

// Open reports whether the form takes answers at t.
func (f Form) Open(t time.Time) bool {
	return f.Status == StatusPublished && !t.Before(f.OpensAt) && t.Before(f.ClosesAt)
}

// Retention is how long an answer is kept.
func (f Form) Retention() time.Duration { return time.Duration(f.RetentionDays) * 24 * time.Hour }

// Answer is one answer to a form.
type Answer struct {
	ID             int64
	FormID         int64
	SubmittedAt    time.Time
	VillageID      int64 // the answer's village field, 0 when none
	UserID         int64 // the logged-in answerer, 0 when anonymous
	ConsentPurpose string
	ConsentAt      time.Time
	Values         map[string][]string
	Files          []File
}

// File is a file of an answer, in the QR forms' blob store.
type File struct {
	Field       string
	Key         string
	ContentType string
	Size        int64
}

// Count is how many answers chose a value of a field; the field "" counts the answers.
type Count struct {
	Field  string
	Choice string
	N      int64
}

// AnswerQuery filters the answers' list.
type AnswerQuery struct {
	FormID        int64
	From, To      time.Time // submitted in [From, To); zero: unbounded
	Field, Choice string    // an answer with this value of this field
	VillageID     int64
	Limit, Offset int
}

// PurgeResult is what a purge deleted.
type PurgeResult struct {
	Forms   int
	Answers int
	Files   int
}

// Limits of a form and of an answer.
const (
	MaxFields   = 40
	MaxOptions  = 30
	MaxTitle    = 200
	MaxPurpose  = 1000
	MaxLabel    = 200
	MaxHelp     = 500
	MaxOption   = 100
	MaxText     = 2000
	MaxRetain   = 3650
	MaxFileSize = 5 << 20 // one answer's file
	MaxFiles    = 5       // files in one answer
	// MaxBody is the largest answer accepted: its files (base64 in JSON) and its text.
	MaxBody = MaxFiles*MaxFileSize*4/3 + 256<<10
)

// Builders build, publish and read the forms and their answers: the leader, the
// culture and society officer (who runs the commune's information), the specialists
// and the unit's administrator. The answers hold personal and health data: the other
// officials and the volunteers do not see them.
var Builders = []auth.Role{auth.RoleLeader, auth.RoleCulture, auth.RoleSpecialist, auth.RoleUnitAdmin}

// Errors of this package.
var (
	ErrNotFound     = apperr.New(apperr.NotFound, "form_not_found", "Không tìm thấy biểu mẫu.")
	ErrNotBuilder   = apperr.New(apperr.Forbidden, "forbidden", "Chỉ lãnh đạo, công chức văn hóa - xã hội, chuyên viên và quản trị đơn vị quản lý biểu mẫu.")
	ErrClosed       = apperr.New(apperr.Conflict, "form_closed", "Biểu mẫu chưa mở hoặc đã hết hạn nhận câu trả lời.")
	ErrFrozen       = apperr.New(apperr.Conflict, "form_fields_frozen", "Biểu mẫu đã có câu trả lời: không sửa được các câu hỏi, chỉ sửa được tiêu đề, mục đích và thời gian đóng.")
	ErrFileNotFound = apperr.New(apperr.NotFound, "answer_file_not_found", "Không tìm thấy tệp của câu trả lời (có thể đã bị xóa khi hết thời hạn lưu).")
	ErrChanged      = apperr.New(apperr.Conflict, "form_changed", "Biểu mẫu vừa được người khác sửa. Vui lòng tải lại trang.")
	ErrPublished    = apperr.New(apperr.Conflict, "form_published", "Biểu mẫu đã được phát hành.")
	ErrFlood        = apperr.New(apperr.TooManyRequests, "answer_flood", "Địa chỉ này gửi quá nhiều câu trả lời. Vui lòng thử lại sau ít phút.")
	ErrConsent      = apperr.New(apperr.Invalid, "consent_required", "Vui lòng đồng ý cho xã xử lý thông tin theo mục đích đã nêu.")
	ErrBody         = apperr.New(apperr.Invalid, "unreadable_answer", "Câu trả lời không đọc được.")
	ErrTooLarge     = apperr.New(apperr.Invalid, "answer_too_large", "Câu trả lời quá lớn (tối đa 5 tệp, mỗi tệp 5 MB).")
)

// FieldError lists a form's or an answer's problems by field, in Vietnamese.
type FieldError struct {
	Code   string
	Fields map[string]string
}

func (e *FieldError) Error() string { return e.Code + ": " + strconv.Itoa(len(e.Fields)) + " fields" }

// Details lists the problems for the API.
func (e *FieldError) Details() []apperr.Detail {
	var out []apperr.Detail
	for _, k := range sortedKeys(e.Fields) {
		out = append(out, apperr.Detail{Field: k, Message: e.Fields[k]})
	}
	return out
}

// Unwrap gives the kind and the stable code: 422 invalid_form or invalid_answer.
func (e *FieldError) Unwrap() error {
	if e.Code == "invalid_answer" {
		return errInvalidAnswer
	}
	return errInvalidForm
}

var (
	errInvalidForm   = apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu chưa hợp lệ: vui lòng sửa các mục được đánh dấu.")
	errInvalidAnswer = apperr.New(apperr.Invalid, "invalid_answer", "Câu trả lời chưa hợp lệ: vui lòng sửa các mục được đánh dấu.")
)

func fieldErr(code string, bad map[string]string) error {
	if len(bad) == 0 {
		return nil
	}
	return &FieldError{Code: code, Fields: bad}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && keyLess(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// keyLess orders f2 before f10.
func keyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Draft is what a builder writes: a new form, or a change of one.
type Draft struct {
	Title         string
	Purpose       string
	Fields        []Field
	OpensAt       time.Time
	ClosesAt      time.Time
	RetentionDays int
}

// CheckDraft validates and normalises a draft: the fields get keys f1, f2… in order.
func CheckDraft(d Draft) (Draft, error) {
	bad := map[string]string{}
	d.Title, d.Purpose = oneLine(d.Title), strings.TrimSpace(d.Purpose)
	switch {
	case d.Title == "":
		bad["title"] = "Vui lòng nhập tiêu đề biểu mẫu."
	case tooLong(d.Title, MaxTitle):
		bad["title"] = fmt.Sprintf("Tiêu đề dài tối đa %d ký tự.", MaxTitle)
	}
	switch {
	case d.Purpose == "":
		bad["purpose"] = "Vui lòng nêu mục đích thu thập thông tin (người trả lời sẽ đọc trước khi đồng ý)."
	case tooLong(d.Purpose, MaxPurpose):
		bad["purpose"] = fmt.Sprintf("Mục đích dài tối đa %d ký tự.", MaxPurpose)
	}
	if d.RetentionDays < 1 || d.RetentionDays > MaxRetain {
		bad["retention_days"] = fmt.Sprintf("Thời hạn lưu trữ từ 1 đến %d ngày.", MaxRetain)
	}
	if d.OpensAt.IsZero() || d.ClosesAt.IsZero() {
		bad["closes_at"] = "Vui lòng nhập thời gian mở và đóng biểu mẫu."
	} else if !d.ClosesAt.After(d.OpensAt) {
		bad["closes_at"] = "Thời gian đóng phải sau thời gian mở."
	}
	var fields []Field
	for i, f := range d.Fields {
		f.Label, f.Help = oneLine(f.Label), oneLine(f.Help)
		if f.Label == "" {
			continue
		}
		key := "f" + strconv.Itoa(len(fields)+1)
		name := "field_" + strconv.Itoa(i+1)
		f.Key = key
		if _, ok := kindLabels[f.Kind]; !ok {
			bad[name] = "Câu hỏi " + strconv.Itoa(len(fields)+1) + ": vui lòng chọn loại câu hỏi."
		}
		if tooLong(f.Label, MaxLabel) || tooLong(f.Help, MaxHelp) {
			bad[name] = fmt.Sprintf("Câu hỏi %d: nội dung tối đa %d ký tự, hướng dẫn tối đa %d ký tự.", len(fields)+1, MaxLabel, MaxHelp)
		}
		var opts []string
		seen := map[string]bool{}
		for _, o := range f.Options {
			if o = oneLine(o); o != "" && !seen[o] {
				seen[o] = true
				opts = append(opts, o)
			}
		}
		f.Options = nil
		if f.Kind == KindChoice || f.Kind == KindMulti {
			f.Options = opts
			if len(opts) < 2 || len(opts) > MaxOptions {
				bad[name] = fmt.Sprintf("Câu hỏi %d: cần từ 2 đến %d lựa chọn, mỗi dòng một lựa chọn.", len(fields)+1, MaxOptions)
			}
			for _, o := range opts {
				if tooLong(o, MaxOption) {
					bad[name] = fmt.Sprintf("Câu hỏi %d: mỗi lựa chọn dài tối đa %d ký tự.", len(fields)+1, MaxOption)
				}
			}
		}
		fields = append(fields, f)
	}
	switch {
	case len(fields) == 0:
		bad["fields"] = "Biểu mẫu cần ít nhất một câu hỏi."
	case len(fields) > MaxFields:
		bad["fields"] = fmt.Sprintf("Biểu mẫu có tối đa %d câu hỏi.", MaxFields)
	}
	files := 0
	for _, f := range fields {
		if f.Kind == KindFile {
			files++
		}
	}
	if files > MaxFiles {
		bad["fields"] = fmt.Sprintf("Biểu mẫu có tối đa %d câu hỏi tải tệp.", MaxFiles)
	}
	d.Fields = fields
	return d, fieldErr("invalid_form", bad)
}

// sameFields reports whether two forms ask the same questions (what answers depend on).
func sameFields(a, b []Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Key != y.Key || x.Label != y.Label || x.Kind != y.Kind || x.Required != y.Required || x.Help != y.Help ||
			strings.Join(x.Options, "\n") != strings.Join(y.Options, "\n") {
			return false
		}
	}
	return true
}
