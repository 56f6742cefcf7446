package community

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/locale"
)

// XLSXColumns are the indicators workbook's columns, in Vietnamese.
var XLSXColumns = []string{"Chỉ số", "Đơn vị tính", "Giá trị", "Chỉ tiêu", "Nguồn", "Tử số", "Mẫu số",
	"Văn bản nguồn", "Ngày số liệu", "Ghi chú"}

// Label says where a value comes from, on screen and in the workbook.
func (o Origin) Label() string {
	if o == Computed {
		return "Tự động tính"
	}
	return "Nhập tay"
}

// WriteXLSX writes a year's indicators (the commune's, or a village's when village is
// not empty) as a workbook: a title row, the header, one row per indicator, numbers as
// numbers and empty cells where there is none.
func WriteXLSX(w io.Writer, unitName string, year int, village string, ins []Indicator) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Chỉ số"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := fmt.Sprintf("Chỉ số chuyển đổi số năm %d — %s", year, unitName)
	if village != "" {
		title += ", " + village
	}
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	header := make([]any, len(XLSXColumns))
	for i, c := range XLSXColumns {
		header[i] = c
	}
	if err := f.SetSheetRow(sheet, "A2", &header); err != nil {
		return err
	}
	num := func(v *float64) any {
		if v == nil {
			return nil
		}
		return *v
	}
	for i, in := range ins {
		cells := []any{in.Name, in.Unit, num(in.Value), num(in.Target), in.Origin.Label(), nil, nil, nil, nil, nil}
		if in.Unattributed != "" {
			cells[9] = in.Unattributed
		}
		if in.Origin == Computed {
			for _, p := range in.Parts {
				if p == Numerator {
					cells[5] = in.Numerator
				} else {
					cells[6] = in.Denominator
				}
			}
		} else if in.Source != "" {
			cells[7], cells[8] = in.Source, locale.Day(in.AsOf.Time())
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 48); err != nil {
		return err
	}
	return f.Write(w)
}
