package forms

import (
	"io"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Apology is form 04, the apology and extension request (văn bản xin lỗi và đề nghị gia
// hạn thời gian giải quyết): sent at least one working day before the deadline of a
// dossier that will be late, with the reason and the new appointment. It is an official
// letter, signed by the head of the unit (set Unit.Issuer to the unit itself).
type Apology struct {
	Unit       Header
	Desk       string // the desk that received the dossier; "" names the issuer
	Number     string // number and symbol in the outgoing register ("05/UBND-VP"); blank for the clerk to fill when empty
	IssuedAt   time.Time
	Applicant  Person
	Code       string
	Request    string
	ReceivedAt time.Time
	DueAt      time.Time // the appointment on the receipt
	Reason     string
	NewDueAt   time.Time // the proposed new appointment
	Signer     Signer
	Recipients []string // "Nơi nhận": "Như trên;", "Lưu: VT."
}

// PDF writes the letter as an A5 PDF.
func (a Apology) PDF(w io.Writer) error { return renderPDF(a.document(), w) }

// HTML writes the letter as a printable A5 web page.
func (a Apology) HTML(w io.Writer) error { return renderHTML(a.document(), w) }

func (a Apology) document() document {
	issuer := a.Unit.issuer()
	b := []block{
		title{"VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ\nGIA HẠN THỜI GIAN GIẢI QUYẾT"},
		para{Align: alignCenter, Spans: []span{{"Kính gửi: Ông/Bà ", regular}, {orBlank(a.Applicant.Name), bold}}},
		para{Align: alignJustify, Indent: true, Spans: []span{
			{"Ngày " + locale.Date(a.ReceivedAt) + ", " + receiver(a.Desk, issuer) + " đã tiếp nhận hồ sơ của Ông/Bà về việc " +
				lowerFirst(orBlank(a.Request)) + ", mã hồ sơ ", regular},
			{orBlank(a.Code), bold},
			{"; thời gian trả kết quả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả là " + locale.DateTime(a.DueAt) + ".", regular},
		}},
		para{Align: alignJustify, Indent: true, Spans: []span{
			{"Đến nay, hồ sơ của Ông/Bà chưa được giải quyết xong đúng hạn. Lý do: " + orBlank(sentence(a.Reason)) + ".", regular},
		}},
		para{Align: alignJustify, Indent: true, Spans: []span{
			{issuer + " chân thành xin lỗi Ông/Bà vì sự chậm trễ này và đề nghị gia hạn thời gian giải quyết hồ sơ; " +
				"thời gian hẹn trả kết quả mới là ", regular},
			{locale.DateTime(a.NewDueAt), bold},
			{".", regular},
		}},
		para{Align: alignJustify, Indent: true, Spans: []span{
			{"Rất mong nhận được sự thông cảm của Ông/Bà. Trân trọng./.", regular},
		}},
		closing{Recipients: a.Recipients, Signer: a.Signer.block()},
	}
	return document{
		Title:     "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết " + a.Code,
		Header:    a.Unit,
		Number:    orBlank(a.Number),
		PlaceDate: locale.PlaceDate(a.Unit.Place, a.IssuedAt),
		Date:      a.IssuedAt,
		Blocks:    b,
	}
}
