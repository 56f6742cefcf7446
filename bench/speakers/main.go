// Command speakers measures how fast an emergency bulletin reaches the commune's
// loudspeakers (issue 22, docs/BROADCAST.md): N simulated IP speakers each long-poll
// GET /api/v1/speakers/feed?wait=25 with the ETag of their last answer (If-None-Match),
// as a real speaker does. At T the unit administrator posts an emergency bulletin
// through the API (multipart, a small generated WAV, converted by the server's ffmpeg)
// and the leader approves it; each speaker notes when the bulletin first appears in a
// feed answer. The command prints the arrival after T (min, median, p95, max, how many
// arrived); then each speaker downloads the sound, waits for the play's end and reports
// it (POST /api/v1/speakers/plays), and the command counts the acknowledged reports
// (204) and reads GET /api/v1/broadcast/speakers back: every speaker seen after T.
//
//	go run ./bench/speakers                          # builds and starts xaso on a fresh SQLite
//	go run ./bench/speakers -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=bench_speakers'
//	go run ./bench/speakers -url http://127.0.0.1:8080   # a running `xaso serve --demo --trust-proxy`
//
// It exits non-zero when a speaker missed the emergency by T + 10 s or fewer than 99% of
// the plays were acknowledged (the done-when). The server needs ffmpeg.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xaso-vn/xaso/internal/audio"
)

func main() {
	base := flag.String("url", "", "a running xaso (serve --demo --trust-proxy); empty: build and start one")
	dsn := flag.String("db", "", "the database of the started xaso (empty: a fresh SQLite in a temporary directory)")
	n := flag.Int("speakers", 100, "simulated speakers")
	warm := flag.Duration("warm", 30*time.Second, "how long the speakers poll before the emergency is posted")
	lead := flag.Duration("lead", 15*time.Second, "the emergency plays this long after it is posted")
	length := flag.Int("seconds", 8, "length of the generated sound, in seconds")
	unitCode := flag.String("unit", "14731", "the commune's code (the demo's)")
	password := flag.String("password", "xaso-demo", "the demo users' password")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *base, *dsn, *n, *warm, *lead, *length, *unitCode, *password); err != nil {
		fmt.Fprintln(os.Stderr, "speakers:", err)
		os.Exit(1)
	}
}

// client is one HTTP caller: an operator with a session, or a speaker with its token
// and an address of its own (X-Forwarded-For, for the per-address limits).
type client struct {
	base, addr, token string
	http              *http.Client
}

func newClient(base, addr string, tr http.RoundTripper) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, addr: addr, http: &http.Client{Jar: jar, Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request; body is url.Values (a form), []byte with its content type in
// hdr, or a value sent as JSON.
func (c *client) do(ctx context.Context, method, path string, body any, hdr map[string]string) (int, http.Header, []byte, error) {
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return 0, nil, nil, err
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.addr != "" {
		req.Header.Set("X-Forwarded-For", c.addr)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

func (c *client) login(ctx context.Context, user, password string) error {
	code, _, _, err := c.do(ctx, "POST", "/login", url.Values{"username": {user}, "password": {password}}, nil)
	if err != nil {
		return err
	}
	if code != http.StatusSeeOther {
		return fmt.Errorf("login %s: status %d", user, code)
	}
	return nil
}

// want decodes a JSON answer of the expected status into out.
func want(code int, body []byte, status int, what string, out any) error {
	if code != status {
		return fmt.Errorf("%s: status %d, want %d: %s", what, code, status, bytes.TrimSpace(body))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}

// play is one item of a speaker's feed, as the API shows it.
type play struct {
	Bulletin int64     `json:"bulletin"`
	Priority string    `json:"priority"`
	Due      time.Time `json:"due"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Audio    string    `json:"audio"`
}

type feed struct {
	Now  *play  `json:"now"`
	Next []play `json:"next"`
}

// find is the play of bulletin id in the feed, if it is there.
func (f feed) find(id int64) (play, bool) {
	if f.Now != nil && f.Now.Bulletin == id {
		return *f.Now, true
	}
	for _, p := range f.Next {
		if p.Bulletin == id {
			return p, true
		}
	}
	return play{}, false
}

// speaker is one simulated speaker's record of the run.
type speaker struct {
	c        *client
	id       int64
	arrived  time.Time // when the emergency first appeared in a feed answer
	slot     play
	polls    int
	notMod   int
	errs     int
	lastErr  string
	played   bool // its play report was acknowledged (204)
	playCode int
}

func run(ctx context.Context, base, dsn string, n int, warm, lead time.Duration, length int, unitCode, password string) error {
	if base == "" {
		var stopServer func()
		var err error
		if base, stopServer, err = startServer(ctx, dsn); err != nil {
			return err
		}
		defer stopServer()
	}
	tr := &http.Transport{MaxIdleConns: n + 16, MaxIdleConnsPerHost: n + 16, IdleConnTimeout: 90 * time.Second}
	admin, leader := newClient(base, "10.9.0.1", tr), newClient(base, "10.9.0.2", tr)
	if err := admin.login(ctx, "quantri", password); err != nil {
		return err
	}
	if err := leader.login(ctx, "lanhdao", password); err != nil {
		return err
	}
	// A cluster of its own for this run, and the speakers registered on it.
	stamp := time.Now().Format("150405")
	var cluster struct{ ID int64 }
	code, _, body, err := admin.do(ctx, "POST", "/api/v1/broadcast/clusters",
		map[string]string{"unit": unitCode, "code": "bench-" + stamp, "name": "Cụm đo thử " + stamp}, nil)
	if err != nil {
		return err
	}
	if err := want(code, body, http.StatusCreated, "create the cluster", &cluster); err != nil {
		return err
	}
	sps := make([]*speaker, n)
	for i := range sps {
		var reg struct {
			ID    int64
			Token string
		}
		code, _, body, err := admin.do(ctx, "POST", "/api/v1/broadcast/speakers",
			map[string]any{"unit": unitCode, "cluster": cluster.ID, "name": fmt.Sprintf("Loa đo thử %d", i+1)}, nil)
		if err != nil {
			return err
		}
		if err := want(code, body, http.StatusCreated, "register a speaker", &reg); err != nil {
			return err
		}
		if reg.Token == "" {
			return errors.New("register a speaker: no token in the answer")
		}
		c := newClient(base, fmt.Sprintf("10.10.%d.%d", i/250, i%250+1), tr)
		c.token = reg.Token
		sps[i] = &speaker{c: c, id: reg.ID}
	}
	fmt.Printf("%d speakers registered on cluster %d at %s; they poll for %s before the emergency\n", n, cluster.ID, base, warm)

	// The speakers poll until the emergency's play is over and reported.
	var emergency atomic.Int64 // the bulletin's id once posted
	pollCtx, stopPolls := context.WithCancel(ctx)
	defer stopPolls()
	var wg sync.WaitGroup
	var mu sync.Mutex // guards the speakers' records read by the main goroutine
	for _, sp := range sps {
		wg.Go(func() { sp.poll(pollCtx, &mu, &emergency) })
	}
	select {
	case <-time.After(warm):
	case <-ctx.Done():
		return ctx.Err()
	}

	// T: the emergency is posted (uploaded and converted), then approved.
	wav := audio.Tone(float64(length), 16000)
	T := time.Now()
	at := T.Add(lead).Truncate(time.Second)
	meta, _ := json.Marshal(map[string]any{"unit": unitCode, "title": "Khẩn cấp: nước sông lên nhanh, đo thử " + stamp,
		"priority": "emergency", "clusters": []int64{cluster.ID}, "schedule": map[string]any{"at": at}})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="bulletin"`}, "Content-Type": {"application/json"}})
	part.Write(meta)
	part, _ = mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="audio"; filename="khan-cap.wav"`}, "Content-Type": {"audio/wav"}})
	part.Write(wav)
	mw.Close()
	var b struct {
		ID      int64
		Seconds float64
	}
	code, _, body, err = admin.do(ctx, "POST", "/api/v1/bulletins", buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
	if err != nil {
		return err
	}
	if err := want(code, body, http.StatusCreated, "post the emergency", &b); err != nil {
		return err
	}
	posted := time.Now()
	emergency.Store(b.ID)
	code, _, body, err = leader.do(ctx, "POST", fmt.Sprintf("/api/v1/bulletins/%d/actions/approve", b.ID), nil, nil)
	if err != nil {
		return err
	}
	if err := want(code, body, http.StatusOK, "approve the emergency", nil); err != nil {
		return err
	}
	approved := time.Now()
	fmt.Printf("emergency %d (%.1f s of sound, plays at %s) posted at T: uploaded and converted in %s, approved %s after T\n",
		b.ID, b.Seconds, at.Format("15:04:05"), posted.Sub(T).Round(time.Millisecond), approved.Sub(T).Round(time.Millisecond))

	// Arrival: every speaker's, or T + 30 s.
	deadline := T.Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		all := !slices.ContainsFunc(sps, func(sp *speaker) bool { return sp.arrived.IsZero() })
		mu.Unlock()
		if all {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	var fromT, fromApproval []time.Duration
	for _, sp := range sps {
		if !sp.arrived.IsZero() {
			fromT = append(fromT, sp.arrived.Sub(T))
			fromApproval = append(fromApproval, sp.arrived.Sub(approved))
		}
	}
	mu.Unlock()
	slices.Sort(fromT)
	slices.Sort(fromApproval)
	fmt.Printf("\n| emergency in the feed answer | arrived | min | median | p95 | max |\n| --- | --- | --- | --- | --- | --- |\n")
	fmt.Printf("| after T (posted: upload, ffmpeg, approval) | %d of %d | %s |\n", len(fromT), n, spread(fromT))
	fmt.Printf("| after the approval's answer | %d of %d | %s |\n", len(fromApproval), n, spread(fromApproval))
	within := 0
	for _, d := range fromT {
		if d < 10*time.Second {
			within++
		}
	}

	// The plays: each speaker downloads the sound, plays it (waits for its end) and
	// reports it; the poll goroutines do it, and stop when all are done.
	end := time.Time{}
	mu.Lock()
	for _, sp := range sps {
		if sp.slot.End.After(end) {
			end = sp.slot.End
		}
	}
	mu.Unlock()
	wait := time.Until(end) + 15*time.Second
	if end.IsZero() {
		wait = 0
	}
	doneBy := time.Now().Add(wait)
	for time.Now().Before(doneBy) {
		mu.Lock()
		left := slices.ContainsFunc(sps, func(sp *speaker) bool { return !sp.arrived.IsZero() && sp.playCode == 0 })
		mu.Unlock()
		if !left {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopPolls()
	wg.Wait()
	acked, polls, notMod, errs := 0, 0, 0, 0
	codes := map[int]int{}
	lastErr := ""
	for _, sp := range sps {
		if sp.played {
			acked++
		}
		codes[sp.playCode]++
		polls, notMod, errs = polls+sp.polls, notMod+sp.notMod, errs+sp.errs
		if sp.lastErr != "" {
			lastErr = sp.lastErr
		}
	}
	fmt.Printf("\nplays reported and acknowledged (204): %d of %d (%.1f%%); report answers by status: %v\n", acked, n, 100*float64(acked)/float64(n), codes)
	fmt.Printf("feed answers: %d (%d of them 304 Not Modified); speaker errors: %d %s\n", polls, notMod, errs, lastErr)

	// The operator's view: every speaker seen after T, none silent.
	var list struct {
		Items []struct {
			ID       int64
			Cluster  int64
			LastSeen *time.Time `json:"last_seen"`
			Silent   bool
		}
	}
	code, _, body, err = admin.do(ctx, "GET", "/api/v1/broadcast/speakers?unit="+url.QueryEscape(unitCode), nil, nil)
	if err != nil {
		return err
	}
	if err := want(code, body, http.StatusOK, "list the speakers", &list); err != nil {
		return err
	}
	seen, silent := 0, 0
	for _, it := range list.Items {
		if it.Cluster != cluster.ID {
			continue
		}
		if it.LastSeen != nil && it.LastSeen.After(T) {
			seen++
		}
		if it.Silent {
			silent++
		}
	}
	fmt.Printf("GET /api/v1/broadcast/speakers: %d of %d speakers seen after T, %d flagged silent\n", seen, n, silent)

	var fail []string
	if within < n {
		fail = append(fail, fmt.Sprintf("%d of %d speakers had the emergency before T + 10 s", within, n))
	}
	if float64(acked) < 0.99*float64(n) {
		fail = append(fail, fmt.Sprintf("%d of %d plays acknowledged, under 99%%", acked, n))
	}
	if seen < n {
		fail = append(fail, fmt.Sprintf("%d of %d speakers seen after T", seen, n))
	}
	if len(fail) > 0 {
		return errors.New(strings.Join(fail, "; "))
	}
	fmt.Printf("\nevery speaker had the emergency before T + 10 s; %.1f%% of the plays acknowledged\n", 100*float64(acked)/float64(n))
	return nil
}

// poll is one speaker: it long-polls its feed with the last ETag; when the emergency
// appears it notes the time, downloads the sound, waits for the play's end and reports
// it, then goes on polling until ctx ends.
func (sp *speaker) poll(ctx context.Context, mu *sync.Mutex, emergency *atomic.Int64) {
	etag := ""
	note := func(err string) {
		mu.Lock()
		sp.errs++
		sp.lastErr = err
		mu.Unlock()
	}
	for ctx.Err() == nil {
		hdr := map[string]string{}
		path := "/api/v1/speakers/feed?volume=80"
		if etag != "" {
			hdr["If-None-Match"] = etag
			path = "/api/v1/speakers/feed?wait=25"
		}
		code, h, body, err := sp.c.do(ctx, "GET", path, nil, hdr)
		at := time.Now()
		if ctx.Err() != nil {
			return
		}
		if err != nil || code != http.StatusOK && code != http.StatusNotModified {
			note(fmt.Sprintf("(feed: %v %d %s)", err, code, bytes.TrimSpace(body)))
			time.Sleep(time.Second)
			continue
		}
		mu.Lock()
		sp.polls++
		if code == http.StatusNotModified {
			sp.notMod++
		}
		mu.Unlock()
		if code == http.StatusNotModified {
			continue
		}
		etag = h.Get("ETag")
		var f feed
		if err := json.Unmarshal(body, &f); err != nil {
			note("(feed: " + err.Error() + ")")
			continue
		}
		id := emergency.Load()
		mu.Lock()
		done := !sp.arrived.IsZero()
		mu.Unlock()
		if id == 0 || done {
			continue
		}
		p, ok := f.find(id)
		if !ok {
			continue
		}
		mu.Lock()
		sp.arrived, sp.slot = at, p
		mu.Unlock()
		go sp.playAndReport(ctx, mu, p, note)
	}
}

// playAndReport fetches the sound as a speaker does before it plays, waits for the
// play's end, and reports it.
func (sp *speaker) playAndReport(ctx context.Context, mu *sync.Mutex, p play, note func(string)) {
	code, _, body, err := sp.c.do(ctx, "GET", p.Audio, nil, nil)
	if err != nil || code != http.StatusOK || len(body) == 0 {
		note(fmt.Sprintf("(audio: %v %d)", err, code))
	}
	select {
	case <-time.After(time.Until(p.End)):
	case <-ctx.Done():
		return
	}
	code, _, body, err = sp.c.do(ctx, "POST", "/api/v1/speakers/plays", map[string]any{"bulletin": p.Bulletin, "due": p.Due, "status": "played"}, nil)
	if err != nil {
		note("(play: " + err.Error() + ")")
		code = -1
	} else if code != http.StatusNoContent {
		note(fmt.Sprintf("(play: %d %s)", code, bytes.TrimSpace(body)))
	}
	mu.Lock()
	sp.playCode, sp.played = code, code == http.StatusNoContent
	mu.Unlock()
}

// spread is "min | median | p95 | max" of sorted durations.
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "— | — | — | —"
	}
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(float64(len(ds))*p))] }
	r := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	return r(ds[0]) + " | " + r(at(0.5)) + " | " + r(at(0.95)) + " | " + r(ds[len(ds)-1])
}

// startServer builds xaso and starts `xaso serve --demo` on a free port, on dsn or a
// fresh SQLite, as bench/run.sh does; it returns the address and a function that stops
// it.
func startServer(ctx context.Context, dsn string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "bench-speakers-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	bin := filepath.Join(dir, "xaso")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/xaso")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("build xaso (run from the repository's top): %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cleanup()
		return "", nil, err
	}
	addr := l.Addr().String()
	l.Close()
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(dir, "xaso.db")
	}
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		cleanup()
		return "", nil, err
	}
	cmd := exec.Command(bin, "serve", "--demo", "--trust-proxy", "--log-level", "error", "--addr", addr, "--db", dsn, "--data-dir", filepath.Join(dir, "files"))
	cmd.Env = append(os.Environ(), "XASO_PASSWORD_MEMORY=1024", "XASO_PASSWORD_TIME=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		cleanup()
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		logf.Close()
		cleanup()
	}
	base := "http://" + addr
	t0 := time.Now()
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(t0) > 3*time.Minute {
			log, _ := os.ReadFile(logf.Name())
			stop()
			return "", nil, fmt.Errorf("xaso did not answer /healthz in 3 minutes: %s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "xaso started in %s\n", time.Since(t0).Round(time.Millisecond))
	return base, stop, nil
}
