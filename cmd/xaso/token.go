package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/config"
)

func tokenCmd() *command {
	return group("token", "mã truy cập API (create, revoke, list API tokens)",
		`Tạo, thu hồi và liệt kê mã truy cập (bearer token) cho API /api/v1.
"xaso token create --user NAME" chỉ in mã mới ra stdout; mã chỉ hiện một lần, xaso chỉ lưu giá trị băm SHA-256.
--expires đặt thời hạn: số ngày ("90d") hoặc thời lượng Go ("36h", "90m"); hết hạn, mã bị từ chối (401).
Mã của tài khoản bị khóa (xaso user disable) bị từ chối cho đến khi mở khóa.
Gửi mã trong tiêu đề: Authorization: Bearer MÃ.`,
		sub{name: "create", synopsis: "create [--db DSN] --user NAME [--name LABEL] [--expires 90d|36h]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				userName := fs.String("user", "", "tên đăng nhập của chủ mã")
				label := fs.String("name", "cli", "nhãn để nhận ra mã")
				expires := fs.String("expires", "", "thời hạn: số ngày (90d) hoặc thời lượng Go (36h); bỏ trống: đến khi thu hồi")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 || *userName == "" {
						return usagef("cần --user NAME")
					}
					life, err := parseTokenLife(*expires)
					if err != nil {
						return err
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
					var until time.Time
					if life > 0 {
						until = time.Now().Add(life)
					}
					plain, hash := auth.NewToken()
					if _, err := st.CreateTokenUntil(cliActor(ctx), u.ID, *label, hash, until); err != nil {
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
		sub{name: "list", synopsis: "list [--db DSN] --user NAME (id, name, created, state, expiry)",
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
					now := time.Now()
					for _, t := range toks {
						state, expiry := "active", "never"
						if t.ExpiresAt != nil {
							expiry = "expires " + t.ExpiresAt.UTC().Format(time.RFC3339)
							if !t.ExpiresAt.After(now) {
								state = "expired"
							}
						}
						if t.RevokedAt != nil {
							state = "revoked " + t.RevokedAt.UTC().Format("2006-01-02T15:04:05Z")
						}
						fmt.Fprintf(sio.out, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), state, expiry)
					}
					return nil
				}
			}},
	)
}

// maxTokenLife is the longest --expires: ten years, beyond which an expiry means nothing.
const maxTokenLife = 3650 * 24 * time.Hour

// parseTokenLife reads --expires: whole days ("90d") or a Go duration ("36h"); "" is no
// expiry.
func parseTokenLife(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > int(maxTokenLife/(24*time.Hour)) {
			return 0, usagef("--expires %q: cần số ngày nguyên (90d) hoặc thời lượng (36h), tối đa 3650 ngày", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, usagef("--expires %q: cần số ngày nguyên (90d) hoặc thời lượng (36h), tối đa 3650 ngày", s)
		}
	}
	if d <= 0 || d > maxTokenLife {
		return 0, usagef("--expires %q: thời hạn phải dương và tối đa 3650 ngày", s)
	}
	return d, nil
}
