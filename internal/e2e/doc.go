// Package e2e holds xaso's end-to-end tests; it has no code of its own.
//
// The browser tests drive Debian's headless Chromium with chromedp through the journeys of
// each role at 360×740 (a cheap phone), inject npm axe-core to check WCAG 2.1 A/AA after
// login, and check that citizen pages work with JavaScript turned off. They skip when no
// Chromium binary is found (set XASO_CHROMIUM to choose one). The page weight test needs
// no browser.
//
//	apt-get install -y chromium                  # once per machine
//	CHROMEDRIVER_SKIP_DOWNLOAD=true npm ci --prefix tools/axe
//	go test ./internal/e2e/
//
// A failing step saves a full-page screenshot in $XASO_E2E_ARTIFACTS (default
// $TMPDIR/xaso-e2e) and names the file in the failure message; each role's home page is
// saved there too, for a look by eye. XASO_AXE_JS overrides the path of axe.min.js.
// .ci/browser.sh installs everything and runs these tests and @axe-core/cli.
package e2e
