package unit

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Row is one unit read from a CSV file: the unit and its parent's code.
type Row struct {
	Unit
	ParentCode string
}

// ErrCSV is the kind of CSV errors; the message names the line and the column.
var ErrCSV = apperr.New(apperr.Invalid, "invalid_units_csv", "Tệp danh sách đơn vị hành chính không hợp lệ.")

// columns maps header names, folded (lower case, no diacritics, no spaces), to fields.
// Both xaso's own names and the statistics office's Vietnamese headings are accepted.
var columns = map[string]string{
	"code": "code", "ma": "code", "madonvi": "code", "maphuongxa": "code", "mapx": "code",
	"name": "name", "ten": "name", "tendonvi": "name", "phuongxa": "name", "tenphuongxa": "name",
	"level": "level", "cap": "level",
	"parentcode": "parent", "parent": "parent", "matinh": "parent", "matp": "parent", "matinhthanhpho": "parent",
	"identcode": "ident", "madinhdanh": "ident", "madinhdanhdientu": "ident",
	"validfrom": "from", "hieuluctu": "from", "ngayhieuluc": "from",
	"validto": "to", "hieulucden": "to", "ngayhethieuluc": "to",
}

func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case unicode.Is(unicode.Mn, r), r == ' ', r == '_', r == '-', r == '/', r == '.':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// levels maps level words to levels; an empty level is read from the code's length.
var levels = map[string]Level{"province": Province, "tinh": Province, "thanhpho": Province, "thanhphotrunguong": Province,
	"commune": Commune, "xa": Commune, "phuong": Commune, "dackhu": Commune}

// ParseCSV reads units from a CSV file with a header row (comma or semicolon separated,
// UTF-8 with or without a byte-order mark). Required columns: code and name. Every row
// is checked; the first bad one is reported with its line and column.
func ParseCSV(r io.Reader, defaultFrom string) ([]Row, error) {
	b, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, err
	}
	text := strings.TrimPrefix(string(b), "\ufeff")
	cr := csv.NewReader(strings.NewReader(text))
	if first, _, _ := strings.Cut(text, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("dòng 1: không đọc được tiêu đề: %w", ErrCSV.With(err))
	}
	idx := map[string]int{}
	for i, h := range header {
		if f, ok := columns[fold(h)]; ok {
			if _, dup := idx[f]; !dup {
				idx[f] = i
			}
		}
	}
	if _, ok := idx["code"]; !ok {
		return nil, fmt.Errorf("dòng 1: thiếu cột mã đơn vị (code, Mã): %w", ErrCSV)
	}
	if _, ok := idx["name"]; !ok {
		return nil, fmt.Errorf("dòng 1: thiếu cột tên đơn vị (name, Tên): %w", ErrCSV)
	}
	var rows []Row
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("dòng %d: %w", line, ErrCSV.With(err))
		}
		get := func(f string) string {
			if i, ok := idx[f]; ok && i < len(rec) {
				return strings.TrimSpace(norm.NFC.String(rec[i]))
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		row := Row{Unit: Unit{Code: get("code"), Name: get("name"), IdentCode: get("ident"), ValidFrom: get("from"), ValidTo: get("to")},
			ParentCode: get("parent")}
		if row.ValidFrom == "" {
			row.ValidFrom = defaultFrom
		}
		switch lv := fold(get("level")); {
		case lv == "" && len(row.Code) == 2:
			row.Level = Province
		case lv == "":
			row.Level = Commune
		default:
			l, ok := levels[lv]
			if !ok {
				return nil, fmt.Errorf("dòng %d, cột cấp: %q không phải tỉnh hay xã: %w", line, get("level"), ErrCSV)
			}
			row.Level = l
		}
		if row.Level == Commune && row.ParentCode == "" {
			return nil, fmt.Errorf("dòng %d, cột mã tỉnh: xã %s cần mã tỉnh: %w", line, row.Code, ErrCSV)
		}
		if prev, dup := seen[row.Code]; dup {
			return nil, fmt.Errorf("dòng %d, cột mã: mã %s đã có ở dòng %d: %w", line, row.Code, prev, ErrCSV)
		}
		seen[row.Code] = line
		check := row.Unit
		if row.Level == Commune {
			one := int64(1)
			check.ParentID = &one // the parent is resolved when stored; its presence is checked here
		}
		if err := check.Validate(); err != nil {
			return nil, fmt.Errorf("dòng %d: %w", line, err)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("tệp không có đơn vị nào: %w", ErrCSV)
	}
	return rows, nil
}
