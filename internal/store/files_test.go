package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xaso-vn/xaso/internal/store"
)

func TestDossierFiles(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	d := e.dossiers[0]
	key := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	f, err := e.s.AddDossierFile(ctx, d.Code, store.DossierFile{DossierID: d.ID, UnitID: d.CompetentUnitID, Kind: "paper",
		Name: "Giấy chứng sinh", FileName: "chung-sinh.pdf", ContentType: "application/pdf", Size: 4, BlobKey: key,
		Digitised: true, UploadedBy: e.accountant.ID})
	if err != nil || f.ID == 0 {
		t.Fatalf("add: %v", err)
	}
	got, err := e.s.DossierFile(ctx, f.ID)
	if err != nil || got.BlobKey != key || got.Name != "Giấy chứng sinh" || !got.Digitised || got.UploadedBy != e.accountant.ID ||
		!got.CreatedAt.Equal(f.CreatedAt) || got.DossierID != d.ID {
		t.Fatalf("get: %+v %v", got, err)
	}
	if fs, err := e.s.DossierFiles(ctx, d.ID); err != nil || len(fs) != 1 || fs[0].ID != f.ID {
		t.Fatalf("list: %+v %v", fs, err)
	}
	if fs, err := e.s.DossierFiles(ctx, e.dossiers[1].ID); err != nil || len(fs) != 0 {
		t.Fatalf("another dossier's list: %+v %v", fs, err)
	}
	if _, err := e.s.DossierFile(ctx, f.ID+1000); !errors.Is(err, store.ErrFileNotFound) {
		t.Fatalf("missing file: %v", err)
	}
	recs, _, err := e.s.AuditRecords(ctx, d.CompetentUnitID, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	if last := recs[0]; last.Event.Action != "dossier.file_added" || last.Event.ObjectID != d.Code {
		if last = recs[len(recs)-1]; last.Event.Action != "dossier.file_added" || last.Event.ObjectID != d.Code {
			t.Errorf("no audit record of the attachment: %+v", last.Event)
		}
	}
	if _, err := e.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
