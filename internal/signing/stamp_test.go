package signing

import (
	"bytes"
	"image/color"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/testtool"
)

func TestStampThenLeaderThenSealOverIt(t *testing.T) {
	f := fx(t)
	const url = "https://motcua.yentu.gov.vn/xac-thuc?ma=H01.20-261126-0001-KQ1"
	stamped, err := AddStamp(samplePDF(t), Stamp{URL: url, Code: "H01.20-261126-0001-KQ1", Site: "motcua.yentu.gov.vn/xac-thuc"})
	if err != nil {
		t.Fatal(err)
	}
	if areas, err := SignatureAreas(stamped); err != nil || len(areas) != 0 {
		t.Fatalf("areas of an unsigned document: %v %v", areas, err)
	}
	boxes, err := PageBoxes(stamped)
	if err != nil || len(boxes) != 2 {
		t.Fatalf("page boxes: %v %v", boxes, err)
	}
	rect := [4]float64{340, 200, 520, 270}
	one := sign(t, stamped, f.leader, Options{Appearance: &Appearance{Page: 2, Rect: rect,
		SignatureImage: stampPNG(t, color.NRGBA{0, 0, 200, 255}, 300, 120, false)}})
	areas, err := SignatureAreas(one)
	if err != nil || len(areas) != 1 || areas[0].Page != 2 || areas[0].Rect != rect {
		t.Fatalf("the leader's area: %+v %v", areas, err)
	}
	two := sign(t, one, f.clerk, Options{Appearance: &Appearance{Page: areas[0].Page, Rect: areas[0].Rect,
		SealImage: stampPNG(t, color.NRGBA{220, 0, 0, 255}, 200, 200, true)}})
	rep := verify(t, two, anchors(t))
	if !rep.Valid || len(rep.Signatures) != 2 || rep.Signatures[0].ModifiedAfterSigning {
		t.Fatalf("report: %+v", rep)
	}
	areas, _ = SignatureAreas(two)
	if len(areas) != 2 || areas[1].Page != 2 || areas[1].Rect[0] >= rect[0] {
		t.Fatalf("the seal must reach left of the signature: %+v", areas)
	}
	if _, err := AddStamp(two, Stamp{URL: url, Code: "X", Site: "x"}); err != ErrAlreadySigned {
		t.Fatalf("stamping a signed document: %v", err)
	}
	if out := pdfsig(t, two); strings.Count(out, "Signature is Valid") != 2 || !strings.Contains(lastSignatureBlock(out), "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
	// The stamp is on page 1 and its QR code reads back as the address.
	testtool.Path(t, "pdftoppm", "apt-get install poppler-utils")
	testtool.Path(t, "pdftotext", "apt-get install poppler-utils")
	testtool.Path(t, "zbarimg", "apt-get install zbar-tools")
	dir := t.TempDir()
	writeFile(filepath.Join(dir, "a.pdf"), two)
	if out, err := exec.Command("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", filepath.Join(dir, "a.pdf"), filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pngs) != 1 {
		t.Fatalf("pages rendered: %v", pngs)
	}
	out, err := exec.Command("zbarimg", "--raw", "-q", pngs[0]).Output()
	if err != nil || strings.TrimSpace(string(out)) != url {
		t.Fatalf("zbarimg: %q %v", out, err)
	}
	text, err := exec.Command("pdftotext", "-f", "1", "-l", "1", filepath.Join(dir, "a.pdf"), "-").Output()
	if err != nil || !bytes.Contains(text, []byte("H01.20-261126-0001-KQ1")) {
		t.Fatalf("pdftotext page 1: %q %v", text, err)
	}
}

func TestStampBadInput(t *testing.T) {
	if _, err := AddStamp([]byte("%PDF-1.7 nonsense"), Stamp{URL: "u", Code: "c", Site: "s"}); code(err) != "pdf_invalid" {
		t.Fatalf("garbage: %v", err)
	}
	if _, err := AddStamp(samplePDF(t), Stamp{}); err == nil {
		t.Fatal("a stamp without address or code")
	}
	if _, err := SignatureAreas([]byte("x")); code(err) != "pdf_invalid" {
		t.Fatalf("areas of garbage: %v", err)
	}
}
