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
	"net/url"
	"slices"
	"strings"
	"time"
)

// Message is one message owed: to a direct recipient (To: an e-mail address, a printer
// escpos://, an SMS tel:+84…), or to a person (UserID, Phone, Email), whom the ladder
// reaches on their channels.
type Message struct {
	UnitID  int64
	To      string // direct recipient; "" for a person
	Subject string
	Body    string // plain text (e-mail; other channels render the kind's template)
	Ref     string // what it is about, e.g. a dossier code: logged instead of the content

	UserID    int64             // the citizen account, 0 if none
	Phone     string            // E.164 (+84…), as the dossier recorded it
	Email     string            // as the dossier recorded it
	Kind      string            // receipt, supplement, result, otp…: the template
	Data      map[string]string // the template's placeholders' values
	DedupKey  string            // a second message with the same key is not queued
	ExpiresAt time.Time         // not sent after it (one-time codes)
}

// Pending is a message claimed for delivery.
type Pending struct {
	ID       int64
	Attempts int // including this one
	Message
	Channel      string   // the ladder's channel being tried ("" none yet)
	ChannelTries int      // its failed tries
	GivenUp      []string // channels that failed for good
}

// Sender delivers one message by e-mail (or to a printer, queue.PrinterSender).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Store is what the worker needs from storage.
type Store interface {
	// ClaimOutbox leases up to n due messages until now+lease, counting an attempt.
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, n int) ([]Pending, error)
	// Contacts is what the ladder needs of a citizen account.
	Contacts(ctx context.Context, userID int64) (Contacts, error)
	// OpenAttempt records an attempt on channel, or answers the one a dead worker left
	// unanswered on it (same id: the gateway's idempotency key).
	OpenAttempt(ctx context.Context, outboxID int64, channel string, at time.Time) (int64, error)
	// AttemptAccepted ends the message: the attempt was accepted.
	AttemptAccepted(ctx context.Context, outboxID, attemptID int64, providerID string, at time.Time) error
	// AttemptFailed records a failed attempt: the message's channel and its tries, when
	// to try again, the channels given up; final fails the message.
	AttemptFailed(ctx context.Context, p Pending, attemptID int64, reason string, next time.Time, final bool) error
	// Expire ends a message that may no longer be sent (status expired, body blanked).
	Expire(ctx context.Context, outboxID int64, at time.Time) error
	// Template is a unit's own wording of kind on channel ("" : the default).
	Template(ctx context.Context, unitID int64, kind, channel string) (string, error)
}

// MaxAttempts is how often a message is tried on its last channel (e-mail) before it
// is marked failed (about two days with the delays of Backoff).
const MaxAttempts = 10

// Backoff is the delay before attempt n+1 after n failed attempts by e-mail.
func Backoff(n int) time.Duration {
	return Policies[ChanEmail].Delay(n)
}

// Worker delivers the outbox.
type Worker struct {
	Store    Store
	Sender   Sender             // e-mail and printers
	Gateways map[string]Gateway // push, zns, sms (a channel without one fails over to the next)
	Log      *slog.Logger
	Interval time.Duration // how often to look for due messages
	Now      func() time.Time
	// Timeout bounds each gateway call (0: one minute).
	Timeout time.Duration
	// ASCII strips the marks of SMS texts (--sms-ascii).
	ASCII bool
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

// Deliver sends what is due now and reports how many messages were accepted.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	now := w.Now()
	batch, err := w.Store.ClaimOutbox(ctx, now, 2*time.Minute, 20)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range batch {
		ok, err := w.deliver(ctx, p)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// deliver tries p once on its current rung of the ladder.
func (w *Worker) deliver(ctx context.Context, p Pending) (bool, error) {
	now := w.Now()
	if !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt) {
		return false, w.Store.Expire(ctx, p.ID, now)
	}
	var c Contacts
	if p.To == "" && p.UserID != 0 {
		var err error
		if c, err = w.Store.Contacts(ctx, p.UserID); err != nil {
			return false, err
		}
	}
	var rungs []Route
	for _, r := range Ladder(p.Message, c) {
		if !slices.Contains(p.GivenUp, r.Channel) {
			rungs = append(rungs, r)
		}
	}
	if len(rungs) == 0 {
		w.Log.Warn("message without a channel", "outbox_id", p.ID, "ref", p.Ref)
		return false, w.Store.AttemptFailed(ctx, p, 0, "no channel", now, true)
	}
	// The rungs of one channel (a citizen's browsers) are tried together: one accepted
	// is enough.
	ch := rungs[0].Channel
	if ch != p.Channel {
		p.Channel, p.ChannelTries = ch, 0
	}
	attemptID, err := w.Store.OpenAttempt(ctx, p.ID, ch, now)
	if err != nil {
		return false, err
	}
	var providerID string
	var sendErr error
	permanent := true // every rung of the channel refused for good
	for _, r := range rungs {
		if r.Channel != ch {
			break
		}
		if providerID, sendErr = w.send(ctx, p, attemptID, r); sendErr == nil {
			break
		}
		permanent = permanent && errors.Is(sendErr, ErrPermanent)
	}
	if sendErr == nil {
		return true, w.Store.AttemptAccepted(ctx, p.ID, attemptID, providerID, w.Now())
	}
	pol, ok := Policies[ch]
	if !ok {
		pol = Policies[ChanEmail]
	}
	p.ChannelTries++
	next := w.Now().Add(pol.Delay(p.ChannelTries))
	if p.ChannelTries >= pol.Tries || permanent {
		p.GivenUp = append(p.GivenUp, ch)
		p.Channel, p.ChannelTries = "", 0
		next = w.Now() // the next channel at once
	}
	final := true
	for _, r := range rungs {
		if !slices.Contains(p.GivenUp, r.Channel) {
			final = false
		}
	}
	w.Log.Warn("message not delivered", "outbox_id", p.ID, "ref", p.Ref, "channel", ch, "attempt", p.Attempts, "final", final, "err", sendErr)
	return false, w.Store.AttemptFailed(ctx, p, attemptID, sendErr.Error(), next, final)
}

func (w *Worker) send(ctx context.Context, p Pending, attemptID int64, r Route) (string, error) {
	timeout := w.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if r.Channel == ChanEmail || r.Channel == ChanPrinter {
		if w.Sender == nil {
			return "", errors.New("notify: no e-mail")
		}
		m := p.Message
		m.To = r.Address
		if m.Body == "" && m.Kind != "" {
			m.Subject, m.Body = w.render(ctx, p, ChanEmail)
		}
		return "", w.Sender.Send(sctx, m)
	}
	g := w.Gateways[r.Channel]
	if g == nil {
		return "", fmt.Errorf("%w: channel %s not configured", ErrPermanent, r.Channel)
	}
	d := Delivery{AttemptID: attemptID, Route: r, Kind: p.Kind, Ref: p.Ref, Params: p.Data}
	d.Subject, d.Text = w.render(ctx, p, r.Channel)
	if r.Channel == ChanSMS && w.ASCII {
		d.Text = StripMarks(d.Text)
	}
	switch {
	case r.Channel != ChanPush:
	case p.Data["ma_ho_so"] != "":
		d.URL = "/tra-cuu/" + url.PathEscape(p.Data["ma_ho_so"])
	case p.Kind == KindAnnouncement:
		d.URL = p.Data["duong_dan"]
	}
	return g.Send(sctx, d)
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
