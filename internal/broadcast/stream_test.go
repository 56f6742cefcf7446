package broadcast_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// icecast is the test Icecast server (.ci/icecast.sh): its address and source password.
func icecast(t *testing.T) (server, password string) {
	t.Helper()
	raw := os.Getenv("XASO_TEST_ICECAST")
	if raw == "" {
		raw = "http://source:xaso-test-source@127.0.0.1:18000"
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("XASO_TEST_ICECAST: %v", err)
	}
	c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		testtool.Missing(t, "no Icecast server at "+u.Host, "bash .ci/icecast.sh")
	}
	c.Close()
	password, _ = u.User.Password()
	return u.Scheme + "://" + u.Host, password
}

// tone is seconds of a sine at hz, as a WAV made by ffmpeg.
func tone(t *testing.T, hz int, seconds int) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "tone.wav")
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
		"sine=frequency="+strconv.Itoa(hz)+":duration="+strconv.Itoa(seconds), "-ac", "1", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// frames splits a piece of the stream into MPEG audio frames, each in the speakers' form
// (mono, 44.1 kHz). The piece may begin inside a frame, where a false frame sync can be
// read: what comes before the first frame of that form is left out.
func frames(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for f, err := range broadcast.Frames(bytes.NewReader(b)) {
		if err != nil {
			break
		}
		if f.Rate != 44100 || !f.Mono || len(f.Data) < 208 || len(f.Data) > 209 {
			if len(out) == 0 {
				continue
			}
			t.Fatalf("a frame of %d bytes, %d Hz, mono %v: want the speakers' form, 64 kbit/s, 44.1 kHz mono",
				len(f.Data), f.Rate, f.Mono)
		}
		out = append(out, bytes.Clone(f.Data))
	}
	return out
}

// listen is a listener of a mount: it answers once its streamer is connected.
func listen(ctx context.Context, t *testing.T, mount string) io.ReadCloser {
	t.Helper()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, mount, nil)
		resp, err := http.DefaultClient.Do(req)
		if ctx.Err() != nil {
			t.Fatalf("the mount %s never played", mount)
		}
		if err == nil && resp.StatusCode == http.StatusOK {
			return resp.Body
		}
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestStreamOnIcecast: a cluster's live stream on a real Icecast plays its timeline — the
// bulletin playing now, then an emergency approved while a listener reads.
func TestStreamOnIcecast(t *testing.T) {
	server, password := icecast(t)
	testtool.Path(t, "ffmpeg", "apt-get install ffmpeg")
	testtool.Path(t, "ffprobe", "apt-get install ffmpeg")
	tools, err := audio.Find()
	if err != nil {
		t.Fatal(err)
	}
	tools.TempDir = t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d := storetest.OpenDemo(t)
	leader, admin := d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "quantri", auth.RoleUnitAdmin)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	// The timeline's clock starts at 6:00 and runs as the real one does.
	began, real := at("2026-12-07 06:00"), time.Now()
	clock := func() time.Time { return began.Add(time.Since(real)) }
	s := &broadcast.Service{Store: d.Store, Sounds: tools, Blobs: blobs, Now: clock}
	// A code of its own, so runs on SQLite and PostgreSQL at once use different mounts.
	code := fmt.Sprintf("thon-dong-%d", time.Now().UnixNano())
	east, err := s.CreateCluster(ctx, admin, d.Unit, code, "Thôn Đông")
	if err != nil {
		t.Fatal(err)
	}
	bulletin := func(title string, p broadcast.Priority, hz, seconds int, start time.Time) []byte {
		r, err := s.CreateBulletin(ctx, admin, d.Unit, broadcast.Draft{Title: title, Priority: p, Clusters: []int64{east.ID},
			Schedule: broadcast.Schedule{Start: start}, Audio: tone(t, hz, seconds)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Approve(ctx, leader, r.ID); err != nil {
			t.Fatal(err)
		}
		f, err := blobs.Open(ctx, r.AudioKey)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		mp3, err := io.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		return mp3
	}
	news := bulletin("Bản tin sáng", broadcast.Normal, 440, 30, began)

	st := &broadcast.Streamer{Service: s, Cluster: east, Server: server, Password: password, Now: clock}
	done := make(chan struct{})
	go func() { defer close(done); st.Run(ctx) }()
	defer func() { cancel(); <-done }()

	body := listen(ctx, t, server+east.Mount())
	defer body.Close()
	// A few seconds of the stream: MPEG audio in the speakers' form, the bulletin's frames.
	got := make([]byte, 3*8000)
	if _, err := io.ReadFull(body, got); err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	heard := frames(t, got)
	if len(heard) < 50 {
		t.Fatalf("%d frames in %d bytes of the stream", len(heard), len(got))
	}
	contains := func(heard [][]byte, sound []byte) int {
		n := 0
		for _, f := range heard {
			if len(f) > 100 && bytes.Contains(sound, f) {
				n++
			}
		}
		return n
	}
	if n := contains(heard, news); n < len(heard)/2 {
		t.Fatalf("only %d of %d frames heard are the bulletin's", n, len(heard))
	}

	// An emergency pre-empts the bulletin still playing: the listener hears it.
	flood := bulletin("Cảnh báo lũ", broadcast.Emergency, 880, 10, clock().Add(time.Second))
	var tail []byte
	for {
		buf := make([]byte, 8000)
		if _, err := io.ReadFull(body, buf); err != nil {
			t.Fatalf("reading the stream, waiting for the emergency: %v", err)
		}
		tail = append(tail, buf...)
		if contains(frames(t, tail), flood) > 20 {
			break
		}
	}
}

// TestStreamClusters: every cluster of the unit gets its stream, one added later too;
// with nothing to play, it is silence in the speakers' form.
func TestStreamClusters(t *testing.T) {
	server, password := icecast(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d := storetest.OpenDemo(t)
	admin := &auth.Principal{Memberships: []auth.Membership{{UnitID: d.Unit, Role: auth.RoleUnitAdmin}}}
	s := &broadcast.Service{Store: d.Store}
	code := fmt.Sprintf("thon-bac-%d", time.Now().UnixNano())
	north, err := s.CreateCluster(ctx, admin, d.Unit, code, "Thôn Bắc")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); s.StreamClusters(ctx, d.Unit, server, password, nil, 200*time.Millisecond) }()
	defer func() { cancel(); <-done }()
	body := listen(ctx, t, server+north.Mount())
	body.Close()
	south, err := s.CreateCluster(ctx, admin, d.Unit, code+"-nam", "Thôn Nam")
	if err != nil {
		t.Fatal(err)
	}
	body = listen(ctx, t, server+south.Mount())
	defer body.Close()
	got := make([]byte, 8000)
	if _, err := io.ReadFull(body, got); err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	if heard := frames(t, got); len(heard) < 30 {
		t.Fatalf("%d frames in %d bytes of silence", len(heard), len(got))
	}
}
