// Package locale formats numbers, money, dates and times the way Vietnamese
// administrative paper and screens write them: dot thousands separators, amounts read
// out in words, and dates by the rules of Decree 30/2020/NĐ-CP (Appendix I) on the
// presentation of administrative documents.
//
// The package is pure: no I/O, no clock. Times are shown in Vietnamese civil time
// ([Zone], UTC+7) whatever zone they carry.
package locale

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Zone is Vietnamese civil time (Asia/Ho_Chi_Minh), the one definition every package
// uses. Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed zone gives
// the same answers as the tz database for every date the product handles, without
// needing tzdata on the machine.
var Zone = time.FixedZone("ICT", 7*3600)

// NFC returns s in Unicode normalisation form C. Vietnamese text typed on some keyboards
// or pasted from PDFs arrives decomposed (a base letter followed by combining marks);
// fonts without mark positioning draw those marks in the wrong place and searches miss
// them, so every string bound for paper or the database goes through NFC first.
func NFC(s string) string {
	return norm.NFC.String(s)
}

// capitalise upper-cases the first letter of s, as a sentence or an amount in words
// starts.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Clip shortens s to at most n characters, cutting between characters: a cut by bytes
// can fall inside a Vietnamese letter (two or three bytes in UTF-8) and leave invalid
// text, which PostgreSQL refuses and pages show as garbage. Bytes that were not valid
// UTF-8 to begin with become U+FFFD, so what comes out is always valid.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}
