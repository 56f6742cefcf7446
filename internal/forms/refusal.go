package forms

import (
	"io"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Refusal is form 03, the refusal slip (phiếu từ chối tiếp nhận giải quyết hồ sơ): the
// desk's written reason for not receiving a dossier.
type Refusal struct {
	Unit      Header
	Code      string // dossier code, when the dossier has one (an online dossier refused at the check)
	IssuedAt  time.Time
	Applicant Person
	Request   string
	Reason    string
	Officer   string
}

// PDF writes the slip as an A5 PDF.
func (r Refusal) PDF(w io.Writer) error { return renderPDF(r.document(), w) }

// HTML writes the slip as a printable A5 web page.
func (r Refusal) HTML(w io.Writer) error { return renderHTML(r.document(), w) }

func (r Refusal) document() document {
	b := []block{title{"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"}}
	if r.Code != "" {
		b = append(b, codeLine(r.Code))
	}
	b = append(b, asBlocks(applicantLines("Tiếp nhận hồ sơ của", r.Applicant))...)
	b = append(b,
		label("Nội dung yêu cầu giải quyết", r.Request),
		para{Align: alignJustify, Spans: []span{
			{"Qua xem xét, " + r.Unit.issuer() + " thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: ", regular},
			{orBlank(sentence(r.Reason)) + ".", regular},
		}},
		para{Spans: []span{{"Xin thông báo cho Ông/Bà được biết và thực hiện./.", regular}}},
		signatures{[]signer{
			{Title: []string{"Người nộp hồ sơ"}, Note: signHere, Name: r.Applicant.Name},
			{Title: []string{"Người tiếp nhận hồ sơ"}, Note: signHere, Name: r.Officer},
		}},
	)
	return document{
		Title:     "Phiếu từ chối tiếp nhận giải quyết hồ sơ " + r.Code,
		Header:    r.Unit,
		PlaceDate: locale.PlaceDate(r.Unit.Place, r.IssuedAt),
		Date:      r.IssuedAt,
		Blocks:    b,
	}
}
