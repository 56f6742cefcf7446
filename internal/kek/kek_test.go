package kek

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
)

func TestSealOpen(t *testing.T) {
	secret := strings.Repeat("k", MinLength)
	if _, err := Parse(secret[1:]); !errors.Is(err, ErrInvalid) {
		t.Fatalf("short secret: %v", err)
	}
	k, err := Parse(secret)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := Parse(secret)
	if k.ID() != k2.ID() || len(k.ID()) != 16 {
		t.Fatalf("id not stable: %s %s", k.ID(), k2.ID())
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "kek", k)
	if strings.Contains(logged.String(), secret) || !strings.Contains(logged.String(), k.ID()) || strings.Contains(fmt.Sprint(k), secret) {
		t.Fatalf("the KEK leaks into the log: %s", logged.String())
	}
	sealed, err := k.Seal([]byte("khóa bí mật"), []byte("unit 1"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := k.Seal([]byte("khóa bí mật"), []byte("unit 1"))
	if bytes.Equal(sealed, again) || bytes.Contains(sealed, []byte("khóa")) {
		t.Fatal("sealing is not randomised, or leaves the plaintext")
	}
	if p, err := k.Open(sealed, []byte("unit 1")); err != nil || string(p) != "khóa bí mật" {
		t.Fatalf("open: %q %v", p, err)
	}
	if _, err := k.Open(sealed, []byte("unit 2")); !errors.Is(err, ErrSealedInvalid) {
		t.Fatalf("other additional data: %v", err)
	}
	other, _ := Parse(strings.Repeat("o", 40))
	if _, err := other.Open(sealed, []byte("unit 1")); !errors.Is(err, ErrMismatch) {
		t.Fatalf("other KEK: %v", err)
	}
	broken := bytes.Clone(sealed)
	broken[len(broken)-1] ^= 1
	for name, b := range map[string][]byte{"flipped": broken, "short": sealed[:20], "empty": nil} {
		if _, err := k.Open(b, []byte("unit 1")); !errors.Is(err, ErrSealedInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSealSigner(t *testing.T) {
	ca, err := democa.New("CA", true)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.Issue(democa.CertOptions{CommonName: "Đơn vị", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.NewKeySigner(key, []*x509.Certificate{cert, ca.Cert})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := Parse(strings.Repeat("s", 48))
	sealed, err := k.SealSigner(s, []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	opened, err := k.OpenSigner(sealed, []byte("aad"), s.Chain())
	if err != nil || !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(opened.PrivateKey().Public()) {
		t.Fatalf("open signer: %v", err)
	}
	// Paired with another certificate, the key is refused.
	other, _, _ := ca.Issue(democa.CertOptions{CommonName: "Khác", ECDSA: true})
	if _, err := k.OpenSigner(sealed, []byte("aad"), []*x509.Certificate{other}); !errors.Is(err, signing.ErrKeyMismatch) {
		t.Fatalf("other certificate: %v", err)
	}
}
