package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestGzipOnlyBodiesWorthIt(t *testing.T) {
	big := strings.Repeat("Hồ sơ đã được tiếp nhận. ", 100) // about 2.7 KB
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		status  int
		body    string
		gzipped bool
	}{
		{"small JSON, status set", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"code":"000.31.37.H45-261126-0003"}`)
		}, 201, `{"code":"000.31.37.H45-261126-0003"}`, false},
		{"large page in small writes", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			for i := 0; i < len(big); i += 100 {
				io.WriteString(w, big[i:min(i+100, len(big))])
			}
		}, 200, big, true},
		{"large page, length given", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			io.WriteString(w, big)
		}, 200, big, true},
		{"small page flushed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "đang xử lý")
			w.(http.Flusher).Flush()
		}, 200, "đang xử lý", true},
		{"header only", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
		}, 202, "", false},
		{"not text", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			io.WriteString(w, big)
		}, 200, big, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Through a real server: the length of a plain body is the server's to add
			// once the handler has returned.
			srv := httptest.NewServer(gzipHandler(c.handler))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport leaves the body compressed
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			body := io.Reader(bytes.NewReader(raw))
			if got := res.Header.Get("Content-Encoding") == "gzip"; got != c.gzipped {
				t.Fatalf("gzipped = %v, want %v", got, c.gzipped)
			}
			if c.gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				body = zr
				// A length, when sent, is the compressed body's, never the original's.
				if cl := res.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(raw)) {
					t.Errorf("compressed body of %d bytes with Content-Length %s", len(raw), cl)
				}
			} else if c.body != "" && len(c.body) < gzipMinSize && res.Header.Get("Content-Length") != strconv.Itoa(len(c.body)) {
				t.Errorf("plain body: Content-Length %q, want %d", res.Header.Get("Content-Length"), len(c.body))
			}
			b, err := io.ReadAll(body)
			if err != nil || string(b) != c.body || res.StatusCode != c.status {
				t.Fatalf("status %d body %.80q (%v), want %d %.80q", res.StatusCode, b, err, c.status, c.body)
			}
		})
	}
}
