package notify

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// FakeSMS is a local SMS gateway speaking SMSGateway's protocol, for the tests and the
// demo: it keeps what it was sent (dedup by idempotency key, as real gateways that
// dedupe do), answers 503 while Down, and Receipt builds the signed delivery receipt it
// would post back.
type FakeSMS struct {
	Token string // "" : any
	// Callback, when set, receives a "delivered" receipt of each new message, signed with
	// Secret (the demo: xaso's own /api/v1/notify/receipts/sms).
	Callback string
	Secret   []byte

	mu   sync.Mutex
	Down bool
	sent []FakeSMSMessage
	keys map[string]string // idempotency key → id
}

// FakeSMSMessage is one SMS the fake took.
type FakeSMSMessage struct {
	ID, To, BrandName, Text, Key string
}

// SetDown makes the gateway answer 503 (true) or work (false).
func (f *FakeSMS) SetDown(down bool) { f.mu.Lock(); f.Down = down; f.mu.Unlock() }

// Sent is what the gateway took.
func (f *FakeSMS) Sent() []FakeSMSMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeSMSMessage(nil), f.sent...)
}

func (f *FakeSMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/send" {
		http.NotFound(w, r)
		return
	}
	if f.Token != "" && r.Header.Get("Authorization") != "Bearer "+f.Token {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var m struct {
		To        string `json:"to"`
		BrandName string `json:"brandname"`
		Text      string `json:"text"`
		Key       string `json:"idempotency_key"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 8<<10)).Decode(&m); err != nil || E164(m.To) != m.To || m.Text == "" {
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if f.keys == nil {
		f.keys = map[string]string{}
	}
	id, ok := f.keys[m.Key]
	if !ok || m.Key == "" {
		id = fmt.Sprintf("sms-%d", len(f.sent)+1)
		f.keys[m.Key] = id
		f.sent = append(f.sent, FakeSMSMessage{ID: id, To: m.To, BrandName: m.BrandName, Text: m.Text, Key: m.Key})
		if f.Callback != "" {
			go f.receipt(id)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"id": id})
}

// receipt posts the delivery receipt of id to Callback, after the sender recorded the
// acceptance (a receipt before it finds no attempt: retried a few times).
func (f *FakeSMS) receipt(id string) { postReceipt(f.Callback, f.Secret, id) }

// postReceipt posts a signed "delivered" receipt of id to callback, a few times until it
// is recorded.
func postReceipt(callback string, secret []byte, id string) {
	body, sig := ReceiptBody(secret, id, "delivered")
	c := &http.Client{Timeout: 10 * time.Second}
	for try := range 5 {
		time.Sleep(time.Duration(try+1) * time.Second)
		req, err := http.NewRequest(http.MethodPost, callback, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(SignatureHeader, sig)
		resp, err := c.Do(req)
		if err != nil {
			continue
		}
		var out struct{ Outcome string }
		json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && out.Outcome == "recorded" {
			return
		}
	}
}

// ReceiptBody is a delivery receipt of message id with status (delivered, failed), and
// its signature under secret: what the gateway posts to /api/v1/notify/receipts/sms.
func ReceiptBody(secret []byte, id, status string) (body []byte, sig string) {
	body, _ = json.Marshal(map[string]string{"id": id, "status": status})
	return body, Sign(secret, body)
}

// FakeZNS is a local Zalo ZNS endpoint speaking ZNSGateway's protocol; while Refuse is
// set it answers Zalo's error (-124, an unknown phone). With a Callback it posts a
// "delivered" receipt of each message it took, as Zalo's webhook does.
type FakeZNS struct {
	// Callback, when set, receives a "delivered" receipt of each new message (its
	// msg_id), signed with Secret (the demo: xaso's own /api/v1/notify/receipts/zalo).
	Callback string
	Secret   []byte

	mu     sync.Mutex
	Refuse bool
	sent   []map[string]any
}

// SetRefuse makes the fake refuse every message.
func (f *FakeZNS) SetRefuse(v bool) { f.mu.Lock(); f.Refuse = v; f.mu.Unlock() }

// Sent is what the fake took.
func (f *FakeZNS) Sent() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.sent...)
}

func (f *FakeZNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/message/template" {
		http.NotFound(w, r)
		return
	}
	var m map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 8<<10)).Decode(&m); err != nil {
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if f.Refuse {
		json.NewEncoder(w).Encode(map[string]any{"error": -124, "message": "user not found"})
		return
	}
	f.sent = append(f.sent, m)
	id := fmt.Sprintf("zns-%d", len(f.sent))
	if f.Callback != "" {
		go postReceipt(f.Callback, f.Secret, id)
	}
	json.NewEncoder(w).Encode(map[string]any{"error": 0, "message": "Success", "data": map[string]string{"msg_id": id}})
}

// FakePush is a local push service (RFC 8030): it verifies each push's VAPID JWT (ES256
// under the k= key, audience its own origin, not expired) and keeps the encrypted
// bodies by subscription; POST /push/{id}. Gone subscriptions answer 410.
type FakePush struct {
	Origin string // "http://127.0.0.1:port", the JWT's expected audience
	Now    func() time.Time
	mu     sync.Mutex
	pushes map[string][][]byte
	gone   map[string]bool
}

// Pushes is what subscription id received.
func (f *FakePush) Pushes(id string) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.pushes[id]...)
}

// Forget makes subscription id gone (410).
func (f *FakePush) Forget(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone == nil {
		f.gone = map[string]bool{}
	}
	f.gone[id] = true
}

func (f *FakePush) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/push/")
	if r.Method != http.MethodPost || !ok || id == "" {
		http.NotFound(w, r)
		return
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	if err := VerifyVAPID(r.Header.Get("Authorization"), f.Origin, now()); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
		http.Error(w, "bad headers", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4097))
	if err != nil || len(body) > 4096 || len(body) < 86 {
		http.Error(w, "bad body", http.StatusRequestEntityTooLarge)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone[id] {
		http.Error(w, "gone", http.StatusGone)
		return
	}
	if f.pushes == nil {
		f.pushes = map[string][][]byte{}
	}
	f.pushes[id] = append(f.pushes[id], body)
	w.Header().Set("Location", fmt.Sprintf("/message/%s/%d", id, len(f.pushes[id])))
	w.WriteHeader(http.StatusCreated)
}

// VerifyVAPID checks an Authorization header "vapid t=…, k=…" (RFC 8292): ES256 under
// k, aud equal to origin, exp in the future and within 24 hours.
func VerifyVAPID(header, origin string, now time.Time) error {
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok || len(header) > 2048 {
		return fmt.Errorf("vapid: no vapid authorization")
	}
	var t, k string
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			t = v
		} else if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	pub, err := b64.DecodeString(k)
	if err != nil {
		return fmt.Errorf("vapid: k")
	}
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return fmt.Errorf("vapid: k is not a P-256 point")
	}
	parts := strings.Split(t, ".")
	if len(parts) != 3 {
		return fmt.Errorf("vapid: t is not a JWT")
	}
	hdr, err1 := b64.DecodeString(parts[0])
	cl, err2 := b64.DecodeString(parts[1])
	sig, err3 := b64.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || len(sig) != 64 {
		return fmt.Errorf("vapid: JWT encoding")
	}
	var h struct{ Alg string }
	var c struct {
		Aud string
		Exp int64
		Sub string
	}
	if json.Unmarshal(hdr, &h) != nil || h.Alg != "ES256" || json.Unmarshal(cl, &c) != nil {
		return fmt.Errorf("vapid: JWT header or claims")
	}
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pub)
	if err != nil {
		return fmt.Errorf("vapid: k: %v", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(key, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return fmt.Errorf("vapid: bad signature")
	}
	if c.Aud != origin {
		return fmt.Errorf("vapid: audience %q", c.Aud)
	}
	if exp := time.Unix(c.Exp, 0); !exp.After(now) || exp.After(now.Add(24*time.Hour)) {
		return fmt.Errorf("vapid: expiry")
	}
	if c.Sub == "" {
		return fmt.Errorf("vapid: no sub")
	}
	return nil
}
