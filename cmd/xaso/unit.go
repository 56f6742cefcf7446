package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/unit"
)

func unitCmd() *command {
	return group("unit", "đơn vị hành chính (add, list administrative units)",
		`Thêm, nhập từ tệp CSV và liệt kê đơn vị hành chính. "import" đọc tệp CSV có dòng tiêu đề, các cột mã (code/Mã),
tên (name/Tên), cấp (level/Cấp: tỉnh, thành phố, xã, phường, đặc khu; bỏ trống thì suy từ độ dài mã), mã tỉnh
(parent_code/Mã tỉnh), mã định danh (ident_code), hiệu lực từ/đến; nhập tất cả hoặc không gì cả, bỏ qua mã đã có. Mã tỉnh có 2 chữ số, mã xã 5 chữ số (Quyết định 19/2025/QĐ-TTg);
mã định danh điện tử theo Quyết định 20/2020/QĐ-TTg (dạng 000.31.37.H45) đứng đầu mọi mã hồ sơ của đơn vị.`,
		sub{name: "add", synopsis: "add [--db DSN] --level province|commune --code CODE --name NAME [--parent CODE] [--ident CODE] [--valid-from DATE]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				level := fs.String("level", "commune", "province hoặc commune")
				code := fs.String("code", "", "mã thống kê")
				name := fs.String("name", "", "tên, ví dụ \"Xã Yên Từ\"")
				parent := fs.String("parent", "", "mã tỉnh (với xã)")
				ident := fs.String("ident", "", "mã định danh điện tử")
				from := fs.String("valid-from", "2025-07-01", "ngày hiệu lực YYYY-MM-DD")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 {
						return usagef("lệnh add không nhận tham số ngoài cờ")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					u := unit.Unit{Code: *code, Level: unit.Level(*level), Name: *name, IdentCode: *ident, ValidFrom: *from}
					if *parent != "" {
						p, err := st.UnitByCode(ctx, *parent)
						if err != nil {
							return err
						}
						u.ParentID = &p.ID
					}
					id, err := st.CreateUnit(cliActor(ctx), u)
					if err != nil {
						return err
					}
					fmt.Fprintln(sio.out, id)
					return nil
				}
			}},
		sub{name: "import", synopsis: "import [--db DSN] [--valid-from DATE] FILE.csv",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				from := fs.String("valid-from", "2025-07-01", "ngày hiệu lực cho các dòng không ghi ngày")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một tệp CSV (hoặc - cho stdin)")
					}
					in := sio.in
					if args[0] != "-" {
						f, err := os.Open(args[0])
						if err != nil {
							return err
						}
						defer f.Close()
						in = f
					}
					rows, err := unit.ParseCSV(in, *from)
					if err != nil {
						return err
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					added, skipped, err := st.ImportUnits(cliActor(ctx), rows)
					if err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "added %d, skipped %d (already present)\n", added, skipped)
					return nil
				}
			}},
		sub{name: "list", synopsis: "list [--db DSN]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					for offset := 0; ; offset += 500 {
						us, total, err := st.Units(ctx, 500, offset)
						if err != nil {
							return err
						}
						for _, u := range us {
							fmt.Fprintf(sio.out, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Code, u.Level, u.Name, u.IdentCode, u.ValidFrom, u.ValidTo)
						}
						if offset+500 >= total {
							return nil
						}
					}
				}
			}},
	)
}
