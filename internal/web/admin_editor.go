package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The catalog editor's form: what the administrator typed (procForm), how it becomes a
// procedure, and how the page is drawn from it with each problem next to its input.
// The handlers are in admin_catalog.go.

// What the editor calls the catalog's values (the others are in labels.go).
var (
	actionLabels = map[catalog.Action]string{
		catalog.ActionForward:           "Chuyển bước tiếp theo",
		catalog.ActionSendBack:          "Trả lại bước trước",
		catalog.ActionRequestSupplement: "Yêu cầu bổ sung hồ sơ",
		catalog.ActionRefuse:            "Từ chối giải quyết",
		catalog.ActionApprove:           "Phê duyệt",
		catalog.ActionSign:              "Ký số kết quả",
		catalog.ActionReturnResult:      "Trả kết quả",
	}
	fieldTypeLabels = map[catalog.FieldType]string{
		catalog.FieldText:     "Văn bản",
		catalog.FieldDate:     "Ngày",
		catalog.FieldNumber:   "Số",
		catalog.FieldChoice:   "Lựa chọn (một trong các phương án)",
		catalog.FieldIDNumber: "Số định danh cá nhân",
		catalog.FieldPhone:    "Số điện thoại di động",
		catalog.FieldEmail:    "Thư điện tử",
	}
	durationLabels   = map[catalog.DurationUnit]string{catalog.Days: "ngày làm việc", catalog.Hours: "giờ làm việc", catalog.CalendarDays: "ngày (kể cả ngày nghỉ)"}
	editorOnlineText = map[catalog.OnlineLevel]string{catalog.OnlineFull: "Toàn trình", catalog.OnlinePartial: "Một phần",
		catalog.OnlineNone: "Không (chỉ nộp trực tiếp hoặc qua bưu chính)"}
)

// ---- The editor's form, as typed ----

// procForm is a procedure as the editor's form holds it: text as typed, so that a
// mistaken number comes back as it was typed, next to its message.
type procForm struct {
	Code, Name, FieldCode, FieldName string
	Implementing, Competent          string
	LegalValue, LegalUnit, LegalNote string
	CutOff, Result, Online           string
	LegalBasis                       string // one per line
	Fees                             []feeRow
	Papers                           []paperRow
	Form                             []questionRow
	Steps                            []stepRow
	// blanks counts the blank rows posted per section, so that a form sent back keeps
	// the room it had.
	blanks map[string]int
}

type feeRow struct {
	Name, Amount, OnlineAmount, Per, Exemptions, Note string
	Remove                                            bool
}

type paperRow struct {
	Name, Form, Quantity, Template string
	Required, Remove               bool
}

type questionRow struct {
	Name, Label, Type, Help, MaxLength, Options string
	Required, Remove                            bool
}

type stepRow struct {
	Name, Role, Budget string
	Actions            []string
	Remove             bool
}

func (f feeRow) blank() bool {
	return f.Name == "" && f.Amount == "" && f.OnlineAmount == "" && f.Per == "" && f.Exemptions == "" && f.Note == ""
}
func (p paperRow) blank() bool { return p.Name == "" && p.Template == "" }
func (q questionRow) blank() bool {
	return q.Name == "" && q.Label == "" && q.Help == "" && q.MaxLength == "" && q.Options == ""
}
func (s stepRow) blank() bool { return s.Name == "" && s.Budget == "" && len(s.Actions) == 0 }

// newProcForm is the form of a new procedure: a commune's procedure in working days.
func newProcForm() procForm {
	return procForm{Implementing: string(catalog.LevelCommune), Competent: string(catalog.LevelCommune),
		LegalUnit: string(catalog.Days), Result: string(catalog.ResultPaper), Online: string(catalog.OnlineNone)}
}

// formOf writes a stored procedure into the form.
func formOf(p catalog.Procedure) procForm {
	f := procForm{Code: p.Code, Name: p.Name, FieldCode: p.Field.Code, FieldName: p.Field.Name,
		Implementing: string(p.ImplementingLevel), Competent: string(p.CompetentLevel),
		LegalUnit: string(p.LegalTime.Unit), LegalNote: p.LegalTimeNote, CutOff: p.CutOff, Result: string(p.Result),
		Online: string(p.OnlineLevel), LegalBasis: strings.Join(p.LegalBasis, "\n")}
	if p.LegalTime.Value != 0 {
		f.LegalValue = strconv.Itoa(p.LegalTime.Value)
	}
	for _, fee := range p.Fees {
		row := feeRow{Name: fee.Name, Amount: locale.Number(fee.Amount), Per: fee.Per, Exemptions: fee.Exemptions, Note: fee.Note}
		if fee.OnlineAmount != nil {
			row.OnlineAmount = locale.Number(*fee.OnlineAmount)
		}
		f.Fees = append(f.Fees, row)
	}
	for _, pp := range p.Papers {
		f.Papers = append(f.Papers, paperRow{Name: pp.Name, Form: string(pp.Form), Quantity: strconv.Itoa(pp.Quantity),
			Template: pp.Template, Required: pp.Required})
	}
	for _, q := range p.Form {
		row := questionRow{Name: q.Name, Label: q.Label, Type: string(q.Type), Help: q.Help, Required: q.Required,
			Options: strings.Join(q.Options, "\n")}
		if q.MaxLength != 0 {
			row.MaxLength = strconv.Itoa(q.MaxLength)
		}
		f.Form = append(f.Form, row)
	}
	for _, st := range p.Workflow.Steps {
		row := stepRow{Name: st.Name, Role: string(st.Role), Budget: hoursText(st.BudgetHours)}
		for _, a := range st.Actions {
			row.Actions = append(row.Actions, string(a))
		}
		f.Steps = append(f.Steps, row)
	}
	return f
}

// readProcForm reads the posted editor form. Text is normalised as an imported file's
// is (NFC, trimmed), so a procedure saved here exports as it would import.
func readProcForm(r *http.Request) procForm {
	one := func(name string) string { return strings.TrimSpace(norm.NFC.String(r.PostFormValue(name))) }
	on := func(name string) bool { return r.PostFormValue(name) != "" }
	f := procForm{Code: one("code"), Name: one("name"), FieldCode: one("field.code"), FieldName: one("field.name"),
		Implementing: one("implementing_level"), Competent: one("competent_level"),
		LegalValue: one("legal_time.value"), LegalUnit: one("legal_time.unit"), LegalNote: one("legal_time_note"),
		CutOff: one("cut_off"), Result: one("result"), Online: one("online_level"), LegalBasis: one("legal_basis"),
		blanks: map[string]int{}}
	for i := range postedRows(r, "fees") {
		p := fmt.Sprintf("fees[%d].", i)
		f.Fees = append(f.Fees, feeRow{Name: one(p + "name"), Amount: one(p + "amount"), OnlineAmount: one(p + "online_amount"),
			Per: one(p + "per"), Exemptions: one(p + "exemptions"), Note: one(p + "note"), Remove: on(p + "remove")})
	}
	for i := range postedRows(r, "papers") {
		p := fmt.Sprintf("papers[%d].", i)
		f.Papers = append(f.Papers, paperRow{Name: one(p + "name"), Form: one(p + "form"), Quantity: one(p + "quantity"),
			Template: one(p + "template"), Required: on(p + "required"), Remove: on(p + "remove")})
	}
	for i := range postedRows(r, "form") {
		p := fmt.Sprintf("form[%d].", i)
		f.Form = append(f.Form, questionRow{Name: one(p + "name"), Label: one(p + "label"), Type: one(p + "type"),
			Help: one(p + "help"), MaxLength: one(p + "max_length"), Options: one(p + "options"), Required: on(p + "required"),
			Remove: on(p + "remove")})
	}
	for i := range postedRows(r, "workflow.steps") {
		p := fmt.Sprintf("workflow.steps[%d].", i)
		row := stepRow{Name: one(p + "name"), Role: one(p + "role"), Budget: one(p + "budget_hours"), Remove: on(p + "remove")}
		for _, a := range r.PostForm[p+"actions"] {
			if a = strings.TrimSpace(a); a != "" && !slices.Contains(row.Actions, a) {
				row.Actions = append(row.Actions, a)
			}
		}
		f.Steps = append(f.Steps, row)
	}
	return f
}

// postedRows returns how many rows of a section the form posted: one more than the
// highest index among the names "prefix[i]…", at most maxEditorRows.
func postedRows(r *http.Request, prefix string) int {
	n := 0
	for k := range r.PostForm {
		rest, ok := strings.CutPrefix(k, prefix+"[")
		if !ok {
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 1 || end > 3 {
			continue
		}
		if i, err := strconv.Atoi(rest[:end]); err == nil && i >= 0 && i < maxEditorRows {
			n = max(n, i+1)
		}
	}
	return n
}

// compact drops blank rows and rows marked for removal, counting the blank ones.
func (f procForm) compact() procForm {
	if f.blanks == nil {
		f.blanks = map[string]int{}
	}
	f.Fees = keep(f.Fees, func(r feeRow) (bool, bool) { return r.blank(), r.Remove }, &f, "fees")
	f.Papers = keep(f.Papers, func(r paperRow) (bool, bool) { return r.blank(), r.Remove }, &f, "papers")
	f.Form = keep(f.Form, func(r questionRow) (bool, bool) { return r.blank(), r.Remove }, &f, "form")
	f.Steps = keep(f.Steps, func(r stepRow) (bool, bool) { return r.blank(), r.Remove }, &f, "steps")
	return f
}

func keep[T any](rows []T, test func(T) (blank, remove bool), f *procForm, section string) []T {
	var out []T
	for _, r := range rows {
		blank, remove := test(r)
		if blank {
			f.blanks[section]++
		}
		if !blank && !remove {
			out = append(out, r)
		}
	}
	return out
}

var (
	intRE    = regexp.MustCompile(`^[0-9]{1,6}$`)
	moneyRE  = regexp.MustCompile(`^-?[0-9][0-9., ]*$`)
	budgetRE = regexp.MustCompile(`^[0-9]{1,5}([.,][0-9]{1,2})?$`)
)

// procedure turns the (compacted) form into a procedure. Values that are not numbers
// where numbers belong are problems of their own, at the path the catalog would use.
func (f procForm) procedure() (catalog.Procedure, []catalog.Problem) {
	var probs []catalog.Problem
	bad := func(path, format string, args ...any) {
		probs = append(probs, catalog.Problem{Index: -1, Code: f.Code, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	p := catalog.Procedure{Code: f.Code, Name: f.Name, Field: catalog.Field{Code: f.FieldCode, Name: f.FieldName},
		ImplementingLevel: catalog.Level(f.Implementing), CompetentLevel: catalog.Level(f.Competent),
		LegalTime: catalog.Duration{Unit: catalog.DurationUnit(f.LegalUnit)}, LegalTimeNote: f.LegalNote, CutOff: f.CutOff,
		Result: catalog.ResultType(f.Result), OnlineLevel: catalog.OnlineLevel(f.Online), LegalBasis: lines(f.LegalBasis)}
	if f.FieldCode == "" {
		bad("field.code", "cần nhập mã lĩnh vực, ví dụ ho-tich")
	}
	switch {
	case f.LegalValue == "":
		bad("legal_time.value", "cần nhập thời hạn giải quyết")
	case !intRE.MatchString(f.LegalValue):
		bad("legal_time.value", "thời hạn giải quyết phải là số nguyên, ví dụ 3")
	default:
		p.LegalTime.Value, _ = strconv.Atoi(f.LegalValue)
	}
	money := func(path, s string) (int64, bool) {
		if !moneyRE.MatchString(s) {
			bad(path, "số tiền phải là số đồng, ví dụ 8000 hoặc 8.000")
			return 0, false
		}
		v, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(s), 10, 64)
		if err != nil {
			bad(path, "số tiền quá lớn")
			return 0, false
		}
		return v, true
	}
	for i, r := range f.Fees {
		path := fmt.Sprintf("fees[%d]", i)
		fee := catalog.Fee{Name: r.Name, Per: r.Per, Exemptions: r.Exemptions, Note: r.Note}
		if r.Amount == "" {
			bad(path+".amount", "cần nhập số tiền (0 nếu không thu)")
		} else {
			fee.Amount, _ = money(path+".amount", r.Amount)
		}
		if r.OnlineAmount != "" {
			if v, ok := money(path+".online_amount", r.OnlineAmount); ok {
				fee.OnlineAmount = &v
			}
		}
		p.Fees = append(p.Fees, fee)
	}
	for i, r := range f.Papers {
		path := fmt.Sprintf("papers[%d]", i)
		paper := catalog.Paper{Name: r.Name, Form: catalog.PaperForm(r.Form), Quantity: 1, Required: r.Required, Template: r.Template}
		if r.Quantity != "" {
			if !intRE.MatchString(r.Quantity) {
				bad(path+".quantity", "số lượng phải là số nguyên từ 1 đến 100")
			}
			paper.Quantity, _ = strconv.Atoi(r.Quantity)
		}
		p.Papers = append(p.Papers, paper)
	}
	for i, r := range f.Form {
		path := fmt.Sprintf("form[%d]", i)
		q := catalog.FormField{Name: r.Name, Label: r.Label, Type: catalog.FieldType(r.Type), Required: r.Required, Help: r.Help,
			Options: lines(r.Options)}
		if r.MaxLength != "" {
			if !intRE.MatchString(r.MaxLength) {
				bad(path+".max_length", "độ dài tối đa phải là số nguyên từ 0 đến 2000")
			}
			q.MaxLength, _ = strconv.Atoi(r.MaxLength)
		}
		p.Form = append(p.Form, q)
	}
	for i, r := range f.Steps {
		path := fmt.Sprintf("workflow.steps[%d]", i)
		st := catalog.Step{Name: r.Name, Role: auth.Role(r.Role)}
		if r.Role == "" {
			bad(path+".role", "cần chọn vai trò xử lý bước này")
		}
		switch {
		case r.Budget == "":
			bad(path+".budget_hours", "cần nhập thời gian của bước, tính theo giờ làm việc")
		case !budgetRE.MatchString(r.Budget):
			bad(path+".budget_hours", "thời gian của bước phải là số giờ, ví dụ 4 hoặc 1,5")
		default:
			st.BudgetHours, _ = strconv.ParseFloat(strings.Replace(r.Budget, ",", ".", 1), 64)
		}
		for _, a := range r.Actions {
			st.Actions = append(st.Actions, catalog.Action(a))
		}
		p.Workflow.Steps = append(p.Workflow.Steps, st)
	}
	return p, probs
}

// hoursText writes hours the Vietnamese way, as the catalog's messages do: "2", "1,5".
func hoursText(h float64) string {
	return strings.Replace(strconv.FormatFloat(h, 'f', -1, 64), ".", ",", 1)
}

// lines splits a text area into its non-empty lines.
func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// merge puts the form's own problems first and drops the catalog's problems at the same
// paths (a number that could not be read was checked as zero).
func merge(own []catalog.Problem, err error) []catalog.Problem {
	var ve *catalog.ValidationError
	if !errors.As(err, &ve) {
		return own
	}
	out := slices.Clone(own)
	for _, p := range ve.Problems {
		if !slices.ContainsFunc(own, func(o catalog.Problem) bool { return o.Path == p.Path }) {
			out = append(out, p)
		}
	}
	return out
}

// ---- The editor's page ----

// editorField is one input of the editor.
type editorField struct {
	ID, Name, Label, Help string
	Kind                  string // input, textarea, select, checkbox, checks
	InputMode             string
	Placeholder           string
	List                  string // id of a datalist
	MaxLength             int
	Rows                  int // of a textarea
	Required, ReadOnly    bool
	Wide                  bool // spans the row on a wide screen
	Small                 bool // a quarter of the row on a wide screen
	Options               []option
	Checks                []checkOption // of a group of checkboxes
	Value                 string
	Checked               bool
	Error                 string
	Autofocus             bool
}

type checkOption struct {
	ID, Value, Label string
	Checked          bool
}

// DescribedBy lists the ids of the help text and the error, for aria-describedby.
func (f editorField) DescribedBy() string {
	var ids []string
	if f.Help != "" {
		ids = append(ids, f.ID+"-help")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// fieldGroup is a part of the general section, a fieldset when it has a legend.
type fieldGroup struct {
	Legend, Help string
	Fields       []editorField
}

// editorRow is one row of a repeatable section. A row with content is drawn folded
// (details), its summary saying what it holds, unless something in it is wrong.
type editorRow struct {
	ID, Legend string
	Summary    string
	Open       bool
	Fields     []editorField
	Remove     *editorField // nil for a blank row
	Error      string
}

type editorSection struct {
	ID, Key, Title, Intro string
	More, MoreLabel       string
	Rows                  []editorRow
	Error                 string
}

type editorView struct {
	Unit          unit.Unit
	UnitQuery     string
	New           bool
	Code          string
	Action        string // where "Lưu bản nháp" posts
	PublishAction string // where "Lưu và công bố" posts; "" for a new procedure
	Version       int    // the draft's version number
	InForce       int    // the version in force, 0 for none
	DraftStored   bool   // the draft is in the store
	Notice        string
	Errors        []errorLink
	Warnings      []errorLink
	General       []fieldGroup
	Sections      []editorSection
	Budget        string
	BudgetOver    bool
	Sources       int
	Unconfirmed   []string
	Fields        []catalog.Field // for the datalists
}

// anchor is where a problem's path is drawn: the element id and what to call it.
type anchor struct {
	id, label string
	seq       int
}

// editorBuilder draws the form; it is run twice, first to learn where every path is
// drawn, then with the problems resolved to those places.
type editorBuilder struct {
	errs    map[string][]string
	anchors map[string]anchor
	prefix  string // the row being drawn, for the error summary: "Khoản phí 1"
}

func elemID(name string) string {
	return strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(name)
}

func (b *editorBuilder) place(key, id, label string) string {
	if _, ok := b.anchors[key]; !ok {
		if b.prefix != "" {
			label = b.prefix + " › " + label
		}
		b.anchors[key] = anchor{id: id, label: label, seq: len(b.anchors)}
	}
	return strings.Join(b.errs[key], " ")
}

func (b *editorBuilder) field(f editorField) editorField {
	if f.ID == "" {
		f.ID = elemID(f.Name)
	}
	if f.Kind == "" {
		f.Kind = "input"
	}
	f.Error = b.place(f.Name, f.ID, f.Label)
	return f
}

func (b *editorBuilder) text(name, label, value string, maxLength int) editorField {
	return b.field(editorField{Name: name, Label: label, Value: value, MaxLength: maxLength})
}

func (b *editorBuilder) area(name, label, value string, rows int) editorField {
	return b.field(editorField{Name: name, Label: label, Value: value, Kind: "textarea", Rows: rows, Wide: true})
}

func (b *editorBuilder) sel(name, label, value string, opts []option) editorField {
	return b.field(editorField{Name: name, Label: label, Value: value, Kind: "select", Options: opts})
}

func (b *editorBuilder) check(name, label string, checked bool) editorField {
	return b.field(editorField{Name: name, Label: label, Value: "1", Checked: checked, Kind: "checkbox"})
}

func optionsOf[T ~string](values []T, label func(T) string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{string(v), label(v)}
	}
	return out
}

func mapLabel[T comparable](m map[T]string) func(T) string { return func(v T) string { return m[v] } }

// general draws the procedure's own fields.
func (b *editorBuilder) general(f procForm, isNew bool) []fieldGroup {
	code := b.text("code", "Mã thủ tục", f.Code, 40)
	code.Required, code.Placeholder = true, "1.001193"
	code.Help = "Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính, có thể kèm hậu tố địa phương, ví dụ 1.001193 hoặc 1.001193.H42."
	if !isNew {
		code.ReadOnly, code.Required = true, false
		code.Help = "Mã không sửa được: mã khác là một thủ tục khác."
	}
	name := b.area("name", "Tên thủ tục", f.Name, 2)
	name.Required, name.MaxLength = true, 500
	fcode := b.text("field.code", "Mã lĩnh vực", f.FieldCode, 64)
	fcode.Required, fcode.Help, fcode.List, fcode.Placeholder = true, "Viết thường không dấu, nối bằng dấu gạch ngang.", "field-codes", "ho-tich"
	fname := b.text("field.name", "Tên lĩnh vực", f.FieldName, 200)
	fname.Required, fname.List, fname.Placeholder = true, "field-names", "Hộ tịch"
	levels := optionsOf(catalog.Levels, mapLabel(levelLabels))
	value := b.text("legal_time.value", "Thời hạn", f.LegalValue, 6)
	value.Required, value.InputMode, value.Small = true, "numeric", true
	unitSel := b.sel("legal_time.unit", "Tính theo", f.LegalUnit, optionsOf(catalog.DurationUnits, mapLabel(durationLabels)))
	unitSel.Small = true
	note := b.area("legal_time_note", "Thời hạn theo văn bản quy định (để người dân đọc)", f.LegalNote, 2)
	cut := b.text("cut_off", "Giờ chốt nhận hồ sơ", f.CutOff, 5)
	cut.InputMode, cut.Placeholder = "numeric", "15:00"
	cut.Help = "HH:MM; nhận sau giờ này tính từ ngày làm việc tiếp theo. Để trống nếu không có."
	basis := b.area("legal_basis", "Căn cứ pháp lý", f.LegalBasis, 4)
	basis.Help = "Mỗi văn bản một dòng."
	return []fieldGroup{
		{Fields: []editorField{code, name}},
		{Legend: "Lĩnh vực", Fields: []editorField{fcode, fname}},
		{Legend: "Cấp thực hiện", Fields: []editorField{
			b.sel("implementing_level", "Cấp thực hiện", f.Implementing, levels),
			b.sel("competent_level", "Cấp có thẩm quyền quyết định", f.Competent, levels)}},
		{Legend: "Thời hạn giải quyết", Help: "1 ngày làm việc = 8 giờ làm việc; thủ tục giải quyết trong ngày tính theo giờ.",
			Fields: []editorField{value, unitSel, cut, note}},
		{Legend: "Kết quả và dịch vụ công trực tuyến", Fields: []editorField{
			b.sel("result", "Hình thức kết quả", f.Result, optionsOf(catalog.ResultTypes, mapLabel(resultLabels))),
			b.sel("online_level", "Mức độ dịch vụ công trực tuyến", f.Online, optionsOf(catalog.OnlineLevels, mapLabel(editorOnlineText)))}},
		{Fields: []editorField{basis}},
	}
}

// rows draws a section's rows: the form's, then blank ones.
func rowsOf[T any](b *editorBuilder, sec *editorSection, rows []T, blanks int, legend func(i int, r T) string,
	summary func(r T) string, draw func(b *editorBuilder, path string, r T) []editorField) {
	var zero T
	for i := range len(rows) + blanks {
		r, blank := zero, i >= len(rows)
		if !blank {
			r = rows[i]
		}
		path := fmt.Sprintf("%s[%d]", sec.Key, i)
		row := editorRow{ID: elemID(path), Legend: legend(i, r), Open: blank}
		b.prefix = row.Legend
		row.Error = b.place(path, row.ID, "")
		row.Fields = draw(b, path+".", r)
		if !blank {
			row.Summary = clip(summary(r), 140)
			rm := b.check(path+".remove", "Xóa dòng này khi lưu", false)
			row.Remove = &rm
		}
		b.prefix = ""
		row.Open = row.Open || row.Error != "" || slices.ContainsFunc(row.Fields, func(f editorField) bool { return f.Error != "" })
		sec.Rows = append(sec.Rows, row)
	}
}

// clip shortens a summary to n characters.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

// amountText writes a typed amount as money when it is a number.
func amountText(s string) string {
	if v, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(s), 10, 64); err == nil && moneyRE.MatchString(s) {
		return locale.Money(v)
	}
	return s
}

func labelOr[T ~string](m map[T]string, v string) string { return cmp.Or(m[T(v)], v) }

func (b *editorBuilder) sections(f procForm, blanks map[string]int) []editorSection {
	fees := editorSection{ID: "sec-fees", Key: "fees", Title: "Phí, lệ phí", More: "fees", MoreLabel: "phí, lệ phí",
		Intro: "Mỗi khoản thu một dòng. Không thu phí thì để trống."}
	fees.Error = b.place("fees", fees.ID, fees.Title)
	rowsOf(b, &fees, f.Fees, blanks["fees"], func(i int, _ feeRow) string { return fmt.Sprintf("Khoản phí %d", i+1) },
		func(r feeRow) string {
			s := r.Name + " — " + amountText(r.Amount)
			if r.Per != "" {
				s += "/" + r.Per
			}
			if r.OnlineAmount != "" {
				s += "; trực tuyến " + amountText(r.OnlineAmount)
			}
			return s
		},
		func(b *editorBuilder, p string, r feeRow) []editorField {
			name := b.text(p+"name", "Tên khoản phí, lệ phí", r.Name, 300)
			name.Wide = true
			amount := b.text(p+"amount", "Số tiền (đồng)", r.Amount, 20)
			amount.InputMode, amount.Help, amount.Small = "numeric", "0 nếu miễn cho mọi người.", true
			online := b.text(p+"online_amount", "Nộp trực tuyến (đồng)", r.OnlineAmount, 20)
			online.InputMode, online.Help, online.Small = "numeric", "Để trống nếu như nộp trực tiếp.", true
			per := b.text(p+"per", "Tính theo", r.Per, 100)
			per.Placeholder, per.Help = "trường hợp", "Đơn vị thu: trường hợp, bản sao, trang…"
			exempt, note := b.area(p+"exemptions", "Đối tượng được miễn, giảm", r.Exemptions, 2), b.area(p+"note", "Ghi chú", r.Note, 2)
			exempt.Wide, note.Wide = false, false
			return []editorField{name, amount, online, per, exempt, note}
		})
	papers := editorSection{ID: "sec-papers", Key: "papers", Title: "Thành phần hồ sơ", More: "papers", MoreLabel: "thành phần hồ sơ",
		Intro: "Mỗi loại giấy tờ một dòng."}
	papers.Error = b.place("papers", papers.ID, papers.Title)
	paperForms := optionsOf(catalog.PaperForms, mapLabel(paperFormLabels))
	rowsOf(b, &papers, f.Papers, blanks["papers"], func(i int, _ paperRow) string { return fmt.Sprintf("Giấy tờ %d", i+1) },
		func(r paperRow) string {
			s := labelOr(paperFormLabels, r.Form) + ", " + cmp.Or(r.Quantity, "1") + " bản"
			if r.Required {
				s += ", bắt buộc"
			} else {
				s += ", nếu có"
			}
			return s + " — " + r.Name
		},
		func(b *editorBuilder, p string, r paperRow) []editorField {
			if r.Form == "" {
				r.Form = string(catalog.PaperOriginal)
			}
			if r.Quantity == "" {
				r.Quantity = "1"
			}
			qty := b.text(p+"quantity", "Số lượng", r.Quantity, 3)
			qty.InputMode, qty.Small = "numeric", true
			form := b.sel(p+"form", "Loại", r.Form, paperForms)
			form.Small = true
			tpl := b.text(p+"template", "Tệp mẫu đơn, tờ khai", r.Template, 200)
			tpl.Help = "Không bắt buộc; ví dụ to-khai.docx."
			req := b.check(p+"required", "Bắt buộc với mọi hồ sơ", r.Required)
			req.Wide = true
			return []editorField{b.area(p+"name", "Tên giấy tờ", r.Name, 2), form, qty, tpl, req}
		})
	form := editorSection{ID: "sec-form", Key: "form", Title: "Biểu mẫu điện tử", More: "form", MoreLabel: "biểu mẫu điện tử",
		Intro: "Các câu hỏi người nộp trực tuyến điền (tờ khai điện tử). Mỗi câu hỏi một dòng."}
	form.Error = b.place("form", form.ID, form.Title)
	types := optionsOf(catalog.FieldTypes, mapLabel(fieldTypeLabels))
	rowsOf(b, &form, f.Form, blanks["form"], func(i int, _ questionRow) string { return fmt.Sprintf("Câu hỏi %d", i+1) },
		func(r questionRow) string {
			s := r.Label + " (" + r.Name + ") — " + labelOr(fieldTypeLabels, r.Type)
			if r.Required {
				s += ", bắt buộc"
			}
			return s
		},
		func(b *editorBuilder, p string, r questionRow) []editorField {
			if r.Type == "" {
				r.Type = string(catalog.FieldText)
			}
			name := b.text(p+"name", "Tên trường", r.Name, 63)
			name.Help, name.Placeholder = "Viết thường không dấu: a-z, 0-9, _; đổi tên là phiên bản mới.", "child_name"
			maxLen := b.text(p+"max_length", "Độ dài tối đa", r.MaxLength, 4)
			maxLen.InputMode, maxLen.Help, maxLen.Small = "numeric", "Ký tự; để trống: 2000.", true
			req := b.check(p+"required", "Bắt buộc khi nộp trực tuyến", r.Required)
			req.Small = true
			help := b.area(p+"help", "Hướng dẫn", r.Help, 2)
			opts := b.area(p+"options", "Các lựa chọn", r.Options, 2)
			opts.Help = "Mỗi dòng một lựa chọn; chỉ dùng cho loại Lựa chọn."
			help.Wide, opts.Wide = false, false
			return []editorField{name, b.text(p+"label", "Câu hỏi hiển thị", r.Label, 300), b.sel(p+"type", "Loại", r.Type, types),
				maxLen, req, help, opts}
		})
	steps := editorSection{ID: "sec-workflow", Key: "workflow.steps", Title: "Quy trình nội bộ", More: "steps", MoreLabel: "bước quy trình",
		Intro: "Các bước theo thứ tự, từ tiếp nhận đến trả kết quả. Bước cuối cùng, và chỉ bước đó, được trả kết quả."}
	steps.Error = b.place("workflow", steps.ID, steps.Title)
	roles := append([]option{{"", "— Chọn vai trò —"}}, optionsOf(auth.OfficeRoles, auth.Role.Label)...)
	rowsOf(b, &steps, f.Steps, blanks["steps"], func(i int, r stepRow) string {
		if r.Name != "" {
			return fmt.Sprintf("Bước %d (%s)", i+1, r.Name)
		}
		return fmt.Sprintf("Bước %d", i+1)
	}, func(r stepRow) string {
		var acts []string
		for _, a := range r.Actions {
			acts = append(acts, labelOr(actionLabels, a))
		}
		return cmp.Or(auth.Role(r.Role).Label(), "chưa chọn vai trò") + ", " + cmp.Or(r.Budget, "?") + " giờ — " + strings.Join(acts, ", ")
	}, func(b *editorBuilder, p string, r stepRow) []editorField {
		budget := b.text(p+"budget_hours", "Thời gian (giờ)", r.Budget, 8)
		budget.InputMode, budget.Help, budget.Small = "decimal", "Giờ làm việc, bội của 0,25: 4 hoặc 1,5.", true
		role := b.sel(p+"role", "Vai trò xử lý", r.Role, roles)
		role.Small = true
		acts := editorField{Name: p + "actions", Label: "Thao tác được phép", Kind: "checks", Wide: true}
		for _, a := range catalog.Actions {
			acts.Checks = append(acts.Checks, checkOption{ID: elemID(p + "actions-" + string(a)), Value: string(a),
				Label: actionLabels[a], Checked: slices.Contains(r.Actions, string(a))})
		}
		acts.ID = acts.Checks[0].ID // the summary links to the first box
		acts = b.field(acts)
		return []editorField{b.text(p+"name", "Tên bước", r.Name, 200), role, budget, acts}
	})
	secs := []editorSection{fees, papers, form, steps}
	// A problem of the whole section (the budgets over the legal time) is fixed in its
	// rows: open them all.
	for i := range secs {
		if secs[i].Error != "" {
			for j := range secs[i].Rows {
				secs[i].Rows[j].Open = true
			}
		}
	}
	return secs
}

// resolve finds where a problem's path is drawn: the path itself, or the nearest
// enclosing one ("legal_basis[2]" → "legal_basis", "workflow.steps" → "workflow").
func resolve(path string, anchors map[string]anchor) (string, bool) {
	for p := path; p != ""; {
		if _, ok := anchors[p]; ok {
			return p, true
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return "", false
}

// editorState is what an editor page is drawn from.
type editorState struct {
	unit        unit.Unit
	isNew       bool
	form        procForm
	proc        catalog.Procedure // as parsed from the form, for the warnings and the budget
	problems    []catalog.Problem
	more        string // the section that asked for one more row
	version     int
	inForce     int
	draftStored bool
	notice      string
	sources     int
	unconfirmed []string
}

func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, st editorState, status int) error {
	ctx := r.Context()
	blanks := map[string]int{}
	for _, sec := range sections {
		blanks[sec] = max(blankRows, st.form.blanks[sec])
		if sec == st.more {
			blanks[sec]++
		}
	}
	// The rows a section may have, blank ones included.
	capRows := func(sec string, n int) {
		blanks[sec] = max(0, min(blanks[sec], maxEditorRows-n))
	}
	capRows("fees", len(st.form.Fees))
	capRows("papers", len(st.form.Papers))
	capRows("form", len(st.form.Form))
	capRows("steps", len(st.form.Steps))

	draw := func(b *editorBuilder) ([]fieldGroup, []editorSection) {
		return b.general(st.form, st.isNew), b.sections(st.form, blanks)
	}
	first := &editorBuilder{errs: map[string][]string{}, anchors: map[string]anchor{}}
	draw(first)
	b := &editorBuilder{errs: map[string][]string{}, anchors: map[string]anchor{}}
	type placed struct {
		link errorLink
		seq  int
	}
	locate := func(p catalog.Problem) (errorLink, string, int) {
		msg := sentence(p.Message)
		if key, ok := resolve(p.Path, first.anchors); ok {
			a := first.anchors[key]
			return errorLink{ID: a.id, Label: a.label, Message: msg}, key, a.seq
		}
		label := cmp.Or(p.Path, "Thủ tục")
		return errorLink{Label: label, Message: msg}, "", len(first.anchors)
	}
	var errs []placed
	for _, p := range st.problems {
		link, key, seq := locate(p)
		if key != "" {
			b.errs[key] = append(b.errs[key], link.Message+".")
		}
		errs = append(errs, placed{link, seq})
	}
	slices.SortStableFunc(errs, func(a, b placed) int { return cmp.Compare(a.seq, b.seq) })
	general, secs := draw(b)

	v := editorView{Unit: st.unit, UnitQuery: unitQuery(r), New: st.isNew, Code: st.form.Code,
		Version: st.version, InForce: st.inForce, DraftStored: st.draftStored, Notice: st.notice,
		General: general, Sections: secs, Sources: st.sources, Unconfirmed: st.unconfirmed}
	if st.isNew {
		v.Action = "/admin/procedures" + v.UnitQuery
	} else {
		v.Action = "/admin/procedures/" + st.form.Code + v.UnitQuery
		v.PublishAction = "/admin/procedures/" + st.form.Code + "/publish" + v.UnitQuery
	}
	for _, e := range errs {
		v.Errors = append(v.Errors, e.link)
	}
	for _, p := range st.proc.Warnings() {
		if slices.ContainsFunc(st.problems, func(q catalog.Problem) bool { return q.Path == p.Path && q.Message == p.Message }) {
			continue
		}
		link, _, _ := locate(p)
		v.Warnings = append(v.Warnings, link)
	}
	sum, legal := st.proc.Workflow.BudgetHours(), st.proc.LegalHours()
	v.Budget = fmt.Sprintf("Tổng thời gian các bước: %s giờ", hoursText(sum))
	if legal > 0 {
		v.Budget += fmt.Sprintf(" / thời hạn %d giờ", legal)
		v.BudgetOver = sum > float64(legal)
	}
	// After "Thêm dòng", the first blank row of that section takes the focus; after a
	// mistake, the error summary does (the template).
	if st.more != "" && len(v.Errors) == 0 {
		for i := range v.Sections {
			sec := &v.Sections[i]
			if sec.More != st.more {
				continue
			}
			for j := range sec.Rows {
				if sec.Rows[j].Remove == nil && len(sec.Rows[j].Fields) > 0 {
					sec.Rows[j].Fields[0].Autofocus = true
					break
				}
			}
		}
	}
	fields, err := s.Store.ProcedureFields(ctx, st.unit.ID)
	if err != nil {
		return err
	}
	v.Fields = fields
	title := "Sửa thủ tục " + st.form.Code
	if st.isNew {
		title = "Thêm thủ tục"
	}
	page := s.view(r, title)
	page.Area, page.Nav, page.Data = "office", "procedures", v
	if status == http.StatusOK {
		page.Flash = s.sessions.PopString(ctx, "flash")
	}
	return s.views.render(w, status, "admin_procedure", page)
}
