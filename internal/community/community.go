// Package community is the commune's community side of digital transformation
// (docs/COMMUNITY.md, DOMAIN.md §12): its villages (thôn, xóm, tổ dân phố) with their
// stable codes, dated counts of households and people and dated coverage facts; the
// community digital technology team of each village (Guide 793/BTTTT-THH: one team per
// village), its members, their training and the visits they record; and citizens'
// help requests (Open311-style) assigned to the village's team, with a deadline in
// working days and a status history. Service runs the rules over the Store it declares.
//
// Volunteers of the teams are not officials: they see their own records and the help
// requests of their own village, nothing else.
package community

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
)

// Kind is what a village is called where it is.
type Kind string

const (
	KindThon  Kind = "thon"       // thôn
	KindXom   Kind = "xom"        // xóm
	KindToDan Kind = "to_dan_pho" // tổ dân phố
)

var kindLabels = map[Kind]string{KindThon: "Thôn", KindXom: "Xóm", KindToDan: "Tổ dân phố"}

// Label is the kind in Vietnamese.
func (k Kind) Label() string { return kindLabels[k] }

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{KindThon, KindXom, KindToDan}

// Village is a village with what is known of it: its latest counts and coverage.
type Village struct {
	ID     int64
	UnitID int64
	// Code is stable: the commune's statistics code and a two-digit number, "14731-01".
	Code   string
	Name   string
	Kind   Kind
	Leader string // trưởng thôn (a public office: shown)
	// The latest dated count (zero Count: none entered).
	Count Count
	// Coverage is the latest fact of each kind.
	Coverage []Coverage
}

// Count is a dated count of a village's households and people, with its source.
type Count struct {
	ID         int64
	VillageID  int64
	AsOf       calendar.Date
	Households int
	People     int
	Source     string // "Điều tra dân số 2021", "Trưởng thôn báo cáo"
}

// CoverageKind is a kind of coverage fact.
type CoverageKind string

const (
	CoverFibre       CoverageKind = "fibre"            // cáp quang
	CoverMobile      CoverageKind = "mobile_broadband" // băng rộng di động 4G/5G
	CoverWiFi        CoverageKind = "public_wifi"      // Wi-Fi công cộng
	CoverLoudspeaker CoverageKind = "loudspeaker"      // cụm loa truyền thanh
)

var coverageLabels = map[CoverageKind]string{CoverFibre: "Cáp quang", CoverMobile: "Băng rộng di động",
	CoverWiFi: "Wi-Fi công cộng", CoverLoudspeaker: "Cụm loa truyền thanh"}

// Label is the kind in Vietnamese.
func (k CoverageKind) Label() string { return coverageLabels[k] }

// CoverageKinds lists the kinds in the order pages show them.
var CoverageKinds = []CoverageKind{CoverFibre, CoverMobile, CoverWiFi, CoverLoudspeaker}

// Coverage is a dated fact about a village: whether it has a kind of coverage.
type Coverage struct {
	ID        int64
	VillageID int64
	Kind      CoverageKind
	Available bool
	AsOf      calendar.Date
	Source    string
	// ClusterID is the loudspeaker cluster serving the village (CoverLoudspeaker; 0: none).
	ClusterID int64
}

// Limits of what is typed.
const (
	MaxName     = 200
	MaxSource   = 300
	MaxNote     = 1000
	MaxCount    = 1_000_000
	MaxPerVisit = 1000
)

// Errors of this package.
var (
	ErrVillageNotFound = apperr.New(apperr.NotFound, "village_not_found", "Không tìm thấy thôn, xóm, tổ dân phố này.")
	ErrNotEditor       = apperr.New(apperr.Forbidden, "village_edit_forbidden", "Chỉ lãnh đạo, quản trị đơn vị cập nhật thông tin thôn, xóm.")
	ErrNotReader       = apperr.New(apperr.Forbidden, "community_forbidden", "Ông/bà không có quyền xem thông tin này.")
	ErrUnit            = apperr.New(apperr.Invalid, "invalid_unit", "Mã đơn vị không hợp lệ.")
	ErrInvalid         = apperr.New(apperr.Invalid, "invalid_community_input", "Thông tin chưa hợp lệ; xem từng mục.")
	ErrBelowAccounts   = apperr.New(apperr.Invalid, "households_below_accounts",
		"Số hộ gia đình nhỏ hơn số tài khoản tổ công nghệ số đã ghi nhận mở cho thôn này: vui lòng kiểm tra lại số hộ.")
	ErrNotMember      = apperr.New(apperr.Conflict, "not_team_member", "Ông/bà chưa là thành viên đang hoạt động của tổ công nghệ số cộng đồng.")
	ErrMember         = apperr.New(apperr.Invalid, "team_member_invalid", "Thành viên tổ công nghệ số phải là người dùng có vai trò tổ công nghệ số của đơn vị.")
	ErrVisitKeyReused = apperr.New(apperr.Conflict, "visit_key_reused", "Chuyến thăm này đã được gửi trước đó với nội dung khác; vui lòng kiểm tra lại danh sách chuyến thăm.")
	ErrMemberEnded    = apperr.New(apperr.Conflict, "team_member_ended", "Thành viên này đã thôi tham gia tổ công nghệ số.")
)

// FieldError lists the problems of an input by field, to draw each at its input.
type FieldError struct{ Fields map[string]string }

func (e *FieldError) Error() string { return "community: invalid fields" }

// Unwrap gives the kind: 422 invalid_community_input (or the code set by Code).
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Details lists the problems for the API, in a stable order.
func (e *FieldError) Details() []apperr.Detail {
	var out []apperr.Detail
	for _, k := range fieldOrder {
		if m, ok := e.Fields[k]; ok {
			out = append(out, apperr.Detail{Field: k, Message: m})
		}
	}
	return out
}

var fieldOrder = []string{"unit", "village", "name", "phone", "topic", "description", "as_of", "households", "people",
	"source", "kind", "leader", "date", "value", "visited_on", "installs", "accounts", "payments", "note", "course", "status"}

func fieldErr(bad map[string]string) error {
	if len(bad) == 0 {
		return nil
	}
	return &FieldError{Fields: bad}
}

// clean normalises typed text: NFC, trimmed, control characters other than line breaks
// and tabs dropped.
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

// oneLine is clean on one line: runs of spaces and line breaks become one space.
func oneLine(s string) string { return strings.Join(strings.Fields(clean(s)), " ") }

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// CheckCount validates a count, every problem at once.
func CheckCount(c Count) (Count, error) {
	bad := map[string]string{}
	c.Source = oneLine(c.Source)
	if c.AsOf.IsZero() || !c.AsOf.IsValid() {
		bad["as_of"] = "Vui lòng ghi ngày của số liệu."
	}
	if c.Households <= 0 || c.Households > MaxCount {
		bad["households"] = "Số hộ phải từ 1 đến 1.000.000."
	}
	if c.People < c.Households || c.People > MaxCount*10 {
		bad["people"] = "Số nhân khẩu phải lớn hơn hoặc bằng số hộ."
	}
	switch {
	case c.Source == "":
		bad["source"] = "Vui lòng ghi nguồn số liệu (ví dụ: trưởng thôn báo cáo, điều tra dân số)."
	case tooLong(c.Source, MaxSource):
		bad["source"] = "Nguồn số liệu dài tối đa 300 ký tự."
	}
	return c, fieldErr(bad)
}

// CheckCoverage validates a coverage fact.
func CheckCoverage(c Coverage) (Coverage, error) {
	bad := map[string]string{}
	c.Source = oneLine(c.Source)
	if _, ok := coverageLabels[c.Kind]; !ok {
		bad["kind"] = "Vui lòng chọn loại hạ tầng: cáp quang, băng rộng di động, Wi-Fi công cộng hoặc cụm loa."
	}
	if c.AsOf.IsZero() || !c.AsOf.IsValid() {
		bad["as_of"] = "Vui lòng ghi ngày của thông tin."
	}
	switch {
	case c.Source == "":
		bad["source"] = "Vui lòng ghi nguồn thông tin."
	case tooLong(c.Source, MaxSource):
		bad["source"] = "Nguồn thông tin dài tối đa 300 ký tự."
	}
	if c.Kind != CoverLoudspeaker {
		c.ClusterID = 0
	}
	return c, fieldErr(bad)
}
