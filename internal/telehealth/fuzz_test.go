package telehealth_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/telehealth"
)

// FuzzCheckRequest holds the booking's input checks to their bounds whatever the bytes:
// no panic, a reason accepted is non-empty and at most MaxReason letters, a phone
// accepted is E.164, a code accepted has the code's shape.
func FuzzCheckRequest(f *testing.F) {
	f.Add("Ho kéo dài", "Bà Lan", "0912 345 678", "KB-7KQ2MX9A")
	f.Add(strings.Repeat("ế", 100_000), strings.Repeat("\x00", 10_000), strings.Repeat("9", 1<<16), strings.Repeat("K", 1<<16))
	f.Add("\r\n\t\u202e", "\xff\xfe", "+84+84+84", "KB-")
	f.Add(strings.Repeat("a\n", 1<<15), "", "(((((((((", "kb-7kq2mx9a")
	f.Fuzz(func(t *testing.T, reason, name, phone, code string) {
		in, e164, err := telehealth.CheckRequest(telehealth.Request{Reason: reason, Name: name, Phone: phone})
		if err == nil {
			if n := utf8.RuneCountInString(in.Reason); n == 0 || n > telehealth.MaxReason {
				t.Fatalf("reason of %d letters accepted", n)
			}
			if utf8.RuneCountInString(in.Name) > telehealth.MaxName {
				t.Fatal("long name accepted")
			}
			if strings.TrimSpace(phone) != "" && !strings.HasPrefix(e164, "+84") {
				t.Fatalf("phone %q accepted as %q", phone, e164)
			}
		}
		if telehealth.ValidCode(code) && (len(code) != 11 || !strings.HasPrefix(code, "KB-")) {
			t.Fatalf("code %q accepted", code)
		}
	})
}
