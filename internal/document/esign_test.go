package document_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/auth"
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

// Signing inside xaso: the drafter attaches the PDF, the leader signs the approved draft,
// then the clerk seals it; out of order, with the wrong key or by the wrong person it is
// refused, and an electronic issue needs both signatures.
func TestSignInside(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	ca, err := democa.New("CA THỬ NGHIỆM", true)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	e.svc.Blobs = blobs
	e.svc.Verify = func(ctx context.Context, pdf []byte) (*signing.Report, error) {
		return signing.VerifyPDF(ctx, pdf, signing.VerifyOptions{TrustAnchors: []*x509.Certificate{ca.Cert}, Offline: true})
	}
	leaderKey, sealKey := keys(t, ca)
	d := e.draft(t, "quyet_dinh", "", false)
	if _, err := e.svc.AttachPDF(ctx, e.clerks[0], d.ID, 0, []byte("not a PDF")); !errors.Is(err, document.ErrDraftPDF) {
		t.Fatalf("not a PDF: %v", err)
	}
	if _, err := e.svc.Sign(ctx, e.leader, d.ID, 0, leaderKey, "Xã Yên Từ", ""); !errors.Is(err, document.ErrSignOrder) {
		t.Fatalf("signing a draft not approved: %v", err)
	}
	if _, err := e.svc.AttachPDF(ctx, e.clerks[0], d.ID, 0, draftPDF(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AttachAnnex(ctx, e.clerks[0], d.ID, 0, []byte("%PDF-1.7 nonsense")); !errors.Is(err, document.ErrDraftPDF) {
		t.Fatalf("a broken annex: %v", err)
	}
	if _, err := e.svc.AttachAnnex(ctx, e.clerks[0], d.ID, 0, draftPDF(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx, e.leader, d.ID, 0); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		p    *auth.Principal
		k    document.Key
		want error
	}{
		"the seal before the leader": {e.clerks[0], sealKey, document.ErrSignOrder},
		"the clerk's personal key":   {e.clerks[0], leaderKey, document.ErrForbidden},
		"the leader with the seal":   {e.leader, sealKey, document.ErrForbidden},
		"no kind":                    {e.leader, document.Key{Signer: leaderKey.Signer}, document.ErrKeyKind},
	} {
		if _, err := e.svc.Sign(ctx, c.p, d.ID, 0, c.k, "Xã Yên Từ", ""); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	signed, err := e.svc.Sign(ctx, e.leader, d.ID, 0, leaderKey, "Xã Yên Từ", "")
	if err != nil || signed.SignStage != document.Signed {
		t.Fatalf("the leader signs: %+v, %v", signed, err)
	}
	if _, err := e.svc.Sign(ctx, e.leader, d.ID, 0, leaderKey, "Xã Yên Từ", ""); !errors.Is(err, document.ErrSignOrder) {
		t.Fatalf("signed twice: %v", err)
	}
	if _, err := e.svc.AttachPDF(ctx, e.clerks[0], d.ID, 0, draftPDF(t)); !errors.Is(err, document.ErrState) {
		t.Fatalf("a new PDF under the signature: %v", err)
	}
	// The leader's signature alone does not issue.
	if _, err := e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{}); !errors.Is(err, document.ErrSignatures) {
		t.Fatalf("issued with one signature: %v", err)
	}
	sealed, err := e.svc.Sign(ctx, e.clerks[0], d.ID, 0, sealKey, "Xã Yên Từ", "")
	if err != nil || sealed.SignStage != document.Sealed {
		t.Fatalf("the clerk seals: %+v, %v", sealed, err)
	}
	pdf, _, err := e.svc.DraftPDF(ctx, e.leader, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.svc.Verify(ctx, pdf)
	if err != nil || len(rep.Signatures) != 2 || !rep.Signatures[0].Valid || !rep.Signatures[1].Valid || rep.ModifiedAfterSigning {
		t.Fatalf("the sealed PDF: %+v, %v", rep, err)
	}
	areas, err := signing.SignatureAreas(pdf)
	if err != nil || len(areas) != 2 {
		t.Fatalf("visible signatures (the leader's image, the seal): %+v, %v", areas, err)
	}
	// The annex took the seal, with the text block at the top right of its first page.
	annex := fileOf(t, e.svc, e.leader, d.ID, 1)
	rep, err = e.svc.Verify(ctx, annex)
	if err != nil || len(rep.Signatures) != 1 || !rep.Signatures[0].Valid {
		t.Fatalf("the sealed annex: %+v, %v", rep, err)
	}
	boxes, err := signing.PageBoxes(annex)
	if err != nil {
		t.Fatal(err)
	}
	areas, err = signing.SignatureAreas(annex)
	if err != nil || len(areas) != 1 || areas[0].Page != 1 || areas[0].Rect[0] < boxes[0][2]/2 || areas[0].Rect[1] < boxes[0][3]/2 {
		t.Fatalf("the annex's text block: %+v (page %v), %v", areas, boxes[0], err)
	}
	issued, err := e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{})
	if err != nil || issued.NumberNotation != "01/QĐ-UBND" || issued.Paper || issued.SignedBlob == "" {
		t.Fatalf("issue: %+v, %v", issued, err)
	}
	pdfsigValid(t, pdf, 2)
	pdfsigValid(t, annex, 1)

	// A PDF signed elsewhere does not carry an unsealed annex out.
	d2 := e.draft(t, "quyet_dinh", "", false)
	if _, err := e.svc.AttachAnnex(ctx, e.clerks[0], d2.ID, 0, draftPDF(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx, e.leader, d2.ID, 0); err != nil {
		t.Fatal(err)
	}
	once, err := signing.SignPDF(ctx, draftPDF(t), leaderKey.Signer, signing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := signing.SignPDF(ctx, once, sealKey.Signer, signing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Issue(ctx, e.clerks[0], d2.ID, document.IssueInput{SignedPDF: twice}); !errors.Is(err, document.ErrSignatures) {
		t.Fatalf("issued with an unsealed annex: %v", err)
	}
}
