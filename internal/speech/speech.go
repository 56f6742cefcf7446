// Package speech turns Vietnamese text into audio for the places xaso speaks: the
// service centre's calling screen ("số không một hai, mời đến quầy số hai") and, later,
// the loudspeakers of the commune. Text normalisation is ours (numbers read digit by
// digit, letters by their Vietnamese names); the voice is an outside program behind the
// small Synthesizer interface, espeak-ng from Debian by default, so that another engine
// can replace it without touching the callers.
package speech

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
	"unicode"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Synthesizer turns Vietnamese text into a WAV file.
type Synthesizer interface {
	Synthesize(ctx context.Context, text string) ([]byte, error)
}

// ErrUnavailable: no voice is installed on the server.
var ErrUnavailable = apperr.New(apperr.Unavailable, "speech_unavailable",
	"Máy chủ chưa cài đặt bộ đọc tiếng Việt, nên chưa phát được lời gọi bằng giọng nói.")

// ErrTooLong: a text beyond MaxText characters is not read aloud.
var ErrTooLong = apperr.New(apperr.Invalid, "speech_too_long", "Nội dung cần đọc quá dài.")

// MaxText bounds the text read at once (a call is under 100 characters, a bulletin's
// paragraph under this).
const MaxText = 4000

// maxWAV bounds what the program may write back: a minute of 22 kHz 16-bit mono is
// 2.6 MB, and 4,000 characters read aloud are about four minutes.
const maxWAV = 16 << 20

// ESpeak speaks through the espeak-ng program (Debian: apt-get install espeak-ng).
type ESpeak struct {
	Path  string // the program
	Voice string // "vi" when empty
	// Timeout bounds one synthesis (10 s when zero).
	Timeout time.Duration
}

// FindESpeak finds espeak-ng on the PATH; without it the error says how to install it.
func FindESpeak() (*ESpeak, error) {
	p, err := exec.LookPath("espeak-ng")
	if err != nil {
		return nil, ErrUnavailable.With(fmt.Errorf("espeak-ng not found (apt-get install espeak-ng): %w", err))
	}
	return &ESpeak{Path: p}, nil
}

// Synthesize implements Synthesizer: the text goes in on standard input (never as an
// argument, which a leading dash would turn into an option), the WAV comes back on
// standard output.
func (e *ESpeak) Synthesize(ctx context.Context, text string) ([]byte, error) {
	if e == nil || e.Path == "" {
		return nil, ErrUnavailable
	}
	if len([]rune(text)) > MaxText {
		return nil, ErrTooLong
	}
	voice := e.Voice
	if voice == "" {
		voice = "vi"
	}
	timeout := e.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.Path, "-v", voice, "-s", "150", "--stdin", "--stdout")
	cmd.Stdin = strings.NewReader(text)
	var out limitedBuffer
	out.limit = maxWAV
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	if out.over {
		return nil, fmt.Errorf("speech: espeak-ng wrote more than %d bytes", maxWAV)
	}
	if err != nil {
		return nil, fmt.Errorf("speech: espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	b := out.Bytes()
	if !IsWAV(b) {
		return nil, errors.New("speech: espeak-ng did not write a WAV file")
	}
	return b, nil
}

// IsWAV reports whether b starts as a RIFF WAVE file does.
func IsWAV(b []byte) bool {
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE"
}

// limitedBuffer keeps at most limit bytes. It holds its buffer in a field rather than
// embedding it: an embedded bytes.Buffer's ReadFrom would let io.Copy (what os/exec uses
// to drain a pipe) write past the limit.
type limitedBuffer struct {
	buf   bytes.Buffer
	limit int
	over  bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.limit {
		l.over = true
		return 0, io.ErrShortWrite
	}
	return l.buf.Write(p)
}

func (l *limitedBuffer) Bytes() []byte  { return l.buf.Bytes() }
func (l *limitedBuffer) String() string { return l.buf.String() }

var digitNames = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// letterNames are the Vietnamese names of the Latin letters, as a hall reads a ticket's
// series (A: "a", B: "bê", C: "xê"); the letters Vietnamese lacks have their usual names.
var letterNames = map[rune]string{
	'A': "a", 'B': "bê", 'C': "xê", 'D': "dê", 'Đ': "đê", 'E': "e", 'F': "ép", 'G': "giê", 'H': "hát",
	'I': "i", 'J': "di", 'K': "ca", 'L': "lờ", 'M': "mờ", 'N': "nờ", 'O': "o", 'P': "pê", 'Q': "quy",
	'R': "rờ", 'S': "ét", 'T': "tê", 'U': "u", 'V': "vê", 'W': "vê kép", 'X': "ích", 'Y': "i dài", 'Z': "dét",
}

// Spell reads s sign by sign, the way halls read ticket numbers: each digit by its name
// (0123: "không một hai ba"), each letter by its Vietnamese name; anything else is left
// out.
func Spell(s string) string {
	var words []string
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			words = append(words, digitNames[r-'0'])
		case unicode.IsLetter(r):
			if n, ok := letterNames[unicode.ToUpper(r)]; ok {
				words = append(words, n)
			}
		}
	}
	return strings.Join(words, " ")
}

// Command speaks through a program the administrator installs for a better Vietnamese
// voice (a piper or vietTTS install, --voice-command): it reads the text on standard
// input and writes a WAV file on standard output, under the same bounds as ESpeak
// (MaxText characters in, 16 MB out, a timeout).
type Command struct {
	Args []string // the program and its arguments (ParseCommand)
	// Timeout bounds one synthesis (60 s when zero: neural voices are slower).
	Timeout time.Duration
}

// ErrCommand: the configured voice command line is not usable.
var ErrCommand = errors.New("speech: --voice-command needs a program, optionally with arguments separated by spaces")

// ParseCommand splits a command line on spaces (no shell is involved: quotes and
// operators are not interpreted) and checks that its program exists.
func ParseCommand(line string) (*Command, error) {
	args := strings.Fields(line)
	if len(args) == 0 {
		return nil, ErrCommand
	}
	p, err := exec.LookPath(args[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCommand, err)
	}
	args[0] = p
	return &Command{Args: args}, nil
}

// Synthesize implements Synthesizer.
func (c *Command) Synthesize(ctx context.Context, text string) ([]byte, error) {
	if c == nil || len(c.Args) == 0 {
		return nil, ErrUnavailable
	}
	if len([]rune(text)) > MaxText {
		return nil, ErrTooLong
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
	cmd.WaitDelay = time.Second // a grandchild holding the pipes does not hang us
	cmd.Stdin = strings.NewReader(text)
	var out limitedBuffer
	out.limit = maxWAV
	stderr := limitedBuffer{limit: 4 << 10}
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	if out.over {
		return nil, fmt.Errorf("speech: the voice command wrote more than %d bytes", maxWAV)
	}
	if err != nil {
		return nil, fmt.Errorf("speech: the voice command: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	b := out.Bytes()
	if !IsWAV(b) {
		return nil, errors.New("speech: the voice command did not write a WAV file")
	}
	return b, nil
}
