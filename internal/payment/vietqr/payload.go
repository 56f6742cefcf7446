package vietqr

import (
	"fmt"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Payload is a payment request (yêu cầu thanh toán): the account that receives the money,
// the amount, and the references the payer's bank passes on to the receiving statement.
//
// Decode returns payloads in a canonical form: PointOfInitiation is Static or Dynamic, and
// AdditionalData and Extra are in ascending tag order, the order Encode writes them. Two
// payloads that differ only in the order of their data objects decode to equal values.
type Payload struct {
	// PointOfInitiation says whether the code may be paid many times (tag 01).
	PointOfInitiation Initiation `json:"point_of_initiation,omitempty"`
	// BIN is the receiving bank's 6-digit NAPAS bank identification number, such as
	// 970415 for VietinBank (tag 38.01.00).
	BIN string `json:"bin"`
	// Account is the receiving account number, or the card number when Card is set:
	// 1–19 letters or digits, since virtual accounts carry letters (tag 38.01.01).
	Account string `json:"account"`
	// Card selects a transfer to a card (service QRIBFTTC) rather than to an account
	// (QRIBFTTA) (tag 38.02).
	Card bool `json:"card"`
	// Amount is in đồng; zero leaves it for the payer to type (tag 54).
	Amount int64 `json:"amount,omitempty"`
	// Bill is the bill number, such as a fee slip or dossier code (tag 62.01).
	Bill string `json:"bill,omitempty"`
	// Purpose is the transfer description the receiving bank shows on its statement, the
	// text a payment is matched by (tag 62.08).
	Purpose string `json:"purpose,omitempty"`
	// AdditionalData holds the other sub-tags of the additional data template 62 (store
	// label, terminal label, reference label…) verbatim.
	AdditionalData []Field `json:"additional_data,omitempty"`
	// Extra holds, verbatim, the top-level data objects this package does not interpret:
	// merchant category (52), name (59) and city (60), other schemes' account templates
	// (02–51), unreserved templates (80–99), and any other well-formed tag. Banks' apps
	// print and forward them, so a round trip must not lose them.
	Extra []Field `json:"extra,omitempty"`
}

// Field is one data object kept verbatim: its two-digit tag and its value, which for a
// template is the template's own data objects, undecoded.
type Field struct {
	Tag   string `json:"tag"`
	Value string `json:"value"`
}

// Initiation is the point-of-initiation method: whether a code may be paid once or many
// times. Banks' apps use it to warn against paying a one-off code twice.
type Initiation uint8

const (
	// Auto lets Encode choose: Dynamic when the payload carries an amount, Static when not.
	Auto Initiation = iota
	// Static ("11") is a code that may be paid many times, such as one printed on the
	// counter. A static code may still carry an amount, for a fixed fee.
	Static
	// Dynamic ("12") is a code for one payment request.
	Dynamic
)

func (i Initiation) String() string {
	switch i {
	case Auto:
		return "auto"
	case Static:
		return "static"
	case Dynamic:
		return "dynamic"
	}
	return fmt.Sprintf("Initiation(%d)", uint8(i))
}

// MarshalText writes "static", "dynamic" or "auto", the values the JSON API shows.
func (i Initiation) MarshalText() ([]byte, error) {
	if i > Dynamic {
		return nil, fmt.Errorf("vietqr: unknown point of initiation %d", uint8(i))
	}
	return []byte(i.String()), nil
}

// UnmarshalText reads what MarshalText writes; an empty text means Auto.
func (i *Initiation) UnmarshalText(text []byte) error {
	switch string(text) {
	case "", "auto":
		*i = Auto
	case "static":
		*i = Static
	case "dynamic":
		*i = Dynamic
	default:
		return fmt.Errorf("vietqr: unknown point of initiation %q", text)
	}
	return nil
}

// Fields is what `xaso vietqr decode` prints: the decoded payload and the checksum it
// carried, which is not part of Payload because it depends on the order of the data
// objects, not on what they say.
type Fields struct {
	Payload
	CRC string `json:"crc"`
}

// DecodeFields decodes s like Decode and also returns its checksum, in upper case.
func DecodeFields(s string) (Fields, error) {
	p, err := Decode(s)
	if err != nil {
		return Fields{}, err
	}
	// Decode has checked that s ends with the four hexadecimal digits of the CRC.
	return Fields{Payload: p, CRC: strings.ToUpper(s[len(s)-4:])}, nil
}

// The kinds of error Encode and Decode return, for errors.Is. Their messages are the ones a
// citizen or an official sees; Error.Error says precisely what is wrong, for logs.
var (
	// ErrLength: the framing is broken, a length is not two digits, runs past the end of
	// its template or leaves characters over, or a value is empty or too long to frame.
	ErrLength = apperr.New(apperr.Invalid, "vietqr_length",
		"Mã QR thanh toán không đúng cấu trúc: độ dài một trường bị sai.")
	// ErrMissingTag: a mandatory data object is absent.
	ErrMissingTag = apperr.New(apperr.Invalid, "vietqr_missing_tag",
		"Mã QR thanh toán thiếu một trường bắt buộc.")
	// ErrInvalidValue: a data object is well framed but its value is not allowed.
	ErrInvalidValue = apperr.New(apperr.Invalid, "vietqr_invalid_value",
		"Mã QR thanh toán có một trường không hợp lệ.")
	// ErrUnexpectedTag: a tag is not two digits, appears twice, is not allowed where it
	// is, or something follows the CRC.
	ErrUnexpectedTag = apperr.New(apperr.Invalid, "vietqr_unexpected_tag",
		"Mã QR thanh toán có trường lặp lại hoặc không đúng vị trí.")
	// ErrCRC: the checksum is malformed or does not match: the code was damaged or edited.
	ErrCRC = apperr.New(apperr.Invalid, "vietqr_crc",
		"Mã QR thanh toán bị hỏng: mã kiểm tra (CRC) không khớp.")
)

// Error says which data object of a payload is wrong and why.
type Error struct {
	// Tag is the path to the data object: its tag after those of the templates that hold
	// it, joined by dots ("38.01.00"). It is empty when the fault is not in one object.
	Tag string
	// Reason says what is wrong, in English, for logs and the command line.
	Reason string
	kind   error
}

func (e *Error) Error() string {
	if e.Tag == "" {
		return "vietqr: " + e.Reason
	}
	return "vietqr: tag " + e.Tag + ": " + e.Reason
}

// Unwrap returns the error's kind, one of the Err variables.
func (e *Error) Unwrap() error { return e.kind }

func fail(tag string, kind error, format string, args ...any) *Error {
	return &Error{Tag: tag, Reason: fmt.Sprintf(format, args...), kind: kind}
}

// Tags this package interprets, by number; a payload is read into an array indexed by them.
const (
	tagFormat     = 0
	tagInitiation = 1
	tagMerchant   = 38
	tagCurrency   = 53
	tagAmount     = 54
	tagCountry    = 58
	tagAdditional = 62
	tagCRC        = 63

	subBill    = 1 // in 62
	subPurpose = 8 // in 62
)

// Fixed values of the NAPAS profile.
const (
	formatIndicator = "01"
	napasGUID       = "A000000727"
	serviceAccount  = "QRIBFTTA"
	serviceCard     = "QRIBFTTC"
	currencyVND     = "704"
	countryVN       = "VN"

	maxAmount = 9_999_999_999_999 // 13 digits, the width of tag 54
	maxText   = 25                // bill number and purpose, per the NAPAS profile
	maxValue  = 99                // what a two-digit length can frame
)

// objects holds the data objects of one template, or of the payload, by tag number; an
// empty string is an absent object, since no value may be empty. Iterating over it visits
// tags in ascending order, the order Encode writes and Decode reports them in.
type objects [100]string

// interpreted reports whether tag n of the payload maps to a Payload field other than Extra.
func interpreted(n int) bool {
	switch n {
	case tagFormat, tagInitiation, tagMerchant, tagCurrency, tagAmount, tagCountry, tagAdditional, tagCRC:
		return true
	}
	return false
}

// tagNumber parses a two-digit tag or length.
func tagNumber(s string) (int, bool) {
	if len(s) != 2 || !isDigit(s[0]) || !isDigit(s[1]) {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// tagName writes tag n as it appears in a payload.
func tagName(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func join(path, tag string) string {
	if path == "" {
		return tag
	}
	return path + "." + tag
}

func checkBIN(bin string) error {
	if len(bin) != 6 || !all(bin, isDigit) {
		return fail("38.01.00", ErrInvalidValue, "BIN must be 6 digits, got %q", bin)
	}
	return nil
}

func checkAccount(account string, card bool) error {
	if len(account) >= 1 && len(account) <= 19 && all(account, isAlnum) {
		return nil
	}
	what := "account number"
	if card {
		what = "card number"
	}
	return fail("38.01.01", ErrInvalidValue, "%s must be 1–19 letters or digits, got %q", what, account)
}

// checkText checks a bill number or purpose: EMVCo "ans" text of at most 25 characters.
// Text outside printable ASCII is refused, not measured, because real decoders disagree on
// whether a length counts bytes or characters.
func checkText(tag, what, s string) error {
	if !all(s, isPrintable) {
		return fail(tag, ErrInvalidValue, "%s must be printable ASCII, got %q", what, s)
	}
	if len(s) > maxText {
		return fail(tag, ErrInvalidValue, "%s is %d characters, more than %d", what, len(s), maxText)
	}
	return nil
}

// checkRaw checks a value kept verbatim: it must be framable printable ASCII.
func checkRaw(tag, v string) error {
	switch {
	case v == "":
		return fail(tag, ErrLength, "value is empty")
	case len(v) > maxValue:
		return fail(tag, ErrLength, "value is %d characters, more than %d", len(v), maxValue)
	case !all(v, isPrintable):
		return fail(tag, ErrInvalidValue, "value must be printable ASCII, got %q", v)
	}
	return nil
}

func all(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool     { return isDigit(c) || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }
func isPrintable(c byte) bool { return ' ' <= c && c <= '~' }
func isHex(c byte) bool       { return isDigit(c) || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f' }

// crc16 is CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no
// final XOR. Payloads are about a hundred bytes, so the bitwise form is fast enough.
func crc16(s string) uint16 {
	crc := uint16(0xFFFF)
	for i := range len(s) {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// appendHex appends v as four upper-case hexadecimal digits, as tag 63 carries it.
func appendHex(b []byte, v uint16) []byte {
	const digits = "0123456789ABCDEF"
	return append(b, digits[v>>12], digits[v>>8&0xF], digits[v>>4&0xF], digits[v&0xF])
}
