// Package edxml builds and parses the messages of QCVN 102:2016/BTTTT (edXML), the
// national standard for exchanging official documents between bodies (Circular
// 10/2016/TT-BTTTT, amended by Circular 01/2022/TT-BTTTT): a document with its header
// (sender and recipients, number and symbol, promulgation, type, subject, signer,
// priority, steering type, deadline, places, trace) and its attachments in base64, and the
// status messages that answer it (01 arrived … 06 done; recall 13/15/16).
//
// Parse reads bytes from outside: it refuses more than Limits allow before it allocates
// for them, refuses DOCTYPE (so no entity can expand), and each refusal is an apperr with
// a stable code. Build writes the form the national exchange sends: an edXML root holding
// the envelope and, beside it, the encoded attachments. Parse also accepts a bare envelope.
package edxml

import (
	"regexp"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Namespace is QCVN 102:2016's XML namespace.
const Namespace = "http://www.mic.gov.vn/TBT/QCVN_102_2016"

// Kind says whether a message carries a document or a status.
type Kind string

const (
	KindDocument Kind = "document"
	KindStatus   Kind = "status"
)

// Priority of a document (OtherInfo/Priority).
const (
	PriorityNormal       = 0 // thường
	PriorityKhan         = 1 // khẩn
	PriorityThuongKhan   = 2 // thượng khẩn
	PriorityHoaToc       = 3 // hỏa tốc
	PriorityHoaTocHenGio = 4 // hỏa tốc hẹn giờ
)

// SteeringType of a document.
const (
	SteeringNone     = 1 // không chỉ đạo
	SteeringDirect   = 2 // chỉ đạo
	SteeringReportOn = 3 // báo cáo thực hiện chỉ đạo
)

// Business type in the trace header (Bussiness/BussinessDocType, spelt so by the standard).
const (
	BusinessNew     = 0
	BusinessRecall  = 1
	BusinessUpdate  = 2
	BusinessReplace = 3
)

// Status codes of a status message.
const (
	StatusArrived         = "01" // đã đến
	StatusRefused         = "02" // từ chối tiếp nhận
	StatusAccepted        = "03" // đã tiếp nhận
	StatusAwaitAssignment = "04" // đã đến, chờ phân công
	StatusProcessing      = "05" // đã phân công / đang xử lý
	StatusDone            = "06" // hoàn thành
	StatusRecall          = "13" // thu hồi
	StatusRecallAccepted  = "15" // đồng ý thu hồi / cập nhật
	StatusRecallRefused   = "16" // từ chối thu hồi
)

var statusCodes = map[string]string{
	StatusArrived: "đã đến", StatusRefused: "từ chối tiếp nhận", StatusAccepted: "đã tiếp nhận",
	StatusAwaitAssignment: "đã đến, chờ phân công", StatusProcessing: "đang xử lý", StatusDone: "hoàn thành",
	StatusRecall: "thu hồi", StatusRecallAccepted: "đồng ý thu hồi", StatusRecallRefused: "từ chối thu hồi",
}

// StatusName is the Vietnamese name of a status code, "" for an unknown one.
func StatusName(code string) string { return statusCodes[code] }

// DateLayout is the standard's date form (yyyy/MM/dd); TimeLayout its timestamps'.
const (
	DateLayout = "2006/01/02"
	TimeLayout = "2006/01/02 15:04:05"
)

// Organ is a body taking part in an exchange (From, To).
type Organ struct {
	ID        string `json:"organ_id"` // Decision 20/2020/QĐ-TTg: ≤ 35 of 0-9 A-Z .
	Name      string `json:"organ_name,omitempty"`
	InCharge  string `json:"organ_in_charge,omitempty"`
	Address   string `json:"organ_add,omitempty"`
	Email     string `json:"email,omitempty"`
	Telephone string `json:"telephone,omitempty"`
	Fax       string `json:"fax,omitempty"`
	Website   string `json:"website,omitempty"`
}

// Code is a document's number and symbol: CodeNumber "01", CodeNotation "QĐ-UBND".
type Code struct {
	Number   string `json:"code_number"`
	Notation string `json:"code_notation"`
}

// String is the number and symbol as written on the document: 01/QĐ-UBND.
func (c Code) String() string { return c.Number + "/" + c.Notation }

// Signer is SignerInfo.
type Signer struct {
	Competence string `json:"competence,omitempty"` // e.g. "TM. UBND", "KT. CHỦ TỊCH"
	Position   string `json:"position,omitempty"`
	FullName   string `json:"full_name,omitempty"`
}

// Trace is one TraceHeader: a body the message passed, and when.
type Trace struct {
	OrganID   string `json:"organ_id"`
	Timestamp string `json:"timestamp"` // yyyy/MM/dd HH:mm:ss
}

// Business is the trace list's Bussiness block.
type Business struct {
	DocType int    `json:"bussiness_doc_type"`
	Reason  string `json:"bussiness_doc_reason,omitempty"`
	Paper   int    `json:"paper,omitempty"` // 1: a paper copy follows
}

// Attachment is one attached file, decoded.
type Attachment struct {
	ContentID   string `json:"content_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Description string `json:"description,omitempty"`
	Data        []byte `json:"data"` // base64 in JSON, as in edXML
}

// ResponseFor names the document a status answers.
type ResponseFor struct {
	OrganID          string `json:"organ_id"`
	Code             string `json:"code"`              // number/symbol
	PromulgationDate string `json:"promulgation_date"` // yyyy/MM/dd
	DocumentID       string `json:"document_id"`
}

// Staff is a status message's StaffInfo: who handled it (a name and a unit, given by the
// receiving body; no other personal data is carried).
type Staff struct {
	Department string `json:"department,omitempty"`
	Staff      string `json:"staff,omitempty"`
}

// Message is one edXML message: a document (Kind document) or a status (Kind status).
type Message struct {
	Kind Kind    `json:"kind"`
	From Organ   `json:"from"`
	To   []Organ `json:"to,omitempty"`

	// Document.
	DocumentID       string       `json:"document_id,omitempty"` // <organ id>,yyyy/MM/dd,<number/symbol>
	Code             Code         `json:"code,omitzero"`
	Place            string       `json:"place,omitempty"`
	PromulgationDate string       `json:"promulgation_date,omitempty"` // yyyy/MM/dd
	DocumentType     int          `json:"document_type,omitempty"`     // 1 legal document, 2 administrative, …
	TypeName         string       `json:"type_name,omitempty"`         // "Quyết định"
	Subject          string       `json:"subject,omitempty"`
	Content          string       `json:"content,omitempty"`
	Signer           Signer       `json:"signer,omitzero"`
	DueDate          string       `json:"due_date,omitempty"` // yyyy/MM/dd
	ToPlaces         []string     `json:"to_places,omitempty"`
	Priority         int          `json:"priority"`
	SteeringType     int          `json:"steering_type,omitempty"`
	PageAmount       int          `json:"page_amount,omitempty"`
	Traces           []Trace      `json:"traces,omitempty"`
	Business         Business     `json:"business,omitzero"`
	Attachments      []Attachment `json:"attachments,omitempty"`

	// Status.
	ResponseFor ResponseFor `json:"response_for,omitzero"`
	StatusCode  string      `json:"status_code,omitempty"`
	Description string      `json:"description,omitempty"`
	Timestamp   string      `json:"timestamp,omitempty"` // yyyy/MM/dd HH:mm:ss
	Staff       Staff       `json:"staff,omitzero"`

	// unaddressed lets an export name no To (BuildExport).
	unaddressed bool
}

// DocumentIDFor is the standard's document id: <organ id>,yyyy/MM/dd,<number/symbol>.
func DocumentIDFor(organID string, promulgated time.Time, c Code) string {
	return organID + "," + promulgated.Format(DateLayout) + "," + c.String()
}

var organIDPattern = regexp.MustCompile(`^[0-9A-Z.]{1,35}$`)

// ValidOrganID reports whether id is an organ id of Decision 20/2020/QĐ-TTg's form.
func ValidOrganID(id string) bool { return organIDPattern.MatchString(id) }

// Refusals, with stable codes for the API.
var (
	ErrTooLarge   = apperr.New(apperr.Invalid, "edxml_too_large", "Gói tin edXML vượt quá dung lượng cho phép.")
	ErrTooComplex = apperr.New(apperr.Invalid, "edxml_too_complex", "Gói tin edXML lồng nhau quá sâu hoặc có quá nhiều phần tử.")
	ErrDoctype    = apperr.New(apperr.Invalid, "edxml_doctype_refused", "Gói tin edXML có khai báo DOCTYPE hoặc thực thể (entity); không được chấp nhận.")
	ErrMalformed  = apperr.New(apperr.Invalid, "edxml_malformed", "Gói tin edXML không đúng cú pháp XML.")
	ErrNamespace  = apperr.New(apperr.Invalid, "edxml_namespace", "Gói tin không phải edXML theo QCVN 102:2016 (sai không gian tên hoặc phần tử gốc).")
	ErrOrganID    = apperr.New(apperr.Invalid, "edxml_organ_id", "Mã định danh cơ quan gửi hoặc nhận không hợp lệ.")
	ErrMissing    = apperr.New(apperr.Invalid, "edxml_missing_field", "Gói tin edXML thiếu thông tin bắt buộc (số, ký hiệu, ngày ban hành, trích yếu).")
	ErrField      = apperr.New(apperr.Invalid, "edxml_invalid_field", "Gói tin edXML có trường sai giá trị (ngày, độ khẩn, loại chỉ đạo).")
	ErrAttachment = apperr.New(apperr.Invalid, "edxml_attachment", "Tệp đính kèm trong gói tin edXML bị hỏng hoặc quá lớn.")
	ErrStatusCode = apperr.New(apperr.Invalid, "edxml_status_code", "Mã trạng thái trong gói tin edXML không hợp lệ.")
)
