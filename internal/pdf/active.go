package pdf

import (
	"bytes"
	"context"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// ErrActiveContent refuses a PDF that a reader may run code from, act on by itself or
// unpack a file from, where such a file is not accepted (a dossier's result, which
// citizens open).
var ErrActiveContent = apperr.Invalidf("pdf_active_content",
	"Tệp PDF có chứa mã lệnh (JavaScript), hành động tự động (/OpenAction, /AA, /Launch) hoặc tệp nhúng bên trong; hãy xuất lại tệp PDF không có các thành phần này.")

// Names that make a PDF active. As a dictionary key: JavaScript itself (/JS), additional
// actions (/AA, run on opening a page, focusing a field…), a file specification's
// embedded file (/EF), rich media and XFA forms (which carry scripts). As a value: an
// action's type (/S /JavaScript, /Launch) or an object's (/EmbeddedFile,
// /FileAttachment, /RichMedia). The name trees /JavaScript and /EmbeddedFiles are not
// enough by themselves: fpdf writes an empty /EmbeddedFiles in every file, and what a
// tree lists is an action or a file specification, found by the names above.
var (
	activeKeys   = map[Name]bool{"JS": true, "AA": true, "EF": true, "RichMedia": true, "XFA": true}
	activeValues = map[Name]bool{"JavaScript": true, "Launch": true, "EmbeddedFile": true, "FileAttachment": true, "RichMedia": true}
	// resourceKinds are the resource dictionaries whose keys are names a producer chose
	// (a font may be called /JS): their keys say nothing.
	resourceKinds = map[Name]bool{"Font": true, "XObject": true, "ExtGState": true, "ColorSpace": true, "Pattern": true, "Shading": true, "Properties": true}
)

// ActiveContent tells whether pdf carries JavaScript, an automatic action (/OpenAction
// other than going to a place in the document, /AA, /Launch) or an embedded file.
//
// It reads every object written in the file, the way a reader repairing a damaged file
// finds them, not only those its cross-reference sections list: an object left out of
// them, or a file without them, would otherwise hide what a reader still finds. Objects
// in object streams are read too, and names are compared decoded (/J#53 is /JS). The
// reading is bounded as every reading of a PDF here (limits.go), its cross-reference
// sections included; a limit's refusal is the error, and an object that does not parse
// is skipped, as a reader would. An
// encrypted file whose object streams cannot be read is refused (ErrEncrypted).
func ActiveContent(pdf []byte) (bool, error) {
	b := NewBudget(context.Background(), len(pdf))
	// The cross-reference sections are read first, for their limits only: a file whose
	// sections a reader would choke on is refused like anywhere else (signing it later
	// would be), and one without valid sections is read by the scan below all the same.
	if _, err := ParseWithin(pdf, b); IsLimit(err) {
		return false, Classify(err)
	}
	s := &activeScan{buf: pdf, b: b, actions: map[int]bool{}}
	found, err := s.run()
	if err != nil {
		return false, Classify(err)
	}
	if found {
		return true, nil
	}
	for _, n := range s.openActionRefs {
		if s.actions[n] {
			return true, nil
		}
	}
	if s.unreadableObjStm && bytes.Contains(pdf, []byte("/Encrypt")) {
		return false, ErrEncrypted
	}
	return false, nil
}

// activeScan is one reading of a file for ActiveContent.
type activeScan struct {
	buf     []byte
	b       *Budget
	objects int
	// actions are the objects that are action dictionaries other than /GoTo, and
	// openActionRefs the objects an /OpenAction names: known only once all are read.
	actions          map[int]bool
	openActionRefs   []int
	unreadableObjStm bool
}

// run finds every "n g obj" in the file and looks at the object there.
func (s *activeScan) run() (bool, error) {
	buf := s.buf
	for pos := 0; pos < len(buf); {
		i := bytes.Index(buf[pos:], []byte("obj"))
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + 3
		num, ok := objectNumberBefore(buf, at)
		if !ok || (pos < len(buf) && !isWhite(buf[pos]) && !isDelim(buf[pos])) {
			continue
		}
		if err := s.b.tick(); err != nil {
			return false, err
		}
		if err := s.count(1); err != nil {
			return false, err
		}
		l := &lexer{buf: buf, pos: pos, b: s.b}
		v, err := l.object(0)
		if err != nil {
			if IsLimit(err) {
				return false, err
			}
			continue // not an object after all, or a damaged one
		}
		if s.check(num, v) {
			return true, nil
		}
		pos = l.pos
		d, ok := v.(*Dict)
		if !ok {
			continue
		}
		l.skipSpace()
		if !bytes.HasPrefix(buf[l.pos:], []byte("stream")) {
			continue
		}
		start := l.pos + len("stream")
		for start < len(buf) && (buf[start] == '\r' || buf[start] == '\n') {
			start++
		}
		data, next := streamData(buf, start, d)
		pos = next
		if d.Get("Type") == Name("ObjStm") {
			found, err := s.objectStream(&Stream{Dict: d, Data: data, at: start})
			if err != nil || found {
				return found, err
			}
		}
	}
	return false, nil
}

// count takes n objects from the budget of cross-reference entries.
func (s *activeScan) count(n int) error {
	s.objects += n
	return s.b.objects(int64(s.objects), "objects in the file")
}

// streamData is a stream's data starting at start: its /Length when that is a number
// that fits, else up to the endstream keyword; and where reading goes on.
func streamData(buf []byte, start int, d *Dict) ([]byte, int) {
	if n, ok := IntOf(d.Get("Length")); ok && n >= 0 && int64(start)+n <= int64(len(buf)) {
		return buf[start : start+int(n)], start + int(n)
	}
	e := bytes.Index(buf[start:], []byte("endstream"))
	if e < 0 {
		return buf[start:], len(buf)
	}
	return bytes.TrimRight(buf[start:start+e], "\r\n"), start + e
}

// objectStream looks at the objects of an object stream, within the budget.
func (s *activeScan) objectStream(st *Stream) (bool, error) {
	count, ok1 := IntOf(st.Dict.Get("N"))
	first, ok2 := IntOf(st.Dict.Get("First"))
	if !ok1 || !ok2 || count < 0 || first < 0 {
		return false, nil
	}
	if err := s.count(int(min(count, int64(maxObjects)+1))); err != nil {
		return false, err
	}
	data, err := decodeStream(st, s.b)
	if err != nil {
		if IsLimit(err) {
			return false, err
		}
		s.unreadableObjStm = true
		return false, nil
	}
	if first > int64(len(data)) || count*4 > first+1 {
		return false, nil
	}
	hl := &lexer{buf: data, b: s.b}
	for range count {
		hl.skipSpace()
		num, err1 := strconv.Atoi(string(hl.regular()))
		hl.skipSpace()
		off, err2 := strconv.ParseInt(string(hl.regular()), 10, 64)
		if err1 != nil || err2 != nil || off < 0 || first+off > int64(len(data)) {
			return false, nil
		}
		l := &lexer{buf: data, pos: int(first + off), b: s.b}
		v, err := l.object(0)
		if err != nil {
			if IsLimit(err) {
				return false, err
			}
			continue
		}
		if s.check(num, v) {
			return true, nil
		}
	}
	return false, nil
}

// check looks at object num; it also notes whether the object is an action other than
// /GoTo, for an /OpenAction that names it.
func (s *activeScan) check(num int, v any) bool {
	if d, ok := v.(*Dict); ok && d.Get("S") != nil && d.Get("S") != Name("GoTo") {
		s.actions[num] = true
	}
	return s.active(v, false, 0)
}

// active walks a value: resourceKeys says its keys (if a dictionary) are resource names.
func (s *activeScan) active(v any, resourceKeys bool, depth int) bool {
	if depth > maxDepth {
		return false // the lexer refuses deeper values before they get here
	}
	switch v := v.(type) {
	case Name:
		return activeValues[v]
	case Array:
		for _, e := range v {
			if s.active(e, false, depth+1) {
				return true
			}
		}
	case *Stream:
		return s.active(v.Dict, false, depth+1)
	case *Dict:
		for _, k := range v.keys {
			val := v.vals[k]
			if !resourceKeys && activeKeys[k] {
				return true
			}
			if !resourceKeys && k == "OpenAction" {
				switch a := val.(type) {
				case *Dict:
					if a.Get("S") != Name("GoTo") {
						return true
					}
				case Ref:
					s.openActionRefs = append(s.openActionRefs, a.Num)
				}
			}
			if s.active(val, !resourceKeys && resourceKinds[k], depth+1) {
				return true
			}
		}
	}
	return false
}

// objectNumberBefore reads "n g " backwards from the "obj" keyword at at: the object's
// number, when the keyword follows two integers and starts a token.
func objectNumberBefore(buf []byte, at int) (int, bool) {
	i := at
	if i == 0 || !isWhite(buf[i-1]) {
		return 0, false
	}
	digitsBack := func() (int, int) { // start, end of the digits ending before i's spaces
		for i > 0 && isWhite(buf[i-1]) {
			i--
		}
		end := i
		for i > 0 && buf[i-1] >= '0' && buf[i-1] <= '9' && end-i < 10 {
			i--
		}
		return i, end
	}
	gs, ge := digitsBack()
	if gs == ge {
		return 0, false
	}
	ns, ne := digitsBack()
	if ns == ne || (ns > 0 && !isWhite(buf[ns-1]) && !isDelim(buf[ns-1])) {
		return 0, false
	}
	n, err := strconv.Atoi(string(buf[ns:ne]))
	if err != nil {
		return 0, false
	}
	return n, true
}
