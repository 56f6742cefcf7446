package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"strings"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/store"
)

func userCmd() *command {
	return group("user", "quản lý người dùng (add, set-password, disable, enable, grant, revoke, list users)",
		`Thêm người dùng, đặt lại mật khẩu, khóa và mở khóa tài khoản, cấp và thu hồi vai trò trong một đơn vị, liệt kê người dùng.
Mật khẩu đọc từ dòng đầu của stdin với --password-stdin; nếu không, xaso tạo một mật khẩu ngẫu nhiên và in ra stdout.
Đặt lại mật khẩu hoặc khóa tài khoản kết thúc mọi phiên đăng nhập của người đó ngay ở yêu cầu kế tiếp; tài khoản bị khóa
không đăng nhập được và mã truy cập API của nó bị từ chối (401) cho đến khi mở khóa. Thu hồi vai trò có hiệu lực ngay ở yêu cầu kế tiếp.
Vai trò: citizen, counter, specialist, leader, clerk, accountant, digital_team, unit_admin, system_admin.`,
		sub{name: "add", synopsis: "add [--db DSN] [--full-name NAME] [--unit CODE --role ROLE[,ROLE]] [--password-stdin] USERNAME",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				fullName := fs.String("full-name", "", "họ và tên")
				unitCode := fs.String("unit", "", "mã đơn vị hành chính của vai trò")
				roles := fs.String("role", "", "vai trò, cách nhau bằng dấu phẩy")
				fromStdin := fs.Bool("password-stdin", false, "đọc mật khẩu từ stdin")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một tên đăng nhập")
					}
					name, err := auth.NormalizeUsername(args[0])
					if err != nil {
						return err
					}
					if (*unitCode == "") != (*roles == "") {
						return usagef("--unit và --role phải đi cùng nhau")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					var ms []auth.Membership
					if *unitCode != "" {
						u, err := st.UnitByCode(ctx, *unitCode)
						if err != nil {
							return err
						}
						for _, r := range strings.Split(*roles, ",") {
							role, err := auth.ParseRole(strings.TrimSpace(r))
							if err != nil {
								return usagef("%v", err)
							}
							ms = append(ms, auth.Membership{UnitID: u.ID, Role: role})
						}
					}
					pw, generated, err := readPassword(sio, *fromStdin)
					if err != nil {
						return err
					}
					hash, err := newHasher(*cfg, 1).Hash(pw)
					if err != nil {
						return err
					}
					if _, err := st.CreateUser(cliActor(ctx), auth.User{Username: name, FullName: strings.TrimSpace(*fullName), PasswordHash: hash}, ms); err != nil {
						return err
					}
					if generated {
						fmt.Fprintln(sio.out, pw)
					}
					return nil
				}
			}},
		sub{name: "set-password", synopsis: "set-password [--db DSN] [--password-stdin] USERNAME (ends the user's sessions)",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				fromStdin := fs.Bool("password-stdin", false, "đọc mật khẩu từ stdin")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một tên đăng nhập")
					}
					st, u, err := openUser(ctx, *cfg, args[0])
					if err != nil {
						return err
					}
					defer st.Close()
					pw, generated, err := readPassword(sio, *fromStdin)
					if err != nil {
						return err
					}
					hash, err := newHasher(*cfg, 1).Hash(pw)
					if err != nil {
						return err
					}
					if _, err := st.ReplacePassword(cliActor(ctx), u.ID, hash); err != nil {
						return err
					}
					if generated {
						fmt.Fprintln(sio.out, pw)
					}
					return nil
				}
			}},
		sub{name: "grant", synopsis: "grant [--db DSN] --unit CODE --role ROLE USERNAME",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return membership(fs, cfg, "vai trò", (*store.Store).AddMembership)
			}},
		sub{name: "disable", synopsis: "disable [--db DSN] USERNAME (ends its sessions, refuses its tokens and logins)",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner { return setDisabled(cfg, true) }},
		sub{name: "enable", synopsis: "enable [--db DSN] USERNAME",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner { return setDisabled(cfg, false) }},
		sub{name: "revoke", synopsis: "revoke [--db DSN] --unit CODE --role ROLE USERNAME",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return membership(fs, cfg, "vai trò thu hồi", (*store.Store).RemoveMembership)
			}},
		sub{name: "list", synopsis: "list [--db DSN]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 {
						return usagef("lệnh list không nhận tham số")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					for offset := 0; ; offset += 500 {
						us, total, err := st.Users(ctx, 0, 500, offset)
						if err != nil {
							return err
						}
						for _, u := range us {
							var roles []string
							for _, m := range u.Memberships {
								roles = append(roles, string(m.Role)+"@"+m.UnitCode)
							}
							status := "active"
							if u.Disabled {
								status = "disabled"
							}
							fmt.Fprintf(sio.out, "%s\t%s\t%s\t%s\n", u.Username, u.FullName, strings.Join(roles, ","), status)
						}
						if offset+500 >= total {
							return nil
						}
					}
				}
			}},
	)
}

// setDisabled is `user disable` and `user enable`.
func setDisabled(cfg *config.Config, disabled bool) runner {
	return func(ctx context.Context, sio stdio, args []string) error {
		if len(args) != 1 {
			return usagef("cần đúng một tên đăng nhập")
		}
		st, u, err := openUser(ctx, *cfg, args[0])
		if err != nil {
			return err
		}
		defer st.Close()
		return st.SetUserDisabled(cliActor(ctx), u.ID, disabled)
	}
}

// readPassword reads the first line of stdin, or generates a password to print.
func readPassword(sio stdio, fromStdin bool) (pw string, generated bool, err error) {
	if !fromStdin {
		return randomPassword(), true, nil
	}
	line, err := bufio.NewReader(sio.in).ReadString('\n')
	if err != nil && line == "" {
		return "", false, fmt.Errorf("không đọc được mật khẩu từ stdin (cannot read the password): %w", err)
	}
	pw = strings.TrimRight(line, "\r\n")
	if err := auth.CheckPassword(pw); err != nil {
		return "", false, err
	}
	return pw, false, nil
}

// randomPassword makes a 16-character password without look-alike characters, easy to
// read out to a colleague.
func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// membership is `user grant` and `user revoke`: change, one of the store's membership
// methods, applied to a user's role in a unit.
func membership(fs *flag.FlagSet, cfg *config.Config, roleHelp string,
	change func(*store.Store, context.Context, int64, int64, auth.Role) error) runner {
	unitCode := fs.String("unit", "", "mã đơn vị hành chính")
	roleName := fs.String("role", "", roleHelp)
	return func(ctx context.Context, sio stdio, args []string) error {
		if len(args) != 1 || *unitCode == "" || *roleName == "" {
			return usagef("cần --unit, --role và một tên đăng nhập")
		}
		role, err := auth.ParseRole(*roleName)
		if err != nil {
			return usagef("%v", err)
		}
		st, u, err := openUser(ctx, *cfg, args[0])
		if err != nil {
			return err
		}
		defer st.Close()
		un, err := st.UnitByCode(ctx, *unitCode)
		if err != nil {
			return err
		}
		return change(st, cliActor(ctx), u.ID, un.ID, role)
	}
}

// openUser opens the database and finds the user named username (case-insensitively);
// the caller closes the store.
func openUser(ctx context.Context, cfg config.Config, username string) (*store.Store, auth.User, error) {
	st, err := openData(ctx, cfg)
	if err != nil {
		return nil, auth.User{}, err
	}
	u, err := st.UserByUsername(ctx, strings.ToLower(username))
	if err != nil {
		st.Close()
		return nil, auth.User{}, err
	}
	return st, u, nil
}
