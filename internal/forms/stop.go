package forms

import (
	"io"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// StopNotice is form 05, the notice that processing of a dossier stops (thông báo dừng
// giải quyết hồ sơ), new in Circular 03/2025/TT-VPCP. It is an official letter, signed
// by the head of the unit.
type StopNotice struct {
	Unit       Header
	Desk       string // the desk that received the dossier; "" names the issuer
	Number     string // document number; printed blank for the clerk to fill when empty
	IssuedAt   time.Time
	Applicant  Person
	Code       string
	Request    string
	ReceivedAt time.Time
	LegalBasis string // the provision the stop rests on: "khoản 2 Điều 18 Nghị định số 118/2025/NĐ-CP"
	Reason     string
	Refund     int64 // fees paid back, in đồng; zero prints no refund line
	Signer     Signer
	Recipients []string
}

// PDF writes the notice as an A5 PDF.
func (s StopNotice) PDF(w io.Writer) error { return renderPDF(s.document(), w) }

// HTML writes the notice as a printable A5 web page.
func (s StopNotice) HTML(w io.Writer) error { return renderHTML(s.document(), w) }

func (s StopNotice) document() document {
	issuer := s.Unit.issuer()
	b := []block{
		title{"THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"},
		para{Align: alignCenter, Spans: []span{{"Kính gửi: Ông/Bà ", regular}, {orBlank(s.Applicant.Name), bold}}},
		para{Align: alignJustify, Indent: true, Spans: []span{
			{"Ngày " + locale.Date(s.ReceivedAt) + ", " + receiver(s.Desk, issuer) + " đã tiếp nhận hồ sơ của Ông/Bà về việc " +
				lowerFirst(orBlank(s.Request)) + ", mã hồ sơ ", regular},
			{orBlank(s.Code), bold},
			{".", regular},
		}},
		para{Align: alignJustify, Indent: true, Spans: []span{
			{"Căn cứ " + orBlank(s.LegalBasis) + ", " + issuer + " thông báo ", regular},
			{"dừng giải quyết hồ sơ", bold},
			{" nêu trên.", regular},
		}},
		para{Align: alignJustify, Indent: true, Spans: []span{{"Lý do: " + orBlank(sentence(s.Reason)) + ".", regular}}},
	}
	if s.Refund > 0 {
		b = append(b, para{Align: alignJustify, Indent: true, Spans: []span{
			{"Phí, lệ phí Ông/Bà đã nộp được hoàn trả: ", regular}, {amount(s.Refund), bold}, {".", regular},
		}})
	}
	b = append(b,
		para{Align: alignJustify, Indent: true, Spans: []span{{issuer + " thông báo để Ông/Bà được biết./.", regular}}},
		closing{Recipients: s.Recipients, Signer: s.Signer.block()},
	)
	return document{
		Title:     "Thông báo dừng giải quyết hồ sơ " + s.Code,
		Header:    s.Unit,
		Number:    orBlank(s.Number),
		PlaceDate: locale.PlaceDate(s.Unit.Place, s.IssuedAt),
		Date:      s.IssuedAt,
		Blocks:    b,
	}
}
