package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/store"
)

func TestSigningTables(t *testing.T) {
	ctx := context.Background()
	e := newDemoEnv(t)
	s := e.s
	ca, err := democa.New("Test CA", true)
	if err != nil {
		t.Fatal(err)
	}
	// Trust anchors: idempotent add, list, remove.
	for range 2 {
		if err := s.AddTrustAnchor(ctx, ca.Cert); err != nil {
			t.Fatal(err)
		}
	}
	if as, err := s.TrustAnchors(ctx); err != nil || len(as) != 1 || !as[0].Equal(ca.Cert) {
		t.Fatalf("anchors: %v %v", as, err)
	}
	// A leader's sealed key.
	cert, key, err := ca.Issue(democa.CertOptions{CommonName: "Nguyễn Văn Dũng", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := democa.EncodePKCS12(key, cert, nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	sealed, _, err := signing.SealPKCS12(p12, "pw")
	if err != nil {
		t.Fatal(err)
	}
	leader, err := s.UserByUsername(ctx, "lanhdao")
	if err != nil {
		t.Fatal(err)
	}
	k := store.SigningKey{UserID: leader.ID, UnitID: e.unit, Kind: "personal", Subject: cert.Subject.String(), Serial: cert.SerialNumber.Text(16),
		NotAfter: cert.NotAfter, CertSHA256: "abc", Sealed: sealed}
	k, err = s.AddSigningKey(ctx, k)
	if err != nil || k.ID == 0 {
		t.Fatal(err)
	}
	if _, err := s.AddSigningKey(ctx, k); !errors.Is(err, store.ErrSigningKeyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	bad := k
	bad.Kind = "other"
	if _, err := s.AddSigningKey(ctx, bad); !errors.Is(err, store.ErrSigningKeyKind) {
		t.Fatalf("kind: %v", err)
	}
	got, err := s.SigningKey(ctx, k.ID)
	if err != nil || string(got.Sealed) != string(sealed) || got.Subject != k.Subject {
		t.Fatalf("get: %v", err)
	}
	if o, err := signing.OpenSealedPKCS12(got.Sealed, "pw"); err != nil || !o.Chain()[0].Equal(cert) {
		t.Fatalf("open stored: %v", err)
	}
	if ks, err := s.SigningKeys(ctx, leader.ID); err != nil || len(ks) != 1 {
		t.Fatalf("list: %v %v", ks, err)
	}
	if _, err := s.SigningKey(ctx, k.ID+99); !errors.Is(err, store.ErrSigningKeyNotFound) {
		t.Fatalf("missing: %v", err)
	}
	// The register: codes -KQ1, -KQ2 per dossier, idempotent per hash.
	code := e.dossiers[0].Code
	d1, err := s.RegisterIssuedDocument(ctx, e.unit, code, strings.Repeat("A", 64))
	if err != nil || d1.DocumentCode != code+"-KQ1" || d1.SHA256 != strings.Repeat("a", 64) {
		t.Fatalf("first: %+v %v", d1, err)
	}
	d2, err := s.RegisterIssuedDocument(ctx, e.unit, code, strings.Repeat("b", 64))
	if err != nil || d2.DocumentCode != code+"-KQ2" {
		t.Fatalf("second: %+v %v", d2, err)
	}
	again, err := s.RegisterIssuedDocument(ctx, e.unit, code, strings.Repeat("a", 64))
	if err != nil || again.DocumentCode != d1.DocumentCode {
		t.Fatalf("again: %+v %v", again, err)
	}
	if f, err := s.IssuedDocumentBySHA256(ctx, strings.Repeat("b", 64)); err != nil || f == nil || f.DocumentCode != d2.DocumentCode {
		t.Fatalf("by hash: %+v %v", f, err)
	}
	if f, err := s.IssuedDocumentBySHA256(ctx, strings.Repeat("c", 64)); err != nil || f != nil {
		t.Fatalf("unknown hash: %+v %v", f, err)
	}
	if f, err := s.IssuedDocument(ctx, code+"-KQ2"); err != nil || f == nil {
		t.Fatalf("by code: %v", err)
	}
	if err := s.RemoveTrustAnchor(ctx, strings.Repeat("0", 64)); err == nil {
		t.Fatal("removed a missing anchor")
	}

	// A signed document keeps its code across signatures: the seal on KQ3 is its version
	// 2; forms are numbered apart (-PH<n>); a code taken meanwhile is refused.
	d := e.dossiers[0]
	next, err := s.NextDocumentCode(ctx, code, store.DocumentResult)
	if err != nil || next != code+"-KQ3" {
		t.Fatalf("next result code: %q %v", next, err)
	}
	file := func(kind, blob string) dossier.File {
		return dossier.File{DossierID: d.ID, UnitID: e.unit, Kind: kind, Name: "x", ContentType: "application/pdf", Size: 1, BlobKey: blob, UploadedBy: leader.ID}
	}
	_, v1, err := s.AddSignedDocument(ctx, code, file("result", "b1"), strings.Repeat("d", 64), store.DocumentEntry{Kind: store.DocumentResult, Code: next})
	if err != nil || v1.DocumentCode != next || v1.Version != 1 {
		t.Fatalf("version 1: %+v %v", v1, err)
	}
	f2, v2, err := s.AddSignedDocument(ctx, code, file("result", "b2"), strings.Repeat("e", 64), store.DocumentEntry{PrevSHA256: v1.SHA256})
	if err != nil || v2.DocumentCode != next || v2.Version != 2 || f2.FileName != next+"-v2.pdf" {
		t.Fatalf("version 2: %+v %+v %v", v2, f2, err)
	}
	if latest, err := s.IssuedDocument(ctx, next); err != nil || latest == nil || latest.Version != 2 || !latest.Latest || latest.SHA256 != v2.SHA256 {
		t.Fatalf("latest: %+v %v", latest, err)
	}
	if old, err := s.IssuedDocumentBySHA256(ctx, v1.SHA256); err != nil || old == nil || old.Latest {
		t.Fatalf("the first version must not be the latest: %+v %v", old, err)
	}
	if _, _, err := s.AddSignedDocument(ctx, code, file("result", "b3"), strings.Repeat("f", 64), store.DocumentEntry{Kind: store.DocumentResult, Code: next}); !errors.Is(err, store.ErrDocumentCodeTaken) {
		t.Fatalf("a taken code: %v", err)
	}
	if form, err := s.NextDocumentCode(ctx, code, store.DocumentForm); err != nil || form != code+"-PH1" {
		t.Fatalf("next form code: %q %v", form, err)
	}
	_, ph, err := s.AddSignedDocument(ctx, code, file("form", "b4"), strings.Repeat("9", 64), store.DocumentEntry{Kind: store.DocumentForm})
	if err != nil || ph.DocumentCode != code+"-PH1" || ph.Kind != store.DocumentForm {
		t.Fatalf("a form: %+v %v", ph, err)
	}
}
