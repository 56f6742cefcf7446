package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
)

// errNotValid is the failure of a verification whose report was printed.
var errNotValid = apperr.Invalidf("signature_not_valid", "Tài liệu có chữ ký số không hợp lệ hoặc đã bị thay đổi.")

func signCmd() *command {
	return &command{name: "sign", synopsis: "sign --p12 FILE --in IN.pdf --out OUT.pdf [--reason TEXT] [--location TEXT] [--tsa URL]\n" +
		"       [--image PNG | --seal PNG] [--rect X1,Y1,X2,Y2] [--page N] [--text-block --number SỐ-KÝ-HIỆU]",
		summary: "ký số tệp PDF (PAdES) bằng chứng thư số PKCS#12 (sign a PDF)",
		help: `Ký số một tệp PDF theo PAdES (ETSI.CAdES.detached; có --tsa thì thêm dấu thời gian RFC 3161, mức B-T) bằng
khóa và chứng thư số trong tệp PKCS#12 (.p12/.pfx, kể cả tệp do OpenSSL 3 tạo với AES). Chữ ký được nối vào
cuối tệp (cập nhật tăng dần), nên các chữ ký có trước vẫn hợp lệ: lãnh đạo ký trước, văn thư ký số con dấu sau.

Mật khẩu tệp PKCS#12 lấy từ biến môi trường XASO_P12_PASSWORD, nếu không có thì hỏi (dòng đầu của stdin).
Mật khẩu không bao giờ được ghi vào nhật ký.

Hình thức chữ ký (Nghị định 30/2020, Phụ lục I): --image là ảnh chữ ký màu xanh (PNG trong suốt) đặt trong
khung --rect (tọa độ PDF, điểm, gốc ở góc dưới bên trái); --seal là ảnh con dấu màu đỏ, kích thước thật
(--seal-mm, mặc định 35 mm), trùm lên khoảng 1/3 bên trái của khung chữ ký --rect. --text-block: chữ ký
của cơ quan trên văn bản kèm theo hoặc bản sao điện tử, không có ảnh, ở góc trên bên phải trang 1, gồm số
và ký hiệu (--number) và thời gian ký theo ISO 8601, phông Times New Roman 10 pt. Không có cờ nào trong
số đó thì chữ ký không hiển thị.`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			p12 := fs.String("p12", "", "tệp PKCS#12 chứa khóa và chứng thư số của người ký")
			in := fs.String("in", "", "tệp PDF cần ký")
			out := fs.String("out", "", "tệp PDF đã ký sẽ ghi ra")
			var opts signing.Options
			fs.StringVar(&opts.Reason, "reason", "", "lý do ký, ví dụ \"Phê duyệt kết quả\"")
			fs.StringVar(&opts.Location, "location", "", "nơi ký")
			fs.StringVar(&opts.TSAURL, "tsa", "", "địa chỉ máy chủ cấp dấu thời gian (RFC 3161)")
			image := fs.String("image", "", "ảnh chữ ký (PNG)")
			seal := fs.String("seal", "", "ảnh con dấu (PNG)")
			sealMM := fs.Float64("seal-mm", 35, "đường kính thật của con dấu (mm)")
			rect := fs.String("rect", "", "khung chữ ký X1,Y1,X2,Y2 (điểm PDF)")
			page := fs.Int("page", 1, "trang đặt chữ ký")
			textBlock := fs.Bool("text-block", false, "khối chữ ở góc trên bên phải trang 1 (văn bản kèm theo, bản sao điện tử)")
			number := fs.String("number", "", "số và ký hiệu văn bản, in trong khối chữ")
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) != 0 || *p12 == "" || *in == "" || *out == "" {
					return usagef("cần --p12, --in và --out, không có tham số khác")
				}
				app, err := appearanceFromFlags(*image, *seal, *sealMM, *rect, *page, *textBlock, *number)
				if err != nil {
					return err
				}
				opts.Appearance = app
				p12Data, err := os.ReadFile(*p12)
				if err != nil {
					return fmt.Errorf("không đọc được tệp PKCS#12 (cannot read): %w", err)
				}
				pdf, err := os.ReadFile(*in)
				if err != nil {
					return fmt.Errorf("không đọc được tệp PDF (cannot read): %w", err)
				}
				pass, err := p12Password(sio)
				if err != nil {
					return err
				}
				signer, err := signing.LoadPKCS12(p12Data, pass)
				if err != nil {
					return err
				}
				if app != nil && app.TextBlock {
					c := signer.Chain()[0]
					app.Organization = c.Subject.CommonName
				}
				signed, err := signing.SignPDF(ctx, pdf, signer, opts)
				if err != nil {
					return err
				}
				if err := os.WriteFile(*out, signed, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(sio.err, "Đã ký %s bằng chứng thư của %s → %s\n", *in, signer.Chain()[0].Subject.CommonName, *out)
				return nil
			}
		}}
}

func appearanceFromFlags(image, seal string, sealMM float64, rect string, page int, textBlock bool, number string) (*signing.Appearance, error) {
	if textBlock {
		if image != "" || seal != "" {
			return nil, usagef("--text-block không đi cùng --image hay --seal")
		}
		return &signing.Appearance{TextBlock: true, DocumentNumber: number}, nil
	}
	if image == "" && seal == "" {
		if rect != "" {
			return nil, usagef("--rect cần --image hoặc --seal")
		}
		return nil, nil
	}
	app := &signing.Appearance{Page: page, SealDiameterMM: sealMM}
	parts := strings.Split(rect, ",")
	if len(parts) != 4 {
		return nil, usagef("--rect phải có dạng X1,Y1,X2,Y2")
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, usagef("--rect phải có dạng X1,Y1,X2,Y2")
		}
		app.Rect[i] = v
	}
	var err error
	if image != "" {
		if app.SignatureImage, err = os.ReadFile(image); err != nil {
			return nil, err
		}
	}
	if seal != "" {
		if app.SealImage, err = os.ReadFile(seal); err != nil {
			return nil, err
		}
	}
	return app, nil
}

// p12Password takes the passphrase from XASO_P12_PASSWORD, else asks for it on stdin
// (without echo when stdin is a terminal).
func p12Password(sio stdio) (string, error) {
	if p := sio.getenv("XASO_P12_PASSWORD"); p != "" {
		return p, nil
	}
	fmt.Fprint(sio.err, "Mật khẩu tệp PKCS#12 (passphrase): ")
	if f, ok := sio.in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			if stty(f, "-echo") == nil {
				defer func() { stty(f, "echo"); fmt.Fprintln(sio.err) }()
			}
		}
	}
	line, err := bufio.NewReader(sio.in).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("không đọc được mật khẩu (cannot read the passphrase): đặt XASO_P12_PASSWORD hoặc nhập ở stdin")
		}
	}
	return line, nil
}

func stty(f *os.File, arg string) error {
	cmd := exec.Command("stty", arg)
	cmd.Stdin = f
	return cmd.Run()
}

func verifyCmd() *command {
	return &command{name: "verify", synopsis: "verify [--trust CA.pem] [--db DSN] [--offline] FILE.pdf",
		summary: "kiểm tra chữ ký số của tệp PDF, in báo cáo JSON (verify PDF signatures)",
		help: `Kiểm tra mọi chữ ký số trong tệp PDF và in báo cáo JSON ra stdout: valid, summary (tiếng Việt),
modified_after_signing, và từng chữ ký (signatures): người ký, thời điểm ký (dấu thời gian nếu có), vùng được
ký, tính toàn vẹn, chuỗi chứng thư (chain.status), hiệu lực tại thời điểm ký, mục đích sử dụng khóa,
tình trạng thu hồi (revocation.status: good, revoked, unknown — hỏi OCSP rồi CRL; không hỏi được là
unknown, chỉ cảnh báo).

Chữ ký hợp lệ khi: phần được ký còn nguyên vẹn, chuỗi chứng thư đến một chứng thư gốc tin cậy (--trust, tệp
PEM; hoặc biến XASO_TRUST_ANCHORS), chứng thư còn hiệu lực lúc ký và được phép ký, không bị thu hồi, và
tài liệu không bị sửa sau khi ký (ngoài việc thêm chữ ký khác). Mã thoát 0 chỉ khi mọi chữ ký hợp lệ.
Với --db, dùng thêm các chứng thư gốc đã cấu hình (xaso trust) và tra sổ văn bản đã phát hành (issued_by_xaso).`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			trust := fs.String("trust", "", "tệp PEM các chứng thư gốc tin cậy (mặc định: XASO_TRUST_ANCHORS)")
			offline := fs.Bool("offline", false, "không hỏi OCSP/CRL (tình trạng thu hồi: unknown)")
			db := fs.String("db", "", "cơ sở dữ liệu của xaso: chứng thư gốc đã cấu hình và sổ văn bản đã phát hành")
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) != 1 {
					return usagef("cần đúng một tệp PDF")
				}
				path := *trust
				if path == "" {
					path = sio.getenv("XASO_TRUST_ANCHORS")
				}
				var anchors []*x509.Certificate
				if path != "" {
					data, err := os.ReadFile(path)
					if err != nil {
						return fmt.Errorf("không đọc được tệp chứng thư gốc (cannot read trust anchors): %w", err)
					}
					if anchors, err = signing.ParseCertsPEM(data); err != nil {
						return err
					}
				}
				pdf, err := os.ReadFile(args[0])
				if err != nil {
					return fmt.Errorf("không đọc được tệp PDF (cannot read): %w", err)
				}
				opts := signing.VerifyOptions{TrustAnchors: anchors, Offline: *offline}
				if *db != "" {
					c := *cfg
					c.DB = *db
					st, err := openData(ctx, c)
					if err != nil {
						return err
					}
					defer st.Close()
					stored, err := st.TrustAnchors(ctx)
					if err != nil {
						return err
					}
					opts.TrustAnchors = append(opts.TrustAnchors, stored...)
					opts.Register = st.IssuedDocumentBySHA256
				}
				rep, err := signing.VerifyPDF(ctx, pdf, opts)
				if err != nil {
					return err
				}
				enc := json.NewEncoder(sio.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
				if !rep.Valid {
					return errNotValid.With(errors.New(rep.Summary))
				}
				fmt.Fprintln(sio.err, rep.Summary)
				return nil
			}
		}}
}

// demoCertificates are the demo commune's signers: the leader signs personally, the
// clerk holds the organisation's seal certificate.
var demoCertificates = []struct {
	file, commonName string
}{
	{"lanhdao.p12", ""}, // the demo leader's name
	{"vanthu-con-dau.p12", "Ủy ban nhân dân xã Yên Từ"},
}

func demoCACmd() *command {
	return &command{name: "demo-ca", synopsis: "demo-ca [--out DIR]",
		summary: "tạo CA thử nghiệm và chứng thư số cho xã mẫu (create a test CA)",
		help: `Tạo một tổ chức chứng thực THỬ NGHIỆM và chứng thư số cho xã mẫu Yên Từ, ghi vào thư mục --out:
ca.pem (chứng thư gốc, dùng làm chứng thư gốc tin cậy khi chạy thử: xaso verify --trust ca.pem),
lanhdao.p12 (lãnh đạo, ký cá nhân), vanthu-con-dau.p12 (chứng thư số của cơ quan — con dấu — do văn thư giữ),
chu-ky-lanhdao.png (ảnh chữ ký màu xanh) và con-dau.png (ảnh con dấu màu đỏ).
Tệp .p12 mã hóa như OpenSSL 3 (PBES2, AES-256-CBC), mật khẩu lấy từ XASO_P12_PASSWORD, mặc định là
mật khẩu của tài khoản mẫu. Không bao giờ dùng các tệp này ngoài chế độ thử nghiệm.`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			out := fs.String("out", "demo-ca", "thư mục ghi kết quả")
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) != 0 {
					return usagef("demo-ca không nhận tham số ngoài cờ")
				}
				pass := sio.getenv("XASO_P12_PASSWORD")
				if pass == "" {
					pass = demo.Password
				}
				if err := os.MkdirAll(*out, 0o755); err != nil {
					return err
				}
				ca, err := democa.New("xaso Demo CA (THỬ NGHIỆM)", false)
				if err != nil {
					return err
				}
				write := func(name string, data []byte, mode os.FileMode) error {
					p := filepath.Join(*out, name)
					if err := os.WriteFile(p, data, mode); err != nil {
						return err
					}
					fmt.Fprintln(sio.out, p)
					return nil
				}
				if err := write("ca.pem", signing.CertPEM(ca.Cert), 0o644); err != nil {
					return err
				}
				for _, d := range demoCertificates {
					cn := d.commonName
					if cn == "" {
						for _, u := range demo.Users {
							if u.Username == "lanhdao" {
								cn = u.FullName
							}
						}
					}
					cert, key, err := ca.Issue(democa.CertOptions{CommonName: cn, Organization: "UBND xã Yên Từ"})
					if err != nil {
						return err
					}
					p12, err := democa.EncodePKCS12(key, cert, []*x509.Certificate{ca.Cert}, pass)
					if err != nil {
						return err
					}
					if err := write(d.file, p12, 0o600); err != nil {
						return err
					}
				}
				sig, seal, err := democa.Images()
				if err != nil {
					return err
				}
				if err := write("chu-ky-lanhdao.png", sig, 0o644); err != nil {
					return err
				}
				if err := write("con-dau.png", seal, 0o644); err != nil {
					return err
				}
				if sio.getenv("XASO_P12_PASSWORD") == "" {
					fmt.Fprintf(sio.err, "Mật khẩu các tệp .p12: %s (mật khẩu mẫu)\n", demo.Password)
				}
				return nil
			}
		}}
}
