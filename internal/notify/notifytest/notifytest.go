// Package notifytest is the browser's side of Web Push for tests: a subscriber's P-256
// key pair and auth secret, and the decryption of what a push service received (RFC 8291
// over RFC 8188, one record), written from the RFCs rather than from internal/notify's
// encryption, so that a test of one checks the other.
package notifytest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// Subscriber is what a browser keeps of its push subscription: its private key and the
// auth secret it gave the application server.
type Subscriber struct {
	Key  *ecdh.PrivateKey
	Auth []byte
}

// NewSubscriber makes a fresh key pair and a 16-byte auth secret.
func NewSubscriber() (*Subscriber, error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	a := make([]byte, 16)
	rand.Read(a)
	return &Subscriber{Key: k, Auth: a}, nil
}

// P256DH is the public key as PushSubscription.toJSON() gives it (keys.p256dh).
func (s *Subscriber) P256DH() string {
	return base64.RawURLEncoding.EncodeToString(s.Key.PublicKey().Bytes())
}

// AuthSecret is the auth secret as PushSubscription.toJSON() gives it (keys.auth).
func (s *Subscriber) AuthSecret() string { return base64.RawURLEncoding.EncodeToString(s.Auth) }

// Decrypt opens a push body sent to s.
func (s *Subscriber) Decrypt(body []byte) ([]byte, error) { return Decrypt(body, s.Key, s.Auth) }

// Decrypt is the browser's side of RFC 8291 / 8188 (one record): body as the push
// service received it, ua the subscriber's private key, authSecret its auth secret.
func Decrypt(body []byte, ua *ecdh.PrivateKey, authSecret []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if rs < 18 || len(body) < 21+idlen {
		return nil, errors.New("header")
	}
	asPublic, ct := body[21:21+idlen], body[21+idlen:]
	as, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, err
	}
	shared, err := ua.ECDH(as)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), ua.PublicKey().Bytes()...), asPublic...)
	ikm, err := hkdf.Key(sha256.New, shared, authSecret, string(info), 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, err
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 0x02 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}
