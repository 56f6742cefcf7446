package blob

import "crypto/rand"

func randomSuffix() []byte {
	b := make([]byte, 12)
	rand.Read(b)
	return b
}
