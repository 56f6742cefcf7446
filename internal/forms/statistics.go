package forms

import (
	"io"
	"time"
)

// Statistics is a statistical report printed on A4 landscape under the unit's header: a
// title, the period, a table whose header may group columns, and notes under it. The
// one-stop report (internal/printing.OneStopReport) is one.
type Statistics struct {
	Unit     Header
	Title    string // in capitals, as the forms write titles
	Subtitle string // the unit and the period, in italics
	Cols     []StatisticsColumn
	Groups   []StatisticsGroup
	Rows     [][]string
	Notes    []string  // paragraphs under the table
	Date     time.Time // the report's date: its PDF creation date
}

// StatisticsColumn is a column: its head, its share of the width and whether its figures
// align right.
type StatisticsColumn struct {
	Head    string
	Width   float64
	Numeric bool
}

// StatisticsGroup is a header cell over the columns First..Last (inclusive).
type StatisticsGroup struct {
	Title       string
	First, Last int
}

// PDF writes the report as an A4 landscape PDF.
func (s Statistics) PDF(w io.Writer) error { return renderPDF(s.document(), w) }

// HTML writes the report as a printable A4 landscape web page.
func (s Statistics) HTML(w io.Writer) error { return renderHTML(s.document(), w) }

func (s Statistics) document() document {
	cols := make([]column, len(s.Cols))
	for i, c := range s.Cols {
		cols[i] = column{Head: c.Head, Width: c.Width}
		if c.Numeric {
			cols[i].Align = alignRight
		}
	}
	groups := make([]group, len(s.Groups))
	for i, g := range s.Groups {
		groups[i] = group(g)
	}
	b := []block{title{s.Title}}
	if s.Subtitle != "" {
		b = append(b, para{Align: alignCenter, Spans: []span{{s.Subtitle, italic}}})
	}
	b = append(b, table{Cols: cols, Groups: groups, Numbered: true, Rows: s.Rows})
	for _, n := range s.Notes {
		b = append(b, para{Small: true, Spans: []span{{n, regular}}})
	}
	return document{Title: s.Title, Landscape: true, Header: s.Unit, Date: s.Date, Blocks: b}
}
