package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Columns are the one-stop report's columns as a leader reads them, in Vietnamese, with
// the figure each shows.
var Columns = []struct {
	Header string
	Value  func(OneStop) any
}{
	{"Tiếp nhận: tổng", func(r OneStop) any { return r.Received.Total }},
	{"Trực tuyến", func(r OneStop) any { return r.Received.Online }},
	{"Trực tiếp", func(r OneStop) any { return r.Received.Counter }},
	{"Bưu chính", func(r OneStop) any { return r.Received.Post }},
	{"Kỳ trước chuyển sang", func(r OneStop) any { return r.Received.CarriedOver }},
	{"Đã giải quyết: tổng", func(r OneStop) any { return r.Resolved.Total }},
	{"Trước hạn", func(r OneStop) any { return r.Resolved.Early }},
	{"Đúng hạn", func(r OneStop) any { return r.Resolved.OnTime }},
	{"Quá hạn", func(r OneStop) any { return r.Resolved.Late }},
	{"Đang giải quyết: tổng", func(r OneStop) any { return r.InProgress.Total }},
	{"Trong hạn", func(r OneStop) any { return r.InProgress.WithinDeadline }},
	{"Quá hạn (đang giải quyết)", func(r OneStop) any { return r.InProgress.Overdue }},
	{"Chờ bổ sung", func(r OneStop) any { return r.SupplementWaiting }},
	{"Rút hồ sơ", func(r OneStop) any { return r.Withdrawn }},
	{"Từ chối", func(r OneStop) any { return r.Refused }},
	{"Dừng giải quyết", func(r OneStop) any { return r.Stopped }},
	{"Tỷ lệ trực tuyến (%)", func(r OneStop) any { return r.OnlineRate }},
	{"Tỷ lệ trước hạn (%)", func(r OneStop) any { return r.EarlyRate }},
	{"Tỷ lệ đúng hạn (%)", func(r OneStop) any { return r.OnTimeRate }},
	{"Tỷ lệ quá hạn (%)", func(r OneStop) any { return r.LateRate }},
}

// WriteXLSX writes the report as a workbook: the first sheet is the summary (one row of
// totals), the second the breakdown with a totals row, numbers as numbers.
func WriteXLSX(w io.Writer, res Result) error {
	f := excelize.NewFile()
	defer f.Close()
	summary := "Tổng hợp"
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	title := fmt.Sprintf("Tình hình tiếp nhận và giải quyết hồ sơ — %s, từ %s đến %s", res.UnitName, res.From, res.To)
	if err := f.SetCellValue(summary, "A1", title); err != nil {
		return err
	}
	write := func(sheet string, row int, label string, r OneStop) error {
		cells := []any{label}
		for _, c := range Columns {
			cells = append(cells, c.Value(r))
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(sheet, cell, &cells)
	}
	header := []any{"Đơn vị"}
	for _, c := range Columns {
		header = append(header, c.Header)
	}
	if err := f.SetSheetRow(summary, "A3", &header); err != nil {
		return err
	}
	if err := write(summary, 4, res.UnitName, res.OneStop); err != nil {
		return err
	}
	if len(res.Groups) > 0 {
		detail := "Chi tiết"
		if _, err := f.NewSheet(detail); err != nil {
			return err
		}
		header[0] = map[By]string{ByField: "Lĩnh vực", ByProcedure: "Thủ tục", ByChannel: "Kênh nộp"}[res.By]
		if err := f.SetSheetRow(detail, "A1", &header); err != nil {
			return err
		}
		for i, g := range res.Groups {
			if err := write(detail, i+2, g.Label, g.OneStop); err != nil {
				return err
			}
		}
		if err := write(detail, len(res.Groups)+2, "Tổng cộng", res.OneStop); err != nil {
			return err
		}
	}
	return f.Write(w)
}
