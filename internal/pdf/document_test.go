package pdf

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
)

// TestUpdateKeepsTheStyle: an update is written in the style of the file's last
// cross-reference section (a table after a table, a stream after a stream), reads back
// with its new objects and keeps the original bytes as its prefix.
func TestUpdateKeepsTheStyle(t *testing.T) {
	for name, src := range map[string][]byte{"table": samplePDF(t), "stream": pdfbomb.Compressed()} {
		doc, err := Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := name == "stream"
		if doc.xrefStream != want {
			t.Fatalf("%s: read as a cross-reference stream: %v", name, doc.xrefStream)
		}
		two := updated(t, updated(t, src))
		if string(two[:len(src)]) != string(src) {
			t.Fatalf("%s: the original bytes changed", name)
		}
		d2, err := Parse(two)
		if err != nil || d2.xrefStream != want {
			t.Fatalf("%s: the update's style: %v", name, err)
		}
		pages, err := d2.Pages(10)
		if err != nil || len(pages) != len(mustPages(t, doc)) {
			t.Fatalf("%s: pages after the update: %v %v", name, pages, err)
		}
		page, err := d2.DictOf(pages[0])
		if err != nil {
			t.Fatal(err)
		}
		annots, err := d2.Resolve(page.Get("Annots"))
		if a, ok := annots.(Array); err != nil || !ok || len(a) != 2 {
			t.Fatalf("%s: /Annots after two updates: %v %v", name, annots, err)
		}
		// The first update's objects are rewritten by the second only where it adds to
		// them: the page (its /Annots), nothing freed.
		old, err := d2.Revision(int64(len(updated(t, src))))
		if err != nil {
			t.Fatal(err)
		}
		nums, freed := d2.RewrittenSince(old, int64(len(updated(t, src))))
		if freed || len(nums) != 1 || nums[0] != pages[0].Num {
			t.Fatalf("%s: rewritten by the second update: %v freed %v", name, nums, freed)
		}
	}
}

func mustPages(t *testing.T, d *Document) []Ref {
	t.Helper()
	p, err := d.Pages(10)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReadingHasADeadline: a budget whose time is up refuses the reading as too slow,
// checked in the parsing loops. The clock is not raced: the deadline is already past.
func TestReadingHasADeadline(t *testing.T) {
	src := samplePDF(t)
	b := NewBudget(context.Background(), len(src))
	b.deadline = time.Now().Add(-time.Second)
	if _, err := ParseWithin(src, b); !errors.Is(err, ErrTooSlow) {
		t.Fatalf("parse after the budget's deadline: %v", err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := ParseWithin(src, NewBudget(ctx, len(src))); !errors.Is(err, ErrTooSlow) {
		t.Fatalf("parse after the caller's deadline: %v", err)
	}
}
