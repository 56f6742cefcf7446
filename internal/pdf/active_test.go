package pdf

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
)

// TestActiveContent: JavaScript, automatic actions and embedded files are found wherever
// they are written — in the catalog, a page, an annotation, an object stream, an object
// the cross-reference table leaves out, behind hex escapes — and the files xaso and
// other producers write (a destination as /OpenAction, a font called /JS) are not
// taken for them.
func TestActiveContent(t *testing.T) {
	const (
		pages = "<</Type /Pages /Kids [3 0 R] /Count 1>>"
		page  = "<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>>"
	)
	doc := func(catalog string, more map[int]string) []byte {
		objs := map[int]string{1: catalog, 2: pages, 3: page}
		for n, o := range more {
			objs[n] = o
		}
		return pdfbomb.Objects(objs)
	}
	active := map[string][]byte{
		"OpenAction JavaScript": doc("<</Type /Catalog /Pages 2 0 R /OpenAction <</S /JavaScript /JS (app.alert(1))>>>>", nil),
		"OpenAction to a Launch": doc("<</Type /Catalog /Pages 2 0 R /OpenAction 4 0 R>>",
			map[int]string{4: "<</S /Launch /F (cmd.exe)>>"}),
		"OpenAction to a URI": doc("<</Type /Catalog /Pages 2 0 R /OpenAction 4 0 R>>",
			map[int]string{4: "<</S /URI /URI (https://evil.example)>>"}),
		"page AA": doc("<</Type /Catalog /Pages 2 0 R>>",
			map[int]string{3: "<</Type /Page /Parent 2 0 R /AA <</O <</S /JavaScript /JS 4 0 R>>>>>>", 4: "<</Length 1>>\nstream\nx\nendstream"}),
		"hex-escaped names": doc("<</Type /Catalog /Pages 2 0 R>>",
			map[int]string{3: "<</Type /Page /Parent 2 0 R /Annots [4 0 R]>>", 4: "<</Type /Annot /Subtype /Link /A <</S /J#61vaScript /J#53 (x)>>>>"}),
		"names tree JavaScript": doc("<</Type /Catalog /Pages 2 0 R /Names <</JavaScript 4 0 R>>>>",
			map[int]string{4: "<</Names [(a) 5 0 R]>>", 5: "<</S /JavaScript /JS 6 0 R>>", 6: "<</Length 1>>\nstream\nx\nendstream"}),
		"embedded file": doc("<</Type /Catalog /Pages 2 0 R /Names <</EmbeddedFiles 4 0 R>>>>",
			map[int]string{4: "<</Names [(a.exe) 5 0 R]>>", 5: "<</Type /Filespec /F (a.exe) /EF <</F 6 0 R>>>>", 6: "<</Type /EmbeddedFile /Length 2>>\nstream\nMZ\nendstream"}),
		"in an object stream": pdfbomb.InObjectStream("<</Type /Catalog /Pages 2 0 R /OpenAction <</S /JavaScript /JS (x)>>>>"),
	}
	// An object the table does not list: a repairing reader still finds it.
	hidden := doc("<</Type /Catalog /Pages 2 0 R>>", nil)
	at := bytes.Index(hidden, []byte("xref"))
	active["left out of the table"] = append(hidden[:at:at], append([]byte("9 0 obj\n<</S /JavaScript /JS (x)>>\nendobj\n"), hidden[at:]...)...)
	// No cross-reference section at all.
	active["no cross-reference"] = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(x)>>>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	for name, pdf := range active {
		if ok, err := ActiveContent(pdf); err != nil || !ok {
			t.Errorf("%s: %v %v, want active", name, ok, err)
		}
	}

	// Signed and stamped files: signing's TestSignedFilesHaveNoActiveContent.
	clean := map[string][]byte{
		"fpdf":           samplePDF(t),
		"object streams": pdfbomb.Compressed(),
		"updated twice":  updated(t, updated(t, samplePDF(t))),
		// LibreOffice writes a destination as /OpenAction in nearly every export.
		"OpenAction destination": doc("<</Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /XYZ null null 0]>>", nil),
		"OpenAction GoTo":        doc("<</Type /Catalog /Pages 2 0 R /OpenAction 4 0 R>>", map[int]string{4: "<</S /GoTo /D [3 0 R /Fit]>>"}),
		"a font called JS": doc("<</Type /Catalog /Pages 2 0 R>>",
			map[int]string{3: "<</Type /Page /Parent 2 0 R /Resources <</Font <</JS 4 0 R /AA 4 0 R>>>>>>", 4: "<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>"}),
		"empty name trees":   doc("<</Type /Catalog /Pages 2 0 R /Names <</EmbeddedFiles <</Names []>> /JavaScript <</Names []>>>>>>", nil),
		"no cross-reference": []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
	}
	for name, pdf := range clean {
		if ok, err := ActiveContent(pdf); err != nil || ok {
			t.Errorf("%s: %v %v, want clean", name, ok, err)
		}
	}

	// Bombs are refused by the same limits as any reading.
	if _, err := ActiveContent(pdfbomb.XRef()); !errors.Is(err, ErrTooManyObjects) {
		t.Errorf("issue 15's cross-reference stream: %v", err)
	}
	if _, err := ActiveContent(pdfbomb.Inflate(1024)); !errors.Is(err, ErrInflateLimit) {
		t.Errorf("zip bomb: %v", err)
	}
	if _, err := ActiveContent(pdfbomb.ObjStmN()); !errors.Is(err, ErrTooManyObjects) {
		t.Errorf("object stream /N: %v", err)
	}
	if _, err := ActiveContent(pdfbomb.Nested(100_000)); !errors.Is(err, ErrTooComplex) {
		t.Errorf("nesting: %v", err)
	}
}
