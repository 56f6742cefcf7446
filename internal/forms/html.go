package forms

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed templates/form.html
var formHTML string

// page is the one template every form renders through: the header and the blocks of the
// document model, with inline CSS taking its sizes from the same metrics as the PDF.
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
	Issuer string
	M      cssMetrics
}

// cssMetrics exports the page's metrics to the template.
type cssMetrics struct {
	Width, Height, Top, Bottom, Left, Right                                        float64
	Body, Table, Note, Nation, Motto, IssuerSize, Title                            float64
	Indent, HeaderShare, NationShare, Gutter, QR, SignSpace, Pad, Leading, ParaGap float64
}

// renderHTML writes d as a self-contained page: inline CSS, the QR code as a data URL,
// no scripts and no external resources, so that it prints from a browser offline.
func renderHTML(d document, w io.Writer) error {
	d.clean()
	if err := d.check(); err != nil {
		return err
	}
	m := a5Portrait
	if d.Landscape {
		m = a4Landscape
	}
	v := htmlView{
		document: d,
		Issuer:   d.Header.issuer(),
		M: cssMetrics{
			Width: m.width, Height: m.height, Top: m.top, Bottom: m.bottom, Left: m.left, Right: m.right,
			Body: m.body, Table: m.table, Note: m.note, Nation: m.nation, Motto: m.motto, IssuerSize: m.issuer,
			Title: m.title, Indent: m.indent, HeaderShare: m.headerShare, NationShare: 1 - m.headerShare, Gutter: m.gutter,
			QR: m.qr, SignSpace: m.signSpace, Pad: cellPad, Leading: leading, ParaGap: paraGap,
		},
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

// Percents are the columns' widths as percentages of the table's.
func (t table) Percents() []float64 {
	total := 0.0
	for _, c := range t.Cols {
		total += c.Width
	}
	p := make([]float64, len(t.Cols))
	for i, c := range t.Cols {
		p[i] = 100 * c.Width / total
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
