package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/printing"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

func reportCmd() *command {
	return groupWithDefault("report", "thống kê một cửa (one-stop statistics; rebuild counters)",
		`"xaso report one-stop" in báo cáo tình hình tiếp nhận và giải quyết hồ sơ của một đơn vị (tỉnh thì cộng các xã)
cho một kỳ (ngày đầu và ngày cuối tính theo giờ Việt Nam, kể cả hai ngày đó), dạng JSON, CSV, XLSX hoặc PDF (A4 ngang); --by chia theo
lĩnh vực (field), thủ tục (procedure) hoặc kênh nộp (channel). Định nghĩa các chỉ tiêu: docs/STATISTICS.md.
"xaso report --from …" là cách viết tắt của "xaso report one-stop --from …".
"xaso report rebuild" tính lại toàn bộ bộ đếm thống kê từ lịch sử của các hồ sơ, rồi cộng dồn lại các tháng đã khóa sổ của từng tỉnh.`, "one-stop",
		sub{name: "one-stop", synopsis: "one-stop [--db DSN] --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE] [--by field|procedure|channel] [--format json|csv|xlsx|pdf] [--out FILE]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				from := fs.String("from", "", "ngày đầu kỳ YYYY-MM-DD")
				to := fs.String("to", "", "ngày cuối kỳ YYYY-MM-DD")
				unitCode := fs.String("unit", "", "mã đơn vị (mặc định: xã đầu tiên)")
				by := fs.String("by", "", "field, procedure hoặc channel")
				format := fs.String("format", "json", "json, csv, xlsx hoặc pdf (xlsx và pdf cần --out)")
				out := fs.String("out", "", "ghi vào tệp thay vì stdout")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 || !slices.Contains([]string{"json", "csv", "xlsx", "pdf"}, *format) || ((*format == "xlsx" || *format == "pdf") && *out == "") {
						return usagef("cần --from, --to; --format là json, csv, xlsx hoặc pdf (xlsx và pdf cần --out TỆP)")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					var u unit.Unit
					if *unitCode != "" {
						u, err = st.UnitByCode(ctx, *unitCode)
					} else {
						u, err = homeUnit(ctx, st)
					}
					if err != nil {
						return err
					}
					res, err := report.OneStopReport(ctx, st, u, report.Params{From: *from, To: *to, By: report.By(*by)})
					if err != nil {
						return err
					}
					w := sio.out
					if *out != "" {
						f, err := os.Create(*out)
						if err != nil {
							return err
						}
						defer f.Close()
						w = f
					}
					switch *format {
					case "csv":
						return report.WriteCSV(w, res)
					case "xlsx":
						return report.WriteXLSX(w, res)
					case "pdf":
						return printing.OneStopReport(u, res, time.Now()).PDF(w)
					}
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(res)
				}
			}},
		sub{name: "rebuild", synopsis: "rebuild [--db DSN]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 {
						return usagef("rebuild không nhận tham số")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					n, err := st.RebuildCounts(ctx)
					if err != nil {
						return err
					}
					measured, err := dossier.MeasureProcessing(ctx, st, workcal.New(st), true)
					if err != nil {
						return err
					}
					months, err := st.FoldCounts(ctx, calendar.DateOf(time.Now()))
					if err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "rebuilt the counters of %d dossiers; measured the processing time of %d; folded %d months of provinces\n", n, measured, months)
					return nil
				}
			}},
	)
}
