package speech_test

import (
	"context"
	"errors"
	"strings"
	"testing"

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
