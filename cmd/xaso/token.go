package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/config"
)

func tokenCmd() *command {
	return group("token", "mã truy cập API (create, revoke, list API tokens)",
		`Tạo, thu hồi và liệt kê mã truy cập (bearer token) cho API /api/v1.
"xaso token create --user NAME" chỉ in mã mới ra stdout; mã chỉ hiện một lần, xaso chỉ lưu giá trị băm SHA-256.
Gửi mã trong tiêu đề: Authorization: Bearer MÃ.`,
		sub{name: "create", synopsis: "create [--db DSN] --user NAME [--name LABEL]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				userName := fs.String("user", "", "tên đăng nhập của chủ mã")
				label := fs.String("name", "cli", "nhãn để nhận ra mã")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 || *userName == "" {
						return usagef("cần --user NAME")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					u, err := st.UserByUsername(ctx, strings.ToLower(*userName))
					if err != nil {
						return err
					}
					plain, hash := auth.NewToken()
					if _, err := st.CreateToken(cliActor(ctx), u.ID, *label, hash); err != nil {
						return err
					}
					fmt.Fprintln(sio.out, plain)
					return nil
				}
			}},
		sub{name: "revoke", synopsis: "revoke [--db DSN] ID|TOKEN",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một tham số: số hiệu hoặc chính mã truy cập")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					id, err := strconv.ParseInt(args[0], 10, 64)
					if err != nil {
						if id, err = st.TokenIDByHash(ctx, auth.HashToken(args[0])); err != nil {
							return err
						}
					}
					return st.RevokeToken(cliActor(ctx), id)
				}
			}},
		sub{name: "list", synopsis: "list [--db DSN] --user NAME",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				userName := fs.String("user", "", "tên đăng nhập")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 || *userName == "" {
						return usagef("cần --user NAME")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					u, err := st.UserByUsername(ctx, strings.ToLower(*userName))
					if err != nil {
						return err
					}
					toks, err := st.Tokens(ctx, u.ID)
					if err != nil {
						return err
					}
					for _, t := range toks {
						state := "active"
						if t.RevokedAt != nil {
							state = "revoked " + t.RevokedAt.UTC().Format("2006-01-02T15:04:05Z")
						}
						fmt.Fprintf(sio.out, "%d\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), state)
					}
					return nil
				}
			}},
	)
}
