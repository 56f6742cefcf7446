package catalog

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
)

func TestValidateFields(t *testing.T) {
	good := map[string]string{
		"subject_name": "Nguyễn Văn An",
		"birth_date":   "1990-05-17",
		"subject_id":   "037090001234",
		"purpose":      "Đăng ký kết hôn",
		"phone":        "0912345678",
	}
	with := func(edits map[string]string) map[string]string {
		m := maps.Clone(good)
		for k, v := range edits {
			if v == "\x00delete" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	tests := []struct {
		name       string
		values     map[string]string
		requireAll bool
		bad        []string // names of the fields reported, in order
	}{
		{"online, all good", good, true, nil},
		{"online, optional fields filled", with(map[string]string{"copies": "2", "email": "an@example.vn"}), true, nil},
		{"online, required missing", with(map[string]string{"subject_id": "\x00delete", "phone": "  "}), true, []string{"subject_id", "phone"}},
		{"counter may leave fields empty", map[string]string{"subject_name": "Nguyễn Văn An"}, false, nil},
		{"counter still checks what is filled", map[string]string{"subject_id": "123"}, false, []string{"subject_id"}},
		{"every bad field at once", with(map[string]string{
			"subject_name": strings.Repeat("a", 21),
			"birth_date":   "31/02/2020",
			"subject_id":   "999090001234",
			"purpose":      "Du lịch",
			"copies":       "hai",
			"phone":        "0212345678",
			"email":        "An <an@example.vn>",
		}), true, []string{"subject_name", "birth_date", "subject_id", "purpose", "copies", "phone", "email"}},
		{"control characters", with(map[string]string{"subject_name": "An\x07"}), true, []string{"subject_name"}},
		{"line breaks are text", with(map[string]string{"subject_name": "Nguyễn\r\nAn"}), true, nil},
		{"unknown field", with(map[string]string{"nickname": "Tèo"}), true, []string{"nickname"}},
	}
	p := validProcedure()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.ValidateFields(tt.values, tt.requireAll)
			if tt.bad == nil {
				if err != nil {
					t.Fatalf("ValidateFields: %v", err)
				}
				return
			}
			var fe *FormError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormError", err)
			}
			if !errors.Is(err, ErrInvalidForm) || apperr.KindOf(err) != apperr.Invalid {
				t.Errorf("error %v does not wrap ErrInvalidForm", err)
			}
			var names []string
			for _, f := range fe.Fields {
				names = append(names, f.Name)
				if f.Message == "" {
					t.Errorf("field %s without a message", f.Name)
				}
			}
			if !slices.Equal(names, tt.bad) {
				t.Errorf("bad fields = %v, want %v (%v)", names, tt.bad, err)
			}
		})
	}

	t.Run("message names the field", func(t *testing.T) {
		err := p.ValidateFields(with(map[string]string{"phone": "\x00delete"}), true)
		if want := "phone (Số điện thoại): không được để trống"; err == nil || err.Error() != want {
			t.Errorf("error = %v, want %q", err, want)
		}
	})
}

func TestNormalizeFields(t *testing.T) {
	p := validProcedure()
	got, err := p.NormalizeFields(map[string]string{
		"subject_name": "  Nguye\u0302\u0303n Văn An ", // decomposed, padded
		"birth_date":   "17/05/1990",
		"subject_id":   "037090001234",
		"purpose":      "Mục đích khác",
		"phone":        "+84 912 345 678",
		"email":        "",
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"subject_name": "Nguyễn Văn An",
		"birth_date":   "1990-05-17",
		"subject_id":   "037090001234",
		"purpose":      "Mục đích khác",
		"phone":        "0912345678",
	}
	if !maps.Equal(got, want) {
		t.Errorf("NormalizeFields = %q\nwant %q", got, want)
	}
}
