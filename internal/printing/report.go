package printing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/unit"
)

// reportCols are the printed report's columns after the first (the group's name): the
// counts of report.Columns, in its order, under shorter heads that the groups above
// them complete. The rates go in the notes under the table.
var reportCols = []string{
	"Tổng số", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước chuyển sang",
	"Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
	"Tổng số", "Trong hạn", "Quá hạn",
	"Chờ bổ sung", "Rút hồ sơ", "Từ chối", "Dừng giải quyết",
}

// OneStopReport fills the one-stop report (báo cáo tình hình tiếp nhận và giải quyết hồ
// sơ) of u for printing on A4 landscape, dated at.
func OneStopReport(u unit.Unit, res report.Result, at time.Time) forms.Statistics {
	first := map[report.By]string{report.ByField: "Lĩnh vực", report.ByProcedure: "Thủ tục hành chính", report.ByChannel: "Kênh nộp"}[res.By]
	if first == "" {
		first = "Đơn vị"
	}
	cols := []forms.StatisticsColumn{{Head: first, Width: 36}}
	for _, h := range reportCols {
		cols = append(cols, forms.StatisticsColumn{Head: h, Width: 13.5, Numeric: true})
	}
	row := func(label string, r report.OneStop) []string {
		out := []string{label}
		for _, c := range report.Columns[:len(reportCols)] {
			out = append(out, locale.Number(c.Value(r).(int64)))
		}
		return out
	}
	var rows [][]string
	for _, g := range res.Groups {
		rows = append(rows, row(g.Label, g.OneStop))
	}
	if len(res.Groups) > 0 {
		rows = append(rows, row("Tổng cộng", res.OneStop))
	} else {
		rows = append(rows, row(res.UnitName, res.OneStop))
	}
	from, _ := calendar.ParseDate(res.From)
	to, _ := calendar.ParseDate(res.To)
	pct := func(f float64) string { return strings.Replace(strconv.FormatFloat(f, 'f', 1, 64), ".", ",", 1) + "%" }
	o := res.OneStop
	return forms.Statistics{
		Unit:     header(u),
		Title:    "BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT\nHỒ SƠ THỦ TỤC HÀNH CHÍNH",
		Subtitle: fmt.Sprintf("%s, từ ngày %s đến ngày %s", res.UnitName, locale.Date(from.Time()), locale.Date(to.Time())),
		Cols:     cols,
		Groups: []forms.StatisticsGroup{
			{Title: "Số hồ sơ tiếp nhận", First: 1, Last: 5},
			{Title: "Số hồ sơ đã giải quyết", First: 6, Last: 9},
			{Title: "Số hồ sơ đang giải quyết", First: 10, Last: 12},
		},
		Rows: rows,
		Notes: []string{
			fmt.Sprintf("Tỷ lệ hồ sơ trực tuyến: %s số hồ sơ tiếp nhận trong kỳ. Tỷ lệ giải quyết trước hạn: %s; đúng hạn: %s; quá hạn: %s số hồ sơ đã giải quyết.",
				pct(o.OnlineRate), pct(o.EarlyRate), pct(o.OnTimeRate), pct(o.LateRate)),
			"Số hồ sơ đang giải quyết và chờ bổ sung tính đến hết ngày cuối kỳ; ngày giờ theo giờ Việt Nam. Lập bằng phần mềm Xã số ngày " + locale.Date(at) + ".",
		},
		Date: at,
	}
}
