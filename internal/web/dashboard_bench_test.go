package web_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// BenchmarkLeaderDashboard: the leader's landing page on the demo with its 2021 history
// (about 2,100 dossiers).
func BenchmarkLeaderDashboard(b *testing.B) {
	e := newEnvWith(b, demo.Options{History: true})
	c, _ := e.login(b, "lanhdao", demo.Password)
	for b.Loop() {
		resp, err := c.Get(e.ts.URL + "/office/tong-quan")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("dashboard: %d", resp.StatusCode)
		}
	}
}
