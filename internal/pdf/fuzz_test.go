package pdf

import (
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
)

// FuzzActiveContent feeds mutated PDFs, with and without JavaScript, to the check of a
// dossier's result: it must never panic, and a refusal is the input's fault (Invalid).
func FuzzActiveContent(f *testing.F) {
	for _, s := range [][]byte{samplePDF(f), pdfbomb.Compressed()} {
		f.Add(s)
		f.Add(updated(f, s))
	}
	f.Add(pdfbomb.InObjectStream("<</Type /Catalog /Pages 2 0 R /OpenAction <</S /JavaScript /J#53 (x)>>>>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		active, err := ActiveContent(data)
		if err != nil && (active || apperr.KindOf(err) != apperr.Invalid) {
			t.Fatalf("ActiveContent: %v %v", active, err)
		}
	})
}

// TestFuzzCorpusHasTheBombs checks that the corpus of FuzzActiveContent (run as seeds by
// every go test) holds the bombs as the generator makes them; XASO_UPDATE_FUZZ_CORPUS=1
// writes them.
func TestFuzzCorpusHasTheBombs(t *testing.T) {
	pdfbomb.CheckCorpus(t, "FuzzActiveContent")
}
