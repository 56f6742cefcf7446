package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes the report with the columns of Columns (the XLSX export's), Vietnamese
// headers, one row per group and a totals row. Rates have one decimal with a point, so
// that every spreadsheet program reads them as numbers.
func WriteCSV(w io.Writer, res Result) error {
	cw := csv.NewWriter(w)
	header := []string{"Nhóm", "Tên"}
	for _, c := range Columns {
		header = append(header, c.Header)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := func(key, label string, r OneStop) []string {
		out := []string{key, label}
		for _, c := range Columns {
			switch v := c.Value(r).(type) {
			case float64:
				out = append(out, strconv.FormatFloat(v, 'f', 1, 64))
			default:
				out = append(out, fmt.Sprint(v))
			}
		}
		return out
	}
	for _, g := range res.Groups {
		if err := cw.Write(row(g.Key, g.Label, g.OneStop)); err != nil {
			return err
		}
	}
	if err := cw.Write(row("total", "Tổng cộng "+res.UnitName+" "+res.From+" – "+res.To, res.OneStop)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
