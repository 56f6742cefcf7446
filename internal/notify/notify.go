// Package notify delivers the messages xaso owes citizens (receipt, supplement request,
// apology, result ready). A message is written to the outbox in the same transaction as
// the change that owes it, so it is never lost and never sent for a change that rolled
// back; a Worker then delivers it at least once, retrying with growing delays, and
// records each attempt.
package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Message is one message to one recipient.
type Message struct {
	UnitID  int64
	To      string // e-mail address
	Subject string
	Body    string // plain text
	Ref     string // what it is about, e.g. a dossier code: logged instead of the content
}

// Pending is a message claimed for delivery.
type Pending struct {
	ID       int64
	Attempts int // including this one
	Message
}

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Store is what the worker needs from storage.
type Store interface {
	// ClaimOutbox leases up to n due messages until now+lease, counting an attempt.
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, n int) ([]Pending, error)
	MarkSent(ctx context.Context, id int64, at time.Time) error
	// MarkFailed records an attempt's error and when to try again; final gives up.
	MarkFailed(ctx context.Context, id int64, reason string, next time.Time, final bool) error
}

// MaxAttempts is how often a message is tried before it is marked failed (about two days
// with the delays of Backoff).
const MaxAttempts = 10

// Backoff is the delay before attempt n+1 after n failed attempts.
func Backoff(n int) time.Duration {
	ladder := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}
	return ladder[min(max(n-1, 0), len(ladder)-1)]
}

// Worker delivers the outbox.
type Worker struct {
	Store    Store
	Sender   Sender
	Log      *slog.Logger
	Interval time.Duration // how often to look for due messages
	Now      func() time.Time
}

// Run delivers until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		if _, err := w.Deliver(ctx); err != nil && !errors.Is(err, context.Canceled) {
			w.Log.Warn("outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Deliver sends what is due now and reports how many messages were sent.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	now := w.Now()
	batch, err := w.Store.ClaimOutbox(ctx, now, 2*time.Minute, 20)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range batch {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := w.Sender.Send(sctx, p.Message)
		cancel()
		if err == nil {
			if err := w.Store.MarkSent(ctx, p.ID, w.Now()); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		final := p.Attempts >= MaxAttempts
		w.Log.Warn("message not delivered", "outbox_id", p.ID, "ref", p.Ref, "attempt", p.Attempts, "final", final, "err", err)
		if err := w.Store.MarkFailed(ctx, p.ID, err.Error(), w.Now().Add(Backoff(p.Attempts)), final); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// LogSender "delivers" to the log, for installations without e-mail. It logs the
// reference and subject, never the address or the body.
type LogSender struct{ Log *slog.Logger }

// Send implements Sender.
func (s LogSender) Send(_ context.Context, m Message) error {
	s.Log.Info("message (no e-mail configured)", "ref", m.Ref, "subject", m.Subject)
	return nil
}

// SMTPSender sends e-mail through an SMTP server, with STARTTLS when it offers it.
type SMTPSender struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
}

// Send implements Sender.
func (s SMTPSender) Send(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(s.From, "\r\n") {
		return errors.New("notify: address with a line break")
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp address %q: %w", s.Addr, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("notify: smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("notify: starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("notify: smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	wc, err := c.Data()
	if err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	if _, err := wc.Write(compose(s.From, m)); err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	return c.Quit()
}

// compose writes an RFC 5322 message with a UTF-8 subject and body.
func compose(from string, m Message) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\n", from, m.To, mime.QEncoding.Encode("utf-8", m.Subject))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}
