package forms

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestHTML parses every form's page and checks what makes it a printable, self-contained
// Vietnamese page: the language, the paper size, no scripts or outside resources, the
// same key text as the PDF, and the tables' rows.
func TestHTML(t *testing.T) {
	rows := map[string]int{"01-receipt": 4, "01-receipt-30-papers": 30, "02-supplement": 2, "06-control": 4, "07-register": 40}
	for _, tc := range formCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := tc.form.HTML(&buf); err != nil {
				t.Fatal(err)
			}
			writeOut(t, tc.name+".html", buf.Bytes())
			doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}

			if lang := attr(first(t, doc, "html"), "lang"); lang != "vi" {
				t.Errorf(`<html lang=%q>, want "vi"`, lang)
			}
			if title := textOf(first(t, doc, "title")); !strings.HasPrefix(title, tc.title) {
				t.Errorf("<title> = %q, want it to start with %q", title, tc.title)
			}
			sheet := "a5"
			if tc.landscape {
				sheet = "a4l"
			}
			if got := attr(first(t, doc, "body"), "class"); got != sheet {
				t.Errorf(`<body class=%q>, want %q`, got, sheet)
			}
			checkStyledByFile(t, doc)

			text := collapse(textOf(first(t, doc, "body")))
			for _, s := range tc.want {
				if !strings.Contains(text, s) {
					t.Errorf("page text lacks %q", s)
				}
			}
			if n, ok := rows[tc.name]; ok {
				if got := len(all(first(t, doc, "tbody"), "tr")); got != n {
					t.Errorf("%d table rows, want %d", got, n)
				}
			}
		})
	}
}

func TestHTMLRegisterHead(t *testing.T) {
	var buf bytes.Buffer
	if err := register().HTML(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	head := all(first(t, doc, "thead"), "tr")
	if len(head) != 3 {
		t.Fatalf("%d header rows, want 2 and the column numbers", len(head))
	}
	group := all(head[0], "th")[7]
	if textOf(group) != "Ngày, tháng, năm" || attr(group, "colspan") != "5" {
		t.Errorf("group cell = %q colspan %q", textOf(group), attr(group, "colspan"))
	}
	if got := len(all(head[1], "th")); got != 5 {
		t.Errorf("%d cells under the group, want 5", got)
	}
	if got := len(all(head[2], "td")); got != 14 {
		t.Errorf("%d column numbers, want 14", got)
	}
}

// checkStyledByFile fails on scripts, event handlers, inline styles (the
// Content-Security-Policy blocks them) and anything loaded but the one stylesheet: a
// hostile name must stay text.
func checkStyledByFile(t *testing.T, doc *html.Node) {
	t.Helper()
	links := 0
	for _, n := range all(doc, "") {
		switch n.Data {
		case "script", "style", "iframe", "object", "embed":
			t.Errorf("page has a <%s>", n.Data)
		case "link":
			if attr(n, "rel") != "stylesheet" || attr(n, "href") != StylesheetPath {
				t.Errorf("<link rel=%q href=%q>, want the forms' stylesheet", attr(n, "rel"), attr(n, "href"))
			}
			links++
			continue
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s>: event handler", n.Data, a.Key)
			}
			if a.Key == "style" {
				t.Errorf("<%s style=%q>: inline style", n.Data, a.Val)
			}
			if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "data:image/png;base64,") {
				t.Errorf("<%s %s=%q>: outside resource", n.Data, a.Key, a.Val)
			}
		}
	}
	if links != 1 {
		t.Errorf("%d stylesheet links, want 1", links)
	}
}

// TestStylesheet checks the generated CSS has each paper's named page and print rules,
// a width class for every percentage a table can ask for, and no template left over.
func TestStylesheet(t *testing.T) {
	css := string(Stylesheet())
	for _, want := range []string{
		"@page form-a5 { size: A5 portrait; margin: 14mm 10mm 14mm 20mm; }",
		"@page form-a4l { size: A4 landscape; margin: 20mm 15mm 15mm 25mm; }",
		".a5 .sheet { page: form-a5; width: 148mm;",
		".a4l .sheet { page: form-a4l; width: 297mm;",
		"@media print { .a5 .sheet {",
		"col.w1 { width: 1%; }", "col.w100 { width: 100%; }",
	} {
		if !strings.Contains(css, want) {
			t.Errorf("stylesheet lacks %q", want)
		}
	}
	if strings.Contains(css, "{{") || strings.Contains(css, "<no value>") {
		t.Error("stylesheet has template residue")
	}
}

// all returns the elements under n with the tag (every element for "").
func all(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && (tag == "" || c.Data == tag) {
			out = append(out, c)
		}
	}
	return out
}

func first(t *testing.T, n *html.Node, tag string) *html.Node {
	t.Helper()
	els := all(n, tag)
	if len(els) == 0 {
		t.Fatalf("no <%s>", tag)
	}
	return els[0]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}
