// Package kek is the server's key-encryption key: it seals the private keys that must
// sign without a human at hand (a collecting unit's receipt key), bound to the row they
// belong to. The key comes from the server's environment (XASO_RECEIPT_KEK), never from
// the database. Officials' PKCS#12 files are sealed otherwise, under their own
// passphrase (signing.SealPKCS12).
package kek

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/signing"
)

// A Key (key-encryption key, KEK) seals the private keys that must sign without a human at
// hand: a collecting unit's receipt key signs the receipt in the transaction that records
// the bank's notification, so no passphrase can be asked for. The KEK comes from the
// server's environment (XASO_RECEIPT_KEK), never from the database: a copy of the
// database or of a backup without it holds only sealed keys.
//
// Sealed layout: "xkk1" | KEK id (8) | salt (16) | nonce (12) | AES-256-GCM ciphertext+tag,
// the AES key being HKDF-SHA-256(master, salt, "xaso kek seal v1") and the additional data
// the caller's (the unit and the certificate the key belongs to), so a sealed key moved to
// another row does not open.
type Key struct {
	master []byte
	id     []byte
}

var kekMagic = []byte("xkk1")

// MinLength is the shortest secret Parse accepts, in bytes: 32 random bytes as hex
// (openssl rand -hex 32) give 64.
const MinLength = 32

// Errors of the key, with stable codes.
var (
	ErrInvalid = apperr.Invalidf("receipt_kek_invalid",
		"Khóa mã hóa khóa ký (XASO_RECEIPT_KEK) phải dài ít nhất 32 ký tự, ví dụ kết quả của lệnh openssl rand -hex 32.")
	ErrMismatch = apperr.New(apperr.Unavailable, "receipt_kek_mismatch",
		"Khóa ký biên lai được mã hóa bằng một khóa XASO_RECEIPT_KEK khác với khóa máy chủ đang dùng.")
	ErrSealedInvalid = apperr.New(apperr.Unavailable, "receipt_key_sealed_invalid",
		"Không giải mã được khóa ký biên lai đã lưu (dữ liệu hỏng hoặc không thuộc đơn vị và chứng thư này).")
)

// Parse makes the key of a secret of at least MinLength bytes (used as its bytes).
func Parse(secret string) (*Key, error) {
	if len(secret) < MinLength {
		return nil, ErrInvalid
	}
	master, err := hkdf.Key(sha256.New, []byte(secret), nil, "xaso receipt kek v1", 32)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, master)
	m.Write([]byte("xaso kek id"))
	return &Key{master: master, id: m.Sum(nil)[:8]}, nil
}

// ID names the KEK without revealing it (16 hex digits), for the log and the stored keys.
func (k *Key) ID() string { return hex.EncodeToString(k.id) }

// LogValue keeps the KEK out of logs: only its ID is printed.
func (k *Key) LogValue() slog.Value { return slog.StringValue("kek:" + k.ID()) }

// String prints the ID only.
func (k *Key) String() string { return "kek:" + k.ID() }

func (k *Key) aead(salt []byte) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, k.master, salt, "xaso kek seal v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext, bound to aad.
func (k *Key) Seal(plaintext, aad []byte) ([]byte, error) {
	salt, nonce := make([]byte, 16), make([]byte, 12)
	rand.Read(salt)
	rand.Read(nonce)
	g, err := k.aead(salt)
	if err != nil {
		return nil, err
	}
	out := append(append(append(append([]byte(nil), kekMagic...), k.id...), salt...), nonce...)
	return g.Seal(out, nonce, plaintext, aad), nil
}

// Open decrypts what Seal wrote with the same aad: ErrMismatch when another key
// sealed it, ErrSealedInvalid when it is damaged or bound to other data.
func (k *Key) Open(sealed, aad []byte) ([]byte, error) {
	if len(sealed) < 4+8+16+12+16 || !bytes.Equal(sealed[:4], kekMagic) {
		return nil, ErrSealedInvalid
	}
	if !hmac.Equal(sealed[4:12], k.id) {
		return nil, ErrMismatch.With(fmt.Errorf("sealed by kek:%x, server has %s", sealed[4:12], k))
	}
	salt, nonce, ct := sealed[12:28], sealed[28:40], sealed[40:]
	g, err := k.aead(salt)
	if err != nil {
		return nil, err
	}
	p, err := g.Open(nil, nonce, ct, aad)
	if err != nil {
		return nil, ErrSealedInvalid
	}
	return p, nil
}

// SealSigner seals the signer's private key (PKCS #8) under the KEK, bound to aad.
func (k *Key) SealSigner(s *signing.PKCS12Signer, aad []byte) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(s.PrivateKey())
	if err != nil {
		return nil, fmt.Errorf("kek: seal key: %w", err)
	}
	return k.Seal(der, aad)
}

// OpenSigner opens a key sealed by SealSigner and pairs it with its certificate chain
// (certificate first); signing.ErrKeyMismatch when the key is not the certificate's.
func (k *Key) OpenSigner(sealed, aad []byte, chain []*x509.Certificate) (*signing.PKCS12Signer, error) {
	der, err := k.Open(sealed, aad)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, ErrSealedInvalid.With(err)
	}
	if _, ok := key.(crypto.Signer); !ok {
		return nil, ErrSealedInvalid.With(errors.New("not a signing key"))
	}
	return signing.NewKeySigner(key, chain)
}
