package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/speech"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func TestSpeak(t *testing.T) {
	abbr := filepath.Join(t.TempDir(), "abbr.tsv")
	if err := os.WriteFile(abbr, []byte("NTM\tnông thôn mới\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		out  string
		err  string
	}{
		{[]string{"speak", "--normalize", "--text", "105"}, 0, "một trăm linh năm\n", ""},
		{[]string{"speak", "--normalize", "--text", "Xã đạt NTM năm 2026, thu 1.250.000đ"}, 0,
			"xã đạt nờ tê mờ năm hai nghìn không trăm hai mươi sáu, thu một triệu hai trăm năm mươi nghìn đồng\n", ""},
		{[]string{"speak", "--normalize", "--abbreviations", abbr, "--text", "Xã đạt NTM"}, 0, "xã đạt nông thôn mới\n", ""},
		{[]string{"speak", "--normalize", "--text", strings.Repeat("a", 100_000)}, 1, "", "quá dài"},
		{[]string{"speak", "--text", "105"}, 2, "", "đúng một"},
		{[]string{"speak", "--normalize", "--out", "x.wav", "--text", "105"}, 2, "", "đúng một"},
		{[]string{"speak", "--out", "x.ogg", "--text", "105"}, 2, "", ".mp3"},
	} {
		r := xaso(t, nil, "", c.args...)
		if r.code != c.code || r.out != c.out || !strings.Contains(r.err, c.err) {
			t.Errorf("%q: code %d, out %q, err %q; want %d, %q, %q", c.args, r.code, r.out, r.err, c.code, c.out, c.err)
		}
	}
}

func TestSpeakWAV(t *testing.T) {
	testtool.Path(t, "espeak-ng", "apt-get install espeak-ng")
	out := filepath.Join(t.TempDir(), "a.wav")
	if r := xaso(t, nil, "", "speak", "--text", "UBND xã thông báo lúc 7h30", "--out", out); r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.err)
	}
	wav, err := os.ReadFile(out)
	if err != nil || !speech.IsWAV(wav) || len(wav) < 10_000 {
		t.Fatalf("not a WAV of some length: %d bytes, %v", len(wav), err)
	}
}

func TestSpeakMP3(t *testing.T) {
	testtool.Path(t, "espeak-ng", "apt-get install espeak-ng")
	testtool.Path(t, "ffprobe", "apt-get install ffmpeg")
	out := filepath.Join(t.TempDir(), "a.mp3")
	r := xaso(t, nil, "", "speak", "--text", "Loa phát thanh xã Yên Từ, bản tin 6h00 ngày 07/12/2026", "--out", out)
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.err)
	}
	// The duration printed is the file's, as ffprobe reads it on its own.
	said, ok := strings.CutPrefix(strings.TrimSpace(r.out), out+": ")
	said, ok2 := strings.CutSuffix(said, " giây")
	if !ok || !ok2 {
		t.Fatalf("printed %q", r.out)
	}
	probe, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=format_name,duration", "-of", "default=nw=1", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	var format, duration string
	for _, l := range strings.Split(strings.TrimSpace(string(probe)), "\n") {
		if v, ok := strings.CutPrefix(l, "format_name="); ok {
			format = v
		}
		if v, ok := strings.CutPrefix(l, "duration="); ok {
			duration = v
		}
	}
	secs, err := strconv.ParseFloat(duration, 64)
	if err != nil || format != "mp3" || secs < 2 {
		t.Fatalf("ffprobe: %s", probe)
	}
	if want := locale.Decimal(secs, 2); said != want {
		t.Fatalf("printed %s s, ffprobe says %s", said, want)
	}
}

// TestSpeakVoiceCommand: with XASO_VOICE_COMMAND (or --voice-command) set, the WAV is the
// configured program's, which is given the normalised text on its standard input.
func TestSpeakVoiceCommand(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "voice.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'RIFF\\0\\0\\0\\0WAVE'; cat\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "a.wav")
	if r := xaso(t, map[string]string{"XASO_VOICE_COMMAND": script}, "", "speak", "--text", "UBND lúc 7h30", "--out", out); r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.err)
	}
	wav, err := os.ReadFile(out)
	if err != nil || string(wav) != "RIFF\x00\x00\x00\x00WAVEủy ban nhân dân lúc bảy giờ ba mươi phút" {
		t.Fatalf("got %q, %v", wav, err)
	}
	if r := xaso(t, nil, "", "speak", "--voice-command", filepath.Join(dir, "missing"), "--text", "a", "--out", out); r.code == 0 {
		t.Fatal("a missing voice program accepted")
	}
}
