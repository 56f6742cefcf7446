// Package mail is the commune's official e-mail: documents dispatched by SMTP (STARTTLS
// or TLS, DKIM-signed when a key is configured) to recipients without an exchange
// address, and the official mailbox fetched by IMAP into a list the clerk registers from
// with one click.
//
// Sending goes through the outbox: Sender implements notify.Sender, so the notify
// Worker delivers each message at least once with its attempts recorded; a message
// whose outbox ref names a document gets that document's files attached (Attachments).
// Fetching and parsing read bytes from outside: an IMAP answer, a message and its parts
// are bounded (Limits) before they are read, and the parser is fuzzed.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Attachment is a file sent or received.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Mail is one outgoing message.
type Mail struct {
	From        string // address; the Sender's From when empty
	To          []string
	Subject     string
	Body        string // plain text
	Attachments []Attachment
	MessageID   string // without <>; generated when empty
	Date        time.Time
}

var errHeaderInjection = errors.New("mail: a line break in an address or subject")

// Compose writes m as an RFC 5322 message with CRLF line ends: a text part in
// quoted-printable UTF-8 and each attachment in base64, so every line stays short and
// 7-bit and the files arrive byte for byte.
func Compose(m Mail, domain string) ([]byte, error) {
	for _, s := range append([]string{m.From, m.Subject, m.MessageID}, m.To...) {
		if strings.ContainsAny(s, "\r\n") {
			return nil, errHeaderInjection
		}
	}
	if len(m.To) == 0 {
		return nil, errors.New("mail: no recipient")
	}
	for _, a := range append([]string{m.From}, m.To...) {
		if _, err := mail.ParseAddress(a); err != nil {
			return nil, fmt.Errorf("mail: address %q: %w", a, err)
		}
	}
	if m.MessageID == "" {
		b := make([]byte, 16)
		rand.Read(b)
		m.MessageID = hex.EncodeToString(b) + "@" + domain
	}
	if m.Date.IsZero() {
		m.Date = time.Now()
	}
	var buf bytes.Buffer
	h := func(k, v string) { buf.WriteString(k + ": " + v + "\r\n") }
	h("From", m.From)
	h("To", strings.Join(m.To, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", m.Date.Format(time.RFC1123Z))
	h("Message-ID", "<"+m.MessageID+">")
	h("MIME-Version", "1.0")
	text := func(w *bytes.Buffer) {
		qp := quotedprintable.NewWriter(w)
		qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")))
		qp.Close()
	}
	if len(m.Attachments) == 0 {
		h("Content-Type", "text/plain; charset=utf-8")
		h("Content-Transfer-Encoding", "quoted-printable")
		buf.WriteString("\r\n")
		text(&buf)
		buf.WriteString("\r\n")
		return buf.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h("Content-Type", `multipart/mixed; boundary="`+mw.Boundary()+`"`)
	buf.WriteString("\r\n")
	pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	var t bytes.Buffer
	text(&t)
	pw.Write(t.Bytes())
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		disp := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
		if disp == "" {
			return nil, fmt.Errorf("mail: attachment name %q", a.Name)
		}
		pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ct}, "Content-Transfer-Encoding": {"base64"}, "Content-Disposition": {disp}})
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 0 {
			n := min(len(enc), 76)
			pw.Write([]byte(enc[:n] + "\r\n"))
			enc = enc[n:]
		}
	}
	mw.Close()
	buf.Write(body.Bytes())
	return buf.Bytes(), nil
}
