package unit

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	parent := int64(1)
	good := Unit{Code: "14731", Level: Commune, ParentID: &parent, Name: "Xã Yên Từ", IdentCode: "000.31.37.H45", ValidFrom: "2025-07-01"}
	tests := []struct {
		name   string
		mutate func(*Unit)
		field  string
	}{
		{"valid", func(*Unit) {}, ""},
		{"province", func(u *Unit) { u.Level, u.Code, u.ParentID = Province, "37", nil }, ""},
		{"bad level", func(u *Unit) { u.Level = "district" }, "level"},
		{"4-digit commune", func(u *Unit) { u.Code = "1473" }, "code"},
		{"3-digit province", func(u *Unit) { u.Level, u.Code = Province, "037" }, "code"},
		{"blank name", func(u *Unit) { u.Name = "  " }, "name"},
		{"bad ident", func(u *Unit) { u.IdentCode = "H45" }, "ident_code"},
		{"bad date", func(u *Unit) { u.ValidFrom = "1/7/2025" }, "valid_from"},
		{"end before start", func(u *Unit) { u.ValidTo = "2025-06-30" }, "valid_to"},
		{"orphan commune", func(u *Unit) { u.ParentID = nil }, "parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := good
			tt.mutate(&u)
			err := u.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want one naming %s", err, tt.field)
			}
		})
	}
}

func TestInForce(t *testing.T) {
	u := Unit{ValidFrom: "2020-01-01", ValidTo: "2025-06-30"}
	for date, want := range map[string]bool{"2019-12-31": false, "2020-01-01": true, "2025-06-30": true, "2025-07-01": false} {
		if got := u.InForce(date); got != want {
			t.Errorf("InForce(%s) = %v", date, got)
		}
	}
}
