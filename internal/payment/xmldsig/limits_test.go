package xmldsig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/testtool"
)

// billionLaughs is the entity bomb: ten levels of ten references, a billion "lol"s.
func billionLaughs() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<!DOCTYPE lolz [` + "\n" + `<!ENTITY lol "lol">` + "\n")
	prev := "lol"
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`+"\n", i, strings.Repeat("&"+prev+";", 10))
		prev = fmt.Sprintf("lol%d", i)
	}
	b.WriteString("]>\n<Receipt><Data Id=\"data\">&lol9;</Data><CollectorSignature></CollectorSignature></Receipt>\n")
	return []byte(b.String())
}

// deepNesting is a document of depth nested elements.
func deepNesting(depth int) []byte {
	return []byte(strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth))
}

// manyElements is a document of n sibling elements (each with an attribute).
func manyElements(n int) []byte {
	return []byte(`<Receipt>` + strings.Repeat(`<a x="1"/>`, n) + `</Receipt>`)
}

// manyAttributes is an element with n attributes.
func manyAttributes(n int) []byte {
	var b strings.Builder
	b.WriteString("<Receipt")
	for i := range n {
		fmt.Fprintf(&b, ` a%d="1"`, i)
	}
	b.WriteString("/>")
	return []byte(b.String())
}

// TestXMLBombs: receipts' XML is read within bounds — size, depth, elements, attributes
// — checked as it is read, before the tree grows; a DOCTYPE (entities, the billion
// laughs) is refused. Each refusal has its stable code and costs little memory.
func TestXMLBombs(t *testing.T) {
	s, err := Ephemeral("bom", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		doc   []byte
		want  error
		alloc uint64 // the most the refusal may allocate
	}{
		{"billion laughs", billionLaughs(), ErrDoctype, 1 << 20},
		{"deep nesting", deepNesting(1_000_000), ErrTooComplex, 1 << 20},
		// Refused at the element past the bound: the tree up to it is the cost.
		{"many elements", manyElements(maxElements + 1), ErrTooComplex, 48 << 20},
		{"many attributes", manyAttributes(500_000), ErrTooComplex, 1 << 20},
		{"too large", []byte("<Receipt>" + strings.Repeat(" ", maxDocument) + "</Receipt>"), ErrTooComplex, 1 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			n := testtool.Allocated(func() { _, err = Verify(c.doc) })
			if n > c.alloc {
				t.Errorf("refusing it allocated %d KB", n>>10)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify: %v, want %v", err, c.want)
			}
			if _, err := Canonicalize(c.doc, ""); !errors.Is(err, c.want) {
				t.Errorf("Canonicalize: %v", err)
			}
			if _, err := s.Sign(c.doc, "data"); err == nil {
				t.Error("signed")
			}
		})
	}
	// Within the bounds, a document still reads.
	if _, err := Canonicalize(deepNesting(maxDepth), ""); err != nil {
		t.Errorf("depth %d: %v", maxDepth, err)
	}
	if _, err := Canonicalize(manyElements(1000), ""); err != nil {
		t.Errorf("1000 elements: %v", err)
	}
}

// TestFuzzCorpusHasTheXMLBombs checks that FuzzVerify's corpus holds the bombs;
// XASO_UPDATE_FUZZ_CORPUS=1 writes them.
func TestFuzzCorpusHasTheXMLBombs(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzVerify")
	for name, doc := range map[string][]byte{
		"bomb-billion-laughs": billionLaughs(),
		"bomb-deep-nesting":   deepNesting(5000),
		"bomb-many-elements":  manyElements(2000),
	} {
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", doc)
		p := filepath.Join(dir, name)
		if os.Getenv("XASO_UPDATE_FUZZ_CORPUS") != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(p); err != nil || string(got) != want {
			t.Errorf("%s is missing or stale (XASO_UPDATE_FUZZ_CORPUS=1 go test -run TestFuzzCorpusHasTheXMLBombs rewrites it): %v", p, err)
		}
	}
}
