package notify

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Placeholders are the names a template may use, each filled from the message's Data.
var Placeholders = map[string]string{
	"ma_ho_so":    "mã hồ sơ",
	"ten_thu_tuc": "tên thủ tục",
	"ngay_hen":    "ngày hẹn trả kết quả",
	"ly_do":       "lý do, nội dung cần bổ sung",
	"so_tien":     "số tiền",
	"ma_otp":      "mã xác thực một lần",
	"trang_thai":  "tình trạng hồ sơ",
	"don_vi":      "tên đơn vị",
	"tieu_de":     "tiêu đề thông báo",
	"duong_dan":   "đường dẫn xem toàn văn",
	"noi_dung_ck": "nội dung chuyển khoản",
}

// Kinds lists the kinds of messages with their Vietnamese names.
var Kinds = map[string]string{
	KindReceipt: "Tiếp nhận hồ sơ", KindSubmitted: "Đã nhận hồ sơ trực tuyến", KindSupplement: "Yêu cầu bổ sung",
	KindApology: "Thư xin lỗi, hẹn lại", KindResult: "Có kết quả", KindRefused: "Từ chối, dừng giải quyết",
	KindFee: "Phí, lệ phí cần nộp", KindFeedbackAnswered: "Phản ánh đã được trả lời", KindOTP: "Mã xác thực",
	KindReply: "Trả lời tra cứu qua tin nhắn", KindAnnouncement: "Thông báo của xã",
}

// defaults are the wording of each kind on the short channels (push, ZNS, SMS); e-mail
// takes the body composed by the service that owes the message.
var defaults = map[string]string{
	KindReceipt:          "Ho so {{ma_ho_so}} ({{ten_thu_tuc}}) da duoc tiep nhan. Hen tra ket qua: {{ngay_hen}}.",
	KindSubmitted:        "Ho so {{ten_thu_tuc}} da duoc gui, dang cho can bo mot cua kiem tra.",
	KindSupplement:       "Ho so {{ma_ho_so}} can bo sung: {{ly_do}}",
	KindApology:          "Xin loi ong/ba: ho so {{ma_ho_so}} chua giai quyet kip han. Hen tra moi: {{ngay_hen}}.",
	KindResult:           "Ho so {{ma_ho_so}} da co ket qua. Moi ong/ba nhan tai bo phan mot cua hoac tra cuu truc tuyen.",
	KindRefused:          "Ho so {{ma_ho_so}}: {{trang_thai}}. Ly do: {{ly_do}}",
	KindFee:              "Ho so {{ma_ho_so}}: phi, le phi can nop {{so_tien}} dong. Noi dung chuyen khoan: {{noi_dung_ck}}",
	KindFeedbackAnswered: "Phan anh, kien nghi cua ong/ba da duoc tra loi. Xem tren cong dich vu cong.",
	KindOTP:              "Ma xac thuc cua ong/ba la {{ma_otp}}, co hieu luc 10 phut. Khong dua ma nay cho nguoi khac.",
	KindReply:            "Ho so {{ma_ho_so}}: {{trang_thai}}. {{ngay_hen}}",
	KindAnnouncement:     "UBND xa thong bao: {{tieu_de}}. Xem: {{duong_dan}}",
}

// viDefaults are the defaults with their marks, for push and ZNS, which carry Unicode.
var viDefaults = map[string]string{
	KindReceipt:          "Hồ sơ {{ma_ho_so}} ({{ten_thu_tuc}}) đã được tiếp nhận. Hẹn trả kết quả: {{ngay_hen}}.",
	KindSubmitted:        "Hồ sơ {{ten_thu_tuc}} đã được gửi, đang chờ cán bộ một cửa kiểm tra.",
	KindSupplement:       "Hồ sơ {{ma_ho_so}} cần bổ sung: {{ly_do}}",
	KindApology:          "Xin lỗi ông/bà: hồ sơ {{ma_ho_so}} chưa giải quyết kịp hạn. Hẹn trả mới: {{ngay_hen}}.",
	KindResult:           "Hồ sơ {{ma_ho_so}} đã có kết quả. Mời ông/bà nhận tại bộ phận một cửa hoặc tra cứu trực tuyến.",
	KindRefused:          "Hồ sơ {{ma_ho_so}}: {{trang_thai}}. Lý do: {{ly_do}}",
	KindFee:              "Hồ sơ {{ma_ho_so}}: phí, lệ phí cần nộp {{so_tien}} đồng. Nội dung chuyển khoản: {{noi_dung_ck}}",
	KindFeedbackAnswered: "Phản ánh, kiến nghị của ông/bà đã được trả lời. Xem trên cổng dịch vụ công.",
	KindOTP:              "Mã xác thực của ông/bà là {{ma_otp}}, có hiệu lực 10 phút. Không đưa mã này cho người khác.",
	KindReply:            "Hồ sơ {{ma_ho_so}}: {{trang_thai}}. {{ngay_hen}}",
	KindAnnouncement:     "Thông báo của Ủy ban nhân dân xã: {{tieu_de}}. Xem toàn văn: {{duong_dan}}",
}

// DefaultTemplate is the wording of kind on channel when the unit wrote none ("" : none).
func DefaultTemplate(kind, channel string) string {
	if channel == ChanSMS {
		return defaults[kind]
	}
	return viDefaults[kind]
}

var placeholder = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// Render fills a template's placeholders from data (an unknown or missing one: empty).
func Render(tmpl string, data map[string]string) string {
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		return data[placeholder.FindStringSubmatch(m)[1]]
	})
}

// ZNSMax is the longest ZNS template content Zalo takes, in characters.
const ZNSMax = 400

// MaxTemplate bounds any template, in bytes.
const MaxTemplate = 2000

var (
	ErrTemplateEmpty   = apperr.New(apperr.Invalid, "template_empty", "Nội dung mẫu tin nhắn không được để trống.")
	ErrTemplateLong    = apperr.New(apperr.Invalid, "template_too_long", "Mẫu tin nhắn quá dài.")
	ErrZNSTooLong      = apperr.New(apperr.Invalid, "zns_too_long", "Mẫu tin Zalo ZNS dài quá 400 ký tự.")
	ErrPlaceholder     = apperr.New(apperr.Invalid, "unknown_placeholder", "Mẫu tin nhắn dùng một trường không có.")
	ErrTemplateKind    = apperr.New(apperr.Invalid, "unknown_template", "Loại tin nhắn hoặc kênh gửi không có.")
	ErrTemplateBadUTF8 = apperr.New(apperr.Invalid, "template_encoding", "Mẫu tin nhắn có ký tự không hợp lệ.")
)

// CheckTemplate refuses a unit's template that could not be sent: unknown kind or
// channel, empty, too long (ZNS over 400 characters), a placeholder that does not exist.
// It answers the SMS segments the longest rendering is expected to take.
func CheckTemplate(kind, channel, body string) (segments int, err error) {
	if _, ok := Kinds[kind]; !ok || (channel != ChanPush && channel != ChanZNS && channel != ChanSMS) {
		return 0, ErrTemplateKind
	}
	if len(body) > MaxTemplate {
		return 0, ErrTemplateLong
	}
	if !utf8.ValidString(body) {
		return 0, ErrTemplateBadUTF8
	}
	if strings.TrimSpace(body) == "" {
		return 0, ErrTemplateEmpty
	}
	for _, m := range placeholder.FindAllStringSubmatch(body, -1) {
		if _, ok := Placeholders[m[1]]; !ok {
			return 0, ErrPlaceholder.With(fmt.Errorf("{{%s}}", m[1]))
		}
	}
	if strings.Count(body, "{{") != len(placeholder.FindAllString(body, -1)) {
		return 0, ErrPlaceholder
	}
	if channel == ChanZNS && utf8.RuneCountInString(body) > ZNSMax {
		return 0, ErrZNSTooLong
	}
	n, _ := SMSSegments(body)
	return n, nil
}

// gsm7 is the GSM 03.38 basic character set; ext the characters of its extension table
// (two septets each).
const (
	gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	ext  = "^{}\\[~]|€\f"
)

// SMSSegments counts the parts an SMS of text takes: GSM-7 160 characters (153 each when
// split), else UCS-2 70 (67 each). Vietnamese with its marks is UCS-2.
func SMSSegments(text string) (n int, ucs2 bool) {
	septets := 0
	units := 0
	for _, r := range text {
		switch {
		case strings.ContainsRune(ext, r):
			septets += 2
		case strings.ContainsRune(gsm7, r):
			septets++
		default:
			ucs2 = true
		}
		units++
		if r > 0xFFFF {
			units++
		}
	}
	if ucs2 {
		if units <= 70 {
			return 1, true
		}
		return (units + 66) / 67, true
	}
	if septets <= 160 {
		return 1, false
	}
	return (septets + 152) / 153, false
}

// StripMarks writes Vietnamese without its marks (đ as d, Đ as D), for SMS gateways that
// take only GSM-7.
func StripMarks(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		case r >= 0x300 && r <= 0x36F: // combining marks
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// render is the subject and text of p on channel: the unit's template, else the default,
// else the body the service composed.
func (w *Worker) render(ctx context.Context, p Pending, channel string) (subject, text string) {
	subject = p.Subject
	tmpl := ""
	if p.Kind != "" && channel != ChanEmail {
		t, err := w.Store.Template(ctx, p.UnitID, p.Kind, channel)
		if err != nil {
			w.Log.Warn("notify template", "err", err)
		}
		if tmpl = t; tmpl == "" {
			tmpl = DefaultTemplate(p.Kind, channel)
		}
	}
	if tmpl != "" && (p.Kind != KindOTP || p.Body == "") {
		text = Render(tmpl, p.Data)
	} else if p.Body != "" {
		text = p.Body
	} else {
		text = p.Subject
	}
	if subject == "" {
		subject = Kinds[p.Kind]
	}
	return subject, text
}
