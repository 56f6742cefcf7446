package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/kek"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
)

// receiptSigner is the deployment's key, which signs the receipts and daily summaries of
// the units without a key of their own (xaso receiptkey add): the PKCS #12 file
// (--receipt-p12, XASO_RECEIPT_P12 and XASO_RECEIPT_P12_PASSWORD); in --demo without
// one, a throw-away self-signed key; otherwise none, and those units' receipts are
// issued unsigned (logged as a warning).
func receiptSigner(cfg config.Config, log *slog.Logger, now time.Time) (*xmldsig.Signer, error) {
	switch {
	case cfg.ReceiptP12 != "":
		b, err := os.ReadFile(cfg.ReceiptP12)
		if err != nil {
			return nil, fmt.Errorf("--receipt-p12 %s: %w", cfg.ReceiptP12, err)
		}
		s, err := xmldsig.LoadPKCS12(b, cfg.ReceiptP12Password)
		if err != nil {
			return nil, fmt.Errorf("--receipt-p12 %s: không mở được tệp khóa ký biên lai (sai mật khẩu hoặc không phải PKCS #12): %w", cfg.ReceiptP12, err)
		}
		c := s.Certificate()
		log.Info("receipts of units without their own key are signed with the deployment's key", "subject", c.Subject.String(), "not_after", c.NotAfter)
		if err := signing.CheckSigningCertificate(c, now); err != nil {
			log.Warn("the deployment's receipt certificate cannot sign now: receipts of units without their own key wait",
				"code", err.Error(), "not_before", c.NotBefore, "not_after", c.NotAfter)
		}
		return s, nil
	case cfg.Demo:
		log.Warn("receipts of units without their own key are signed with a throw-away demo key (no legal value)")
		return xmldsig.Ephemeral("Xã số — khóa ký thử (demo)", now)
	}
	log.Warn("receipts of units without their own key are issued unsigned: set --receipt-p12 and XASO_RECEIPT_P12_PASSWORD, or install the units' keys (xaso receiptkey add)")
	return nil, nil
}

// receiptKEK is the server's key-encryption key for the units' own receipt keys:
// XASO_RECEIPT_KEK; in --demo without it, the published demo KEK; otherwise none. Only
// its id is logged.
func receiptKEK(cfg config.Config, log *slog.Logger) (*kek.Key, error) {
	switch {
	case cfg.ReceiptKEK != "":
		k, err := kek.Parse(cfg.ReceiptKEK)
		if err != nil {
			return nil, err
		}
		log.Info("units' own receipt keys open with the server's key-encryption key", "kek", k)
		return k, nil
	case cfg.Demo:
		k := demo.ReceiptKEK()
		log.Warn("units' receipt keys are sealed with the published demo key-encryption key (no secrecy)", "kek", k)
		return k, nil
	}
	log.Info("no XASO_RECEIPT_KEK: units' own receipt keys can be neither installed nor used")
	return nil, nil
}

func receiptkeyCmd() *command {
	return group("receiptkey", "khóa ký biên lai điện tử của đơn vị thu (add, list units' receipt keys)",
		`Cài khóa và chứng thư số mà một đơn vị thu dùng để ký biên lai điện tử và bảng tổng hợp biên lai hằng ngày
(XML-DSig). Biên lai được lập tự động khi ngân hàng báo có, không có ai nhập mật khẩu, nên khóa bí mật được
mã hóa bằng khóa mã hóa khóa của máy chủ (biến môi trường XASO_RECEIPT_KEK, ít nhất 32 ký tự, ví dụ
openssl rand -hex 32; máy chủ "xaso serve" phải chạy với cùng giá trị). Mật khẩu tệp PKCS#12 lấy từ
XASO_P12_PASSWORD hoặc được hỏi, chỉ dùng để mở tệp rồi bỏ, không lưu.

Chứng thư phải còn hiệu lực và được phép ký số (digitalSignature hoặc nonRepudiation); khóa RSA từ 2048 bit
hoặc ECDSA P-256. Cài khóa mới thì khóa cũ thôi ký, nhưng biên lai khóa cũ đã ký vẫn được nhận là của đơn vị.
Đơn vị chưa có khóa riêng thì dùng khóa chung của máy chủ (--receipt-p12).`,
		sub{name: "add", synopsis: "add [--db DSN] --unit CODE --p12 FILE",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				unitCode := fs.String("unit", "", "mã đơn vị thu")
				p12 := fs.String("p12", "", "tệp PKCS#12 (.p12, .pfx) chứa khóa và chứng thư số của đơn vị")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 || *unitCode == "" || *p12 == "" {
						return usagef("cần --unit và --p12, không có tham số khác")
					}
					if cfg.ReceiptKEK == "" {
						return payment.ErrReceiptKEKMissing
					}
					serverKEK, err := kek.Parse(cfg.ReceiptKEK)
					if err != nil {
						return err
					}
					data, err := os.ReadFile(*p12)
					if err != nil {
						return fmt.Errorf("không đọc được tệp PKCS#12 (cannot read): %w", err)
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					u, err := st.UnitByCode(ctx, *unitCode)
					if err != nil {
						return err
					}
					pass, err := p12Password(sio)
					if err != nil {
						return err
					}
					payments := &payment.Service{Store: st, Now: time.Now, KEK: serverKEK}
					k, err := payments.AddReceiptKey(cliActor(ctx), u.ID, data, pass)
					if err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "%d\t%s\t%s\t%s\n", k.ID, u.Code, k.NotAfter.Format("2006-01-02"), k.Subject)
					anchors, err := st.TrustAnchors(ctx)
					if err != nil {
						return err
					}
					if rep, _ := signing.VerifyChain(k.Chain[0], k.Chain[1:], anchors, time.Now()); rep.Status != signing.ChainTrusted {
						fmt.Fprintln(sio.err, "Cảnh báo: chứng thư chưa dẫn tới chứng thư gốc tin cậy nào đã cấu hình (xaso trust add); biên lai sẽ được báo là chữ ký chưa tin cậy.")
					}
					return nil
				}
			}},
		sub{name: "list", synopsis: "list [--db DSN] --unit CODE",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				unitCode := fs.String("unit", "", "mã đơn vị thu")
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 0 || *unitCode == "" {
						return usagef("cần --unit")
					}
					st, err := openData(ctx, *cfg)
					if err != nil {
						return err
					}
					defer st.Close()
					u, err := st.UnitByCode(ctx, *unitCode)
					if err != nil {
						return err
					}
					ks, err := st.ReceiptKeys(ctx, u.ID)
					if err != nil {
						return err
					}
					for _, k := range ks {
						state := "in-use"
						if !k.RetiredAt.IsZero() {
							state = "retired"
						}
						fmt.Fprintf(sio.out, "%d\t%s\t%s\t%s\t%s\n", k.ID, state, k.NotAfter.Format("2006-01-02"), k.CertSHA256, k.Subject)
					}
					return nil
				}
			}},
	)
}
