package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/mail"
)

// Dispatch channels: how a recipient of an issued document gets it.
const (
	ChannelExchange = "exchange" // an organ id (Decision 20/2020): the document exchange
	ChannelEmail    = "email"    // an e-mail address, for bodies without an exchange address
	ChannelPaper    = "paper"    // anything else: by post or by hand, outside xaso
)

// DispatchChannel is the channel a recipient (nơi nhận) as written on an outgoing
// document takes: an organ id goes through the exchange, an e-mail address
// ("Văn phòng <vp@huyen.gov.vn>" or the bare address) by e-mail, anything else on paper.
// Decision 28/2018: e-mail only for those without a document system.
func DispatchChannel(recipient string) string {
	if edxml.ValidOrganID(recipient) {
		return ChannelExchange
	}
	if _, ok := RecipientAddress(recipient); ok {
		return ChannelEmail
	}
	return ChannelPaper
}

// DispatchChannel is the channel recipient takes for d: e-mail carries the signed PDF,
// so a document issued on paper goes to an e-mail recipient on paper too.
func (d Document) DispatchChannel(recipient string) string {
	c := DispatchChannel(recipient)
	if c == ChannelEmail && d.SignedBlob == "" {
		return ChannelPaper
	}
	return c
}

// RecipientAddress is the e-mail address of a recipient written as one.
func RecipientAddress(recipient string) (string, bool) {
	if !strings.Contains(recipient, "@") || strings.ContainsAny(recipient, "\r\n") {
		return "", false
	}
	a, err := netmail.ParseAddress(recipient)
	if err != nil || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@'):], ".") {
		return "", false
	}
	return a.Address, true
}

// Dispatch is one row of the issued documents' outbox (document_dispatches): one
// recipient of one document, on one channel.
type Dispatch struct {
	ID         int64
	DocumentID int64
	UnitID     int64
	Kind       string
	Channel    string
	Recipient  string
	Status     string
	Attempts   int
	MessageID  string
	CreatedAt  time.Time
}

// MailRegistrar registers a message of the official mailbox (mail.Registrar) as an
// incoming document: the same arrival sequence as paper and exchange ones, the sender
// the message's From, the number-and-symbol read from the subject when it names one
// ("Công văn số 12/UBND-VP về việc …"), the date of issue the message's date, and the
// message's attachments stored as the document's files, byte for byte.
type MailRegistrar struct {
	Service *Service
}

// MaxMailFile bounds one file taken from a message (the message itself is bounded by
// mail.Limits before it is parsed).
const MaxMailFile = 64 << 20

var notationInSubject = regexp.MustCompile(`(?i)\bsố\s*:?\s*(\d{1,9}/[\p{L}\d.]+(?:-[\p{L}\d.]+)*)`)

// NotationInSubject finds a number-and-symbol after "số" in a subject; "" when none is
// written or it is not a valid one.
func NotationInSubject(subject string) string {
	m := notationInSubject.FindStringSubmatch(subject)
	if m == nil {
		return ""
	}
	n := strings.TrimRight(m[1], ".") // the sentence's full stop
	if _, _, err := ParseNotation(n, nil); err != nil {
		return ""
	}
	return n
}

// RegisterIncoming implements mail.Registrar.
func (r MailRegistrar) RegisterIncoming(ctx context.Context, unitID int64, in mail.Incoming) (int, error) {
	s := r.Service
	if len(in.Attachments) > 0 && s.Blobs == nil {
		return 0, errors.New("document: no blob store for the message's files")
	}
	var keys []string
	for _, a := range in.Attachments {
		key, _, err := s.Blobs.Put(ctx, bytes.NewReader(a.Data), MaxMailFile)
		if err != nil {
			return 0, fmt.Errorf("document: mail attachment: %w", err)
		}
		keys = append(keys, key)
	}
	// What a stranger wrote is taken as it can be read: the clerk registers with one
	// click and cannot correct it, so a bad byte or an overlong name must not refuse it.
	sender := clip(in.Sender, 250)
	if sender == "" {
		sender = "(Không rõ người gửi)"
	}
	if name := clip(in.SenderName, 290-utf8.RuneCountInString(sender)); name != "" {
		sender = name + " <" + sender + ">"
	}
	subject := clip(in.Subject, 1000)
	if subject == "" {
		subject = "(Thư không có tiêu đề)"
	}
	sent := in.SentAt
	if sent.IsZero() || sent.After(s.now()) {
		sent = in.ReceivedAt
	}
	d, err := s.RegisterIncoming(ctx, nil, IncomingInput{UnitID: unitID, Source: Email, Sender: sender,
		NumberNotation: NotationInSubject(subject), IssuedOn: sent.In(locale.Zone).Format(time.DateOnly), Subject: subject,
		ReceivedAt: in.ReceivedAt, Attachments: keys, MessageID: in.MessageID})
	if err != nil {
		return 0, err
	}
	return d.ArrivalNumber, nil
}

// ErrNoFile is a stored file a document does not have.
var ErrNoFile = apperr.New(apperr.NotFound, "document_file_not_found", "Văn bản không có tệp này.")

// File opens file n (from 1) of an incoming document the caller may read: what came
// with it by e-mail or through the exchange, as it arrived.
func (s *Service) File(ctx context.Context, p *auth.Principal, id int64, n int) (io.ReadSeekCloser, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > len(d.Attachments) || s.Blobs == nil {
		return nil, ErrNoFile
	}
	return s.Blobs.Open(ctx, d.Attachments[n-1])
}

// DispatchStore is what the e-mail dispatcher needs from storage.
type DispatchStore interface {
	// ClaimDocumentDispatches leases up to n due rows of a channel, counting an attempt.
	ClaimDocumentDispatches(ctx context.Context, channel string, now time.Time, lease time.Duration, n int) ([]Dispatch, error)
	// MarkDocumentDispatch records an attempt: sent (reason "") with its message id, or
	// failed with the next attempt at next (final: no more).
	MarkDocumentDispatch(ctx context.Context, id int64, at time.Time, reason, messageID string, next time.Time, final bool) error
	Document(ctx context.Context, id int64) (Document, error)
}

// Mailer sends one message (mail.Sender).
type Mailer interface {
	Deliver(ctx context.Context, m mail.Mail) error
}

// MailDispatcher sends issued documents to their e-mail recipients: it consumes the
// dispatch rows of the e-mail channel (written in the issuing transaction), at least
// once, each attempt counted; every attempt of a row carries the same Message-ID, so a
// receiver that got an attempt the sender never heard acknowledged sees a duplicate.
type MailDispatcher struct {
	Store  DispatchStore
	Blobs  blob.Store
	Mailer Mailer
	// Domain is the right-hand side of the Message-IDs (the official mailbox's domain).
	Domain      string
	UnitName    func(ctx context.Context, unitID int64) (string, error)
	Log         *slog.Logger
	Now         func() time.Time
	Interval    time.Duration
	MaxAttempts int // 0: 10
}

// DispatchMessageID is the Message-ID of a dispatch row's message (without <>).
func DispatchMessageID(id int64, domain string) string {
	return "xaso-dispatch-" + strconv.FormatInt(id, 10) + "@" + domain
}

// Backoff is the wait before attempt n+1: 1, 2, 4 … minutes, at most 6 hours.
func Backoff(attempts int) time.Duration {
	d := time.Minute << min(max(attempts-1, 0), 10)
	return min(d, 6*time.Hour)
}

// Deliver sends the due rows once and returns how many were sent.
func (w *MailDispatcher) Deliver(ctx context.Context) (int, error) {
	now := w.now()
	rows, err := w.Store.ClaimDocumentDispatches(ctx, ChannelEmail, now, 5*time.Minute, 20)
	if err != nil {
		return 0, err
	}
	maxAttempts := w.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts = 10
	}
	sent := 0
	for _, r := range rows {
		id := DispatchMessageID(r.ID, w.Domain)
		err := w.send(ctx, r, id)
		if err == nil {
			sent++
			if merr := w.Store.MarkDocumentDispatch(ctx, r.ID, w.now(), "", id, time.Time{}, false); merr != nil {
				return sent, merr
			}
			continue
		}
		if w.Log != nil {
			w.Log.Warn("document e-mail not sent", "dispatch", r.ID, "attempt", r.Attempts, "err", err)
		}
		if merr := w.Store.MarkDocumentDispatch(ctx, r.ID, w.now(), err.Error(), id, w.now().Add(Backoff(r.Attempts)),
			r.Attempts >= maxAttempts); merr != nil {
			return sent, merr
		}
	}
	return sent, nil
}

func (w *MailDispatcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// send composes one document's message: the type, number and summary as the subject,
// the signed PDF attached.
func (w *MailDispatcher) send(ctx context.Context, r Dispatch, messageID string) error {
	d, err := w.Store.Document(ctx, r.DocumentID)
	if err != nil {
		return err
	}
	to, ok := RecipientAddress(r.Recipient)
	if !ok {
		return fmt.Errorf("document: recipient of dispatch %d is not an e-mail address", r.ID)
	}
	typeName := "Văn bản"
	if t, ok := TypeByCode(d.TypeCode); ok {
		typeName = t.Name
	}
	from := ""
	if w.UnitName != nil {
		if from, err = w.UnitName(ctx, d.UnitID); err != nil {
			return err
		}
	}
	m := mail.Mail{To: []string{to}, MessageID: messageID,
		Subject: typeName + " số " + d.NumberNotation + " " + lowerFirst(d.Subject),
		Body: "Kính gửi: " + r.Recipient + "\n\n" + strings.TrimSpace(from+" gửi kèm theo thư này "+strings.ToLower(typeName)+
			" số "+d.NumberNotation+" ngày "+viDate(d.IssuedOn)+".") + "\nTrích yếu: " + d.Subject + "\n"}
	if d.SignedBlob != "" {
		if w.Blobs == nil {
			return errors.New("document: no blob store for the signed PDF")
		}
		rc, err := w.Blobs.Open(ctx, d.SignedBlob)
		if err != nil {
			return err
		}
		pdf, err := io.ReadAll(io.LimitReader(rc, MaxSignedPDF+1))
		rc.Close()
		if err != nil {
			return err
		}
		m.Attachments = []mail.Attachment{{Name: strings.ReplaceAll(d.NumberNotation, "/", "-") + ".pdf", ContentType: "application/pdf", Data: pdf}}
	}
	return w.Mailer.Deliver(ctx, m)
}

// Run delivers every Interval until ctx ends.
func (w *MailDispatcher) Run(ctx context.Context) {
	iv := w.Interval
	if iv == 0 {
		iv = 30 * time.Second
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		if _, err := w.Deliver(ctx); err != nil && ctx.Err() == nil && w.Log != nil {
			w.Log.Error("document e-mail dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// clip makes s valid UTF-8 on one line, trimmed, at most n characters.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Join(strings.Fields(s), " ")
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) > n {
		s = strings.TrimSpace(string([]rune(s)[:n]))
	}
	return s
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	if strings.HasPrefix(s, "Về ") || strings.HasPrefix(s, "V/v") {
		return strings.ToLower(string(r)) + s[n:]
	}
	return s
}
