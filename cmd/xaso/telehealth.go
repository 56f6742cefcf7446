package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/telehealth"
)

func telehealthCmd() *command {
	return group("telehealth", "khám, tư vấn từ xa (tele-health bookings)",
		`Khám, tư vấn từ xa của trạm y tế xã (docs/TELEHEALTH.md). "purge" xóa những gì lịch hẹn không còn cần:
lý do khám một ngày sau buổi khám, họ tên và số điện thoại ba mươi ngày sau; in số lịch hẹn đã xóa bớt.
"xaso serve" cũng tự làm việc này mỗi 5 phút.`,
		sub{name: "purge", synopsis: "purge [--db DSN]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 {
						return usagef("lệnh purge không nhận tham số")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					n, err := (&telehealth.Service{Store: st, Now: time.Now}).Purge(cliActor(ctx))
					if err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "%d\n", n)
					return nil
				}
			}})
}
