package signing

import (
	"bytes"

	"github.com/xaso-vn/xaso/internal/pdf"
)

// modifiedAfter tells whether the revisions appended after the first end bytes of doc
// change the signed document in ways other than adding signatures: new objects are
// allowed (they are reachable only through changed ones), and an existing object may
// change only where a signature's incremental update changes it — the catalog's
// /AcroForm and /DSS, a page's /Annots (keeping its annotations), the form's /Fields
// (keeping its fields), /SigFlags and /DR, an empty signature field getting its value.
// Anything else — a page's content, a font, an earlier annotation — is a modification.
func modifiedAfter(doc *pdf.Document, end int64) (bool, error) {
	old, err := doc.Revision(end)
	if err != nil {
		return true, err
	}
	nums, freed := doc.RewrittenSince(old, end)
	if freed {
		return true, nil // a signed object was deleted
	}
	for _, n := range nums {
		ov, err := old.Resolve(pdf.Ref{Num: n})
		if err != nil {
			return true, err
		}
		nv, err := doc.Resolve(pdf.Ref{Num: n})
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
	pdf.Serialize(&b, v)
	return b.Bytes()
}

// keeps tells whether array b holds every element of a.
func keeps(a, b any) bool {
	aa, ok1 := a.(pdf.Array)
	ba, ok2 := b.(pdf.Array)
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
	case pdf.Array:
		return keeps(o, nv)
	case *pdf.Dict:
		n, ok := nv.(*pdf.Dict)
		if !ok {
			return false
		}
		emptySigField := o.Get("FT") == pdf.Name("Sig") && o.Get("V") == nil
		keys := map[pdf.Name]bool{}
		for _, k := range o.Keys() {
			keys[k] = true
		}
		for _, k := range n.Keys() {
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
