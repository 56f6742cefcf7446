package catalog

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FieldType is the kind of value an online form field holds, which decides how it is
// checked and normalised.
type FieldType string

const (
	FieldText     FieldType = "text"      // văn bản
	FieldDate     FieldType = "date"      // ngày, YYYY-MM-DD (DD/MM/YYYY accepted and rewritten)
	FieldNumber   FieldType = "number"    // số
	FieldChoice   FieldType = "choice"    // lựa chọn một trong Options
	FieldIDNumber FieldType = "id_number" // số định danh cá nhân / căn cước (12 chữ số)
	FieldPhone    FieldType = "phone"     // số điện thoại di động
	FieldEmail    FieldType = "email"     // thư điện tử
)

// FieldTypes lists every field type.
var FieldTypes = []FieldType{FieldText, FieldDate, FieldNumber, FieldChoice, FieldIDNumber, FieldPhone, FieldEmail}

// FormField is one question of a procedure's online form (tờ khai điện tử): what an
// online applicant fills in, and what the counter officer may key in at receipt.
type FormField struct {
	// Name is the stable key of the answer ("child_name"): dossiers store answers
	// under it, so renaming a field is a new version of the procedure.
	Name      string    `json:"name"`
	Label     string    `json:"label"`
	Type      FieldType `json:"type"`
	Required  bool      `json:"required"`
	Help      string    `json:"help,omitempty"`
	MaxLength int       `json:"max_length,omitzero"` // in characters; 0: no limit beyond the default
	Options   []string  `json:"options,omitempty"`   // the choices of a "choice" field
}

// defaultMaxLength bounds answers without a MaxLength, so that a form cannot be used
// to store a novel.
const defaultMaxLength = 2000

var fieldNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

func (f FormField) check(ps *problems, path string, seen map[string]bool) {
	switch {
	case !fieldNameRE.MatchString(f.Name):
		ps.add(path+".name", "tên trường %q phải viết thường không dấu, bắt đầu bằng chữ, chỉ gồm chữ, số và dấu gạch dưới (a-z, 0-9, _)", f.Name)
	case seen[f.Name]:
		ps.add(path+".name", "tên trường %q bị lặp lại", f.Name)
	}
	seen[f.Name] = true
	if f.Label == "" {
		ps.add(path+".label", "nhãn của trường không được để trống")
	}
	if !slices.Contains(FieldTypes, f.Type) {
		ps.add(path+".type", "kiểu trường %q không hợp lệ; dùng một trong %v", f.Type, FieldTypes)
	}
	if f.MaxLength < 0 || f.MaxLength > defaultMaxLength {
		ps.add(path+".max_length", "độ dài tối đa phải từ 0 (mặc định) đến %d ký tự", defaultMaxLength)
	}
	switch {
	case f.Type == FieldChoice && len(f.Options) == 0:
		ps.add(path+".options", "trường lựa chọn phải có ít nhất một phương án")
	case f.Type != FieldChoice && len(f.Options) > 0:
		ps.add(path+".options", "chỉ trường lựa chọn (%q) mới có phương án", FieldChoice)
	}
	for i, o := range f.Options {
		switch {
		case o == "":
			ps.add(fmt.Sprintf("%s.options[%d]", path, i), "phương án không được để trống")
		case slices.Index(f.Options, o) < i:
			ps.add(fmt.Sprintf("%s.options[%d]", path, i), "phương án %q bị lặp lại", o)
		}
	}
}

// FieldProblem is one bad answer in a form.
type FieldProblem struct {
	Name    string // the field's Name
	Label   string // the field's Label, as the applicant saw it
	Message string // Vietnamese
}

// FormError lists every bad answer of a form; it wraps ErrInvalidForm.
type FormError struct {
	Fields []FieldProblem
}

func (e *FormError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		if f.Label != "" {
			parts[i] = fmt.Sprintf("%s (%s): %s", f.Name, f.Label, f.Message)
		} else {
			parts[i] = f.Name + ": " + f.Message
		}
	}
	return strings.Join(parts, "; ")
}

func (e *FormError) Unwrap() error { return ErrInvalidForm }

// ValidateFields checks an applicant's answers against the procedure's form and
// reports every bad field by name. Online intake passes requireAll, so that required
// fields must be filled; counter intake does not, because the officer may key in only
// what the paper form lacks. Answers to fields the form does not have are errors:
// they would otherwise be stored and shown without anyone having asked for them.
func (p Procedure) ValidateFields(values map[string]string, requireAll bool) error {
	_, err := p.NormalizeFields(values, requireAll)
	return err
}

// NormalizeFields checks answers as ValidateFields does and returns them normalised,
// the way a dossier should store them: trimmed, in Unicode NFC, dates as YYYY-MM-DD,
// phone numbers as 0xxxxxxxxx; empty answers are left out.
func (p Procedure) NormalizeFields(values map[string]string, requireAll bool) (map[string]string, error) {
	out := make(map[string]string, len(values))
	var bad []FieldProblem
	known := make(map[string]bool, len(p.Form))
	for _, f := range p.Form {
		known[f.Name] = true
		v := norm.NFC.String(strings.TrimSpace(values[f.Name]))
		if v == "" {
			if requireAll && f.Required {
				bad = append(bad, FieldProblem{Name: f.Name, Label: f.Label, Message: "không được để trống"})
			}
			continue
		}
		nv, msg := f.normalize(v)
		if msg != "" {
			bad = append(bad, FieldProblem{Name: f.Name, Label: f.Label, Message: msg})
			continue
		}
		out[f.Name] = nv
	}
	var unknown []string
	for name := range values {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		bad = append(bad, FieldProblem{Name: name, Message: "biểu mẫu của thủ tục không có trường này"})
	}
	if len(bad) > 0 {
		return nil, &FormError{Fields: bad}
	}
	return out, nil
}

// normalize returns the normalised answer, or a Vietnamese message saying what is
// wrong with it.
func (f FormField) normalize(v string) (string, string) {
	if !utf8.ValidString(v) || strings.ContainsFunc(v, forbidden) {
		return "", "chứa ký tự không hợp lệ"
	}
	limit := f.MaxLength
	if limit == 0 {
		limit = defaultMaxLength
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return "", fmt.Sprintf("dài %d ký tự, quá giới hạn %d ký tự", n, limit)
	}
	switch f.Type {
	case FieldDate:
		return normalizeDate(v)
	case FieldNumber:
		if !numberRE.MatchString(v) {
			return "", "phải là một số, ví dụ 3 hoặc 2.5"
		}
	case FieldChoice:
		if !slices.Contains(f.Options, v) {
			return "", fmt.Sprintf("phải là một trong các phương án: %s", strings.Join(f.Options, "; "))
		}
	case FieldIDNumber:
		if err := CheckCitizenID(v); err != nil {
			return "", err.Error()
		}
	case FieldPhone:
		p, err := NormalizePhone(v)
		if err != nil {
			return "", err.Error()
		}
		return p, ""
	case FieldEmail:
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || a.Name != "" {
			return "", "địa chỉ thư điện tử không hợp lệ, ví dụ ten@example.vn"
		}
	}
	return v, ""
}

// forbidden reports control characters other than the line breaks and tabs a long
// answer typed in a text area may hold: they would corrupt printed forms.
func forbidden(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
}

var numberRE = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,6})?$`)

// normalizeDate accepts YYYY-MM-DD, as a browser's date input sends it, and
// DD/MM/YYYY, as officers type it, and returns YYYY-MM-DD.
func normalizeDate(v string) (string, string) {
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, v); err == nil && t.Year() >= 1800 {
			return t.Format(time.DateOnly), ""
		}
	}
	return "", "ngày không hợp lệ; viết theo dạng ngày/tháng/năm, ví dụ 25/01/2026"
}
