package qrform

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Store is what the QR forms need from storage. Every write is one transaction with its
// audit record (the form's id and the fields' names, never an answer's values).
type Store interface {
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
	CommunityVillages(ctx context.Context, unitID int64) ([]community.Village, error)

	CreateQRForm(ctx context.Context, f Form) (Form, error)
	// SaveQRForm stores after if the form is still at before's version, refusing with
	// ErrFrozen a change of the fields once it has an answer.
	SaveQRForm(ctx context.Context, before, after Form) (Form, error)
	QRForm(ctx context.Context, id int64) (Form, error)
	QRFormByCode(ctx context.Context, code string) (Form, error)
	QRForms(ctx context.Context, unitID int64) ([]Form, error)
	// AddQRAnswer stores an answer with its values, its files' keys and the counts it
	// adds, in one transaction, refusing it (ErrClosed) when the form does not take
	// answers at the answer's time.
	AddQRAnswer(ctx context.Context, f Form, a Answer) (Answer, error)
	QRAnswers(ctx context.Context, q AnswerQuery) ([]Answer, int, error)
	QRCounts(ctx context.Context, formID int64) ([]Count, error)
	// PurgeQRAnswers deletes the answers past their form's retention at now, with an
	// audit record per form (counts only), and returns the blob keys no answer uses
	// any more.
	PurgeQRAnswers(ctx context.Context, now time.Time) (PurgeResult, []string, error)
	// QRFileUsed reports whether an answer still refers to a blob.
	QRFileUsed(ctx context.Context, key string) (bool, error)
	// QRAnswerFile finds an answer's file of a field, with the answer's form's id.
	QRAnswerFile(ctx context.Context, answerID int64, field string) (File, int64, error)
}

// Files keeps the answers' files: a blob store of the QR forms alone (blob keys are
// content hashes, so a store shared with other records could not delete one).
type Files interface {
	Put(ctx context.Context, r io.Reader, limit int64) (key string, size int64, err error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	Delete(ctx context.Context, key string) error
}

// Service runs the QR forms' rules.
type Service struct {
	Store Store
	Files Files // nil: file fields refused
	// Limiter limits the answers per client address (nil: unlimited).
	Limiter *ratelimit.Limiter
	// BaseURL is the public address of the short links ("" : relative links).
	BaseURL string
	Now     func() time.Time
}

// NewAnswerLimiter is the default flood guard: 30 answers at once from one address,
// then 30 a minute (a checkpoint's visitors may share one mobile network's address).
func NewAnswerLimiter() *ratelimit.Limiter { return ratelimit.New(30, 30) }

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Clock is the service's current time.
func (s *Service) Clock() time.Time { return s.now() }

// Link is a form's public short link.
func (s *Service) Link(f Form) string { return strings.TrimRight(s.BaseURL, "/") + "/bm/" + f.Code }

// CanBuild reports whether p builds the unit's forms.
func CanBuild(p *auth.Principal, unitID int64) bool { return p.Can(unitID, Builders...) }

// codeAlphabet avoids letters read alike (0/o, 1/l/i).
const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

func newCode() string {
	b := make([]byte, 7)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// Create stores a new draft form of the unit.
func (s *Service) Create(ctx context.Context, p *auth.Principal, unitID int64, d Draft) (Form, error) {
	if !CanBuild(p, unitID) {
		return Form{}, ErrNotBuilder
	}
	d, err := CheckDraft(d)
	if err != nil {
		return Form{}, err
	}
	f := Form{UnitID: unitID, Code: newCode(), Title: d.Title, Purpose: d.Purpose, Fields: d.Fields, OpensAt: d.OpensAt.UTC(),
		ClosesAt: d.ClosesAt.UTC(), RetentionDays: d.RetentionDays, Status: StatusDraft, CreatedBy: p.UserID, CreatedAt: s.now()}
	return s.Store.CreateQRForm(ctx, f)
}

// Update changes a form. After its first answer its fields are frozen (the answers
// depend on them): only the title, the purpose, the closing time and the retention may
// change then.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, d Draft) (Form, error) {
	before, err := s.Form(ctx, p, id)
	if err != nil {
		return Form{}, err
	}
	if !CanBuild(p, before.UnitID) {
		return Form{}, ErrNotBuilder
	}
	d, err = CheckDraft(d)
	if err != nil {
		return Form{}, err
	}
	after := before
	after.Title, after.Purpose, after.Fields = d.Title, d.Purpose, d.Fields
	after.OpensAt, after.ClosesAt, after.RetentionDays = d.OpensAt.UTC(), d.ClosesAt.UTC(), d.RetentionDays
	if before.Answers > 0 && (!sameFields(before.Fields, after.Fields) || !before.OpensAt.Equal(after.OpensAt)) {
		return Form{}, ErrFrozen
	}
	return s.Store.SaveQRForm(ctx, before, after)
}

// Publish opens a draft to answers (from its opening time).
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id int64) (Form, error) {
	before, err := s.Form(ctx, p, id)
	if err != nil {
		return Form{}, err
	}
	if !CanBuild(p, before.UnitID) {
		return Form{}, ErrNotBuilder
	}
	if before.Status == StatusPublished {
		return Form{}, ErrPublished
	}
	after := before
	after.Status, after.PublishedAt = StatusPublished, s.now()
	return s.Store.SaveQRForm(ctx, before, after)
}

// Form loads a form: a published one for anyone, a draft for its unit's builders.
func (s *Service) Form(ctx context.Context, p *auth.Principal, id int64) (Form, error) {
	f, err := s.Store.QRForm(ctx, id)
	if err != nil {
		return Form{}, err
	}
	if f.Status != StatusPublished && !CanBuild(p, f.UnitID) {
		return Form{}, ErrNotFound
	}
	return f, nil
}

// ByCode loads a published form by its short link's code.
func (s *Service) ByCode(ctx context.Context, code string) (Form, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" || len(code) > 16 {
		return Form{}, ErrNotFound
	}
	f, err := s.Store.QRFormByCode(ctx, code)
	if err != nil {
		return Form{}, err
	}
	if f.Status != StatusPublished {
		return Form{}, ErrNotFound
	}
	return f, nil
}

// Forms lists the unit's forms (its builders).
func (s *Service) Forms(ctx context.Context, p *auth.Principal, unitID int64) ([]Form, error) {
	if !CanBuild(p, unitID) {
		return nil, ErrNotBuilder
	}
	return s.Store.QRForms(ctx, unitID)
}

// Villages lists the villages a form's village fields offer.
func (s *Service) Villages(ctx context.Context, f Form) ([]community.Village, error) {
	return s.Store.CommunityVillages(ctx, f.UnitID)
}

// Upload is a file given with an answer, not yet checked.
type Upload struct {
	Name string
	Data []byte
}

// Submission is an answer as sent: values by field key (a multiple choice has several),
// files by field key and the consent.
type Submission struct {
	Values  map[string][]string
	Files   map[string]Upload
	Consent bool
}

// Answerer is who answers: the client's address (for the flood guard) and the
// principal when logged in.
type Answerer struct {
	P      *auth.Principal
	Client string
}

// ConsentText is what the answerer agrees to: the form's purpose and its retention.
func ConsentText(f Form) string {
	return "Tôi đồng ý cho xã xử lý thông tin tôi khai trong biểu mẫu này cho mục đích đã nêu. Thông tin được lưu " +
		strconv.Itoa(f.RetentionDays) + " ngày kể từ khi gửi rồi bị xóa."
}

// Submit checks an answer against its form and stores it with its files in one
// transaction; a file is written to the blob store before it and deleted again when the
// answer is not stored (unless another answer uses the same content).
func (s *Service) Submit(ctx context.Context, who Answerer, f Form, sub Submission) (Answer, error) {
	if s.Limiter != nil && !s.Limiter.Allow(who.Client) {
		return Answer{}, ErrFlood
	}
	now := s.now()
	if !f.Open(now) {
		return Answer{}, ErrClosed
	}
	vs, err := s.Store.CommunityVillages(ctx, f.UnitID)
	if err != nil {
		return Answer{}, err
	}
	a, checked, err := CheckAnswer(f, sub, vs)
	if !sub.Consent {
		// The consent's message beside the fields' ones, if any.
		fe := &FieldError{Code: "invalid_answer", Fields: map[string]string{}}
		if !errors.As(err, &fe) && err != nil {
			return Answer{}, err
		}
		fe.Fields["consent"] = ErrConsent.Message
		return Answer{}, fe
	}
	if err != nil {
		return Answer{}, err
	}
	a.FormID, a.SubmittedAt, a.ConsentAt, a.ConsentPurpose = f.ID, now, now, f.Purpose
	if who.P != nil {
		a.UserID = who.P.UserID
	}
	if len(checked) > 0 && s.Files == nil {
		return Answer{}, apperr.New(apperr.Unavailable, "files_unavailable", "Máy chủ chưa nhận tệp. Vui lòng thử lại sau.")
	}
	var put []string
	for _, c := range checked {
		key, size, err := s.Files.Put(ctx, bytes.NewReader(c.file.Data), MaxFileSize)
		if err != nil {
			s.clean(put)
			return Answer{}, err
		}
		put = append(put, key)
		a.Files = append(a.Files, File{Field: c.field, Key: key, ContentType: c.file.ContentType, Size: size})
	}
	stored, err := s.Store.AddQRAnswer(ctx, f, a)
	if err != nil {
		s.clean(put)
		return Answer{}, err
	}
	return stored, nil
}

// clean deletes blobs written for an answer that was not stored, unless used.
func (s *Service) clean(keys []string) {
	ctx := context.Background()
	for _, k := range keys {
		if used, err := s.Store.QRFileUsed(ctx, k); err == nil && !used {
			s.Files.Delete(ctx, k)
		}
	}
}

type checkedFile struct {
	field string
	file  attach.File
}

// CheckAnswer validates a submission against its form's fields with Vietnamese messages
// per field and returns the answer's normalised values and its checked files.
func CheckAnswer(f Form, sub Submission, villages []community.Village) (Answer, []checkedFile, error) {
	bad := map[string]string{}
	a := Answer{Values: map[string][]string{}}
	var files []checkedFile
	for k := range sub.Values {
		if _, ok := f.Field(k); !ok {
			bad[k] = "Biểu mẫu không có câu hỏi này."
		}
	}
	for k := range sub.Files {
		if x, ok := f.Field(k); !ok || x.Kind != KindFile {
			bad[k] = "Câu hỏi này không nhận tệp."
		}
	}
	for _, x := range f.Fields {
		var vals []string
		for _, v := range sub.Values[x.Key] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if x.Kind == KindFile {
			up, ok := sub.Files[x.Key]
			if !ok || len(up.Data) == 0 {
				if x.Required {
					bad[x.Key] = x.Label + ": vui lòng đính kèm tệp."
				}
				continue
			}
			file, err := attach.Check(bytes.NewReader(up.Data), MaxFileSize)
			if err != nil {
				bad[x.Key] = x.Label + ": " + apperr.From(err).Message + " Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF, tối đa 5 MB."
				continue
			}
			files = append(files, checkedFile{field: x.Key, file: file})
			continue
		}
		if len(vals) == 0 {
			if x.Required {
				bad[x.Key] = x.Label + ": vui lòng trả lời câu hỏi này."
			}
			continue
		}
		if x.Kind != KindMulti && len(vals) > 1 {
			bad[x.Key] = x.Label + ": chỉ nhập một câu trả lời."
			continue
		}
		v := vals[0]
		msg := ""
		switch x.Kind {
		case KindText:
			v = strings.TrimSpace(v)
			if tooLong(v, MaxText) {
				msg = fmt.Sprintf("dài tối đa %d ký tự.", MaxText)
			}
		case KindNumber:
			n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
			if err != nil || len(v) > 30 || n != n {
				msg = "vui lòng nhập một số, ví dụ 37,5."
			} else {
				v = strconv.FormatFloat(n, 'f', -1, 64)
			}
		case KindDate:
			d, ok := parseDate(v)
			if !ok {
				msg = "vui lòng nhập ngày theo dạng ngày/tháng/năm, ví dụ 07/12/2026."
			} else {
				v = d.Format("2006-01-02")
			}
		case KindChoice, KindMulti:
			for _, c := range vals {
				if !contains(x.Options, c) {
					msg = "vui lòng chọn trong các lựa chọn đã cho."
				}
			}
			if len(vals) > len(x.Options) {
				msg = "vui lòng chọn trong các lựa chọn đã cho."
			}
		case KindPhone:
			p, err := catalog.NormalizePhone(v)
			if err != nil {
				msg = err.Error() + "."
			}
			v = p
		case KindCCCD:
			if err := catalog.CheckCitizenID(v); err != nil {
				msg = err.Error() + "."
			}
		case KindVillage:
			found := false
			for _, vg := range villages {
				if vg.Code == v || vg.Name == v {
					v, found = vg.Code, true
					a.VillageID = vg.ID
				}
			}
			if !found {
				msg = "vui lòng chọn thôn, xóm trong danh sách."
			}
		}
		if msg != "" {
			bad[x.Key] = x.Label + ": " + msg
			continue
		}
		if x.Kind == KindMulti {
			a.Values[x.Key] = dedupe(vals)
		} else {
			a.Values[x.Key] = []string{v}
		}
	}
	if err := fieldErr("invalid_answer", bad); err != nil {
		return Answer{}, nil, err
	}
	return a, files, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// parseDate reads dd/mm/yyyy (as shown) or yyyy-mm-dd (a date input).
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, locale.Zone); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
			return t, true
		}
	}
	return time.Time{}, false
}

// Answers lists a form's answers, filtered (its unit's builders).
func (s *Service) Answers(ctx context.Context, p *auth.Principal, q AnswerQuery) (Form, []Answer, int, error) {
	f, err := s.Store.QRForm(ctx, q.FormID)
	if err != nil {
		return Form{}, nil, 0, err
	}
	if !CanBuild(p, f.UnitID) {
		return Form{}, nil, 0, ErrNotBuilder
	}
	if q.Field != "" {
		if x, ok := f.Field(q.Field); !ok || !x.Kind.Counted() {
			return Form{}, nil, 0, ErrFilter
		}
	}
	as, n, err := s.Store.QRAnswers(ctx, q)
	return f, as, n, err
}

// ErrFilter refuses a filter on a field that is not a choice.
var ErrFilter = apperr.New(apperr.Invalid, "invalid_answer_filter", "Chỉ lọc được theo câu hỏi có lựa chọn hoặc theo thôn, xóm.")

// Counts gives a form's counts per field and choice, every option listed (0 when none
// chose it), and the answers received in all (its unit's builders).
func (s *Service) Counts(ctx context.Context, p *auth.Principal, id int64) (Form, []Count, error) {
	f, err := s.Store.QRForm(ctx, id)
	if err != nil {
		return Form{}, nil, err
	}
	if !CanBuild(p, f.UnitID) {
		return Form{}, nil, ErrNotBuilder
	}
	cs, err := s.Store.QRCounts(ctx, id)
	if err != nil {
		return Form{}, nil, err
	}
	return f, FillCounts(f, cs), nil
}

// FillCounts orders counts by the form's fields and options, adding the options no one
// chose.
func FillCounts(f Form, cs []Count) []Count {
	got := map[[2]string]int64{}
	for _, c := range cs {
		got[[2]string{c.Field, c.Choice}] = c.N
	}
	out := []Count{{Field: "", N: got[[2]string{"", ""}]}}
	for _, x := range f.Fields {
		if !x.Kind.Counted() {
			continue
		}
		listed := map[string]bool{}
		for _, o := range x.Options {
			out = append(out, Count{Field: x.Key, Choice: o, N: got[[2]string{x.Key, o}]})
			listed[o] = true
		}
		for _, c := range cs {
			if c.Field == x.Key && !listed[c.Choice] {
				out = append(out, c)
			}
		}
	}
	return out
}

// Purge deletes the answers past their retention and their files; the counts stay.
func (s *Service) Purge(ctx context.Context) (PurgeResult, error) {
	res, keys, err := s.Store.PurgeQRAnswers(ctx, s.now())
	if err != nil {
		return PurgeResult{}, err
	}
	for _, k := range keys {
		if s.Files == nil {
			break
		}
		if err := s.Files.Delete(ctx, k); err != nil {
			return res, fmt.Errorf("qrform: purge file: %w", err)
		}
		res.Files++
	}
	return res, nil
}

// OpenFile opens an answer's file of a field for its form's unit's builders.
func (s *Service) OpenFile(ctx context.Context, p *auth.Principal, answerID int64, field string) (File, io.ReadSeekCloser, error) {
	file, formID, err := s.Store.QRAnswerFile(ctx, answerID, field)
	if err != nil {
		return File{}, nil, err
	}
	f, err := s.Store.QRForm(ctx, formID)
	if err != nil {
		return File{}, nil, err
	}
	if !CanBuild(p, f.UnitID) {
		return File{}, nil, ErrNotBuilder
	}
	if s.Files == nil {
		return File{}, nil, ErrFileNotFound
	}
	r, err := s.Files.Open(ctx, file.Key)
	return file, r, err
}
