package catalog

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// Procedure is one version of an administrative procedure (thủ tục hành chính) as a
// unit carries it out: what the citizen reads on the portal, what the counter officer
// checks at receipt, and the workflow and legal time every dossier of it follows.
type Procedure struct {
	// Code is the procedure's code in the national database of administrative
	// procedures, "1.001193", optionally with a local suffix, "1.001193.H42".
	Code string `json:"code"`
	Name string `json:"name"`
	// Field is the procedure's domain (lĩnh vực).
	Field Field `json:"field"`
	// ImplementingLevel is where the procedure is carried out (cấp thực hiện);
	// CompetentLevel is the level of the body that decides (cơ quan có thẩm quyền),
	// which differs for procedures received at the commune and decided by the province.
	ImplementingLevel Level `json:"implementing_level"`
	CompetentLevel    Level `json:"competent_level"`
	// LegalTime is the processing time the law sets (thời hạn giải quyết).
	LegalTime Duration `json:"legal_time"`
	// LegalTimeNote says the legal time as the law words it, with its exceptions
	// ("trường hợp cần xác minh thì không quá 05 ngày làm việc"), for citizens.
	LegalTimeNote string `json:"legal_time_note,omitempty"`
	// CutOff is the clock time, "15:00", after which a dossier received counts from the
	// next working day; "" when the procedure has none. It is a per-procedure setting:
	// no general rule exists.
	CutOff      string      `json:"cut_off,omitempty"`
	Fees        []Fee       `json:"fees,omitempty"`
	Papers      []Paper     `json:"papers,omitempty"`
	Result      ResultType  `json:"result"`
	OnlineLevel OnlineLevel `json:"online_level"`
	LegalBasis  []string    `json:"legal_basis,omitempty"`
	// Form is what an online applicant fills in (tờ khai điện tử).
	Form     []FormField `json:"form,omitempty"`
	Workflow Workflow    `json:"workflow"`
	// Version numbers the versions of one code from 1; a dossier keeps the version it
	// was received under (storage enforces it), so editing a published procedure makes
	// a new version (NextVersion) instead of changing the old one.
	Version int    `json:"version"`
	Status  Status `json:"status"`
	// Sources are the public pages the content was checked against; Unconfirmed lists,
	// in Vietnamese, what could not be checked. Both travel with the procedure so that
	// whoever edits it next knows what to trust.
	Sources     []Source `json:"sources,omitempty"`
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

// Field is a procedure's domain (lĩnh vực): a short stable key and its name.
type Field struct {
	Code string `json:"code"` // "ho-tich"
	Name string `json:"name"` // "Hộ tịch"
}

// Level is an administrative level at which a procedure is carried out or decided.
type Level string

const (
	LevelCommune  Level = "commune"  // cấp xã (xã, phường, đặc khu)
	LevelProvince Level = "province" // cấp tỉnh
	LevelCentral  Level = "central"  // cấp trung ương (bộ, ngành)
)

// Levels lists every level.
var Levels = []Level{LevelCommune, LevelProvince, LevelCentral}

// ResultType is the form of the result handed to the applicant.
type ResultType string

const (
	ResultPaper      ResultType = "paper"      // bản giấy
	ResultElectronic ResultType = "electronic" // kết quả điện tử (bản điện tử có ký số)
	ResultBoth       ResultType = "both"       // cả bản giấy và bản điện tử
)

// ResultTypes lists every result type.
var ResultTypes = []ResultType{ResultPaper, ResultElectronic, ResultBoth}

// OnlineLevel is the level of online public service (Decree 42/2022/NĐ-CP).
type OnlineLevel string

const (
	OnlineFull    OnlineLevel = "full"    // dịch vụ công trực tuyến toàn trình
	OnlinePartial OnlineLevel = "partial" // dịch vụ công trực tuyến một phần
	OnlineNone    OnlineLevel = "none"    // chỉ nộp trực tiếp hoặc qua bưu chính
)

// OnlineLevels lists every online level.
var OnlineLevels = []OnlineLevel{OnlineFull, OnlinePartial, OnlineNone}

// Fee is one charge (phí, lệ phí) of a procedure.
type Fee struct {
	Name string `json:"name"`
	// Amount is what the counter collects, in đồng; 0 for a charge the law waives
	// for everyone.
	Amount int64 `json:"amount"`
	// OnlineAmount is what an online applicant pays when it differs: many provinces
	// reduce or waive fees for online filing. nil: the same as Amount.
	OnlineAmount *int64 `json:"online_amount,omitempty"`
	// Per is the unit the amount is charged per: "bản", "trang", "trường hợp".
	Per string `json:"per,omitempty"`
	// Exemptions says who pays nothing, as the law words it.
	Exemptions string `json:"exemptions,omitempty"`
	// Note says what the amount alone cannot ("từ trang thứ ba 1.000 đồng/trang").
	Note string `json:"note,omitempty"`
}

// PerCopy reports whether the fee is charged per copy asked for ("bản", "bản sao"): a
// payment request multiplies it by the number of copies (payment.NewRequestFor).
func (f Fee) PerCopy() bool {
	switch strings.ToLower(strings.TrimSpace(f.Per)) {
	case "bản", "bản sao", "bản chính", "bản trích lục":
		return true
	}
	return false
}

// AmountFor returns the amount due by the channel the dossier came through.
func (f Fee) AmountFor(online bool) int64 {
	if online && f.OnlineAmount != nil {
		return *f.OnlineAmount
	}
	return f.Amount
}

// maxAmount bounds a fee (one thousand billion đồng); more is a typing mistake, and
// the bound keeps sums of fees far from overflow.
const maxAmount = 1_000_000_000_000

// Paper is one paper of the dossier (thành phần hồ sơ).
type Paper struct {
	Name     string    `json:"name"`
	Form     PaperForm `json:"form"`
	Quantity int       `json:"quantity"`
	Required bool      `json:"required"`
	// Template is the file name of the blank form to download ("to-khai-khai-sinh.docx"),
	// stored next to the catalog by the blob store.
	Template string `json:"template,omitempty"`
}

// PaperForm says whether a paper is an original or a copy.
type PaperForm string

const (
	PaperOriginal PaperForm = "original" // bản chính
	PaperCopy     PaperForm = "copy"     // bản sao (có chứng thực hoặc cấp từ sổ gốc)
	PaperEither   PaperForm = "either"   // bản chính hoặc bản sao
)

// PaperForms lists every paper form.
var PaperForms = []PaperForm{PaperOriginal, PaperCopy, PaperEither}

// Source is a public page a procedure's content was checked against.
type Source struct {
	URL  string `json:"url"`
	Note string `json:"note,omitempty"` // what the page confirms
}

var (
	// codeRE: a digit, a dot, six digits (the national code), then at most four
	// dot-separated local groups ("1.001193.H42", "2.000815.000.00.00.H42").
	codeRE     = regexp.MustCompile(`^[1-9]\.[0-9]{6}(\.[0-9A-Z]{1,4}){0,4}$`)
	fieldRE    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	templateRE = regexp.MustCompile(`(?i)\.(docx?|pdf|odt|xlsx?)$`)
)

// NationalCode returns the code without its local suffix: "1.001193" for
// "1.001193.H42", the key of the national portal.
func (p Procedure) NationalCode() string {
	if len(p.Code) > 8 {
		return p.Code[:8]
	}
	return p.Code
}

// LegalHours returns the legal time in working hours, the bound of the workflow.
func (p Procedure) LegalHours() int { return p.LegalTime.WorkingHours() }

// CutOffClock returns the cut-off time and whether the procedure has one.
func (p Procedure) CutOffClock() (calendar.Clock, bool) {
	if p.CutOff == "" {
		return 0, false
	}
	c, err := calendar.ParseClock(p.CutOff)
	return c, err == nil
}

// SearchText is the text search looks in: the code, the name and the field. The store
// keeps Fold of it in a column.
func (p Procedure) SearchText() string {
	return p.Code + " " + p.Name + " " + p.Field.Name
}

// Validate checks the structural rules every stored version must meet, drafts
// included, and reports every problem found (a *ValidationError wrapping ErrInvalid).
func (p Procedure) Validate() error {
	ps := problems{code: p.Code}
	p.check(&ps)
	return ps.err()
}

// Warnings returns the editor's notices: problems a draft may have while it is being
// worked on, but that forbid publishing it.
func (p Procedure) Warnings() []Problem {
	ps := problems{code: p.Code}
	p.warn(&ps)
	return ps.list
}

// ValidateForPublish checks what Validate does and turns the warnings into errors:
// a published version must have a workflow that fits in the legal time, because the
// officers' deadlines are cut from it, and an online procedure must have a form.
func (p Procedure) ValidateForPublish() error {
	ps := problems{code: p.Code}
	p.check(&ps)
	p.warn(&ps)
	return ps.err()
}

func (p Procedure) warn(ps *problems) {
	if legal, sum := float64(p.LegalHours()), p.Workflow.BudgetHours(); p.LegalHours() > 0 && sum > legal {
		ps.add("workflow", "tổng thời gian các bước (%s giờ làm việc) vượt thời hạn giải quyết %s (%d giờ làm việc)",
			formatHours(sum), p.LegalTime, p.LegalHours())
	}
	if p.OnlineLevel == OnlineFull || p.OnlineLevel == OnlinePartial {
		if len(p.Form) == 0 {
			ps.add("form", "thủ tục có dịch vụ công trực tuyến nhưng chưa có biểu mẫu điện tử cho người nộp trực tuyến")
		}
	}
}

func (p Procedure) check(ps *problems) {
	switch {
	case p.Code == "":
		ps.add("code", "mã thủ tục không được để trống")
	case !codeRE.MatchString(p.Code):
		ps.add("code", "mã thủ tục %q không đúng dạng; ví dụ 1.001193 hoặc 1.001193.H42", p.Code)
	}
	checkText(ps, "name", p.Name, "tên thủ tục", 500)
	if !fieldRE.MatchString(p.Field.Code) || len(p.Field.Code) > 64 {
		ps.add("field.code", "mã lĩnh vực %q phải viết thường không dấu, nối bằng dấu gạch ngang, ví dụ ho-tich", p.Field.Code)
	}
	checkText(ps, "field.name", p.Field.Name, "tên lĩnh vực", 200)
	checkEnum(ps, "implementing_level", p.ImplementingLevel, Levels, "cấp thực hiện")
	checkEnum(ps, "competent_level", p.CompetentLevel, Levels, "cấp có thẩm quyền")
	p.LegalTime.check(ps, "legal_time")
	if p.CutOff != "" {
		if c, err := calendar.ParseClock(p.CutOff); err != nil || c == 0 || c >= calendar.NewClock(24, 0) {
			ps.add("cut_off", "giờ chốt nhận hồ sơ %q phải theo dạng HH:MM trong ngày, ví dụ 15:00", p.CutOff)
		}
	}
	for i, f := range p.Fees {
		f.check(ps, fmt.Sprintf("fees[%d]", i), p.OnlineLevel)
	}
	for i, pp := range p.Papers {
		pp.check(ps, fmt.Sprintf("papers[%d]", i))
	}
	checkEnum(ps, "result", p.Result, ResultTypes, "hình thức kết quả")
	checkEnum(ps, "online_level", p.OnlineLevel, OnlineLevels, "mức độ dịch vụ công trực tuyến")
	for i, b := range p.LegalBasis {
		checkText(ps, fmt.Sprintf("legal_basis[%d]", i), b, "căn cứ pháp lý", 1000)
	}
	seen := make(map[string]bool, len(p.Form))
	for i, f := range p.Form {
		f.check(ps, fmt.Sprintf("form[%d]", i), seen)
	}
	p.Workflow.check(ps)
	if p.Version < 1 {
		ps.add("version", "số phiên bản phải từ 1 trở lên")
	}
	checkEnum(ps, "status", p.Status, Statuses, "trạng thái")
	for i, s := range p.Sources {
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ps.add(fmt.Sprintf("sources[%d].url", i), "nguồn phải là địa chỉ http hoặc https đầy đủ")
		}
	}
	for i, u := range p.Unconfirmed {
		checkText(ps, fmt.Sprintf("unconfirmed[%d]", i), u, "ghi chú chưa xác minh", 1000)
	}
}

func (f Fee) check(ps *problems, path string, online OnlineLevel) {
	checkText(ps, path+".name", f.Name, "tên khoản phí, lệ phí", 300)
	switch {
	case f.Amount < 0:
		ps.add(path+".amount", "số tiền không được âm")
	case f.Amount > maxAmount:
		ps.add(path+".amount", "số tiền quá lớn")
	}
	if f.OnlineAmount != nil {
		switch {
		case *f.OnlineAmount < 0:
			ps.add(path+".online_amount", "số tiền không được âm")
		case *f.OnlineAmount > maxAmount:
			ps.add(path+".online_amount", "số tiền quá lớn")
		case online == OnlineNone:
			ps.add(path+".online_amount", "thủ tục không có dịch vụ công trực tuyến nên không có mức thu trực tuyến")
		}
	}
}

func (pp Paper) check(ps *problems, path0 string) {
	checkText(ps, path0+".name", pp.Name, "tên giấy tờ", 1000)
	checkEnum(ps, path0+".form", pp.Form, PaperForms, "loại giấy tờ")
	if pp.Quantity < 1 || pp.Quantity > 100 {
		ps.add(path0+".quantity", "số lượng phải từ 1 đến 100")
	}
	if t := pp.Template; t != "" {
		if path.Base(t) != t || strings.ContainsAny(t, `\/:`) || strings.HasPrefix(t, ".") || len(t) > 200 || !templateRE.MatchString(t) {
			ps.add(path0+".template", "mẫu đơn %q phải là tên tệp (không có thư mục) .doc, .docx, .pdf, .odt, .xls hoặc .xlsx", t)
		}
	}
}

// checkText requires a non-empty text of at most max characters.
func checkText(ps *problems, path, s, what string, max int) {
	switch {
	case strings.TrimSpace(s) == "":
		ps.add(path, "%s không được để trống", what)
	case utf8.RuneCountInString(s) > max:
		ps.add(path, "%s dài quá %d ký tự", what, max)
	}
}

// checkEnum requires v to be one of the allowed values.
func checkEnum[T ~string](ps *problems, path string, v T, allowed []T, what string) {
	if !slices.Contains(allowed, v) {
		ps.add(path, "%s %q không hợp lệ; dùng một trong %q", what, v, allowed)
	}
}
