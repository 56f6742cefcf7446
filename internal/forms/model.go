package forms

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/xaso-vn/xaso/internal/locale"
)

// ErrQRNotPNG is returned when a form's QR image is not a PNG file.
var ErrQRNotPNG = errors.New("forms: the QR image is not a PNG")

// The forms are built as a small document model — header, title, paragraphs, tables,
// signature blocks — which the PDF and the HTML renderers both draw. The wording of each
// form therefore lives in one place, and a printed slip and its web page cannot drift
// apart.

// document is one form, ready to render.
type document struct {
	Title     string // the form's name, for the PDF's metadata and the page's <title>
	Landscape bool   // A4 landscape (the register); otherwise A5 portrait
	Header    Header
	Number    string    // "Số: …" under the issuer; empty for none
	PlaceDate string    // the italic place-and-date line under the motto
	Date      time.Time // the document's date, also its PDF creation date
	Blocks    []block
}

// block is a part of a document's body, drawn in order.
type block interface {
	// Kind names the block's template in the HTML renderer.
	Kind() string
}

type style uint8

const (
	regular style = iota
	bold
	italic
)

// span is a run of text in one style; a paragraph is a list of them.
type span struct {
	Text  string
	Style style
}

func (s span) Bold() bool   { return s.Style == bold }
func (s span) Italic() bool { return s.Style == italic }

type align uint8

const (
	alignLeft align = iota
	alignCenter
	alignRight
	alignJustify
)

// Class is the CSS class of the alignment.
func (a align) Class() string {
	return [...]string{"left", "center", "right", "justify"}[a]
}

// title is the form's name, centred in bold; the forms write it in capitals.
type title struct{ Text string }

// para is a paragraph. Small paragraphs are the notes at the foot of a form.
type para struct {
	Spans  []span
	Align  align
	Indent bool // first-line indent, for the paragraphs of a letter
	Small  bool
}

// table is a ruled table whose header row repeats on every page it spans.
type table struct {
	Cols     []column
	Groups   []group // header cells spanning several columns
	Numbered bool    // a row (1), (2), … under the header, as registers number columns
	Rows     [][]string
}

type column struct {
	Head  string
	Width float64 // share of the table's width; the shares need not add up to 1
	Align align
}

// group is a header cell over the columns First..Last (inclusive).
type group struct {
	Title       string
	First, Last int
}

// signatures are the signers side by side at the foot of a slip; a single signer stands
// on the right, as on paper.
type signatures struct{ Signers []signer }

type signer struct {
	Title []string // bold capitals, one line each ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
	Note  string   // italic, under the title: "(Ký và ghi rõ họ tên)"
	Name  string
}

// aside is paragraphs with a QR code at their right, so that the code takes no height
// of its own on a slip that must fit one sheet.
type aside struct {
	QR      []byte // PNG
	Caption string
	Paras   []para
}

// closing ends an official letter: "Nơi nhận" on the left, the signer on the right.
type closing struct {
	Recipients []string
	Signer     signer
}

func (title) Kind() string      { return "title" }
func (para) Kind() string       { return "para" }
func (table) Kind() string      { return "table" }
func (signatures) Kind() string { return "signatures" }
func (closing) Kind() string    { return "closing" }
func (aside) Kind() string      { return "aside" }

// Right reports whether the block has a single signer, who stands on the right.
func (s signatures) Right() bool { return len(s.Signers) == 1 }

// clean normalises every string of d (see cleanText). It copies what it changes, so
// that the caller's slices are left alone.
func (d *document) clean() {
	d.Title = cleanText(d.Title)
	d.Header = Header{Parent: cleanText(d.Header.Parent), Issuer: cleanText(d.Header.Issuer), Place: cleanText(d.Header.Place)}
	d.Number = cleanText(d.Number)
	d.PlaceDate = cleanText(d.PlaceDate)
	blocks := make([]block, len(d.Blocks))
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case title:
			blocks[i] = title{cleanText(b.Text)}
		case para:
			blocks[i] = b.clean()
		case aside:
			paras := make([]para, len(b.Paras))
			for j, p := range b.Paras {
				paras[j] = p.clean()
			}
			blocks[i] = aside{QR: b.QR, Caption: cleanText(b.Caption), Paras: paras}
		case table:
			cols := make([]column, len(b.Cols))
			for j, c := range b.Cols {
				c.Head = cleanText(c.Head)
				cols[j] = c
			}
			rows := make([][]string, len(b.Rows))
			for j, r := range b.Rows {
				rows[j] = cleanAll(r)
			}
			groups := make([]group, len(b.Groups))
			for j, g := range b.Groups {
				g.Title = cleanText(g.Title)
				groups[j] = g
			}
			blocks[i] = table{Cols: cols, Groups: groups, Numbered: b.Numbered, Rows: rows}
		case signatures:
			signers := make([]signer, len(b.Signers))
			for j, s := range b.Signers {
				signers[j] = s.clean()
			}
			blocks[i] = signatures{signers}
		case closing:
			blocks[i] = closing{Recipients: cleanAll(b.Recipients), Signer: b.Signer.clean()}
		default:
			panic(fmt.Sprintf("forms: no cleaning for block %T", b))
		}
	}
	d.Blocks = blocks
}

// check reports input that cannot be drawn.
func (d document) check() error {
	for _, b := range d.Blocks {
		if a, ok := b.(aside); ok && !bytes.HasPrefix(a.QR, []byte("\x89PNG\r\n\x1a\n")) {
			return ErrQRNotPNG
		}
	}
	return nil
}

func (p para) clean() para {
	spans := make([]span, len(p.Spans))
	for j, s := range p.Spans {
		spans[j] = span{cleanText(s.Text), s.Style}
	}
	p.Spans = spans
	return p
}

func (s signer) clean() signer {
	return signer{Title: cleanAll(s.Title), Note: cleanText(s.Note), Name: cleanText(s.Name)}
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = cleanText(s)
	}
	return out
}

// cleanText puts s in NFC — the embedded font has every precomposed Vietnamese letter but
// the PDF writer cannot position combining marks — and drops what cannot be printed:
// control characters other than line breaks (a tab becomes a space), and characters
// beyond the Basic Multilingual Plane, which the PDF writer cannot encode, become "?".
func cleanText(s string) string {
	s = locale.NFC(strings.ReplaceAll(s, "\r\n", "\n"))
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\u2028' || r == '\u2029':
			return '\n'
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		case r > 0xFFFF:
			return '?'
		}
		return r
	}, s)
}
