package speech_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/speech"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func TestSpell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0123", "không một hai ba"},
		{"A012", "a không một hai"},
		{"B100", "bê một không không"},
		{"C-7", "xê bảy"},
		{"", ""},
		{"9876543210", "chín tám bảy sáu năm bốn ba hai một không"},
	} {
		if got := speech.Spell(c.in); got != c.want {
			t.Errorf("Spell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestESpeakWAV(t *testing.T) {
	path := testtool.Path(t, "espeak-ng", "apt-get install espeak-ng")
	e := &speech.ESpeak{Path: path}
	wav, err := e.Synthesize(context.Background(), "số a không một hai, mời đến quầy số hai")
	if err != nil {
		t.Fatal(err)
	}
	if !speech.IsWAV(wav) || len(wav) < 8000 {
		t.Fatalf("not a WAV of a spoken call: %d bytes, starts %q", len(wav), wav[:min(12, len(wav))])
	}
	// A text that starts with a dash is read, not taken for an option.
	if _, err := e.Synthesize(context.Background(), "--help"); err != nil {
		t.Fatal(err)
	}
}

func TestESpeakRefusals(t *testing.T) {
	var none *speech.ESpeak
	if _, err := none.Synthesize(context.Background(), "xin chào"); !errors.Is(err, speech.ErrUnavailable) {
		t.Errorf("no program: %v, want speech_unavailable", err)
	}
	e := &speech.ESpeak{Path: "/nonexistent/espeak-ng"}
	if _, err := e.Synthesize(context.Background(), strings.Repeat("a", speech.MaxText+1)); !errors.Is(err, speech.ErrTooLong) {
		t.Errorf("long text: %v, want speech_too_long", err)
	}
}

// voiceScript writes a shell script standing in for a neural voice: body runs with the
// text on its standard input.
func voiceScript(t *testing.T, body string) *speech.Command {
	t.Helper()
	path := filepath.Join(t.TempDir(), "voice.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := speech.ParseCommand(path + " --model vi")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCommand(t *testing.T) {
	ctx := context.Background()
	// A WAV header followed by the text it was given and its arguments: the text arrives
	// on standard input, the arguments as configured.
	c := voiceScript(t, `printf 'RIFF\0\0\0\0WAVE'; cat; printf '|%s' "$@"`)
	b, err := c.Synthesize(ctx, "xin chào bà con")
	if err != nil {
		t.Fatal(err)
	}
	if !speech.IsWAV(b) || string(b[12:]) != "xin chào bà con|--model|vi" {
		t.Fatalf("got %q", b)
	}
	if _, err := c.Synthesize(ctx, strings.Repeat("a", speech.MaxText+1)); !errors.Is(err, speech.ErrTooLong) {
		t.Fatalf("long text: %v", err)
	}
	for name, body := range map[string]string{
		"not a WAV": `echo hello`,
		"fails":     `echo broken >&2; exit 3`,
		"too big":   `printf 'RIFF\0\0\0\0WAVE'; head -c 17000000 /dev/zero`,
		"hangs":     `sleep 30`,
	} {
		c := voiceScript(t, body)
		c.Timeout = 500 * time.Millisecond
		if _, err := c.Synthesize(ctx, "một"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := speech.ParseCommand("  "); err == nil {
		t.Error("empty command line accepted")
	}
	if _, err := speech.ParseCommand("/no/such/voice --x"); err == nil {
		t.Error("missing program accepted")
	}
}
