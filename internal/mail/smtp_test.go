package mail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/xaso-vn/xaso/internal/mail"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/testtool"
	"github.com/xaso-vn/xaso/internal/unit"
)

// inbox is an in-process SMTP server (emersion/go-smtp) that keeps what it receives.
type inbox struct {
	mu       sync.Mutex
	msgs     [][]byte
	rcpts    []string
	authUser string
}

type session struct{ in *inbox }

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b}, nil }
func (s *session) AuthMechanisms() []string                  { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "vanthu@xa.gov.vn" || pass != "mật-khẩu" {
			return errors.New("bad credentials")
		}
		s.in.mu.Lock()
		s.in.authUser = user
		s.in.mu.Unlock()
		return nil
	}), nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.in.mu.Lock()
	s.in.rcpts = append(s.in.rcpts, to)
	s.in.mu.Unlock()
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.in.mu.Lock()
	s.in.msgs = append(s.in.msgs, b)
	s.in.mu.Unlock()
	return err
}

func certs(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// serve starts a server: implicit TLS when implicit, else STARTTLS (none when noTLS).
func serve(t *testing.T, implicit, noTLS bool) (*inbox, string, *x509.CertPool) {
	t.Helper()
	cfg, pool := certs(t)
	in := &inbox{}
	s := smtp.NewServer(in)
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.MaxMessageBytes = 30 << 20
	s.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	var l net.Listener
	var err error
	if implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
		if !noTLS {
			s.TLSConfig = cfg
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return in, l.Addr().String(), pool
}

func dkimKey(t *testing.T) *mail.DKIM {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &mail.DKIM{Domain: "yentu.ninhbinh.gov.vn", Selector: "xaso2026", Key: k}
}

// TestSendThroughOutbox: a message written to the outbox reaches a real SMTP server
// through the notify worker, over STARTTLS and over TLS, authenticated, its PDF intact,
// and its DKIM signature verifies (here and, where installed, with dkimpy).
func TestSendThroughOutbox(t *testing.T) {
	pdf := append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), bytes.Repeat([]byte("0123456789 \r\n.\r\n\x00\xff"), 4000)...)
	for _, c := range []struct {
		name     string
		security mail.Security
		implicit bool
	}{{"starttls", mail.StartTLS, false}, {"tls", mail.TLS, true}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			in, addr, pool := serve(t, c.implicit, false)
			dk := dkimKey(t)
			st := storetest.Open(t)
			p, err := st.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
			if err != nil {
				t.Fatal(err)
			}
			u, err := st.CreateUnit(ctx, unit.Unit{Code: "14731", Level: unit.Commune, ParentID: &p, Name: "Xã Yên Từ", ValidFrom: "2025-07-01"})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Enqueue(ctx, notify.Message{UnitID: u, To: "vanthu@huyen.gov.vn", Subject: "Quyết định số 01/QĐ-UBND về việc thành lập tổ công nghệ số",
				Body: "Kính gửi: Văn phòng\nỦy ban nhân dân xã gửi kèm Quyết định.\n", Ref: "document:42"}); err != nil {
				t.Fatal(err)
			}
			sender := &mail.Sender{Addr: addr, Security: c.security, Username: "vanthu@xa.gov.vn", Password: "mật-khẩu",
				From: "UBND xã Yên Từ <vanthu@yentu.ninhbinh.gov.vn>", DKIM: dk, TLSConfig: &tls.Config{RootCAs: pool},
				Attachments: func(_ context.Context, ref string) ([]mail.Attachment, error) {
					if ref != "document:42" {
						return nil, errors.New("unknown ref")
					}
					return []mail.Attachment{{Name: "01-QĐ-UBND.pdf", ContentType: "application/pdf", Data: pdf}}, nil
				}}
			w := &notify.Worker{Store: st, Sender: sender, Log: slog.New(slog.DiscardHandler), Now: time.Now}
			if n, err := w.Deliver(ctx); err != nil || n != 1 {
				t.Fatalf("deliver: %d %v", n, err)
			}
			in.mu.Lock()
			defer in.mu.Unlock()
			if len(in.msgs) != 1 || in.rcpts[0] != "vanthu@huyen.gov.vn" || in.authUser != "vanthu@xa.gov.vn" {
				t.Fatalf("server got %d messages, rcpts %v, auth %q", len(in.msgs), in.rcpts, in.authUser)
			}
			raw := in.msgs[0]
			got, err := mail.DefaultLimits.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if got.Subject != "Quyết định số 01/QĐ-UBND về việc thành lập tổ công nghệ số" || !strings.Contains(got.Text, "Ủy ban nhân dân xã") ||
				len(got.Attachments) != 1 || got.Attachments[0].Name != "01-QĐ-UBND.pdf" || !bytes.Equal(got.Attachments[0].Data, pdf) {
				t.Fatalf("received %q %q %d", got.Subject, got.Text, len(got.Attachments))
			}
			if err := mail.Verify(raw, func(d, s string) (*rsa.PublicKey, error) {
				if d != dk.Domain || s != dk.Selector {
					return nil, errors.New("unknown key")
				}
				return &dk.Key.PublicKey, nil
			}); err != nil {
				t.Fatalf("DKIM: %v", err)
			}
			tampered := bytes.Replace(raw, []byte("Subject: "), []byte("Subject: Fwd: "), 1)
			if mail.Verify(tampered, func(string, string) (*rsa.PublicKey, error) { return &dk.Key.PublicKey, nil }) == nil {
				t.Fatal("a changed subject still verifies")
			}
			t.Run("dkimpy", func(t *testing.T) { dkimpy(t, raw, dk) })
		})
	}
}

// dkimpy verifies with an independent implementation (python3-dkim), the key given as
// the DNS answer.
func dkimpy(t *testing.T, raw []byte, dk *mail.DKIM) {
	t.Helper()
	py := "/usr/bin/python3" // Debian's, where apt-get puts python3-dkim
	if _, err := os.Stat(py); err != nil {
		py = testtool.Path(t, "python3", "apt-get install python3")
	}
	if exec.Command(py, "-c", "import dkim").Run() != nil {
		testtool.Missing(t, "python3-dkim (dkimpy) is not installed", "apt-get install python3-dkim")
	}
	rec, err := dk.DNSRecord()
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "m.eml")
	os.WriteFile(f, raw, 0o600)
	script := `import sys, dkim
rec = sys.argv[2].encode()
ok = dkim.verify(open(sys.argv[1], 'rb').read(), dnsfunc=lambda name, timeout=5: rec)
sys.exit(0 if ok else 1)`
	if out, err := exec.Command(py, "-c", script, f, rec).CombinedOutput(); err != nil {
		t.Fatalf("dkimpy does not verify: %v %s", err, out)
	}
}

// TestRefusesClearText: a server that offers no STARTTLS gets nothing.
func TestRefusesClearText(t *testing.T) {
	in, addr, _ := serve(t, false, true)
	err := (&mail.Sender{Addr: addr, From: "vanthu@xa.gov.vn"}).Deliver(context.Background(),
		mail.Mail{To: []string{"a@b.vn"}, Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("got %v", err)
	}
	if len(in.msgs) != 0 {
		t.Fatal("sent in clear")
	}
	if err := (&mail.Sender{Addr: addr, From: "vanthu@xa.gov.vn"}).Deliver(context.Background(),
		mail.Mail{To: []string{"a@b.vn\r\nBcc: x@y.vn"}, Subject: "x"}); err == nil {
		t.Fatal("header injection accepted")
	}
}
