package unit

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	in := "\ufeffMã;Tên;Cấp;Mã tỉnh;Mã định danh\n37;Tỉnh Ninh Bình;Tỉnh;;000.00.00.H45\n14731;Xã Yên Từ;Xã;37;000.31.37.H45\n\n14734;Xã Yên Thái;;37;\n"
	rows, err := ParseCSV(strings.NewReader(in), "2025-07-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Level != Province || rows[1].Level != Commune || rows[1].ParentCode != "37" ||
		rows[1].IdentCode != "000.31.37.H45" || rows[2].Level != Commune || rows[2].ValidFrom != "2025-07-01" {
		t.Fatalf("rows %+v", rows)
	}
	tests := []struct{ name, csv, want string }{
		{"no code column", "Tên\nXã A\n", "thiếu cột mã"},
		{"bad level", "code,name,level,parent_code\n14731,Xã A,huyện,37\n", "dòng 2, cột cấp"},
		{"commune without province", "code,name\n14731,Xã A\n", "dòng 2, cột mã tỉnh"},
		{"duplicate", "code,name,parent_code\n14731,Xã A,37\n14731,Xã B,37\n", "dòng 3, cột mã"},
		{"bad code", "code,name,parent_code\n1473,Xã A,37\n", "dòng 2"},
		{"empty", "code,name\n", "không có đơn vị"},
	}
	for _, tt := range tests {
		_, err := ParseCSV(strings.NewReader(tt.csv), "2025-07-01")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
		if err != nil && !errors.Is(err, ErrCSV) && !strings.Contains(err.Error(), "invalid_unit") {
			t.Errorf("%s: err %v has no kind", tt.name, err)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("code,name,level,parent_code\n37,Tỉnh Ninh Bình,province,\n14731,Xã Yên Từ,commune,37\n")
	f.Add("Mã;Tên\n37;Hà Nội\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ParseCSV(strings.NewReader(s), "2025-07-01")
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Code == "" || r.Name == "" || (r.Level == Commune && r.ParentCode == "") {
				t.Fatalf("accepted a bad row %+v", r)
			}
		}
	})
}
