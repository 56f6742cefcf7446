// Package testtool finds the outside programs some tests run (poppler's pdftotext, zbarimg,
// xmlsec1, LibreOffice, Chromium, axe-core…). On a developer's machine a missing tool skips
// the test with the command that installs it, so `go test ./...` passes on a fresh clone;
// under CI (XASO_REQUIRE_TOOLS=1, which .ci/run sets, or CI=true) the same absence fails
// the test, so a run can never go green by skipping what it was meant to check.
package testtool

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// RequireEnv is the variable under which a missing tool fails instead of skipping.
const RequireEnv = "XASO_REQUIRE_TOOLS"

// Required reports whether missing tools are failures (CI).
func Required() bool {
	return os.Getenv(RequireEnv) == "1" || os.Getenv("CI") == "true"
}

// Path returns the path of the program name, or ends the test: skipped with the install
// command on a developer's machine, failed under CI.
func Path(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not installed", install)
	}
	return p
}

// Missing ends the test because what it needs is absent: a skip naming the install
// command, or a failure under CI.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s (%s=1 or CI=true: a missing tool is a failure); install it with: %s", what, RequireEnv, install)
	}
	t.Skipf("%s; install it with: %s", what, install)
}

// Allocated is how many bytes f allocates on the heap (TotalAlloc's growth): the memory a
// parse costs, whatever the garbage collector gives back afterwards.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
