package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/testtool"
)

func tools(t *testing.T) *Tools {
	t.Helper()
	testtool.Path(t, "ffmpeg", "apt-get install ffmpeg")
	testtool.Path(t, "ffprobe", "apt-get install ffmpeg")
	tl, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	tl.TempDir = t.TempDir()
	return tl
}

// sine makes a test sound with ffmpeg itself: seconds of a 440 Hz tone.
func sine(t *testing.T, seconds float64, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "in"+args[len(args)-1])
	cmd := exec.Command("ffmpeg", append([]string{"-v", "error", "-y", "-f", "lavfi", "-i",
		"sine=frequency=440:duration=" + strconv.FormatFloat(seconds, 'f', -1, 64)}, append(args[:len(args)-1], out)...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConvert(t *testing.T) {
	tl := tools(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		in   []byte
		secs float64
	}{
		{"a WAV, stereo 48 kHz", sine(t, 3, "-ac", "2", "-ar", "48000", ".wav"), 3},
		{"an MP3, 22 kHz 128 kbit/s", sine(t, 5, "-ar", "22050", "-b:a", "128k", ".mp3"), 5},
	} {
		mp3, info, err := tl.Convert(ctx, c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if Kind(mp3) != "mp3" || info.Format != "mp3" || info.Codec != "mp3" || info.Channels != 1 || info.SampleRate != 44100 {
			t.Errorf("%s: %+v, first bytes % x", c.name, info, mp3[:4])
		}
		// The duration xaso states is the file's: an independent ffprobe agrees, and it
		// is the input's within the encoder's padding.
		again, err := tl.Probe(ctx, mp3)
		if err != nil || again.Seconds != info.Seconds {
			t.Errorf("%s: probed again %+v, %v; stated %v", c.name, again, err, info.Seconds)
		}
		if info.Seconds < c.secs-0.05 || info.Seconds > c.secs+0.2 {
			t.Errorf("%s: %v s, made %v s", c.name, info.Seconds, c.secs)
		}
	}
}

func TestRefusals(t *testing.T) {
	tl := tools(t)
	ctx := context.Background()
	wav := sine(t, 1, "-ar", "8000", "-ac", "1", "-c:a", "pcm_u8", ".wav")
	// A WAV whose header claims 74 hours: ffprobe measures the bytes there are.
	liar := bytes.Clone(wav[:1044])
	i := bytes.Index(liar, []byte("data"))
	binary.LittleEndian.PutUint32(liar[i+4:], 0x7FFFFFF0)
	binary.LittleEndian.PutUint32(liar[4:], 0x7FFFFFF0+36)
	if info, err := tl.Probe(ctx, liar); err != nil || info.Seconds > 1 {
		t.Errorf("a lying WAV header: %+v, %v", info, err)
	}
	long := sine(t, MaxSeconds+1, "-ar", "8000", "-ac", "1", "-b:a", "8k", ".mp3")
	garbage := append([]byte("RIFF\x00\x00\x00\x00WAVE"), bytes.Repeat([]byte("nonsense"), 100)...)
	for _, c := range []struct {
		name string
		in   []byte
		want error
	}{
		{"a PNG", []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 100)), ErrNotAudio},
		{"text", []byte("Thông báo của Ủy ban nhân dân xã"), ErrNotAudio},
		{"a WAV header over garbage", garbage, ErrNotAudio},
		{"51 MB", append([]byte("RIFF\x00\x00\x00\x00WAVE"), make([]byte, 51<<20)...), ErrTooLarge},
		{"over 30 minutes", long, ErrTooLong},
		{"nothing", nil, ErrNotAudio},
	} {
		if _, _, err := tl.Convert(ctx, c.in); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestKind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"},
		{"RIFF\x24\x00\x00\x00AVI LIST", ""},
		{"ID3\x04\x00", "mp3"},
		{"\xff\xfb\x90\x64", "mp3"}, // MPEG-1 layer III
		{"\xff\xf1\x50\x80", ""},    // AAC (ADTS): layer bits 00
		{"\xff\xd8\xff\xe0", ""},    // JPEG
		{"\x89PNG\r\n", ""},
		{"OggS", ""},
		{"", ""},
	} {
		if got := Kind([]byte(c.in)); got != c.want {
			t.Errorf("Kind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
