package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/payment/vietqr"
	"github.com/xaso-vn/xaso/internal/qr"
)

func vietqrCmd() *command {
	return group("vietqr", "mã QR thanh toán VietQR (encode, decode payment QR payloads)",
		`Tạo và đọc nội dung mã QR chuyển khoản VietQR (NAPAS 247, chuẩn EMVCo).
"encode" in nội dung mã ra stdout (và ghi ảnh PNG với --png); "decode" in các trường dưới dạng JSON,
hoặc báo trường sai và thoát với mã khác 0. Nội dung chữ được bỏ dấu tiếng Việt; mã tham chiếu tối đa 25 ký tự.`,
		sub{name: "encode", synopsis: "encode --bin BIN --account NUMBER [--card] [--amount N] [--bill REF] [--purpose TEXT] [--png FILE]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				var p vietqr.Payload
				fs.StringVar(&p.BIN, "bin", "", "mã BIN 6 chữ số của ngân hàng, ví dụ 970415 (VietinBank)")
				fs.StringVar(&p.Account, "account", "", "số tài khoản (hoặc số thẻ với --card)")
				fs.BoolVar(&p.Card, "card", false, "chuyển đến số thẻ thay vì số tài khoản")
				fs.Int64Var(&p.Amount, "amount", 0, "số tiền (đồng); có số tiền thì mã là mã động")
				fs.StringVar(&p.Bill, "bill", "", "mã tham chiếu (số hóa đơn)")
				fs.StringVar(&p.Purpose, "purpose", "", "nội dung chuyển khoản")
				pngFile := fs.String("png", "", "ghi ảnh PNG của mã vào tệp này")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 {
						return usagef("encode không nhận tham số ngoài cờ")
					}
					payload, err := vietqr.Encode(p)
					if err != nil {
						return err
					}
					if *pngFile != "" {
						img, err := qr.PNG(payload, qr.PrintSize)
						if err != nil {
							return err
						}
						if err := os.WriteFile(*pngFile, img, 0o644); err != nil {
							return err
						}
					}
					fmt.Fprintln(sio.out, payload)
					return nil
				}
			}},
		sub{name: "decode", synopsis: "decode PAYLOAD",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một nội dung mã")
					}
					f, err := vietqr.DecodeFields(args[0])
					if err != nil {
						return err
					}
					enc := json.NewEncoder(sio.out)
					enc.SetIndent("", "  ")
					return enc.Encode(f)
				}
			}},
	)
}
