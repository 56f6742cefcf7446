package pdf

import (
	"bytes"
	"testing"

	"github.com/go-pdf/fpdf"
)

// samplePDF is a two-page fpdf document, as the forms package writes them (classic
// cross-reference table, compressed page content).
func samplePDF(t testing.TB) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 13)
	f.AddPage()
	f.Text(30, 30, "QUYET DINH ve viec cap giay khai sinh")
	f.AddPage()
	f.Text(30, 30, "Trang 2")
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// updated appends to file an incremental update as a signature's is laid out: a widget
// annotation on page 1 whose appearance is a form XObject made of another PDF's page, the
// page's /Annots, a reserved object written by hand.
func updated(t testing.TB, file []byte) []byte {
	t.Helper()
	doc, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := doc.Pages(1)
	if err != nil {
		t.Fatal(err)
	}
	page, err := doc.DictOf(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	u := NewUpdate(doc)
	raw := u.Reserve()
	xo, err := u.FormXObject(samplePDF(t), 100, 50)
	if err != nil {
		t.Fatal(err)
	}
	xoNum := u.Alloc()
	u.Put(xoNum, xo)
	annot := NewDict()
	annot.Set("Type", Name("Annot"))
	annot.Set("Subtype", Name("Widget"))
	annot.Set("Rect", Array{integer(10), integer(10), integer(110), integer(60)})
	annot.Set("T", Text("Chữ ký"))
	annot.Set("V", Ref{Num: raw})
	ap := NewDict()
	ap.Set("N", Ref{Num: xoNum})
	annot.Set("AP", ap)
	annotNum := u.Alloc()
	u.Put(annotNum, annot)
	if err := u.AddAnnot(pages[0], page, Ref{Num: annotNum}); err != nil {
		t.Fatal(err)
	}
	return u.Write(func(n int, buf *bytes.Buffer) bool {
		if n != raw {
			return false
		}
		buf.WriteString("<</Type /Sig /Contents <00>>>")
		return true
	})
}
