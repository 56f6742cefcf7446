package locale

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 5, ""},
		{"Nguyễn", 10, "Nguyễn"},
		{"Nguyễn", 6, "Nguyễn"},
		{"Nguyễn Văn An", 5, "Nguyễ"},     // "ễ" is three bytes: kept whole
		{"Thiếu giấy tờ", 4, "Thiế"},      // the cut falls after a three-byte letter
		{"ệệệ", 2, "ệệ"},                  // never inside one
		{"ab\xe1\xbbcd", 3, "ab\uFFFD"},   // invalid bytes in the input come out as U+FFFD
		{strings.Repeat("ệ", 10), 0, ""},  // nothing
		{"Hồ sơ 🙂 đã nhận", 7, "Hồ sơ 🙂"}, // four-byte characters too
	}
	for _, tt := range tests {
		got := Clip(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	long := strings.Repeat("Bổ sung bản sao giấy khai sinh. ", 100)
	if got := Clip(long, 2000); utf8.RuneCountInString(got) != 2000 || !strings.HasPrefix(long, got) {
		t.Errorf("Clip of a long reason: %d characters", utf8.RuneCountInString(got))
	}
}
