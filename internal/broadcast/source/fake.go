package source

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Fake is a local source system speaking Client's protocol, for the tests and --demo: it
// checks the token, keeps each message once (by its Idempotency-Key) in the order it
// arrived, and can be told to fail the next requests.
type Fake struct {
	Token string

	mu       sync.Mutex
	seen     map[string]bool
	Received []Received
	failNext int
}

// Received is a message the fake kept.
type Received struct {
	Kind, MessageID string
	Payload         json.RawMessage
}

// FailNext makes the next n requests answer 503.
func (f *Fake) FailNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failNext = n
}

// Messages returns what was kept, in order.
func (f *Fake) Messages() []Received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Received(nil), f.Received...)
}

// ServeHTTP implements http.Handler: POST …/bulletins, …/play-logs.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var kind string
	switch {
	case r.Method != http.MethodPost:
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	case strings.HasSuffix(r.URL.Path, "/bulletins"):
		kind = KindBulletin
	case strings.HasSuffix(r.URL.Path, "/play-logs"):
		kind = KindPlayLog
	default:
		http.NotFound(w, r)
		return
	}
	if f.Token != "" && r.Header.Get("Authorization") != "Bearer "+f.Token {
		http.Error(w, "token", http.StatusUnauthorized)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil || key == "" || !json.Valid(body) {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failNext > 0 {
		f.failNext--
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[key] {
		w.WriteHeader(http.StatusConflict)
		return
	}
	f.seen[key] = true
	f.Received = append(f.Received, Received{Kind: kind, MessageID: key, Payload: body})
	w.WriteHeader(http.StatusAccepted)
}
