package web_test

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"testing"

	"github.com/xaso-vn/xaso/internal/forms"
)

var updateCSS = flag.Bool("update", false, "rewrite static/forms.css from forms.Stylesheet")

// TestFormsStylesheet keeps static/forms.css, which the printable forms link, the
// stylesheet internal/forms draws from the PDFs' metrics, and checks the site serves it
// at the path the forms name.
func TestFormsStylesheet(t *testing.T) {
	want := forms.Stylesheet()
	if *updateCSS {
		if err := os.WriteFile("static/forms.css", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("static/forms.css")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("static/forms.css differs from forms.Stylesheet(); run go test ./internal/web -run TestFormsStylesheet -update")
	}
	e := newEnv(t)
	res, body := get(t, e.client(), e.ts.URL+forms.StylesheetPath)
	if body != string(want) || res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("GET %s: %d %s", forms.StylesheetPath, res.StatusCode, res.Header.Get("Content-Type"))
	}
}
