package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
)

// The intake form shared by online filing (/nop-ho-so) and counter intake
// (/office/receive): the applicant, the procedure's own questions, the idempotency key
// that makes a double tap file once, and the errors next to their fields.

// inputField is one question as a template draws it. Name is what the browser posts and
// what dossier.FieldError calls it ("applicant.full_name", "fields.child_name").
type inputField struct {
	ID, Name, Label, Help string
	Kind                  string // input, textarea, select
	Type, InputMode       string // of an input
	Autocomplete          string
	MaxLength             int
	Required              bool
	Options               []string
	Choices               []option // a select whose values differ from its labels
	Value, Error          string
	Autofocus             bool
	// Requester marks a question about the requester that repeats the applicant's
	// (dossier.RequesterFields): left blank, it takes the applicant's answer.
	Requester bool
}

// DescribedBy lists the ids of the help text and the error, for aria-describedby.
func (f inputField) DescribedBy() string {
	var ids []string
	if f.Help != "" {
		ids = append(ids, f.ID+"-help")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// fieldID turns a posted name into an element id: "applicant.full_name" → "applicant-full_name".
func fieldID(name string) string { return strings.ReplaceAll(name, ".", "-") }

// newInput draws a question of type t.
func newInput(name, label string, t catalog.FieldType, required bool, help string, maxLength int, options []string) inputField {
	f := inputField{ID: fieldID(name), Name: name, Label: label, Help: help, Kind: "input", Type: "text", MaxLength: maxLength,
		Required: required, Options: options}
	switch t {
	case catalog.FieldText:
		if maxLength == 0 || maxLength > 300 {
			f.Kind = "textarea"
		}
	case catalog.FieldDate:
		f.Type = "date"
	case catalog.FieldNumber:
		f.InputMode = "decimal"
	case catalog.FieldChoice:
		f.Kind = "select"
	case catalog.FieldIDNumber:
		f.InputMode, f.MaxLength, f.Autocomplete = "numeric", 12, "off"
	case catalog.FieldPhone:
		f.Type, f.Autocomplete = "tel", "tel"
	case catalog.FieldEmail:
		f.Type, f.Autocomplete = "email", "email"
	}
	return f
}

// applicantQuestion is one question about the applicant.
type applicantQuestion struct {
	key, label, help string
	typ              catalog.FieldType
	maxLength        int
	autocomplete     string
	electronic       bool // required when filed electronically (dossier.check's rule)
	always           bool // required on every channel
}

var applicantQuestions = []applicantQuestion{
	{key: "full_name", label: "Họ và tên người nộp", typ: catalog.FieldText, maxLength: 100, autocomplete: "name", always: true},
	{key: "id_number", label: "Số định danh cá nhân (số thẻ căn cước)", help: "12 chữ số in trên thẻ căn cước", typ: catalog.FieldIDNumber, electronic: true},
	{key: "phone", label: "Số điện thoại di động", help: "Để nhận thông báo về hồ sơ", typ: catalog.FieldPhone, electronic: true},
	{key: "email", label: "Thư điện tử", help: "Không bắt buộc; để nhận giấy hẹn và thông báo qua thư", typ: catalog.FieldEmail, maxLength: 254},
	{key: "address", label: "Địa chỉ", typ: catalog.FieldText, maxLength: 300, autocomplete: "street-address"},
}

// intakeForm is what the intake templates receive.
type intakeForm struct {
	Procedure store.StoredProcedure
	Action    string // where the form posts
	Key       string // idempotency key, new for each form shown
	Channel   dossier.Channel
	Channels  []dossier.Channel // choices at the counter
	Applicant []inputField
	Fields    []inputField
	Owner     *inputField  // assisted filing only: the citizen filed for, among those who consented
	NoOwners  bool         // assisted filing, and nobody has consented yet
	Papers    []paperInput // online filing: a file input per paper
	Checks    []paperCheck // counter intake: the papers received, ticked, with form and count
	Desk      string       // counter intake: the desk's name, as form 01 prints it
	Fee       *feeFields   // counter intake of a fee-bearing procedure: copies, exemption
	Errors    []errorLink
	UnitName  string
	UnitQuery string // "?unit=CODE" for links back to the same catalog
}

// errorLink is one line of the error summary, linking to its field.
type errorLink struct{ ID, Label, Message string }

// formValues are the answers as posted, by name.
type formValues map[string]string

// readValues takes from the posted form exactly the questions the procedure asks (other
// names are ignored, so a stale form cannot store answers nobody asked for).
func readValues(r *http.Request, p catalog.Procedure, assisted bool) formValues {
	v := formValues{}
	for _, q := range applicantQuestions {
		v["applicant."+q.key] = r.PostFormValue("applicant." + q.key)
	}
	for _, f := range p.Form {
		v["fields."+f.Name] = r.PostFormValue("fields." + f.Name)
	}
	if assisted {
		v["owner"] = strings.TrimSpace(r.PostFormValue("owner"))
	}
	return v
}

func (v formValues) applicant() dossier.Applicant {
	return dossier.Applicant{FullName: v["applicant.full_name"], IDNumber: v["applicant.id_number"], Phone: v["applicant.phone"],
		Email: v["applicant.email"], Address: v["applicant.address"]}
}

func (v formValues) fields() map[string]string {
	out := map[string]string{}
	for k, val := range v {
		if name, ok := strings.CutPrefix(k, "fields."); ok {
			out[name] = val
		}
	}
	return out
}

// hash is the idempotency body hash: every posted answer, sorted by name, with what
// else decides the dossier (procedure, channel, unit).
func (v formValues) hash(extra ...string) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, e := range extra {
		b.WriteString(e + "\x00")
	}
	for _, k := range keys {
		b.WriteString(k + "=" + v[k] + "\x00")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// buildForm draws the questions with the values and errors of a previous attempt.
// electronic says which applicant fields are required; counter intake leaves the
// procedure's own questions optional (the paper form holds them). owners, for an
// assisted filing (non-nil), are the citizens who consented, to choose from.
func buildForm(p catalog.Procedure, v formValues, electronic bool, owners []option, errs map[string]string) ([]inputField, []inputField, *inputField, []errorLink) {
	var links []errorLink
	shown := map[string]bool{}
	fill := func(f *inputField) {
		f.Value, f.Error = v[f.Name], errs[f.Name]
		shown[f.Name] = true
		if f.Error != "" {
			links = append(links, errorLink{f.ID, f.Label, f.Error})
		}
	}
	var applicant []inputField
	for _, q := range applicantQuestions {
		f := newInput("applicant."+q.key, q.label, q.typ, q.always || (electronic && q.electronic), q.help, q.maxLength, nil)
		if q.autocomplete != "" {
			f.Autocomplete = q.autocomplete
		}
		fill(&f)
		applicant = append(applicant, f)
	}
	var fields []inputField
	for _, ff := range p.Form {
		f := newInput("fields."+ff.Name, ff.Label, ff.Type, electronic && ff.Required, ff.Help, ff.MaxLength, ff.Options)
		if _, ok := dossier.RequesterFields[ff.Name]; ok {
			// The applicant is asked once: blank means the applicant.
			f.Requester, f.Required = true, false
			f.Help = strings.TrimSpace(f.Help + " Để trống nếu người yêu cầu là người nộp hồ sơ.")
		}
		fill(&f)
		fields = append(fields, f)
	}
	var c *inputField
	if owners != nil {
		f := newInput("owner", "Nộp hộ cho người dân", catalog.FieldChoice, true,
			"Chỉ có tên những người đã đồng ý cho bạn nộp hộ trên tài khoản của họ.", 0, nil)
		f.Choices = owners
		fill(&f)
		c = &f
	}
	// Problems with no field on the page (a channel, an answer the form no longer asks).
	var rest []string
	for name := range errs {
		if !shown[name] {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		links = append(links, errorLink{"", name, errs[name]})
	}
	// The first wrong field takes the focus when the form comes back.
	if len(links) > 0 {
		for _, list := range [][]inputField{applicant, fields} {
			for i := range list {
				if list[i].ID == links[0].ID {
					list[i].Autofocus = true
				}
			}
		}
		if c != nil && c.ID == links[0].ID {
			c.Autofocus = true
		}
	}
	return applicant, fields, c, links
}

// fieldErrors returns the messages of a dossier.FieldError by field name, capitalised.
func fieldErrors(err error) (map[string]string, bool) {
	var fe *dossier.FieldError
	if !errors.As(err, &fe) {
		return nil, false
	}
	out := map[string]string{}
	for k, m := range fe.Fields {
		out[k] = sentence(m)
	}
	return out, true
}

// newKey returns a fresh idempotency key for a form.
func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var keyRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// phoneKeyRE is an Idempotency-Key header a page's script sends: the API's rule (up to
// 100 letters, digits, hyphens and underscores), which a phone's crypto.randomUUID()
// meets.
var phoneKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// idempotency reads the request's key: the Idempotency-Key header the citizen app sends
// when it replays a filing queued on the phone (docs/APP.md), else the form's hidden
// key (a double tap without JavaScript). Both go through the same dossier.Idempotency
// as the API's, under the same principal, so a replay returns the dossier filed the
// first time. A request with neither well formed files without the protection rather
// than failing.
func idempotency(r *http.Request, p *auth.Principal, hash string) dossier.Idempotency {
	key := r.Header.Get("Idempotency-Key")
	if !phoneKeyRE.MatchString(key) {
		key = r.PostFormValue("key")
		if !keyRE.MatchString(key) {
			return dossier.Idempotency{}
		}
	}
	return dossier.Idempotency{Principal: "user:" + strconv.FormatInt(p.UserID, 10), Key: key, BodyHash: hash}
}

// errKeyReused is shown when a form already sent is sent again with other answers (a
// page restored by the back button).
var errKeyReused = apperr.New(apperr.Conflict, "form_already_sent",
	"Biểu mẫu này đã được gửi trước đó. Vui lòng kiểm tra lại thông tin rồi gửi lại; hồ sơ đã nộp nằm trong trang tài khoản của bạn.")

// OwnFields are the procedure's questions but those about a requester who is the
// applicant.
func (f intakeForm) OwnFields() []inputField {
	return slices.DeleteFunc(slices.Clone(f.Fields), func(x inputField) bool { return x.Requester })
}

// RequesterFields are the questions about the requester, asked only when the requester
// is someone other than the applicant.
func (f intakeForm) RequesterFields() []inputField {
	return slices.DeleteFunc(slices.Clone(f.Fields), func(x inputField) bool { return !x.Requester })
}

// RequesterOpen reports whether the requester's questions are shown unfolded: something
// was typed there, or is wrong.
func (f intakeForm) RequesterOpen() bool {
	return slices.ContainsFunc(f.Fields, func(x inputField) bool { return x.Requester && (x.Value != "" || x.Error != "") })
}
