package mail_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/mail"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func TestParse(t *testing.T) {
	l := mail.Limits{MaxMessage: 64 << 10, MaxParts: 5, MaxDepth: 2, MaxHeader: 20}
	nested := func(depth int) string {
		var b strings.Builder
		b.WriteString("From: a@b.vn\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
		for i := range depth {
			fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
		}
		return b.String()
	}
	parts := func(n int) string {
		var b strings.Builder
		b.WriteString("From: a@b.vn\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n")
		for i := range n {
			fmt.Fprintf(&b, "--XX\r\nContent-Type: application/pdf; name=\"f%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n", i)
		}
		b.WriteString("--XX--\r\n")
		return b.String()
	}
	cases := []struct {
		name    string
		raw     string
		want    *apperr.Error
		subject string
		files   int
	}{
		{"plain", "From: =?utf-8?q?Huy=E1=BB=87n?= <a@b.vn>\r\nSubject: =?utf-8?b?Q8O0bmcgdsSDbg==?=\r\n\r\nxin chào\r\n", nil, "Công văn", 0},
		{"lf line ends", "From: a@b.vn\nSubject: x\n\nbody\n", nil, "x", 0},
		{"four files", parts(4), nil, "", 4},
		{"too many parts", parts(6), mail.ErrTooLarge, "", 0},
		{"too deep", nested(4), mail.ErrTooLarge, "", 0},
		{"too large", "From: a@b.vn\r\n\r\n" + strings.Repeat("x", 65<<10), mail.ErrTooLarge, "", 0},
		{"header bomb", strings.Repeat("X-A: b\r\n", 30) + "\r\n", mail.ErrTooLarge, "", 0},
		{"no header end", "From a@b.vn", mail.ErrMalformed, "", 0},
		{"multipart without boundary", "From: a@b.vn\r\nContent-Type: multipart/mixed\r\n\r\nx", mail.ErrMalformed, "", 0},
		{"path in file name", "From: a@b.vn\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nx\r\n--X--\r\n", nil, "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := l.Parse([]byte(c.raw))
			if c.want != nil {
				if !errors.Is(err, c.want) || apperr.KindOf(err) != apperr.Invalid {
					t.Fatalf("got %v, want %s", err, c.want.Code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.subject != "" && p.Subject != c.subject {
				t.Fatalf("subject %q", p.Subject)
			}
			if len(p.Attachments) != c.files {
				t.Fatalf("%d files", len(p.Attachments))
			}
			for _, a := range p.Attachments {
				if strings.ContainsAny(a.Name, `/\`) {
					t.Fatalf("file name %q", a.Name)
				}
			}
		})
	}
}

// TestIMAPBounded: a server announcing a literal above the limit or sending an endless
// line costs little memory and is refused.
func TestIMAPBounded(t *testing.T) {
	serve := func(t *testing.T, fetchAnswer string) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			fmt.Fprint(c, "* OK ready\r\n")
			for {
				ln, err := r.ReadString('\n')
				if err != nil {
					return
				}
				tag, cmd, _ := strings.Cut(strings.TrimSpace(ln), " ")
				switch {
				case strings.HasPrefix(cmd, "SELECT"):
					fmt.Fprintf(c, "* OK [UIDVALIDITY 7] ok\r\n%s OK done\r\n", tag)
				case strings.HasPrefix(cmd, "UID FETCH") && strings.Contains(cmd, "RFC822.SIZE"):
					fmt.Fprintf(c, "* 1 FETCH (UID 1 RFC822.SIZE 10)\r\n%s OK done\r\n", tag)
				case strings.HasPrefix(cmd, "UID FETCH"):
					c.Write([]byte(fetchAnswer))
					return
				default:
					fmt.Fprintf(c, "%s OK done\r\n", tag)
				}
			}
		}()
		return l.Addr().String()
	}
	for name, answer := range map[string]string{
		"huge literal": "* 1 FETCH (UID 1 BODY[] {999999999999}\r\n",
		"endless line": "* 1 FETCH (UID 1 " + strings.Repeat("x", 1<<20),
	} {
		t.Run(name, func(t *testing.T) {
			addr := serve(t, answer)
			var got []mail.Fetched
			var err error
			n := testtool.Allocated(func() {
				_, got, err = (&mail.IMAP{Addr: addr, Security: mail.None, Username: "u", Password: "p"}).Fetch(context.Background(), 0, 0, 10)
			})
			if n > 4<<20 {
				t.Fatalf("cost %d bytes", n)
			}
			if err == nil && (len(got) != 1 || !got[0].TooLarge) {
				t.Fatalf("accepted: %+v", got)
			}
		})
	}
	if _, _, err := (&mail.IMAP{Addr: "192.0.2.1:143", Security: mail.None}).Fetch(context.Background(), 0, 0, 1); err == nil ||
		!strings.Contains(err.Error(), "loopback") {
		t.Fatalf("clear text off loopback: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	letter, _ := mail.Compose(mail.Mail{From: "a@b.vn", To: []string{"c@d.vn"}, Subject: "Công văn", Body: "x",
		Attachments: []mail.Attachment{{Name: "a.pdf", Data: []byte("%PDF")}}}, "b.vn")
	f.Add(letter)
	f.Add([]byte("From: a@b.vn\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--a--\r\n"))
	f.Add([]byte("Subject: =?utf-8?q?=E1=BB?=\r\n\r\n"))
	l := mail.Limits{MaxMessage: 1 << 20, MaxParts: 20, MaxDepth: 4, MaxHeader: 50}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := l.Parse(raw)
		if err != nil {
			if apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("refusal of kind %v: %v", apperr.KindOf(err), err)
			}
			return
		}
		total := 0
		for _, a := range p.Attachments {
			total += len(a.Data)
			if a.Name == "" || strings.ContainsAny(a.Name, "/\\\x00") {
				t.Fatalf("file name %q", a.Name)
			}
		}
		if total > len(raw) || len(p.Attachments) > l.MaxParts {
			t.Fatalf("%d bytes of files from %d bytes", total, len(raw))
		}
		_ = bytes.MinRead
	})
}
