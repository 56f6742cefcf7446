package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Limits bound what is fetched and parsed.
type Limits struct {
	MaxMessage int64 // a whole message, as the server stores it
	MaxParts   int   // MIME parts, nested ones included
	MaxDepth   int   // multipart nesting
	MaxHeader  int   // header fields of the message or of a part
}

// DefaultLimits fit an official letter with a signed PDF or two.
var DefaultLimits = Limits{MaxMessage: 25 << 20, MaxParts: 50, MaxDepth: 5, MaxHeader: 200}

// Refusals.
var (
	ErrTooLarge  = apperr.New(apperr.Invalid, "mail_too_large", "Thư quá lớn hoặc có quá nhiều phần đính kèm.")
	ErrMalformed = apperr.New(apperr.Invalid, "mail_malformed", "Thư không đúng định dạng.")
)

// Parsed is a received message's fields the clerk sees, and its files.
type Parsed struct {
	MessageID   string
	From        string // the sender's address
	FromName    string
	Subject     string
	Date        time.Time
	Text        string
	Attachments []Attachment
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "us-ascii":
		return r, nil
	}
	return nil, fmt.Errorf("charset %s", charset)
}}

// Parse reads one message of at most l.MaxMessage bytes.
func (l Limits) Parse(raw []byte) (*Parsed, error) {
	if l.MaxMessage == 0 {
		l = DefaultLimits
	}
	if int64(len(raw)) > l.MaxMessage {
		return nil, ErrTooLarge.With(fmt.Errorf("%d bytes", len(raw)))
	}
	if n := headerFields(raw); n > l.MaxHeader {
		return nil, ErrTooLarge.With(fmt.Errorf("%d header fields", n))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, ErrMalformed.With(err)
	}
	p := &Parsed{MessageID: strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")}
	if p.Subject, err = wordDecoder.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		p.Subject = msg.Header.Get("Subject")
	}
	if a, err := (&mail.AddressParser{WordDecoder: wordDecoder}).Parse(msg.Header.Get("From")); err == nil {
		p.From, p.FromName = a.Address, a.Name
	}
	if d, err := msg.Header.Date(); err == nil {
		p.Date = d
	}
	parts := 0
	if err := l.walk(p, msg.Header, msg.Body, 0, &parts); err != nil {
		return nil, err
	}
	return p, nil
}

type header interface{ Get(string) string }

// walk reads a part: text into p.Text (the first text/plain), files into Attachments,
// multiparts recursively within the limits.
func (l Limits) walk(p *Parsed, h header, body io.Reader, depth int, parts *int) error {
	if *parts++; *parts > l.MaxParts {
		return ErrTooLarge.With(fmt.Errorf("more than %d parts", l.MaxParts))
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = "application/octet-stream"
	}
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= l.MaxDepth {
			return ErrTooLarge.With(fmt.Errorf("multipart nested deeper than %d", l.MaxDepth))
		}
		if params["boundary"] == "" {
			return ErrMalformed.With(errors.New("multipart without boundary"))
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return ErrMalformed.With(err)
			}
			if len(part.Header) > l.MaxHeader {
				return ErrTooLarge.With(errors.New("a part with too many header fields"))
			}
			if err := l.walk(p, part.Header, part, depth+1, parts); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	// The whole message is bounded, and a decoded part is never larger than its encoding.
	data, err := io.ReadAll(io.LimitReader(r, l.MaxMessage))
	if err != nil {
		return ErrMalformed.With(err)
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if dec, err := wordDecoder.DecodeHeader(name); err == nil {
		name = dec
	}
	if mt == "text/plain" && disp != "attachment" && p.Text == "" {
		if cs := strings.ToLower(params["charset"]); cs == "" || cs == "utf-8" || cs == "us-ascii" {
			p.Text = strings.ToValidUTF8(string(data), "\uFFFD")
		}
		return nil
	}
	if name == "" && disp != "attachment" {
		return nil // an alternative HTML body, an inline image without a name
	}
	p.Attachments = append(p.Attachments, Attachment{Name: safeName(name), ContentType: mt, Data: data})
	return nil
}

// safeName keeps a file name's last element, without control characters.
func safeName(n string) string {
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(n, ""))
	if n == "" || n == "." || n == ".." {
		n = "tep-dinh-kem"
	}
	return n
}

// headerFields counts the message's header fields without parsing them.
func headerFields(raw []byte) int {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	if len(head) == len(raw) {
		head, _, _ = bytes.Cut(raw, []byte("\n\n"))
	}
	n := 0
	for _, line := range bytes.Split(head, []byte("\n")) {
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' {
			n++
		}
	}
	return n
}

// newlineStripper drops the line breaks base64 bodies carry.
type newlineStripper struct{ r io.Reader }

func (s newlineStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' && b != ' ' && b != '\t' {
			p[j] = b
			j++
		}
	}
	return j, err
}
