package web

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores a session's values compactly: xaso keeps only int64s (the user),
// strings (a flash message) and byte slices (pending uploads) there, and scs's default gob
// encoding spent more time describing those types on every request than reading the
// session from the database. A value of any other type makes the session fall back to
// gob, and sessions written by gob before are still read.
//
// Layout: "xs1", the deadline (Unix nanoseconds, varint), the number of values (uvarint),
// then per value its key (uvarint length, bytes), a type byte ('i', 's' or 'b') and the
// value (varint, or uvarint length and bytes).
type sessionCodec struct{}

const sessionMagic = "xs1"

var errSessionData = errors.New("session: malformed data")

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, sessionMagic...)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch v := v.(type) {
		case int64:
			b = append(b, 'i')
			b = binary.AppendVarint(b, v)
		case string:
			b = append(b, 's')
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		case []byte:
			b = append(b, 'b')
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	return b, nil
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	rest, ok := cutPrefix(b, sessionMagic)
	if !ok {
		return scs.GobCodec{}.Decode(b)
	}
	d := sessionReader{b: rest}
	deadline := time.Unix(0, d.varint()).UTC()
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) { // every value takes at least one byte
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := string(d.bytes())
		switch d.byte() {
		case 'i':
			values[k] = d.varint()
		case 's':
			values[k] = string(d.bytes())
		case 'b':
			values[k] = append([]byte(nil), d.bytes()...)
		default:
			d.fail()
		}
		if d.err != nil {
			return time.Time{}, nil, d.err
		}
	}
	if len(d.b) != 0 {
		return time.Time{}, nil, fmt.Errorf("%w: %d trailing bytes", errSessionData, len(d.b))
	}
	return deadline, values, nil
}

func cutPrefix(b []byte, p string) ([]byte, bool) {
	if len(b) < len(p) || string(b[:len(p)]) != p {
		return b, false
	}
	return b[len(p):], true
}

// sessionReader reads the codec's fields; the first malformed one sets err and every
// later read returns zero.
type sessionReader struct {
	b   []byte
	err error
}

func (d *sessionReader) fail() {
	if d.err == nil {
		d.err = errSessionData
	}
	d.b = nil
}

func (d *sessionReader) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionReader) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *sessionReader) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}
