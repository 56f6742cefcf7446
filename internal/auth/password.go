package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// TestParams are cheap parameters for tests and benchmarks only.
var TestParams = Params{Memory: 1024, Time: 1, Threads: 1}

// Hasher hashes passwords with argon2id. A semaphore bounds how many hashes run at once:
// each takes Params.Memory, and a burst of logins must not exhaust the PC's memory.
type Hasher struct {
	p   Params
	sem chan struct{}
}

// NewHasher returns a Hasher running at most concurrent hashes at once.
func NewHasher(p Params, concurrent int) *Hasher {
	return &Hasher{p: p, sem: make(chan struct{}, max(1, concurrent))}
}

// Hash returns the PHC string of pw: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func (h *Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := h.derive(pw, salt, h.p, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.Memory, h.p.Time, h.p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify reports whether pw matches encoded, and whether the hash should be upgraded to
// the current parameters.
func (h *Hasher) Verify(pw, encoded string) (ok, rehash bool) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false
	}
	got := h.derive(pw, salt, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, p != h.p
}

func (h *Hasher) derive(pw string, salt []byte, p Params, n uint32) []byte {
	h.sem <- struct{}{}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, n)
}

var errBadHash = errors.New("auth: malformed password hash")

func decodeHash(s string) (Params, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return Params{}, nil, nil, errBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errBadHash
	}
	// Refuse absurd costs from a tampered row rather than allocate gigabytes.
	if p.Memory == 0 || p.Memory > 1<<21 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return Params{}, nil, nil, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
