package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// BenchmarkOnlineFilingHTTP files dossiers online through the API as the load
// generator's citizens do (a logged-in session, JSON, an idempotency key each), several
// at once: the intake path over HTTP, for profiling (go test -bench OnlineFiling
// -cpuprofile) and for comparing changes to it.
func BenchmarkOnlineFilingHTTP(b *testing.B) {
	e := newEnv(b)
	c, _ := e.login(b, "congdan", demo.Password)
	// 2.000884 asks for no form fields: the body stays the same for every filing.
	body := []byte(`{"procedure_code":"2.000884","channel":"online","fields":{},"applicant":{"full_name":"Nguyễn Văn Thử","id_number":"037085001234","phone":"0912345678"}}`)
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/dossiers", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", n.Add(1)))
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d: %s", resp.StatusCode, msg)
				return
			}
		}
	})
}
