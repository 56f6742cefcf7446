package vietqr

import (
	"errors"
	"reflect"
	"testing"
)

// checkError fails unless err is an *Error of one of the package's kinds.
func checkError(t *testing.T, err error) {
	t.Helper()
	if _, ok := errors.AsType[*Error](err); !ok {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	for _, kind := range []error{ErrLength, ErrMissingTag, ErrInvalidValue, ErrUnexpectedTag, ErrCRC} {
		if errors.Is(err, kind) {
			return
		}
	}
	t.Fatalf("error %v has no kind", err)
}

// FuzzDecode checks that Decode never panics, and that what it accepts Encode can write
// back into a payload that decodes to the same thing: nothing Decode keeps is lost.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E",
		"00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52",
		"00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540470005802VN62120808TL89 1006304E346",
		"00020101021138480010A00000072701300006970403011621129950446040255204581253037045802VN5910PHUONG CAC6005HANOI62110307NPS686963045802",
		"00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA520493995303704540115802VN5916UBND XA QUANG TU6006HA NOI80140010A0000007756304FB99",
		"00020101021138560010A0000007270126000697041501121133666688880208QRIBFTTA53037045802VN62310307UBND XA0706QUAY010806Le phi63044330",
		"",
		"6304",
		"000201",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Decode(s)
		if err != nil {
			checkError(t, err)
			return
		}
		again, err := Encode(p)
		if err != nil {
			t.Fatalf("Decode(%q) = %+v, which Encode refuses: %v", s, p, err)
		}
		q, err := Decode(again)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))): %v", s, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("Decode(%q) =\n%+v\nbut after Encode and Decode\n%+v", s, p, q)
		}
	})
}

// FuzzEncodeDecode checks that Encode never panics, refuses with an *Error, and that
// whatever it writes decodes to the canonical form of its input.
func FuzzEncodeDecode(f *testing.F) {
	f.Add(uint8(0), "970415", "113366668888", false, int64(50000), "", "Le phi", "", "", "", "")
	f.Add(uint8(1), "970403", "9704031101234567", true, int64(0), "NPS6869", "thanh toan don hang", "03", "QUAY 1", "59", "UBND XA")
	f.Add(uint8(2), "970422", "VQRQADAIJ5512", false, int64(9_999_999_999_999), "HS-0007", "Lệ phí hộ tịch", "50", "0010X", "80", "0010A000000775")
	f.Fuzz(func(t *testing.T, init uint8, bin, account string, card bool, amount int64,
		bill, purpose, additionalTag, additionalValue, extraTag, extraValue string) {
		p := Payload{PointOfInitiation: Initiation(init), BIN: bin, Account: account, Card: card,
			Amount: amount, Bill: bill, Purpose: purpose}
		if additionalTag != "" {
			p.AdditionalData = []Field{{additionalTag, additionalValue}}
		}
		if extraTag != "" {
			p.Extra = []Field{{extraTag, extraValue}}
		}
		s, err := Encode(p)
		if err != nil {
			checkError(t, err)
			return
		}
		got, err := Decode(s)
		if err != nil {
			t.Fatalf("Encode(%+v) = %q, which Decode refuses: %v", p, s, err)
		}
		if want := canonical(p); !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(Encode(%+v)) =\n%+v\nwant\n%+v", p, got, want)
		}
	})
}
