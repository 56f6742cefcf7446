package payment

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A certification's fee (internal/certify) is billed by a payment request of its own,
// with no dossier: the desk records the certification in its register and takes the
// fee, usually in cash (POST /api/v1/payments/{reference}/confirm), and the day's
// register reconciles with these requests. Its reference has the length and alphabet of
// a dossier's, with its own marker so the two never meet:
//
//	CT 26 B 0000012 1 K3
//	│  │  │ │       │ └ check: 2 characters, a hash of the unit, book, year and number
//	│  │  │ │       └ ordinal (always 1: an entry is billed once)
//	│  │  │ └ the entry's number in its book (7 digits)
//	│  │  └ the book: B bản sao (copies), K chữ ký (signatures), H hợp đồng (contracts)
//	│  └ the register's year, YY
//	└ marker
//
// FindReferences finds these as it finds dossiers' (readCertificationReference), so a
// transfer quoting one is matched to its request like a dossier's. "CT" is also the
// banks' "chuyển tiền" ("….CT tu 0011…"): the shape — a book letter between two runs of
// digits, the ordinal 1 — keeps such text from reading as a reference.
const certificationMarker = "CT"

// CertificationBooks are the book letters of the reference, by certify.Kind's name.
var CertificationBooks = map[string]byte{"copy": 'B', "signature": 'K', "contract": 'H'}

// CertificationReference is the reference of the fee of the number-th entry of year in
// the unit's book of kind (a certify.Kind's name).
func CertificationReference(unitID int64, kind string, year, number int) (string, error) {
	book, ok := CertificationBooks[kind]
	if !ok || year < 2000 || year > 2099 || number < 1 || number > 9_999_999 {
		return "", fmt.Errorf("payment: certification reference for %s %d/%d: %w", kind, number, year, ErrInvalidReference)
	}
	b := make([]byte, 0, ReferenceLength)
	b = append(b, certificationMarker...)
	b = fmt.Appendf(b, "%02d%c%07d", year%100, book, number)
	b = append(b, crockford[1])
	sum := sha256.Sum256([]byte(referenceVersion + "\x00certification\x00" + strconv.FormatInt(unitID, 10) + "\x00" + kind +
		"\x00" + strconv.Itoa(year) + "\x00" + strconv.Itoa(number)))
	check := int(sum[0])<<2 | int(sum[1])>>6
	b = append(b, crockford[check>>5], crockford[check&31])
	return string(b), nil
}

// NewCertificationRequest builds the payment request of a certification's fee: one item
// (the fee's name and amount) collected by the unit, with its first event by whoever
// recorded the certification. Storage inserts it in the transaction that records the
// entry.
func NewCertificationRequest(unitID int64, reference string, item Item, by Actor, now time.Time) (Request, Event, error) {
	if item.Amount <= 0 || item.Amount > maxAmount || item.Name == "" || len([]rune(item.Name)) > maxItemName {
		return Request{}, Event{}, fmt.Errorf("payment: certification fee %q of %d: %w", item.Name, item.Amount, ErrInvalidFee)
	}
	r := Request{UnitID: unitID, Ordinal: 1, Items: []Item{item}, Amount: item.Amount, Reference: reference,
		State: StatePending, CreatedAt: now}
	return r, Event{At: now, Action: ActCreate, ToState: StatePending, Amount: r.Amount, By: by}, nil
}

// readCertificationReference checks that s, ReferenceLength upper-case letters and
// digits starting with the marker CT, has a certification reference's shape (a year, a
// book letter, a number from 1, the ordinal 1, two check characters) and returns it
// with the base-32 look-alikes of its ordinal and check read as digits.
func readCertificationReference(s string) (string, bool) {
	b := []byte(s)
	if !allDigits(s[2:4]) || !strings.ContainsRune("BKH", rune(s[4])) || !allDigits(s[5:12]) || s[5:12] == "0000000" {
		return "", false
	}
	for i := 12; i < ReferenceLength; i++ {
		c, ok := base32(b[i])
		if !ok {
			return "", false
		}
		b[i] = c
	}
	if b[12] != crockford[1] {
		return "", false
	}
	return string(b), true
}
