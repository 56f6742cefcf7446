package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/testtool"
)

// The browser every test shares, started once by TestMain; each test opens its own tabs in
// their own browser contexts (separate cookies), so tests can run in parallel.
var (
	browser   context.Context // nil when no Chromium was found
	noBrowser string          // why browser is nil
	artifacts string          // where screenshots go
)

// chromiumNames are the binaries tried, in order, when XASO_CHROMIUM is not set.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "headless-shell"}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	// The browser tests mostly wait for Chromium, not for the CPU: unless -parallel is
	// given, run more of them at a time than GOMAXPROCS (2 on CI).
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		flag.Set("test.parallel", "4")
	}

	artifacts = os.Getenv("XASO_E2E_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(os.TempDir(), "xaso-e2e")
		// Screenshots of an earlier run would be mistaken for this one's. A directory
		// chosen with XASO_E2E_ARTIFACTS is left as it is.
		old, _ := filepath.Glob(filepath.Join(artifacts, "*.png"))
		for _, f := range old {
			os.Remove(f)
		}
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}

	chromiumAt := os.Getenv("XASO_CHROMIUM")
	if chromiumAt == "" {
		for _, name := range chromiumNames {
			if p, err := exec.LookPath(name); err == nil {
				chromiumAt = p
				break
			}
		}
	}
	if chromiumAt == "" {
		noBrowser = "no Chromium binary found (or set XASO_CHROMIUM)"
		return m.Run()
	}

	profile, err := os.MkdirTemp("", "xaso-e2e-profile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(profile)
	logFile, err := os.Create(filepath.Join(artifacts, "chromium.log"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer logFile.Close()

	// The closed network of CI machines refuses Chromium's background connections (and
	// it retries them in floods), so everything that phones home is off.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumAt),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		// A Vietnamese phone's Accept-Language and navigator.languages. (Date fields
		// still show headless Chromium's en-US order, mm/dd/yyyy.)
		chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(360, 740),
		chromedp.CombinedOutput(logFile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()

	// The first Do starts the browser and binds its life to ctx, so it gets no deadline
	// of its own; a browser that never answers is caught by the timer instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: cannot start %s: %v (its output: %s)\n", chromiumAt, err, logFile.Name())
			return 1
		}
	case <-time.After(60 * time.Second):
		fmt.Fprintf(os.Stderr, "e2e: %s did not start within 60 s (its output: %s)\n", chromiumAt, logFile.Name())
		return 1
	}
	browser = ctx
	return m.Run()
}

// needBrowser skips the test when no Chromium binary was found (fails it under CI), and
// only then: a browser that is present but broken fails TestMain.
func needBrowser(t *testing.T) {
	t.Helper()
	if browser == nil {
		testtool.Missing(t, noBrowser, "apt-get install chromium chromium-driver")
	}
}
