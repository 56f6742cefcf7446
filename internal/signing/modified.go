package signing

import (
	"bytes"
)

// modifiedAfter tells whether the revisions appended after the first end bytes of doc
// change the signed document in ways other than adding signatures: new objects are
// allowed (they are reachable only through changed ones), and an existing object may
// change only where a signature's incremental update changes it — the catalog's
// /AcroForm and /DSS, a page's /Annots (keeping its annotations), the form's /Fields
// (keeping its fields), /SigFlags and /DR, an empty signature field getting its value.
// Anything else — a page's content, a font, an earlier annotation — is a modification.
func modifiedAfter(doc *document, end int64) (bool, error) {
	old, err := parseWithBudget(doc.buf[:end], doc.b)
	if err != nil {
		return true, err
	}
	for n, e := range doc.xref {
		later := false
		if e.InStream {
			se, ok := doc.xref[e.Stream]
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
			return true, nil // a signed object was deleted
		}
		ov, err := old.resolve(ref{n, 0})
		if err != nil {
			return true, err
		}
		nv, err := doc.resolve(ref{n, 0})
		if err != nil {
			return true, err
		}
		if !allowedChange(ov, nv) {
			return true, nil
		}
	}
	return false, nil
}

func encoded(v any) []byte {
	var b bytes.Buffer
	serialize(&b, v)
	return b.Bytes()
}

// keeps tells whether array b holds every element of a.
func keeps(a, b any) bool {
	aa, ok1 := a.(array)
	ba, ok2 := b.(array)
	if a == nil {
		return true
	}
	if !ok1 || !ok2 {
		return bytes.Equal(encoded(a), encoded(b))
	}
	have := map[string]bool{}
	for _, e := range ba {
		have[string(encoded(e))] = true
	}
	for _, e := range aa {
		if !have[string(encoded(e))] {
			return false
		}
	}
	return true
}

func allowedChange(ov, nv any) bool {
	if bytes.Equal(encoded(ov), encoded(nv)) {
		return true
	}
	switch o := ov.(type) {
	case array:
		return keeps(o, nv)
	case *dict:
		n, ok := nv.(*dict)
		if !ok {
			return false
		}
		emptySigField := o.Get("FT") == name("Sig") && o.Get("V") == nil
		keys := map[name]bool{}
		for _, k := range o.keys {
			keys[k] = true
		}
		for _, k := range n.keys {
			keys[k] = true
		}
		for k := range keys {
			a, b := o.Get(k), n.Get(k)
			if a != nil && b != nil && bytes.Equal(encoded(a), encoded(b)) {
				continue
			}
			if a == nil && b == nil {
				continue
			}
			switch k {
			case "AcroForm", "DSS", "SigFlags", "DR":
			case "Annots", "Fields":
				if !keeps(a, b) {
					return false
				}
			case "V", "AP", "F", "Lock", "SV":
				if !emptySigField {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return false
}
