package dossier

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"golang.org/x/text/unicode/norm"
)

// FormatCode makes a dossier code: the receiving unit's electronic identifier, the
// receipt date (YYMMDD, Vietnam time) and the day's sequence, at least four digits.
func FormatCode(ident string, day calendar.Date, seq int) string {
	return fmt.Sprintf("%s-%02d%02d%02d-%04d", ident, day.Year%100, int(day.Month), day.Day, seq)
}

var codeRE = regexp.MustCompile(`^([0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2})-(\d{6})-(\d{4,9})$`)

// ErrBadCode is returned for text that is not a dossier code.
var ErrBadCode = apperr.New(apperr.Invalid, "invalid_dossier_code", "Mã hồ sơ không đúng dạng (ví dụ 000.31.37.H45-260126-0007).")

// ParseCode splits a dossier code into its parts. The date is checked to exist.
func ParseCode(code string) (ident string, day calendar.Date, seq int, err error) {
	m := codeRE.FindStringSubmatch(code)
	if m == nil {
		return "", calendar.Date{}, 0, ErrBadCode
	}
	yy, _ := strconv.Atoi(m[2][:2])
	mm, _ := strconv.Atoi(m[2][2:4])
	dd, _ := strconv.Atoi(m[2][4:])
	day = calendar.Date{Year: 2000 + yy, Month: time.Month(mm), Day: dd}
	if !day.IsValid() {
		return "", calendar.Date{}, 0, ErrBadCode
	}
	seq, _ = strconv.Atoi(m[3])
	// One spelling per code: more than four digits only when needed.
	if seq < 1 || (len(m[3]) > 4 && m[3][0] == '0') {
		return "", calendar.Date{}, 0, ErrBadCode
	}
	return m[1], day, seq, nil
}

// secretAlphabet has no look-alike characters (0/O, 1/I/L): citizens type the secret
// from paper.
const secretAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewSecret returns a look-up secret of 8 characters (about 40 bits; the look-up is
// rate-limited per address, so guessing is hopeless).
func NewSecret() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = secretAlphabet[int(b[i])%len(secretAlphabet)]
	}
	return string(b)
}

// FieldError lists every bad input of an intake, by field name, in Vietnamese.
type FieldError struct {
	Fields map[string]string
	Code   *apperr.Error // nil: ErrInvalidInput
}

func (e *FieldError) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for k, v := range e.Fields {
		parts = append(parts, k+": "+v)
	}
	return "dossier: invalid input: " + strings.Join(parts, "; ")
}

// Details lists the problems by field, sorted (apperr.Detailed).
func (e *FieldError) Details() []apperr.Detail {
	out := make([]apperr.Detail, 0, len(e.Fields))
	for k, v := range e.Fields {
		out = append(out, apperr.Detail{Field: k, Message: v})
	}
	slices.SortFunc(out, func(a, b apperr.Detail) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// Unwrap lets the error adapter find the kind and code: Code when set (a problem with
// its own stable code, drawn at its field), else ErrInvalidInput.
func (e *FieldError) Unwrap() error {
	if e.Code != nil {
		return e.Code
	}
	return ErrInvalidInput
}

// ErrInvalidInput is the kind of every intake validation error.
var ErrInvalidInput = apperr.New(apperr.Invalid, "invalid_dossier", "Thông tin hồ sơ chưa hợp lệ; xem từng trường.")

// Intake is what a new dossier is made from.
type Intake struct {
	Channel         Channel
	Applicant       Applicant
	Fields          map[string]string
	ReceivingUnitID int64
	CompetentUnitID int64 // 0: the receiving unit
	// OwnerID is the citizen account the dossier belongs to: who files online, or, for
	// an assisted filing, the citizen who consented to it (required; the filing
	// volunteer is the actor).
	OwnerID      int64
	NationalCode string // national_portal: the dossier's code on the national portal
	// QueueTicket is the queue ticket of the counter visit it was received from (the
	// counter's page checks that the officer serves it).
	QueueTicket string
	// Attachments come with the filing (photos or PDFs of the papers), their bytes
	// already in the blob store; they are recorded in the filing's transaction.
	Attachments []Attachment
	// Papers are the papers the officer received (form 01 lists them); none when the
	// intake does not say (an online filing sends files instead).
	Papers []Paper
	// Fee says how the dossier's fees are charged (Service.Fees bills it at filing).
	Fee FeeTerms
}

// FeeTerms are what a filing says about the dossier's fees (phí, lệ phí): the copies
// asked for, which multiply a fee charged per copy, and — recorded by the counter
// officer only — an exemption with its legal ground, instead of a payment request.
type FeeTerms struct {
	Copies          int // 0: one
	Exempt          bool
	ExemptionGround string
}

// MaxCopies bounds the copies one filing asks for.
const MaxCopies = 100

// ErrExemptionGround: an exemption from fees is recorded with its legal ground.
var ErrExemptionGround = apperr.New(apperr.Invalid, "fee_exemption_ground_required",
	"Ghi căn cứ pháp lý của việc miễn phí, lệ phí (ví dụ: khoản 1 Điều 11 Luật Hộ tịch).")

// Attachment is a file that comes with a filing: its description and the key of its
// bytes in the blob store (content-addressed, so a failed filing leaves at most an
// unreferenced blob).
type Attachment struct {
	Kind, Name, FileName, ContentType, BlobKey string
	Size                                       int64
	Digitised                                  bool  // scanned at the counter (Decision 766)
	UploadedBy                                 int64 // 0: unknown
}

// nationalCodeRE is what a national portal dossier code may look like: its codes are
// the unit's identifier and a date and number with dots and dashes (G22.99.01-250701-0001).
var nationalCodeRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,60}$`)

// ReceivedAtOnce reports whether a dossier of this channel is received when filed: at
// the counter and by post the officer holds the papers; electronic filings wait for the
// counter's check.
func (c Channel) ReceivedAtOnce() bool { return c == ChannelCounter || c == ChannelPost }

// New checks an intake and makes the dossier: received at once (counter, post) or
// submitted for the counter's check. Code and secret are set by the caller, which owns
// the sequence. The actor must be a counter officer of the receiving unit for counter
// and post intake, a digital-team member for assisted filing, anyone (a citizen) online.
func New(r Rules, in Intake, a Actor, now time.Time) (Dossier, Event, error) {
	var err error
	var assisted int64 // the volunteer filing, on the assisted channel only
	if in.Applicant, in.Fields, in.Papers, err = check(r.Procedure, in); err != nil {
		return Dossier{}, Event{}, err
	}
	switch in.Channel {
	case ChannelCounter, ChannelPost:
		if !a.P.Can(in.ReceivingUnitID, auth.RoleCounter) {
			return Dossier{}, Event{}, ErrNotYourStep
		}
	case ChannelAssisted:
		if !a.P.Can(in.ReceivingUnitID, auth.RoleDigitalTeam) {
			return Dossier{}, Event{}, ErrNotYourStep
		}
		assisted = a.P.UserID
	case ChannelNationalPortal:
		if !a.P.Can(in.ReceivingUnitID, auth.RoleSystemAdmin, auth.RoleUnitAdmin) {
			return Dossier{}, Event{}, ErrNotYourStep // the portal connector runs with an administrator's token
		}
	}
	if in.CompetentUnitID == 0 {
		in.CompetentUnitID = in.ReceivingUnitID
	}
	p := r.Procedure
	d := Dossier{
		ReceivingUnitID: in.ReceivingUnitID, CompetentUnitID: in.CompetentUnitID,
		ProcedureCode: p.Code, ProcedureVersion: p.Version, ProcedureName: p.Name,
		Channel: in.Channel, Applicant: in.Applicant, OwnerID: in.OwnerID, AssistedBy: assisted,
		NationalCode: in.NationalCode, QueueTicket: in.QueueTicket,
		Fields: in.Fields, Papers: in.Papers, Status: StatusSubmitted, SubmittedAt: now, StepStartedAt: now,
	}
	if in.Channel.ReceivedAtOnce() {
		if err := d.receive(r, now); err != nil {
			return Dossier{}, Event{}, err
		}
	}
	ev := Event{At: now, ActorName: a.Name(), Action: "submit", ToStatus: d.Status, Note: in.Channel.Label()}
	if d.Status == StatusReceived {
		ev.Action = ActReceive
	}
	if a.P != nil {
		ev.ActorID = a.P.UserID
	}
	return d, ev, nil
}

// check validates and normalises the applicant and the form fields, reporting every
// problem at once.
func check(p catalog.Procedure, in Intake) (Applicant, map[string]string, []Paper, error) {
	bad := map[string]string{}
	if _, ok := ParseChannel(string(in.Channel)); !ok {
		bad["channel"] = "kênh nộp phải là counter, online, national_portal, post hoặc assisted"
	}
	ap := in.Applicant
	clean := func(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }
	ap.FullName, ap.Address, ap.Email = clean(ap.FullName), clean(ap.Address), strings.TrimSpace(ap.Email)
	ap.IDNumber = strings.ReplaceAll(strings.TrimSpace(ap.IDNumber), " ", "")
	electronic := in.Channel.Electronic()
	switch n := utf8.RuneCountInString(ap.FullName); {
	case n == 0:
		bad["applicant.full_name"] = "cần họ và tên người nộp"
	case n > 100:
		bad["applicant.full_name"] = "họ và tên tối đa 100 ký tự"
	}
	switch {
	case ap.IDNumber == "" && electronic:
		bad["applicant.id_number"] = "cần số định danh cá nhân (CCCD) khi nộp trực tuyến"
	case ap.IDNumber != "":
		if err := catalog.CheckCitizenID(ap.IDNumber); err != nil {
			bad["applicant.id_number"] = err.Error()
		}
	}
	switch {
	case ap.Phone == "" && electronic:
		bad["applicant.phone"] = "cần số điện thoại để nhận thông báo"
	case ap.Phone != "":
		phone, err := catalog.NormalizePhone(ap.Phone)
		if err != nil {
			bad["applicant.phone"] = err.Error()
		}
		ap.Phone = phone
	}
	if ap.Email != "" {
		if a, err := mail.ParseAddress(ap.Email); err != nil || a.Address != ap.Email || len(ap.Email) > 254 {
			bad["applicant.email"] = "địa chỉ thư điện tử không hợp lệ"
		}
	}
	if utf8.RuneCountInString(ap.Address) > 300 {
		bad["applicant.address"] = "địa chỉ tối đa 300 ký tự"
	}
	switch {
	case in.Channel == ChannelNationalPortal && in.NationalCode == "":
		bad["national_code"] = "hồ sơ chuyển từ Cổng Dịch vụ công quốc gia cần mã hồ sơ trên Cổng"
	case in.Channel != ChannelNationalPortal && in.NationalCode != "":
		bad["national_code"] = "chỉ hồ sơ chuyển từ Cổng Dịch vụ công quốc gia có mã hồ sơ trên Cổng"
	case in.NationalCode != "" && !nationalCodeRE.MatchString(in.NationalCode):
		bad["national_code"] = "mã hồ sơ trên Cổng gồm tối đa 60 chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới"
	}
	if in.Channel == ChannelAssisted && in.OwnerID == 0 {
		bad["owner"] = "nộp hộ cần chọn người dân đã đồng ý cho bạn nộp hộ"
	}
	fields, err := p.NormalizeFields(RequesterDefaults(p, ap, in.Fields), electronic)
	if err != nil {
		var fe *catalog.FormError
		if !errors.As(err, &fe) {
			return ap, nil, nil, err
		}
		for _, f := range fe.Fields {
			bad["fields."+f.Name] = f.Message
		}
	}
	papers := checkPapers(p, in.Papers, bad)
	checkFee(in, fields, bad)
	if len(bad) > 0 {
		fe := &FieldError{Fields: bad}
		if onlyPapers(bad) {
			fe.Code = ErrPapers
		}
		if _, ok := bad["fee.exemption_ground"]; ok && len(bad) == 1 {
			fe.Code = ErrExemptionGround
		}
		return ap, nil, nil, fe
	}
	return ap, fields, papers, nil
}

// RequesterFields are the procedure form's questions about the requester (người yêu
// cầu) that repeat the applicant's, with the applicant's answer each defaults to.
var RequesterFields = map[string]func(Applicant) string{
	"requester_name":  func(a Applicant) string { return a.FullName },
	"requester_id":    func(a Applicant) string { return a.IDNumber },
	"requester_phone": func(a Applicant) string { return a.Phone },
	"requester_email": func(a Applicant) string { return a.Email },
}

// RequesterDefaults returns the answers with each requester question the procedure asks
// and that was left blank filled from the applicant: the applicant is asked once, and
// the requester is someone else only when the answers say so. fields is not changed.
func RequesterDefaults(p catalog.Procedure, ap Applicant, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields)+len(RequesterFields))
	for k, v := range fields {
		out[k] = v
	}
	for _, f := range p.Form {
		if def, ok := RequesterFields[f.Name]; ok && strings.TrimSpace(out[f.Name]) == "" {
			if v := def(ap); v != "" {
				out[f.Name] = v
			}
		}
	}
	return out
}

// CopiesField names the online form's answer that says how many copies are asked for
// (the procedure "Cấp bản sao trích lục hộ tịch" asks it): when the form has it, it is
// the number a fee charged per copy is multiplied by.
const CopiesField = "copies"

// Copies is the number of copies the intake asks for: the form's answer when it has
// one (CopiesField), else Fee.Copies; 0 when neither says (one).
func (in Intake) Copies() int {
	if v, ok := in.Fields[CopiesField]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n
		}
	}
	return in.Fee.Copies
}

// checkFee checks the fee terms of an intake: copies within bounds; an exemption only
// from an official at the desk (a citizen cannot waive their own fee), with its ground.
func checkFee(in Intake, fields map[string]string, bad map[string]string) {
	if in.Fee.Copies < 0 || in.Fee.Copies > MaxCopies {
		bad["fee.copies"] = "số bản sao yêu cầu từ 1 đến 100"
	}
	if v, ok := fields[CopiesField]; ok && v != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 1 || n > MaxCopies {
			if _, taken := bad["fields."+CopiesField]; !taken {
				bad["fields."+CopiesField] = "số bản sao đề nghị cấp từ 1 đến 100"
			}
		}
	}
	ground := strings.TrimSpace(in.Fee.ExemptionGround)
	switch {
	case !in.Fee.Exempt && ground != "":
		bad["fee.exemption_ground"] = "chỉ ghi căn cứ khi chọn miễn phí, lệ phí"
	case !in.Fee.Exempt:
	case in.Channel != ChannelCounter && in.Channel != ChannelPost:
		bad["fee.exemption_ground"] = "chỉ cán bộ tiếp nhận tại Bộ phận một cửa ghi nhận việc miễn phí, lệ phí"
	case ground == "":
		bad["fee.exemption_ground"] = "cần ghi căn cứ pháp lý của việc miễn phí, lệ phí"
	case utf8.RuneCountInString(ground) > 500:
		bad["fee.exemption_ground"] = "căn cứ miễn phí tối đa 500 ký tự"
	}
}
