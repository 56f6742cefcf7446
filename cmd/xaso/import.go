package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/workcal"
)

func importCmd() *command {
	return group("import", "nhập dữ liệu từ hệ thống cũ (import historical dossiers)",
		`"xaso import dossiers FILE.jsonl" nhập hồ sơ của hệ thống một cửa cũ, mỗi dòng một hồ sơ JSON
(định dạng trong docs/IMPORT.md), để thống kê bao trùm các năm trước khi dùng xaso. Nhập tất cả hoặc không gì cả:
một dòng sai thì không dòng nào được nhập, và lỗi nêu số dòng và tên trường. FILE là "-" để đọc từ stdin.
In ra mã hồ sơ của từng dòng, theo thứ tự.`,
		sub{name: "dossiers", synopsis: "dossiers [--db DSN] FILE.jsonl",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một tệp JSON Lines (hoặc - cho stdin)")
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
					recs, err := readRecords(in)
					if err != nil {
						return err
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					codes, err := dossier.Import(cliActor(ctx), st, recs)
					if err != nil {
						return err
					}
					// Indicator 2.2: the ended dossiers' processing times, from their histories.
					if _, err := dossier.MeasureProcessing(ctx, st, workcal.New(st), false); err != nil {
						return err
					}
					for _, c := range codes {
						fmt.Fprintln(sio.out, c)
					}
					fmt.Fprintf(sio.err, "Đã nhập %d hồ sơ (imported).\n", len(codes))
					return nil
				}
			}})
}

// readRecords parses every line, skipping blank ones; a line of up to 1 MiB.
func readRecords(r io.Reader) ([]dossier.Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var recs []dossier.Record
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		rec, err := dossier.ParseRecord(n, sc.Bytes())
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("không đọc được tệp (cannot read): %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("tệp không có hồ sơ nào (no records)")
	}
	return recs, nil
}
