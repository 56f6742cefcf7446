package catalog

import (
	"slices"
	"testing"
)

func TestSample(t *testing.T) {
	c, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Procedures); n < 20 {
		t.Fatalf("sample has %d procedures, want at least 20", n)
	}
	seen := make(map[string]bool)
	for _, p := range c.Procedures {
		t.Run(p.Code, func(t *testing.T) {
			if err := p.ValidateForPublish(); err != nil {
				t.Errorf("ValidateForPublish: %v", err)
			}
			if p.Status != StatusPublished || p.ImplementingLevel != LevelCommune {
				t.Errorf("status %s, level %s: the sample is what a commune publishes", p.Status, p.ImplementingLevel)
			}
			if seen[p.NationalCode()] {
				t.Errorf("national code %s twice", p.NationalCode())
			}
			seen[p.NationalCode()] = true
			if len(p.Sources) == 0 {
				t.Error("no sources: every sample procedure says where its content comes from")
			}
			if len(p.LegalBasis) == 0 || len(p.Papers) == 0 {
				t.Error("no legal basis or papers")
			}
			if p.LegalTime.Unit == Hours && p.CutOff == "" {
				t.Error("a same-day procedure without a cut-off")
			}
		})
	}
}

func TestSampleSearch(t *testing.T) {
	c, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	search := func(q string) []string {
		var codes []string
		for _, p := range c.Procedures {
			if Matches(q, p.SearchText()) {
				codes = append(codes, p.Code)
			}
		}
		return codes
	}
	for _, q := range []string{"khai sinh", "khai  sinh", "KHAI SINH", "dang ky khai sinh", "1.001193"} {
		t.Run(q, func(t *testing.T) {
			if got := search(q); !slices.Contains(got, "1.001193") {
				t.Errorf("search %q = %v, want Đăng ký khai sinh (1.001193) among them", q, got)
			}
		})
	}
	if got := search("chung thuc chu ky"); !slices.Equal(got, []string{"2.000884"}) {
		t.Errorf("search chứng thực chữ ký = %v", got)
	}
}
