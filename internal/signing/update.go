package signing

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// update is an incremental update being built: the objects it adds or replaces, in
// writing order. The original bytes are never changed, so earlier signatures stay valid.
type update struct {
	doc   *document
	next  int
	objs  map[int]any // new and updated objects
	gens  map[int]int // generation of updated objects
	order []int       // writing order
}

func newUpdate(doc *document) *update {
	return &update{doc: doc, next: doc.size, objs: map[int]any{}, gens: map[int]int{}}
}

// alloc gives the next free object number.
func (u *update) alloc() int { u.next++; return u.next - 1 }

// put adds or replaces object n.
func (u *update) put(n int, v any) {
	if _, ok := u.objs[n]; !ok {
		u.order = append(u.order, n)
	}
	u.objs[n] = v
}

// replace puts the new version of an existing object, keeping its generation.
func (u *update) replace(r ref, v any) {
	u.put(r.Num, v)
	u.gens[r.Num] = r.Gen
}

// addAnnot adds the annotation annot to the page's /Annots.
func (u *update) addAnnot(pageRef ref, pageDict *dict, annot ref) error {
	switch a := pageDict.Get("Annots").(type) {
	case ref:
		av, err := u.doc.resolve(a)
		if err != nil {
			return err
		}
		arr, _ := av.(array)
		u.replace(a, append(append(array{}, arr...), annot))
		return nil
	case array:
		p := pageDict.clone()
		p.Set("Annots", append(append(array{}, a...), annot))
		u.replace(pageRef, p)
	default:
		p := pageDict.clone()
		p.Set("Annots", array{annot})
		u.replace(pageRef, p)
	}
	return nil
}

// write lays the update out after the original bytes: the objects, then a
// cross-reference section in the style of the file's last one (table or stream). raw,
// when not nil, may write an object itself (the signature dictionary, whose offsets the
// caller needs) and says whether it did.
func (u *update) write(raw func(n int, buf *bytes.Buffer) bool) []byte {
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
			serialize(&buf, u.objs[n])
		}
		buf.WriteString("\nendobj\n")
	}
	newTrailer := newDict()
	id := doc.trailer.Get("ID")
	if a, ok := id.(array); !ok || len(a) != 2 {
		h := sha256.Sum256(doc.buf)
		id = array{hexString(h[:16]), hexString(h[:16])}
	}
	xrefAt := int64(buf.Len())
	if doc.xrefStream {
		xsNum := u.alloc()
		offsets[xsNum] = xrefAt
		newTrailer.Set("Type", name("XRef"))
		newTrailer.Set("Size", num(int64(u.next)))
		copyTrailerKeys(newTrailer, doc.trailer, id)
		newTrailer.Set("Prev", num(doc.startxref))
		index, data := xrefStreamData(offsets, u.gens)
		newTrailer.Set("Index", index)
		newTrailer.Set("W", array{number("1"), number("4"), number("2")})
		fmt.Fprintf(&buf, "%d 0 obj\n", xsNum)
		serialize(&buf, &stream{Dict: newTrailer, Data: data})
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
		newTrailer.Set("Size", num(int64(u.next)))
		copyTrailerKeys(newTrailer, doc.trailer, id)
		newTrailer.Set("Prev", num(doc.startxref))
		buf.WriteString("trailer\n")
		serialize(&buf, newTrailer)
		buf.WriteString("\n")
	}
	fmt.Fprintf(&buf, "startxref\n%d\n%%%%EOF\n", xrefAt)
	return buf.Bytes()
}
