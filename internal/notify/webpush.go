package notify

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

var b64 = base64.RawURLEncoding

// VAPID is the server's key for Web Push (RFC 8292): an ECDSA P-256 key that signs a
// JWT (ES256) in each push; browsers subscribe with its public key.
type VAPID struct {
	Key     *ecdsa.PrivateKey
	Subject string // "mailto:…" or the portal's https address
}

// PublicKey is the uncompressed P-256 point, base64url: applicationServerKey.
func (v VAPID) PublicKey() string {
	pub, err := v.Key.PublicKey.ECDH()
	if err != nil {
		return ""
	}
	return b64.EncodeToString(pub.Bytes())
}

// NewVAPIDKey makes a key; MarshalVAPIDKey and ParseVAPIDKey store it (PKCS #8).
func NewVAPIDKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

// MarshalVAPIDKey writes the private key as PKCS #8.
func MarshalVAPIDKey(k *ecdsa.PrivateKey) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(k) }

// ParseVAPIDKey reads a PKCS #8 P-256 key.
func ParseVAPIDKey(der []byte) (*ecdsa.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok || ek.Curve != elliptic.P256() {
		return nil, errors.New("notify: VAPID key is not P-256")
	}
	return ek, nil
}

// Authorization is the header of a push to endpoint: "vapid t=<JWT>, k=<public key>",
// the JWT's audience the push service's origin, valid 12 hours.
func (v VAPID) Authorization(endpoint string, now time.Time) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("notify: push endpoint %q", endpoint)
	}
	header := b64.EncodeToString([]byte(`{"typ":"JWT","alg":"ES256"}`))
	claims, _ := json.Marshal(map[string]any{"aud": u.Scheme + "://" + u.Host, "exp": now.Add(12 * time.Hour).Unix(), "sub": v.Subject})
	signing := header + "." + b64.EncodeToString(claims)
	h := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, v.Key, h[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return "vapid t=" + signing + "." + b64.EncodeToString(sig) + ", k=" + v.PublicKey(), nil
}

// Encrypt encrypts a push message for a subscription (RFC 8291, aes128gcm of RFC 8188,
// one record): a fresh ephemeral key and salt each time.
func Encrypt(plaintext []byte, p256dh, auth string) ([]byte, error) {
	ua, err := b64.DecodeString(p256dh)
	if err != nil {
		return nil, fmt.Errorf("notify: p256dh: %w", err)
	}
	secret, err := b64.DecodeString(auth)
	if err != nil {
		return nil, fmt.Errorf("notify: auth: %w", err)
	}
	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	return encrypt(plaintext, ua, secret, as, salt)
}

// MaxPushPayload is the plaintext a push carries at most (4096-byte records, RFC 8291 §4).
const MaxPushPayload = 3993

func encrypt(plaintext, uaPublic, authSecret []byte, as *ecdh.PrivateKey, salt []byte) ([]byte, error) {
	if len(plaintext) > MaxPushPayload {
		return nil, errors.New("notify: push payload too large")
	}
	if len(authSecret) != 16 {
		return nil, errors.New("notify: push auth secret is not 16 bytes")
	}
	ua, err := ecdh.P256().NewPublicKey(uaPublic)
	if err != nil {
		return nil, fmt.Errorf("notify: p256dh: %w", err)
	}
	shared, err := as.ECDH(ua)
	if err != nil {
		return nil, err
	}
	asPublic := as.PublicKey().Bytes()
	keyInfo := append(append([]byte("WebPush: info\x00"), uaPublic...), asPublic...)
	ikm, err := hkdf.Key(sha256.New, shared, authSecret, string(keyInfo), 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write(salt)
	binary.Write(&out, binary.BigEndian, uint32(4096))
	out.WriteByte(byte(len(asPublic)))
	out.Write(asPublic)
	record := append(append([]byte{}, plaintext...), 0x02) // the last record's delimiter
	out.Write(gcm.Seal(nil, nonce, record, nil))
	return out.Bytes(), nil
}

// PushGateway sends Web Push messages to the subscriptions' push services.
type PushGateway struct {
	VAPID  VAPID
	Client *http.Client
	Now    func() time.Time
	// Gone is told of a subscription the push service no longer knows (404, 410).
	Gone func(ctx context.Context, endpoint string)
}

// PushPayload is what the service worker receives (JSON).
type PushPayload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url,omitempty"`
	Tag   string `json:"tag,omitempty"`
}

// Send implements Gateway: 201 is accepted; 404 and 410 end the subscription (refused
// for good); other 4xx refused for good; 429, 5xx retried.
func (g PushGateway) Send(ctx context.Context, d Delivery) (string, error) {
	sub := d.Route.Push
	if sub == nil {
		return "", fmt.Errorf("%w: no subscription", ErrPermanent)
	}
	plain, _ := json.Marshal(PushPayload{Title: d.Subject, Body: d.Text, URL: d.URL, Tag: d.Ref})
	body, err := Encrypt(plain, sub.P256dh, sub.Auth)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	auth, err := g.VAPID.Authorization(sub.Endpoint, now())
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Encoding", "aes128gcm")
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("TTL", strconv.Itoa(4*24*3600))
	req.Header.Set("Urgency", "normal")
	c := g.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("notify: push: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		if g.Gone != nil {
			g.Gone(ctx, sub.Endpoint)
		}
		return "", fmt.Errorf("%w: push subscription gone (HTTP %d)", ErrPermanent, resp.StatusCode)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "", fmt.Errorf("notify: push: HTTP %d", resp.StatusCode)
	case resp.StatusCode >= 400:
		return "", fmt.Errorf("%w: push: HTTP %d", ErrPermanent, resp.StatusCode)
	}
	return resp.Header.Get("Location"), nil
}
