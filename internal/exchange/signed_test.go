package exchange_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// signedPDF is a one-page decision signed by a leader of the test CA (PAdES).
func signedPDF(t *testing.T) []byte {
	t.Helper()
	ca, err := democa.New("xaso CA THỬ NGHIỆM", true)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.Issue(democa.CertOptions{CommonName: "Nguyễn Văn An", Organization: "UBND xã A", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.NewKeySigner(key, []*x509.Certificate{cert, ca.Cert})
	if err != nil {
		t.Fatal(err)
	}
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.SetFont("Helvetica", "", 12)
	doc.Cell(40, 10, "QUYET DINH 01/QD-UBND")
	var b bytes.Buffer
	if err := doc.Output(&b); err != nil {
		t.Fatal(err)
	}
	out, err := signing.SignPDF(context.Background(), b.Bytes(), s, signing.Options{Reason: "Ban hành", Location: "Xã A"})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// verifyPDFSig checks a signed PDF with poppler's pdfsig.
func verifyPDFSig(t *testing.T, pdf []byte) {
	t.Helper()
	testtool.Path(t, "pdfsig", "apt-get install poppler-utils")
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", "-nocert", p).CombinedOutput()
	if !strings.Contains(string(out), "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}
