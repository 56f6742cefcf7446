package signing

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// xrefEntry locates an object: in the file at Offset, or as the Index-th object of the
// object stream Stream.
type xrefEntry struct {
	InStream bool
	Offset   int64
	Gen      int
	Stream   int
	Index    int
}

// document is a parsed PDF: its bytes, the newest entry of every object number, the
// newest trailer and how its last cross-reference section was written.
type document struct {
	buf        []byte
	xref       map[int]xrefEntry
	trailer    *dict
	startxref  int64
	xrefStream bool // the last section is a cross-reference stream
	size       int
	objStreams map[int][]any // decoded object streams, by number
	resolving  map[int]bool
}

var (
	errNotPDF    = errors.New("no PDF header")
	errEncrypted = errors.New("the PDF is encrypted")
)

// parseDocument reads the cross-reference sections from the last one back.
func parseDocument(buf []byte) (*document, error) {
	head := buf
	if len(head) > 1024 {
		head = head[:1024]
	}
	if !bytes.Contains(head, []byte("%PDF-")) {
		return nil, errNotPDF
	}
	d := &document{buf: buf, xref: map[int]xrefEntry{}, objStreams: map[int][]any{}, resolving: map[int]bool{}}
	tail := buf
	if len(tail) > 2048 {
		tail = tail[len(tail)-2048:]
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil, syntaxErr(len(buf), "no startxref")
	}
	l := &lexer{buf: buf, pos: len(buf) - len(tail) + i + len("startxref")}
	l.skipSpace()
	off, err := strconv.ParseInt(string(l.regular()), 10, 64)
	if err != nil || off < 0 || off >= int64(len(buf)) {
		return nil, syntaxErr(l.pos, "bad startxref")
	}
	d.startxref = off
	seen := map[int64]bool{}
	first := true
	for off >= 0 {
		if seen[off] || len(seen) > 1000 {
			return nil, syntaxErr(int(off), "cross-reference loop")
		}
		seen[off] = true
		trailer, isStream, err := d.readSection(off)
		if err != nil {
			return nil, err
		}
		if first {
			d.trailer, d.xrefStream, first = trailer, isStream, false
		}
		// A hybrid file's classic trailer points at a stream with the same section's
		// compressed objects.
		if xs, ok := intOf(trailer.Get("XRefStm")); ok && !isStream && !seen[xs] {
			seen[xs] = true
			if _, _, err := d.readSection(xs); err != nil {
				return nil, err
			}
		}
		prev, ok := intOf(trailer.Get("Prev"))
		if !ok {
			break
		}
		if prev < 0 || prev >= int64(len(buf)) {
			return nil, syntaxErr(int(off), "bad /Prev")
		}
		off = prev
	}
	if d.trailer.Get("Encrypt") != nil {
		return nil, errEncrypted
	}
	size, ok := intOf(d.trailer.Get("Size"))
	if !ok || size <= 0 || size > 10_000_000 {
		return nil, syntaxErr(0, "bad trailer /Size")
	}
	d.size = int(size)
	if _, ok := d.trailer.Get("Root").(ref); !ok {
		return nil, syntaxErr(0, "no /Root")
	}
	return d, nil
}

// readSection reads the cross-reference section at off, adding entries not yet known.
func (d *document) readSection(off int64) (*dict, bool, error) {
	l := &lexer{buf: d.buf, pos: int(off)}
	l.skipSpace()
	if bytes.HasPrefix(d.buf[l.pos:], []byte("xref")) {
		l.pos += 4
		for {
			l.skipSpace()
			if bytes.HasPrefix(d.buf[l.pos:], []byte("trailer")) {
				l.pos += len("trailer")
				t, err := l.object(0)
				if err != nil {
					return nil, false, err
				}
				td, ok := t.(*dict)
				if !ok {
					return nil, false, syntaxErr(l.pos, "trailer is not a dictionary")
				}
				return td, false, nil
			}
			start, err1 := strconv.Atoi(string(l.regular()))
			l.skipSpace()
			count, err2 := strconv.Atoi(string(l.regular()))
			if err1 != nil || err2 != nil || start < 0 || count < 0 || count > 10_000_000 {
				return nil, false, syntaxErr(l.pos, "bad cross-reference subsection")
			}
			for k := 0; k < count; k++ {
				l.skipSpace()
				o, e1 := strconv.ParseInt(string(l.regular()), 10, 64)
				l.skipSpace()
				g, e2 := strconv.Atoi(string(l.regular()))
				l.skipSpace()
				kind := l.regular()
				if e1 != nil || e2 != nil || len(kind) != 1 {
					return nil, false, syntaxErr(l.pos, "bad cross-reference entry")
				}
				n := start + k
				if _, known := d.xref[n]; known {
					continue
				}
				if kind[0] == 'n' {
					d.xref[n] = xrefEntry{Offset: o, Gen: g}
				} else {
					d.xref[n] = xrefEntry{Offset: -1, Gen: g}
				}
			}
		}
	}
	_, obj, err := d.parseIndirectAt(off)
	if err != nil {
		return nil, false, err
	}
	s, ok := obj.(*stream)
	if !ok || s.Dict.Get("Type") != name("XRef") {
		return nil, false, syntaxErr(int(off), "no cross-reference section")
	}
	data, err := decodeStream(s)
	if err != nil {
		return nil, false, fmt.Errorf("cross-reference stream: %w", err)
	}
	wArr, _ := s.Dict.Get("W").(array)
	if len(wArr) != 3 {
		return nil, false, syntaxErr(int(off), "bad /W")
	}
	var w [3]int
	for i := range w {
		v, ok := intOf(wArr[i])
		if !ok || v < 0 || v > 8 {
			return nil, false, syntaxErr(int(off), "bad /W")
		}
		w[i] = int(v)
	}
	size, _ := intOf(s.Dict.Get("Size"))
	index := array{number("0"), num(size)}
	if a, ok := s.Dict.Get("Index").(array); ok {
		index = a
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return nil, false, syntaxErr(int(off), "bad /W")
	}
	p := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := intOf(index[i])
		count, ok2 := intOf(index[i+1])
		if !ok1 || !ok2 || start < 0 || count < 0 || count > 10_000_000 {
			return nil, false, syntaxErr(int(off), "bad /Index")
		}
		for k := int64(0); k < count; k++ {
			if p+rowLen > len(data) {
				return nil, false, syntaxErr(int(off), "cross-reference stream too short")
			}
			field := func(j, from int) int64 {
				if w[j] == 0 {
					if j == 0 {
						return 1
					}
					return 0
				}
				var v int64
				for _, b := range data[from : from+w[j]] {
					v = v<<8 | int64(b)
				}
				return v
			}
			t, f2, f3 := field(0, p), field(1, p+w[0]), field(2, p+w[0]+w[1])
			p += rowLen
			n := int(start + k)
			if _, known := d.xref[n]; known {
				continue
			}
			switch t {
			case 0:
				d.xref[n] = xrefEntry{Offset: -1}
			case 1:
				d.xref[n] = xrefEntry{Offset: f2, Gen: int(f3)}
			case 2:
				d.xref[n] = xrefEntry{InStream: true, Stream: int(f2), Index: int(f3)}
			}
		}
	}
	return s.Dict, true, nil
}

// parseIndirectAt parses "n g obj … endobj" at off.
func (d *document) parseIndirectAt(off int64) (ref, any, error) {
	if off < 0 || off >= int64(len(d.buf)) {
		return ref{}, nil, syntaxErr(int(off), "object offset outside the file")
	}
	l := &lexer{buf: d.buf, pos: int(off)}
	l.skipSpace()
	n, err1 := strconv.Atoi(string(l.regular()))
	l.skipSpace()
	g, err2 := strconv.Atoi(string(l.regular()))
	l.skipSpace()
	if err1 != nil || err2 != nil || !bytes.HasPrefix(d.buf[l.pos:], []byte("obj")) {
		return ref{}, nil, syntaxErr(int(off), "no object here")
	}
	l.pos += 3
	v, err := l.object(0)
	if err != nil {
		return ref{}, nil, err
	}
	l.skipSpace()
	if sd, ok := v.(*dict); ok && bytes.HasPrefix(d.buf[l.pos:], []byte("stream")) {
		l.pos += len("stream")
		if l.pos < len(d.buf) && d.buf[l.pos] == '\r' {
			l.pos++
		}
		if l.pos < len(d.buf) && d.buf[l.pos] == '\n' {
			l.pos++
		}
		length, ok := intOf(sd.Get("Length"))
		if r, isRef := sd.Get("Length").(ref); isRef && r.Num != n {
			lv, err := d.resolve(r)
			if err == nil {
				length, ok = intOf(lv)
			}
		}
		if !ok || length < 0 || int64(l.pos)+length > int64(len(d.buf)) {
			// Fall back to the endstream keyword.
			e := bytes.Index(d.buf[l.pos:], []byte("endstream"))
			if e < 0 {
				return ref{}, nil, syntaxErr(l.pos, "stream without end")
			}
			length = int64(len(bytes.TrimRight(d.buf[l.pos:l.pos+e], "\r\n")))
		}
		v = &stream{Dict: sd, Data: d.buf[l.pos : l.pos+int(length)]}
	}
	return ref{n, g}, v, nil
}

// resolve returns the object r points to (nil for a free or unknown object); direct
// values are returned as they are.
func (d *document) resolve(v any) (any, error) {
	r, ok := v.(ref)
	if !ok {
		return v, nil
	}
	e, ok := d.xref[r.Num]
	if !ok || (!e.InStream && e.Offset < 0) {
		return nil, nil
	}
	if d.resolving[r.Num] {
		return nil, syntaxErr(0, "object %d refers to itself", r.Num)
	}
	d.resolving[r.Num] = true
	defer delete(d.resolving, r.Num)
	if !e.InStream {
		got, obj, err := d.parseIndirectAt(e.Offset)
		if err != nil {
			return nil, err
		}
		if got.Num != r.Num {
			return nil, syntaxErr(int(e.Offset), "object %d found where %d was expected", got.Num, r.Num)
		}
		return obj, nil
	}
	objs, err := d.objectStream(e.Stream)
	if err != nil {
		return nil, err
	}
	if e.Index < 0 || e.Index >= len(objs) {
		return nil, syntaxErr(0, "object %d outside its object stream", r.Num)
	}
	return objs[e.Index], nil
}

func (d *document) objectStream(n int) ([]any, error) {
	if objs, ok := d.objStreams[n]; ok {
		return objs, nil
	}
	v, err := d.resolve(ref{n, 0})
	if err != nil {
		return nil, err
	}
	s, ok := v.(*stream)
	if !ok {
		return nil, syntaxErr(0, "object stream %d missing", n)
	}
	data, err := decodeStream(s)
	if err != nil {
		return nil, fmt.Errorf("object stream %d: %w", n, err)
	}
	count, ok1 := intOf(s.Dict.Get("N"))
	first, ok2 := intOf(s.Dict.Get("First"))
	if !ok1 || !ok2 || count < 0 || count > 1_000_000 || first < 0 || first > int64(len(data)) {
		return nil, syntaxErr(0, "object stream %d: bad /N or /First", n)
	}
	l := &lexer{buf: data}
	offs := make([]int64, count)
	for i := range offs {
		l.skipSpace()
		l.regular()
		l.skipSpace()
		o, err := strconv.ParseInt(string(l.regular()), 10, 64)
		if err != nil || first+o > int64(len(data)) || o < 0 {
			return nil, syntaxErr(0, "object stream %d: bad header", n)
		}
		offs[i] = first + o
	}
	objs := make([]any, count)
	for i, o := range offs {
		ol := &lexer{buf: data, pos: int(o)}
		objs[i], err = ol.object(0)
		if err != nil {
			return nil, err
		}
	}
	d.objStreams[n] = objs
	return objs, nil
}

// dictOf resolves v and returns it as a dictionary (a stream's dictionary included).
func (d *document) dictOf(v any) (*dict, error) {
	o, err := d.resolve(v)
	if err != nil {
		return nil, err
	}
	switch o := o.(type) {
	case *dict:
		return o, nil
	case *stream:
		return o.Dict, nil
	}
	return nil, syntaxErr(0, "expected a dictionary, found %T", o)
}

// pages lists the page objects in order (at most limit of them).
func (d *document) pages(limit int) ([]ref, error) {
	root, err := d.dictOf(d.trailer.Get("Root"))
	if err != nil {
		return nil, err
	}
	var out []ref
	seen := map[int]bool{}
	var walk func(v any, depth int) error
	walk = func(v any, depth int) error {
		r, ok := v.(ref)
		if !ok || seen[r.Num] || depth > 32 || len(out) >= limit {
			return nil
		}
		seen[r.Num] = true
		n, err := d.dictOf(r)
		if err != nil {
			return err
		}
		if n.Get("Type") == name("Page") || (n.Get("Kids") == nil && n.Get("Type") != name("Pages")) {
			out = append(out, r)
			return nil
		}
		kids, err := d.resolve(n.Get("Kids"))
		if err != nil {
			return err
		}
		ka, _ := kids.(array)
		for _, k := range ka {
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root.Get("Pages"), 0); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, syntaxErr(0, "the document has no pages")
	}
	return out, nil
}

// mediaBox returns a page's box, inherited from its parents when not its own.
func (d *document) mediaBox(page ref) [4]float64 {
	box := [4]float64{0, 0, 595.28, 841.89}
	v := any(page)
	for i := 0; i < 32 && v != nil; i++ {
		n, err := d.dictOf(v)
		if err != nil {
			break
		}
		if mb, err := d.resolve(n.Get("MediaBox")); err == nil {
			if a, ok := mb.(array); ok && len(a) == 4 {
				for j := range box {
					if x, ok := a[j].(number); ok {
						box[j] = x.Float()
					}
				}
				return box
			}
		}
		v = n.Get("Parent")
	}
	return box
}
