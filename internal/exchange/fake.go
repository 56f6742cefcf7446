package exchange

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/xaso-vn/xaso/internal/edxml"
)

// Fake is a local exchange platform for the tests and the demo: per-organ queues in
// memory, a message id accepted once, and a bearer token per organ when Tokens is set.
// Its HTTP interface is the one Client speaks:
//
//	POST   /messages                 body: Envelope (JSON)        → 202 (200 for a known id)
//	GET    /messages?organ=ID&max=N  → {"items":[Envelope…]}
//	DELETE /messages/{id}?organ=ID   → 204 (acknowledge)
//	GET    /messages/{id}/status?organ=ID → {"status":"queued|delivered"}
type Fake struct {
	Tokens map[string]string // organ id → token; nil: no authentication

	mu        sync.Mutex
	queues    map[string][]Envelope // by recipient organ
	senders   map[string]string     // message id → sending organ
	delivered map[string]bool
}

// NewFake returns an empty platform.
func NewFake() *Fake {
	return &Fake{queues: map[string][]Envelope{}, senders: map[string]string{}, delivered: map[string]bool{}}
}

// maxEnvelope bounds a posted envelope: the edXML's cap in base64, plus the JSON around it.
var maxEnvelope = edxml.DefaultLimits.MaxBytes/3*4 + 4096

func (f *Fake) authorized(r *http.Request, organ string) bool {
	if f.Tokens == nil {
		return true
	}
	want, ok := f.Tokens[organ]
	got, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && found && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/messages")
	organ := r.URL.Query().Get("organ")
	switch {
	case path == "" && r.Method == http.MethodPost:
		var e Envelope
		if err := json.NewDecoder(io.LimitReader(r.Body, maxEnvelope)).Decode(&e); err != nil || e.MessageID == "" ||
			!edxml.ValidOrganID(e.From) || !edxml.ValidOrganID(e.To) {
			http.Error(w, "bad envelope", http.StatusBadRequest)
			return
		}
		if !f.authorized(r, e.From) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, seen := f.senders[e.MessageID]; seen {
			w.WriteHeader(http.StatusOK)
			return
		}
		f.senders[e.MessageID] = e.From
		f.queues[e.To] = append(f.queues[e.To], e)
		w.WriteHeader(http.StatusAccepted)
	case path == "" && r.Method == http.MethodGet:
		if !f.authorized(r, organ) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		max, err := strconv.Atoi(r.URL.Query().Get("max"))
		if err != nil || max < 1 || max > 100 {
			max = 10
		}
		f.mu.Lock()
		q := f.queues[organ]
		items := append([]Envelope{}, q[:min(max, len(q))]...)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"items": items})
	case strings.HasSuffix(path, "/status") && r.Method == http.MethodGet:
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/status")
		f.mu.Lock()
		sender, ok := f.senders[id]
		done := f.delivered[id]
		f.mu.Unlock()
		if !ok || sender != organ {
			http.NotFound(w, r)
			return
		}
		if !f.authorized(r, organ) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		st := DeliveryQueued
		if done {
			st = DeliveryDelivered
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"status": st})
	case strings.HasPrefix(path, "/") && r.Method == http.MethodDelete:
		if !f.authorized(r, organ) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		id := path[1:]
		f.mu.Lock()
		q := f.queues[organ]
		for i, e := range q {
			if e.MessageID == id {
				f.queues[organ] = append(q[:i:i], q[i+1:]...)
				f.delivered[id] = true
				break
			}
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}
