package forms

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
)

// Liberation Serif has Times New Roman's metrics, which Decree 30/2020 prescribes for
// administrative documents, and every precomposed Vietnamese letter; it is embedded so
// that a slip prints the same on any machine. The PDF carries only the glyphs it uses.
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	serifRegular []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	serifBold []byte
	//go:embed fonts/LiberationSerif-Italic.ttf
	serifItalic []byte
)

const fontFamily = "LiberationSerif"

// metrics is the geometry (mm) and the type sizes (pt) of a kind of page.
//
// Decree 30/2020 sets A4 margins of 20–25 mm top and bottom, 30–35 mm left and 15–20 mm
// right, and type of 12–13 pt for the national title, 13–14 pt for the motto and the body.
// The register is A4 landscape: it takes the decree's type sizes (10 pt in its table),
// and margins near the decree's minimums (25 mm left for binding, 20 mm top, 15 mm
// right and bottom) to give its fourteen columns room. The slips are A5, an A4 sheet halved:
// the margins are scaled by 1/√2 (14 mm, 20 mm left for filing, 10 mm right), and so are
// the header's sizes, because the 34 capitals of the national title must fit the right
// half of the sheet (9 pt bold takes 66.2 mm of the 67.5 mm there). The body is not scaled
// all the way down: 13 pt × 1/√2 is 9.2 pt, too small for older citizens reading a slip,
// so it is 11 pt — about 65 characters a line, and a receipt with a handful of papers
// still fits one sheet. Titles are one step above the body, as the decree has them.
type metrics struct {
	orientation              string  // "P" or "L"
	width, height            float64 // as the page is read, landscape or portrait
	top, bottom, left, right float64
	body, table, note        float64 // body text, table cells, notes at the foot
	nation, motto, issuer    float64 // header: national title, motto, issuing office
	title                    float64
	indent                   float64 // first-line indent of a letter's paragraphs
	headerShare              float64 // share of the text width given to the issuer's column
	gutter                   float64 // between the header's columns
	qr                       float64 // side of the QR code
	signSpace                float64 // room left for a handwritten signature
}

var (
	a5Portrait = metrics{
		orientation: "P", width: 148, height: 210,
		top: 14, bottom: 14, left: 20, right: 10,
		body: 11, table: 10, note: 9,
		nation: 9, motto: 10, issuer: 9, title: 12,
		indent: 8, headerShare: 0.415, gutter: 1.5, qr: 18, signSpace: 15,
	}
	a4Landscape = metrics{
		orientation: "L", width: 297, height: 210,
		top: 20, bottom: 15, left: 25, right: 15,
		body: 13, table: 10, note: 11,
		nation: 12, motto: 13, issuer: 12, title: 14,
		indent: 10, headerShare: 0.4, gutter: 5, qr: 20, signSpace: 20,
	}
)

const (
	ptMM    = 25.4 / 72 // millimetres in a point
	leading = 1.15      // line height as a multiple of the type size: single spacing
	cellPad = 1.0       // padding inside table cells, mm
	paraGap = 0.5       // space after a paragraph, mm: the slips are lists of short lines
	ruleW   = 0.25      // line width of rules and table borders, mm
)

// renderPDF draws d and writes the PDF to w.
func renderPDF(d document, w io.Writer) error {
	d.clean()
	if err := d.check(); err != nil {
		return err
	}
	m := a5Portrait
	if d.Landscape {
		m = a4Landscape
	}
	// fpdf's own A5 is 148.5 mm wide (half of A4), not ISO's 148 mm: give the size.
	f := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: m.orientation,
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: min(m.width, m.height), Ht: max(m.width, m.height)},
	})
	f.AddUTF8FontFromBytes(fontFamily, fontStyles[regular], serifRegular)
	f.AddUTF8FontFromBytes(fontFamily, fontStyles[bold], serifBold)
	f.AddUTF8FontFromBytes(fontFamily, fontStyles[italic], serifItalic)
	f.SetMargins(m.left, m.top, m.right)
	f.SetAutoPageBreak(false, m.bottom) // pdfWriter breaks pages itself, to repeat table headers
	f.SetTitle(d.Title, true)
	f.SetLang("vi-VN")
	f.SetCreator("xaso", true)
	f.SetCatalogSort(true) // fonts in a fixed order, for reproducible bytes
	if !d.Date.IsZero() {
		// A fixed date makes the same form render to the same bytes.
		f.SetCreationDate(d.Date)
		f.SetModificationDate(d.Date)
	}
	f.SetLineWidth(ruleW)
	p := &pdfWriter{f: f, m: m, textW: m.width - m.left - m.right}
	p.font.size = -1 // none selected yet
	p.newPage()
	p.header(d)
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case title:
			p.title(b)
		case para:
			p.para(b, p.m.left, p.textW)
		case aside:
			p.aside(b)
		case table:
			p.table(b)
		case signatures:
			p.signatures(b)
		case closing:
			p.closing(b)
		default:
			panic(fmt.Sprintf("forms: no PDF drawing for block %T", b))
		}
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("forms: pdf: %w", err)
	}
	return nil
}

// pdfWriter lays a document out on pages. It tracks the vertical position itself and
// breaks pages itself, so that tables can repeat their header and blocks that must
// stay together (signatures) move to the next page whole.
type pdfWriter struct {
	f     *fpdf.Fpdf
	m     metrics
	textW float64
	y     float64
	font  struct { // the font last selected, as fpdf writes every selection to the page
		st   style
		size float64
	}
}

// newPage starts a page. Pages after the first are numbered at the top centre, as
// Decree 30/2020 numbers the pages of a document.
func (p *pdfWriter) newPage() {
	p.f.AddPage()
	p.y = p.m.top
	p.font.size = -1 // a new page selects no font
	if n := p.f.PageNo(); n > 1 {
		p.setFont(regular, p.m.note)
		s := strconv.Itoa(n)
		p.f.Text(p.m.left+(p.textW-p.width(s, regular, p.m.note))/2, p.m.top/2+1, s)
	}
}

// ensure starts a new page unless h millimetres fit above the bottom margin.
func (p *pdfWriter) ensure(h float64) {
	if p.y+h > p.m.height-p.m.bottom {
		p.newPage()
	}
}

// room is the height left on the page.
func (p *pdfWriter) room() float64 { return p.m.height - p.m.bottom - p.y }

// pageRoom is the height of an empty page's text area.
func (p *pdfWriter) pageRoom() float64 { return p.m.height - p.m.bottom - p.m.top }

func (p *pdfWriter) setFont(st style, size float64) {
	if p.font.st == st && p.font.size == size {
		return
	}
	p.f.SetFont(fontFamily, fontStyles[st], size)
	p.font.st, p.font.size = st, size
}

var fontStyles = [...]string{regular: "", bold: "B", italic: "I"}

// width measures s in millimetres without selecting a font on the page.
func (p *pdfWriter) width(s string, st style, size float64) float64 {
	w := advances()[st]
	units := 0
	for _, r := range s {
		if int(r) < len(w) {
			units += int(w[r])
		}
	}
	return float64(units) * size / 1000 * ptMM
}

// advances are the fonts' advance widths (in thousandths of an em) of every character
// of the Basic Multilingual Plane — the characters cleanText lets through — read once
// the way fpdf reads them, so that measuring agrees with drawing.
var advances = sync.OnceValue(func() [3][]uint16 {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontFamily, fontStyles[regular], serifRegular)
	f.AddUTF8FontFromBytes(fontFamily, fontStyles[bold], serifBold)
	f.AddUTF8FontFromBytes(fontFamily, fontStyles[italic], serifItalic)
	var a [3][]uint16
	for st := range a {
		f.SetFont(fontFamily, fontStyles[st], 10)
		a[st] = make([]uint16, 0x10000)
		for r := range a[st] {
			a[st][r] = uint16(f.GetStringSymbolWidth(string(rune(r))))
		}
	}
	if err := f.Error(); err != nil {
		panic("forms: embedded fonts: " + err.Error())
	}
	return a
})

func lineHeight(size float64) float64 { return size * ptMM * leading }

// Text is laid out as words made of pieces (runs of one style; a word can change style
// mid-way, as in "số:" followed by a bold number), filled greedily into lines.

type piece struct {
	text string
	st   style
	w    float64
}

type word struct {
	pieces []piece
	w      float64
	gap    float64 // the space before the word when it does not start a line
	brk    int     // line breaks before the word
}

type line struct {
	words  []word
	w      float64 // natural width, spaces included
	indent float64
	last   bool // ends a paragraph or comes before a line break: never justified
}

// words splits spans into words at spaces and line breaks. A no-break space glues.
func (p *pdfWriter) words(spans []span, size float64) []word {
	var (
		out   []word
		cur   word
		buf   []rune
		bufSt style
		space bool
		brk   int
	)
	endPiece := func() {
		if len(buf) > 0 {
			cur.pieces = append(cur.pieces, piece{text: string(buf), st: bufSt})
			buf = buf[:0]
		}
	}
	endWord := func() {
		endPiece()
		if len(cur.pieces) > 0 {
			out = append(out, cur)
		}
		cur = word{}
	}
	for _, s := range spans {
		for _, r := range s.Text {
			switch r {
			case '\n':
				endWord()
				brk++
				space = false
			case ' ':
				endWord()
				space = true
			default:
				if len(cur.pieces) == 0 && len(buf) == 0 {
					cur.brk = brk
					if space {
						cur.gap = -1 // measured below, in the word's first style
					}
					space, brk = false, 0
				}
				if len(buf) > 0 && bufSt != s.Style {
					endPiece()
				}
				bufSt = s.Style
				buf = append(buf, r)
			}
		}
	}
	endWord()
	for i := range out {
		w := &out[i]
		for j := range w.pieces {
			pc := &w.pieces[j]
			pc.w = p.width(pc.text, pc.st, size)
			w.w += pc.w
		}
		if w.gap < 0 {
			w.gap = p.width(" ", w.pieces[0].st, size)
		}
	}
	return out
}

// wrap fills words into lines of the given width; the first line is indented. A word
// wider than a line is cut between characters, so that no text overflows the margins.
func (p *pdfWriter) wrap(words []word, width, indent, size float64) []line {
	var lines []line
	cur := line{indent: indent}
	for _, w := range words {
		for range w.brk {
			cur.last = true
			lines = append(lines, cur)
			cur = line{}
		}
		gap := w.gap
		if len(cur.words) == 0 {
			gap = 0
		}
		if len(cur.words) > 0 && cur.w+gap+w.w > width-cur.indent {
			lines = append(lines, cur)
			cur = line{}
			gap = 0
		}
		for len(cur.words) == 0 && w.w > width-cur.indent {
			head, tail := p.cut(w, width-cur.indent, size)
			lines = append(lines, line{words: []word{head}, w: head.w, indent: cur.indent})
			cur = line{}
			w = tail
		}
		if len(w.pieces) == 0 {
			continue
		}
		w.gap = gap
		cur.words = append(cur.words, w)
		cur.w += gap + w.w
	}
	if len(cur.words) > 0 {
		cur.last = true
		lines = append(lines, cur)
	}
	return lines
}

// cut splits w after as many characters as fit in width — at least one, so that
// wrapping always progresses. The tail is empty when the whole word fits.
func (p *pdfWriter) cut(w word, width, size float64) (head, tail word) {
	full := false
	for _, pc := range w.pieces {
		if full {
			tail.pieces = append(tail.pieces, pc)
			tail.w += pc.w
			continue
		}
		runes := []rune(pc.text)
		n, used := 0, 0.0
		for n < len(runes) {
			rw := p.width(string(runes[n]), pc.st, size)
			if head.w+used+rw > width && (head.w+used > 0) {
				full = true
				break
			}
			used += rw
			n++
		}
		if full {
			// Break after a hyphen if one fits, as codes like 000.00.12.H45-261126-0007 read.
			if k := lastIndex(runes[:n], '-'); k >= 0 && k+1 < n {
				n = k + 1
				used = p.width(string(runes[:n]), pc.st, size)
			}
		}
		if n > 0 {
			head.pieces = append(head.pieces, piece{text: string(runes[:n]), st: pc.st, w: used})
			head.w += used
		}
		if n < len(runes) {
			rest := string(runes[n:])
			tw := p.width(rest, pc.st, size)
			tail.pieces = append(tail.pieces, piece{text: rest, st: pc.st, w: tw})
			tail.w += tw
		}
	}
	return head, tail
}

// lines wraps spans to width.
func (p *pdfWriter) lines(spans []span, width, indent, size float64) []line {
	return p.wrap(p.words(spans, size), width, indent, size)
}

// drawLine draws l with its top at p.y. Runs of one style are drawn as one string, so
// that text extracted from the PDF reads naturally; a justified line is drawn word by
// word, its spaces widened.
func (p *pdfWriter) drawLine(l line, x, width float64, a align, size float64) {
	x += l.indent
	avail := width - l.indent
	extra := 0.0
	switch a {
	case alignCenter:
		x += (avail - l.w) / 2
	case alignRight:
		x += avail - l.w
	case alignJustify:
		if !l.last && len(l.words) > 1 {
			extra = (avail - l.w) / float64(len(l.words)-1)
		}
	}
	base := p.y + lineHeight(size)/2 + 0.3*size*ptMM
	var (
		run   strings.Builder
		runX  = x
		runSt style
		pos   = x
	)
	flush := func() {
		if run.Len() > 0 {
			p.setFont(runSt, size)
			p.f.Text(runX, base, run.String())
			run.Reset()
		}
	}
	for i, w := range l.words {
		if i > 0 {
			pos += w.gap + extra
			if extra == 0 && w.pieces[0].st == runSt {
				run.WriteByte(' ')
			} else {
				flush()
			}
		}
		for _, pc := range w.pieces {
			if run.Len() == 0 || pc.st != runSt {
				flush()
				runX, runSt = pos, pc.st
			}
			run.WriteString(pc.text)
			pos += pc.w
		}
	}
	flush()
}

// text draws spans wrapped in a column at x, breaking pages as needed.
func (p *pdfWriter) text(spans []span, x, width float64, a align, indent, size float64) {
	lh := lineHeight(size)
	for _, l := range p.lines(spans, width, indent, size) {
		p.ensure(lh)
		p.drawLine(l, x, width, a, size)
		p.y += lh
	}
}

// column draws lines of one style centred in a column starting at top, without page
// breaks (the header and signature blocks are measured first), and returns the bottom.
func (p *pdfWriter) column(texts []string, st style, size, x, width, top float64) float64 {
	y := p.y
	p.y = top
	for _, t := range texts {
		for _, l := range p.lines([]span{{t, st}}, width, 0, size) {
			p.drawLine(l, x, width, alignCenter, size)
			p.y += lineHeight(size)
		}
	}
	bottom := p.y
	p.y = y
	return bottom
}

// rule draws a horizontal line of the given length centred in a column.
func (p *pdfWriter) rule(x, width, length, y float64) {
	x += (width - length) / 2
	p.f.Line(x, y, x+length, y)
}

// widest is the width of the widest line of texts wrapped in width.
func (p *pdfWriter) widest(texts []string, st style, size, width float64) float64 {
	w := 0.0
	for _, t := range texts {
		for _, l := range p.lines([]span{{t, st}}, width, 0, size) {
			w = max(w, l.w)
		}
	}
	return w
}

// header draws the two header columns of Decree 30/2020: on the left the governing body
// (regular) and the issuing office (bold) in capitals with a rule a third to a half
// their length under them, and the number; on the right the national title and the
// motto with a rule as long as the motto, and the place-and-date line.
func (p *pdfWriter) header(d document) {
	m := p.m
	leftW := p.textW * m.headerShare
	rightW := p.textW - leftW - m.gutter
	xL, xR := m.left, m.left+leftW+m.gutter
	top := p.y

	// Left column.
	y := top
	if d.Header.Parent != "" {
		y = p.column([]string{strings.ToUpper(d.Header.Parent)}, regular, m.issuer, xL, leftW, y)
	}
	issuer := []string{strings.ToUpper(d.Header.issuer())}
	y = p.column(issuer, bold, m.issuer, xL, leftW, y)
	y += 0.8
	p.rule(xL, leftW, 0.4*p.widest(issuer, bold, m.issuer, leftW), y)
	leftBottom := y

	// Right column.
	y = p.column([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, bold, m.nation, xR, rightW, top)
	motto := []string{"Độc lập - Tự do - Hạnh phúc"}
	y = p.column(motto, bold, m.motto, xR, rightW, y)
	y += 0.8
	p.rule(xR, rightW, p.widest(motto, bold, m.motto, rightW), y)
	rightBottom := y

	// The number and the date stand on one line under the two columns.
	y = max(leftBottom, rightBottom) + 2
	leftBottom, rightBottom = y, y
	if d.Number != "" {
		leftBottom = p.column([]string{"Số: " + d.Number}, regular, m.body, xL, leftW, y)
	}
	if d.PlaceDate != "" {
		rightBottom = p.column([]string{d.PlaceDate}, italic, m.body, xR, rightW, y)
	}
	p.y = max(leftBottom, rightBottom) + 3
}

func (p *pdfWriter) title(t title) {
	lh := lineHeight(p.m.title)
	lines := p.lines([]span{{t.Text, bold}}, p.textW, 0, p.m.title)
	p.ensure(float64(len(lines))*lh + lineHeight(p.m.body)*3) // keep the title with what follows
	for _, l := range lines {
		p.drawLine(l, p.m.left, p.textW, alignCenter, p.m.title)
		p.y += lh
	}
	p.y += 1.5
}

func (p *pdfWriter) para(b para, x, width float64) {
	size, indent := p.m.body, 0.0
	if b.Small {
		size = p.m.note
	}
	if b.Indent {
		indent = p.m.indent
	}
	p.text(b.Spans, x, width, b.Align, indent, size)
	p.y += paraGap
}

// aside draws the QR code at the right margin and the paragraphs beside it.
func (p *pdfWriter) aside(b aside) {
	m := p.m
	const gap = 3
	p.ensure(m.qr + lineHeight(m.note))
	x := m.left + p.textW - m.qr
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	p.f.RegisterImageOptionsReader("qr", opt, bytes.NewReader(b.QR))
	p.f.ImageOptions("qr", x, p.y+0.5, m.qr, m.qr, false, opt, 0, "")
	bottom := p.y + 0.5 + m.qr
	if b.Caption != "" {
		bottom = p.column([]string{b.Caption}, italic, m.note, x-gap, m.qr+2*gap, bottom)
	}
	page := p.f.PageNo()
	for _, para := range b.Paras {
		p.para(para, m.left, p.textW-m.qr-gap)
	}
	if p.f.PageNo() == page {
		p.y = max(p.y, bottom+1)
	}
}

// cell is a table cell laid out: its lines and where it sits.
type cell struct {
	lines []line
	x, w  float64
	align align
}

// table draws t across the text width. The header (and the column numbers) repeat at
// the top of every page the table spans; a row that does not fit the rest of a page
// moves to the next, and a row taller than a page is split between pages.
func (p *pdfWriter) table(t table) {
	size := p.m.table
	lh := lineHeight(size)
	total := 0.0
	for _, c := range t.Cols {
		total += c.Width
	}
	xs := make([]float64, len(t.Cols)+1)
	xs[0] = p.m.left
	for i, c := range t.Cols {
		xs[i+1] = xs[i] + p.textW*c.Width/total
	}
	inner := func(i, j int) float64 { return xs[j+1] - xs[i] - 2*cellPad }

	// The header: group cells over their columns, other heads spanning both rows.
	inGroup := make([]int, len(t.Cols))
	for i := range inGroup {
		inGroup[i] = -1
	}
	for g, gr := range t.Groups {
		for i := gr.First; i <= gr.Last; i++ {
			inGroup[i] = g
		}
	}
	heads := make([][]line, len(t.Cols))
	groupH, subH, fullH := 0.0, 0.0, 0.0
	for i, c := range t.Cols {
		heads[i] = p.lines([]span{{c.Head, bold}}, inner(i, i), 0, size)
		h := float64(len(heads[i]))*lh + 2*cellPad
		if inGroup[i] >= 0 {
			subH = max(subH, h)
		} else {
			fullH = max(fullH, h)
		}
	}
	groupLines := make([][]line, len(t.Groups))
	for g, gr := range t.Groups {
		groupLines[g] = p.lines([]span{{gr.Title, bold}}, inner(gr.First, gr.Last), 0, size)
		groupH = max(groupH, float64(len(groupLines[g]))*lh+2*cellPad)
	}
	headH := max(fullH, groupH+subH)
	if len(t.Groups) > 0 {
		subH = headH - groupH
	}
	numH := 0.0
	if t.Numbered {
		numH = lh + 2*cellPad
	}
	drawHead := func() {
		y := p.y
		box := func(ls []line, x, w, top, h float64) {
			p.f.Rect(x, top, w, h, "D")
			p.y = top + (h-float64(len(ls))*lh)/2
			for _, l := range ls {
				p.drawLine(l, x+cellPad, w-2*cellPad, alignCenter, size)
				p.y += lh
			}
		}
		for g, gr := range t.Groups {
			box(groupLines[g], xs[gr.First], xs[gr.Last+1]-xs[gr.First], y, groupH)
		}
		for i := range t.Cols {
			if inGroup[i] >= 0 {
				box(heads[i], xs[i], xs[i+1]-xs[i], y+groupH, subH)
			} else {
				box(heads[i], xs[i], xs[i+1]-xs[i], y, headH)
			}
		}
		if t.Numbered {
			for i := range t.Cols {
				n := p.lines([]span{{"(" + strconv.Itoa(i+1) + ")", italic}}, inner(i, i), 0, size)
				box(n, xs[i], xs[i+1]-xs[i], y+headH, numH)
			}
		}
		p.y = y + headH + numH
	}
	p.ensure(headH + numH + lh + 2*cellPad)
	drawHead()

	for _, row := range t.Rows {
		cells := make([]cell, len(t.Cols))
		n := 0
		for i, c := range t.Cols {
			text := ""
			if i < len(row) {
				text = row[i]
			}
			cells[i] = cell{lines: p.lines([]span{{text, regular}}, inner(i, i), 0, size), x: xs[i], w: xs[i+1] - xs[i], align: c.Align}
			n = max(n, len(cells[i].lines))
		}
		n = max(n, 1)
		need := float64(n)*lh + 2*cellPad
		if need > p.room() && need <= p.pageRoom()-headH-numH {
			p.newPage()
			drawHead()
		}
		// Draw the row, a page's worth of lines at a time (at least a line on a page
		// that holds nothing else, so that a header taller than a page cannot loop).
		fresh := false
		for from := 0; from < n; {
			fit := int((p.room() - 2*cellPad) / lh)
			if fit < 1 && !fresh {
				p.newPage()
				drawHead()
				fresh = true
				continue
			}
			fit = max(fit, 1)
			to := min(n, from+fit)
			h := float64(to-from)*lh + 2*cellPad
			top := p.y
			for _, c := range cells {
				p.f.Rect(c.x, top, c.w, h, "D")
				p.y = top + cellPad
				for k := from; k < to && k < len(c.lines); k++ {
					p.drawLine(c.lines[k], c.x+cellPad, c.w-2*cellPad, c.align, size)
					p.y += lh
				}
			}
			p.y = top + h
			from, fresh = to, false
		}
	}
	p.y += 2
}

// signerHeight is the height of a signer's block.
func (p *pdfWriter) signerHeight(s signer, width float64) float64 {
	m := p.m
	h := 0.0
	for _, t := range s.Title {
		h += float64(len(p.lines([]span{{strings.ToUpper(t), bold}}, width, 0, m.body))) * lineHeight(m.body)
	}
	if s.Note != "" {
		h += float64(len(p.lines([]span{{s.Note, italic}}, width, 0, m.table))) * lineHeight(m.table)
	}
	h += m.signSpace
	return h + float64(len(p.lines([]span{{s.Name, bold}}, width, 0, m.body)))*lineHeight(m.body)
}

// signer draws a signer's block centred in a column from p.y and returns its bottom.
func (p *pdfWriter) signer(s signer, x, width float64) float64 {
	m := p.m
	titles := make([]string, len(s.Title))
	for i, t := range s.Title {
		titles[i] = strings.ToUpper(t)
	}
	y := p.column(titles, bold, m.body, x, width, p.y)
	if s.Note != "" {
		y = p.column([]string{s.Note}, italic, m.table, x, width, y)
	}
	return p.column([]string{s.Name}, bold, m.body, x, width, y+m.signSpace)
}

// signatures draws one or two signers side by side, kept together on one page.
func (p *pdfWriter) signatures(b signatures) {
	colW := p.textW / 2
	h := 0.0
	for _, s := range b.Signers {
		h = max(h, p.signerHeight(s, colW))
	}
	p.y += 2
	p.ensure(h)
	bottom := p.y
	for i, s := range b.Signers {
		x := p.m.left + float64(i)*colW
		if len(b.Signers) == 1 {
			x = p.m.left + colW
		}
		bottom = max(bottom, p.signer(s, x, colW))
	}
	p.y = bottom + 2
}

// closing draws "Nơi nhận" and the list of recipients on the left and the signer on the
// right, kept together. Decree 30/2020 sets "Nơi nhận" in bold italic; this package
// embeds no bold italic face, so it is bold.
func (p *pdfWriter) closing(b closing) {
	m := p.m
	leftW := p.textW * 0.45
	rightW := p.textW - leftW
	var listH float64
	if len(b.Recipients) > 0 {
		listH = lineHeight(m.table)
		for _, r := range b.Recipients {
			listH += float64(len(p.lines([]span{{"- " + r, regular}}, leftW, 0, m.note))) * lineHeight(m.note)
		}
	}
	p.y += 2
	p.ensure(max(listH, p.signerHeight(b.Signer, rightW)))
	top := p.y
	bottom := p.signer(b.Signer, m.left+leftW, rightW)
	if len(b.Recipients) > 0 {
		p.drawLine(p.lines([]span{{"Nơi nhận:", bold}}, leftW, 0, m.table)[0], m.left, leftW, alignLeft, m.table)
		p.y += lineHeight(m.table)
		for _, r := range b.Recipients {
			for _, l := range p.lines([]span{{"- " + r, regular}}, leftW, 0, m.note) {
				p.drawLine(l, m.left, leftW, alignLeft, m.note)
				p.y += lineHeight(m.note)
			}
		}
	}
	p.y = max(bottom, p.y, top) + 2
}

func lastIndex(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}
