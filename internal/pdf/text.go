package pdf

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// Date formats t as a PDF date, D:YYYYMMDDHHmmSS+07'00'.
func Date(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// Text encodes s as a PDF text string: ASCII as it is, anything else as UTF-16BE
// with a byte-order mark.
func Text(s string) String {
	ascii := true
	for _, r := range s {
		if r >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return String(s)
	}
	out := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return String(out)
}

// TextOf reads a text string (or a name) as UTF-8: UTF-16BE with its byte-order mark,
// anything else as it is; any other value is "".
func TextOf(v any) string {
	switch s := v.(type) {
	case String:
		return decodeText([]byte(s))
	case HexString:
		return decodeText([]byte(s))
	case Name:
		return string(s)
	}
	return ""
}

func decodeText(b []byte) string {
	if len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff {
		var u []rune
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, rune(b[i])<<8|rune(b[i+1]))
		}
		return string(decodeUTF16(u))
	}
	return string(b)
}

func decodeUTF16(u []rune) []rune {
	out := make([]rune, 0, len(u))
	for i := 0; i < len(u); i++ {
		r := u[i]
		if r >= 0xd800 && r < 0xdc00 && i+1 < len(u) && u[i+1] >= 0xdc00 && u[i+1] < 0xe000 {
			r = (r-0xd800)<<10 + (u[i+1] - 0xdc00) + 0x10000
			i++
		}
		out = append(out, r)
	}
	return out
}

// ParseDate reads a PDF date (D:YYYYMMDDHHmmSS+HH'mm').
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(s, "D:")
	if len(s) < 14 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102150405", s[:14])
	if err != nil {
		return time.Time{}, false
	}
	rest := s[14:]
	if rest == "" || rest[0] == 'Z' {
		return t, true
	}
	if len(rest) >= 3 && (rest[0] == '+' || rest[0] == '-') {
		var hh, mm int
		fmt.Sscanf(strings.ReplaceAll(rest[1:], "'", " "), "%d %d", &hh, &mm)
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.FixedZone("", off)), true
	}
	return t, true
}
