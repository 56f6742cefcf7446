package mail_test

import (
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/mail"
)

// TestDKIM: messages of several shapes sign and verify; what relaxed canonicalization
// ignores (folding, runs of spaces, trailing blank lines) does not break the signature,
// a changed word does.
func TestDKIM(t *testing.T) {
	dk := dkimKey(t)
	key := func(string, string) (*rsa.PublicKey, error) { return &dk.Key.PublicKey, nil }
	cases := []struct {
		name, msg, mangled string
		stillValid         bool
	}{
		{"plain", "From: a@xa.gov.vn\r\nTo: b@huyen.gov.vn\r\nSubject: Thử\r\n\r\nNội dung\r\n",
			"From: a@xa.gov.vn\r\nTo: b@huyen.gov.vn\r\nSubject: Thử\r\n\r\nNội dung\r\n\r\n\r\n", true},
		{"folded header", "From: a@xa.gov.vn\r\nSubject: một\r\n  hai\r\n\r\nx\r\n",
			"From: a@xa.gov.vn\r\nSubject: một hai\r\n\r\nx\r\n", true},
		{"spaces in body", "From: a@xa.gov.vn\r\n\r\na  b\t c \r\n",
			"From: a@xa.gov.vn\r\n\r\na b c\r\n", true},
		{"empty body", "From: a@xa.gov.vn\r\n\r\n", "From: a@xa.gov.vn\r\n\r\n\r\n", true},
		{"changed word", "From: a@xa.gov.vn\r\n\r\nsố 01\r\n", "From: a@xa.gov.vn\r\n\r\nsố 02\r\n", false},
		{"changed sender", "From: a@xa.gov.vn\r\n\r\nx\r\n", "From: b@xa.gov.vn\r\n\r\nx\r\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			signed, err := dk.Sign([]byte(c.msg))
			if err != nil {
				t.Fatal(err)
			}
			if err := mail.Verify(signed, key); err != nil {
				t.Fatalf("own signature: %v\n%s", err, signed)
			}
			sig, _, _ := strings.Cut(string(signed), c.msg)
			err = mail.Verify([]byte(sig+c.mangled), key)
			if (err == nil) != c.stillValid {
				t.Fatalf("mangled: %v, want valid=%v", err, c.stillValid)
			}
		})
	}
}
