package forms

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// hostile are inputs a form may meet: very long text, a word longer than a line, text
// beyond the fonts, control characters, decomposed Vietnamese, markup.
var hostile = map[string]string{
	"long text":       strings.Repeat("Nguyễn Thị Ngọc Ánh đăng ký khai sinh tại Ủy ban nhân dân xã Yên Từ. ", 20),
	"long word":       strings.Repeat("Đ", 600),
	"long code":       strings.Repeat("000.00.12.H45-261126-0007-", 30),
	"beyond the BMP":  "Ánh 😀 𝔸𝔹 🇻🇳 Ánh",
	"controls":        "Ánh\x00\x07\t\r\nẢnh\u200b\ufeff\u0085",
	"decomposed":      norm.NFD.String("Nguyễn Thị Ngọc Ánh, Ủy ban nhân dân xã Yên Từ"),
	"markup":          `<script>alert("x")</script><img src=x onerror=alert(1)>&amp;`,
	"blank":           "   \n\n  ",
	"empty":           "",
	"many lines":      strings.Repeat("dòng\n", 60),
	"right-to-left":   "مرحبا שלום Ánh",
	"combining pile":  "A" + strings.Repeat("\u0301", 200),
	"lone surrogates": string([]byte{0xed, 0xa0, 0x80}) + "Ánh" + string([]byte{0xff, 0xfe}),
}

// stuffed returns every form with s in every text field.
func stuffed(s string) []printable {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	h := Header{Parent: s, Issuer: s, Place: s}
	p := Person{Name: s, Address: s, Phone: s, Email: s}
	sg := Signer{Title: []string{s, s}, Name: s}
	var papers []Paper
	var items []Requirement
	var hand []HandOver
	var entries []RegisterEntry
	for i := range 3 {
		papers = append(papers, Paper{Name: s, Form: s, Quantity: i})
		items = append(items, Requirement{Paper: s, Detail: s})
		hand = append(hand, HandOver{From: s, To: s, At: t0, Giver: s, Receiver: s, Result: s, Note: s})
		entries = append(entries, RegisterEntry{Code: s, Procedure: s, Sets: i, Applicant: s, Contact: s, Competent: s,
			ReceivedAt: t0, DueAt: t0, Note: s})
	}
	return []printable{
		Receipt{Unit: h, Code: s, Applicant: p, Request: s, Papers: papers, Sets: 1, LegalTime: s, ReceivedAt: t0,
			DueAt: t0, ReturnPlace: s, Fees: []Fee{{s, 1}, {s, -5}}, RegisterBook: s, RegisterNo: s, Officer: s},
		Supplement{Unit: h, Number: s, Code: s, IssuedAt: t0, Applicant: p, Request: s, Items: items, Reason: s, Contact: s, Officer: s},
		Refusal{Unit: h, Code: s, IssuedAt: t0, Applicant: p, Request: s, Reason: s, Officer: s},
		Apology{Unit: h, Number: s, IssuedAt: t0, Applicant: p, Code: s, Request: s, ReceivedAt: t0, DueAt: t0, Reason: s,
			NewDueAt: t0, Signer: sg, Recipients: []string{s, s}},
		StopNotice{Unit: h, Number: s, IssuedAt: t0, Applicant: p, Code: s, Request: s, ReceivedAt: t0, LegalBasis: s,
			Reason: s, Refund: 1 << 62, Signer: sg, Recipients: []string{s}},
		ControlSlip{Unit: h, Code: s, Applicant: p, Request: s, Competent: s, ReceivedAt: t0, DueAt: t0, HandOvers: hand, BlankRows: 1},
		Register{Unit: h, Book: s, From: t0, To: t0, Entries: entries},
	}
}

// TestHostileInput renders every form with hostile text in every field: no error, no
// panic, no script in the page, and — when pdftotext is there to tell — no word outside
// the margins.
func TestHostileInput(t *testing.T) {
	_, errBBox := exec.LookPath("pdftotext")
	for name, s := range hostile {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for i, f := range stuffed(s) {
				var pdf, page bytes.Buffer
				if err := f.PDF(&pdf); err != nil {
					t.Fatalf("form %d: PDF: %v", i+1, err)
				}
				if err := f.HTML(&page); err != nil {
					t.Fatalf("form %d: HTML: %v", i+1, err)
				}
				doc, err := html.Parse(&page)
				if err != nil {
					t.Fatal(err)
				}
				checkStyledByFile(t, doc)
				if errBBox == nil {
					checkMargins(t, i+1, pdf.Bytes())
				}
			}
		})
	}
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"`)

// checkMargins fails when pdftotext finds a word outside the page's left and right
// margins.
func checkMargins(t *testing.T, form int, pdf []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hostile.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	m := a5Portrait
	if form == 7 {
		m = a4Landscape
	}
	lo, hi := m.left/ptMM, (m.width-m.right)/ptMM
	for _, w := range wordRE.FindAllStringSubmatch(string(out), -1) {
		x0, _ := strconv.ParseFloat(w[1], 64)
		x1, _ := strconv.ParseFloat(w[2], 64)
		if x0 < lo-1 || x1 > hi+1 {
			t.Fatalf("form %d: a word spans %.0f–%.0f pt, outside the margins %.0f–%.0f pt", form, x0, x1, lo, hi)
		}
	}
}

// FuzzForms renders every form from fuzzed text; the hostile inputs above are checked
// by TestHostileInput, so the seeds are few.
func FuzzForms(f *testing.F) {
	f.Add(hostile["markup"])
	f.Add(hostile["controls"])
	f.Fuzz(func(t *testing.T, s string) {
		for i, form := range stuffed(s) {
			if err := form.PDF(io.Discard); err != nil {
				t.Fatalf("form %d: PDF: %v", i+1, err)
			}
			if err := form.HTML(io.Discard); err != nil {
				t.Fatalf("form %d: HTML: %v", i+1, err)
			}
		}
	})
}
