package document_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/mail"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func TestDispatchChannel(t *testing.T) {
	for _, c := range []struct{ recipient, want string }{
		{"000.00.00.H49", document.ChannelExchange},
		{"vanphong@ninhbinh.gov.vn", document.ChannelEmail},
		{"Văn phòng UBND tỉnh <vanphong@ninhbinh.gov.vn>", document.ChannelEmail},
		{"Thôn Đông", document.ChannelPaper},
		{"UBND tỉnh", document.ChannelPaper},
		{"a@b", document.ChannelPaper},
		{"Lưu: VT, VP.", document.ChannelPaper},
	} {
		if got := document.DispatchChannel(c.recipient); got != c.want {
			t.Errorf("%q: %s, want %s", c.recipient, got, c.want)
		}
	}
	for subject, want := range map[string]string{
		"Công văn số 12/UBND-VP về việc chuẩn bị họp": "12/UBND-VP",
		"Quyết định số: 05/QĐ-UBND ngày 02/3/2026":    "05/QĐ-UBND",
		"Thư mời họp": "",
		"Số 1/ sai":   "",
		"Báo cáo số 3/BC-UBND-VP. Kính gửi":                  "3/BC-UBND-VP",
		"V/v số 07/TB-UBND":                                  "07/TB-UBND",
		"Kế hoạch số 115/KH-UBND.VHXH triển khai chuyển đổi": "115/KH-UBND.VHXH",
	} {
		if got := document.NotationInSubject(subject); got != want {
			t.Errorf("%q: %q, want %q", subject, got, want)
		}
	}
}

// FuzzNotationInSubject: whatever a subject holds, the notation found is a valid one
// written in it, or none.
func FuzzNotationInSubject(f *testing.F) {
	for _, s := range []string{"Công văn số 12/UBND-VP về việc", "số: 05/QĐ-UBND.", "số 1/", "Số 99999999999/A", "số 3/A--B", "sỐ 7/Đ-Đ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := document.NotationInSubject(s)
		if n == "" {
			return
		}
		if _, _, err := document.ParseNotation(n, nil); err != nil || !strings.Contains(s, n) {
			t.Fatalf("%q gave %q (%v)", s, n, err)
		}
	})
}

// TestMailRegistrar: a message of the official mailbox registers as an incoming document
// in the one arrival sequence (after a paper one the same day), its files stored byte for
// byte, the number-and-symbol read from its subject; the same message twice is refused.
func TestMailRegistrar(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	_, _, _, blobs := e.electronic(t)
	paper, err := e.svc.RegisterIncoming(ctx, e.clerks[0], document.IncomingInput{UnitID: e.unit, Sender: "UBND tỉnh Ninh Bình",
		NumberNotation: "20/UBND-VP", IssuedOn: "2026-03-01", Subject: "Về việc họp", ReceivedAt: e.now.Add(-time.Hour)})
	if err != nil || paper.ArrivalNumber != 1 {
		t.Fatalf("paper: %+v %v", paper, err)
	}
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff, '\r', '\n', '.'}, 5000)...)
	reg := document.MailRegistrar{Service: e.svc}
	in := mail.Incoming{Sender: "vanphong@huyen.gov.vn", SenderName: "Văn phòng huyện", Subject: "Công văn số 12/UBND-VP về việc chuẩn bị họp",
		MessageID: "abc@huyen.gov.vn", SentAt: e.now.Add(-2 * time.Hour), ReceivedAt: e.now.Add(-time.Minute),
		Attachments: []mail.Attachment{{Name: "12-UBND-VP.pdf", ContentType: "application/pdf", Data: pdf}}}
	n, err := reg.RegisterIncoming(ctx, e.unit, in)
	if err != nil || n != 2 {
		t.Fatalf("e-mail: %d %v", n, err)
	}
	docs, _, err := e.svc.List(ctx, e.clerks[0], document.Query{UnitID: e.unit, Direction: document.Incoming, Number: "2"})
	if err != nil || len(docs) != 1 {
		t.Fatalf("list: %d %v", len(docs), err)
	}
	d, err := e.st.Document(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != document.Email || d.Sender != "Văn phòng huyện <vanphong@huyen.gov.vn>" || d.NumberNotation != "12/UBND-VP" ||
		d.Number != 12 || d.IssuedOn != "2026-03-02" || len(d.Attachments) != 1 {
		t.Fatalf("registered %+v", d)
	}
	r, err := blobs.Open(ctx, d.Attachments[0])
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.ReadFrom(r)
	r.Close()
	if !bytes.Equal(got.Bytes(), pdf) {
		t.Fatal("the stored file is not the attachment")
	}
	if _, err := reg.RegisterIncoming(ctx, e.unit, in); !errors.Is(err, document.ErrDuplicate) {
		t.Fatalf("twice: %v", err)
	}
	// Without a number in the subject: registered without one, the Message-ID keeps it once.
	plain := mail.Incoming{Sender: "thon.dong@gmail.com", Subject: "Đề nghị sửa đường thôn", MessageID: "x1@gmail.com",
		SentAt: e.now.Add(-time.Hour), ReceivedAt: e.now}
	if n, err := reg.RegisterIncoming(ctx, e.unit, plain); err != nil || n != 3 {
		t.Fatalf("without a number: %d %v", n, err)
	}
	if _, err := reg.RegisterIncoming(ctx, e.unit, plain); !errors.Is(err, document.ErrDuplicate) {
		t.Fatalf("without a number, twice: %v", err)
	}
	plain.MessageID = "x2@gmail.com"
	if n, err := reg.RegisterIncoming(ctx, e.unit, plain); err != nil || n != 4 {
		t.Fatalf("another message: %d %v", n, err)
	}
	// Whatever a stranger wrote registers, made readable: a bad byte, a control character,
	// an overlong name.
	odd := mail.Incoming{Sender: "x@y.vn", SenderName: strings.Repeat("Ủy ban ", 100), Subject: "Báo cáo\x00 tháng \xff3",
		MessageID: "odd@y.vn", SentAt: e.now, ReceivedAt: e.now}
	if n, err := reg.RegisterIncoming(ctx, e.unit, odd); err != nil || n != 5 {
		t.Fatalf("odd message: %d %v", n, err)
	}
	if got, _, err := e.svc.List(ctx, e.clerks[0], document.Query{UnitID: e.unit, Direction: document.Incoming, Number: "5"}); err != nil || len(got) != 1 ||
		got[0].Subject != "Báo cáo tháng \uFFFD3" || !strings.HasPrefix(got[0].Sender, "Ủy ban Ủy ban") || !strings.HasSuffix(got[0].Sender, " <x@y.vn>") || utf8.RuneCountInString(got[0].Sender) > 300 {
		t.Fatalf("odd message registered as %+v %v", got, err)
	}
	// A paper registration still needs its number-and-symbol.
	if _, err := e.svc.RegisterIncoming(ctx, e.clerks[0], document.IncomingInput{UnitID: e.unit, Sender: "Thôn Đông",
		IssuedOn: "2026-03-01", Subject: "Đơn"}); !errors.Is(err, document.ErrNotation) {
		t.Fatalf("paper without a number: %v", err)
	}
}

// smtpServer is the test SMTP server (.ci/smtpd.sh: Postfix delivering into the Dovecot
// test mailbox), its certificate and the mailbox.
func smtpServer(t *testing.T) (addr string, roots *x509.CertPool, imap *mail.IMAP) {
	t.Helper()
	addr = os.Getenv("XASO_TEST_SMTP")
	if addr == "" {
		addr = "127.0.0.1:10587"
	}
	iu, err := url.Parse(os.Getenv("XASO_TEST_IMAP"))
	if err != nil || iu.Host == "" {
		iu, _ = url.Parse("imap://xaso:xaso-test@127.0.0.1:10143")
	}
	for _, a := range []string{addr, iu.Host} {
		c, err := net.DialTimeout("tcp", a, 2*time.Second)
		if err != nil {
			testtool.Missing(t, "no SMTP or IMAP test server at "+a, "bash .ci/dovecot.sh && bash .ci/smtpd.sh")
		}
		c.Close()
	}
	pem, err := os.ReadFile(cmpOr(os.Getenv("XASO_TEST_SMTP_CERT"), "/var/lib/xaso-postfix/cert.pem"))
	if err != nil {
		testtool.Missing(t, "no certificate of the SMTP test server", "bash .ci/smtpd.sh")
	}
	roots = x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("bad certificate")
	}
	pass, _ := iu.User.Password()
	return addr, roots, &mail.IMAP{Addr: iu.Host, Security: mail.None, Username: iu.User.Username(), Password: pass}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestDispatchByEmail: an electronically issued document reaches its e-mail recipient
// through a real SMTP server (STARTTLS, DKIM-signed), read back from the real mailbox by
// IMAP: the signed PDF intact, the signature verifying (here and with dkimpy). Its exchange
// and paper recipients are not e-mailed; a second run sends nothing; a failure is
// counted and retried with the same Message-ID.
func TestDispatchByEmail(t *testing.T) {
	ctx := context.Background()
	addr, roots, box := smtpServer(t)
	e := newDocEnv(t)
	_, _, twice, blobs := e.electronic(t)
	// The mailbox's cursor before sending: only what arrives after is ours.
	validity, last := uint32(0), uint32(0)
	for {
		uv, msgs, err := box.Fetch(ctx, validity, last, 100)
		if err != nil {
			t.Fatal(err)
		}
		validity = uv
		if len(msgs) == 0 {
			break
		}
		last = msgs[len(msgs)-1].UID
	}
	b := make([]byte, 6)
	rand.Read(b)
	to := "vanphong-" + hex.EncodeToString(b) + "@ninhbinh.gov.vn"
	d, err := e.svc.CreateOutgoing(ctx, e.clerks[0], document.OutgoingInput{UnitID: e.unit, TypeCode: "quyet_dinh",
		Subject: "Về việc kiện toàn Tổ công nghệ số cộng đồng", Recipients: []string{"Văn phòng UBND tỉnh <" + to + ">", "000.00.00.H49", "Lưu: VT."}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx, e.leader, d.ID, 0); err != nil {
		t.Fatal(err)
	}
	d, err = e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{SignedPDF: twice})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := e.st.DocumentDispatches(ctx, d.ID)
	if err != nil || len(ds) != 3 || ds[0].Channel != document.ChannelEmail || ds[1].Channel != document.ChannelExchange || ds[2].Channel != document.ChannelPaper {
		t.Fatalf("dispatches %+v %v", ds, err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dk := &mail.DKIM{Domain: "yentu.ninhbinh.gov.vn", Selector: "xaso2026", Key: key}
	// First to a port nobody listens on: the attempt is counted and the row waits.
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	w := &document.MailDispatcher{Store: e.st, Blobs: blobs, Domain: "yentu.ninhbinh.gov.vn",
		UnitName: func(context.Context, int64) (string, error) { return "Ủy ban nhân dân xã Yên Từ", nil },
		Mailer:   &mail.Sender{Addr: deadAddr, From: "UBND xã Yên Từ <vanthu@yentu.ninhbinh.gov.vn>", DKIM: dk}}
	if n, err := w.Deliver(ctx); err != nil || n != 0 {
		t.Fatalf("dead server: %d %v", n, err)
	}
	ds, _ = e.st.DocumentDispatches(ctx, d.ID)
	if ds[0].Status != "pending" || ds[0].Attempts != 1 || ds[0].MessageID != document.DispatchMessageID(ds[0].ID, "yentu.ninhbinh.gov.vn") {
		t.Fatalf("after a failure %+v", ds[0])
	}
	// Then, when due again, to the real server.
	w.Now = func() time.Time { return time.Now().Add(time.Hour) }
	w.Mailer = &mail.Sender{Addr: addr, Security: mail.StartTLS, From: "UBND xã Yên Từ <vanthu@yentu.ninhbinh.gov.vn>", DKIM: dk,
		TLSConfig: &tls.Config{RootCAs: roots, ServerName: "localhost"}}
	if n, err := w.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("deliver: %d %v", n, err)
	}
	if n, err := w.Deliver(ctx); err != nil || n != 0 {
		t.Fatalf("delivered again: %d %v", n, err)
	}
	ds, _ = e.st.DocumentDispatches(ctx, d.ID)
	if ds[0].Status != "sent" || ds[0].Attempts != 2 || ds[1].Status != "pending" || ds[1].Attempts != 0 {
		t.Fatalf("after sending %+v", ds)
	}
	raw := awaitMessage(t, box, validity, &last, ds[0].MessageID)
	p, err := mail.DefaultLimits.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "Quyết định số 01/QĐ-UBND về việc kiện toàn Tổ công nghệ số cộng đồng" || len(p.Attachments) != 1 ||
		p.Attachments[0].Name != "01-QĐ-UBND.pdf" || !bytes.Equal(p.Attachments[0].Data, twice) {
		t.Fatalf("received %q with %d attachments", p.Subject, len(p.Attachments))
	}
	if err := mail.Verify(raw, func(string, string) (*rsa.PublicKey, error) { return &key.PublicKey, nil }); err != nil {
		t.Fatalf("DKIM: %v", err)
	}
	dkimpy(t, raw, dk)

	// The same over TLS from the first byte (port 465).
	d2, err := e.svc.CreateOutgoing(ctx, e.clerks[0], document.OutgoingInput{UnitID: e.unit, TypeCode: "thong_bao",
		Subject: "Về việc lịch tiếp công dân", Recipients: []string{to}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx, e.leader, d2.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Issue(ctx, e.clerks[0], d2.ID, document.IssueInput{SignedPDF: twice}); err != nil {
		t.Fatal(err)
	}
	w.Mailer = &mail.Sender{Addr: cmpOr(os.Getenv("XASO_TEST_SMTPS"), "127.0.0.1:10465"), Security: mail.TLS,
		From: "vanthu@yentu.ninhbinh.gov.vn", TLSConfig: &tls.Config{RootCAs: roots, ServerName: "localhost"}}
	if n, err := w.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("deliver over TLS: %d %v", n, err)
	}
	ds2, _ := e.st.DocumentDispatches(ctx, d2.ID)
	p2, err := mail.DefaultLimits.Parse(awaitMessage(t, box, validity, &last, ds2[0].MessageID))
	if err != nil || p2.Subject != "Thông báo số 02/TB-UBND về việc lịch tiếp công dân" || len(p2.Attachments) != 1 || !bytes.Equal(p2.Attachments[0].Data, twice) {
		t.Fatalf("over TLS: %q %v", p2.Subject, err)
	}
}

// awaitMessage reads the mailbox from UID *last on until the message with Message-ID id
// arrives. Postfix delivers on its own time: this waits for it, and fails only if it
// never arrives (not a timed assertion).
func awaitMessage(t *testing.T, box *mail.IMAP, validity uint32, last *uint32, id string) []byte {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		_, msgs, err := box.Fetch(context.Background(), validity, *last, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			*last = m.UID
			if p, err := mail.DefaultLimits.Parse(m.Raw); err == nil && p.MessageID == id {
				return m.Raw
			}
		}
	}
	t.Fatalf("the message %s never reached the mailbox", id)
	return nil
}

// dkimpy verifies with an independent implementation (python3-dkim).
func dkimpy(t *testing.T, raw []byte, dk *mail.DKIM) {
	t.Helper()
	py := "/usr/bin/python3"
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
