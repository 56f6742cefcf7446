package forms

import (
	"io"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// CertificationRegister is a book of the certification register (sổ chứng thực,
// Circular 01/2020/TT-BTP) for a year: one line per certification, in number order,
// printed on A4 landscape.
type CertificationRegister struct {
	Unit    Header
	Title   string // "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH", …
	Book    string // "01/2026-SCT/BS"
	Year    int
	Printed time.Time // when it was printed: the PDF's date
	Entries []CertificationLine
	Total   int64 // the fees of the lines
}

// CertificationLine is one certification as the book shows it.
type CertificationLine struct {
	Number    int
	At        time.Time
	Requester string
	Document  string
	Pages     int
	Copies    int
	Certifier string
	Fee       int64
	Note      string
}

// PDF writes the book as an A4 landscape PDF.
func (r CertificationRegister) PDF(w io.Writer) error { return renderPDF(r.document(), w) }

// HTML writes the book as a printable A4 landscape web page.
func (r CertificationRegister) HTML(w io.Writer) error { return renderHTML(r.document(), w) }

func (r CertificationRegister) document() document {
	rows := make([][]string, len(r.Entries))
	for i, e := range r.Entries {
		rows[i] = []string{
			strconv.Itoa(e.Number), locale.Date(e.At), e.Requester, e.Document, strconv.Itoa(e.Pages), strconv.Itoa(e.Copies),
			e.Certifier, locale.Number(e.Fee), e.Note,
		}
	}
	b := []block{
		title{r.Title},
		para{Align: alignCenter, Spans: []span{{"Quyển số: " + r.Book + " — năm " + strconv.Itoa(r.Year), regular}}},
		table{
			Cols: []column{
				{Head: "Số chứng thực", Width: 16, Align: alignCenter},
				{Head: "Ngày, tháng, năm chứng thực", Width: 22, Align: alignCenter},
				{Head: "Họ và tên người yêu cầu chứng thực", Width: 38},
				{Head: "Tên giấy tờ, văn bản, hợp đồng được chứng thực", Width: 60},
				{Head: "Số trang", Width: 12, Align: alignCenter},
				{Head: "Số bản", Width: 12, Align: alignCenter},
				{Head: "Người thực hiện chứng thực", Width: 38},
				{Head: "Phí, lệ phí (đồng)", Width: 20, Align: alignRight},
				{Head: "Ghi chú", Width: 20},
			},
			Numbered: true,
			Rows:     rows,
		},
		para{Spans: []span{
			{"Tổng số việc chứng thực: " + strconv.Itoa(len(r.Entries)) + ". Tổng phí: " + locale.Money(r.Total) + ".", bold},
		}},
	}
	return document{
		Title:     r.Title,
		Landscape: true,
		Header:    r.Unit,
		Date:      r.Printed,
		Blocks:    b,
	}
}
