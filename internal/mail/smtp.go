package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"strings"

	"github.com/xaso-vn/xaso/internal/notify"
)

// Security is how the connection to the SMTP server is protected.
type Security string

const (
	StartTLS Security = "starttls" // port 587: plain, then STARTTLS, which is required
	TLS      Security = "tls"      // port 465: TLS from the first byte
)

// Sender sends mail through an SMTP server. It implements notify.Sender, so the outbox
// worker delivers through it.
type Sender struct {
	Addr      string // host:port
	Security  Security
	Username  string
	Password  string
	From      string      // the official mailbox's address
	DKIM      *DKIM       // nil: not signed
	TLSConfig *tls.Config // nil: the system's roots, ServerName from Addr
	// Attachments gives the files of an outbox message's ref ("document:42"), nil for
	// none; nil: plain messages only.
	Attachments func(ctx context.Context, ref string) ([]Attachment, error)
}

// Send implements notify.Sender: the outbox message, with its ref's attachments.
func (s *Sender) Send(ctx context.Context, m notify.Message) error {
	var files []Attachment
	if s.Attachments != nil && m.Ref != "" {
		var err error
		if files, err = s.Attachments(ctx, m.Ref); err != nil {
			return err
		}
	}
	return s.Deliver(ctx, Mail{To: []string{m.To}, Subject: m.Subject, Body: m.Body, Attachments: files})
}

// Deliver composes, signs and sends one message.
func (s *Sender) Deliver(ctx context.Context, m Mail) error {
	if m.From == "" {
		m.From = s.From
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	msg, err := Compose(m, domain)
	if err != nil {
		return err
	}
	if s.DKIM != nil {
		if msg, err = s.DKIM.Sign(msg); err != nil {
			return err
		}
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("mail: smtp address %q: %w", s.Addr, err)
	}
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if s.TLSConfig != nil {
		cfg = s.TLSConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
	}
	var conn net.Conn
	d := &net.Dialer{}
	switch s.Security {
	case TLS:
		conn, err = (&tls.Dialer{NetDialer: d, Config: cfg}).DialContext(ctx, "tcp", s.Addr)
	case StartTLS, "":
		conn, err = d.DialContext(ctx, "tcp", s.Addr)
	default:
		return fmt.Errorf("mail: security %q (want starttls or tls)", s.Security)
	}
	if err != nil {
		return fmt.Errorf("mail: smtp: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: smtp: %w", err)
	}
	defer c.Close()
	if s.Security != TLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("mail: the server does not offer STARTTLS; not sending in clear")
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("mail: smtp auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("mail: smtp: %w", err)
	}
	for _, to := range m.To {
		a, err := mail.ParseAddress(to)
		if err != nil {
			return fmt.Errorf("mail: to: %w", err)
		}
		if err := c.Rcpt(a.Address); err != nil {
			return fmt.Errorf("mail: smtp: %w", err)
		}
	}
	wc, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: smtp: %w", err)
	}
	if _, err := wc.Write(msg); err != nil {
		return fmt.Errorf("mail: smtp: %w", err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("mail: smtp: %w", err)
	}
	return c.Quit()
}

var _ notify.Sender = (*Sender)(nil)
