package payment

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Notification is a bank's report of a transfer credited to a collection account, as
// the webhook receives it (docs/PAYMENTS.md gives the format and a worked example).
type Notification struct {
	// TransactionID is the bank's id of the transfer, 1–64 characters from
	// [A-Za-z0-9._:/-]. With BankBIN it is the idempotency key: a notification is
	// applied at most once, however often it is delivered.
	TransactionID string `json:"transaction_id"`
	// BankBIN and Account are the credited account (the unit's collection account).
	BankBIN string `json:"bank_bin"`
	Account string `json:"account"`
	// Amount is in đồng, a positive integer.
	Amount int64 `json:"amount"`
	// Description is the transfer description as the bank recorded it; the reference is
	// found in it. At most 500 characters, no control characters.
	Description string `json:"description"`
	// TransactedAt is when the bank credited the transfer (RFC 3339 with an offset),
	// kept in UTC.
	TransactedAt time.Time `json:"transacted_at"`
}

// SignatureHeader is the header that carries a notification's signature.
const SignatureHeader = "X-Xaso-Signature"

const (
	// NotificationTolerance is how far the signature's time may be from the receiver's
	// clock, either way. A replay of a captured delivery after that is refused; a sender
	// retrying later signs the delivery again with the new time.
	NotificationTolerance = 5 * time.Minute
	// MaxNotificationSize bounds the raw body. The HTTP layer should read at most one
	// byte more, so that a larger body is seen to be too large.
	MaxNotificationSize = 8 << 10
	// MinSecretSize is the shortest per-unit secret accepted: 32 bytes, as many as the
	// HMAC-SHA256 output, so that guessing the secret is no easier than forging a MAC.
	MinSecretSize = 32

	maxDescription   = 500
	maxTransactionID = 64
)

// SignNotification returns the X-Xaso-Signature value for body signed with secret at
// time t: "t=<unix seconds>,v1=<hex of HMAC-SHA256(secret, "<t>.<body>")>". Senders (and
// tests) use it; the receiver uses VerifyNotification.
func SignNotification(body, secret []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// VerifyNotification authenticates a webhook delivery and decodes it. In order, it
// refuses: a secret shorter than MinSecretSize (ErrSecret); a missing or malformed
// header; a body over MaxNotificationSize; a body no v1 value of the header signs with
// secret at the header's time (compared in constant time); a signing time more than
// NotificationTolerance before now (ErrStale) or after it (ErrFuture); and only then,
// since the body is known to come from the secret's holder, a body that is not exactly
// one notification object (ErrBody): unknown, missing, duplicated or null members,
// amounts that are not positive integers of at most 13 digits, invalid UTF-8, a
// description over 500 characters, a transaction dated after now + tolerance.
//
// Errors are *NotificationError values naming the header or member at fault.
//
// VerifyNotification does not know which notifications came before: storage refuses a
// second application of the same BankBIN and TransactionID (see CheckReplay).
func VerifyNotification(raw []byte, header string, secret []byte, now time.Time) (Notification, error) {
	if len(secret) < MinSecretSize {
		return Notification{}, notifErr(ErrSecret, "secret", "%d bytes, want at least %d", len(secret), MinSecretSize)
	}
	ts, sigs, err := parseSignature(header)
	if err != nil {
		return Notification{}, err
	}
	if len(raw) > MaxNotificationSize {
		return Notification{}, notifErr(ErrTooLarge, "body", "%d bytes, more than %d", len(raw), MaxNotificationSize)
	}
	want := mac(secret, ts, raw)
	ok := false
	for _, s := range sigs {
		// Every candidate is compared, so the time taken does not say which one matched.
		ok = hmac.Equal(s, want) || ok
	}
	if !ok {
		return Notification{}, notifErr(ErrSignatureInvalid, "header", "no v1 signature matches the body")
	}
	secs, _ := strconv.ParseInt(ts, 10, 64) // parseSignature checked it: at most 11 digits
	signed := time.Unix(secs, 0)
	switch {
	case signed.Before(now.Add(-NotificationTolerance)):
		return Notification{}, notifErr(ErrStale, "header", "signed at %s, more than %s before %s",
			signed.UTC().Format(time.RFC3339), NotificationTolerance, now.UTC().Format(time.RFC3339))
	case signed.After(now.Add(NotificationTolerance)):
		return Notification{}, notifErr(ErrFuture, "header", "signed at %s, more than %s after %s",
			signed.UTC().Format(time.RFC3339), NotificationTolerance, now.UTC().Format(time.RFC3339))
	}
	n, err := decodeNotification(raw)
	if err != nil {
		return Notification{}, err
	}
	if n.TransactedAt.After(now.Add(NotificationTolerance)) {
		return Notification{}, notifErr(ErrFuture, "transacted_at", "%s is in the future", n.TransactedAt.Format(time.RFC3339))
	}
	return n, nil
}

// parseSignature reads "t=<unix seconds>,v1=<64 hex digits>[,v1=…]". Several v1 values
// let a sender sign with an old and a new secret while the unit's secret is rotated.
// Unknown keys are refused rather than ignored: there is no other version to skip.
func parseSignature(h string) (ts string, sigs [][]byte, err error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return "", nil, notifErr(ErrSignatureMissing, "header", "%s is empty or absent", SignatureHeader)
	}
	if len(h) > 1024 {
		return "", nil, notifErr(ErrSignatureMalformed, "header", "%d characters, too long", len(h))
	}
	for part := range strings.SplitSeq(h, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !found:
			return "", nil, notifErr(ErrSignatureMalformed, "header", "%q is not key=value", part)
		case k == "t":
			if ts != "" {
				return "", nil, notifErr(ErrSignatureMalformed, "header", "t appears twice")
			}
			if v == "" || len(v) > 11 || !allDigits(v) {
				return "", nil, notifErr(ErrSignatureMalformed, "header", "t=%q is not a time in unix seconds", v)
			}
			ts = v
		case k == "v1":
			if len(v) != 2*sha256.Size {
				return "", nil, notifErr(ErrSignatureMalformed, "header", "v1 has %d characters, want %d hexadecimal digits", len(v), 2*sha256.Size)
			}
			b, err := hex.DecodeString(v)
			if err != nil {
				return "", nil, notifErr(ErrSignatureMalformed, "header", "v1 is not hexadecimal")
			}
			if len(sigs) == 4 {
				return "", nil, notifErr(ErrSignatureMalformed, "header", "more than 4 v1 values")
			}
			sigs = append(sigs, b)
		default:
			return "", nil, notifErr(ErrSignatureMalformed, "header", "unknown key %q", k)
		}
	}
	switch {
	case ts == "":
		return "", nil, notifErr(ErrSignatureMalformed, "header", "t is missing")
	case len(sigs) == 0:
		return "", nil, notifErr(ErrSignatureMalformed, "header", "v1 is missing")
	}
	return ts, sigs, nil
}

// decodeNotification reads exactly one JSON object with exactly the six members. The
// standard decoder would accept unknown members, duplicated ones (the last wins),
// members in any letter case and invalid UTF-8; a signed body is still refused for any
// of these, so that what was applied is what the sender meant.
func decodeNotification(raw []byte) (Notification, error) {
	if !utf8.Valid(raw) {
		return Notification{}, notifErr(ErrBody, "body", "not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return Notification{}, notifErr(ErrBody, "body", "not a JSON object")
	}
	var n Notification
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Notification{}, notifErr(ErrBody, "body", "malformed JSON: %v", err)
		}
		key := tok.(string) // inside an object, the decoder returns keys as strings
		if seen[key] {
			return Notification{}, notifErr(ErrBody, key, "appears twice")
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return Notification{}, notifErr(ErrBody, key, "malformed JSON: %v", err)
		}
		if err := n.set(key, v); err != nil {
			return Notification{}, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return Notification{}, notifErr(ErrBody, "body", "malformed JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Notification{}, notifErr(ErrBody, "body", "something follows the object")
	}
	for _, k := range []string{"transaction_id", "bank_bin", "account", "amount", "description", "transacted_at"} {
		if !seen[k] {
			return Notification{}, notifErr(ErrBody, k, "missing")
		}
	}
	return n, nil
}

// set reads member key of a notification from its raw JSON value v.
func (n *Notification) set(key string, v json.RawMessage) error {
	if key == "amount" {
		// Digits only: no sign, fraction, exponent or leading zero; 13 digits at most,
		// the width of a VietQR amount.
		if len(v) == 0 || len(v) > 13 || !allDigits(string(v)) || v[0] == '0' {
			return notifErr(ErrBody, key, "must be a positive whole number of đồng of at most 13 digits, got %.40s", v)
		}
		n.Amount, _ = strconv.ParseInt(string(v), 10, 64)
		return nil
	}
	var s string
	if len(v) == 0 || v[0] != '"' {
		return notifErr(ErrBody, key, "must be a string, got %.40s", v)
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return notifErr(ErrBody, key, "malformed string: %v", err)
	}
	switch key {
	case "transaction_id":
		if s == "" || len(s) > maxTransactionID || strings.ContainsFunc(s, notIDChar) {
			return notifErr(ErrBody, key, "must be 1–%d characters from A–Z a–z 0–9 . _ : / -, got %.80q", maxTransactionID, s)
		}
		n.TransactionID = s
	case "bank_bin":
		if len(s) != 6 || !allDigits(s) {
			return notifErr(ErrBody, key, "must be 6 digits, got %.40q", s)
		}
		n.BankBIN = s
	case "account":
		if s == "" || len(s) > 19 || strings.ContainsFunc(s, notAlnum) {
			return notifErr(ErrBody, key, "must be 1–19 letters or digits, got %.40q", s)
		}
		n.Account = s
	case "description":
		if c := utf8.RuneCountInString(s); c > maxDescription {
			return notifErr(ErrBody, key, "%d characters, more than %d", c, maxDescription)
		}
		if strings.ContainsFunc(s, unicode.IsControl) || strings.ContainsRune(s, utf8.RuneError) {
			return notifErr(ErrBody, key, "contains control characters or invalid text")
		}
		n.Description = s
	case "transacted_at":
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || !rfc3339.MatchString(s) {
			return notifErr(ErrBody, key, "must be an RFC 3339 time with its offset, such as 2026-07-02T09:14:05+07:00, got %.40q", s)
		}
		if t.Before(earliestTransaction) {
			// Also keeps the time within what RFC 3339 can write back in UTC.
			return notifErr(ErrBody, key, "%s is before %s", s, earliestTransaction.Format(time.RFC3339))
		}
		n.TransactedAt = t.UTC()
	default:
		return notifErr(ErrBody, key, "unknown member")
	}
	return nil
}

// earliestTransaction bounds transaction times from below: no transfer reported to xaso
// can be older than the system.
var earliestTransaction = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// rfc3339 is the shape time.Parse is lenient about: it would take a one-digit hour or a
// lower-case "t"/"z".
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$`)

func notIDChar(r rune) bool {
	return !(r < utf8.RuneSelf && (isAlnum(byte(r)) || strings.ContainsRune("._:/-", r)))
}

func notAlnum(r rune) bool { return !(r < utf8.RuneSelf && isAlnum(byte(r))) }

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

// Key is the idempotency key storage makes unique per unit: the bank and its
// transaction id.
func (n Notification) Key() string { return n.BankBIN + ":" + n.TransactionID }

// Payment is the payment a matched notification records.
func (n Notification) Payment() Payment {
	return Payment{Method: MethodBankNotification, Amount: n.Amount, At: n.TransactedAt, TransactionID: n.TransactionID}
}

// CheckReplay compares a notification with the one stored earlier under the same Key.
// Equal content is a replay — a retry by the sender or a duplicate delivery — and gives
// ErrReplay: the webhook answers 200 with the earlier outcome and changes nothing.
// Different content under the same key gives ErrTransactionReused: refused, logged,
// nothing applied. Storage calls it when inserting the notification finds the key taken.
func CheckReplay(earlier, n Notification) error {
	if earlier.Key() != n.Key() {
		return nil
	}
	if earlier.Account == n.Account && earlier.Amount == n.Amount && earlier.Description == n.Description &&
		earlier.TransactedAt.Equal(n.TransactedAt) {
		return ErrReplay
	}
	return ErrTransactionReused
}
