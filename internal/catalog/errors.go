package catalog

import (
	"fmt"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Errors of this package. Validation errors wrap them, so errors.Is and apperr.From
// work on whatever the functions return.
var (
	// ErrInvalid: a procedure or a catalog file breaks the rules; the *ValidationError
	// in the chain lists every problem.
	ErrInvalid = apperr.New(apperr.Invalid, "invalid_procedure", "Thủ tục hoặc danh mục thủ tục không hợp lệ.")
	// ErrInvalidForm: an applicant's answers to a procedure's form are wrong; the
	// *FormError in the chain lists every bad field.
	ErrInvalidForm = apperr.New(apperr.Invalid, "invalid_form", "Thông tin khai trong biểu mẫu chưa hợp lệ.")
	// ErrInvalidTransition: a version change the versioning rules forbid, such as
	// publishing a version that is not a draft.
	ErrInvalidTransition = apperr.New(apperr.Conflict, "invalid_procedure_transition", "Không thể chuyển phiên bản thủ tục sang trạng thái này.")
)

// Problem is one thing wrong with a procedure, or with a catalog file, located
// precisely enough for an editor to highlight the field and for an administrator to
// find it in a file.
type Problem struct {
	// Index is the procedure's position in an imported catalog file, or -1 when a
	// procedure is checked on its own or the problem is about the file itself.
	Index int
	// Code is the procedure's code as written ("" when it has none). A problem with
	// Index -1 and no Code is about the file itself, or about a procedure without a
	// code that is checked on its own.
	Code string
	// Path is the JSON path of the offending value inside the procedure, such as
	// "fees[0].amount" or "workflow.steps[1].role", or inside the file for file-level
	// problems ("schema"). It is "" for the procedure as a whole.
	Path string
	// Step names a workflow step the way people see it, `bước 2 (Chuyên viên thẩm
	// định)`, because "workflow.steps[1]" means nothing to an administrator.
	Step string
	// Message says what is wrong, in Vietnamese.
	Message string
}

// String renders the problem on one line: "thủ tục 1.001193, fees[0].amount: ..." for
// a procedure on its own, "procedures[3].fees[0].amount (thủ tục 1.001193): ..." for a
// procedure in an imported file.
func (p Problem) String() string {
	var loc string
	switch {
	case p.Index >= 0:
		loc = fmt.Sprintf("procedures[%d]", p.Index)
		if p.Path != "" {
			loc += "." + p.Path
		}
		var who []string
		if p.Code != "" {
			who = append(who, "thủ tục "+p.Code)
		}
		if p.Step != "" {
			who = append(who, "quy trình "+p.Step)
		}
		if len(who) > 0 {
			loc += " (" + strings.Join(who, ", ") + ")"
		}
	default:
		var parts []string
		if p.Code != "" {
			parts = append(parts, "thủ tục "+p.Code)
		}
		switch {
		case p.Step != "":
			parts = append(parts, "quy trình "+p.Step)
		case p.Path != "":
			parts = append(parts, p.Path)
		}
		loc = strings.Join(parts, ", ")
	}
	if loc == "" {
		return p.Message
	}
	return loc + ": " + p.Message
}

// ValidationError lists every problem found; it wraps ErrInvalid.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Details lists the problems by location for the API (apperr.Detailed).
func (e *ValidationError) Details() []apperr.Detail {
	out := make([]apperr.Detail, len(e.Problems))
	for i, p := range e.Problems {
		field := p.Path
		if p.Index >= 0 {
			field = fmt.Sprintf("procedures[%d]", p.Index)
			if p.Path != "" {
				field += "." + p.Path
			}
		}
		out[i] = apperr.Detail{Field: field, Message: p.String()}
	}
	return out
}

// problems collects the problems of one procedure while it is checked.
type problems struct {
	code string
	list []Problem
}

func (ps *problems) add(path, format string, args ...any) {
	ps.list = append(ps.list, Problem{Index: -1, Code: ps.code, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) addStep(path, step, format string, args ...any) {
	ps.list = append(ps.list, Problem{Index: -1, Code: ps.code, Path: path, Step: step, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was found.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps.list}
}
