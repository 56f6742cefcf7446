package pdf

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
)

// Update is an incremental update being built: the objects it adds or replaces, in
// writing order. The original bytes are never changed, so earlier signatures stay valid.
type Update struct {
	doc   *Document
	next  int
	objs  map[int]any // new and updated objects
	gens  map[int]int // generation of updated objects
	order []int       // writing order
}

// NewUpdate starts an update of doc; its new objects are numbered from doc's /Size.
func NewUpdate(doc *Document) *Update {
	return &Update{doc: doc, next: doc.size, objs: map[int]any{}, gens: map[int]int{}}
}

// Alloc gives the next free object number.
func (u *Update) Alloc() int { u.next++; return u.next - 1 }

// Put adds or replaces object n.
func (u *Update) Put(n int, v any) {
	if _, ok := u.objs[n]; !ok {
		u.order = append(u.order, n)
	}
	u.objs[n] = v
}

// Reserve gives the next free object number and its place in the writing order, for an
// object Write's raw function writes itself (a signature dictionary, whose offsets its
// writer needs).
func (u *Update) Reserve() int {
	n := u.Alloc()
	u.order = append(u.order, n)
	return n
}

// Replace puts the new version of an existing object, keeping its generation.
func (u *Update) Replace(r Ref, v any) {
	u.Put(r.Num, v)
	u.gens[r.Num] = r.Gen
}

// AddAnnot adds the annotation annot to the page's /Annots.
func (u *Update) AddAnnot(pageRef Ref, pageDict *Dict, annot Ref) error {
	switch a := pageDict.Get("Annots").(type) {
	case Ref:
		av, err := u.doc.Resolve(a)
		if err != nil {
			return err
		}
		arr, _ := av.(Array)
		u.Replace(a, append(append(Array{}, arr...), annot))
		return nil
	case Array:
		p := pageDict.Clone()
		p.Set("Annots", append(append(Array{}, a...), annot))
		u.Replace(pageRef, p)
	default:
		p := pageDict.Clone()
		p.Set("Annots", Array{annot})
		u.Replace(pageRef, p)
	}
	return nil
}

// Write lays the update out after the original bytes: the objects, then a
// cross-reference section in the style of the file's last one (table or stream). raw,
// when not nil, may write an object itself (the signature dictionary, whose offsets the
// caller needs) and says whether it did.
func (u *Update) Write(raw func(n int, buf *bytes.Buffer) bool) []byte {
	doc := u.doc
	var buf bytes.Buffer
	buf.Write(doc.buf)
	if n := len(doc.buf); n > 0 && doc.buf[n-1] != '\n' && doc.buf[n-1] != '\r' {
		buf.WriteByte('\n')
	}
	offsets := map[int]int64{}
	for _, n := range u.order {
		offsets[n] = int64(buf.Len())
		fmt.Fprintf(&buf, "%d %d obj\n", n, u.gens[n])
		if raw == nil || !raw(n, &buf) {
			Serialize(&buf, u.objs[n])
		}
		buf.WriteString("\nendobj\n")
	}
	newTrailer := NewDict()
	id := doc.trailer.Get("ID")
	if a, ok := id.(Array); !ok || len(a) != 2 {
		h := sha256.Sum256(doc.buf)
		id = Array{HexString(h[:16]), HexString(h[:16])}
	}
	xrefAt := int64(buf.Len())
	if doc.xrefStream {
		xsNum := u.Alloc()
		offsets[xsNum] = xrefAt
		newTrailer.Set("Type", Name("XRef"))
		newTrailer.Set("Size", integer(int64(u.next)))
		copyTrailerKeys(newTrailer, doc.trailer, id)
		newTrailer.Set("Prev", integer(doc.startxref))
		index, data := xrefStreamData(offsets, u.gens)
		newTrailer.Set("Index", index)
		newTrailer.Set("W", Array{Number("1"), Number("4"), Number("2")})
		fmt.Fprintf(&buf, "%d 0 obj\n", xsNum)
		Serialize(&buf, &Stream{Dict: newTrailer, Data: data})
		buf.WriteString("\nendobj\n")
	} else {
		buf.WriteString("xref\n")
		nums := sortedKeys(offsets)
		for i := 0; i < len(nums); {
			j := i
			for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
				j++
			}
			fmt.Fprintf(&buf, "%d %d\n", nums[i], j-i+1)
			for k := i; k <= j; k++ {
				fmt.Fprintf(&buf, "%010d %05d n\r\n", offsets[nums[k]], u.gens[nums[k]])
			}
			i = j + 1
		}
		newTrailer.Set("Size", integer(int64(u.next)))
		copyTrailerKeys(newTrailer, doc.trailer, id)
		newTrailer.Set("Prev", integer(doc.startxref))
		buf.WriteString("trailer\n")
		Serialize(&buf, newTrailer)
		buf.WriteString("\n")
	}
	fmt.Fprintf(&buf, "startxref\n%d\n%%%%EOF\n", xrefAt)
	return buf.Bytes()
}

func copyTrailerKeys(dst, src *Dict, id any) {
	for _, k := range []Name{"Root", "Info"} {
		if v := src.Get(k); v != nil {
			dst.Set(k, v)
		}
	}
	dst.Set("ID", id)
}

func sortedKeys(m map[int]int64) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// xrefStreamData builds the /Index and rows (type 1, 4-byte offset, 2-byte generation).
func xrefStreamData(offsets map[int]int64, gens map[int]int) (Array, []byte) {
	nums := sortedKeys(offsets)
	var index Array
	var data []byte
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		index = append(index, integer(int64(nums[i])), integer(int64(j-i+1)))
		for k := i; k <= j; k++ {
			o, g := offsets[nums[k]], gens[nums[k]]
			data = append(data, 1, byte(o>>24), byte(o>>16), byte(o>>8), byte(o), byte(g>>8), byte(g))
		}
		i = j + 1
	}
	return index, data
}

// importer copies objects of another PDF into an update, renumbering them.
type importer struct {
	src    *Document
	u      *Update
	mapped map[int]int // the source's object number → the update's
}

// FormXObject turns the first page of the PDF src into a form XObject of width w and
// height h (points) for the update: every object the page's resources use is copied
// into the update under a new number, and the XObject itself is returned, not yet
// numbered. Signatures' and stamps' appearances are drawn as one-page PDFs this way.
func (u *Update) FormXObject(src []byte, w, h float64) (*Stream, error) {
	doc, err := Parse(src)
	if err != nil {
		return nil, err
	}
	pages, err := doc.Pages(1)
	if err != nil {
		return nil, err
	}
	page, err := doc.DictOf(pages[0])
	if err != nil {
		return nil, err
	}
	im := &importer{src: doc, u: u, mapped: map[int]int{}}
	res, err := doc.Resolve(page.Get("Resources"))
	if err != nil {
		return nil, err
	}
	resCopy, err := im.copyValue(res, 0)
	if err != nil {
		return nil, err
	}
	cv, err := doc.Resolve(page.Get("Contents"))
	if err != nil {
		return nil, err
	}
	cs, ok := cv.(*Stream)
	if !ok {
		return nil, errors.New("pdf: a form's page without one content stream")
	}
	d := NewDict()
	d.Set("Type", Name("XObject"))
	d.Set("Subtype", Name("Form"))
	d.Set("BBox", Array{Number("0"), Number("0"), Real(w), Real(h)})
	d.Set("Resources", resCopy)
	if f := cs.Dict.Get("Filter"); f != nil {
		d.Set("Filter", f)
	}
	return &Stream{Dict: d, Data: cs.Data}, nil
}

func (im *importer) copyValue(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("pdf: a form's objects nested too deeply")
	}
	switch v := v.(type) {
	case Ref:
		if n, ok := im.mapped[v.Num]; ok {
			return Ref{n, 0}, nil
		}
		n := im.u.Alloc()
		im.mapped[v.Num] = n
		o, err := im.src.Resolve(v)
		if err != nil {
			return nil, err
		}
		c, err := im.copyValue(o, depth+1)
		if err != nil {
			return nil, err
		}
		im.u.Put(n, c)
		return Ref{n, 0}, nil
	case Array:
		c := make(Array, len(v))
		for i, e := range v {
			var err error
			if c[i], err = im.copyValue(e, depth+1); err != nil {
				return nil, err
			}
		}
		return c, nil
	case *Dict:
		c := NewDict()
		for _, k := range v.keys {
			if k == "Parent" {
				continue
			}
			e, err := im.copyValue(v.vals[k], depth+1)
			if err != nil {
				return nil, err
			}
			c.Set(k, e)
		}
		return c, nil
	case *Stream:
		d, err := im.copyValue(v.Dict, depth+1)
		if err != nil {
			return nil, err
		}
		return &Stream{Dict: d.(*Dict), Data: v.Data}, nil
	}
	return v, nil
}
