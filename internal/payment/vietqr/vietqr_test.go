package vietqr

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/encode.golden from Encode's output")

// tlv frames one data object, for building test payloads by hand.
func tlv(tag, v string) string { return fmt.Sprintf("%s%02d%s", tag, len(v), v) }

// withCRC appends the CRC data object to body.
func withCRC(body string) string {
	body += "6304"
	return body + fmt.Sprintf("%04X", crc16(body))
}

// wantError checks that err is an *Error for tag that matches kind.
func wantError(t *testing.T, err error, tag string, kind error) {
	t.Helper()
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("error = %v (%T), want *Error at tag %q", err, err, tag)
	}
	if e.Tag != tag || !errors.Is(err, kind) {
		t.Errorf("error = %v (kind %v), want tag %q, kind %v", err, e.kind, tag, kind)
	}
}

func TestCRC16(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint16
	}{
		{"123456789", 0x29B1}, // the catalogue check value of CRC-16/CCITT-FALSE
		{"", 0xFFFF},          // the initial value, unreflected and not XORed
		{"A", 0xB915},
	} {
		if got := crc16(tc.in); got != tc.want {
			t.Errorf("crc16(%q) = %04X, want %04X", tc.in, got, tc.want)
		}
	}
}

func TestStripDiacritics(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"tones and vowels", "Lệ phí hộ tịch", "Le phi ho tich"},
		{"d with stroke", "Đăng ký đất đai", "Dang ky dat dai"},
		{"upper case", "ĐỖ THỊ ỨNG", "DO THI UNG"},
		{"already decomposed", "Le\u0302\u0323 phi\u0301", "Le phi"},
		{"Latin-1 eth for d with stroke", "\u00d0o\u00e0n \u00f0\u1ed3ng", "Doan dong"},
		{"ASCII unchanged", "TT 000.00.12.H45-260126-0007", "TT 000.00.12.H45-260126-0007"},
		{"other scripts recomposed", "한국 Привет", "한국 Привет"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StripDiacritics(tc.in); got != tc.want {
				t.Errorf("StripDiacritics(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// encodeCases are the payloads whose encodings testdata/encode.golden holds.
var encodeCases = []struct {
	name string
	p    Payload
}{
	{"fee with purpose", Payload{BIN: "970415", Account: "113366668888", Amount: 50000, Purpose: "Le phi"}},
	{"static account", Payload{BIN: "970436", Account: "0011004321987"}},
	{"static with fixed amount", Payload{PointOfInitiation: Static, BIN: "970405", Account: "3100205123456", Amount: 20000}},
	{"dynamic without amount", Payload{PointOfInitiation: Dynamic, BIN: "970418", Account: "21510001234567", Bill: "HS-0007"}},
	{"card", Payload{BIN: "970403", Account: "9704031101234567", Card: true, Amount: 180000}},
	{"letters in account", Payload{BIN: "970422", Account: "VQRQADAIJ5512", Amount: 7000, Purpose: "TL89 100"}},
	{"diacritics stripped", Payload{BIN: "970407", Account: "19034567890123", Amount: 100000,
		Bill: "000.00.12.H45-260126-0007", Purpose: "Lệ phí chứng thực bản sao"}},
	{"additional data sorted", Payload{BIN: "970415", Account: "113366668888", Purpose: "Le phi",
		AdditionalData: []Field{{"07", "QUAY01"}, {"03", "UBND XA"}}}},
	{"extra sorted", Payload{BIN: "970415", Account: "113366668888", Amount: 1,
		Extra: []Field{{"60", "HA NOI"}, {"52", "9399"}, {"59", "UBND XA QUANG TU"}, {"80", "0010A000000775"}}}},
	{"largest values", Payload{BIN: "999999", Account: "Z234567890123456789", Amount: 9_999_999_999_999,
		Bill: strings.Repeat("B", 25), Purpose: strings.Repeat("~", 25)}},
}

func TestEncodeGolden(t *testing.T) {
	golden := filepath.Join("testdata", "encode.golden")
	var got strings.Builder
	for _, tc := range encodeCases {
		s, err := Encode(tc.p)
		if err != nil {
			t.Fatalf("%s: Encode: %v", tc.name, err)
		}
		fmt.Fprintf(&got, "%s\t%s\n", tc.name, s)
	}
	if *update {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	defer f.Close()
	want := map[string]string{}
	for sc := bufio.NewScanner(f); sc.Scan(); {
		name, payload, _ := strings.Cut(sc.Text(), "\t")
		want[name] = payload
	}
	for line := range strings.Lines(got.String()) {
		name, payload, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		t.Run(name, func(t *testing.T) {
			if payload != want[name] {
				t.Errorf("Encode =\n%s\nwant (%s)\n%s", payload, golden, want[name])
			}
		})
	}
}

func TestEncodeInitiation(t *testing.T) {
	for _, tc := range []struct {
		name string
		init Initiation
		amt  int64
		want string
	}{
		{"auto without amount is static", Auto, 0, "010211"},
		{"auto with amount is dynamic", Auto, 5000, "010212"},
		{"static keeps an amount", Static, 5000, "010211"},
		{"dynamic without amount", Dynamic, 0, "010212"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Encode(Payload{PointOfInitiation: tc.init, BIN: "970415", Account: "1", Amount: tc.amt})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(s, "000201"+tc.want) {
				t.Errorf("Encode = %s, want it to start 000201%s", s, tc.want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	valid := Payload{BIN: "970415", Account: "113366668888"}
	with := func(change func(*Payload)) Payload {
		p := valid
		change(&p)
		return p
	}
	for _, tc := range []struct {
		name string
		p    Payload
		tag  string
		kind error
	}{
		{"BIN of 5 digits", with(func(p *Payload) { p.BIN = "97041" }), "38.01.00", ErrInvalidValue},
		{"BIN with a letter", with(func(p *Payload) { p.BIN = "97041A" }), "38.01.00", ErrInvalidValue},
		{"no account", with(func(p *Payload) { p.Account = "" }), "38.01.01", ErrInvalidValue},
		{"account of 20", with(func(p *Payload) { p.Account = strings.Repeat("1", 20) }), "38.01.01", ErrInvalidValue},
		{"account with a dash", with(func(p *Payload) { p.Account = "1133-6666" }), "38.01.01", ErrInvalidValue},
		{"card number with a space", with(func(p *Payload) { p.Card, p.Account = true, "9704 0311" }), "38.01.01", ErrInvalidValue},
		{"negative amount", with(func(p *Payload) { p.Amount = -1 }), "54", ErrInvalidValue},
		{"amount of 14 digits", with(func(p *Payload) { p.Amount = 10_000_000_000_000 }), "54", ErrInvalidValue},
		{"unknown initiation", with(func(p *Payload) { p.PointOfInitiation = 3 }), "01", ErrInvalidValue},
		{"purpose of 26 after stripping", with(func(p *Payload) { p.Purpose = strings.Repeat("ạ", 26) }), "62.08", ErrInvalidValue},
		{"purpose with an emoji", with(func(p *Payload) { p.Purpose = "Le phi 👍" }), "62.08", ErrInvalidValue},
		{"bill with a tab", with(func(p *Payload) { p.Bill = "HS\t1" }), "62.01", ErrInvalidValue},
		{"additional data for purpose", with(func(p *Payload) { p.AdditionalData = []Field{{"08", "x"}} }), "62.08", ErrUnexpectedTag},
		{"additional data tag of 3 digits", with(func(p *Payload) { p.AdditionalData = []Field{{"007", "x"}} }), "62", ErrUnexpectedTag},
		{"additional data twice", with(func(p *Payload) { p.AdditionalData = []Field{{"03", "x"}, {"03", "y"}} }), "62.03", ErrUnexpectedTag},
		{"additional data empty", with(func(p *Payload) { p.AdditionalData = []Field{{"03", ""}} }), "62.03", ErrLength},
		{"additional data over 99", with(func(p *Payload) {
			p.AdditionalData = []Field{{"03", strings.Repeat("s", 50)}, {"07", strings.Repeat("t", 50)}}
		}), "62", ErrLength},
		{"extra amount", with(func(p *Payload) { p.Extra = []Field{{"54", "100"}} }), "54", ErrUnexpectedTag},
		{"extra tag of 1 digit", with(func(p *Payload) { p.Extra = []Field{{"5", "x"}} }), "", ErrUnexpectedTag},
		{"extra twice", with(func(p *Payload) { p.Extra = []Field{{"59", "A"}, {"59", "B"}} }), "59", ErrUnexpectedTag},
		{"extra empty", with(func(p *Payload) { p.Extra = []Field{{"59", ""}} }), "59", ErrLength},
		{"extra of 100", with(func(p *Payload) { p.Extra = []Field{{"80", strings.Repeat("x", 100)}} }), "80", ErrLength},
		{"extra not ASCII", with(func(p *Payload) { p.Extra = []Field{{"59", "UBND Xã"}} }), "59", ErrInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Encode(tc.p)
			if err == nil {
				t.Fatalf("Encode = %s, want an error", s)
			}
			wantError(t, err, tc.tag, tc.kind)
		})
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Encode(Payload{BIN: "97041", Account: "1"})
	if got, want := err.Error(), `vietqr: tag 38.01.00: BIN must be 6 digits, got "97041"`; got != want {
		t.Errorf("Error() = %s, want %s", got, want)
	}
	_, err = Decode("000201010")
	if got, want := err.Error(), `vietqr: 3 characters left over after the last data object`; got != want {
		t.Errorf("Error() = %s, want %s", got, want)
	}
}

// TestDecodeRealWorld decodes payloads published by others. Decode verifies each CRC, so
// a payload copied wrong fails here rather than passing by accident.
func TestDecodeRealWorld(t *testing.T) {
	for _, tc := range []struct {
		name, source, payload string
		want                  Payload
	}{
		{
			"VietinBank donation", "README of github.com/subiz/vietqr, an independent Go encoder: 120.000 đ to VietinBank 0011001932418, \"ủng hộ lũ lụt\"",
			"00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C",
			Payload{PointOfInitiation: Dynamic, BIN: "970415", Account: "0011001932418", Amount: 120000, Purpose: "ung ho lu lut"},
		},
		{
			"NAPAS dynamic account", "NAPAS IBFT QR specification v1.5.2 example, as quoted by github.com/binhnguyenduc/vietqr-ts tests/compliance/napas-dynamic-account.test.ts",
			"00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E",
			Payload{PointOfInitiation: Dynamic, BIN: "970403", Account: "0011012345678", Amount: 180000, Bill: "NPS6869", Purpose: "thanh toan don hang"},
		},
		{
			"NAPAS static card", "NAPAS IBFT QR specification v1.5.2 example, as quoted by github.com/binhnguyenduc/vietqr-ts tests/compliance/napas-static-card.test.ts",
			"00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52",
			Payload{PointOfInitiation: Static, BIN: "970403", Account: "9704031101234567", Card: true},
		},
		{
			"NAPAS dynamic card", "NAPAS specification's card example with amount, from a public Laravel project's tests/Unit/QRServiceTest.php (testCRC1, CRC A203)",
			"00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203",
			Payload{PointOfInitiation: Dynamic, BIN: "970403", Account: "9704031101234567", Card: true, Amount: 180000, Bill: "NPS6869", Purpose: "thanh toan don hang"},
		},
		{
			"ACB course payment", "the same QRServiceTest.php (testQR1): an ACB account of the anyLEARN app, CRC FA27",
			"00020101021238500010A0000007270120000697041601065454460208QRIBFTTA53037045405801005802VN62250821Thanh toan anyLEARN 86304FA27",
			Payload{PointOfInitiation: Dynamic, BIN: "970416", Account: "545446", Amount: 80100, Purpose: "Thanh toan anyLEARN 8"},
		},
		{
			"payOS virtual account", "a payOS payment link (MB virtual account with letters) stored URL-encoded in a public project's MySQL dump, payments row of 2025-06-24",
			"00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540470005802VN62120808TL89 1006304E346",
			Payload{PointOfInitiation: Dynamic, BIN: "970422", Account: "VQRQADAIJ5512", Amount: 7000, Purpose: "TL89 100"},
		},
		{
			"TPBank static", "github.com/subiz/vietqr vietqr_test.go, first case",
			"00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4",
			Payload{PointOfInitiation: Static, BIN: "970423", Account: "0099999999"},
		},
		{
			"longest account and purpose", "github.com/subiz/vietqr vietqr_test.go: 19-character account with letters, purpose cut by that encoder to 25",
			"00020101021238630010A0000007270133000697042201190023457923442ASDFLJ0208QRIBFTTA53037045405401235802VN62290825chuyen khoan alsdkf laksj6304E5DB",
			Payload{PointOfInitiation: Dynamic, BIN: "970422", Account: "0023457923442ASDFLJ", Amount: 40123, Purpose: "chuyen khoan alsdkf laksj"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Log("source:", tc.source)
			got, err := Decode(tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Decode =\n%+v\nwant\n%+v", got, tc.want)
			}
			// All these payloads are in ascending tag order, so Encode must reproduce them.
			if s, err := Encode(tc.want); err != nil || s != tc.payload {
				t.Errorf("Encode = %s, %v\nwant     %s", s, err, tc.payload)
			}
		})
	}
}

// TestDecodeRejectsRealWorld shows why Decode is strict: published payloads that are not
// NAPAS 247 transfers, or that are broken, are refused with the tag at fault.
func TestDecodeRejectsRealWorld(t *testing.T) {
	for _, tc := range []struct {
		name, source, payload, tag string
		kind                       error
	}{
		{
			"merchant QRPUSH code", "README of github.com/liopayvn/vietqr-php: a merchant payment code with 52, 59, 60 and 62.03 but no service code; its CRC is right",
			"00020101021138480010A00000072701300006970403011621129950446040255204581253037045802VN5910PHUONG CAC6005HANOI62110307NPS686963045802",
			"38.02", ErrMissingTag,
		},
		{
			"NAPAS printed static example", "NAPAS specification v1.5.2 static-account example as quoted by vietqr-ts tests/compliance/napas-static-account.test.ts: 38.01 declares 27 characters but its account declares 12 and 13 follow; its CRC is right",
			"00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5",
			"38.01", ErrLength,
		},
		{
			"payOS documentation example", "payOS API documentation's create-payment-link response: 38.01.01 declares 13 characters for a 12-digit account, so the framing slips from there on (its CRC BE36 is wrong too, 2FD8)",
			"00020101021238570010A000000727012700069704220113113366668888020899998888530370454061000005802VN62230819THANH TOAN DON HANG6304BE36",
			"", ErrUnexpectedTag,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Log("source:", tc.source)
			p, err := Decode(tc.payload)
			if err == nil {
				t.Fatalf("Decode = %+v, want an error", p)
			}
			wantError(t, err, tc.tag, tc.kind)
		})
	}
}

// baseObjects are the top-level data objects of a valid payload, without the CRC.
var baseObjects = []string{
	tlv("00", "01"),
	tlv("01", "12"),
	tlv("38", tlv("00", napasGUID)+tlv("01", tlv("00", "970415")+tlv("01", "113366668888"))+tlv("02", "QRIBFTTA")),
	tlv("53", "704"),
	tlv("54", "50000"),
	tlv("58", "VN"),
	tlv("62", tlv("08", "Le phi")),
}

// replace returns baseObjects with the object of tag swapped for obj, or dropped when obj
// is empty, joined into a payload body.
func replace(tag, obj string) string {
	var b strings.Builder
	for _, o := range baseObjects {
		if o[:2] != tag {
			b.WriteString(o)
		} else if obj != "" {
			b.WriteString(obj)
		}
	}
	return b.String()
}

func merchant(guid, bank, service string) string {
	return tlv("38", tlv("00", guid)+tlv("01", bank)+tlv("02", service))
}

func TestDecodeErrors(t *testing.T) {
	valid := withCRC(replace("", ""))
	bank := tlv("00", "970415") + tlv("01", "113366668888")
	for _, tc := range []struct {
		name, payload, tag string
		kind               error
	}{
		{"empty", "", "63", ErrMissingTag},
		{"bad CRC", valid[:len(valid)-1] + "0", "63", ErrCRC},
		{"CRC not hexadecimal", valid[:len(valid)-4] + "12G4", "63", ErrCRC},
		{"CRC of 3 digits", replace("", "") + "6303ABC", "63", ErrCRC},
		{"CRC missing", replace("", ""), "63", ErrMissingTag},
		{"CRC not last", withCRC(replace("58", "")) + "5802VN", "63", ErrUnexpectedTag},
		{"trailing garbage", valid + "00", "63", ErrUnexpectedTag},
		{"truncated", valid[:20], "38", ErrLength},
		{"wrong top-level length", withCRC(replace("62", "6299"+tlv("08", "Le phi"))), "62", ErrLength},
		{"length past the end", replace("", "") + "6399ABCD", "63", ErrLength},
		{"non-digit length", withCRC(replace("53", "530X704")), "53", ErrLength},
		{"non-digit tag", withCRC(replace("53", "5A03704")), "", ErrUnexpectedTag},
		{"empty value", withCRC(replace("62", "6200")), "62", ErrLength},
		{"wrong nested length", withCRC(replace("38", merchant(napasGUID, tlv("00", "970415")+"0113113366668888", "QRIBFTTA"))), "38.01.01", ErrLength},
		{"left over in template", withCRC(replace("38", merchant(napasGUID, bank+"0", "QRIBFTTA"))), "38.01", ErrLength},
		{"duplicate tag", withCRC(replace("", "") + tlv("59", "A") + tlv("59", "B")), "59", ErrUnexpectedTag},
		{"duplicate sub-tag", withCRC(replace("62", tlv("62", tlv("08", "a")+tlv("08", "b")))), "62.08", ErrUnexpectedTag},
		{"missing 00", withCRC(replace("00", "")), "00", ErrMissingTag},
		{"missing 01", withCRC(replace("01", "")), "01", ErrMissingTag},
		{"missing 38", withCRC(replace("38", "")), "38", ErrMissingTag},
		{"missing 53", withCRC(replace("53", "")), "53", ErrMissingTag},
		{"missing 58", withCRC(replace("58", "")), "58", ErrMissingTag},
		{"missing 38.00", withCRC(replace("38", tlv("38", tlv("01", bank)+tlv("02", "QRIBFTTA")))), "38.00", ErrMissingTag},
		{"missing 38.01", withCRC(replace("38", tlv("38", tlv("00", napasGUID)+tlv("02", "QRIBFTTA")))), "38.01", ErrMissingTag},
		{"missing 38.02", withCRC(replace("38", tlv("38", tlv("00", napasGUID)+tlv("01", bank)))), "38.02", ErrMissingTag},
		{"missing 38.01.00", withCRC(replace("38", merchant(napasGUID, tlv("01", "113366668888"), "QRIBFTTA"))), "38.01.00", ErrMissingTag},
		{"missing 38.01.01", withCRC(replace("38", merchant(napasGUID, tlv("00", "970415"), "QRIBFTTA"))), "38.01.01", ErrMissingTag},
		{"format 02", withCRC(replace("00", tlv("00", "02"))), "00", ErrInvalidValue},
		{"initiation 13", withCRC(replace("01", tlv("01", "13"))), "01", ErrInvalidValue},
		{"other GUID", withCRC(replace("38", merchant("A000000775", bank, "QRIBFTTA"))), "38.00", ErrInvalidValue},
		{"BIN of 5 digits", withCRC(replace("38", merchant(napasGUID, tlv("00", "97041")+tlv("01", "113366668888"), "QRIBFTTA"))), "38.01.00", ErrInvalidValue},
		{"account of 20", withCRC(replace("38", merchant(napasGUID, tlv("00", "970415")+tlv("01", strings.Repeat("1", 20)), "QRIBFTTA"))), "38.01.01", ErrInvalidValue},
		{"account with a dot", withCRC(replace("38", merchant(napasGUID, tlv("00", "970415")+tlv("01", "1133.6666"), "QRIBFTTA"))), "38.01.01", ErrInvalidValue},
		{"merchant service", withCRC(replace("38", merchant(napasGUID, bank, "QRPUSH"))), "38.02", ErrInvalidValue},
		{"unknown 38.03", withCRC(replace("38", tlv("38", tlv("00", napasGUID)+tlv("01", bank)+tlv("02", "QRIBFTTA")+tlv("03", "X")))), "38.03", ErrUnexpectedTag},
		{"unknown 38.01.02", withCRC(replace("38", merchant(napasGUID, bank+tlv("02", "X"), "QRIBFTTA"))), "38.01.02", ErrUnexpectedTag},
		{"currency 840", withCRC(replace("53", tlv("53", "840"))), "53", ErrInvalidValue},
		{"amount with leading zero", withCRC(replace("54", tlv("54", "050000"))), "54", ErrInvalidValue},
		{"amount with decimals", withCRC(replace("54", tlv("54", "50000.00"))), "54", ErrInvalidValue},
		{"amount zero", withCRC(replace("54", tlv("54", "0"))), "54", ErrInvalidValue},
		{"amount of 14 digits", withCRC(replace("54", tlv("54", "10000000000000"))), "54", ErrInvalidValue},
		{"country US", withCRC(replace("58", tlv("58", "US"))), "58", ErrInvalidValue},
		{"purpose of 26", withCRC(replace("62", tlv("62", tlv("08", strings.Repeat("a", 26))))), "62.08", ErrInvalidValue},
		{"bill not ASCII", withCRC(replace("62", tlv("62", tlv("01", "Lệ phí")))), "62.01", ErrInvalidValue},
		{"additional data not ASCII", withCRC(replace("62", tlv("62", tlv("03", "Xã")))), "62.03", ErrInvalidValue},
		{"extra not ASCII", withCRC(replace("", "") + tlv("59", "UBND Xã")), "59", ErrInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Decode(tc.payload)
			if err == nil {
				t.Fatalf("Decode(%q) = %+v, want an error", tc.payload, p)
			}
			wantError(t, err, tc.tag, tc.kind)
		})
	}
}

func TestDecodeLenient(t *testing.T) {
	valid := withCRC(replace("", ""))
	want := Payload{PointOfInitiation: Dynamic, BIN: "970415", Account: "113366668888", Amount: 50000, Purpose: "Le phi"}
	for _, tc := range []struct {
		name, payload string
		change        func(*Payload)
	}{
		{"lower-case CRC", valid[:len(valid)-4] + strings.ToLower(valid[len(valid)-4:]), nil},
		{"static with amount", withCRC(replace("01", tlv("01", "11"))), func(p *Payload) { p.PointOfInitiation = Static }},
		{"other additional data kept", withCRC(replace("62", tlv("62", tlv("09", "AME")+tlv("08", "Le phi")+tlv("05", "REF1")+tlv("50", "0010X")))),
			func(p *Payload) { p.AdditionalData = []Field{{"05", "REF1"}, {"09", "AME"}, {"50", "0010X"}} }},
		{"unknown tags kept", withCRC(tlv("99", "raw") + replace("", "") + tlv("64", "0002vi") + tlv("26", "0010A000000775") + tlv("52", "9399")),
			func(p *Payload) {
				p.Extra = []Field{{"26", "0010A000000775"}, {"52", "9399"}, {"64", "0002vi"}, {"99", "raw"}}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			w := want
			if tc.change != nil {
				tc.change(&w)
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("Decode =\n%+v\nwant\n%+v", got, w)
			}
		})
	}
}

// splitTop cuts a well-formed payload into its top-level data objects, without relying on
// the code under test.
func splitTop(t *testing.T, s string) []string {
	t.Helper()
	var objs []string
	for s != "" {
		var n int
		if _, err := fmt.Sscanf(s[2:4], "%d", &n); err != nil {
			t.Fatalf("bad length in %q", s)
		}
		objs, s = append(objs, s[:4+n]), s[4+n:]
	}
	return objs
}

func TestDecodeTagOrder(t *testing.T) {
	p := Payload{BIN: "970436", Account: "0011004321987", Amount: 250000, Bill: "HS-0007", Purpose: "Le phi",
		AdditionalData: []Field{{"03", "UBND"}, {"07", "QUAY01"}},
		Extra:          []Field{{"52", "9399"}, {"59", "UBND XA QUANG TU"}, {"60", "HA NOI"}, {"80", "0003ABC"}}}
	want, err := Decode(mustEncode(t, p))
	if err != nil {
		t.Fatal(err)
	}
	objs := splitTop(t, mustEncode(t, p))
	objs = objs[:len(objs)-1] // the CRC stays last
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		r.Shuffle(len(objs), func(i, j int) { objs[i], objs[j] = objs[j], objs[i] })
		s := withCRC(strings.Join(objs, ""))
		got, err := Decode(s)
		if err != nil {
			t.Fatalf("permutation %d: Decode(%s): %v", i, s, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("permutation %d: Decode(%s) =\n%+v\nwant\n%+v", i, s, got, want)
		}
	}
}

func mustEncode(t testing.TB, p Payload) string {
	t.Helper()
	s, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// canonical is what Decode(Encode(p)) must return: what Encode makes of p, in the form
// Decode reports it.
func canonical(p Payload) Payload {
	p.Bill, p.Purpose = StripDiacritics(p.Bill), StripDiacritics(p.Purpose)
	if p.PointOfInitiation == Auto {
		p.PointOfInitiation = Static
		if p.Amount > 0 {
			p.PointOfInitiation = Dynamic
		}
	}
	byTag := func(a, b Field) int { return cmp.Compare(a.Tag, b.Tag) }
	p.AdditionalData = slices.SortedFunc(slices.Values(p.AdditionalData), byTag)
	p.Extra = slices.SortedFunc(slices.Values(p.Extra), byTag)
	return p
}

func randomText(r *rand.Rand, alphabet string, min, max int) string {
	b := make([]byte, min+r.IntN(max-min+1))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	digits    = "0123456789"
	alnum     = digits + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	printable = alnum + " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

var vietnameseWords = strings.Fields("Lệ phí hộ tịch đăng ký khai sinh chứng thực bản sao Đoàn Thị Ngọc Ánh Hưng Quảng Từ xã")

// randomReference is empty, printable ASCII, or Vietnamese words that fit in 25
// characters once stripped.
func randomReference(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return ""
	case 1:
		return randomText(r, printable, 1, maxText)
	}
	s := vietnameseWords[r.IntN(len(vietnameseWords))]
	for {
		next := s + " " + vietnameseWords[r.IntN(len(vietnameseWords))]
		if len(StripDiacritics(next)) > maxText || r.IntN(4) == 0 {
			return s
		}
		s = next
	}
}

// randomFields returns up to max fields with distinct tags drawn from tags, in random order.
func randomFields(r *rand.Rand, tags []int, max, maxLen int) []Field {
	var fs []Field
	for _, i := range r.Perm(len(tags))[:r.IntN(max+1)] {
		fs = append(fs, Field{Tag: tagName(tags[i]), Value: randomText(r, printable, 1, maxLen)})
	}
	return fs
}

func randomPayload(r *rand.Rand) Payload {
	var extraTags, additionalTags []int
	for n := range 100 {
		if !interpreted(n) {
			extraTags = append(extraTags, n)
		}
		if n != subBill && n != subPurpose {
			additionalTags = append(additionalTags, n)
		}
	}
	p := Payload{
		PointOfInitiation: Initiation(r.IntN(3)),
		BIN:               randomText(r, digits, 6, 6),
		Account:           randomText(r, alnum, 1, 19),
		Card:              r.IntN(2) == 0,
		Bill:              randomReference(r),
		Purpose:           randomReference(r),
		// At most 2×(4+25) + 3×(4+8) = 94 characters in template 62.
		AdditionalData: randomFields(r, additionalTags, 3, 8),
		Extra:          randomFields(r, extraTags, 5, maxValue),
	}
	if r.IntN(3) > 0 {
		p.Amount = 1 + r.Int64N(maxAmount)
	}
	return p
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 766))
	for i := range 5000 {
		p := randomPayload(r)
		s, err := Encode(p)
		if err != nil {
			t.Fatalf("case %d: Encode(%+v): %v", i, p, err)
		}
		got, err := Decode(s)
		if err != nil {
			t.Fatalf("case %d: Decode(%s): %v", i, s, err)
		}
		if want := canonical(p); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: Decode(%s) =\n%+v\nwant\n%+v", i, s, got, want)
		}
	}
}

func TestDecodeFieldsJSON(t *testing.T) {
	f, err := DecodeFields("00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA530370454055000058" +
		"02VN62100806Le phi63043fbd")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"point_of_initiation":"dynamic","bin":"970415","account":"113366668888","card":false,` +
		`"amount":50000,"purpose":"Le phi","crc":"3FBD"}`
	if string(got) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", got, want)
	}

	var back Fields
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, f) {
		t.Errorf("JSON round trip = %+v, want %+v", back, f)
	}
}

func TestInitiationText(t *testing.T) {
	for _, i := range []Initiation{Auto, Static, Dynamic} {
		text, err := i.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Initiation
		if err := back.UnmarshalText(text); err != nil || back != i {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, i)
		}
	}
	if _, err := Initiation(3).MarshalText(); err == nil {
		t.Error("MarshalText of Initiation(3) succeeded")
	}
	var i Initiation
	if err := i.UnmarshalText([]byte("11")); err == nil {
		t.Error(`UnmarshalText("11") succeeded`)
	}
}

func BenchmarkEncode(b *testing.B) {
	p := Payload{BIN: "970415", Account: "113366668888", Amount: 50000,
		Bill: "000.00.12.H45-260126-0007", Purpose: "Lệ phí chứng thực"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	s := mustEncode(b, Payload{BIN: "970415", Account: "113366668888", Amount: 50000,
		Bill: "000.00.12.H45-260126-0007", Purpose: "Le phi chung thuc", Extra: []Field{{"59", "UBND XA QUANG TU"}}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}
