package catalog

import (
	"bytes"
	"encoding/json/jsontext"
	"encoding/json/v2"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Schema names the version of the catalog file format. A change that an old reader
// would misread gets a new name; readers refuse names they do not know rather than
// guess.
const Schema = "xaso.catalog/v1"

// Catalog is a list of procedures as a file carries them between systems: a province
// exporting its catalog for its communes, the sample catalog, a backup. It holds at
// most one version per code, the one to use; the history of versions stays in the
// store.
type Catalog struct {
	Procedures []Procedure
}

// catalogFile is the JSON form of a Catalog.
type catalogFile struct {
	Schema     string      `json:"schema"`
	Procedures []Procedure `json:"procedures"`
}

// Export writes c in the catalog file format, indented for people who read and diff
// it. ParseCatalog reads back the same value.
func Export(c Catalog) ([]byte, error) {
	procs := c.Procedures
	if procs == nil {
		procs = []Procedure{}
	}
	b, err := json.Marshal(catalogFile{Schema: Schema, Procedures: procs}, jsontext.WithIndent("  "))
	if err != nil {
		return nil, fmt.Errorf("catalog: export: %w", err)
	}
	return append(b, '\n'), nil
}

// ParseCatalog reads a catalog file and returns either a catalog whose every procedure
// is valid, or an error listing every problem found (a *ValidationError wrapping
// ErrInvalid); an import is all or nothing.
//
// Decoding is strict: unknown members, duplicate members, values of the wrong type,
// invalid UTF-8 and trailing data are errors, because a misspelt "legal_tme" silently
// ignored would publish a procedure without its legal time. Text is normalised to
// Unicode NFC and trimmed, and empty lists are read as absent, so that exporting what
// was parsed and parsing it again gives the same value.
//
// Each procedure is checked by the rules of its status: a published one as
// ValidateForPublish does, a draft or archived one as Validate does. Codes must be
// unique in the file.
func ParseCatalog(data []byte) (Catalog, error) {
	var file struct {
		Schema     string            `json:"schema"`
		Procedures *[]jsontext.Value `json:"procedures"`
	}
	if err := json.Unmarshal(data, &file, json.RejectUnknownMembers(true)); err != nil {
		return Catalog{}, &ValidationError{Problems: []Problem{decodeProblem(data, err, -1, "")}}
	}
	switch {
	case file.Schema == "":
		return Catalog{}, fileError("schema", "thiếu tên định dạng; tệp danh mục phải có \"schema\": %q", Schema)
	case file.Schema != Schema:
		return Catalog{}, fileError("schema", "định dạng %q không được hỗ trợ; cần %q", file.Schema, Schema)
	case file.Procedures == nil:
		return Catalog{}, fileError("procedures", "thiếu danh sách thủ tục \"procedures\"")
	}
	var (
		c     Catalog
		found []Problem
		first = make(map[string]int)
	)
	for i, raw := range *file.Procedures {
		var p Procedure
		if err := json.Unmarshal(raw, &p, json.RejectUnknownMembers(true)); err != nil {
			found = append(found, decodeProblem(raw, err, i, peekCode(raw)))
			continue
		}
		p.canonicalize()
		check := p.Validate
		if p.Status == StatusPublished {
			check = p.ValidateForPublish
		}
		if err := check(); err != nil {
			var ve *ValidationError
			errors.As(err, &ve)
			for _, pr := range ve.Problems {
				pr.Index = i
				found = append(found, pr)
			}
		}
		switch j, dup := first[p.Code]; {
		case p.Code == "":
		case dup:
			found = append(found, Problem{Index: i, Code: p.Code, Path: "code",
				Message: fmt.Sprintf("mã thủ tục trùng với procedures[%d]; mỗi mã chỉ có một phiên bản trong tệp", j)})
		default:
			first[p.Code] = i
		}
		c.Procedures = append(c.Procedures, p)
	}
	if len(found) > 0 {
		return Catalog{}, &ValidationError{Problems: found}
	}
	return c, nil
}

func fileError(path, format string, args ...any) error {
	return &ValidationError{Problems: []Problem{{Index: -1, Path: path, Message: fmt.Sprintf(format, args...)}}}
}

// peekCode reads the code of a procedure that failed to decode, to name it in the
// error; "" when it has none that is a string.
func peekCode(raw jsontext.Value) string {
	var v struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return v.Code
}

// decodeProblem turns a decoding error into a Problem with the JSON path of the bad
// value and a Vietnamese message; syntax errors, which only occur in the whole file
// (index -1), also say the line and column.
func decodeProblem(data []byte, err error, index int, code string) Problem {
	pr := Problem{Index: index, Code: code}
	var (
		sem *json.SemanticError
		syn *jsontext.SyntacticError
	)
	switch {
	case errors.As(err, &syn):
		pr.Path = pointerPath(syn.JSONPointer)
		pr.Message = fmt.Sprintf("JSON không hợp lệ ở %s (%v)", position(data, syn.ByteOffset), syn.Err)
	case errors.As(err, &sem) && errors.Is(err, json.ErrUnknownName):
		pr.Path = pointerPath(sem.JSONPointer)
		pr.Message = "trường không có trong định dạng " + Schema
	case errors.As(err, &sem):
		pr.Path = pointerPath(sem.JSONPointer)
		pr.Message = "giá trị phải là " + describeType(sem.GoType)
	default:
		pr.Message = "không đọc được tệp: " + err.Error()
	}
	return pr
}

// pointerPath rewrites a JSON pointer, "/fees/0/amount", as the path the errors use,
// "fees[0].amount". Every member name of the format is a word, so a segment of digits
// is an array index.
func pointerPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// position says where offset is in data for people: "dòng 12, cột 5".
func position(data []byte, offset int64) string {
	before := data[:min(max(offset, 0), int64(len(data)))]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("dòng %d, cột %d", line, col)
}

// describeType names, in Vietnamese, the JSON value a Go type is read from.
func describeType(t reflect.Type) string {
	if t == nil {
		return "giá trị đúng kiểu"
	}
	switch t.Kind() {
	case reflect.String:
		return "một chuỗi"
	case reflect.Bool:
		return "true hoặc false"
	case reflect.Int, reflect.Int64:
		return "một số nguyên trong giới hạn cho phép"
	case reflect.Float64:
		return "một số"
	case reflect.Slice:
		return "một danh sách [...]"
	case reflect.Struct:
		return "một đối tượng {...}"
	case reflect.Pointer:
		return describeType(t.Elem())
	default:
		return "giá trị đúng kiểu"
	}
}

// canonicalize puts p in the form ParseCatalog returns: text trimmed and in NFC,
// empty lists nil.
func (p *Procedure) canonicalize() {
	text := func(s *string) { *s = strings.TrimSpace(norm.NFC.String(*s)) }
	texts := func(ss []string) []string {
		for i := range ss {
			text(&ss[i])
		}
		return nilIfEmpty(ss)
	}
	text(&p.Code)
	text(&p.Name)
	text(&p.Field.Code)
	text(&p.Field.Name)
	text(&p.LegalTimeNote)
	text(&p.CutOff)
	for i := range p.Fees {
		f := &p.Fees[i]
		text(&f.Name)
		text(&f.Per)
		text(&f.Exemptions)
		text(&f.Note)
	}
	p.Fees = nilIfEmpty(p.Fees)
	for i := range p.Papers {
		text(&p.Papers[i].Name)
		text(&p.Papers[i].Template)
	}
	p.Papers = nilIfEmpty(p.Papers)
	p.LegalBasis = texts(p.LegalBasis)
	for i := range p.Form {
		f := &p.Form[i]
		text(&f.Name)
		text(&f.Label)
		text(&f.Help)
		f.Options = texts(f.Options)
	}
	p.Form = nilIfEmpty(p.Form)
	for i := range p.Workflow.Steps {
		s := &p.Workflow.Steps[i]
		text(&s.Name)
		s.Actions = nilIfEmpty(s.Actions)
	}
	p.Workflow.Steps = nilIfEmpty(p.Workflow.Steps)
	for i := range p.Sources {
		text(&p.Sources[i].URL)
		text(&p.Sources[i].Note)
	}
	p.Sources = nilIfEmpty(p.Sources)
	p.Unconfirmed = texts(p.Unconfirmed)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
