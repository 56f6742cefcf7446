package payment

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/payment/vietqr"
)

// A reference (nội dung chuyển khoản) is what a payment request asks the payer's bank to
// pass on, and what the unit's bank statement line and notification carry back. It is
// fifteen characters, upper-case letters and digits only:
//
//	XS 260126 0007 1 K3
//	│  │      │    │ └ check: 2 characters, a hash of the full dossier code and the ordinal
//	│  │      │    └ ordinal of the request among the dossier's requests (1, 2, … 9, A … Z)
//	│  │      └ the dossier code's daily sequence (0001–9999; beyond, see below)
//	│  └ the dossier code's date, YYMMDD
//	└ marker
//
// Why this shape:
//   - Only letters and digits: banking apps and statements upper-case the description,
//     drop or replace spaces, dots and dashes, and cut it; a reference with no
//     punctuation survives all of that. The dossier code itself (25 characters with
//     dots and dashes) does not: it is too long for "Le phi " plus the code in the 25
//     characters of the QR purpose, and apps mangle its punctuation.
//   - Fixed length, so that it can be found in text the bank glued to it on either side
//     ("MBVCB.3278614.XS26012600071K3.CT tu ...") once every separator is dropped.
//   - The date and the sequence are the dossier code's own, so an accountant reading a
//     statement line sees which dossier it is ("…-260126-0007") without a look-up.
//   - The ordinal makes the reference unique per request: a dossier may be billed again
//     after a cancellation or for an extra fee.
//   - The check (10 bits) is a hash of the whole dossier code, which begins with the
//     receiving unit's electronic identifier, and of the ordinal. Two units' dossiers
//     with the same date and sequence get different references (but for 1 in 1,024),
//     and a typing mistake in the date, sequence or ordinal gives a reference that
//     matches another request only by a 1-in-1,024 accident; Match never applies a
//     transfer to a reference that is not exactly a candidate's.
//   - "Le phi " plus the reference is 22 characters: it fits the 25 of the VietQR
//     purpose field (tag 62.08), and the reference alone fits the bill number (62.01).
//
// The check and ordinal use Crockford's base 32 (no I, L, O, U), and ParseReference
// reads O as 0 and I or L as 1 there, as people type them. A sequence above 9999 — more
// dossiers than any one-stop desk receives in a day, but the code format allows it — is
// written as a letter followed by three base-32 characters (10000 + value), so the
// reference keeps its length; sequences above 730895 cannot be referenced.
const (
	referenceMarker = "XS"
	// ReferenceLength is the length of every reference.
	ReferenceLength = 15
	// MaxOrdinal is the number of requests a dossier can have.
	MaxOrdinal = 31
	// referenceVersion is hashed with the code, so that a future format gives
	// different checks rather than colliding ones.
	referenceVersion = "xaso-payment-reference-v1"

	crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	letters   = "ABCDEFGHJKMNPQRSTVWXYZ" // Crockford's letters, the first character of a large sequence
	maxSeq    = 10000 + len(letters)*32*32*32 - 1
)

// FormatReference returns the reference of the n-th payment request (n from 1) of the
// dossier with code.
func FormatReference(code string, n int) (string, error) {
	_, day, seq, err := dossier.ParseCode(code)
	if err != nil {
		return "", fmt.Errorf("payment: reference for %q: %w", code, ErrInvalidReference.With(err))
	}
	if n < 1 || n > MaxOrdinal {
		return "", fmt.Errorf("payment: reference for %q: ordinal %d outside 1–%d: %w", code, n, MaxOrdinal, ErrInvalidReference)
	}
	if seq > maxSeq {
		return "", fmt.Errorf("payment: reference for %q: sequence %d above %d: %w", code, seq, maxSeq, ErrInvalidReference)
	}
	b := make([]byte, 0, ReferenceLength)
	b = append(b, referenceMarker...)
	b = fmt.Appendf(b, "%02d%02d%02d", day.Year%100, int(day.Month), day.Day)
	if seq <= 9999 {
		b = fmt.Appendf(b, "%04d", seq)
	} else {
		v := seq - 10000
		b = append(b, letters[v>>15], crockford[v>>10&31], crockford[v>>5&31], crockford[v&31])
	}
	b = append(b, crockford[n])
	sum := sha256.Sum256([]byte(referenceVersion + "\x00" + code + "\x00" + strconv.Itoa(n)))
	check := int(sum[0])<<2 | int(sum[1])>>6
	b = append(b, crockford[check>>5], crockford[check&31])
	return string(b), nil
}

// ParseReference finds the first reference in a transfer description, however the
// banks have treated it: upper- or lower-cased, with accents, with spaces, dots or
// dashes added inside it or removed around it, with text before and after. It checks
// the reference's shape (the marker, a real date, the sequence, ordinal and check
// characters), not which request it names: that is Match's work.
func ParseReference(description string) (string, bool) {
	refs := FindReferences(description)
	if len(refs) == 0 {
		return "", false
	}
	return refs[0], true
}

// FindReferences returns every distinct reference in a description, in order. A payer
// who pays two requests in one transfer writes two.
func FindReferences(description string) []string {
	s := compact(description)
	var out []string
	for i := 0; i+ReferenceLength <= len(s); i++ {
		var ref string
		var ok bool
		switch s[i : i+2] {
		case "XS":
			ref, ok = readReference(s[i : i+ReferenceLength])
		case certificationMarker:
			ref, ok = readCertificationReference(s[i : i+ReferenceLength])
		}
		if ok && !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out
}

// compact keeps only the letters and digits of s, upper-cased, with Vietnamese accents
// removed: what is left of a description once every app has done its worst.
func compact(s string) string {
	s = vietqr.StripDiacritics(s)
	b := make([]byte, 0, len(s))
	for i := range len(s) {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'A' <= c && c <= 'Z':
			b = append(b, c)
		case 'a' <= c && c <= 'z':
			b = append(b, c-'a'+'A')
		}
	}
	return string(b)
}

// readReference checks that s, ReferenceLength upper-case letters and digits starting
// with the marker, has a reference's shape, and returns it with the base-32 look-alikes
// of its ordinal and check read as digits.
func readReference(s string) (string, bool) {
	b := []byte(s)
	date := s[2:8]
	if !allDigits(date) {
		return "", false
	}
	yy, _ := strconv.Atoi(date[:2])
	mm, _ := strconv.Atoi(date[2:4])
	dd, _ := strconv.Atoi(date[4:6])
	if !(calendar.Date{Year: 2000 + yy, Month: time.Month(mm), Day: dd}).IsValid() {
		return "", false
	}
	seq := s[8:12]
	switch {
	case allDigits(seq):
		if seq == "0000" {
			return "", false
		}
	case strings.IndexByte(letters, seq[0]) >= 0:
		for i := 9; i < 12; i++ {
			c, ok := base32(b[i])
			if !ok {
				return "", false
			}
			b[i] = c
		}
	default:
		return "", false
	}
	for i := 12; i < ReferenceLength; i++ {
		c, ok := base32(b[i])
		if !ok || (i == 12 && c == '0') {
			return "", false
		}
		b[i] = c
	}
	return string(b), true
}

// base32 reads one Crockford base-32 character in upper case, mapping O to 0 and I, L
// to 1.
func base32(c byte) (byte, bool) {
	switch c {
	case 'O':
		return '0', true
	case 'I', 'L':
		return '1', true
	case 'U':
		return 0, false
	}
	return c, strings.IndexByte(crockford, c) >= 0
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
