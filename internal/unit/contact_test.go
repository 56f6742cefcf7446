package unit

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
)

func TestContactCheck(t *testing.T) {
	long := string(make([]rune, 301))
	for _, c := range []struct {
		name string
		in   Contact
		bad  []string
	}{
		{"empty is allowed", Contact{}, nil},
		{"a full one", Contact{Address: " Thôn Quảng Từ ", Hotline: "0229 3888 123", Email: "motcua@yentu.gov.vn"}, nil},
		{"international hotline", Contact{Hotline: "+84 229.3888.123"}, nil},
		{"letters in the hotline", Contact{Hotline: "0229 ABC"}, []string{"hotline"}},
		{"too few digits", Contact{Hotline: "113"}, []string{"hotline"}},
		{"a plus inside", Contact{Hotline: "0229+3888123"}, []string{"hotline"}},
		{"no e-mail", Contact{Email: "motcua"}, []string{"email"}},
		{"an e-mail with a name", Contact{Email: "Một cửa <motcua@yentu.gov.vn>"}, []string{"email"}},
		{"long address and bad both", Contact{Address: long, Hotline: "x", Email: "@"}, []string{"address", "email", "hotline"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.in.Check()
			var ce *ContactError
			if len(c.bad) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if got.Address != "" && got.Address[0] == ' ' {
					t.Errorf("not trimmed: %q", got.Address)
				}
				return
			}
			if !errors.As(err, &ce) || apperr.From(err).Code != "invalid_contact" {
				t.Fatalf("err %v", err)
			}
			if fields := slices.Sorted(maps.Keys(ce.Fields)); !slices.Equal(fields, c.bad) {
				t.Errorf("fields %v, want %v", fields, c.bad)
			}
		})
	}
}
