package document_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/signing"
)

// An electronic issue takes a PDF carrying the leader's and the seal's PAdES signatures;
// one signature alone is refused and takes no number.
func TestIssueElectronic(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	plain, once, twice, blobs := e.electronic(t)
	d := e.draft(t, "quyet_dinh", "", false)
	if _, err := e.svc.Approve(ctx, e.leader, d.ID, 0); err != nil {
		t.Fatal(err)
	}
	for name, pdf := range map[string][]byte{"unsigned": plain, "leader only": once, "not a PDF": []byte("%PDF-1.7 nonsense")} {
		if _, err := e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{SignedPDF: pdf}); !errors.Is(err, document.ErrSignatures) {
			t.Errorf("%s: %v", name, err)
		}
	}
	got, err := e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{SignedPDF: twice})
	if err != nil || got.NumberNotation != "01/QĐ-UBND" || got.Paper {
		t.Fatalf("signed twice: %+v, %v", got, err)
	}
	stored, err := e.st.Document(ctx, d.ID)
	if err != nil || stored.SignedBlob == "" {
		t.Fatalf("stored: %+v %v", stored, err)
	}
	r, err := blobs.Open(ctx, stored.SignedBlob)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	b.ReadFrom(r)
	if !bytes.Equal(b.Bytes(), twice) {
		t.Fatal("the stored PDF is not the one signed")
	}
}

// electronic gives e's service a blob store and a verifier trusting a test CA, and
// returns a PDF unsigned, signed by the leader only, and by the leader and the seal.
func (e *docEnv) electronic(t *testing.T) (plainPDF, once, twice []byte, blobs *blob.Local) {
	t.Helper()
	ctx := context.Background()
	ca, err := democa.New("CA THỬ NGHIỆM", true)
	if err != nil {
		t.Fatal(err)
	}
	signer := func(cn string) signing.Signer {
		c, k, err := ca.Issue(democa.CertOptions{CommonName: cn, Organization: "UBND xã Yên Từ", ECDSA: true})
		if err != nil {
			t.Fatal(err)
		}
		s, err := signing.NewKeySigner(k, []*x509.Certificate{c, ca.Cert})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	leader, seal := signer("Nguyễn Văn Dũng"), signer("Ủy ban nhân dân xã Yên Từ")
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("S", "", forms.SerifRegular())
	f.AddPage()
	f.SetFont("S", "", 13)
	f.Text(30, 30, "QUYẾT ĐỊNH về việc kiện toàn Tổ công nghệ số cộng đồng")
	var plain bytes.Buffer
	if err := f.Output(&plain); err != nil {
		t.Fatal(err)
	}
	once, err = signing.SignPDF(ctx, plain.Bytes(), leader, signing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	twice, err = signing.SignPDF(ctx, once, seal, signing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err = blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	e.svc.Blobs = blobs
	e.svc.Verify = func(ctx context.Context, pdf []byte) (*signing.Report, error) {
		return signing.VerifyPDF(ctx, pdf, signing.VerifyOptions{TrustAnchors: []*x509.Certificate{ca.Cert}, Offline: true})
	}
	return plain.Bytes(), once, twice, blobs
}
