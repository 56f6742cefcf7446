package signing

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestKEKSealOpen(t *testing.T) {
	secret := strings.Repeat("k", MinKEKLength)
	if _, err := ParseKEK(secret[1:]); !errors.Is(err, ErrKEKInvalid) {
		t.Fatalf("short secret: %v", err)
	}
	k, err := ParseKEK(secret)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := ParseKEK(secret)
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
	if _, err := k.Open(sealed, []byte("unit 2")); !errors.Is(err, ErrSealedKeyInvalid) {
		t.Fatalf("other additional data: %v", err)
	}
	other, _ := ParseKEK(strings.Repeat("o", 40))
	if _, err := other.Open(sealed, []byte("unit 1")); !errors.Is(err, ErrKEKMismatch) {
		t.Fatalf("other KEK: %v", err)
	}
	broken := bytes.Clone(sealed)
	broken[len(broken)-1] ^= 1
	for name, b := range map[string][]byte{"flipped": broken, "short": sealed[:20], "empty": nil} {
		if _, err := k.Open(b, []byte("unit 1")); !errors.Is(err, ErrSealedKeyInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKEKSealSigner(t *testing.T) {
	ca, err := NewTestCA("CA", true)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.Issue(CertOptions{CommonName: "Đơn vị", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewKeySigner(key, []*x509.Certificate{cert, ca.Cert})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := ParseKEK(strings.Repeat("s", 48))
	sealed, err := k.SealSigner(s, []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	opened, err := k.OpenSigner(sealed, []byte("aad"), s.Chain())
	if err != nil || !samePublicKey(opened.PrivateKey().Public(), key.Public()) {
		t.Fatalf("open signer: %v", err)
	}
	// Paired with another certificate, the key is refused.
	other, _, _ := ca.Issue(CertOptions{CommonName: "Khác", ECDSA: true})
	if _, err := k.OpenSigner(sealed, []byte("aad"), []*x509.Certificate{other}); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("other certificate: %v", err)
	}
}

// VerifyChain is the check VerifyPDF makes of a signer: trusted through the anchors at
// the given time, untrusted otherwise, no_trust_anchors without any.
func TestVerifyChain(t *testing.T) {
	ca, _ := NewTestCA("CA", true)
	cert, _, _ := ca.Issue(CertOptions{CommonName: "Đơn vị", ECDSA: true})
	now := time.Now()
	if rep, chain := VerifyChain(cert, nil, []*x509.Certificate{ca.Cert}, now); rep.Status != ChainTrusted || len(chain) != 2 {
		t.Fatalf("trusted: %+v", rep)
	}
	if rep, _ := VerifyChain(cert, nil, nil, now); rep.Status != ChainNoTrustAnchors {
		t.Fatalf("no anchors: %+v", rep)
	}
	other, _ := NewTestCA("CA khác", true)
	if rep, chain := VerifyChain(cert, []*x509.Certificate{ca.Cert}, []*x509.Certificate{other.Cert}, now); rep.Status != ChainUntrusted || chain != nil || rep.Error == "" {
		t.Fatalf("untrusted: %+v", rep)
	}
	if rep, _ := VerifyChain(cert, nil, []*x509.Certificate{ca.Cert}, now.AddDate(5, 0, 0)); rep.Status != ChainUntrusted {
		t.Fatalf("after the certificate's end: %+v", rep)
	}
}
