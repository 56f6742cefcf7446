package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/store"
)

// qrFormFiles is where the QR forms' answers keep their files: a blob directory of
// their own under --data-dir (blob keys are content hashes; the purge deletes them, so
// no other record may share them).
func qrFormFiles(cfg config.Config) (*blob.Local, error) {
	return blob.OpenLocal(filepath.Join(cfg.DataDir, "qr-forms"))
}

func formsCmd() *command {
	return group("forms", "biểu mẫu QR (purge answers past their retention)",
		`"purge" xóa các câu trả lời biểu mẫu QR đã quá thời hạn lưu của biểu mẫu, cùng tệp đính kèm của chúng,
rồi in số câu trả lời, số tệp đã xóa. Số liệu thống kê (số câu trả lời, số lượt chọn mỗi lựa chọn) được giữ lại.
Mỗi biểu mẫu có câu trả lời bị xóa được ghi một dòng nhật ký (chỉ ghi số lượng). "xaso serve" tự chạy việc này 5 phút một lần.`,
		sub{name: "purge", synopsis: "purge [--db DSN] [--data-dir DIR]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 {
						return usagef("lệnh purge không nhận tham số ngoài cờ")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					files, err := qrFormFiles(*cfg)
					if err != nil {
						return err
					}
					defer files.Close()
					svc := &qrform.Service{Store: st, Files: files, Now: time.Now}
					res, err := svc.Purge(cliActor(ctx))
					if err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "%d câu trả lời, %d tệp đã xóa (%d biểu mẫu)\n", res.Answers, res.Files, res.Forms)
					return nil
				}
			}})
}

// runQRFormPurge purges the QR forms' answers past their retention at once and then
// every interval, until ctx ends: answers go within the hour their retention ends.
func runQRFormPurge(ctx context.Context, log *slog.Logger, interval time.Duration, st *store.Store, files qrform.Files) {
	svc := &qrform.Service{Store: st, Files: files, Now: time.Now}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		res, err := svc.Purge(ctx)
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			log.Warn("qr forms purge", "err", err)
		case res.Answers > 0:
			log.Info("qr forms purge", "answers", res.Answers, "files", res.Files, "forms", res.Forms)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
