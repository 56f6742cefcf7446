// Command load is xaso's load generator: N concurrent simulated users doing the real mix
// of a commune's day — citizens browsing the catalog and looking up dossiers, citizens
// filing online, counter officers receiving and moving dossiers, leaders opening reports —
// against a running xaso (started with --demo and --trust-proxy, so that each simulated
// user has an address of its own for the per-address limits). It prints throughput and
// latency percentiles per operation and the errors.
//
//	go run ./bench/load -url http://127.0.0.1:8080 -users 64 -duration 30s
//
// With -rate R the users stop running flat out (a closed loop, where each user waits for
// its answer before asking again, so latency only measures the queue the users make
// themselves) and instead serve R operations a second on a fixed schedule (an open loop,
// like citizens who arrive whether or not the server is busy): each operation's latency
// counts from the moment it was due, so time spent waiting for a free user — the server
// falling behind — is in the figures (no coordinated omission).
//
//	go run ./bench/load -url http://127.0.0.1:8080 -users 64 -only file -rate 700
//
// With -ack FILE it writes the code of every dossier the server acknowledged (201), one
// per line, and every cash payment acknowledged with its receipt ("P code reference
// number"), for the crash test; -verify FILE checks that every dossier exists, has a
// history and is unique, and that every payment is paid with its receipt number, no
// number given twice.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xaso-vn/xaso/bench/internal/cpuprof"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "xaso's address")
	users := flag.Int("users", 16, "concurrent simulated users")
	duration := flag.Duration("duration", 20*time.Second, "how long to run")
	maxOps := flag.Int("max-ops", 0, "stop after this many operations in all (0: no limit)")
	only := flag.String("only", "", "run only this operation (e.g. file), for a clean intake measure")
	ack := flag.String("ack", "", "append acknowledged dossier codes to this file")
	verify := flag.String("verify", "", "check the dossiers listed in this file, then exit")
	password := flag.String("password", "xaso-demo", "the demo users' password")
	rate := flag.Float64("rate", 0, "operations a second on a fixed schedule (open loop); 0: every user runs flat out")
	cpuProfile := flag.String("cpuprofile", "", "write the load generator's own CPU profile to this file")
	flag.Parse()
	stopProfile, err := cpuprof.Start(*cpuProfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	defer stopProfile()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *verify != "" {
		if err := verifyAcks(ctx, *base, *password, *verify); err != nil {
			fmt.Fprintln(os.Stderr, "verify:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, *base, *users, *duration, *maxOps, *only, *ack, *password, *rate); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// client is one simulated person: a cookie jar (a login session) and an address.
type client struct {
	base string
	http *http.Client
	addr string
}

func newClient(base, addr string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, addr: addr, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4}}}
}

func (c *client) do(ctx context.Context, method, path string, body any, hdr map[string]string) (int, []byte, error) {
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("X-Forwarded-For", c.addr)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *client) login(ctx context.Context, user, password string) error {
	code, _, err := c.do(ctx, "POST", "/login", url.Values{"username": {user}, "password": {password}}, nil)
	if err != nil {
		return err
	}
	if code != http.StatusSeeOther {
		return fmt.Errorf("login %s: status %d", user, code)
	}
	return nil
}

// stats collects latencies per operation.
type stats struct {
	mu     sync.Mutex
	lat    map[string][]time.Duration
	errs   map[string]int
	sample map[string]string
}

func (s *stats) add(op string, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs[op]++
		if s.sample[op] == "" {
			s.sample[op] = err.Error()
		}
		return
	}
	s.lat[op] = append(s.lat[op], d)
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(float64(len(ds))*p))]
}

// shared state between simulated users: dossier codes to look up and to move along.
type pool struct {
	mu    sync.Mutex
	codes []string
	ackW  *bufio.Writer
	ackF  *os.File
}

// paid writes down a cash payment the server acknowledged with its receipt: "P
// <dossier code> <reference> <receipt number>".
func (p *pool) paid(code, reference string, receipt int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ackW != nil {
		fmt.Fprintf(p.ackW, "P %s %s %d\n", code, reference, receipt)
		p.ackW.Flush()
	}
}

func (p *pool) push(code string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.codes = append(p.codes, code)
	if p.ackW != nil {
		p.ackW.WriteString(code + "\n")
		p.ackW.Flush() // acknowledged means written down before the next request
	}
}

func (p *pool) pick(r *rand.Rand) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.codes) == 0 {
		return ""
	}
	return p.codes[r.IntN(len(p.codes))]
}

var queries = []string{"khai sinh", "ket hon", "chung thuc", "khai tu", "tinh trang hon nhan", "ban sao", "giam ho", ""}

func run(ctx context.Context, base string, users int, duration time.Duration, maxOps int, only, ackPath, password string, rate float64) error {
	st := &stats{lat: map[string][]time.Duration{}, errs: map[string]int{}, sample: map[string]string{}}
	pl := &pool{}
	if ackPath != "" {
		f, err := os.OpenFile(ackPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		pl.ackF, pl.ackW = f, bufio.NewWriter(f)
	}
	// The procedure every simulated filing uses, with its form answered once.
	probe := newClient(base, "10.255.0.1")
	fields, err := formAnswers(ctx, probe, demoProcedure)
	if err != nil {
		return err
	}
	// Every simulated user logs in first; the clock (the run's length, the open loop's
	// schedule, the throughput) starts once all have, so the logins' burst is not
	// counted as the server's latency.
	var wg, ready sync.WaitGroup
	roles := []string{"congdan", "congdan", "congdan", "motcua", "chuyenvien", "lanhdao"}
	clients := make([]*client, users)
	for i := range users {
		ready.Add(1)
		go func() {
			defer ready.Done()
			c := newClient(base, fmt.Sprintf("10.%d.%d.%d", 1+i/65536%200, i/256%256, i%256))
			if err := c.login(ctx, roles[i%len(roles)], password); err != nil {
				st.add("login", 0, err)
				return
			}
			clients[i] = c
		}()
	}
	ready.Wait()
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var ops atomic.Int64
	start := time.Now()
	// The schedule of an open loop: the time each operation is due, R a second.
	var due chan time.Time
	if rate > 0 {
		due = make(chan time.Time, 1<<20)
		go func() {
			defer close(due)
			interval := time.Duration(float64(time.Second) / rate)
			for next := start; ctx.Err() == nil; next = next.Add(interval) {
				time.Sleep(time.Until(next))
				select {
				case due <- next:
				default: // a million operations behind: the run is lost anyway
				}
			}
		}()
	}
	for i := range users {
		c := clients[i]
		if c == nil {
			continue // its login failed, counted above
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 42))
			user := roles[i%len(roles)]
			for ctx.Err() == nil {
				if maxOps > 0 && ops.Add(1) > int64(maxOps) {
					return
				}
				op, fn := choose(r, user, only)
				t0 := time.Now()
				if due != nil {
					var ok bool
					if t0, ok = <-due; !ok {
						return
					}
				}
				err := fn(ctx, c, r, pl, fields)
				if ctx.Err() != nil && err != nil {
					return // the run ended mid-request: not an error of the server
				}
				st.add(op, time.Since(t0), err)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	report(st, elapsed, users, rate)
	total := 0
	for _, n := range st.errs {
		total += n
	}
	if total > 0 {
		return fmt.Errorf("%d errors", total)
	}
	return nil
}

const demoProcedure = "1.004873"

// runID keeps idempotency keys of different runs apart (the simulated users' random
// sequences repeat from run to run).
var runID = time.Now().UnixNano()

type opFunc func(ctx context.Context, c *client, r *rand.Rand, p *pool, fields map[string]string) error

func expect(code int, b []byte, err error, want ...int) error {
	if err != nil {
		return err
	}
	if !slices.Contains(want, code) {
		return fmt.Errorf("status %d: %.200s", code, b)
	}
	return nil
}

// choose picks the next operation of a user of a role, in proportions that resemble a
// commune's day: mostly reading, some filing, some processing.
func choose(r *rand.Rand, user, only string) (string, opFunc) {
	ops := map[string]opFunc{
		"catalog": func(ctx context.Context, c *client, r *rand.Rand, p *pool, _ map[string]string) error {
			code, b, err := c.do(ctx, "GET", "/api/v1/procedures?limit=20&q="+url.QueryEscape(queries[r.IntN(len(queries))]), nil, nil)
			return expect(code, b, err, 200)
		},
		"procedure": func(ctx context.Context, c *client, r *rand.Rand, p *pool, _ map[string]string) error {
			code, b, err := c.do(ctx, "GET", "/api/v1/procedures/"+demoProcedure, nil, nil)
			return expect(code, b, err, 200)
		},
		"lookup": func(ctx context.Context, c *client, r *rand.Rand, p *pool, _ map[string]string) error {
			dc := p.pick(r)
			if dc == "" {
				return nil
			}
			// Look-ups come from many citizens: each from an address of its own, as the
			// per-address limit (30 a minute) expects.
			ip := fmt.Sprintf("172.%d.%d.%d", 16+r.IntN(16), r.IntN(256), 1+r.IntN(254))
			code, b, err := c.do(ctx, "GET", "/api/v1/lookup/"+dc, nil, map[string]string{"X-Forwarded-For": ip})
			return expect(code, b, err, 200)
		},
		"file": func(ctx context.Context, c *client, r *rand.Rand, p *pool, fields map[string]string) error {
			_, err := fileOne(ctx, c, r, p, fields, "online", "Nguyễn Văn Thử", "037085001234")
			return err
		},
		// A citizen at the counter: the officer files the dossier (received at once; a
		// procedure with a fee is billed by the filing itself), and takes the fee in cash;
		// the fee receipt is issued with the payment.
		"pay": func(ctx context.Context, c *client, r *rand.Rand, p *pool, fields map[string]string) error {
			dcode, err := fileOne(ctx, c, r, p, fields, "counter", "Trần Thị Thử", "037185001234")
			if err != nil {
				return err
			}
			type request struct {
				Reference string
				Amount    int64
				Version   int
				State     string
			}
			code, b, err := c.do(ctx, "GET", "/api/v1/dossiers/"+dcode+"/payments", nil, nil)
			if err := expect(code, b, err, 200); err != nil {
				return fmt.Errorf("payments: %w", err)
			}
			var billed struct{ Items []request }
			if err := json.Unmarshal(b, &billed); err != nil {
				return fmt.Errorf("payments: %.200s", b)
			}
			var req request
			for _, it := range billed.Items {
				if it.State == "pending" {
					req = it
				}
			}
			if req.Reference == "" { // a procedure without a fee at filing: bill it now
				code, b, err := c.do(ctx, "POST", "/api/v1/dossiers/"+dcode+"/payments", nil, nil)
				if err := expect(code, b, err, 201); err != nil {
					return fmt.Errorf("bill: %w", err)
				}
				if err := json.Unmarshal(b, &req); err != nil || req.Reference == "" {
					return fmt.Errorf("no payment request in %.200s", b)
				}
			}
			code, b, err = c.do(ctx, "POST", "/api/v1/payments/"+req.Reference+"/confirm",
				map[string]any{"version": req.Version, "method": "cash", "amount": req.Amount}, nil)
			if err := expect(code, b, err, 200); err != nil {
				return fmt.Errorf("cash: %w", err)
			}
			var paid struct {
				State   string
				Receipt *struct{ Number int64 }
			}
			if err := json.Unmarshal(b, &paid); err != nil || paid.State != "paid" || paid.Receipt == nil {
				return fmt.Errorf("paid without its receipt: %.200s", b)
			}
			p.paid(dcode, req.Reference, paid.Receipt.Number)
			return nil
		},
		"receive": func(ctx context.Context, c *client, r *rand.Rand, p *pool, _ map[string]string) error {
			return moveOne(ctx, c, "submitted", "receive")
		},
		"forward": func(ctx context.Context, c *client, r *rand.Rand, p *pool, _ map[string]string) error {
			return moveOne(ctx, c, "received", "forward")
		},
		"inbox": func(ctx context.Context, c *client, r *rand.Rand, p *pool, _ map[string]string) error {
			code, b, err := c.do(ctx, "GET", "/api/v1/dossiers?limit=20&status=submitted,received,processing,supplement_requested,resolved", nil, nil)
			return expect(code, b, err, 200)
		},
		"report": func(ctx context.Context, c *client, r *rand.Rand, p *pool, _ map[string]string) error {
			code, b, err := c.do(ctx, "GET", "/api/v1/reports/one-stop?from=2021-01-01&to=2021-12-31&by=procedure", nil, nil)
			return expect(code, b, err, 200)
		},
	}
	if only != "" {
		return only, ops[only]
	}
	var mix []string
	switch user {
	case "congdan":
		mix = []string{"catalog", "catalog", "procedure", "lookup", "lookup", "file"}
	case "motcua":
		mix = []string{"inbox", "receive", "receive", "forward", "pay"}
	case "chuyenvien":
		mix = []string{"inbox", "catalog"}
	default:
		mix = []string{"report", "inbox"}
	}
	name := mix[r.IntN(len(mix))]
	return name, ops[name]
}

// fileOne files a dossier of the demo procedure through a channel and writes its code
// down once acknowledged.
func fileOne(ctx context.Context, c *client, r *rand.Rand, p *pool, fields map[string]string, channel, name, id string) (string, error) {
	body := map[string]any{"procedure_code": demoProcedure, "channel": channel, "fields": fields,
		"applicant": map[string]string{"full_name": name, "id_number": id, "phone": "0912345678"}}
	code, b, err := c.do(ctx, "POST", "/api/v1/dossiers", body, map[string]string{"Idempotency-Key": fmt.Sprintf("load-%d-%d", runID, r.Uint64())})
	if err := expect(code, b, err, 201); err != nil {
		return "", err
	}
	var created struct{ Code string }
	if err := json.Unmarshal(b, &created); err != nil || created.Code == "" {
		return "", fmt.Errorf("no code in %.200s", b)
	}
	p.push(created.Code)
	return created.Code, nil
}

// moveOne applies action to the most urgent dossier of a status in the officer's inbox.
// Another officer may move it first: a 409 is that race, not an error.
func moveOne(ctx context.Context, c *client, status, action string) error {
	code, b, err := c.do(ctx, "GET", "/api/v1/dossiers?limit=5&status="+status, nil, nil)
	if err := expect(code, b, err, 200); err != nil {
		return err
	}
	var list struct{ Items []struct{ Code string } }
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	if len(list.Items) == 0 {
		return nil
	}
	code, b, err = c.do(ctx, "POST", "/api/v1/dossiers/"+list.Items[0].Code+"/actions/"+action, nil, nil)
	return expect(code, b, err, 200, 409)
}

// formAnswers answers the required fields of a procedure's online form.
func formAnswers(ctx context.Context, c *client, code string) (map[string]string, error) {
	status, b, err := c.do(ctx, "GET", "/api/v1/procedures/"+code, nil, nil)
	if err := expect(status, b, err, 200); err != nil {
		return nil, fmt.Errorf("procedure %s: %w (is xaso running with --demo?)", code, err)
	}
	var p struct {
		Form []struct {
			Name, Type string
			Required   bool
			Options    []string
		}
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range p.Form {
		if !f.Required {
			continue
		}
		out[f.Name] = map[string]string{"date": "1990-05-12", "number": "1", "id_number": "037085001234", "phone": "0912345678",
			"email": "thu@example.vn"}[f.Type]
		if f.Type == "choice" {
			out[f.Name] = f.Options[0]
		}
		if out[f.Name] == "" {
			out[f.Name] = "Xã Yên Từ"
		}
	}
	return out, nil
}

func report(st *stats, elapsed time.Duration, users int, rate float64) {
	var names []string
	for n := range st.lat {
		names = append(names, n)
	}
	for n := range st.errs {
		if _, ok := st.lat[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if rate > 0 {
		fmt.Printf("users %d, %.1f s, open loop at %.0f operations/s (latency from the due time)\n", users, elapsed.Seconds(), rate)
	} else {
		fmt.Printf("users %d, %.1f s\n", users, elapsed.Seconds())
	}
	fmt.Printf("%-10s %8s %9s %8s %8s %8s %7s\n", "operation", "count", "per s", "p50 ms", "p95 ms", "p99 ms", "errors")
	var all int
	for _, n := range names {
		ds := st.lat[n]
		slices.Sort(ds)
		all += len(ds)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("%-10s %8d %9.1f %8.1f %8.1f %8.1f %7d\n", n, len(ds), float64(len(ds))/elapsed.Seconds(),
			ms(pct(ds, .50)), ms(pct(ds, .95)), ms(pct(ds, .99)), st.errs[n])
	}
	fmt.Printf("%-10s %8d %9.1f\n", "all", all, float64(all)/elapsed.Seconds())
	for n, s := range st.sample {
		fmt.Printf("first %s error: %s\n", n, s)
	}
}

// verifyAcks checks, as the system administrator, that every acknowledged dossier exists
// once and has a history.
func verifyAcks(ctx context.Context, base, password, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var codes []string
	type ackedPayment struct {
		code, reference string
		receipt         int64
	}
	var pays []ackedPayment
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 1:
			codes = append(codes, f[0])
		case len(f) == 4 && f[0] == "P":
			var n int64
			fmt.Sscan(f[3], &n)
			pays = append(pays, ackedPayment{f[1], f[2], n})
		}
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] {
			return fmt.Errorf("code %s acknowledged twice", c)
		}
		seen[c] = true
	}
	c := newClient(base, "10.254.0.1")
	if err := c.login(ctx, "admin", password); err != nil {
		return err
	}
	var missing []string
	for _, code := range codes {
		status, body, err := c.do(ctx, "GET", "/api/v1/dossiers/"+code, nil, nil)
		if err != nil {
			return err
		}
		var d struct {
			Code    string
			History []json.RawMessage
		}
		if status != 200 || json.Unmarshal(body, &d) != nil || d.Code != code || len(d.History) == 0 {
			missing = append(missing, code)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d of %d acknowledged dossiers lost or without history: %v", len(missing), len(codes), missing[:min(5, len(missing))])
	}
	fmt.Printf("all %d acknowledged dossiers present, unique, with history\n", len(codes))
	// Every acknowledged payment is there, paid, with the receipt number it was given;
	// no receipt number twice.
	receipts := map[int64]string{}
	for _, ap := range pays {
		if prev, ok := receipts[ap.receipt]; ok {
			return fmt.Errorf("receipt number %d given to %s and %s", ap.receipt, prev, ap.reference)
		}
		receipts[ap.receipt] = ap.reference
		status, body, err := c.do(ctx, "GET", "/api/v1/dossiers/"+ap.code+"/payments", nil, nil)
		if err != nil {
			return err
		}
		var list struct {
			Items []struct {
				Reference string
				State     string
				Receipt   *struct{ Number int64 }
			}
		}
		found := false
		if status == 200 && json.Unmarshal(body, &list) == nil {
			for _, it := range list.Items {
				found = found || it.Reference == ap.reference && it.State == "paid" && it.Receipt != nil && it.Receipt.Number == ap.receipt
			}
		}
		if !found {
			return fmt.Errorf("acknowledged payment %s of %s (receipt %d) lost or changed: %d %.300s", ap.reference, ap.code, ap.receipt, status, body)
		}
	}
	fmt.Printf("all %d acknowledged payments present, paid, with their receipts (numbers unique)\n", len(pays))
	return nil
}
