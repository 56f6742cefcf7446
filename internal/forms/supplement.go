package forms

import (
	"io"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Supplement is form 02, the supplement request (phiếu yêu cầu bổ sung, hoàn thiện hồ
// sơ): the one written guidance listing everything an incomplete dossier lacks, so the
// applicant comes back once.
type Supplement struct {
	Unit      Header
	Number    string // document number (số), when the unit numbers its requests
	Code      string // dossier code, when the dossier has one
	IssuedAt  time.Time
	Applicant Person
	Request   string
	Items     []Requirement
	Reason    string
	Contact   string // who helps, with a phone number: "công chức Trần Văn Bình, số điện thoại 0203 3812 345"
	Officer   string // the officer who gives the guidance
}

// Requirement is a paper to add or correct, and what is wrong with it.
type Requirement struct {
	Paper  string
	Detail string
}

// PDF writes the request as an A5 PDF.
func (s Supplement) PDF(w io.Writer) error { return renderPDF(s.document(), w) }

// HTML writes the request as a printable A5 web page.
func (s Supplement) HTML(w io.Writer) error { return renderHTML(s.document(), w) }

func (s Supplement) document() document {
	rows := make([][]string, len(s.Items))
	for i, it := range s.Items {
		rows[i] = []string{strconv.Itoa(i + 1), it.Paper, it.Detail}
	}
	b := []block{title{"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"}}
	if s.Code != "" {
		b = append(b, codeLine(s.Code))
	}
	b = append(b, asBlocks(applicantLines("Tiếp nhận hồ sơ của", s.Applicant))...)
	b = append(b,
		label("Nội dung yêu cầu giải quyết", s.Request),
		para{Spans: []span{{"Yêu cầu Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:", regular}}},
		table{
			Cols: []column{
				{Head: "TT", Width: 0.08, Align: alignCenter},
				{Head: "Thành phần hồ sơ", Width: 0.42},
				{Head: "Nội dung cần bổ sung, hoàn thiện", Width: 0.50},
			},
			Rows: rows,
		},
		label("Lý do", s.Reason),
		para{Align: alignJustify, Spans: []span{{"Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ " +
			orBlank(s.Contact) + " để được hướng dẫn./.", regular}}},
		signatures{[]signer{{Title: []string{"Người hướng dẫn"}, Note: signHere, Name: s.Officer}}},
	)
	return document{
		Title:     "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ " + s.Code,
		Header:    s.Unit,
		Number:    s.Number,
		PlaceDate: locale.PlaceDate(s.Unit.Place, s.IssuedAt),
		Date:      s.IssuedAt,
		Blocks:    b,
	}
}
