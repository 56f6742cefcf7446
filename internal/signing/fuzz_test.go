package signing

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
)

// seeds are signed PDFs of both cross-reference styles, one and two signatures.
func seeds(t testing.TB) [][]byte {
	f := fx(t)
	one := sign(t, samplePDF(t), f.leader, Options{Appearance: &Appearance{TextBlock: true, DocumentNumber: "KQ1"}})
	two := sign(t, one, f.clerk, Options{})
	xs := sign(t, pdfbomb.Compressed(), f.leader, Options{})
	return [][]byte{one, two, xs}
}

func checkReport(t *testing.T, data []byte) {
	rep, err := VerifyPDF(context.Background(), data, VerifyOptions{TrustAnchors: anchors(t).TrustAnchors, Offline: true})
	if err != nil {
		return
	}
	if len(rep.Signatures) == 0 {
		t.Fatal("a report without signatures")
	}
	for _, s := range rep.Signatures {
		if s.Valid && (!s.Intact || !s.SignatureValid || s.ModifiedAfterSigning) {
			t.Fatalf("valid signature that is not intact: %+v", s)
		}
	}
}

// FuzzVerifyPDF feeds mutated signed PDFs to the verifier: it must never panic, and a
// signature it calls valid must be intact.
func FuzzVerifyPDF(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
		f.Add(s[:len(s)-10])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReport(t, data)
	})
}

// TestVerifyMutations runs a fixed set of random byte mutations, truncations and
// splices over signed PDFs on every test run (the fuzzer explores further in CI).
func TestVerifyMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 2026))
	n := 300
	if testing.Short() {
		n = 50
	}
	for _, s := range seeds(t) {
		for i := 0; i < n; i++ {
			m := append([]byte(nil), s...)
			switch i % 4 {
			case 0: // flip bytes
				for k := 0; k < 1+r.IntN(4); k++ {
					m[r.IntN(len(m))] ^= byte(1 + r.IntN(255))
				}
			case 1: // truncate
				m = m[:r.IntN(len(m))]
			case 2: // overwrite a run with digits (offsets, lengths, byte ranges)
				p := r.IntN(len(m))
				for k := p; k < len(m) && k < p+8; k++ {
					m[k] = byte('0' + r.IntN(10))
				}
			case 3: // duplicate a slice elsewhere
				a, b := r.IntN(len(m)), r.IntN(len(m))
				if a > b {
					a, b = b, a
				}
				if b-a > 200 {
					b = a + 200
				}
				p := r.IntN(len(m))
				m = append(m[:p:p], append(append([]byte(nil), s[a:b]...), s[p:]...)...)
			}
			checkReport(t, m)
		}
	}
}

// FuzzStampAndAreas feeds mutated PDFs to the functions the office's signing runs on a
// file before signing it: reading the signatures' areas and the pages' boxes, and adding
// the verification stamp. None may panic; a stamped file must parse again with its stamp
// and no signature.
func FuzzStampAndAreas(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Add(samplePDF(f))
	f.Add(pdfbomb.Compressed())
	// Drawing the stamp (fpdf, a font) is the slow part and does not read the input: it
	// is drawn once, so the fuzzer spends its time on the parsing and the update.
	st := Stamp{URL: "https://x.vn/xac-thuc?ma=A-KQ1", Code: "A-KQ1", Site: "x.vn/xac-thuc"}
	drawn, err := st.render([4]float64{0, 0, 595, 842})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		SignatureAreas(data)
		PageBoxes(data)
		out, err := addStamp(data, st, drawn)
		if err != nil {
			return
		}
		if areas, err := SignatureAreas(out); err != nil || len(areas) != 0 {
			t.Fatalf("a stamped unsigned file: %v %v", areas, err)
		}
	})
}
