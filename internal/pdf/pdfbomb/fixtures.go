package pdfbomb

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Compressed hand-builds a PDF 1.5 whose catalog and page tree are in a compressed
// object stream, indexed by a compressed cross-reference stream with a PNG predictor, as
// other producers (Word, LibreOffice, qpdf) write them. It is a harmless file: the
// reading of compressed sections, not a bomb.
func Compressed() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	content := "BT /F1 24 Tf 72 720 Td (Hello from another producer) Tj ET"
	offs := map[int]int{}
	offs[4] = b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n", len(content), content)
	offs[5] = b.Len()
	b.WriteString("5 0 obj\n<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>\nendobj\n")
	objs := []string{
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792]>>",
		"<</Type /Page /Parent 2 0 R /Contents 4 0 R /Resources <</Font <</F1 5 0 R>>>>>>",
	}
	var head, body string
	for i, o := range objs {
		head += fmt.Sprintf("%d %d ", i+1, len(body))
		body += o + "\n"
	}
	osData := deflate([]byte(head + body))
	offs[6] = b.Len()
	fmt.Fprintf(&b, "6 0 obj\n<</Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d>>\nstream\n", len(head), len(osData))
	b.Write(osData)
	b.WriteString("\nendstream\nendobj\n")
	xrefAt := b.Len()
	rows := [][]byte{{0, 0, 0, 0xff}, {2, 0, 6, 0}, {2, 0, 6, 1}, {2, 0, 6, 2}}
	for _, n := range []int{4, 5, 6} {
		rows = append(rows, []byte{1, byte(offs[n] >> 8), byte(offs[n]), 0})
	}
	rows = append(rows, []byte{1, byte(xrefAt >> 8), byte(xrefAt), 0})
	// PNG Up predictor, 4 columns.
	var pred []byte
	prev := make([]byte, 4)
	for _, r := range rows {
		pred = append(pred, 2)
		for j := range r {
			pred = append(pred, r[j]-prev[j])
		}
		prev = r
	}
	xs := deflate(pred)
	fmt.Fprintf(&b, "7 0 obj\n<</Type /XRef /Size 8 /W [1 2 1] /Root 1 0 R /Filter /FlateDecode /DecodeParms <</Predictor 12 /Columns 4>> /Length %d>>\nstream\n", len(xs))
	b.Write(xs)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	return b.Bytes()
}

func deflate(data []byte) []byte {
	var out bytes.Buffer
	w := zlib.NewWriter(&out)
	w.Write(data)
	w.Close()
	return out.Bytes()
}

// Encrypted is a file whose trailer names an /Encrypt dictionary (standard security
// handler, RC4 128-bit): one a reader cannot read without its password.
func Encrypted() []byte {
	return pdf(map[int]string{1: catalog, 2: pages, 3: page,
		4: "<</Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <00> /U <00>>>"}, "/Encrypt 4 0 R")
}

// Corpus are the bombs as the fuzz targets' corpora hold them, by file name: the same
// numbers at sizes fit for a repository (fewer compressed bytes).
func Corpus() map[string][]byte {
	return map[string][]byte{
		"bomb-xref-stream-index": XRefWith(1),
		"bomb-trailer-size":      Size(),
		"bomb-xref-table-count":  TableCount(),
		"bomb-nested-arrays":     Nested(5000),
		"bomb-wide-array":        Wide(1000),
		"bomb-flate":             Inflate(8),
		"bomb-objstm-n":          ObjStmN(),
		"bomb-length-chain":      LengthChain(100),
		"bomb-huge-length":       HugeLength(),
		"bomb-prev-loop":         PrevLoop(),
	}
}

// CheckCorpus checks that the corpora of the fuzz targets of the package under test
// (testdata/fuzz/<target>, run as seeds by every go test) hold the bombs as Corpus makes
// them; XASO_UPDATE_FUZZ_CORPUS=1 writes them instead.
func CheckCorpus(t testing.TB, targets ...string) {
	t.Helper()
	update := os.Getenv("XASO_UPDATE_FUZZ_CORPUS") != ""
	for _, target := range targets {
		dir := filepath.Join("testdata", "fuzz", target)
		for name, bomb := range Corpus() {
			want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", bomb)
			p := filepath.Join(dir, name)
			if update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(p)
			if err != nil || string(got) != want {
				t.Errorf("%s is missing or stale (XASO_UPDATE_FUZZ_CORPUS=1 go test -run TestFuzzCorpusHasTheBombs rewrites it): %v", p, err)
			}
		}
	}
}
