package mail_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/mail"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/testtool"
	"github.com/xaso-vn/xaso/internal/unit"
)

// imapServer is the test IMAP server (.ci/dovecot.sh), from XASO_TEST_IMAP.
func imapServer(t *testing.T) (addr, user, pass string) {
	t.Helper()
	u, err := url.Parse(cmpOr(os.Getenv("XASO_TEST_IMAP"), "imap://xaso:xaso-test@127.0.0.1:10143"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		testtool.Missing(t, "no IMAP server at "+u.Host, "bash .ci/dovecot.sh")
	}
	c.Close()
	p, _ := u.User.Password()
	return u.Host, u.User.Username(), p
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// imapSession is a raw IMAP connection for setting up the test mailbox.
type imapSession struct {
	t   *testing.T
	c   net.Conn
	r   *bufio.Reader
	tag int
}

func (s *imapSession) do(cmd string, literal []byte) {
	s.t.Helper()
	s.tag++
	tag := fmt.Sprintf("t%d", s.tag)
	if literal != nil {
		fmt.Fprintf(s.c, "%s %s {%d}\r\n", tag, cmd, len(literal))
		if ln, _ := s.r.ReadString('\n'); !strings.HasPrefix(ln, "+") {
			s.t.Fatalf("%s: %q", cmd, ln)
		}
		s.c.Write(append(literal, '\r', '\n'))
	} else {
		fmt.Fprintf(s.c, "%s %s\r\n", tag, cmd)
	}
	for {
		ln, err := s.r.ReadString('\n')
		if err != nil {
			s.t.Fatalf("%s: %v", cmd, err)
		}
		if strings.HasPrefix(ln, tag+" ") {
			if !strings.HasPrefix(ln, tag+" OK") {
				s.t.Fatalf("%s: %s", cmd, ln)
			}
			return
		}
	}
}

func dialIMAP(t *testing.T, addr, user, pass string) *imapSession {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := &imapSession{t: t, c: c, r: bufio.NewReader(c)}
	s.r.ReadString('\n')
	s.do(fmt.Sprintf("LOGIN %q %q", user, pass), nil)
	return s
}

type registrar struct {
	next int
	got  []mail.Incoming
}

func (r *registrar) RegisterIncoming(_ context.Context, _ int64, in mail.Incoming) (int, error) {
	r.next++
	r.got = append(r.got, in)
	return r.next, nil
}

func commune(t *testing.T, st *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	p, err := st.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUnit(ctx, unit.Unit{Code: "14731", Level: unit.Commune, ParentID: &p, Name: "Xã Yên Từ", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestIMAPFetchAndRegister: a letter with a PDF in a real mailbox (Dovecot) appears in the
// clerk's list, registers with one click (once), and is not fetched twice; a message over
// the limit is listed as too large without being downloaded.
func TestIMAPFetchAndRegister(t *testing.T) {
	addr, user, pass := imapServer(t)
	ctx := context.Background()
	b := make([]byte, 4)
	rand.Read(b)
	box := "xaso-test-" + hex.EncodeToString(b)
	setup := dialIMAP(t, addr, user, pass)
	setup.do(fmt.Sprintf("CREATE %q", box), nil)
	t.Cleanup(func() { setup.do(fmt.Sprintf("DELETE %q", box), nil); setup.c.Close() })

	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xfe, '\r', '\n'}, 3000)...)
	letter, err := mail.Compose(mail.Mail{From: "Huyện <vanphong@huyen.gov.vn>", To: []string{"vanthu@yentu.gov.vn"},
		Subject: "Công văn số 12/UBND-VP về việc chuẩn bị họp", Body: "Kính gửi UBND xã Yên Từ.",
		Attachments: []mail.Attachment{{Name: "12-UBND-VP.pdf", ContentType: "application/pdf", Data: pdf}}}, "huyen.gov.vn")
	if err != nil {
		t.Fatal(err)
	}
	big := []byte("From: a@b.vn\r\nSubject: lớn\r\n\r\n" + strings.Repeat("x", 300<<10) + "\r\n")
	setup.do(fmt.Sprintf("APPEND %q", box), letter)
	setup.do(fmt.Sprintf("APPEND %q", box), big)

	st := storetest.Open(t)
	u := commune(t, st)
	reg := &registrar{next: 6}
	svc := &mail.Service{Store: st, Registrar: reg, Limits: mail.Limits{MaxMessage: 200 << 10, MaxParts: 10, MaxDepth: 3, MaxHeader: 50}}
	mbox := &mail.IMAP{Addr: addr, Security: mail.None, Username: user, Password: pass, Mailbox: box, Limits: svc.Limits}
	n, err := svc.Fetch(ctx, u, mbox)
	if err != nil || n != 2 {
		t.Fatalf("fetch: %d %v", n, err)
	}
	if n, err := svc.Fetch(ctx, u, mbox); err != nil || n != 0 {
		t.Fatalf("fetched again: %d %v", n, err)
	}
	items, total, err := svc.List(ctx, u, "", 10, 0)
	if err != nil || total != 2 {
		t.Fatalf("list: %d %v", total, err)
	}
	var letterItem mail.Item
	states := map[string]int{}
	for _, it := range items {
		states[it.State]++
		if it.State == mail.StateNew {
			letterItem = it
		}
	}
	if states[mail.StateNew] != 1 || states[mail.StateTooLarge] != 1 {
		t.Fatalf("states %v", states)
	}
	if letterItem.Subject != "Công văn số 12/UBND-VP về việc chuẩn bị họp" || letterItem.Sender != "vanphong@huyen.gov.vn" || letterItem.Attachments != 1 {
		t.Fatalf("item %+v", letterItem)
	}
	arrival, err := svc.Register(ctx, u, letterItem.ID)
	if err != nil || arrival != 7 {
		t.Fatalf("register: %d %v", arrival, err)
	}
	if len(reg.got) != 1 || !bytes.Equal(reg.got[0].Attachments[0].Data, pdf) || reg.got[0].Attachments[0].Name != "12-UBND-VP.pdf" {
		t.Fatal("the registered document lost its PDF")
	}
	if _, err := svc.Register(ctx, u, letterItem.ID); !errors.Is(err, mail.ErrNotInState) || apperr.KindOf(err) != apperr.Conflict {
		t.Fatalf("second click: %v", err)
	}
	done, _, _ := svc.List(ctx, u, mail.StateRegistered, 10, 0)
	if len(done) != 1 || done[0].ArrivalNumber != 7 {
		t.Fatalf("registered list %+v", done)
	}
	// A wrong password is an error, not an empty mailbox.
	if _, _, err := (&mail.IMAP{Addr: addr, Security: mail.None, Username: user, Password: "sai", Mailbox: box}).Fetch(ctx, 0, 0, 10); err == nil {
		t.Fatal("wrong password accepted")
	}
}
