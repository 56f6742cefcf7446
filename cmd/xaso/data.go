package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/config"
)

func migrateCmd() *command {
	return &command{name: "migrate", synopsis: "migrate [--db DSN] [--data-dir DIR]",
		summary: "nâng cấp cấu trúc cơ sở dữ liệu (apply database migrations)",
		help: `Áp dụng các thay đổi cấu trúc cơ sở dữ liệu còn thiếu rồi in số phiên bản cấu trúc.
"xaso serve" cũng tự làm việc này khi khởi động; lệnh này dùng khi muốn nâng cấp trước.`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			cfg.DataFlags(fs)
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) > 0 {
					return usagef("lệnh migrate không nhận tham số")
				}
				st, err := openData(ctx, *cfg)
				if err != nil {
					return err
				}
				defer st.Close()
				v, err := st.SchemaVersion(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(sio.out, "schema version %d\n", v)
				return nil
			}
		}}
}

func backupCmd() *command {
	return &command{name: "backup", synopsis: "backup [--db DSN] FILE",
		summary: "sao lưu cơ sở dữ liệu khi đang chạy (online backup)",
		help: `Ghi một bản sao nhất quán của cơ sở dữ liệu SQLite vào FILE trong khi xaso vẫn chạy (VACUUM INTO).
FILE không được tồn tại trước. Với PostgreSQL hãy dùng pg_dump:
  pg_dump --format=custom --file=xaso.dump "$XASO_DB"
Tệp đính kèm nằm trong --data-dir: sao lưu thư mục đó bằng công cụ sao chép thông thường (các tệp không bao giờ bị sửa).`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			cfg.DataFlags(fs)
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) != 1 {
					return usagef("cần đúng một tham số: tệp sao lưu")
				}
				st, err := openData(ctx, *cfg)
				if err != nil {
					return err
				}
				defer st.Close()
				if err := st.Backup(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintln(sio.out, args[0])
				return nil
			}
		}}
}

func auditCmd() *command {
	return group("audit", "kiểm tra tính toàn vẹn của nhật ký (verify the audit log)",
		`"xaso audit verify" tính lại chuỗi băm của nhật ký kiểm tra (mỗi đơn vị một chuỗi, thêm một chuỗi hệ thống)
và báo mắt xích hỏng đầu tiên nếu có bản ghi bị sửa, xóa hoặc chèn. Thoát với mã 1 khi chuỗi bị hỏng.`,
		sub{name: "verify", synopsis: "verify [--db DSN]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 {
						return usagef("lệnh verify không nhận tham số")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					n, err := st.VerifyAudit(ctx)
					var b *audit.Break
					if errors.As(err, &b) {
						return fmt.Errorf("nhật ký bị sửa đổi (audit log tampered): chuỗi %d, bản ghi số %d (id %d): %s", b.Chain, b.Seq, b.ID, b.Reason)
					}
					if err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "ok: %d records verified\n", n)
					return nil
				}
			}})
}
