package announce_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// An officer attaches files to a draft (at most five; none once published); the public
// opens them only while the announcement is published and valid, the unit's officials
// always.
func TestAttachments(t *testing.T) {
	ctx := context.Background()
	d := storetest.OpenDemo(t)
	leader, culture, counter := d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "vanhoa", auth.RoleCulture), d.Member(t, "motcua", auth.RoleCounter)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, locale.Zone)
	svc := &announce.Service{Store: d.Store, Blobs: blobs, Now: func() time.Time { return now }}
	a, err := svc.Create(ctx, culture, d.Unit, announce.Draft{Title: "Lịch tiêm phòng", Body: "Xem tệp đính kèm.",
		ValidFrom: day("2026-12-10"), ValidTo: day("2026-12-14")})
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	file, err := attach.Check(bytes.NewReader(pdf), attach.DefaultLimit)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Attach(ctx, counter, a.ID, "lich.pdf", file); !errors.Is(err, announce.ErrForbidden) {
		t.Fatalf("a counter officer attaches: %v", err)
	}
	f, err := svc.Attach(ctx, culture, a.ID, "Lịch tiêm.exe", file)
	if err != nil || f.N != 1 || f.Name != "Lịch tiêm.pdf" || f.ContentType != attach.PDF || f.Size != int64(len(pdf)) {
		t.Fatalf("attach: %+v, %v", f, err)
	}
	// A draft's file: the unit's officials only.
	if _, _, err := svc.OpenAttachment(ctx, nil, a.ID, 1); !errors.Is(err, announce.ErrAttachmentNotFound) {
		t.Fatalf("the public opens a draft's file: %v", err)
	}
	_, rc, err := svc.OpenAttachment(ctx, counter, a.ID, 1)
	if err != nil {
		t.Fatalf("an official opens a draft's file: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, pdf) {
		t.Fatalf("read back %q", got)
	}
	for n := 2; n <= announce.MaxAttachments; n++ {
		if f, err := svc.Attach(ctx, culture, a.ID, "", file); err != nil || f.N != n || f.Name != "tep.pdf" {
			t.Fatalf("attachment %d: %+v, %v", n, f, err)
		}
	}
	if _, err := svc.Attach(ctx, culture, a.ID, "x.pdf", file); !errors.Is(err, announce.ErrAttachments) {
		t.Fatalf("a sixth file: %v", err)
	}
	if _, err := svc.Attach(ctx, culture, a.ID, "empty.pdf", attach.File{ContentType: attach.PDF}); !errors.Is(err, announce.ErrAttachments) {
		t.Fatalf("an empty file over the count: %v", err)
	}
	// Published, anyone opens it while it is valid; no more files are added.
	if a, err = svc.Publish(ctx, leader, a.ID); err != nil {
		t.Fatal(err)
	}
	if len(a.Attachments) != announce.MaxAttachments {
		t.Fatalf("published with %d files", len(a.Attachments))
	}
	if _, rc, err = svc.OpenAttachment(ctx, nil, a.ID, 1); err != nil {
		t.Fatalf("the public opens a published file: %v", err)
	}
	rc.Close()
	if _, _, err := svc.OpenAttachment(ctx, nil, a.ID, 9); !errors.Is(err, announce.ErrAttachmentNotFound) {
		t.Fatalf("file 9: %v", err)
	}
	b, err := svc.Create(ctx, culture, d.Unit, announce.Draft{Title: "Họp dân", Body: "…", ValidFrom: day("2026-12-10"), ValidTo: day("2026-12-10")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, leader, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Attach(ctx, culture, b.ID, "x.pdf", file); !errors.Is(err, announce.ErrAttachmentState) {
		t.Fatalf("attached once published: %v", err)
	}
	if _, err := svc.Attach(ctx, culture, b.ID, "x.pdf", attach.File{}); !errors.Is(err, announce.ErrAttachmentState) {
		t.Fatalf("an empty file: %v", err)
	}
	// Past its last day, the public no longer opens it.
	now = now.AddDate(0, 0, 5)
	if _, _, err := svc.OpenAttachment(ctx, nil, a.ID, 1); !errors.Is(err, announce.ErrAttachmentNotFound) {
		t.Fatalf("the public opens an expired announcement's file: %v", err)
	}
}
