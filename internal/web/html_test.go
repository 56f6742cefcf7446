package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// A small selector helper for the page tests: one compound selector, such as "input",
// "p.flash", "#applicant-id_number", "a[href=/thu-tuc/1.001193]", `input[name=key]` or
// "span.secret" — a tag, an id, classes and attribute equalities, all optional.

var selRE = regexp.MustCompile(`^([a-z0-9]*)((?:[#.][\w-]+)*)((?:\[[\w-]+(?:=[^\]]*)?\])*)$`)

type selector struct {
	tag, id string
	classes []string
	attrs   [][2]string // name, value ("\x00" for presence only)
}

func parseSel(t *testing.T, s string) selector {
	t.Helper()
	m := selRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("selector %q not understood", s)
	}
	sel := selector{tag: m[1]}
	for _, part := range regexp.MustCompile(`[#.][\w-]+`).FindAllString(m[2], -1) {
		if part[0] == '#' {
			sel.id = part[1:]
		} else {
			sel.classes = append(sel.classes, part[1:])
		}
	}
	for _, a := range regexp.MustCompile(`\[([\w-]+)(?:=([^\]]*))?\]`).FindAllStringSubmatch(m[3], -1) {
		v := a[2]
		if !strings.Contains(a[0], "=") {
			v = "\x00"
		}
		sel.attrs = append(sel.attrs, [2]string{a[1], v})
	}
	return sel
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func (s selector) matches(n *html.Node) bool {
	if n.Type != html.ElementNode || (s.tag != "" && n.Data != s.tag) {
		return false
	}
	if id, _ := attr(n, "id"); s.id != "" && id != s.id {
		return false
	}
	cls, _ := attr(n, "class")
	for _, c := range s.classes {
		if !strings.Contains(" "+cls+" ", " "+c+" ") {
			return false
		}
	}
	for _, a := range s.attrs {
		v, ok := attr(n, a[0])
		if !ok || (a[1] != "\x00" && v != a[1]) {
			return false
		}
	}
	return true
}

// all returns the elements of page matching sel, in document order.
func all(t *testing.T, page, sel string) []*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	s := parseSel(t, sel)
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if s.matches(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// one returns the only element matching sel, failing the test otherwise.
func one(t *testing.T, page, sel string) *html.Node {
	t.Helper()
	ns := all(t, page, sel)
	if len(ns) != 1 {
		t.Fatalf("%d elements match %q, want 1", len(ns), sel)
	}
	return ns[0]
}

// has reports whether any element matches sel.
func has(t *testing.T, page, sel string) bool {
	t.Helper()
	return len(all(t, page, sel)) > 0
}

// textOf returns an element's text with its spaces collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c)
		}
	}
	collect(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// textAt returns the text of the only element matching sel.
func textAt(t *testing.T, page, sel string) string {
	t.Helper()
	return textOf(one(t, page, sel))
}

// attrAt returns an attribute of the only element matching sel.
func attrAt(t *testing.T, page, sel, name string) string {
	t.Helper()
	v, _ := attr(one(t, page, sel), name)
	return v
}

// post sends a form and returns the response (redirects are not followed) and its body.
func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// facts returns a page's description lists as term → description.
func facts(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dt := range all(t, page, "dt") {
		for n := dt.NextSibling; n != nil; n = n.NextSibling {
			if n.Type == html.ElementNode {
				if n.Data == "dd" {
					out[textOf(dt)] = textOf(n)
				}
				break
			}
		}
	}
	return out
}
