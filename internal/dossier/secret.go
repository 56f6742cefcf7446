package dossier

import (
	"crypto/subtle"
	"strings"
)

// SecretMatches compares a typed look-up secret with d's in constant time, ignoring case
// and surrounding spaces: citizens type it from the paper receipt.
func SecretMatches(d Dossier, typed string) bool {
	return d.Secret != "" && subtle.ConstantTimeCompare([]byte(strings.ToUpper(strings.TrimSpace(typed))), []byte(d.Secret)) == 1
}
