#!/usr/bin/env bash
# Browser checks (issue 9).
#   bash .ci/browser.sh setup   installs Debian's Chromium and ChromeDriver and the npm axe
#                               tools when they are missing; .ci/run calls it before the
#                               test suites, so the chromedp tests of internal/e2e (journeys
#                               at 360×740, axe-core after login, pages without JavaScript)
#                               run with both engines' suites.
#   bash .ci/browser.sh         checks every public page of a demo server with
#                               @axe-core/cli (WCAG 2.1 A and AA).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 # these machines pin GOTOOLCHAIN=local; go.mod needs 1.27.3
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

# The public pages @axe-core/cli checks, as paths of the demo server. New public pages go
# here (the pages behind a login are checked by internal/e2e/a11y_test.go).
PUBLIC_PAGES=(
  /
  /login
  /thu-tuc
  /thu-tuc/1.001193
  /tra-cuu
  /cong-khai
  /kham-tu-xa
)
AXE_TAGS=wcag2a,wcag2aa,wcag21a,wcag21aa # the same list as axeTags in internal/e2e
# Chromium runs as root on a closed network: no sandbox, and nothing that phones home
# (refused background connections come back in floods).
CHROME_FLAGS=headless,no-sandbox,disable-gpu,disable-dev-shm-usage,disable-quic,no-first-run,disable-background-networking,disable-component-update,disable-sync,disable-domain-reliability,no-pings

step() { printf -- '-- %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "chromium and chromedriver"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# Debian's wrapper script prints a harmless shell warning on some machines; keep it quiet.
chromium --version 2>/dev/null
chromedriver --version

step "npm ci --prefix tools/axe"
# The npm chromedriver package (a dependency of @axe-core/cli) would download Google's
# driver at install time; Debian's /usr/bin/chromedriver is used instead.
export CHROMEDRIVER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_DOWNLOAD=true
if [[ ! -d tools/axe/node_modules/axe-core ]]; then
  npm ci --prefix tools/axe --no-audit --no-fund --loglevel=error
fi
if [[ ${1:-} == setup ]]; then exit 0; fi

work=$(mktemp -d)
server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

step "xaso serve --demo"
go build -o "$work/xaso" ./cmd/xaso
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
base="http://127.0.0.1:$port"
XASO_PASSWORD_MEMORY=1024 XASO_PASSWORD_TIME=1 "$work/xaso" serve --demo --addr "127.0.0.1:$port" \
  --db "sqlite:$work/xaso.db" --data-dir "$work/files" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.2
done
if ! curl -fsS -o /dev/null "$base/healthz"; then
  echo "xaso did not become healthy at $base:"; cat "$work/serve.log"; exit 1
fi

failed=0

step "@axe-core/cli on the public pages (${AXE_TAGS})"
urls=()
for path in "${PUBLIC_PAGES[@]}"; do
  # axe reports no violation on a browser error page, so each page must answer 200 first.
  if ! curl -fsS -o /dev/null "$base$path"; then
    echo "GET $path failed: it cannot be checked"; failed=1
  fi
  urls+=("$base$path")
done
if ! npx --prefix tools/axe axe "${urls[@]}" \
  --chromedriver-path "$(command -v chromedriver)" --chrome-path "$(command -v chromium)" \
  --chrome-options="$CHROME_FLAGS" --tags "$AXE_TAGS" --exit; then
  echo "@axe-core/cli found accessibility violations (or could not run): see above"; failed=1
fi
stop_server

if ((failed)); then
  echo "browser checks FAILED"; exit 1
fi
echo "browser checks passed"
