package notify

import "crypto/ecdh"

// EncryptWith is encrypt with a given ephemeral key and salt (the RFC's vector).
func EncryptWith(plaintext, uaPublic, auth []byte, as *ecdh.PrivateKey, salt []byte) ([]byte, error) {
	return encrypt(plaintext, uaPublic, auth, as, salt)
}
