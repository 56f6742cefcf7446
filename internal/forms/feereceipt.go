package forms

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// FeeReceipt is the view of an electronic fee receipt (biên lai thu phí, lệ phí điện
// tử): the receipt itself is the XML record the collecting unit signs (package
// payment); this A5 page shows its mandatory content — the receipt name, template and
// series symbols and number, the collecting unit's name and tax code, the payer, each
// fee, the total in figures and in words, the date — with a QR code of the dossier's
// look-up and a note saying where the signed record is.
type FeeReceipt struct {
	Name        string // the receipt name, its title ("BIÊN LAI THU PHÍ, LỆ PHÍ")
	Template    string // ký hiệu mẫu biên lai, "EBL01"
	Series      string // ký hiệu biên lai, "26T"
	Number      string // the number as printed, with its leading zeros
	IssuedAt    time.Time
	Collector   Collector
	Payer       Person
	DossierCode string
	// Certification names the certification the fee is for ("Số 12, quyển số
	// 01/2026-SCT/BS"), printed instead of the dossier's code; "" for a dossier's fee.
	Certification string
	Reference     string // the payment's reference (nội dung chuyển khoản)
	Method        string // how it was paid, in words
	Fees          []Fee
	Total         int64
	QR            []byte // PNG of the dossier's look-up; optional
	Basis         []string
	// Signed names the signer of the XML record when its signature is valid ("" when it
	// is not signed, or not validly).
	Signed string
	// SignatureProblem says why a signed record's signature is not valid (printed instead
	// of the signer's name).
	SignatureProblem string
	// Cancelled, for a receipt cancelled in error, says when and why ("Đã hủy ngày …");
	// the page is marked ĐÃ HỦY.
	Cancelled string
	// Replaces, for a replacement, names the cancelled receipt ("Thay thế cho biên lai
	// số … ngày …").
	Replaces string
}

// Collector is the unit that collects the fees and issues the receipt.
type Collector struct {
	Name    string
	TaxCode string
	Address string
}

// PDF writes the receipt as an A5 PDF.
func (r FeeReceipt) PDF(w io.Writer) error { return renderPDF(r.document(), w) }

// HTML writes the receipt as a printable A5 web page.
func (r FeeReceipt) HTML(w io.Writer) error { return renderHTML(r.document(), w) }

func (r FeeReceipt) document() document {
	rows := make([][]string, len(r.Fees))
	for i, f := range r.Fees {
		rows[i] = []string{strconv.Itoa(i + 1), f.Name, locale.Number(f.Amount)}
	}
	top := []para{
		labelBold("Đơn vị thu", r.Collector.Name),
		label("Mã số thuế", r.Collector.TaxCode),
	}
	if r.Collector.Address != "" {
		top = append(top, label("Địa chỉ", r.Collector.Address))
	}
	top = append(top, labelBold("Người nộp", r.Payer.Name))
	if r.Payer.Address != "" {
		top = append(top, label("Địa chỉ người nộp", r.Payer.Address))
	}
	if r.Certification != "" {
		top = append(top, label("Việc chứng thực", r.Certification))
	} else {
		top = append(top, label("Mã hồ sơ", r.DossierCode))
	}
	top = append(top, label("Nội dung chuyển khoản", r.Reference), label("Hình thức thanh toán", r.Method))
	b := []block{
		title{strings.ToUpper(r.Name)},
		para{Align: alignCenter, Spans: []span{
			{"Ký hiệu mẫu: ", regular}, {r.Template, bold},
			{" · Ký hiệu: ", regular}, {r.Series, bold},
			{" · Số: ", regular}, {r.Number, bold},
		}},
	}
	if r.Cancelled != "" {
		b = append(b, para{Align: alignCenter, Spans: []span{{"ĐÃ HỦY", bold}}}, para{Align: alignCenter, Spans: []span{{r.Cancelled, italic}}})
	}
	if r.Replaces != "" {
		b = append(b, para{Align: alignCenter, Spans: []span{{r.Replaces, italic}}})
	}
	if len(r.QR) > 0 {
		b = append(b, aside{QR: r.QR, Caption: "Tra cứu hồ sơ", Paras: top})
	} else {
		b = append(b, asBlocks(top)...)
	}
	b = append(b,
		table{
			Cols: []column{
				{Head: "TT", Width: 0.1, Align: alignCenter},
				{Head: "Tên khoản phí, lệ phí", Width: 0.6},
				{Head: "Số tiền (đồng)", Width: 0.3, Align: alignRight},
			},
			Rows: rows,
		},
		labelBold("Tổng số tiền", locale.Money(r.Total)),
		para{Spans: []span{{"Số tiền bằng chữ: ", regular}, {locale.MoneyWords(r.Total), italic}}},
		label("Thời điểm lập biên lai", locale.DateTime(r.IssuedAt)),
	)
	note := "Biên lai điện tử chưa được ký số."
	switch {
	case r.Signed != "":
		note = "Đã ký số bởi " + r.Signed
	case r.SignatureProblem != "":
		note = r.SignatureProblem
	}
	b = append(b,
		signatures{[]signer{{Title: []string{"Đơn vị thu"}, Note: "(Chữ ký số)", Name: note}}},
		para{Small: true, Align: alignJustify, Spans: []span{
			{"Ghi chú: ", bold},
			{"Biên lai điện tử là bản ghi XML có chữ ký số của đơn vị thu; tệp này là bản thể hiện của biên lai. " +
				"Căn cứ: " + strings.Join(r.Basis, "; ") + ".", italic},
		}},
	)
	return document{
		Title:     r.Name + " " + r.Template + " " + r.Series + " số " + r.Number + cancelledTitle(r.Cancelled),
		Header:    Header{Issuer: r.Collector.Name},
		PlaceDate: locale.PlaceDate("", r.IssuedAt),
		Date:      r.IssuedAt,
		Blocks:    b,
	}
}

func cancelledTitle(cancelled string) string {
	if cancelled == "" {
		return ""
	}
	return " (đã hủy)"
}
