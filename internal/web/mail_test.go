package web_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/mail"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// testMailbox makes a fresh folder in the test IMAP server (.ci/dovecot.sh) holding
// msgs, and returns the client that reads it.
func testMailbox(t *testing.T, msgs ...[]byte) *mail.IMAP {
	t.Helper()
	u, err := url.Parse(os.Getenv("XASO_TEST_IMAP"))
	if err != nil || u.Host == "" {
		u, _ = url.Parse("imap://xaso:xaso-test@127.0.0.1:10143")
	}
	c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		testtool.Missing(t, "no IMAP server at "+u.Host, "bash .ci/dovecot.sh")
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReader(c)
	r.ReadString('\n')
	tag := 0
	do := func(cmd string, literal []byte) {
		t.Helper()
		tag++
		tg := fmt.Sprintf("w%d", tag)
		if literal != nil {
			fmt.Fprintf(c, "%s %s {%d}\r\n", tg, cmd, len(literal))
			if ln, _ := r.ReadString('\n'); !strings.HasPrefix(ln, "+") {
				t.Fatalf("%s: %q", cmd, ln)
			}
			c.Write(append(literal, '\r', '\n'))
		} else {
			fmt.Fprintf(c, "%s %s\r\n", tg, cmd)
		}
		for {
			ln, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("%s: %v", cmd, err)
			}
			if strings.HasPrefix(ln, tg+" ") {
				if !strings.HasPrefix(ln, tg+" OK") {
					t.Fatalf("%s: %s", cmd, ln)
				}
				return
			}
		}
	}
	pass, _ := u.User.Password()
	do(fmt.Sprintf("LOGIN %q %q", u.User.Username(), pass), nil)
	b := make([]byte, 4)
	rand.Read(b)
	box := "xaso-web-" + hex.EncodeToString(b)
	do(fmt.Sprintf("CREATE %q", box), nil)
	t.Cleanup(func() { do(fmt.Sprintf("DELETE %q", box), nil) })
	for _, m := range msgs {
		do(fmt.Sprintf("APPEND %q", box), m)
	}
	return &mail.IMAP{Addr: u.Host, Security: mail.None, Username: u.User.Username(), Password: pass, Mailbox: box}
}

// TestMailboxPage: a letter appended to the real mailbox (Dovecot) appears in the clerk's
// "Hộp thư công vụ" after a fetch, opens with its sender and attachment, and "Vào sổ"
// registers it with one click under the next arrival number (shown), once; "Bỏ qua"
// takes another off the list. Nobody but the clerk sees the mailbox.
func TestMailboxPage(t *testing.T) {
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 0xfe, '\r', '\n'}, 2000)...)
	letter, err := mail.Compose(mail.Mail{From: "Văn phòng huyện <vanphong@huyen.gov.vn>", To: []string{"vanthu@yentu.gov.vn"},
		Subject: "Công văn số 12/UBND-VP về việc chuẩn bị họp tổng kết", Body: "Kính gửi UBND xã Yên Từ.",
		Attachments: []mail.Attachment{{Name: "12-UBND-VP.pdf", ContentType: "application/pdf", Data: pdf}}}, "huyen.gov.vn")
	if err != nil {
		t.Fatal(err)
	}
	spam, err := mail.Compose(mail.Mail{From: "quangcao@example.com", To: []string{"vanthu@yentu.gov.vn"}, Subject: "Khuyến mãi lớn",
		Body: "Mua ngay."}, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	box := testMailbox(t, letter, spam)
	e := newEnv(t)
	ctx := context.Background()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := (&mail.Service{Store: e.st, Limits: mail.DefaultLimits}).Fetch(ctx, u.ID, box); err != nil || n != 2 {
		t.Fatalf("fetch: %d %v", n, err)
	}
	clerk, _ := e.login(t, "vanthu", demo.Password)
	resp, page := get(t, clerk, e.ts.URL+"/office/mail")
	if resp.StatusCode != 200 || text(t, page, "h1") != "Hộp thư công vụ" {
		t.Fatalf("mailbox: %d", resp.StatusCode)
	}
	items := all(t, page, "ul.items > li")
	if len(items) != 2 {
		t.Fatalf("%d messages listed", len(items))
	}
	var letterLink, spamLink string
	for _, a := range all(t, page, "ul.items a") {
		href, _ := attr(a, "href")
		switch textOf(a) {
		case "Công văn số 12/UBND-VP về việc chuẩn bị họp tổng kết":
			letterLink = href
		case "Khuyến mãi lớn":
			spamLink = href
		}
	}
	if letterLink == "" || spamLink == "" || !strings.Contains(page, "Người gửi: vanphong@huyen.gov.vn") || !strings.Contains(page, "1 tệp đính kèm") {
		t.Fatalf("list:\n%s", page)
	}
	resp, page = get(t, clerk, e.ts.URL+letterLink)
	f := facts(t, page)
	if resp.StatusCode != 200 || f["Người gửi"] != "Văn phòng huyện <vanphong@huyen.gov.vn>" || !strings.Contains(f["Tệp đính kèm"], "12-UBND-VP.pdf") ||
		!strings.Contains(page, "Kính gửi UBND xã Yên Từ.") {
		t.Fatalf("message: %d %v", resp.StatusCode, f)
	}
	// The clerk reads the attached PDF before registering it.
	href := attrAt(t, page, `dd a[download]`, "href")
	resp, body := get(t, clerk, e.ts.URL+href)
	if resp.StatusCode != 200 || body != string(pdf) || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("attachment: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	for _, bad := range []string{"/files/2", "/files/0", "/files/x"} {
		if resp, _ := get(t, clerk, e.ts.URL+letterLink+bad); resp.StatusCode != 404 {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
	resp, _ = post(t, clerk, e.ts.URL+letterLink+"/register", url.Values{})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/office/mail" {
		t.Fatalf("register: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = get(t, clerk, e.ts.URL+"/office/mail")
	flash := textAt(t, page, ".flash")
	if !strings.HasPrefix(flash, "Đã vào sổ văn bản đến, số đến ") {
		t.Fatalf("flash %q", flash)
	}
	if len(all(t, page, "ul.items > li")) != 1 {
		t.Fatal("the registered letter is still waiting")
	}
	// It is in the register of incoming documents, from e-mail.
	_, page = get(t, clerk, e.ts.URL+"/office/documents?tab=incoming&q=chuan+bi+hop+tong+ket")
	if !strings.Contains(page, "Công văn số 12/UBND-VP về việc chuẩn bị họp tổng kết") || !strings.Contains(page, "Số đến "+strings.TrimSuffix(strings.TrimPrefix(flash, "Đã vào sổ văn bản đến, số đến "), ".")) {
		t.Fatalf("register page lacks the letter:\n%s", page)
	}
	// Its PDF is the document's file, byte for byte.
	_, page = get(t, clerk, e.ts.URL+attrAt(t, page, `ul.items a[href^="/office/documents/"]`, "href"))
	fileLink := attrAt(t, page, `dd a[download]`, "href")
	resp, body = get(t, clerk, e.ts.URL+fileLink)
	if resp.StatusCode != 200 || body != string(pdf) || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "van-ban-den-") {
		t.Fatalf("document file: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if resp, _ := get(t, clerk, e.ts.URL+strings.TrimSuffix(fileLink, "1")+"2"); resp.StatusCode != 404 {
		t.Fatalf("no second file: %d", resp.StatusCode)
	}
	// A second click registers nothing more.
	resp, page = post(t, clerk, e.ts.URL+letterLink+"/register", url.Values{})
	if resp.StatusCode != 409 || !strings.Contains(page, "đã được xử lý") {
		t.Fatalf("second click: %d", resp.StatusCode)
	}
	resp, _ = post(t, clerk, e.ts.URL+spamLink+"/dismiss", url.Values{})
	if resp.StatusCode != 303 {
		t.Fatalf("dismiss: %d", resp.StatusCode)
	}
	_, page = get(t, clerk, e.ts.URL+"/office/mail?state=dismissed")
	if len(all(t, page, "ul.items > li")) != 1 || !strings.Contains(page, "Khuyến mãi lớn") {
		t.Fatalf("dismissed list:\n%s", page)
	}
	if _, page = get(t, clerk, e.ts.URL+"/office/mail"); has(t, page, "ul.items > li") {
		t.Fatal("messages still waiting")
	}
	// Another unit's message, or none, is not found; the leader has no mailbox.
	if resp, _ := get(t, clerk, e.ts.URL+"/office/mail/999999"); resp.StatusCode != 404 {
		t.Fatalf("unknown message: %d", resp.StatusCode)
	}
	leader, _ := e.login(t, "lanhdao", demo.Password)
	if resp, _ := get(t, leader, e.ts.URL+letterLink); resp.StatusCode != 403 {
		t.Fatalf("leader: %d", resp.StatusCode)
	}
}
