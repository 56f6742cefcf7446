// Package document is the commune's official documents (Decree 30/2020/NĐ-CP on clerical
// work): the incoming register with its arrival numbers, the outgoing register with its
// numbers and symbols, the leader's direction, files (hồ sơ công việc) and their
// retention. The pure rules live here (types and abbreviations, the number-and-symbol,
// which sequence a document takes, urgencies, statuses); Service runs them over the Store
// it declares. The edXML exchange and official e-mail plug in through
// Service.RegisterIncoming and the dispatch rows an issue writes.
package document

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Direction tells incoming documents from outgoing ones.
type Direction string

const (
	Incoming Direction = "incoming" // văn bản đến
	Outgoing Direction = "outgoing" // văn bản đi
)

// Urgency is a document's độ khẩn (Decree 30 Art. 4): urgent ones are registered and
// handed on at once and listed first.
type Urgency string

const (
	Normal      Urgency = "normal"
	Khan        Urgency = "khan"        // khẩn
	ThuongKhan  Urgency = "thuong_khan" // thượng khẩn
	HoaToc      Urgency = "hoa_toc"     // hỏa tốc
	urgencyNone Urgency = ""
)

// Urgencies in order, the most urgent last.
var Urgencies = []Urgency{Normal, Khan, ThuongKhan, HoaToc}

// Rank orders urgencies: 0 normal … 3 hỏa tốc (lists sort by it, descending). It is also
// the edXML Priority code (QCVN 102:2016: 0 normal, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc).
func (u Urgency) Rank() int {
	switch u {
	case Khan:
		return 1
	case ThuongKhan:
		return 2
	case HoaToc:
		return 3
	}
	return 0
}

// Urgent reports whether u is khẩn or above.
func (u Urgency) Urgent() bool { return u.Rank() > 0 }

// Label is u in Vietnamese.
func (u Urgency) Label() string {
	switch u {
	case Khan:
		return "Khẩn"
	case ThuongKhan:
		return "Thượng khẩn"
	case HoaToc:
		return "Hỏa tốc"
	}
	return "Thường"
}

// ParseUrgency accepts an urgency's code; "" is normal.
func ParseUrgency(s string) (Urgency, error) {
	if s == "" {
		return Normal, nil
	}
	for _, u := range Urgencies {
		if string(u) == s {
			return u, nil
		}
	}
	return urgencyNone, ErrUrgency
}

// Source is how an incoming document arrived. All share one arrival sequence.
type Source string

const (
	Paper    Source = "paper"
	Email    Source = "email"
	Exchange Source = "exchange" // the inter-agency document exchange (edXML)
)

// Status of a document.
type Status string

const (
	// Outgoing.
	Draft    Status = "draft"    // dự thảo
	Approved Status = "approved" // đã duyệt, chờ ký và phát hành
	Issued   Status = "issued"   // đã phát hành (numbered)
	// Incoming.
	Registered Status = "registered" // đã vào sổ, chờ chỉ đạo
	Directed   Status = "directed"   // đã có ý kiến chỉ đạo, đang giải quyết
	Done       Status = "done"       // đã giải quyết
)

// Label is s in Vietnamese.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Dự thảo"
	case Approved:
		return "Đã duyệt"
	case Issued:
		return "Đã phát hành"
	case Registered:
		return "Chờ chỉ đạo"
	case Directed:
		return "Đang giải quyết"
	case Done:
		return "Đã giải quyết"
	}
	return string(s)
}

// Type is a kind of document with its abbreviation (Decree 30, Appendix III).
type Type struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Abbreviation string `json:"abbreviation"`
}

// CongVan is the code of the công văn, whose symbol has no type abbreviation.
const CongVan = "cong_van"

// Types are Decree 30's administrative document types (Appendix III), in its order.
var Types = []Type{
	{"nghi_quyet", "Nghị quyết", "NQ"},
	{"quyet_dinh", "Quyết định", "QĐ"},
	{"chi_thi", "Chỉ thị", "CT"},
	{"quy_che", "Quy chế", "QC"},
	{"quy_dinh", "Quy định", "QyĐ"},
	{"thong_cao", "Thông cáo", "TC"},
	{"thong_bao", "Thông báo", "TB"},
	{"huong_dan", "Hướng dẫn", "HD"},
	{"chuong_trinh", "Chương trình", "CTr"},
	{"ke_hoach", "Kế hoạch", "KH"},
	{"phuong_an", "Phương án", "PA"},
	{"de_an", "Đề án", "ĐA"},
	{"du_an", "Dự án", "DA"},
	{"bao_cao", "Báo cáo", "BC"},
	{"bien_ban", "Biên bản", "BB"},
	{"to_trinh", "Tờ trình", "TTr"},
	{"hop_dong", "Hợp đồng", "HĐ"},
	{CongVan, "Công văn", ""},
	{"cong_dien", "Công điện", "CĐ"},
	{"ban_ghi_nho", "Bản ghi nhớ", "BGN"},
	{"ban_thoa_thuan", "Bản thỏa thuận", "BTT"},
	{"giay_uy_quyen", "Giấy ủy quyền", "GUQ"},
	{"giay_moi", "Giấy mời", "GM"},
	{"giay_gioi_thieu", "Giấy giới thiệu", "GGT"},
	{"giay_nghi_phep", "Giấy nghỉ phép", "GNP"},
	{"phieu_gui", "Phiếu gửi", "PG"},
	{"phieu_chuyen", "Phiếu chuyển", "PC"},
	{"phieu_bao", "Phiếu báo", "PB"},
}

// TypeByCode finds a type.
func TypeByCode(code string) (Type, bool) {
	for _, t := range Types {
		if t.Code == code {
			return t, true
		}
	}
	return Type{}, false
}

// Errors.
var (
	ErrNotFound     = apperr.New(apperr.NotFound, "document_not_found", "Không tìm thấy văn bản.")
	ErrDirection    = apperr.Invalidf("invalid_direction", "Hướng văn bản phải là đến (incoming) hoặc đi (outgoing).")
	ErrType         = apperr.Invalidf("invalid_document_type", "Loại văn bản không có trong danh mục của Nghị định 30/2020/NĐ-CP.")
	ErrUrgency      = apperr.Invalidf("invalid_urgency", "Độ khẩn phải là thường, khẩn, thượng khẩn hoặc hỏa tốc.")
	ErrSubject      = apperr.Invalidf("invalid_subject", "Cần ghi trích yếu nội dung văn bản (tối đa 1.000 ký tự).")
	ErrSender       = apperr.Invalidf("invalid_sender", "Cần ghi cơ quan, tổ chức ban hành văn bản (tác giả).")
	ErrRecipients   = apperr.Invalidf("invalid_recipients", "Cần ít nhất một nơi nhận, mỗi nơi nhận tối đa 300 ký tự, tối đa 200 nơi nhận.")
	ErrDraftingUnit = apperr.Invalidf("invalid_drafting_unit", "Chữ viết tắt đơn vị soạn thảo chỉ gồm chữ cái, chữ số, không có dấu cách (ví dụ VP).")
	ErrNotation     = apperr.Invalidf("invalid_number_notation", "Số, ký hiệu văn bản phải viết liền, không có dấu cách, dạng 15/QĐ-UBND.")
	ErrAbbreviation = apperr.Invalidf("wrong_abbreviation", "Chữ viết tắt tên loại trong ký hiệu không đúng với loại văn bản.")
	ErrIssuedOn     = apperr.Invalidf("invalid_issued_on", "Ngày ban hành phải có dạng YYYY-MM-DD và không ở tương lai.")
	ErrReceivedAt   = apperr.Invalidf("invalid_received_at", "Thời điểm đến phải theo RFC 3339 và không ở tương lai.")
	ErrSource       = apperr.Invalidf("invalid_source", "Nguồn văn bản đến phải là giấy, thư điện tử hoặc trục liên thông.")
	ErrDuplicate    = apperr.New(apperr.Conflict, "duplicate_document", "Văn bản này đã được vào sổ (cùng cơ quan gửi, số ký hiệu và ngày ban hành).")
	ErrSignatures   = apperr.Invalidf("signatures_required", "Văn bản điện tử phải có chữ ký số của người có thẩm quyền và chữ ký số của cơ quan trước khi phát hành.")
	ErrState        = apperr.New(apperr.Conflict, "document_state", "Văn bản không ở trạng thái cho phép thao tác này.")
	ErrForbidden    = apperr.New(apperr.Forbidden, "forbidden", "Bạn không có quyền thực hiện thao tác này với văn bản.")
	ErrChanged      = apperr.New(apperr.Conflict, "document_changed", "Văn bản vừa được người khác thay đổi; hãy tải lại và thử lại.")
	ErrDeadline     = apperr.Invalidf("invalid_deadline", "Hạn giải quyết phải là một ngày (YYYY-MM-DD) không trước hôm nay, hoặc số ngày làm việc từ 1 đến 365.")
	ErrHandler      = apperr.Invalidf("invalid_handler", "Người chủ trì phải là cán bộ của đơn vị.")
	ErrUnitSymbol   = apperr.Invalidf("invalid_unit_abbreviation", "Chữ viết tắt tên cơ quan chỉ gồm chữ cái, chữ số, không có dấu cách (ví dụ UBND).")
	ErrSequence     = apperr.Invalidf("invalid_sequence", "Tên sổ đăng ký chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới.")
	ErrRetention    = apperr.Invalidf("invalid_retention", "Thời hạn bảo quản là vĩnh viễn (0) hoặc từ 1 đến 70 năm.")
	ErrFileTitle    = apperr.Invalidf("invalid_file_title", "Cần ghi tiêu đề hồ sơ (tối đa 500 ký tự).")
	ErrFileNotFound = apperr.New(apperr.NotFound, "file_not_found", "Không tìm thấy hồ sơ.")
	ErrSearch       = apperr.Invalidf("invalid_search", "Điều kiện tìm kiếm không hợp lệ.")
)

// Body abbreviation of a commune's people's committee, the default.
const DefaultUnitAbbreviation = "UBND"

var symbolPart = regexp.MustCompile(`^[\p{L}\p{N}.]+$`)

// validSymbolPart: letters (Vietnamese ones included: Đ), digits and dots, no spaces.
func validSymbolPart(s string) bool {
	return s != "" && utf8.RuneCountInString(s) <= 30 && symbolPart.MatchString(s)
}

// CheckAbbreviation checks a body's or drafting unit's abbreviation.
func CheckAbbreviation(s string) bool { return validSymbolPart(s) }

// Notation is the number-and-symbol of an outgoing document of type t issued by a body
// abbreviated body, drafted by the unit abbreviated drafting: `01/QĐ-UBND`; a công văn
// `02/UBND-VP` (no type abbreviation; the drafting unit's instead). Numbers below 10
// take a leading zero (Decree 30, Art. 8 and Appendix I).
func Notation(number int, t Type, body, drafting string) string {
	n := fmt.Sprintf("%02d", number)
	if t.Code == CongVan || t.Abbreviation == "" {
		if drafting == "" {
			return n + "/" + body
		}
		return n + "/" + body + "-" + drafting
	}
	return n + "/" + t.Abbreviation + "-" + body
}

// ParseNotation checks an incoming document's number-and-symbol as Decree 30 writes it:
// a number, "/", a symbol of parts joined by "-", no spaces. When t is known and not a
// công văn, the symbol's first part must be t's abbreviation.
func ParseNotation(s string, t *Type) (number int, symbol string, err error) {
	if s == "" || len(s) > 100 || strings.ContainsFunc(s, unicode.IsSpace) || !utf8.ValidString(s) {
		return 0, "", ErrNotation
	}
	num, sym, ok := strings.Cut(s, "/")
	if !ok || num == "" || len(num) > 9 || sym == "" {
		return 0, "", ErrNotation
	}
	number, err = strconv.Atoi(num)
	if err != nil || number < 1 || strings.HasPrefix(num, "+") {
		return 0, "", ErrNotation
	}
	parts := strings.Split(sym, "-")
	for _, p := range parts {
		if !validSymbolPart(p) {
			return 0, "", ErrNotation
		}
	}
	if t != nil && t.Abbreviation != "" && t.Code != CongVan && parts[0] != t.Abbreviation {
		return 0, "", ErrAbbreviation
	}
	return number, sym, nil
}

// Sequence names the outgoing number sequence a document takes.
//
// Decree 30: legal documents (văn bản quy phạm pháp luật) number per type, confidential
// documents in a sequence of their own, and how administrative documents share sequences
// is the head of the body's choice: groups maps a type's code to its sequence (a unit
// setting); a type absent from it shares the default administrative one.
func Sequence(typeCode string, legal, confidential bool, groups map[string]string) string {
	switch {
	case confidential:
		return "mat"
	case legal:
		return "qppl_" + typeCode
	}
	if g, ok := groups[typeCode]; ok && g != "" {
		return g
	}
	return "hanh_chinh"
}

// IncomingSequence is the name of the arrival sequence (one per unit and year; paper,
// e-mail and exchange share it).
const IncomingSequence = "den"

var sequenceName = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// CheckSequenceName checks a name chosen for a sequence in the unit's settings.
func CheckSequenceName(s string) error {
	if !sequenceName.MatchString(s) || s == IncomingSequence || s == "mat" || strings.HasPrefix(s, "qppl_") {
		return ErrSequence
	}
	return nil
}

// Year is the year of t in Vietnam: numbers start again at 01 on 1 January, Vietnam time.
func Year(t time.Time) int { return t.In(locale.Zone).Year() }

// Document is one registered document.
type Document struct {
	ID        int64     `json:"id"`
	UnitID    int64     `json:"unit_id"`
	Direction Direction `json:"direction"`
	TypeCode  string    `json:"type_code"`
	Subject   string    `json:"subject"`
	// Sender is the issuing body of an incoming document (tác giả).
	Sender string `json:"sender,omitempty"`
	// Recipients of an outgoing one (nơi nhận).
	Recipients   []string `json:"recipients,omitempty"`
	DraftingUnit string   `json:"drafting_unit,omitempty"`
	// Number and NumberNotation: the outgoing number when issued; an incoming
	// document's own number and symbol.
	Number         int     `json:"number,omitempty"`
	NumberNotation string  `json:"number_notation,omitempty"`
	Sequence       string  `json:"sequence,omitempty"`
	Year           int     `json:"year"`
	ArrivalNumber  int     `json:"arrival_number,omitempty"`
	Urgency        Urgency `json:"urgency"`
	Confidential   bool    `json:"confidential"`
	Legal          bool    `json:"legal"`
	// IssuedOn is the date on the document (YYYY-MM-DD).
	IssuedOn   string     `json:"issued_on,omitempty"`
	ReceivedAt *time.Time `json:"received_at,omitempty"`
	Source     Source     `json:"source,omitempty"`
	Status     Status     `json:"status"`
	Paper      bool       `json:"paper"`
	// SignedBlob is the signed PDF's key in the blob store ("" for paper ones).
	SignedBlob string `json:"-"`
	// Attachments are blob keys of an incoming document's stored files.
	Attachments []string `json:"-"`
	FileID      *int64   `json:"file_id,omitempty"`
	// Direction written by the leader.
	HandlerID   *int64 `json:"handler_id,omitempty"`
	HandlerName string `json:"handler_name,omitempty"`
	Supporting  string `json:"supporting,omitempty"`
	Instruction string `json:"instruction,omitempty"`
	Deadline    string `json:"deadline,omitempty"`
	Progress    string `json:"progress,omitempty"`
	// ReplyTo is the incoming document an outgoing one answers.
	ReplyTo   *int64    `json:"reply_to,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Version   int       `json:"version"`
}

// DuplicateKey is what makes two incoming documents the same one: the folded sender,
// the number-and-symbol and the date.
func DuplicateKey(foldedSender, notation, issuedOn string) string {
	return foldedSender + "|" + notation + "|" + issuedOn
}

// Overdue reports whether an incoming document being handled is past its deadline on
// day today (YYYY-MM-DD).
func (d Document) Overdue(today string) bool {
	return d.Direction == Incoming && d.Status == Directed && d.Deadline != "" && d.Deadline < today
}

// File is a hồ sơ công việc: documents of one matter, kept for a retention period.
type File struct {
	ID     int64  `json:"id"`
	UnitID int64  `json:"unit_id"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	// RetentionYears: 0 is permanent (vĩnh viễn).
	RetentionYears int    `json:"retention_years"`
	Year           int    `json:"year"`
	EndedOn        string `json:"ended_on,omitempty"`
	Documents      int    `json:"documents"`
}

// RetentionLabel is the retention class in Vietnamese.
func (f File) RetentionLabel() string {
	if f.RetentionYears == 0 {
		return "Vĩnh viễn"
	}
	return strconv.Itoa(f.RetentionYears) + " năm"
}

// DueForHandOver reports whether f goes to the current archive in the hand-over of year
// y: kept five years or more (or permanently), its work ended in a year before y
// (Archives Law 2024: within one year after the year the work ended).
func (f File) DueForHandOver(y int) bool {
	if f.EndedOn == "" || (f.RetentionYears != 0 && f.RetentionYears < 5) {
		return false
	}
	ended, err := strconv.Atoi(f.EndedOn[:4])
	return err == nil && ended < y
}

// DossierLetter is the outgoing document a dossier's letter is in the unit's register
// (issue 16): form 04, the apology and extension (Decision 09/2024 and Decree 118/2025),
// is a công văn signed on paper, numbered in the công văn's sequence of the unit's
// settings like any other (Decree 30), its number-and-symbol written with the unit's
// letter symbol ("05/UBND-VP"). Numbering is the store's, in the transition's transaction.
// The recipient is named by the dossier's code, not the person: the register is read by
// every official of the unit.
func DossierLetter(unitID int64, dossierCode, form string, at time.Time, groups map[string]string) Document {
	subject := "Văn bản mẫu " + form + " về hồ sơ " + dossierCode
	if form == "04" {
		subject = "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ " + dossierCode
	}
	at = at.UTC().Truncate(time.Microsecond)
	return Document{UnitID: unitID, Direction: Outgoing, TypeCode: CongVan, Subject: subject,
		Recipients: []string{"Tổ chức, cá nhân nộp hồ sơ " + dossierCode}, Urgency: Normal, Status: Issued, Paper: true,
		Sequence: Sequence(CongVan, false, false, groups), Year: Year(at), IssuedOn: at.In(locale.Zone).Format(time.DateOnly),
		CreatedAt: at}
}
