package forms

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	texttemplate "text/template"
)

//go:embed templates/form.html
var formHTML string

//go:embed templates/forms.css
var formCSS string

// StylesheetPath is where the site serves Stylesheet: the printable pages link it instead
// of carrying a <style> element, which the Content-Security-Policy (style-src 'self')
// would block.
const StylesheetPath = "/static/forms.css"

// page is the one template every form renders through: the header and the blocks of the
// document model, styled by Stylesheet.
var page = template.Must(template.New("form").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
	"add1":  func(i int) int { return i + 1 },
	// The bytes are a PNG checked by document.check, not text from outside: safe as a URL.
	"pngURL": func(b []byte) template.URL {
		return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))
	},
}).Parse(formHTML))

// htmlView is what the template sees.
type htmlView struct {
	document
	Issuer     string
	Stylesheet string
	Sheet      string // the body's class: the paper (sheetA5, sheetA4L)
}

// The paper of a page, as a class of its body and a named @page of the stylesheet.
const (
	sheetA5  = "a5"  // forms 01–06, fee receipts: A5 portrait
	sheetA4L = "a4l" // the register and the reports: A4 landscape
)

// cssMetrics exports a paper's metrics to the stylesheet.
type cssMetrics struct {
	Class, Size                                                                    string
	Width, Height, Top, Bottom, Left, Right                                        float64
	Body, Table, Note, Nation, Motto, IssuerSize, Title                            float64
	Indent, HeaderShare, NationShare, Gutter, QR, SignSpace, Pad, Leading, ParaGap float64
}

func metricsCSS(class, size string, m metrics) cssMetrics {
	return cssMetrics{
		Class: class, Size: size,
		Width: m.width, Height: m.height, Top: m.top, Bottom: m.bottom, Left: m.left, Right: m.right,
		Body: m.body, Table: m.table, Note: m.note, Nation: m.nation, Motto: m.motto, IssuerSize: m.issuer,
		Title: m.title, Indent: m.indent, HeaderShare: m.headerShare, NationShare: 1 - m.headerShare, Gutter: m.gutter,
		QR: m.qr, SignSpace: m.signSpace, Pad: cellPad, Leading: leading, ParaGap: paraGap,
	}
}

// Stylesheet is the printable forms' CSS, drawn from the same metrics as the PDFs: one
// rule set per paper (A5 portrait, A4 landscape, each a named @page), and the column
// widths in whole percents.
func Stylesheet() []byte {
	type sheet struct{ M cssMetrics }
	widths := make([]int, 100)
	for i := range widths {
		widths[i] = i + 1
	}
	var buf bytes.Buffer
	err := stylesheet.Execute(&buf, struct {
		PagePrefix string
		Sheets     []sheet
		Widths     []int
	}{"form-", []sheet{{metricsCSS(sheetA5, "A5 portrait", a5Portrait)}, {metricsCSS(sheetA4L, "A4 landscape", a4Landscape)}}, widths})
	if err != nil {
		panic(err) // the template and its data are ours: a failure is a bug found by any test
	}
	return buf.Bytes()
}

var stylesheet = texttemplate.Must(texttemplate.New("css").Parse(formCSS))

// renderHTML writes d as a page styled by the stylesheet at StylesheetPath, the QR code
// as a data URL, no scripts and no style of its own (the Content-Security-Policy allows
// neither).
func renderHTML(d document, w io.Writer) error {
	d.clean()
	if err := d.check(); err != nil {
		return err
	}
	v := htmlView{document: d, Issuer: d.Header.issuer(), Stylesheet: StylesheetPath, Sheet: sheetA5}
	if d.Landscape {
		v.Sheet = sheetA4L
	}
	var buf bytes.Buffer // render whole before writing, so that a failure writes nothing
	if err := page.Execute(&buf, v); err != nil {
		return fmt.Errorf("forms: page: %w", err) // no title: it holds personal data
	}
	_, err := buf.WriteTo(w)
	return err
}

// headCell is a cell of a table's header in HTML.
type headCell struct {
	Text             string
	Rowspan, Colspan int
}

// HeadRows lays the header out in HTML rows: a grouped table has two, its group cells
// spanning their columns and the other heads spanning both rows.
func (t table) HeadRows() [][]headCell {
	if len(t.Groups) == 0 {
		row := make([]headCell, len(t.Cols))
		for i, c := range t.Cols {
			row[i] = headCell{Text: c.Head, Rowspan: 1, Colspan: 1}
		}
		return [][]headCell{row}
	}
	var top, sub []headCell
	for i := 0; i < len(t.Cols); i++ {
		g, ok := t.groupAt(i)
		if !ok {
			top = append(top, headCell{Text: t.Cols[i].Head, Rowspan: 2, Colspan: 1})
			continue
		}
		top = append(top, headCell{Text: g.Title, Rowspan: 1, Colspan: g.Last - g.First + 1})
		for ; i <= g.Last; i++ {
			sub = append(sub, headCell{Text: t.Cols[i].Head, Rowspan: 1, Colspan: 1})
		}
		i--
	}
	return [][]headCell{top, sub}
}

func (t table) groupAt(i int) (group, bool) {
	for _, g := range t.Groups {
		if g.First == i {
			return g, true
		}
	}
	return group{}, false
}

// Percents are the columns' widths as whole percentages of the table's (1–100), each a
// class of the stylesheet: a style attribute would be blocked by the
// Content-Security-Policy.
func (t table) Percents() []int {
	total := 0.0
	for _, c := range t.Cols {
		total += c.Width
	}
	p := make([]int, len(t.Cols))
	for i, c := range t.Cols {
		p[i] = min(max(int(math.Round(100*c.Width/total)), 1), 100)
	}
	return p
}

// Cells pads row to the number of columns.
func (t table) Cells(row []string) []string {
	if len(row) >= len(t.Cols) {
		return row[:len(t.Cols)]
	}
	return append(append([]string(nil), row...), make([]string, len(t.Cols)-len(row))...)
}
