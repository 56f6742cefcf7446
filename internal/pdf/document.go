package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
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

// Document is a parsed PDF: its bytes, the newest entry of every object number, the
// newest trailer and how its last cross-reference section was written.
type Document struct {
	buf        []byte
	xref       map[int]xrefEntry
	trailer    *Dict
	startxref  int64
	xrefStream bool // the last section is a cross-reference stream
	size       int
	objStreams map[int]*objStm // decoded object streams, by number
	resolving  map[int]bool
	b          *Budget
}

// objStm is a decoded object stream: its data and where each of its objects starts.
// Objects are parsed when asked for, never all at once.
type objStm struct {
	data []byte
	offs []int64
}

var (
	errNotPDF    = errors.New("no PDF header")
	errEncrypted = errors.New("the PDF is encrypted")
)

// Parse reads the cross-reference sections of buf from the last one back, within a
// budget of its own.
func Parse(buf []byte) (*Document, error) {
	return ParseWithin(buf, NewBudget(context.Background(), len(buf)))
}

// ParseWithin is Parse spending b, which the document keeps for every later
// reading of its objects.
func ParseWithin(buf []byte, b *Budget) (*Document, error) {
	head := buf
	if len(head) > 1024 {
		head = head[:1024]
	}
	if !bytes.Contains(head, []byte("%PDF-")) {
		return nil, errNotPDF
	}
	d := &Document{buf: buf, xref: map[int]xrefEntry{}, objStreams: map[int]*objStm{}, resolving: map[int]bool{}, b: b}
	tail := buf
	if len(tail) > 2048 {
		tail = tail[len(tail)-2048:]
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil, syntaxErr(len(buf), "no startxref")
	}
	l := &lexer{buf: buf, pos: len(buf) - len(tail) + i + len("startxref"), b: b}
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
		if err := b.Check(); err != nil {
			return nil, err
		}
		trailer, isStream, err := d.readSection(off)
		if err != nil {
			return nil, err
		}
		if first {
			d.trailer, d.xrefStream, first = trailer, isStream, false
		}
		// A hybrid file's classic trailer points at a stream with the same section's
		// compressed objects.
		if xs, ok := IntOf(trailer.Get("XRefStm")); ok && !isStream && !seen[xs] {
			seen[xs] = true
			if _, _, err := d.readSection(xs); err != nil {
				return nil, err
			}
		}
		prev, ok := IntOf(trailer.Get("Prev"))
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
	size, ok := IntOf(d.trailer.Get("Size"))
	if !ok || size <= 0 {
		return nil, syntaxErr(0, "bad trailer /Size")
	}
	if err := b.objects(size, "trailer /Size"); err != nil {
		return nil, err
	}
	d.size = int(size)
	if _, ok := d.trailer.Get("Root").(Ref); !ok {
		return nil, syntaxErr(0, "no /Root")
	}
	return d, nil
}

// add records entry e of object n unless a later section did; the number of entries is
// bounded by the budget.
func (d *Document) add(n int, e xrefEntry) error {
	if _, known := d.xref[n]; known {
		return nil
	}
	if err := d.b.objects(int64(len(d.xref)+1), "cross-reference"); err != nil {
		return err
	}
	d.xref[n] = e
	return nil
}

// minTableEntry is the fewest bytes a classic cross-reference entry can take ("0 0 n"
// and a separator; the standard's are 20).
const minTableEntry = 6

// readSection reads the cross-reference section at off, adding entries not yet known.
// The counts a section declares are checked against the budget and against the bytes
// that could hold them before any entry is read.
func (d *Document) readSection(off int64) (*Dict, bool, error) {
	l := &lexer{buf: d.buf, pos: int(off), b: d.b}
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
				td, ok := t.(*Dict)
				if !ok {
					return nil, false, syntaxErr(l.pos, "trailer is not a dictionary")
				}
				return td, false, nil
			}
			start, err1 := strconv.Atoi(string(l.regular()))
			l.skipSpace()
			count, err2 := strconv.Atoi(string(l.regular()))
			if err1 != nil || err2 != nil || start < 0 || count < 0 {
				return nil, false, syntaxErr(l.pos, "bad cross-reference subsection")
			}
			if err := d.b.objects(int64(count), "cross-reference subsection"); err != nil {
				return nil, false, err
			}
			if int64(count)*minTableEntry > int64(len(d.buf)-l.pos) {
				return nil, false, ErrTooManyObjects.With(fmt.Errorf("a subsection of %d entries in %d bytes", count, len(d.buf)-l.pos))
			}
			for k := 0; k < count; k++ {
				if err := d.b.tick(); err != nil {
					return nil, false, err
				}
				l.skipSpace()
				o, e1 := strconv.ParseInt(string(l.regular()), 10, 64)
				l.skipSpace()
				g, e2 := strconv.Atoi(string(l.regular()))
				l.skipSpace()
				kind := l.regular()
				if e1 != nil || e2 != nil || len(kind) != 1 {
					return nil, false, syntaxErr(l.pos, "bad cross-reference entry")
				}
				e := xrefEntry{Offset: o, Gen: g}
				if kind[0] != 'n' {
					e.Offset = -1
				}
				if err := d.add(start+k, e); err != nil {
					return nil, false, err
				}
			}
		}
	}
	_, obj, err := d.parseIndirectAt(off)
	if err != nil {
		return nil, false, err
	}
	s, ok := obj.(*Stream)
	if !ok || s.Dict.Get("Type") != Name("XRef") {
		return nil, false, syntaxErr(int(off), "no cross-reference section")
	}
	wArr, _ := s.Dict.Get("W").(Array)
	if len(wArr) != 3 {
		return nil, false, syntaxErr(int(off), "bad /W")
	}
	var w [3]int
	for i := range w {
		v, ok := IntOf(wArr[i])
		if !ok || v < 0 || v > 8 {
			return nil, false, syntaxErr(int(off), "bad /W")
		}
		w[i] = int(v)
	}
	size, _ := IntOf(s.Dict.Get("Size"))
	if err := d.b.objects(size, "cross-reference stream /Size"); err != nil {
		return nil, false, err
	}
	index := Array{Number("0"), integer(size)}
	if a, ok := s.Dict.Get("Index").(Array); ok {
		index = a
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return nil, false, syntaxErr(int(off), "bad /W")
	}
	// The entries the stream declares, from its numbers alone: refused before its data
	// is inflated or a row read.
	var declared int64
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := IntOf(index[i])
		count, ok2 := IntOf(index[i+1])
		if !ok1 || !ok2 || start < 0 || count < 0 {
			return nil, false, syntaxErr(int(off), "bad /Index")
		}
		declared += count
		if err := d.b.objects(declared, "cross-reference stream /Index"); err != nil {
			return nil, false, err
		}
	}
	data, err := decodeStream(s, d.b)
	if err != nil {
		return nil, false, fmt.Errorf("cross-reference stream: %w", err)
	}
	if declared*int64(rowLen) > int64(len(data)) {
		return nil, false, syntaxErr(int(off), "cross-reference stream too short for its /Index")
	}
	p := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, _ := IntOf(index[i])
		count, _ := IntOf(index[i+1])
		for k := int64(0); k < count; k++ {
			if err := d.b.tick(); err != nil {
				return nil, false, err
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
			var e xrefEntry
			switch t {
			case 0:
				e = xrefEntry{Offset: -1}
			case 1:
				e = xrefEntry{Offset: f2, Gen: int(f3)}
			case 2:
				e = xrefEntry{InStream: true, Stream: int(f2), Index: int(f3)}
			default:
				continue
			}
			if err := d.add(int(start+k), e); err != nil {
				return nil, false, err
			}
		}
	}
	return s.Dict, true, nil
}

// parseIndirectAt parses "n g obj … endobj" at off.
func (d *Document) parseIndirectAt(off int64) (Ref, any, error) {
	if off < 0 || off >= int64(len(d.buf)) {
		return Ref{}, nil, syntaxErr(int(off), "object offset outside the file")
	}
	l := &lexer{buf: d.buf, pos: int(off), b: d.b}
	l.skipSpace()
	n, err1 := strconv.Atoi(string(l.regular()))
	l.skipSpace()
	g, err2 := strconv.Atoi(string(l.regular()))
	l.skipSpace()
	if err1 != nil || err2 != nil || !bytes.HasPrefix(d.buf[l.pos:], []byte("obj")) {
		return Ref{}, nil, syntaxErr(int(off), "no object here")
	}
	l.pos += 3
	v, err := l.object(0)
	if err != nil {
		return Ref{}, nil, err
	}
	l.skipSpace()
	if sd, ok := v.(*Dict); ok && bytes.HasPrefix(d.buf[l.pos:], []byte("stream")) {
		l.pos += len("stream")
		if l.pos < len(d.buf) && d.buf[l.pos] == '\r' {
			l.pos++
		}
		if l.pos < len(d.buf) && d.buf[l.pos] == '\n' {
			l.pos++
		}
		length, ok := IntOf(sd.Get("Length"))
		if r, isRef := sd.Get("Length").(Ref); isRef && r.Num != n {
			lv, err := d.Resolve(r)
			if IsLimit(err) {
				return Ref{}, nil, err
			}
			if err == nil {
				length, ok = IntOf(lv)
			}
		}
		if !ok || length < 0 || int64(l.pos)+length > int64(len(d.buf)) {
			// Fall back to the endstream keyword.
			e := bytes.Index(d.buf[l.pos:], []byte("endstream"))
			if e < 0 {
				return Ref{}, nil, syntaxErr(l.pos, "stream without end")
			}
			length = int64(len(bytes.TrimRight(d.buf[l.pos:l.pos+e], "\r\n")))
		}
		v = &Stream{Dict: sd, Data: d.buf[l.pos : l.pos+int(length)], at: l.pos}
	}
	return Ref{n, g}, v, nil
}

// Resolve returns the object v refers to (nil for a free or unknown object); direct
// values are returned as they are.
func (d *Document) Resolve(v any) (any, error) {
	r, ok := v.(Ref)
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
	if len(d.resolving) >= maxResolveDepth {
		return nil, tooComplex("more than %d references followed to read object %d", maxResolveDepth, r.Num)
	}
	if err := d.b.tick(); err != nil {
		return nil, err
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
	os, err := d.objectStream(e.Stream)
	if err != nil {
		return nil, err
	}
	if e.Index < 0 || e.Index >= len(os.offs) {
		return nil, syntaxErr(0, "object %d outside its object stream", r.Num)
	}
	l := &lexer{buf: os.data, pos: int(os.offs[e.Index]), b: d.b}
	return l.object(0)
}

// objectStream decodes object stream n and reads its header; /N is checked against the
// budget and against the header's room before anything is sized from it.
func (d *Document) objectStream(n int) (*objStm, error) {
	if os, ok := d.objStreams[n]; ok {
		return os, nil
	}
	v, err := d.Resolve(Ref{n, 0})
	if err != nil {
		return nil, err
	}
	s, ok := v.(*Stream)
	if !ok {
		return nil, syntaxErr(0, "object stream %d missing", n)
	}
	count, ok1 := IntOf(s.Dict.Get("N"))
	first, ok2 := IntOf(s.Dict.Get("First"))
	if !ok1 || !ok2 || count < 0 || first < 0 {
		return nil, syntaxErr(0, "object stream %d: bad /N or /First", n)
	}
	if err := d.b.objects(count, fmt.Sprintf("object stream %d", n)); err != nil {
		return nil, err
	}
	data, err := decodeStream(s, d.b)
	if err != nil {
		return nil, fmt.Errorf("object stream %d: %w", n, err)
	}
	if first > int64(len(data)) {
		return nil, syntaxErr(0, "object stream %d: bad /First", n)
	}
	// Each object takes at least "n o " in the header, which ends at /First.
	if count*4 > first+1 {
		return nil, ErrTooManyObjects.With(fmt.Errorf("object stream %d: %d objects in a header of %d bytes", n, count, first))
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
	os := &objStm{data: data, offs: offs}
	d.objStreams[n] = os
	return os, nil
}

// DictOf resolves v and returns it as a dictionary (a stream's dictionary included).
func (d *Document) DictOf(v any) (*Dict, error) {
	o, err := d.Resolve(v)
	if err != nil {
		return nil, err
	}
	switch o := o.(type) {
	case *Dict:
		return o, nil
	case *Stream:
		return o.Dict, nil
	}
	return nil, syntaxErr(0, "expected a dictionary, found %T", o)
}

// Pages lists the page objects in order (at most limit of them).
func (d *Document) Pages(limit int) ([]Ref, error) {
	root, err := d.DictOf(d.trailer.Get("Root"))
	if err != nil {
		return nil, err
	}
	var out []Ref
	seen := map[int]bool{}
	var walk func(v any, depth int) error
	walk = func(v any, depth int) error {
		r, ok := v.(Ref)
		if !ok || seen[r.Num] || depth > 32 || len(out) >= limit {
			return nil
		}
		seen[r.Num] = true
		n, err := d.DictOf(r)
		if err != nil {
			return err
		}
		if n.Get("Type") == Name("Page") || (n.Get("Kids") == nil && n.Get("Type") != Name("Pages")) {
			out = append(out, r)
			return nil
		}
		kids, err := d.Resolve(n.Get("Kids"))
		if err != nil {
			return err
		}
		ka, _ := kids.(Array)
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

// MediaBox returns a page's box, inherited from its parents when not its own.
func (d *Document) MediaBox(page Ref) [4]float64 {
	box := [4]float64{0, 0, 595.28, 841.89}
	v := any(page)
	for i := 0; i < 32 && v != nil; i++ {
		n, err := d.DictOf(v)
		if err != nil {
			break
		}
		if mb, err := d.Resolve(n.Get("MediaBox")); err == nil {
			if a, ok := mb.(Array); ok && len(a) == 4 {
				for j := range box {
					if x, ok := a[j].(Number); ok {
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

// Bytes are the file's bytes, as read.
func (d *Document) Bytes() []byte { return d.buf }

// Root is the document catalog's reference (ParseWithin checks there is one).
func (d *Document) Root() Ref { return d.trailer.Get("Root").(Ref) }

// Budget is what reading the document may still spend, shared by every later reading of
// its objects and of its earlier revisions.
func (d *Document) Budget() *Budget { return d.b }

// Revision reads the document as its first end bytes were (an earlier revision, when end
// is where an incremental update begins), within the same budget.
func (d *Document) Revision(end int64) (*Document, error) {
	if end < 0 || end > int64(len(d.buf)) {
		return nil, syntaxErr(int(end), "a revision ending outside the file")
	}
	return ParseWithin(d.buf[:end], d.b)
}

// RewrittenSince compares the document with old, its revision of the first end bytes:
// it lists the objects old has that the later revisions write again (in the file after
// end, or in an object stream written there), and tells whether they free any of them.
// Objects new since old are not listed: they are reachable only through rewritten ones.
func (d *Document) RewrittenSince(old *Document, end int64) (nums []int, freed bool) {
	for n, e := range d.xref {
		later := false
		if e.InStream {
			se, ok := d.xref[e.Stream]
			later = ok && !se.InStream && se.Offset >= end
		} else {
			later = e.Offset >= end
		}
		if !later {
			continue
		}
		oe, existed := old.xref[n]
		if !existed || (!oe.InStream && oe.Offset < 0) {
			continue // a new object
		}
		if !e.InStream && e.Offset < 0 {
			freed = true
			continue
		}
		nums = append(nums, n)
	}
	sort.Ints(nums)
	return nums, freed
}
