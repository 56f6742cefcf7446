package document_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/exchange"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// unitSide is one xaso installation taking part in the exchange: its store and unit, the
// document service, the exchange service and the adapter joining them.
type unitSide struct {
	*docEnv
	organ   string
	blobs   *blob.Local
	ex      *exchange.Service
	adapter *document.ExchangeAdapter
}

func newUnitSide(t *testing.T, platform, organ, name, token string, ca *democa.CA) *unitSide {
	t.Helper()
	e := newDocEnvAt(t, organ, name)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	s := &unitSide{docEnv: e, organ: organ, blobs: blobs}
	s.ex = &exchange.Service{Store: e.st, Platform: &exchange.Client{BaseURL: platform, Token: token}}
	e.svc.Blobs, e.svc.Exchange = blobs, s.ex
	e.svc.Verify = func(ctx context.Context, pdf []byte) (*signing.Report, error) {
		return signing.VerifyPDF(ctx, pdf, signing.VerifyOptions{TrustAnchors: []*x509.Certificate{ca.Cert}, Offline: true})
	}
	s.adapter = &document.ExchangeAdapter{Docs: e.svc, Store: e.st, Sender: s.ex,
		Organ: func(ctx context.Context, unitID int64) (edxml.Organ, error) {
			u, err := e.st.UnitByID(ctx, unitID)
			return edxml.Organ{ID: u.IdentCode, Name: u.Name}, err
		}}
	s.ex.Registrar, s.ex.Statuses = s.adapter, s.adapter
	return s
}

// keys are a leader's personal key and the body's seal from the test CA, with the demo's
// signature and seal images (Decree 30's appearance).
func keys(t *testing.T, ca *democa.CA) (leader, seal document.Key) {
	t.Helper()
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
	sigImg, sealImg, err := democa.Images()
	if err != nil {
		t.Fatal(err)
	}
	return document.Key{Kind: document.KeyPersonal, Image: sigImg, Signer: signer("Nguyễn Văn Dũng")},
		document.Key{Kind: document.KeySeal, Image: sealImg, Signer: signer("Ủy ban nhân dân xã Yên Từ")}
}

// draftPDF is a one-page decision as its drafter attaches it, unsigned.
func draftPDF(t *testing.T) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("S", "", forms.SerifRegular())
	f.AddPage()
	f.SetFont("S", "", 13)
	f.Text(30, 30, "QUYẾT ĐỊNH về việc phối hợp chuyển đổi số giữa hai xã")
	var plain bytes.Buffer
	if err := f.Output(&plain); err != nil {
		t.Fatal(err)
	}
	return plain.Bytes()
}

// Unit A issues a signed decision to unit B through the (fake) exchange platform: B
// registers it with the next arrival number after a paper one of the same day, A hears
// 01 and 03, then 05 when B's leader directs it and 06 when B's handler is done; the PDF
// B keeps is byte for byte the one A signed, and it verifies (pdfsig too).
func TestExchangeUnitToUnit(t *testing.T) {
	ctx := context.Background()
	fake := exchange.NewFake()
	fake.Tokens = map[string]string{"000.31.37.H45": "token-a", "000.32.37.H45": "token-b"}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	ca, err := democa.New("CA THỬ NGHIỆM", true)
	if err != nil {
		t.Fatal(err)
	}
	a := newUnitSide(t, srv.URL, "000.31.37.H45", "Xã Yên Từ", "token-a", ca)
	b := newUnitSide(t, srv.URL, "000.32.37.H45", "Xã Yên Mạc", "token-b", ca)

	// A drafts, the leader approves, the signed PDF is issued: 01/QĐ-UBND.
	d, err := a.svc.CreateOutgoing(ctx, a.clerks[0], document.OutgoingInput{UnitID: a.unit, TypeCode: "quyet_dinh",
		Subject: "Về việc phối hợp chuyển đổi số giữa hai xã", Urgency: "khan",
		Recipients: []string{b.organ, "Lưu: VT"}})
	if err != nil {
		t.Fatal(err)
	}
	// The drafter attaches the PDF, the leader approves and signs it, the clerk seals it
	// and issues it electronically: 01/QĐ-UBND.
	if _, err := a.svc.AttachPDF(ctx, a.clerks[0], d.ID, 0, draftPDF(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.AttachAnnex(ctx, a.clerks[0], d.ID, 0, draftPDF(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Approve(ctx, a.leader, d.ID, 0); err != nil {
		t.Fatal(err)
	}
	leaderKey, sealKey := keys(t, ca)
	if _, err := a.svc.Sign(ctx, a.leader, d.ID, 0, leaderKey, "Xã Yên Từ", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Sign(ctx, a.clerks[0], d.ID, 0, sealKey, "Xã Yên Từ", ""); err != nil {
		t.Fatal(err)
	}
	issued, err := a.svc.Issue(ctx, a.clerks[0], d.ID, document.IssueInput{})
	if err != nil || issued.NumberNotation != "01/QĐ-UBND" || issued.Paper {
		t.Fatalf("issue: %+v, %v", issued, err)
	}
	pdf, _, err := a.svc.DraftPDF(ctx, a.clerks[0], d.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The exchange recipient's row is the adapter's; "Lưu: VT" is left to e-mail or paper.
	ds, err := a.st.DocumentDispatches(ctx, d.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("dispatches: %+v, %v", ds, err)
	}

	// B registers a paper document the same day: arrival 1.
	paper, err := b.svc.RegisterIncoming(ctx, b.clerks[0], document.IncomingInput{UnitID: b.unit, Sender: "UBND tỉnh Ninh Bình",
		NumberNotation: "120/UBND-VP", IssuedOn: "2026-02-27", Subject: "Về việc chuẩn bị Tết"})
	if err != nil || paper.ArrivalNumber != 1 {
		t.Fatalf("paper: %+v, %v", paper, err)
	}

	// A hands the document to the exchange (once, however often the worker runs) and
	// delivers it.
	for i, want := range []int{1, 0} {
		if n, err := a.adapter.Dispatch(ctx); err != nil || n != want {
			t.Fatalf("dispatch %d: %d, %v", i, n, err)
		}
	}
	if n, err := a.ex.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("A delivers: %d, %v", n, err)
	}
	// The exchange's row is sent under its message id; "Lưu: VT" is the paper channel's.
	if ds, err := a.st.DocumentDispatches(ctx, d.ID); err != nil || len(ds) != 2 || ds[0].Channel != document.ChannelExchange ||
		ds[0].Status != "sent" || ds[0].MessageID == "" || ds[1].Channel != document.ChannelPaper || ds[1].Attempts != 0 {
		t.Fatalf("dispatch rows: %+v, %v", ds, err)
	}

	// B receives it: arrival 2, from the exchange, urgent, the PDF kept byte for byte.
	if n, err := b.ex.Poll(ctx, b.unit); err != nil || n != 1 {
		t.Fatalf("B polls: %d, %v", n, err)
	}
	got, _, err := b.st.Documents(ctx, document.Query{UnitID: b.unit, Direction: document.Incoming, Number: "01/QĐ-UBND", Limit: 10})
	if err != nil || len(got) != 1 {
		t.Fatalf("B's register: %+v, %v", got, err)
	}
	in := got[0]
	if in.ArrivalNumber != 2 || in.Source != document.Exchange || in.Sender != "Xã Yên Từ" || in.Urgency != document.Khan ||
		in.TypeCode != "quyet_dinh" || in.IssuedOn != "2026-03-02" || in.ExchangeOrgan != a.organ || len(in.Attachments) != 2 {
		t.Fatalf("registered: %+v", in)
	}
	rc, err := b.blobs.Open(ctx, in.Attachments[0])
	if err != nil {
		t.Fatal(err)
	}
	kept, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(kept, pdf) {
		t.Fatalf("the PDF B keeps is not the one A signed (%d bytes, %v)", len(kept), err)
	}
	rep, err := b.svc.Verify(ctx, kept)
	if err != nil || len(rep.Signatures) != 2 || !rep.Signatures[0].Valid || !rep.Signatures[1].Valid || rep.ModifiedAfterSigning {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	pdfsigValid(t, kept, 2)
	// And its sealed annex, byte for byte.
	annex := fileOf(t, a.svc, a.clerks[0], d.ID, 1)
	rc, err = b.blobs.Open(ctx, in.Attachments[1])
	if err != nil {
		t.Fatal(err)
	}
	keptAnnex, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(keptAnnex, annex) {
		t.Fatalf("the annex B keeps is not the one A sealed (%d bytes, %v)", len(keptAnnex), err)
	}

	statuses := func(want ...string) {
		t.Helper()
		if n, err := b.ex.Deliver(ctx); err != nil || n != 1 && n != 2 {
			t.Fatalf("B delivers: %d, %v", n, err)
		}
		if _, err := a.ex.Poll(ctx, a.unit); err != nil {
			t.Fatalf("A polls: %v", err)
		}
		recs, err := a.ex.StatusesOf(ctx, a.unit, a.organ+",2026/03/02,01/QĐ-UBND")
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, r := range recs {
			codes = append(codes, r.Code)
		}
		out, err := a.st.Document(ctx, d.ID)
		if err != nil || !slices.Equal(codes, want) || out.ExchangeStatus != want[len(want)-1] {
			t.Fatalf("A's statuses %v (document: %q, %v), want %v", codes, out.ExchangeStatus, err, want)
		}
	}
	statuses("01", "03")

	// B's leader directs it (05), the handler finishes it (06).
	directed, err := b.svc.Direct(ctx, b.leader, in.ID, document.DirectionInput{HandlerID: b.clerks[1].UserID, Instruction: "Chủ trì thực hiện"})
	if err != nil {
		t.Fatal(err)
	}
	statuses("01", "03", "05")
	if _, err := b.svc.Report(ctx, b.clerks[1], in.ID, directed.Version, "Đã triển khai", true); err != nil {
		t.Fatal(err)
	}
	statuses("01", "03", "05", "06")

	// A recalls it (13): B's document says so.
	docID := a.organ + ",2026/03/02,01/QĐ-UBND"
	if err := a.ex.Report(ctx, a.unit, edxml.ResponseFor{OrganID: a.organ, Code: "01/QĐ-UBND", PromulgationDate: "2026/03/02",
		DocumentID: docID}, b.organ, edxml.StatusRecall, ""); err != nil {
		t.Fatal(err)
	}
	if n, err := a.ex.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("A delivers the recall: %d, %v", n, err)
	}
	if n, err := b.ex.Poll(ctx, b.unit); err != nil || n != 1 {
		t.Fatalf("B polls the recall: %d, %v", n, err)
	}
	if got, err := b.st.Document(ctx, in.ID); err != nil || got.ExchangeStatus != edxml.StatusRecall {
		t.Fatalf("recalled: %q, %v", got.ExchangeStatus, err)
	}
	// B's clerk agrees (15); A hears it.
	if _, err := b.svc.AnswerRecall(ctx, b.leader, in.ID, 0, true); !errors.Is(err, document.ErrForbidden) {
		t.Fatalf("the leader answers the recall: %v", err)
	}
	if _, err := b.svc.AnswerRecall(ctx, b.clerks[0], in.ID, 0, true); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.AnswerRecall(ctx, b.clerks[0], in.ID, 0, false); !errors.Is(err, document.ErrState) {
		t.Fatalf("answered twice: %v", err)
	}
	statuses("01", "03", "05", "06", "15")

	// The same message pushed again is a duplicate: no second registration.
	again, _, err := b.svc.Store.Documents(ctx, document.Query{UnitID: b.unit, Direction: document.Incoming, Limit: 10})
	if err != nil || len(again) != 2 {
		t.Fatalf("B's register after: %d, %v", len(again), err)
	}
	msg, err := a.svc.EdXML(ctx, a.clerks[0], d.ID, a.adapter.Organ)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.adapter.RegisterIncoming(ctx, b.unit, mustParse(t, msg)); !errors.Is(err, document.ErrDuplicate) {
		t.Fatalf("registered twice: %v", err)
	}
}

// fileOf reads file n of document id as p sees it (document.Service.File).
func fileOf(t *testing.T, svc *document.Service, p *auth.Principal, id int64, n int) []byte {
	t.Helper()
	f, err := svc.File(context.Background(), p, id, n)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t *testing.T, b []byte) *edxml.Message {
	t.Helper()
	m, err := edxml.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// pdfsigValid checks pdf with poppler's pdfsig: n signatures, each valid.
func pdfsigValid(t *testing.T, pdf []byte, n int) {
	t.Helper()
	testtool.Path(t, "pdfsig", "apt-get install poppler-utils")
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", "-nocert", p).CombinedOutput()
	if strings.Count(string(out), "Signature is Valid") != n {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

// A unit without an organ id cannot send through the exchange: the dispatch row stays
// pending for the retry ladder, not lost; the e-mail channel's row is not touched.
func TestExchangeDispatchWithoutOrganID(t *testing.T) {
	ctx := context.Background()
	e := newDocEnvAt(t, "", "Xã Chưa Có Mã")
	ex := &exchange.Service{Store: e.st}
	ad := &document.ExchangeAdapter{Docs: e.svc, Store: e.st, Sender: ex,
		Organ: func(ctx context.Context, unitID int64) (edxml.Organ, error) {
			u, err := e.st.UnitByID(ctx, unitID)
			return document.UnitOrgan(u), err
		}}
	d, err := e.svc.CreateOutgoing(ctx, e.clerks[0], document.OutgoingInput{UnitID: e.unit, TypeCode: "quyet_dinh",
		Subject: "Về việc thử", Recipients: []string{"000.32.37.H45", "Thôn Đông"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{Paper: true}); err != nil {
		t.Fatal(err)
	}
	if n, err := ad.Dispatch(ctx); err != nil || n != 0 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}
	ds, err := e.st.DocumentDispatches(ctx, d.ID)
	if err != nil || len(ds) != 2 || ds[0].Status != "pending" || ds[0].Attempts != 1 || ds[1].Attempts != 0 {
		t.Fatalf("dispatch rows: %+v, %v", ds, err)
	}
	// Not due again at once.
	if n, err := ad.Dispatch(ctx); err != nil || n != 0 {
		t.Fatalf("dispatch again: %d, %v", n, err)
	}
	if ds, _ := e.st.DocumentDispatches(ctx, d.ID); ds[0].Attempts != 1 {
		t.Fatalf("claimed again before its time: %+v", ds[0])
	}
}
