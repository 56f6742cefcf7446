package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/store"
)

func trustCmd() *command {
	return group("trust", "chứng thư gốc tin cậy cho chữ ký số (add, list, remove trust anchors)",
		`Quản lý các chứng thư gốc tin cậy mà chuỗi chứng thư của người ký phải dẫn tới: chứng thư gốc của Ban Cơ yếu
Chính phủ (chữ ký số chuyên dùng công vụ) và của Bộ (dịch vụ công cộng), do quản trị viên cấu hình; khi chạy thử,
chứng thư gốc của "xaso demo-ca". Trang xác thực công khai /xac-thuc dùng danh sách này. Không dùng kho chứng
thư của hệ điều hành.`,
		sub{name: "add", synopsis: "add [--db DSN] FILE.pem",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một tệp PEM")
					}
					data, err := os.ReadFile(args[0])
					if err != nil {
						return err
					}
					certs, err := signing.ParseCertsPEM(data)
					if err != nil {
						return err
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					for _, c := range certs {
						if !c.IsCA {
							return fmt.Errorf("%s không phải chứng thư của tổ chức chứng thực (not a CA certificate)", c.Subject)
						}
						if err := st.AddTrustAnchor(cliActor(ctx), c); err != nil {
							return err
						}
						sum := sha256.Sum256(c.Raw)
						fmt.Fprintf(sio.out, "%s\t%s\n", hex.EncodeToString(sum[:]), c.Subject)
					}
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
					certs, err := st.TrustAnchors(ctx)
					if err != nil {
						return err
					}
					for _, c := range certs {
						sum := sha256.Sum256(c.Raw)
						fmt.Fprintf(sio.out, "%s\t%s\t%s\n", hex.EncodeToString(sum[:]), c.NotAfter.Format("2006-01-02"), c.Subject)
					}
					return nil
				}
			}},
		sub{name: "remove", synopsis: "remove [--db DSN] SHA256",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần mã SHA-256 của chứng thư (xem: xaso trust list)")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					return st.RemoveTrustAnchor(cliActor(ctx), args[0])
				}
			}},
	)
}

func signkeyCmd() *command {
	return group("signkey", "chứng thư số của cán bộ, lưu mã hóa (add, list officials' PKCS#12 keys)",
		`Lưu tệp PKCS#12 của một cán bộ (lãnh đạo: chữ ký cá nhân, --kind personal; văn thư: chứng thư số của cơ quan,
--kind seal) vào cơ sở dữ liệu, mã hóa thêm bằng khóa sinh từ mật khẩu của chính cán bộ (argon2id, AES-256-GCM).
xaso không lưu mật khẩu: khi ký, cán bộ nhập lại mật khẩu. Mật khẩu lấy từ XASO_P12_PASSWORD hoặc được hỏi.`,
		sub{name: "add", synopsis: "add [--db DSN] --user NAME --kind personal|seal --p12 FILE [--image FILE.png]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				userName := fs.String("user", "", "tên đăng nhập của cán bộ")
				kind := fs.String("kind", "personal", "personal (chữ ký cá nhân) hoặc seal (con dấu của cơ quan)")
				p12 := fs.String("p12", "", "tệp PKCS#12")
				image := fs.String("image", "", "ảnh PNG nền trong suốt mà chữ ký hiện lên văn bản: chữ ký tay màu xanh (personal) hoặc con dấu màu đỏ (seal)")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 || *userName == "" || *p12 == "" {
						return usagef("cần --user và --p12")
					}
					data, err := os.ReadFile(*p12)
					if err != nil {
						return err
					}
					var img []byte
					if *image != "" {
						if img, err = os.ReadFile(*image); err != nil {
							return err
						}
					}
					pass, err := p12Password(sio)
					if err != nil {
						return err
					}
					sealed, signer, err := signing.SealPKCS12(data, pass)
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
					ms, err := st.Memberships(ctx, u.ID)
					if err != nil || len(ms) == 0 {
						return fmt.Errorf("người dùng %s không thuộc đơn vị nào (no unit): %v", u.Username, err)
					}
					nk := store.NewSigningKey(u.ID, ms[0].UnitID, *kind, signer.Chain()[0], sealed)
					nk.Image = img
					k, err := st.AddSigningKey(cliActor(ctx), nk)
					if err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "%d\t%s\t%s\n", k.ID, k.Kind, k.Subject)
					return nil
				}
			}},
		sub{name: "list", synopsis: "list [--db DSN] --user NAME",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				userName := fs.String("user", "", "tên đăng nhập của cán bộ")
				return func(ctx context.Context, sio stdio, args []string) error {
					if *userName == "" {
						return usagef("cần --user")
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
					ks, err := st.SigningKeys(ctx, u.ID)
					if err != nil {
						return err
					}
					for _, k := range ks {
						fmt.Fprintf(sio.out, "%d\t%s\t%s\t%s\n", k.ID, k.Kind, k.NotAfter.Format("2006-01-02"), k.Subject)
					}
					return nil
				}
			}},
	)
}
