package document

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Register kinds (Decree 30, Appendix IV).
const (
	RegisterIncoming = "incoming" // sổ đăng ký văn bản đến
	RegisterOutgoing = "outgoing" // sổ đăng ký văn bản đi
	RegisterTracking = "tracking" // sổ theo dõi giải quyết văn bản đến
)

// Column is one column of a register: its Vietnamese header, its width in the PDF (mm)
// and its value.
type Column struct {
	Header string
	Width  float64
	Value  func(d Document, replies map[int64]string) string
}

func typeName(code string) string {
	if t, ok := TypeByCode(code); ok {
		return t.Name
	}
	return ""
}

func typeAndSubject(d Document, _ map[int64]string) string {
	if n := typeName(d.TypeCode); n != "" {
		return n + ": " + d.Subject
	}
	return d.Subject
}

func viDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return ""
	}
	return t.Format("02/01/2006")
}

func arrivalDay(d Document, _ map[int64]string) string {
	if d.ReceivedAt == nil {
		return ""
	}
	return d.ReceivedAt.In(locale.Zone).Format("02/01/2006")
}

func blank(Document, map[int64]string) string { return "" }

// RegisterColumns are each register's columns, in Decree 30's order.
var RegisterColumns = map[string][]Column{
	RegisterIncoming: {
		{"Ngày đến", 20, arrivalDay},
		{"Số đến", 14, func(d Document, _ map[int64]string) string { return strconv.Itoa(d.ArrivalNumber) }},
		{"Tác giả", 36, func(d Document, _ map[int64]string) string { return d.Sender }},
		{"Số, ký hiệu", 28, func(d Document, _ map[int64]string) string { return d.NumberNotation }},
		{"Ngày tháng", 20, func(d Document, _ map[int64]string) string { return viDate(d.IssuedOn) }},
		{"Tên loại và trích yếu nội dung", 70, typeAndSubject},
		{"Đơn vị hoặc người nhận", 32, func(d Document, _ map[int64]string) string { return d.HandlerName }},
		{"Ngày chuyển", 18, blank},
		{"Ký nhận", 18, blank},
		{"Ghi chú", 21, func(d Document, _ map[int64]string) string {
			if d.Urgency.Urgent() {
				return d.Urgency.Label()
			}
			return ""
		}},
	},
	RegisterOutgoing: {
		{"Số, ký hiệu văn bản", 30, func(d Document, _ map[int64]string) string { return d.NumberNotation }},
		{"Ngày tháng văn bản", 20, func(d Document, _ map[int64]string) string { return viDate(d.IssuedOn) }},
		{"Tên loại và trích yếu nội dung", 70, typeAndSubject},
		{"Người ký", 26, blank},
		{"Nơi nhận văn bản", 40, func(d Document, _ map[int64]string) string { return strings.Join(d.Recipients, "; ") }},
		{"Đơn vị, người nhận bản lưu", 24, func(d Document, _ map[int64]string) string { return d.DraftingUnit }},
		{"Số lượng bản", 14, func(d Document, _ map[int64]string) string { return strconv.Itoa(len(d.Recipients) + 1) }},
		{"Ngày chuyển", 18, blank},
		{"Ký nhận", 16, blank},
		{"Ghi chú", 19, func(d Document, _ map[int64]string) string {
			if d.Paper {
				return "Bản giấy"
			}
			return "Điện tử"
		}},
	},
	RegisterTracking: {
		{"Số đến", 14, func(d Document, _ map[int64]string) string { return strconv.Itoa(d.ArrivalNumber) }},
		{"Văn bản", 90, func(d Document, r map[int64]string) string {
			return d.NumberNotation + " — " + d.Sender + " — " + typeAndSubject(d, r)
		}},
		{"Người giải quyết", 40, func(d Document, _ map[int64]string) string { return d.HandlerName }},
		{"Hạn giải quyết", 22, func(d Document, _ map[int64]string) string { return viDate(d.Deadline) }},
		{"Tiến độ", 60, func(d Document, _ map[int64]string) string {
			if d.Progress != "" {
				return d.Status.Label() + ": " + d.Progress
			}
			return d.Status.Label()
		}},
		{"Số, ký hiệu văn bản trả lời", 51, func(d Document, r map[int64]string) string { return r[d.ID] }},
	},
}

// RegisterTitle is a register's title.
func RegisterTitle(kind string, year int) string {
	name := map[string]string{RegisterIncoming: "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", RegisterOutgoing: "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
		RegisterTracking: "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"}[kind]
	if year != 0 {
		name += " NĂM " + strconv.Itoa(year)
	}
	return name
}

// WriteRegisterPDF writes a register as an A4 landscape PDF with Decree 30's columns.
// replies maps an incoming document's id to its reply's number-and-symbol (tracking).
func WriteRegisterPDF(w io.Writer, kind, unitName string, year int, docs []Document, replies map[int64]string) error {
	cols, ok := RegisterColumns[kind]
	if !ok {
		return ErrSearch
	}
	f := fpdf.New("L", "mm", "A4", "")
	f.SetMargins(10, 10, 10)
	f.SetAutoPageBreak(false, 10)
	f.AddUTF8FontFromBytes("serif", "", forms.SerifRegular())
	f.SetTitle(RegisterTitle(kind, year), true)
	f.SetCreator("xaso", false)
	header := func() {
		f.SetFont("serif", "", 9)
		x, y := f.GetXY()
		h := 0.0
		for _, c := range cols {
			if n := float64(len(f.SplitText(c.Header, c.Width-2))) * 4.5; n > h {
				h = n
			}
		}
		for _, c := range cols {
			f.Rect(x, y, c.Width, h+2, "D")
			f.SetXY(x+1, y+1)
			f.MultiCell(c.Width-2, 4.5, c.Header, "", "C", false)
			x += c.Width
		}
		f.SetXY(10, y+h+2)
	}
	f.AddPage()
	f.SetFont("serif", "", 12)
	f.CellFormat(0, 6, unitName, "", 1, "L", false, 0, "")
	f.SetFont("serif", "", 14)
	f.CellFormat(0, 8, RegisterTitle(kind, year), "", 1, "C", false, 0, "")
	f.Ln(2)
	header()
	f.SetFont("serif", "", 9)
	for _, d := range docs {
		h := 0.0
		vals := make([]string, len(cols))
		for i, c := range cols {
			vals[i] = c.Value(d, replies)
			if n := float64(max(1, len(f.SplitText(vals[i], c.Width-2)))) * 4.5; n > h {
				h = n
			}
		}
		h = min(h, 160)
		if _, y := f.GetXY(); y+h+2 > 200 {
			f.AddPage()
			header()
			f.SetFont("serif", "", 9)
		}
		x, y := f.GetXY()
		for i, c := range cols {
			f.Rect(x, y, c.Width, h+2, "D")
			f.SetXY(x+1, y+1)
			f.MultiCell(c.Width-2, 4.5, vals[i], "", "L", false)
			x += c.Width
		}
		f.SetXY(10, y+h+2)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("document: register PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return fmt.Errorf("document: register PDF: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteRegisterXLSX writes a register as a workbook: a title row, the header, one row
// per document.
func WriteRegisterXLSX(w io.Writer, kind, unitName string, year int, docs []Document, replies map[int64]string) error {
	cols, ok := RegisterColumns[kind]
	if !ok {
		return ErrSearch
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Sổ"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := x.SetCellValue(sheet, "A1", unitName+" — "+RegisterTitle(kind, year)); err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.Header
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetColWidth(sheet, name, name, c.Width/2.5); err != nil {
			return err
		}
	}
	if err := x.SetSheetRow(sheet, "A3", &header); err != nil {
		return err
	}
	for r, d := range docs {
		row := make([]any, len(cols))
		for i, c := range cols {
			v := c.Value(d, replies)
			if n, err := strconv.Atoi(v); err == nil && (c.Header == "Số đến" || c.Header == "Số lượng bản") {
				row[i] = n
			} else {
				row[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+4)
		if err := x.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	return x.Write(w)
}
