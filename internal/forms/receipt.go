package forms

import (
	"io"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Receipt is form 01, the receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả
// kết quả): issued for every dossier received, since receiving without one is
// prohibited. It is made in two copies, one for the applicant and one that travels with
// the dossier and its control slip (form 06).
type Receipt struct {
	Unit         Header
	Code         string // dossier code (mã hồ sơ)
	LookupCode   string // the 8-character look-up code (mã tra cứu) printed beside it; optional
	QR           []byte // PNG of the look-up QR code, printed beside the applicant; optional
	Applicant    Person
	Request      string // what is applied for (nội dung yêu cầu giải quyết), usually the procedure's name
	Papers       []Paper
	Sets         int    // number of sets of papers (số lượng hồ sơ, bộ)
	LegalTime    string // processing time set by law: "05 ngày làm việc"
	ReceivedAt   time.Time
	DueAt        time.Time // the appointment to return the result
	ReturnPlace  string    // where the result is collected, or the postal address
	Fees         []Fee
	RegisterBook string // book (quyển số) of the register (form 07)
	RegisterNo   string // line (số thứ tự) in that book
	Officer      string // the counter officer who received the dossier
}

// PDF writes the receipt as an A5 PDF.
func (r Receipt) PDF(w io.Writer) error { return renderPDF(r.document(), w) }

// HTML writes the receipt as a printable A5 web page.
func (r Receipt) HTML(w io.Writer) error { return renderHTML(r.document(), w) }

func (r Receipt) document() document {
	papers := make([][]string, len(r.Papers))
	for i, p := range r.Papers {
		qty := ""
		if p.Quantity > 0 {
			qty = strconv.Itoa(p.Quantity)
		}
		papers[i] = []string{strconv.Itoa(i + 1), p.Name, p.Form, qty}
	}
	if len(papers) == 0 {
		// Nothing recorded at intake: lines for the officer to write the papers in.
		papers = [][]string{{"1", blank, "", ""}, {"2", blank, "", ""}}
	}
	top := append(applicantLines("Tiếp nhận hồ sơ của", r.Applicant), label("Nội dung yêu cầu giải quyết", r.Request))
	b := []block{
		title{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"},
		receiptCodeLine(r.Code, r.LookupCode),
	}
	if len(r.QR) > 0 {
		b = append(b, aside{QR: r.QR, Caption: "Tra cứu hồ sơ", Paras: top})
	} else {
		b = append(b, asBlocks(top)...)
	}
	b = append(b,
		para{Spans: []span{{"1. Thành phần hồ sơ nộp gồm:", regular}}},
		table{
			Cols: []column{
				{Head: "TT", Width: 0.08, Align: alignCenter},
				{Head: "Tên giấy tờ", Width: 0.56},
				{Head: "Hình thức", Width: 0.22, Align: alignCenter},
				{Head: "Số lượng", Width: 0.14, Align: alignCenter},
			},
			Rows: papers,
		},
		para{Spans: []span{{"2. Số lượng hồ sơ: " + twoDigits(r.Sets) + " (bộ)", regular}}},
		label("3. Thời gian giải quyết hồ sơ theo quy định", r.LegalTime),
		label("4. Thời gian nhận hồ sơ", locale.DateTime(r.ReceivedAt)),
		labelBold("5. Thời gian trả kết quả giải quyết hồ sơ", locale.DateTime(r.DueAt)),
		label("6. Đăng ký nhận kết quả tại", r.ReturnPlace),
	)
	b = append(b, feeLines("7. ", r.Fees)...)
	b = append(b,
		para{Spans: []span{{"Vào Sổ theo dõi hồ sơ, Quyển số: " + orBlank(r.RegisterBook) + ", Số thứ tự: " + orBlank(r.RegisterNo), regular}}},
		signatures{[]signer{
			{Title: []string{"Người nộp hồ sơ"}, Note: signHere, Name: r.Applicant.Name},
			{Title: []string{"Người tiếp nhận hồ sơ"}, Note: signHere, Name: r.Officer},
		}},
		para{Small: true, Align: alignJustify, Spans: []span{
			{"Ghi chú: ", bold},
			{"Giấy này được lập thành 02 liên: một liên giao người nộp hồ sơ, một liên chuyển cùng hồ sơ và " +
				"Phiếu kiểm soát quá trình giải quyết hồ sơ.", italic},
		}},
	)
	return document{
		Title:     "Giấy tiếp nhận hồ sơ và hẹn trả kết quả " + r.Code,
		Header:    r.Unit,
		PlaceDate: locale.PlaceDate(r.Unit.Place, r.ReceivedAt),
		Date:      r.ReceivedAt,
		Blocks:    b,
	}
}

// feeLines shows the fees, each in figures and in words, numbered with prefix; with
// several fees, their total too. No fees, no lines.
func feeLines(prefix string, fees []Fee) []block {
	switch len(fees) {
	case 0:
		return nil
	case 1:
		return []block{label(prefix+fees[0].Name, amount(fees[0].Amount))}
	}
	b := []block{para{Spans: []span{{prefix + "Phí, lệ phí:", regular}}}}
	var total int64
	for _, f := range fees {
		b = append(b, label("- "+f.Name, amount(f.Amount)))
		total += f.Amount
	}
	return append(b, labelBold("Tổng cộng", amount(total)))
}

// receiptCodeLine is the dossier code and, beside it, the look-up code the citizen types
// with it on the portal.
func receiptCodeLine(code, lookup string) para {
	if lookup == "" {
		return codeLine(code)
	}
	return para{Spans: []span{{"Mã hồ sơ: ", regular}, {code, bold}, {" – Mã tra cứu: ", regular}, {lookup, bold}}, Align: alignCenter}
}
