package certify

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Printed is a book as printed: the unit, the kind and year, the lines in number order.
type Printed struct {
	Unit    unit.Unit
	Kind    Kind
	Year    int
	Entries []Entry
	At      time.Time // when printed
}

var bookTitles = map[Kind]string{
	KindCopy:      "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
	KindSignature: "SỔ CHỨNG THỰC CHỮ KÝ, CHỨNG THỰC ĐIỂM CHỈ",
	KindContract:  "SỔ CHỨNG THỰC HỢP ĐỒNG, GIAO DỊCH",
}

// BookTitle is the title a kind's book carries.
func BookTitle(k Kind) string { return bookTitles[k] }

// Form is the book as the forms package draws it.
func (p Printed) Form() forms.CertificationRegister {
	r := forms.CertificationRegister{
		Unit:    forms.Header{Issuer: strings.ToUpper("Ủy ban nhân dân " + p.Unit.Name), Place: place(p.Unit)},
		Title:   BookTitle(p.Kind),
		Book:    Book(p.Kind, p.Year),
		Year:    p.Year,
		Printed: p.At,
	}
	for _, e := range p.Entries {
		r.Entries = append(r.Entries, forms.CertificationLine{Number: e.Number, At: e.At, Requester: e.Requester,
			Document: e.Document, Pages: e.Pages, Copies: e.Copies, Certifier: e.CertifierName, Fee: e.Fee})
		r.Total += e.Fee
	}
	return r
}

// WritePDF writes the book as a PDF (A4 landscape, Liberation Serif).
func (p Printed) WritePDF(w io.Writer) error { return p.Form().PDF(w) }

// XLSXColumns are the workbook's columns.
var XLSXColumns = []string{"Số chứng thực", "Ngày chứng thực", "Họ và tên người yêu cầu chứng thực",
	"Tên giấy tờ, văn bản, hợp đồng", "Số trang", "Số bản", "Người thực hiện chứng thực", "Phí (đồng)", "Nội dung thu phí"}

// WriteXLSX writes the book as a workbook: a title row, the header, one row per line
// with numbers as numbers, and the total of the fees.
func (p Printed) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sổ chứng thực"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := fmt.Sprintf("%s — quyển số %s — %s", BookTitle(p.Kind), Book(p.Kind, p.Year), p.Unit.Name)
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	header := make([]any, len(XLSXColumns))
	for i, c := range XLSXColumns {
		header[i] = c
	}
	if err := f.SetSheetRow(sheet, "A3", &header); err != nil {
		return err
	}
	var total int64
	for i, e := range p.Entries {
		row := []any{e.Number, e.Day.String(), e.Requester, e.Document, e.Pages, e.Copies, e.CertifierName, e.Fee, e.PaymentReference}
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
		total += e.Fee
	}
	cell, _ := excelize.CoordinatesToCellName(1, len(p.Entries)+4)
	row := []any{"Tổng cộng", nil, nil, nil, nil, nil, nil, total}
	if err := f.SetSheetRow(sheet, cell, &row); err != nil {
		return err
	}
	return f.Write(w)
}

// place is the unit's place name for the date line: "Yên Từ" of "Xã Yên Từ".
func place(u unit.Unit) string {
	for _, p := range []string{"Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "} {
		if rest, ok := strings.CutPrefix(u.Name, p); ok {
			return rest
		}
	}
	return u.Name
}
