package exchange_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/exchange"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
)

// registrar stands in for internal/document: the next arrival number, a duplicate
// (same document id) refused as a conflict.
type registrar struct {
	next int
	docs map[string][]byte // document id → first attachment
}

var errDuplicate = apperr.New(apperr.Conflict, "document_duplicate", "Văn bản đã được vào sổ.")

func (r *registrar) RegisterIncoming(_ context.Context, _ int64, m *edxml.Message) (int, error) {
	if r.docs == nil {
		r.docs = map[string][]byte{}
	}
	if _, ok := r.docs[m.DocumentID]; ok {
		return 0, errDuplicate
	}
	r.next++
	var pdf []byte
	if len(m.Attachments) > 0 {
		pdf = m.Attachments[0].Data
	}
	r.docs[m.DocumentID] = pdf
	return r.next, nil
}

type listener struct{ codes []string }

func (l *listener) DocumentStatus(_ context.Context, _ int64, _, _, code string) error {
	l.codes = append(l.codes, code)
	return nil
}

type side struct {
	st   *store.Store
	unit int64
	svc  *exchange.Service
}

func newSide(t *testing.T, platform string, organ, token string, clock func() time.Time) *side {
	t.Helper()
	st := storetest.Open(t)
	ctx := context.Background()
	p, err := st.CreateUnit(ctx, unit.Unit{Code: "48", Level: unit.Province, Name: "Thành phố Đà Nẵng", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUnit(ctx, unit.Unit{Code: "207" + organ[7:9], Level: unit.Commune, ParentID: &p, Name: "Xã " + organ,
		IdentCode: organ, ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	return &side{st: st, unit: u, svc: &exchange.Service{Store: st, Platform: &exchange.Client{BaseURL: platform, Token: token},
		Registrar: &registrar{}, Now: clock}}
}

func decision(to string, pdf []byte) *edxml.Message {
	return &edxml.Message{Kind: edxml.KindDocument, To: []edxml.Organ{{ID: to}},
		Code: edxml.Code{Number: "01", Notation: "QĐ-UBND"}, PromulgationDate: "2026/12/07", DocumentType: 1,
		TypeName: "Quyết định", Subject: "Về việc thành lập tổ công nghệ số cộng đồng", Priority: edxml.PriorityKhan,
		Signer:      edxml.Signer{Competence: "TM. UBND", Position: "Chủ tịch", FullName: "Nguyễn Văn An"},
		Attachments: []edxml.Attachment{{ContentID: "1", Name: "01-QD-UBND.pdf", ContentType: "application/pdf", Data: pdf}}}
}

// TestEndToEnd: unit A sends a signed decision to unit B through the fake platform; B
// registers it with the next arrival number and the PDF byte for byte; A hears 01 and
// 03, then 05 and 06 as B works. A platform outage and a lost answer cost neither a
// message nor a duplicate.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	const organA, organB = "000.00.31.H49", "000.00.32.H49"
	fake := exchange.NewFake()
	fake.Tokens = map[string]string{organA: "token-a", organB: "token-b"}
	var down, loseAnswer atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "bảo trì", http.StatusServiceUnavailable)
			return
		}
		if loseAnswer.Load() && r.Method == http.MethodPost {
			fake.ServeHTTP(httptest.NewRecorder(), r) // taken, but the answer is lost
			http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	now := time.Now().Add(time.Second) // the store stamps rows with its own clock
	clock := func() time.Time { return now }
	a := newSide(t, srv.URL, organA, "token-a", clock)
	b := newSide(t, srv.URL, organB, "token-b", clock)
	heard := &listener{}
	a.svc.Statuses = heard
	// B has registered a paper document already: the electronic one gets number 2.
	regB := b.svc.Registrar.(*registrar)
	regB.next = 1

	pdf := signedPDF(t)
	ids, err := a.svc.SendDocument(ctx, a.unit, decision(organB, pdf))
	if err != nil || len(ids) != 1 {
		t.Fatalf("send: %v %v", ids, err)
	}
	if again, err := a.svc.SendDocument(ctx, a.unit, decision(organB, pdf)); err != nil || again[0] != ids[0] {
		t.Fatalf("sending again: %v %v", again, err)
	}

	// The platform is down: nothing sent, the message waits for its next attempt.
	down.Store(true)
	if n, err := a.svc.Deliver(ctx); err != nil || n != 0 {
		t.Fatalf("deliver while down: %d %v", n, err)
	}
	down.Store(false)
	if n, _ := a.svc.Deliver(ctx); n != 0 {
		t.Fatalf("retried before its delay: %d", n)
	}
	now = now.Add(2 * time.Minute)
	// The platform takes it but the answer is lost: sent again later, delivered once.
	loseAnswer.Store(true)
	if n, _ := a.svc.Deliver(ctx); n != 0 {
		t.Fatal("a lost answer counted as sent")
	}
	loseAnswer.Store(false)
	now = now.Add(10 * time.Minute)
	if n, err := a.svc.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("deliver: %d %v", n, err)
	}
	if n, _ := a.svc.Deliver(ctx); n != 0 {
		t.Fatalf("delivered twice: %d", n)
	}

	// B polls: one document, number 2, the PDF byte for byte; 01 and 03 queued back.
	if n, err := b.svc.Poll(ctx, b.unit); err != nil || n != 1 {
		t.Fatalf("B poll: %d %v", n, err)
	}
	if n, _ := b.svc.Poll(ctx, b.unit); n != 0 {
		t.Fatalf("B received the message twice")
	}
	if regB.next != 2 || len(regB.docs) != 1 {
		t.Fatalf("B registered %d documents, last number %d", len(regB.docs), regB.next)
	}
	docID := organA + ",2026/12/07,01/QĐ-UBND"
	if !bytes.Equal(regB.docs[docID], pdf) {
		t.Fatal("B's PDF differs from A's")
	}
	t.Run("pdfsig", func(t *testing.T) { verifyPDFSig(t, regB.docs[docID]) })
	if st, err := a.svc.Platform.Status(ctx, organA, ids[0]); err != nil || st != exchange.DeliveryDelivered {
		t.Fatalf("platform status %q %v", st, err)
	}
	if n, err := b.svc.Deliver(ctx); err != nil || n != 2 {
		t.Fatalf("B answers: %d %v", n, err)
	}
	if _, err := a.svc.Poll(ctx, a.unit); err != nil {
		t.Fatal(err)
	}
	// B's leader assigns it, then the handler finishes.
	doc := edxml.ResponseFor{OrganID: organA, Code: "01/QĐ-UBND", PromulgationDate: "2026/12/07", DocumentID: docID}
	for _, code := range []string{edxml.StatusProcessing, edxml.StatusDone} {
		if err := b.svc.Report(ctx, b.unit, doc, organA, code, ""); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.Report(ctx, b.unit, doc, organA, code, ""); err != nil { // twice: queued once
			t.Fatal(err)
		}
	}
	if n, err := b.svc.Deliver(ctx); err != nil || n != 2 {
		t.Fatalf("B reports: %d %v", n, err)
	}
	if _, err := a.svc.Poll(ctx, a.unit); err != nil {
		t.Fatal(err)
	}
	got, err := a.svc.StatusesOf(ctx, a.unit, docID)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range got {
		codes = append(codes, s.Code)
		if s.From != organB {
			t.Fatalf("status from %s", s.From)
		}
	}
	if want := "01 03 05 06"; join(codes) != want || join(heard.codes) != want {
		t.Fatalf("A heard %v / %v, want %s", codes, heard.codes, want)
	}

	// The same document pushed again to B (POST /api/v1/documents/edxml): no new number.
	payload, _ := edxml.Build(withFrom(decision(organB, pdf), organA))
	res, err := b.svc.Receive(ctx, b.unit, payload)
	if err != nil || !res.Duplicate || regB.next != 2 {
		t.Fatalf("duplicate push: %+v %v (next %d)", res, err, regB.next)
	}
}

func withFrom(m *edxml.Message, organ string) *edxml.Message {
	m.From.ID = organ
	return m
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

// TestRefusals: a malformed message from the platform is answered 02 and acknowledged; a
// document for another unit, a bomb pushed directly and a unit without an organ id are
// refused with their codes.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	const organA, organB = "000.00.31.H49", "000.00.32.H49"
	fake := exchange.NewFake()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	clock := func() time.Time { return time.Now().Add(time.Second) }
	a := newSide(t, srv.URL, organA, "", clock)
	b := newSide(t, srv.URL, organB, "", clock)
	if err := (&exchange.Client{BaseURL: srv.URL}).Send(ctx, exchange.Envelope{MessageID: "bomb-1", From: organA, To: organB,
		Content: []byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`)}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.svc.Poll(ctx, b.unit); err != nil || n != 1 {
		t.Fatalf("poll: %d %v", n, err)
	}
	if n, _ := b.svc.Deliver(ctx); n != 1 {
		t.Fatalf("no 02 sent back: %d", n)
	}
	env, err := (&exchange.Client{BaseURL: srv.URL}).Receive(ctx, organA, 10)
	if err != nil || len(env) != 1 {
		t.Fatalf("A's queue: %v %v", env, err)
	}
	m, err := edxml.ParseBytes(env[0].Content)
	if err != nil || m.StatusCode != edxml.StatusRefused || m.ResponseFor.DocumentID != "bomb-1" {
		t.Fatalf("answer: %+v %v", m, err)
	}

	// A message whose edXML claims another sender than the platform's is refused too.
	forged, _ := edxml.Build(withFrom(decision(organB, []byte("%PDF")), "000.00.77.H49"))
	if err := (&exchange.Client{BaseURL: srv.URL}).Send(ctx, exchange.Envelope{MessageID: "forged-1", From: organA, To: organB, Content: forged}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.svc.Poll(ctx, b.unit); err != nil || n != 1 {
		t.Fatalf("poll forged: %d %v", n, err)
	}
	if n, _ := b.svc.Deliver(ctx); n != 1 {
		t.Fatal("no 02 for the forged message")
	}
	env, _ = (&exchange.Client{BaseURL: srv.URL}).Receive(ctx, organA, 10)
	if len(env) != 2 {
		t.Fatalf("A's queue: %d", len(env))
	}
	if m, err := edxml.ParseBytes(env[1].Content); err != nil || m.StatusCode != edxml.StatusRefused || m.ResponseFor.DocumentID != "forged-1" {
		t.Fatalf("forged answer: %+v %v", m, err)
	}
	if len(b.svc.Registrar.(*registrar).docs) != 0 {
		t.Fatal("a forged document was registered")
	}

	payload, _ := edxml.Build(withFrom(decision("000.00.99.H49", []byte("%PDF")), organA))
	if _, err := b.svc.Receive(ctx, b.unit, payload); !errors.Is(err, exchange.ErrNotForUs) {
		t.Fatalf("for another unit: %v", err)
	}
	if _, err := b.svc.Receive(ctx, b.unit, []byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a/>`)); !errors.Is(err, edxml.ErrDoctype) {
		t.Fatalf("bomb pushed: %v", err)
	}
	prov, err := a.st.UnitByCode(ctx, "48")
	if err != nil {
		t.Fatal(err)
	}
	noOrgan, err := a.st.CreateUnit(ctx, unit.Unit{Code: "20999", Level: unit.Commune, ParentID: &prov.ID, Name: "Xã chưa có mã", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.SendDocument(ctx, noOrgan, decision(organB, nil)); !errors.Is(err, exchange.ErrNoOrganID) {
		t.Fatalf("no organ id: %v", err)
	}
	// Another organ's token cannot read B's queue.
	fake.Tokens = map[string]string{organA: "a", organB: "b"}
	if _, err := (&exchange.Client{BaseURL: srv.URL, Token: "a"}).Receive(ctx, organB, 1); err == nil {
		t.Fatal("A read B's queue")
	}
}
