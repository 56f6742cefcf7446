package broadcast

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/testtool"
)

// TestSilentFrame: the silence between bulletins is MP3 in the speakers' form that ffmpeg
// decodes to silence.
func TestSilentFrame(t *testing.T) {
	f, size, ok := parseHeader(silentFrame)
	if !ok || size != len(silentFrame) || f.Rate != 44100 || !f.Mono || f.Duration != silentFrameTime {
		t.Fatalf("the silent frame's header: %+v, %d bytes (%d), ok %v", f, size, len(silentFrame), ok)
	}
	ffprobe := testtool.Path(t, "ffprobe", "apt-get install ffmpeg")
	ffmpeg := testtool.Path(t, "ffmpeg", "apt-get install ffmpeg")
	path := filepath.Join(t.TempDir(), "silence.mp3")
	if err := os.WriteFile(path, bytes.Repeat(silentFrame, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels,bit_rate",
		"-of", "default=noprint_wrappers=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	for _, want := range []string{"codec_name=mp3", "sample_rate=44100", "channels=1", "bit_rate=64000"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("ffprobe says %s; want %s", out, want)
		}
	}
	out, err = exec.Command(ffmpeg, "-v", "info", "-xerror", "-i", path, "-af", "volumedetect", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg decodes the silence: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "max_volume: -91.0 dB") {
		t.Fatalf("the silence is not silent: %s", out)
	}
}

// TestFrames: frames are found after an ID3 tag and junk, a cut last frame is left out,
// and what is not MPEG audio gives no frame.
func TestFrames(t *testing.T) {
	tag := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x05"), 0xFF, 0xFB, 0x50, 0xC4, 0) // a tag holding a false sync
	in := append(append(append(tag, "junk"...), bytes.Repeat(silentFrame, 3)...), silentFrame[:100]...)
	var n int
	var total time.Duration
	for f, err := range Frames(bytes.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(f.Data, silentFrame) {
			t.Fatalf("frame %d: % x…", n, f.Data[:8])
		}
		n++
		total += f.Duration
	}
	if n != 3 || total != 3*silentFrameTime {
		t.Fatalf("%d frames, %v; want 3", n, total)
	}
	for _, err := range Frames(strings.NewReader("RIFF....WAVEfmt not an mp3")) {
		t.Fatalf("a frame in a WAV: %v", err)
	}
}

// FuzzFrames: any bytes give frames within the bound, never a panic.
func FuzzFrames(f *testing.F) {
	f.Add(bytes.Repeat(silentFrame, 2))
	f.Add([]byte("ID3\x04\x00\x00\x7f\x7f\x7f\x7f"))
	f.Add([]byte{0xFF, 0xF3, 0x10, 0xC4, 0xFF, 0xE3})
	f.Fuzz(func(t *testing.T, b []byte) {
		for fr, err := range Frames(bytes.NewReader(b)) {
			if err != nil {
				return
			}
			if len(fr.Data) < 4 || len(fr.Data) > maxFrame || fr.Duration <= 0 {
				t.Fatalf("a frame of %d bytes, %v", len(fr.Data), fr.Duration)
			}
			if _, size, ok := parseHeader(fr.Data); !ok || size != len(fr.Data) {
				t.Fatalf("a frame whose header says %d bytes, not %d", size, len(fr.Data))
			}
		}
	})
}

// TestStreamRefused: a wrong source password is Icecast's refusal, and an address that
// is not http://host:port is refused before connecting.
func TestStreamRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := &Streamer{Service: &Service{}, Cluster: Cluster{Code: "thon-dong"}, Server: "https://127.0.0.1:18000", Password: "x"}
	if err := st.stream(ctx); !errors.Is(err, ErrIcecastURL) {
		t.Fatalf("an https address: %v", err)
	}
	server := os.Getenv("XASO_TEST_ICECAST")
	if server == "" {
		server = "http://source:xaso-test-source@127.0.0.1:18000"
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", u.Host, 2*time.Second); err != nil {
		testtool.Missing(t, "no Icecast server at "+u.Host, "bash .ci/icecast.sh")
	} else {
		c.Close()
	}
	st.Server = "http://" + u.Host
	if err := st.stream(ctx); !errors.Is(err, errRefused) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("a wrong source password: %v", err)
	}
}
