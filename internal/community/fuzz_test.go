package community

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Filings come from outside (the public form, the API): any bytes give a checked filing
// or field errors, never a panic, and a phone is either ten digits or refused.
func FuzzFilingCheck(f *testing.F) {
	f.Add("14731", "14731-01", "+84 912 345 678", "Nguyễn Văn A", "install_app", "Nhờ cài VNeID")
	f.Add("", "", "", "", "", "")
	f.Add("x", strings.Repeat("Thôn ", 10000), strings.Repeat("9", 100000), strings.Repeat("\x00", 1000), "other", strings.Repeat("ả", 50000))
	f.Add("14731", "\u202e01-13741", "0(91)2.345-678", "\xff\xfe", "loudspeaker", "\r\n\t")
	f.Fuzz(func(t *testing.T, unit, village, phone, name, topic, desc string) {
		in, err := Filing{Unit: unit, Village: village, Phone: phone, Name: name, Topic: topic, Description: desc}.check()
		if err == nil {
			if len(in.Phone) != 10 || in.Phone[0] != '0' || utf8.RuneCountInString(in.Description) > MaxDescription {
				t.Fatalf("accepted %+v", in)
			}
			if _, ok := topicLabels[Topic(in.Topic)]; !ok {
				t.Fatalf("accepted topic %q", in.Topic)
			}
		}
		if p := NormalizePhone(phone); p != "" && len(p) != 10 {
			t.Fatalf("phone %q → %q", phone, p)
		}
		_ = ValidCode(village)
	})
}

// Install ids come from anyone's phone: any bytes are an id of 16 to 64 ASCII letters,
// digits, "-" or "_", or refused; the hash kept is always 64 hex digits.
func FuzzInstallID(f *testing.F) {
	f.Add("b2f1c7e0-4a1d-4c8e-9d2a-7f3e5b6a9c01")
	f.Add("")
	f.Add(strings.Repeat("a", 1<<20))
	f.Add(strings.Repeat("é", 20))
	f.Add("0123456789abcdef\x00")
	f.Add("<script>alert(1)</script>")
	f.Fuzz(func(t *testing.T, id string) {
		if ValidInstallID(id) {
			if len(id) < 16 || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
				t.Fatalf("accepted %q", id)
			}
		}
		if h := InstallHash(id); len(h) != 64 {
			t.Fatalf("hash %q", h)
		}
	})
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"0912345678": "0912345678", "+84 912 345 678": "0912345678", "84912345678": "0912345678",
		"091.234.5678": "0912345678", "0212345678": "", "12345": "", "09123456789": "", "0912a45678": "", "": ""} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}
