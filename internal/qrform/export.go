package qrform

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Table is a form's answers as rows: a header (the time, the consent, each field) and one
// row per answer, each value as shown (dates dd/mm/yyyy, choices joined by "; ", a
// village by its name, a file by its type and size).
func Table(f Form, as []Answer, villageNames map[string]string) [][]string {
	head := []string{"STT", "Thời gian gửi", "Đồng ý lúc"}
	for _, x := range f.Fields {
		head = append(head, x.Label)
	}
	rows := [][]string{head}
	for i, a := range as {
		row := []string{fmt.Sprint(i + 1), a.SubmittedAt.In(locale.Zone).Format("02/01/2006 15:04"), a.ConsentAt.In(locale.Zone).Format("02/01/2006 15:04")}
		for _, x := range f.Fields {
			row = append(row, Shown(x, a, villageNames))
		}
		rows = append(rows, row)
	}
	return rows
}

// Shown is an answer's value of a field as a person reads it.
func Shown(x Field, a Answer, villageNames map[string]string) string {
	vals := a.Values[x.Key]
	switch x.Kind {
	case KindFile:
		for _, file := range a.Files {
			if file.Field == x.Key {
				kind := "ảnh"
				if file.ContentType == "application/pdf" {
					kind = "PDF"
				}
				return fmt.Sprintf("Tệp %s, %s KB", kind, locale.Number((file.Size+1023)/1024))
			}
		}
		return ""
	case KindDate:
		if len(vals) == 1 {
			if t, ok := parseDate(vals[0]); ok {
				return t.Format("02/01/2006")
			}
		}
	case KindVillage:
		if len(vals) == 1 && villageNames[vals[0]] != "" {
			return villageNames[vals[0]]
		}
	case KindNumber:
		return strings.ReplaceAll(strings.Join(vals, ""), ".", ",")
	}
	return strings.Join(vals, "; ")
}

// WriteCSV writes the table as CSV in UTF-8 with a byte order mark, which Excel needs to
// show Vietnamese letters. A cell beginning with =, +, - or @ is prefixed with ' so that
// a spreadsheet does not run it as a formula.
func WriteCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, c := range r {
			safe[i] = defuse(c)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func defuse(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}

// WriteXLSX writes the table as a workbook of one sheet, its header bold and frozen.
func WriteXLSX(w io.Writer, title string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Câu trả lời"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
		}
		if err := x.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
	}
	if bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err == nil && len(rows) > 0 {
		end, _ := excelize.CoordinatesToCellName(len(rows[0]), 1)
		x.SetCellStyle(sheet, "A1", end, bold)
	}
	x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	x.SetDocProps(&excelize.DocProperties{Title: title, Creator: "xaso"})
	return x.Write(w)
}
