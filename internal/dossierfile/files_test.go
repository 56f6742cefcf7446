package dossierfile

import (
	"testing"

	"github.com/xaso-vn/xaso/internal/attach"
)

func TestInlineAllowed(t *testing.T) {
	for _, c := range []struct {
		ct     string
		active bool
		want   bool
	}{
		{attach.PDF, false, true}, {attach.JPEG, false, true}, {attach.PNG, false, true},
		{attach.PDF, true, false}, // JavaScript or /OpenAction: only downloaded
		{"text/html", false, false}, {"application/octet-stream", false, false}, {"image/svg+xml", false, false}, {"", false, false},
	} {
		if got := inlineAllowed(c.ct, c.active); got != c.want {
			t.Errorf("inlineAllowed(%q, %v) = %v", c.ct, c.active, got)
		}
	}
}
