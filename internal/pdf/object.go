package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// This file is PDF's objects (ISO 32000-1 §7.3), their syntax and the decoding of the
// streams a reader of cross-reference sections needs.

// Object values: nil (null), bool, Number, Name, String, HexString, Array, *Dict, Ref,
// *Stream.
type (
	// Name is a name (/Type), its #-escapes decoded.
	Name string
	// Number is an integer or a real as written, so that a copy keeps it exactly.
	Number string
	// String is a literal string's bytes, unescaped.
	String []byte
	// HexString is a hexadecimal string's bytes.
	HexString []byte
	// Array is an array of values.
	Array []any
	// Ref is an indirect reference (n g R).
	Ref struct{ Num, Gen int }
	// Dict is a dictionary, its keys in the order written.
	Dict struct {
		keys []Name
		vals map[Name]any
	}
	// Stream is a stream: its dictionary and its data.
	Stream struct {
		Dict *Dict
		Data []byte // as stored (still encoded)
		at   int    // where Data starts in the file read (0: a stream made here)
	}
)

// NewDict makes an empty dictionary.
func NewDict() *Dict { return &Dict{vals: map[Name]any{}} }

// Get returns the value of key k (nil when absent; nil of a nil dictionary).
func (d *Dict) Get(k Name) any {
	if d == nil {
		return nil
	}
	return d.vals[k]
}

// Set sets key k, keeping the keys' order of first setting.
func (d *Dict) Set(k Name, v any) {
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
}

// Del removes key k.
func (d *Dict) Del(k Name) {
	if _, ok := d.vals[k]; !ok {
		return
	}
	delete(d.vals, k)
	for i, kk := range d.keys {
		if kk == k {
			d.keys = append(d.keys[:i:i], d.keys[i+1:]...)
			break
		}
	}
}

// Keys lists the keys in the order they were first set (as written in the file).
func (d *Dict) Keys() []Name { return d.keys }

// Clone copies the dictionary (not its values).
func (d *Dict) Clone() *Dict {
	c := NewDict()
	for _, k := range d.keys {
		c.Set(k, d.vals[k])
	}
	return c
}

// Int is the number as an integer, when it is one.
func (n Number) Int() (int64, bool) {
	i, err := strconv.ParseInt(string(n), 10, 64)
	return i, err == nil
}

// Float is the number's value (0 when it is not a number).
func (n Number) Float() float64 {
	f, _ := strconv.ParseFloat(string(n), 64)
	return f
}

// integer writes an integer.
func integer(i int64) Number { return Number(strconv.FormatInt(i, 10)) }

// Real writes a real number, as short as it can be.
func Real(f float64) Number { return Number(strconv.FormatFloat(f, 'f', -1, 64)) }

// IntOf is v as an integer, when it is a number that is one.
func IntOf(v any) (int64, bool) {
	n, ok := v.(Number)
	if !ok {
		return 0, false
	}
	return n.Int()
}

var errSyntax = errors.New("pdf syntax")

func syntaxErr(pos int, format string, a ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errSyntax, pos, fmt.Sprintf(format, a...))
}

// lexer reads PDF tokens from buf starting at pos: one object, whose values it counts,
// within the budget b of the file it reads (nil: unbounded in time).
type lexer struct {
	buf    []byte
	pos    int
	b      *Budget
	values int
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		if isWhite(c) {
			l.pos++
		} else if c == '%' {
			for l.pos < len(l.buf) && l.buf[l.pos] != '\n' && l.buf[l.pos] != '\r' {
				l.pos++
			}
		} else {
			return
		}
	}
}

// keyword reads a regular token (number, keyword) without consuming anything else.
func (l *lexer) regular() []byte {
	start := l.pos
	for l.pos < len(l.buf) && !isWhite(l.buf[l.pos]) && !isDelim(l.buf[l.pos]) {
		l.pos++
	}
	return l.buf[start:l.pos]
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// object parses one direct object, or an indirect reference.
func (l *lexer) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, tooComplex("nested deeper than %d at byte %d", maxDepth, l.pos)
	}
	if l.values++; l.values > maxObjectValues {
		return nil, tooComplex("more than %d values in one object at byte %d", maxObjectValues, l.pos)
	}
	if err := l.b.tick(); err != nil {
		return nil, err
	}
	l.skipSpace()
	if l.pos >= len(l.buf) {
		return nil, syntaxErr(l.pos, "unexpected end")
	}
	switch c := l.buf[l.pos]; {
	case c == '/':
		l.pos++
		return Name(decodeName(l.regular())), nil
	case c == '(':
		return l.literal()
	case c == '<' && l.pos+1 < len(l.buf) && l.buf[l.pos+1] == '<':
		l.pos += 2
		d := NewDict()
		for {
			l.skipSpace()
			if l.pos+1 < len(l.buf) && l.buf[l.pos] == '>' && l.buf[l.pos+1] == '>' {
				l.pos += 2
				return d, nil
			}
			k, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			kn, ok := k.(Name)
			if !ok {
				return nil, syntaxErr(l.pos, "dictionary key is not a name")
			}
			v, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			if v != nil {
				d.Set(kn, v)
			}
		}
	case c == '<':
		l.pos++
		var hex []byte
		for l.pos < len(l.buf) && l.buf[l.pos] != '>' {
			if !isWhite(l.buf[l.pos]) {
				hex = append(hex, l.buf[l.pos])
			}
			l.pos++
		}
		if l.pos >= len(l.buf) {
			return nil, syntaxErr(l.pos, "unterminated hex string")
		}
		l.pos++
		if len(hex)%2 == 1 {
			hex = append(hex, '0')
		}
		out := make([]byte, len(hex)/2)
		for i := range out {
			hi, ok1 := unhex(hex[2*i])
			lo, ok2 := unhex(hex[2*i+1])
			if !ok1 || !ok2 {
				return nil, syntaxErr(l.pos, "bad hex digit")
			}
			out[i] = hi<<4 | lo
		}
		return HexString(out), nil
	case c == '[':
		l.pos++
		a := Array{}
		for {
			l.skipSpace()
			if l.pos < len(l.buf) && l.buf[l.pos] == ']' {
				l.pos++
				return a, nil
			}
			v, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	default:
		start := l.pos
		tok := l.regular()
		if len(tok) == 0 {
			return nil, syntaxErr(l.pos, "unexpected %q", c)
		}
		switch string(tok) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		if !isNumber(tok) {
			return nil, syntaxErr(start, "unexpected token %q", truncate(tok))
		}
		// An integer may begin "n g R".
		if isInt(tok) {
			save := l.pos
			l.skipSpace()
			g := l.regular()
			if isInt(g) {
				l.skipSpace()
				if l.pos < len(l.buf) && l.buf[l.pos] == 'R' && (l.pos+1 == len(l.buf) || isWhite(l.buf[l.pos+1]) || isDelim(l.buf[l.pos+1])) {
					l.pos++
					n, err1 := strconv.Atoi(string(tok))
					gn, err2 := strconv.Atoi(string(g))
					if err1 != nil || err2 != nil || n < 0 || gn < 0 {
						return nil, syntaxErr(start, "bad reference")
					}
					return Ref{n, gn}, nil
				}
			}
			l.pos = save
		}
		return Number(tok), nil
	}
}

func truncate(b []byte) string {
	if len(b) > 20 {
		b = b[:20]
	}
	return string(b)
}

func isInt(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		if (c < '0' || c > '9') && !(i == 0 && (c == '+' || c == '-') && len(b) > 1) {
			return false
		}
	}
	return true
}

func isNumber(b []byte) bool {
	digits := 0
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
		case (c == '-' || c == '+') && i == 0:
		default:
			return false
		}
	}
	return digits > 0
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func decodeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			hi, ok1 := unhex(b[i+1])
			lo, ok2 := unhex(b[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

func (l *lexer) literal() (any, error) {
	l.pos++ // (
	var out []byte
	depth := 1
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return String(out), nil
			}
		case '\\':
			if l.pos >= len(l.buf) {
				break
			}
			e := l.buf[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.buf) && l.buf[l.pos] >= '0' && l.buf[l.pos] <= '7'; k++ {
						v = v*8 + int(l.buf[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, syntaxErr(l.pos, "unterminated string")
}

// Serialize writes v in PDF syntax.
func Serialize(w *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		if v {
			w.WriteString("true")
		} else {
			w.WriteString("false")
		}
	case Number:
		w.WriteString(string(v))
	case Name:
		w.WriteByte('/')
		for _, c := range []byte(v) {
			if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
				fmt.Fprintf(w, "#%02X", c)
			} else {
				w.WriteByte(c)
			}
		}
	case String:
		w.WriteByte('(')
		for _, c := range v {
			switch c {
			case '(', ')', '\\':
				w.WriteByte('\\')
				w.WriteByte(c)
			case '\r':
				w.WriteString(`\r`)
			case '\n':
				w.WriteString(`\n`)
			default:
				w.WriteByte(c)
			}
		}
		w.WriteByte(')')
	case HexString:
		fmt.Fprintf(w, "<%X>", []byte(v))
	case Array:
		w.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				w.WriteByte(' ')
			}
			Serialize(w, e)
		}
		w.WriteByte(']')
	case Ref:
		fmt.Fprintf(w, "%d %d R", v.Num, v.Gen)
	case *Dict:
		w.WriteString("<<")
		for _, k := range v.keys {
			Serialize(w, k)
			w.WriteByte(' ')
			Serialize(w, v.vals[k])
		}
		w.WriteString(">>")
	case *Stream:
		d := v.Dict.Clone()
		d.Set("Length", integer(int64(len(v.Data))))
		Serialize(w, d)
		w.WriteString("\nstream\n")
		w.Write(v.Data)
		w.WriteString("\nendstream")
	default:
		panic(fmt.Sprintf("pdf: cannot serialize %T", v))
	}
}

// inflate decodes a FlateDecode stream, stopping at limit bytes so that a bomb cannot
// exhaust memory: the buffer grows by doubling but never past limit+1, so a refusal
// costs at most twice the limit.
func inflate(data []byte, limit int64) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]byte, 0, min(limit+1, 4*int64(len(data))+512))
	for {
		if len(out) == cap(out) {
			if int64(len(out)) > limit {
				return nil, ErrInflateLimit.With(fmt.Errorf("a stream inflates to more than %d bytes", limit))
			}
			grown := make([]byte, len(out), min(2*int64(cap(out)), limit+1))
			copy(grown, out)
			out = grown
		}
		n, err := r.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(out)) > limit {
		return nil, ErrInflateLimit.With(fmt.Errorf("a stream inflates to more than %d bytes", limit))
	}
	return out, nil
}

// decodeStream returns a stream's data with its filters (FlateDecode only, with PNG or no
// predictor) undone, within the budget b (nil: the per-stream limit only). A stream of
// the file is decoded once for all the revisions read with b.
func decodeStream(s *Stream, b *Budget) ([]byte, error) {
	key := [2]int{s.at, len(s.Data)}
	if b != nil && s.at > 0 {
		if out, ok := b.decoded[key]; ok {
			return out, nil
		}
	}
	out, err := decodeFilters(s, b)
	if err != nil {
		return nil, err
	}
	if b != nil && s.at > 0 {
		b.decoded[key] = out
	}
	return out, nil
}

func decodeFilters(s *Stream, b *Budget) ([]byte, error) {
	data := s.Data
	var filters []any
	switch f := s.Dict.Get("Filter").(type) {
	case nil:
	case Name:
		filters = []any{f}
	case Array:
		filters = f
	default:
		return nil, errors.New("bad /Filter")
	}
	if len(filters) > 1 {
		return nil, errors.New("more than one filter")
	}
	if len(filters) == 0 {
		return data, nil
	}
	if filters[0] != Name("FlateDecode") {
		return nil, fmt.Errorf("unsupported filter %v", filters[0])
	}
	out, err := inflate(data, b.streamLimit())
	if err != nil {
		return nil, err
	}
	b.spend(len(out))
	parms, _ := s.Dict.Get("DecodeParms").(*Dict)
	if arr, ok := s.Dict.Get("DecodeParms").(Array); ok && len(arr) == 1 {
		parms, _ = arr[0].(*Dict)
	}
	if parms == nil {
		return out, nil
	}
	pred, _ := IntOf(parms.Get("Predictor"))
	if pred < 10 {
		if pred > 1 {
			return nil, errors.New("unsupported predictor")
		}
		return out, nil
	}
	cols, ok := IntOf(parms.Get("Columns"))
	if !ok {
		cols = 1
	}
	if cols <= 0 || cols > 1<<16 {
		return nil, errors.New("bad /Columns")
	}
	return unpredictPNG(out, int(cols))
}

// unpredictPNG undoes a PNG predictor row by row into one buffer (no copy per row).
func unpredictPNG(data []byte, cols int) ([]byte, error) {
	row := cols + 1
	if len(data)%row != 0 {
		return nil, errors.New("predicted data not a whole number of rows")
	}
	out := make([]byte, 0, len(data)/row*cols)
	prev := make([]byte, cols)
	for i := 0; i < len(data); i += row {
		f := data[i]
		out = append(out, data[i+1:i+row]...)
		cur := out[len(out)-cols:]
		for j := range cur {
			var left, up, ul byte
			if j > 0 {
				left, ul = cur[j-1], prev[j-1]
			}
			up = prev[j]
			switch f {
			case 0:
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[j] += paeth(left, up, ul)
			default:
				return nil, errors.New("bad PNG predictor")
			}
		}
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
