package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
)

func TestDossierFiles(t *testing.T) {
	ctx := context.Background()
	e := newDemoEnv(t)
	d := e.dossiers[0]
	key := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	f, err := e.s.AddDossierFile(ctx, d.Code, dossier.File{DossierID: d.ID, UnitID: d.CompetentUnitID, Kind: "paper",
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

// TestUploadCapsInTheTransaction: the store refuses, in the transaction that records
// it, a file beyond the dossier's cap or its uploader's daily cap, whatever the caller
// checked before; a day later the uploader may send again.
func TestUploadCapsInTheTransaction(t *testing.T) {
	ctx := context.Background()
	e := newDemoEnv(t)
	now := time.Now()
	e.s.SetClock(func() time.Time { return now })
	e.s.SetUploadCaps(store.UploadCaps{DossierFiles: 2, DossierBytes: 100, CitizenFiles: 3, CitizenBytes: 1000,
		StaffFiles: 3, StaffBytes: 1000})
	add := func(i int, size int64) error {
		d := e.dossiers[i]
		_, err := e.s.AddDossierFile(ctx, d.Code, dossier.File{DossierID: d.ID, UnitID: d.CompetentUnitID, Kind: "paper",
			Name: "Giấy", FileName: "a.pdf", ContentType: "application/pdf", Size: size,
			BlobKey: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", UploadedBy: e.accountant.ID})
		return err
	}
	if err := add(0, 60); err != nil {
		t.Fatal(err)
	}
	if err := add(0, 60); !errors.Is(err, store.ErrDossierFileLimit) {
		t.Fatalf("past the dossier's bytes: %v", err)
	}
	if err := add(0, 40); err != nil {
		t.Fatal(err)
	}
	if err := add(0, 1); !errors.Is(err, store.ErrDossierFileLimit) {
		t.Fatalf("past the dossier's files: %v", err)
	}
	if err := add(1, 1); err != nil {
		t.Fatal(err)
	}
	if err := add(1, 1); !errors.Is(err, store.ErrDailyUploadLimit) || apperr.KindOf(err) != apperr.TooManyRequests {
		t.Fatalf("past the day's files: %v", err)
	}
	now = now.Add(24*time.Hour + time.Second)
	if err := add(1, 1); err != nil {
		t.Fatalf("the next day: %v", err)
	}
	if n, err := e.s.DossierFiles(ctx, e.dossiers[0].ID); err != nil || len(n) != 2 {
		t.Fatalf("files kept: %d %v", len(n), err)
	}
}
