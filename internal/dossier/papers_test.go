package dossier

import (
	"errors"
	"reflect"
	"testing"

	"github.com/xaso-vn/xaso/internal/catalog"
)

// TestIntakePapers: the papers received are the procedure's, each once, in a form the
// officer can see and a count from 1 to 100; every problem is reported at its row, with
// the stable code invalid_papers when nothing else is wrong.
func TestIntakePapers(t *testing.T) {
	r := rules(t)
	r.Procedure.Papers = []catalog.Paper{
		{Name: "Tờ khai đăng ký khai sinh", Form: catalog.PaperOriginal, Quantity: 1, Required: true},
		{Name: "Giấy chứng sinh", Form: catalog.PaperOriginal, Quantity: 1, Required: true},
		{Name: "Văn bản ủy quyền", Form: catalog.PaperEither, Quantity: 1},
	}
	tests := []struct {
		name   string
		papers []Paper
		want   []Paper           // stored, when accepted
		bad    map[string]string // fields refused, when not
		code   error
	}{
		{"none: nothing recorded", nil, nil, nil, nil},
		{"one paper", []Paper{{"Giấy chứng sinh", PaperOriginal, 1}}, []Paper{{"Giấy chứng sinh", PaperOriginal, 1}}, nil, nil},
		{"spaces and Unicode forms aside, the catalog's name is kept",
			[]Paper{{"  Tờ khai đăng ký  khai sinh ", PaperCertifiedCopy, 2}, {"Văn bản ủy quyền", PaperCopy, 1}},
			[]Paper{{"Tờ khai đăng ký khai sinh", PaperCertifiedCopy, 2}, {"Văn bản ủy quyền", PaperCopy, 1}}, nil, nil},
		{"a paper the procedure does not have", []Paper{{"Sổ hộ khẩu", PaperOriginal, 1}}, nil,
			map[string]string{"papers[0].name": ""}, ErrPapers},
		{"count 0", []Paper{{"Giấy chứng sinh", PaperOriginal, 0}}, nil, map[string]string{"papers[0].count": ""}, ErrPapers},
		{"count 101", []Paper{{"Giấy chứng sinh", PaperOriginal, 101}}, nil, map[string]string{"papers[0].count": ""}, ErrPapers},
		{"the catalog's either is not a form received", []Paper{{"Văn bản ủy quyền", "either", 1}}, nil,
			map[string]string{"papers[0].form": ""}, ErrPapers},
		{"twice", []Paper{{"Giấy chứng sinh", PaperOriginal, 1}, {"Giấy chứng sinh", PaperCopy, 1}}, nil,
			map[string]string{"papers[1].name": ""}, ErrPapers},
		{"more rows than the procedure has papers", make([]Paper, 4), nil, map[string]string{"papers": ""}, ErrPapers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Intake{Channel: ChannelCounter, Applicant: applicant, ReceivingUnitID: commune, Papers: tt.papers}
			d, _, err := New(r, in, counterOfficer, at("2026-03-02T09:00:00+07:00"))
			if tt.bad == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(d.Papers, tt.want) {
					t.Fatalf("papers %+v, want %+v", d.Papers, tt.want)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, tt.code) {
				t.Fatalf("err = %v, want a FieldError with %v", err, tt.code)
			}
			if len(fe.Fields) != len(tt.bad) {
				t.Fatalf("fields %v, want %v", fe.Fields, tt.bad)
			}
			for k := range tt.bad {
				if fe.Fields[k] == "" {
					t.Errorf("no message at %s: %v", k, fe.Fields)
				}
			}
		})
	}
	// With another problem besides, the code is the intake's general one.
	in := Intake{Channel: ChannelCounter, Applicant: Applicant{}, ReceivingUnitID: commune, Papers: []Paper{{"Giấy chứng sinh", PaperOriginal, 0}}}
	if _, _, err := New(r, in, counterOfficer, at("2026-03-02T09:00:00+07:00")); !errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrPapers) {
		t.Fatalf("mixed problems: err = %v, want %v", err, ErrInvalidInput)
	}
}
