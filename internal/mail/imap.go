package mail

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// IMAP fetches new messages from the official mailbox. It speaks the few IMAP4rev1
// commands it needs (LOGIN, SELECT, UID FETCH, LOGOUT; STARTTLS) itself: the one Go
// client served (emersion/go-imap v2) is a beta, not a release. Every answer is bounded:
// a line at most 64 KiB, a message literal at most Limits.MaxMessage, announced before it
// is read; a larger message is listed as too large and not downloaded.
type IMAP struct {
	Addr      string   // host:port
	Security  Security // tls (993) or starttls (143); "none" only for a server on loopback
	Username  string
	Password  string
	Mailbox   string // "INBOX" when empty
	TLSConfig *tls.Config
	Limits    Limits
}

// None is no TLS, accepted only towards a loopback address (a local test server).
const None Security = "none"

// Fetched is one message from the mailbox.
type Fetched struct {
	UID      uint32
	Size     int64
	Raw      []byte // nil when TooLarge
	TooLarge bool
}

const maxLine = 64 << 10

var (
	errIMAP      = errors.New("mail: imap")
	reValidity   = regexp.MustCompile(`(?i)\[UIDVALIDITY (\d+)\]`)
	reFetchSize  = regexp.MustCompile(`(?i)^\* \d+ FETCH \((?:.*\s)?UID (\d+)(?:\s.*)?\)$`)
	reSize       = regexp.MustCompile(`(?i)RFC822\.SIZE (\d+)`)
	reLiteralEnd = regexp.MustCompile(`\{(\d+)\}$`)
)

type imapConn struct {
	conn net.Conn
	r    *bufio.Reader
	tag  int
}

// Fetch returns the messages with a UID above since (all of them when the mailbox's
// UIDVALIDITY is not validity), at most max, and the mailbox's UIDVALIDITY.
func (c *IMAP) Fetch(ctx context.Context, validity, since uint32, max int) (uint32, []Fetched, error) {
	l := c.Limits
	if l.MaxMessage == 0 {
		l = DefaultLimits
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: address %q: %v", errIMAP, c.Addr, err)
	}
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if c.TLSConfig != nil {
		cfg = c.TLSConfig.Clone()
	}
	d := &net.Dialer{}
	var conn net.Conn
	switch c.Security {
	case TLS:
		conn, err = (&tls.Dialer{NetDialer: d, Config: cfg}).DialContext(ctx, "tcp", c.Addr)
	case StartTLS, "":
		conn, err = d.DialContext(ctx, "tcp", c.Addr)
	case None:
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return 0, nil, fmt.Errorf("%w: no TLS is allowed only on loopback", errIMAP)
		}
		conn, err = d.DialContext(ctx, "tcp", c.Addr)
	default:
		return 0, nil, fmt.Errorf("%w: security %q", errIMAP, c.Security)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", errIMAP, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	ic := &imapConn{conn: conn, r: bufio.NewReaderSize(conn, maxLine)}
	if line, err := ic.line(); err != nil || !strings.HasPrefix(strings.ToUpper(line), "* OK") {
		return 0, nil, fmt.Errorf("%w: greeting %q: %v", errIMAP, line, err)
	}
	if c.Security == StartTLS || c.Security == "" {
		if _, err := ic.cmd("STARTTLS"); err != nil {
			return 0, nil, err
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return 0, nil, fmt.Errorf("%w: starttls: %v", errIMAP, err)
		}
		ic.conn, ic.r = tc, bufio.NewReaderSize(tc, maxLine)
	}
	user, err1 := quote(c.Username)
	pass, err2 := quote(c.Password)
	if err := errors.Join(err1, err2); err != nil {
		return 0, nil, err
	}
	if _, err := ic.cmd("LOGIN " + user + " " + pass); err != nil {
		return 0, nil, err
	}
	box := c.Mailbox
	if box == "" {
		box = "INBOX"
	}
	qbox, err := quote(box)
	if err != nil {
		return 0, nil, err
	}
	lines, err := ic.cmd("SELECT " + qbox)
	if err != nil {
		return 0, nil, err
	}
	var uv uint32
	for _, ln := range lines {
		if m := reValidity.FindStringSubmatch(ln); m != nil {
			v, _ := strconv.ParseUint(m[1], 10, 32)
			uv = uint32(v)
		}
	}
	if uv != validity {
		since = 0
	}
	lines, err = ic.cmd(fmt.Sprintf("UID FETCH %d:* (UID RFC822.SIZE)", since+1))
	if err != nil {
		return uv, nil, err
	}
	var out []Fetched
	for _, ln := range lines {
		m := reFetchSize.FindStringSubmatch(ln)
		s := reSize.FindStringSubmatch(ln)
		if m == nil || s == nil {
			continue
		}
		uid, _ := strconv.ParseUint(m[1], 10, 32)
		size, _ := strconv.ParseInt(s[1], 10, 64)
		if uint32(uid) <= since || len(out) >= max { // n:* names the last message even below n
			continue
		}
		out = append(out, Fetched{UID: uint32(uid), Size: size, TooLarge: size > l.MaxMessage})
	}
	for i := range out {
		if out[i].TooLarge {
			continue
		}
		raw, err := ic.fetchBody(out[i].UID, l.MaxMessage)
		if errors.Is(err, ErrTooLarge) {
			out[i].TooLarge = true
			return uv, out[:i+1], nil // the connection is out of step: stop here
		}
		if err != nil {
			return uv, out[:i], err
		}
		out[i].Raw = raw
	}
	ic.cmd("LOGOUT")
	return uv, out, nil
}

func quote(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", fmt.Errorf("%w: a line break in a credential or mailbox name", errIMAP)
	}
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`, nil
}

// line reads one CRLF-terminated line of at most maxLine bytes.
func (ic *imapConn) line() (string, error) {
	b, err := ic.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("%w: a line longer than %d bytes", errIMAP, maxLine)
	}
	if err != nil {
		return "", fmt.Errorf("%w: %v", errIMAP, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// cmd sends a command and returns the untagged lines before its tagged OK. Literals in
// answers are only expected by fetchBody; here a line announcing one is an error.
func (ic *imapConn) cmd(command string) ([]string, error) {
	ic.tag++
	tag := "x" + strconv.Itoa(ic.tag)
	if _, err := io.WriteString(ic.conn, tag+" "+command+"\r\n"); err != nil {
		return nil, fmt.Errorf("%w: %v", errIMAP, err)
	}
	var lines []string
	for range 100_000 {
		ln, err := ic.line()
		if err != nil {
			return nil, err
		}
		if rest, ok := strings.CutPrefix(ln, tag+" "); ok {
			if !strings.HasPrefix(strings.ToUpper(rest), "OK") {
				verb, _, _ := strings.Cut(command, " ")
				return nil, fmt.Errorf("%w: %s: %s", errIMAP, verb, rest)
			}
			return lines, nil
		}
		if reLiteralEnd.MatchString(ln) {
			return nil, fmt.Errorf("%w: unexpected literal", errIMAP)
		}
		lines = append(lines, ln)
	}
	return nil, fmt.Errorf("%w: an answer of too many lines", errIMAP)
}

// fetchBody downloads one message, refusing a literal larger than max before reading it.
func (ic *imapConn) fetchBody(uid uint32, max int64) ([]byte, error) {
	ic.tag++
	tag := "x" + strconv.Itoa(ic.tag)
	if _, err := fmt.Fprintf(ic.conn, "%s UID FETCH %d (BODY.PEEK[])\r\n", tag, uid); err != nil {
		return nil, fmt.Errorf("%w: %v", errIMAP, err)
	}
	var raw []byte
	for range 1000 {
		ln, err := ic.line()
		if err != nil {
			return nil, err
		}
		if rest, ok := strings.CutPrefix(ln, tag+" "); ok {
			if !strings.HasPrefix(strings.ToUpper(rest), "OK") {
				return nil, fmt.Errorf("%w: fetch: %s", errIMAP, rest)
			}
			if raw == nil {
				return nil, fmt.Errorf("%w: message %d has no body", errIMAP, uid)
			}
			return raw, nil
		}
		m := reLiteralEnd.FindStringSubmatch(ln)
		if m == nil {
			continue
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > max {
			return nil, ErrTooLarge.With(fmt.Errorf("a literal of %s bytes", m[1]))
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(ic.r, buf); err != nil {
			return nil, fmt.Errorf("%w: %v", errIMAP, err)
		}
		if raw == nil && strings.Contains(strings.ToUpper(ln), "BODY[]") {
			raw = buf
		}
	}
	return nil, fmt.Errorf("%w: an answer of too many lines", errIMAP)
}
