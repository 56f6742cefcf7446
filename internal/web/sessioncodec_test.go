package web

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 11, 26, 17, 30, 0, 123, time.UTC)
	values := map[string]any{"user_id": int64(42), "flash": "Đã tiếp nhận hồ sơ.", "pending:abc": []byte{0, 1, 255},
		"empty": "", "negative": int64(-7)}
	b, err := sessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:3]) != sessionMagic {
		t.Fatalf("encoded without the compact layout: %q", b)
	}
	gotDeadline, got, err := sessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("round trip: %v %#v, want %v %#v", gotDeadline, got, deadline, values)
	}
	gob, _ := scs.GobCodec{}.Encode(deadline, values)
	if len(b) >= len(gob)/2 {
		t.Errorf("compact session is %d bytes, gob %d", len(b), len(gob))
	}
}

func TestSessionCodecReadsGobAndFallsBackToIt(t *testing.T) {
	deadline := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	// A session written before the compact codec existed is still read.
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{"user_id": int64(9)})
	if err != nil {
		t.Fatal(err)
	}
	d, v, err := sessionCodec{}.Decode(old)
	if err != nil || !d.Equal(deadline) || v["user_id"] != int64(9) {
		t.Fatalf("gob session: %v %v %v", d, v, err)
	}
	// A value of another type is kept, through gob.
	b, err := sessionCodec{}.Encode(deadline, map[string]any{"n": 3.5, "user_id": int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, v, err := (sessionCodec{}).Decode(b); err != nil || v["n"] != 3.5 || v["user_id"] != int64(1) {
		t.Fatalf("fallback: %v %v", v, err)
	}
}

func TestSessionCodecRefusesMalformedData(t *testing.T) {
	good, _ := sessionCodec{}.Encode(time.Unix(1e9, 0), map[string]any{"flash": "xin chào", "user_id": int64(5)})
	for name, b := range map[string][]byte{
		"truncated":     good[:len(good)-2],
		"trailing":      append(append([]byte(nil), good...), 0),
		"unknown type":  []byte(sessionMagic + "\x00\x01\x01kx\x00"),
		"huge count":    []byte(sessionMagic + "\x00\xff\xff\xff\xff\x0f"),
		"huge length":   []byte(sessionMagic + "\x00\x01\xff\xff\xff\xff\x0fk"),
		"only magic":    []byte(sessionMagic),
		"bad varint":    []byte(sessionMagic + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
		"missing value": []byte(sessionMagic + "\x00\x01\x01ki"),
	} {
		if _, _, err := (sessionCodec{}).Decode(b); !errors.Is(err, errSessionData) {
			t.Errorf("%s: err = %v, want errSessionData", name, err)
		}
	}
}

// FuzzSessionCodec: stored session bytes never panic the decoder, and whatever it accepts
// in the compact layout encodes back to the same values.
func FuzzSessionCodec(f *testing.F) {
	good, _ := sessionCodec{}.Encode(time.Unix(1e9, 0), map[string]any{"flash": "xin chào", "user_id": int64(5), "p": []byte("x")})
	f.Add(good)
	f.Add([]byte(sessionMagic + "\x00\x00"))
	f.Add([]byte("not a session"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, v, err := sessionCodec{}.Decode(b)
		if err != nil || string(b[:min(3, len(b))]) != sessionMagic {
			return
		}
		again, err := sessionCodec{}.Encode(d, v)
		if err != nil {
			t.Fatal(err)
		}
		d2, v2, err := sessionCodec{}.Decode(again)
		if err != nil || !d2.Equal(d) || !reflect.DeepEqual(v2, v) {
			t.Fatalf("re-encoded session differs: %v %#v vs %v %#v (%v)", d2, v2, d, v, err)
		}
	})
}
