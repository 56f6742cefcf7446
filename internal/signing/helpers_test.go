package signing

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// fixture is one CA with a leader's and a clerk's certificate, made once per test binary.
type fixture struct {
	ca            *democa.CA
	leader, clerk *PKCS12Signer
	leaderCert    *x509.Certificate
}

var fixtureOnce = sync.OnceValues(func() (*fixture, error) {
	ca, err := democa.New("xaso CA THỬ NGHIỆM", true)
	if err != nil {
		return nil, err
	}
	lc, lk, err := ca.Issue(democa.CertOptions{CommonName: "Nguyễn Thị Hằng", Organization: "UBND xã Yên Từ", ECDSA: true})
	if err != nil {
		return nil, err
	}
	cc, ck, err := ca.Issue(democa.CertOptions{CommonName: "Ủy ban nhân dân xã Yên Từ", Organization: "UBND xã Yên Từ", ECDSA: true})
	if err != nil {
		return nil, err
	}
	leader, err := NewKeySigner(lk, []*x509.Certificate{lc, ca.Cert})
	if err != nil {
		return nil, err
	}
	clerk, err := NewKeySigner(ck, []*x509.Certificate{cc, ca.Cert})
	if err != nil {
		return nil, err
	}
	return &fixture{ca: ca, leader: leader, clerk: clerk, leaderCert: lc}, nil
})

func fx(t testing.TB) *fixture {
	t.Helper()
	f, err := fixtureOnce()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func writeFile(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }

// samplePDF is an fpdf document like the forms package writes: Liberation Serif, A4.
func samplePDF(t testing.TB) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("S", "", forms.SerifRegular())
	f.AddPage()
	f.SetFont("S", "", 13)
	f.Text(30, 30, "QUYẾT ĐỊNH về việc cấp giấy khai sinh — Yên Từ")
	f.AddPage()
	f.Text(30, 30, "Trang 2")
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// stampPNG is a transparent PNG with a coloured disc (red seal) or stroke (blue signature).
func stampPNG(t testing.TB, c color.NRGBA, w, h int, disc bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x-w/2)/float64(w/2), float64(y-h/2)/float64(h/2)
			r := dx*dx + dy*dy
			off := y - h/2 - int(float64(h/4)*dx) // from the stroke
			if (disc && r <= 1 && r >= 0.7) || (!disc && off > -3 && off < 3) {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sign(t testing.TB, pdf []byte, s Signer, opts Options) []byte {
	t.Helper()
	out, err := SignPDF(context.Background(), pdf, s, opts)
	if err != nil {
		t.Fatalf("SignPDF: %v", err)
	}
	return out
}

// pdfsig runs poppler's checker on pdf and returns its output.
func pdfsig(t *testing.T, pdf []byte) string {
	t.Helper()
	testtool.Path(t, "pdfsig", "apt-get install poppler-utils")
	dir := t.TempDir()
	p := dir + "/doc.pdf"
	if err := writeFile(p, pdf); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", "-nocert", p).CombinedOutput()
	return string(out)
}

func lastSignatureBlock(out string) string {
	i := strings.LastIndex(out, "Signature #")
	if i < 0 {
		return ""
	}
	return out[i:]
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
