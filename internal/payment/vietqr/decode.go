package vietqr

import (
	"strconv"
	"strings"
)

// Decode reads a VietQR payload, such as the text of a scanned QR code.
//
// It is strict about structure and about what it interprets: every tag and length must be
// two digits, every length exact at every level of nesting, no value empty, no tag repeated
// within a template, the CRC last and correct (its hexadecimal digits in either case), and
// every mandatory data object present and valid. It is lenient about the order of data
// objects and about well-formed data objects it does not interpret, which it keeps verbatim
// in Extra and AdditionalData, so that Encode writes them back.
//
// Errors are *Error values naming the offending tag, and match one of the Err variables
// with errors.Is.
func Decode(s string) (Payload, error) {
	var top objects
	if err := split("", s, &top); err != nil {
		return Payload{}, err
	}
	if err := checkCRC(s, top[tagCRC]); err != nil {
		return Payload{}, err
	}

	var p Payload
	if err := expect("00", top[tagFormat], formatIndicator); err != nil {
		return Payload{}, err
	}
	switch top[tagInitiation] {
	case "11":
		p.PointOfInitiation = Static
	case "12":
		p.PointOfInitiation = Dynamic
	case "":
		return Payload{}, fail("01", ErrMissingTag, "point of initiation is missing")
	default:
		return Payload{}, fail("01", ErrInvalidValue, `point of initiation must be "11" (static) or "12" (dynamic), got %q`, top[tagInitiation])
	}
	if err := decodeMerchant(top[tagMerchant], &p); err != nil {
		return Payload{}, err
	}
	if err := expect("53", top[tagCurrency], currencyVND); err != nil {
		return Payload{}, err
	}
	if v := top[tagAmount]; v != "" {
		if len(v) > 13 || !all(v, isDigit) || v[0] == '0' {
			return Payload{}, fail("54", ErrInvalidValue, "amount must be a whole number of VND, 1–13 digits without leading zeros, got %q", v)
		}
		p.Amount, _ = strconv.ParseInt(v, 10, 64) // 13 digits always fit
	}
	if err := expect("58", top[tagCountry], countryVN); err != nil {
		return Payload{}, err
	}
	if v := top[tagAdditional]; v != "" {
		if err := decodeAdditional(v, &p); err != nil {
			return Payload{}, err
		}
	}
	for n, v := range top {
		if v == "" || interpreted(n) {
			continue
		}
		tag := tagName(n)
		if err := checkRaw(tag, v); err != nil {
			return Payload{}, err
		}
		p.Extra = append(p.Extra, Field{Tag: tag, Value: v})
	}
	return p, nil
}

// split reads the data objects of s, the value of the template at path ("" for the payload
// itself), into objs. At the top level the CRC (63) must be the last data object, so that
// the checksum covers everything before its own value.
func split(path, s string, objs *objects) error {
	for whole := s; s != ""; {
		if len(s) < 4 {
			return fail(path, ErrLength, "%d characters left over after the last data object", len(s))
		}
		n, ok := tagNumber(s[:2])
		if !ok {
			return fail(path, ErrUnexpectedTag, "data object tag %q at offset %d is not two digits", s[:2], len(whole)-len(s))
		}
		tag := s[:2]
		size, ok := tagNumber(s[2:4])
		switch {
		case !ok:
			return fail(join(path, tag), ErrLength, "length %q is not two digits", s[2:4])
		case size == 0:
			return fail(join(path, tag), ErrLength, "value is empty")
		case size > len(s)-4:
			return fail(join(path, tag), ErrLength, "length %d runs past the end (%d characters left)", size, len(s)-4)
		case objs[n] != "":
			return fail(join(path, tag), ErrUnexpectedTag, "tag appears twice")
		}
		objs[n], s = s[4:4+size], s[4+size:]
		if path == "" && n == tagCRC && s != "" {
			return fail(tag, ErrUnexpectedTag, "the CRC must be the last data object, %d characters follow it", len(s))
		}
	}
	return nil
}

// checkCRC checks the value crc of tag 63 against payload s, which split has made sure
// ends with it.
func checkCRC(s, crc string) error {
	if crc == "" {
		return fail("63", ErrMissingTag, "CRC is missing")
	}
	if len(crc) != 4 || !all(crc, isHex) {
		return fail("63", ErrCRC, "CRC must be 4 hexadecimal digits, got %q", crc)
	}
	want := string(appendHex(nil, crc16(s[:len(s)-4])))
	if !strings.EqualFold(crc, want) {
		return fail("63", ErrCRC, "CRC is %s but the payload's checksum is %s", crc, want)
	}
	return nil
}

// expect checks a mandatory data object with one allowed value.
func expect(tag, v, want string) error {
	switch v {
	case want:
		return nil
	case "":
		return fail(tag, ErrMissingTag, "missing, want %q", want)
	}
	return fail(tag, ErrInvalidValue, "must be %q, got %q", want, v)
}

// decodeMerchant reads the NAPAS merchant account template (38). Sub-tags it does not
// define are refused: Payload could not carry them, and they would be lost on re-encoding.
func decodeMerchant(v string, p *Payload) error {
	if v == "" {
		return fail("38", ErrMissingTag, "NAPAS merchant account information is missing")
	}
	var merchant, bank objects
	if err := split("38", v, &merchant); err != nil {
		return err
	}
	if err := only("38", &merchant, 3); err != nil {
		return err
	}
	if err := expect("38.00", merchant[0], napasGUID); err != nil {
		return err
	}
	if merchant[1] == "" {
		return fail("38.01", ErrMissingTag, "beneficiary (bank and account) is missing")
	}
	if err := split("38.01", merchant[1], &bank); err != nil {
		return err
	}
	if err := only("38.01", &bank, 2); err != nil {
		return err
	}
	switch merchant[2] {
	case serviceAccount:
	case serviceCard:
		p.Card = true
	case "":
		return fail("38.02", ErrMissingTag, "service code is missing")
	default:
		return fail("38.02", ErrInvalidValue, "service must be %s (to an account) or %s (to a card), got %q", serviceAccount, serviceCard, merchant[2])
	}
	if bank[0] == "" {
		return fail("38.01.00", ErrMissingTag, "BIN is missing")
	}
	if err := checkBIN(bank[0]); err != nil {
		return err
	}
	if bank[1] == "" {
		return fail("38.01.01", ErrMissingTag, "account number is missing")
	}
	if err := checkAccount(bank[1], p.Card); err != nil {
		return err
	}
	p.BIN, p.Account = bank[0], bank[1]
	return nil
}

// only refuses any data object of a template whose tag is n or more.
func only(path string, objs *objects, n int) error {
	for m := n; m < len(objs); m++ {
		if objs[m] != "" {
			return fail(join(path, tagName(m)), ErrUnexpectedTag, "not allowed in this template")
		}
	}
	return nil
}

// decodeAdditional reads the additional data template (62): the bill number and purpose
// into their fields, every other sub-tag verbatim.
func decodeAdditional(v string, p *Payload) error {
	var objs objects
	if err := split("62", v, &objs); err != nil {
		return err
	}
	for n, v := range objs {
		if v == "" {
			continue
		}
		switch n {
		case subBill:
			if err := checkText("62.01", "bill number", v); err != nil {
				return err
			}
			p.Bill = v
		case subPurpose:
			if err := checkText("62.08", "purpose", v); err != nil {
				return err
			}
			p.Purpose = v
		default:
			tag := tagName(n)
			if err := checkRaw("62."+tag, v); err != nil {
				return err
			}
			p.AdditionalData = append(p.AdditionalData, Field{Tag: tag, Value: v})
		}
	}
	return nil
}
