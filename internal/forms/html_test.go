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
			style := textOf(first(t, doc, "style"))
			size := "size: A5 portrait"
			if tc.landscape {
				size = "size: A4 landscape"
			}
			for _, s := range []string{"@page", size, "@media print"} {
				if !strings.Contains(style, s) {
					t.Errorf("<style> lacks %q", s)
				}
			}
			checkSelfContained(t, doc)

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

// checkSelfContained fails on scripts, event handlers and anything loaded from outside
// the page: it must print offline, and a hostile name must stay text.
func checkSelfContained(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, n := range all(doc, "") {
		switch n.Data {
		case "script", "link", "iframe", "object", "embed":
			t.Errorf("page has a <%s>", n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s>: event handler", n.Data, a.Key)
			}
			if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "data:image/png;base64,") {
				t.Errorf("<%s %s=%q>: outside resource", n.Data, a.Key, a.Val)
			}
		}
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
