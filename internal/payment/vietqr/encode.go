package vietqr

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Encode writes p as a VietQR payload, ready to be drawn as a QR code. It writes the data
// objects in ascending tag order, the optional ones only when p has them, and ends with the
// CRC in upper-case hexadecimal.
//
// Bill and Purpose are first passed through StripDiacritics, because banks' decoders
// disagree on the length of anything but ASCII. If they are then still not printable ASCII,
// or longer than 25 characters, Encode fails rather than cut a reference the payment will
// be matched by. Every other value must already be valid. Errors are *Error values naming
// the tag.
func Encode(p Payload) (string, error) {
	var objs objects
	objs[tagFormat] = formatIndicator
	switch p.PointOfInitiation {
	case Auto:
		objs[tagInitiation] = "11"
		if p.Amount > 0 {
			objs[tagInitiation] = "12"
		}
	case Static:
		objs[tagInitiation] = "11"
	case Dynamic:
		objs[tagInitiation] = "12"
	default:
		return "", fail("01", ErrInvalidValue, "unknown point of initiation %d", uint8(p.PointOfInitiation))
	}

	merchant, err := encodeMerchant(p)
	if err != nil {
		return "", err
	}
	objs[tagMerchant] = merchant
	objs[tagCurrency] = currencyVND
	switch {
	case p.Amount < 0:
		return "", fail("54", ErrInvalidValue, "amount must not be negative, got %d", p.Amount)
	case p.Amount > maxAmount:
		return "", fail("54", ErrInvalidValue, "amount must have at most 13 digits, got %d", p.Amount)
	case p.Amount > 0:
		objs[tagAmount] = strconv.FormatInt(p.Amount, 10)
	}
	objs[tagCountry] = countryVN
	if objs[tagAdditional], err = encodeAdditional(p); err != nil {
		return "", err
	}

	for _, f := range p.Extra {
		n, ok := tagNumber(f.Tag)
		switch {
		case !ok:
			return "", fail("", ErrUnexpectedTag, "extra tag %q is not two digits", f.Tag)
		case interpreted(n):
			return "", fail(f.Tag, ErrUnexpectedTag, "tag is written from the other Payload fields, not from Extra")
		case objs[n] != "":
			return "", fail(f.Tag, ErrUnexpectedTag, "tag appears twice in Extra")
		}
		if err := checkRaw(f.Tag, f.Value); err != nil {
			return "", err
		}
		objs[n] = f.Value
	}

	size := len("6304") + 4
	for _, v := range objs {
		if v != "" {
			size += 4 + len(v)
		}
	}
	b := appendObjects(make([]byte, 0, size), &objs)
	b = append(b, "6304"...)
	return string(appendHex(b, crc16(string(b)))), nil
}

func encodeMerchant(p Payload) (string, error) {
	if err := checkBIN(p.BIN); err != nil {
		return "", err
	}
	if err := checkAccount(p.Account, p.Card); err != nil {
		return "", err
	}
	var bank, merchant objects
	bank[0], bank[1] = p.BIN, p.Account
	merchant[0], merchant[1], merchant[2] = napasGUID, string(appendObjects(nil, &bank)), serviceAccount
	if p.Card {
		merchant[2] = serviceCard
	}
	return string(appendObjects(nil, &merchant)), nil
}

// encodeAdditional writes template 62, or "" when p has nothing to put in it.
func encodeAdditional(p Payload) (string, error) {
	var objs objects
	objs[subBill], objs[subPurpose] = StripDiacritics(p.Bill), StripDiacritics(p.Purpose)
	if err := checkText("62.01", "bill number", objs[subBill]); err != nil {
		return "", err
	}
	if err := checkText("62.08", "purpose", objs[subPurpose]); err != nil {
		return "", err
	}
	for _, f := range p.AdditionalData {
		n, ok := tagNumber(f.Tag)
		tag := join("62", f.Tag)
		switch {
		case !ok:
			return "", fail("62", ErrUnexpectedTag, "additional data tag %q is not two digits", f.Tag)
		case n == subBill || n == subPurpose:
			return "", fail(tag, ErrUnexpectedTag, "tag is written from Bill or Purpose, not from AdditionalData")
		case objs[n] != "":
			return "", fail(tag, ErrUnexpectedTag, "tag appears twice in AdditionalData")
		}
		if err := checkRaw(tag, f.Value); err != nil {
			return "", err
		}
		objs[n] = f.Value
	}
	v := string(appendObjects(nil, &objs))
	if len(v) > maxValue {
		return "", fail("62", ErrLength, "additional data takes %d characters, more than %d", len(v), maxValue)
	}
	return v, nil
}

// appendObjects appends the present objects in ascending tag order; each value must
// already be at most 99 characters long.
func appendObjects(b []byte, objs *objects) []byte {
	for n, v := range objs {
		if v != "" {
			b = append(b, byte('0'+n/10), byte('0'+n%10), byte('0'+len(v)/10), byte('0'+len(v)%10))
			b = append(b, v...)
		}
	}
	return b
}

// StripDiacritics spells Vietnamese text without its accents, as people write transfer
// descriptions: "Lệ phí hộ tịch" becomes "Le phi ho tich" and "Đăng ký" "Dang ky". It
// decomposes the text (NFD), drops the combining marks and maps đ and Đ, which Unicode does
// not decompose, to d and D; letters of other scripts come back recomposed (NFC).
func StripDiacritics(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		// ð and Ð (U+00F0, U+00D0) stand in for đ and Đ in text that went through a
		// Latin-1 code page on its way from an old Vietnamese encoding.
		case r == 'đ' || r == 'ð':
			b.WriteByte('d')
		case r == 'Đ' || r == 'Ð':
			b.WriteByte('D')
		case unicode.Is(unicode.Mn, r):
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}
