package signing

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"

	"golang.org/x/crypto/argon2"
)

// A sealed PKCS#12 file is how xaso keeps an official's key: the file as the official
// gave it, encrypted once more with AES-256-GCM under a key derived from the passphrase
// by argon2id. xaso never stores the passphrase; without it the sealed bytes are useless
// even to someone who also breaks the PKCS#12 file's own (often weak, legacy) encryption.
//
// Layout: "xsk1" | salt (16) | nonce (12) | ciphertext+tag.
var sealMagic = []byte("xsk1")

const (
	sealTime   = 2
	sealMemory = 19 * 1024 // KiB: OWASP's argon2id minimum
)

func sealKey(passphrase string, salt []byte) []byte {
	return argon2.IDKey([]byte(passphrase), salt, sealTime, sealMemory, 1, 32)
}

// SealPKCS12 checks that p12 opens with passphrase and returns it sealed, with the signer
// it holds (to record the certificate's details).
func SealPKCS12(p12 []byte, passphrase string) ([]byte, *PKCS12Signer, error) {
	s, err := LoadPKCS12(p12, passphrase)
	if err != nil {
		return nil, nil, err
	}
	salt := make([]byte, 16)
	nonce := make([]byte, 12)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	block, err := aes.NewCipher(sealKey(passphrase, salt))
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	out := append(append(append(append([]byte(nil), sealMagic...), salt...), nonce...), gcm.Seal(nil, nonce, p12, sealMagic)...)
	return out, s, nil
}

// OpenSealedPKCS12 unseals and opens a sealed PKCS#12 file with the official's
// passphrase, at signing time.
func OpenSealedPKCS12(sealed []byte, passphrase string) (*PKCS12Signer, error) {
	if len(sealed) < 4+16+12+16 || !bytes.Equal(sealed[:4], sealMagic) {
		return nil, ErrP12Invalid.With(errors.New("not a sealed PKCS#12 file"))
	}
	salt, nonce, ct := sealed[4:20], sealed[20:32], sealed[32:]
	block, err := aes.NewCipher(sealKey(passphrase, salt))
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	p12, err := gcm.Open(nil, nonce, ct, sealMagic)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return LoadPKCS12(p12, passphrase)
}
