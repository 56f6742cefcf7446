package forms

import (
	"io"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// ControlSlip is form 06, the process-control slip (phiếu kiểm soát quá trình giải quyết
// hồ sơ): it travels with the paper dossier and records every hand-over between steps,
// with its time, who gave and who received, and whether the step was early, on time or
// late.
type ControlSlip struct {
	Unit       Header
	Code       string
	Applicant  Person
	Request    string
	Competent  string // the body that resolves the dossier (cơ quan giải quyết)
	ReceivedAt time.Time
	DueAt      time.Time
	HandOvers  []HandOver
	BlankRows  int // empty rows printed after the hand-overs, for those still to be written by hand
}

// HandOver is one hand-over of the dossier between two steps.
type HandOver struct {
	From     string // the unit or desk that gives: "Bộ phận Tiếp nhận và Trả kết quả"
	To       string // the one that receives: "Công chức Tư pháp - Hộ tịch"
	At       time.Time
	Giver    string
	Receiver string
	Result   string // the step's timeliness: "Trước hạn", "Đúng hạn", "Quá hạn"
	Note     string
}

// PDF writes the slip as an A5 PDF.
func (c ControlSlip) PDF(w io.Writer) error { return renderPDF(c.document(), w) }

// HTML writes the slip as a printable A5 web page.
func (c ControlSlip) HTML(w io.Writer) error { return renderHTML(c.document(), w) }

func (c ControlSlip) document() document {
	rows := make([][]string, 0, len(c.HandOvers)+c.BlankRows)
	for _, h := range c.HandOvers {
		rows = append(rows, []string{
			"1. Giao: " + orBlank(h.From) + "\n2. Nhận: " + orBlank(h.To),
			locale.DateTime(h.At) + "\nNgười giao: " + orBlank(h.Giver) + "\nNgười nhận: " + orBlank(h.Receiver),
			h.Result,
			h.Note,
		})
	}
	for range c.BlankRows {
		rows = append(rows, []string{
			"1. Giao: " + blank + "\n2. Nhận: " + blank,
			locale.DateTime(time.Time{}) + "\nNgười giao: " + blank + "\nNgười nhận: " + blank,
			"", "",
		})
	}
	b := []block{
		title{"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"},
		codeLine(c.Code),
		labelBold("Người nộp hồ sơ", c.Applicant.Name),
		label("Nội dung yêu cầu giải quyết", c.Request),
		label("Cơ quan giải quyết", c.Competent),
		label("Thời gian nhận hồ sơ", locale.DateTime(c.ReceivedAt)),
		label("Thời gian hẹn trả kết quả", locale.DateTime(c.DueAt)),
		table{
			Cols: []column{
				{Head: "TÊN CƠ QUAN", Width: 0.28},
				{Head: "THỜI GIAN GIAO, NHẬN HỒ SƠ", Width: 0.40},
				{Head: "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ đúng hạn/ quá hạn)", Width: 0.18, Align: alignCenter},
				{Head: "GHI CHÚ", Width: 0.14},
			},
			Rows: rows,
		},
		para{Small: true, Align: alignJustify, Spans: []span{
			{"Ghi chú: ", bold},
			{"Trường hợp hồ sơ được chuyển qua dịch vụ bưu chính thì thời gian giao, nhận hồ sơ và việc ký nhận " +
				"thể hiện trong hóa đơn của cơ quan bưu chính.", italic},
		}},
	}
	return document{
		Title:  "Phiếu kiểm soát quá trình giải quyết hồ sơ " + c.Code,
		Header: c.Unit,
		Date:   c.ReceivedAt,
		Blocks: b,
	}
}
