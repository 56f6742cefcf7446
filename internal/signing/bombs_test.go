package signing

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/pdf"
	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// TestXRefBomb is issue 15's file: a 60 KB cross-reference stream declaring twenty
// million entries. It took 16 s and 2.2 GB; it must be refused from its numbers, before
// anything is sized from them, at the cost of a few megabytes.
func TestXRefBomb(t *testing.T) {
	bomb := pdfbomb.XRef()
	if len(bomb) > 70<<10 {
		t.Fatalf("the bomb is %d bytes, not about 60 KB", len(bomb))
	}
	var err error
	n := testtool.Allocated(func() {
		_, err = VerifyPDF(context.Background(), bomb, VerifyOptions{Offline: true})
	})
	if n > 64<<20 {
		t.Fatalf("refusing the bomb allocated %d MB", n>>20)
	}
	if !errors.Is(err, pdf.ErrTooManyObjects) {
		t.Fatalf("VerifyPDF: %v, want %s", err, pdf.ErrTooManyObjects.Code)
	}
	t.Logf("refused, %d KB allocated", n>>10)
}

// bombs are hostile files, the error each must be refused with (ErrNoSignature: a file
// read without harm, which has no signature) and the most a refusal may allocate.
var bombs = []struct {
	name  string
	build func() []byte
	want  error
	alloc uint64
}{
	{"xref-stream-index", pdfbomb.XRef, pdf.ErrTooManyObjects, 16 << 20},
	{"trailer-size", pdfbomb.Size, pdf.ErrTooManyObjects, 16 << 20},
	{"xref-table-count", pdfbomb.TableCount, pdf.ErrTooManyObjects, 16 << 20},
	{"nested-arrays", func() []byte { return pdfbomb.Nested(100_000) }, pdf.ErrTooComplex, 16 << 20},
	{"wide-array", func() []byte { return pdfbomb.Wide(1_000_000) }, pdf.ErrTooComplex, 16 << 20},
	{"flate-1GB", func() []byte { return pdfbomb.Inflate(1024) }, pdf.ErrInflateLimit, 64 << 20},
	{"objstm-n", pdfbomb.ObjStmN, pdf.ErrTooManyObjects, 8 << 20},
	{"length-chain", func() []byte { return pdfbomb.LengthChain(10_000) }, pdf.ErrTooComplex, 16 << 20},
	{"huge-length", pdfbomb.HugeLength, ErrNoSignature, 16 << 20},
	{"prev-loop", pdfbomb.PrevLoop, pdf.ErrInvalid, 16 << 20},
}

// TestBombs runs every bomb through verification (the public page's path) and through
// what signing and stamping run on a file: each is refused with its stable code, as an
// invalid input (422), within its allocation budget.
func TestBombs(t *testing.T) {
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			pdf := b.build()
			var err error
			n := testtool.Allocated(func() {
				_, err = VerifyPDF(context.Background(), pdf, VerifyOptions{Offline: true})
			})
			if n > b.alloc {
				t.Errorf("VerifyPDF allocated %d MB, more than %d MB", n>>20, b.alloc>>20)
			}
			if !errors.Is(err, b.want) {
				t.Fatalf("VerifyPDF: %v, want %s", err, apperr.From(b.want).Code)
			}
			if _, err := SignatureAreas(pdf); !invalidOrNil(err) {
				t.Fatalf("SignatureAreas: %v", err)
			}
			if _, err := PageBoxes(pdf); !invalidOrNil(err) {
				t.Fatalf("PageBoxes: %v", err)
			}
			if _, err := AddStamp(pdf, Stamp{URL: "https://x.vn/xac-thuc?ma=A-KQ1", Code: "A-KQ1", Site: "x.vn"}); !invalidOrNil(err) {
				t.Fatalf("AddStamp: %v", err)
			}
			if _, err := SignPDF(context.Background(), pdf, fx(t).leader, Options{}); !invalidOrNil(err) {
				t.Fatalf("SignPDF: %v", err)
			}
		})
	}
}

func invalidOrNil(err error) bool {
	return err == nil || apperr.KindOf(err) == apperr.Invalid
}

// TestFuzzCorpusHasTheBombs checks that the corpora of FuzzVerifyPDF and
// FuzzStampAndAreas (run as seeds by every go test) hold the bombs as the generator makes
// them; XASO_UPDATE_FUZZ_CORPUS=1 writes them.
func TestFuzzCorpusHasTheBombs(t *testing.T) {
	pdfbomb.CheckCorpus(t, "FuzzVerifyPDF", "FuzzStampAndAreas")
}

// TestReadingHasADeadline: a file that takes too long to read is refused as such, and
// the caller's deadline ends the reading too (checked in the parsing loops, not after
// them). The clock is not raced: the deadlines are already past.
func TestReadingHasADeadline(t *testing.T) {
	signed := sign(t, samplePDF(t), fx(t).leader, Options{})
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := VerifyPDF(ctx, signed, VerifyOptions{Offline: true}); !errors.Is(err, pdf.ErrTooSlow) {
		t.Fatalf("VerifyPDF after the caller's deadline: %v", err)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := VerifyPDF(gone, signed, VerifyOptions{Offline: true}); !errors.Is(err, context.Canceled) || apperr.KindOf(err) == apperr.Invalid {
		t.Fatalf("VerifyPDF for a caller gone: %v", err)
	}
}
