package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// Page tests find elements with CSS selectors (andybalholm/cascadia), such as "input",
// "p.flash", "#applicant-id_number", "a[href=/thu-tuc/1.001193]" or "details.act[open]".
// An attribute's value may be written without quotes even where CSS needs them (a path, a
// text with spaces): the tests read better, and bareValueRE quotes it before compiling.

var bareValueRE = regexp.MustCompile(`\[([\w-]+)=([^"'\]][^\]]*)\]`)

func compileSel(t *testing.T, s string) cascadia.Sel {
	t.Helper()
	quoted := bareValueRE.ReplaceAllStringFunc(s, func(m string) string {
		p := bareValueRE.FindStringSubmatch(m)
		return "[" + p[1] + "=" + strconv.Quote(p[2]) + "]"
	})
	sel, err := cascadia.Parse(quoted)
	if err != nil {
		t.Fatalf("selector %q: %v", s, err)
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

// all returns the elements of page matching sel, in document order.
func all(t *testing.T, page, sel string) []*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return cascadia.QueryAll(doc, compileSel(t, sel))
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
