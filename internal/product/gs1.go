package product

import (
	"net/url"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// GS1 identifiers (DOMAIN.md §14): the GTIN of a trade item (GTIN-8, -12, -13 or -14,
// the last digit a mod-10 check digit) and the batch or lot number (application
// identifier 10: up to 20 characters of GS1's character set 82), and the GS1 Digital
// Link URI that carries both: {base}/01/{GTIN-14}/10/{lot}.

// Limits of the identifiers.
const (
	MaxLot = 20
	// maxRawLot bounds a lot as it arrives, percent-encoded (three bytes a character),
	// before anything is decoded.
	maxRawLot = 3 * MaxLot
	// maxRawPath bounds a whole Digital Link path before it is split.
	maxRawPath = 4 + 14 + 4 + maxRawLot + 8
)

// Errors of the identifiers: 400 at the resolver, a field's message in the forms.
var (
	ErrGTINLength = apperr.New(apperr.Invalid, "invalid_gtin_length",
		"Mã GTIN phải gồm 8, 12, 13 hoặc 14 chữ số.")
	ErrGTINCheck = apperr.New(apperr.Invalid, "invalid_gtin_check_digit",
		"Mã GTIN có số kiểm tra (chữ số cuối) không đúng; vui lòng kiểm tra lại mã in trên bao bì.")
	ErrLot = apperr.New(apperr.Invalid, "invalid_lot",
		"Số lô phải gồm 1 đến 20 ký tự: chữ cái không dấu, chữ số và các dấu ! \" % & ' ( ) * + , - . / : ; < = > ? _ theo bộ ký tự GS1.")
	ErrLink = apperr.New(apperr.Invalid, "invalid_digital_link",
		"Đường dẫn truy xuất nguồn gốc không đúng dạng /01/{mã GTIN}/10/{số lô}.")
)

// ParseGTIN checks a GTIN of 8, 12, 13 or 14 digits and its check digit and returns it
// as the 14 digits the Digital Link and the store use (zeros in front).
func ParseGTIN(s string) (string, error) {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", ErrGTINLength
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrGTINLength
		}
	}
	if CheckDigit(s[:len(s)-1]) != s[len(s)-1] {
		return "", ErrGTINCheck
	}
	return strings.Repeat("0", 14-len(s)) + s, nil
}

// CheckDigit is the GS1 mod-10 check digit of the digits before it: from the right,
// the digits are weighted 3, 1, 3, 1…; the check digit brings the sum to a multiple of
// ten. body must be digits.
func CheckDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// cs82 reports whether c is in GS1 AI encodable character set 82 (GS1 General
// Specifications, figure 7.11-1): ! " % & ' ( ) * + , - . / 0-9 : ; < = > ? A-Z _ a-z.
func cs82(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte(`!"%&'()*+,-./:;<=>?_`, c) >= 0
}

// CheckLot checks a decoded lot: 1 to 20 characters of character set 82.
func CheckLot(lot string) error {
	if lot == "" || len(lot) > MaxLot {
		return ErrLot
	}
	for i := 0; i < len(lot); i++ {
		if !cs82(lot[i]) {
			return ErrLot
		}
	}
	return nil
}

// ParseLot percent-decodes a lot as it appears in a URI path and checks it.
func ParseLot(raw string) (string, error) {
	if raw == "" || len(raw) > maxRawLot {
		return "", ErrLot
	}
	lot, err := url.PathUnescape(raw)
	if err != nil {
		return "", ErrLot.With(err)
	}
	return lot, CheckLot(lot)
}

// Key is what a Digital Link names: a GTIN (14 digits) and, for a batch, its lot.
type Key struct {
	GTIN string
	Lot  string // "": the product itself
}

// ParsePath parses the path of a GS1 Digital Link URI as it arrived (escaped):
// /01/{gtin} or /01/{gtin}/10/{lot}. The identifiers are checked as the standard says;
// nothing is allocated beyond the path's bounded length.
func ParsePath(escaped string) (Key, error) {
	if len(escaped) > maxRawPath {
		return Key{}, ErrLink
	}
	rest, ok := strings.CutPrefix(escaped, "/01/")
	if !ok {
		return Key{}, ErrLink
	}
	gtin, after, hasLot := strings.Cut(rest, "/")
	g, err := ParseGTIN(gtin)
	if err != nil {
		return Key{}, err
	}
	k := Key{GTIN: g}
	if !hasLot {
		return k, nil
	}
	rawLot, ok := strings.CutPrefix(after, "10/")
	if !ok || strings.Contains(rawLot, "/") {
		return Key{}, ErrLink
	}
	if k.Lot, err = ParseLot(rawLot); err != nil {
		return Key{}, err
	}
	return k, nil
}

// Path is the Digital Link path of k, the lot percent-encoded where RFC 3986 wants it
// (a lot's "/" and "%" among them).
func (k Key) Path() string {
	p := "/01/" + k.GTIN
	if k.Lot != "" {
		p += "/10/" + escapeLot(k.Lot)
	}
	return p
}

// escapeLot percent-encodes every character of a lot that is not unreserved in RFC
// 3986 or one of the sub-delimiters allowed in a path segment ("!$&'()*+,;=" and ":").
func escapeLot(lot string) string {
	var b strings.Builder
	for i := 0; i < len(lot); i++ {
		c := lot[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// ShortGTIN is a 14-digit GTIN as printed under its barcode: GTIN-8, -12 or -13 without
// the zeros that pad it, GTIN-14 as it is.
func ShortGTIN(g string) string {
	if len(g) != 14 {
		return g
	}
	switch {
	case strings.HasPrefix(g, "000000"):
		return g[6:]
	case strings.HasPrefix(g, "00"):
		return g[2:]
	case g[0] == '0':
		return g[1:]
	}
	return g
}
