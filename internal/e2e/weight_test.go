package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/xaso-vn/xaso/internal/demo"
)

// pageBudget is what a citizen page may weigh on the wire, the first time a phone opens
// it: the page and everything it references (stylesheets, images, scripts, icons),
// compressed as served, response headers included.
const pageBudget = 60 << 10

// citizenPages are the pages a citizen sees, and as whom ("" for a visitor). New citizen
// pages go here.
var citizenPages = []struct{ name, path, user string }{
	{"portal", "/", ""},
	{"login", "/login", ""},
	{"account", "/account", "congdan"},
	{"catalog", "/thu-tuc", ""},
	{"procedure", "/thu-tuc/1.001193", ""},
	{"lookup", "/tra-cuu", ""},
	{"transparency", "/cong-khai", ""},
	{"verify", "/xac-thuc", ""},
	{"file", "/nop-ho-so/1.001193", "congdan"},
	{"offline", "/ngoai-tuyen", ""},
	{"help", "/ho-tro", ""},
	{"volunteer", "/cong-dong", "tocongnghe"}, // a volunteer on their phone in the village
	{"telehealth", "/kham-tu-xa", ""},
	{"telehealth-mine", "/kham-tu-xa", "congdan"},
}

// TestCitizenPagesWeighLittle checks the 60 KB budget of each citizen page and that the
// page needs no JavaScript: no inline handlers or javascript: links, no blocking or
// inline scripts, and every form has a submit button. (TestWorksWithoutJavaScript drives
// the pages with scripts off in a browser.) It needs no browser.
func TestCitizenPagesWeighLittle(t *testing.T) {
	s := newSite(t)
	for _, p := range citizenPages {
		t.Run(p.name, func(t *testing.T) {
			w := newWeigher(t, s)
			if p.user != "" {
				w.logIn(p.user)
			}
			total, parts := w.weigh(p.path)
			var b strings.Builder
			for _, part := range parts {
				fmt.Fprintf(&b, "\n\t%7d B  %s", part.bytes, part.url)
			}
			t.Logf("%s weighs %d B on the wire (budget %d B):%s", p.path, total, pageBudget, b.String())
			if total > pageBudget {
				t.Errorf("%s weighs %d B with what it references, over the %d B budget:%s", p.path, total, pageBudget, b.String())
			}
		})
	}
}

type weigher struct {
	t    *testing.T
	site *url.URL
	c    *http.Client
}

type part struct {
	url   string
	bytes int
}

func newWeigher(t *testing.T, s *site) *weigher {
	u, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	// Compressed bodies are counted as they come: the transport must not inflate them.
	c := &http.Client{Jar: jar, Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(c.CloseIdleConnections)
	return &weigher{t: t, site: u, c: c}
}

func (w *weigher) logIn(username string) {
	w.t.Helper()
	resp, err := w.c.PostForm(w.site.String()+"/login", url.Values{"username": {username}, "password": {demo.Password}})
	if err != nil {
		w.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/login" {
		w.t.Fatalf("log in as %s: %d at %s", username, resp.StatusCode, resp.Request.URL)
	}
}

// get fetches u as a phone would (accepting gzip) and returns the body, inflated, with the
// bytes the response took on the wire.
func (w *weigher) get(u string) (body []byte, ctype string, wire int) {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s\r\n", resp.Proto, resp.Status)
	resp.Header.Write(&head)
	wire = head.Len() + 2 + len(raw)
	body = raw
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			w.t.Fatalf("GET %s: %v", u, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			w.t.Fatalf("GET %s: %v", u, err)
		}
	}
	return body, resp.Header.Get("Content-Type"), wire
}

// weigh fetches the page at path and everything it references, each once, and returns the
// total bytes on the wire and each response's share.
func (w *weigher) weigh(path string) (int, []part) {
	w.t.Helper()
	pageURL := w.site.String() + path
	body, ctype, wire := w.get(pageURL)
	if !strings.HasPrefix(ctype, "text/html") {
		w.t.Fatalf("%s is %s, not a page", path, ctype)
	}
	parts := []part{{path, wire}}
	total := wire
	seen := map[string]bool{pageURL: true}
	queue := w.pageRefs(pageURL, body)
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		if ref == "" || seen[ref] {
			continue
		}
		seen[ref] = true
		b, ct, n := w.get(ref)
		total += n
		parts = append(parts, part{strings.TrimPrefix(ref, w.site.String()), n})
		if strings.HasPrefix(ct, "text/css") {
			queue = append(queue, w.cssRefs(ref, string(b))...)
		}
	}
	return total, parts
}

// pageRefs lists what a browser fetches to show the page, and fails on what a page
// without JavaScript cannot have.
func (w *weigher) pageRefs(pageURL string, body []byte) []string {
	w.t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	var refs []string
	add := func(ref string) {
		if ref = strings.TrimSpace(ref); ref != "" {
			refs = append(refs, w.resolve(pageURL, ref))
		}
	}
	hasIcon := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
				if strings.HasPrefix(a.Key, "on") {
					w.t.Errorf("<%s %s=…> needs JavaScript: use a link or a form", n.Data, a.Key)
				}
				if (a.Key == "href" || a.Key == "action" || a.Key == "formaction" || a.Key == "src") &&
					strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					w.t.Errorf("<%s %s=%q> needs JavaScript", n.Data, a.Key, a.Val)
				}
			}
			_, isAsync := attr["async"]
			_, isDeferred := attr["defer"]
			switch n.Data {
			case "link":
				rels := strings.Fields(strings.ToLower(attr["rel"]))
				if slices.Contains(rels, "icon") {
					hasIcon = true
				}
				for _, r := range []string{"stylesheet", "icon", "apple-touch-icon", "manifest", "preload", "modulepreload"} {
					if slices.Contains(rels, r) {
						add(attr["href"])
						break
					}
				}
			case "script":
				switch {
				case attr["src"] == "":
					w.t.Errorf("an inline <script> (the CSP blocks it; a page must not need one)")
				case !isAsync && !isDeferred && attr["type"] != "module":
					w.t.Errorf("<script src=%q> blocks the page: make it defer, and optional", attr["src"])
				}
				add(attr["src"])
			case "img", "source", "audio", "video", "embed", "iframe":
				add(attr["src"])
				add(attr["poster"])
				for cand := range strings.SplitSeq(attr["srcset"], ",") {
					if f := strings.Fields(cand); len(f) > 0 {
						add(f[0])
					}
				}
			case "input":
				if attr["type"] == "image" {
					add(attr["src"])
				}
			case "object":
				add(attr["data"])
			case "style":
				if n.FirstChild != nil {
					refs = append(refs, w.cssRefs(pageURL, n.FirstChild.Data)...)
				}
			case "form":
				if !hasSubmit(n) {
					w.t.Errorf("a <form action=%q> has no submit button: it cannot be sent without JavaScript", attr["action"])
				}
			}
			if st := attr["style"]; st != "" {
				refs = append(refs, w.cssRefs(pageURL, st)...)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !hasIcon {
		// Without an icon link, browsers ask for /favicon.ico.
		refs = append(refs, w.resolve(pageURL, "/favicon.ico"))
	}
	return refs
}

func hasSubmit(form *html.Node) bool {
	var found bool
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			typ := ""
			for _, a := range n.Attr {
				if a.Key == "type" {
					typ = strings.ToLower(a.Val)
				}
			}
			if (n.Data == "button" && (typ == "" || typ == "submit")) || (n.Data == "input" && (typ == "submit" || typ == "image")) {
				found = true
			}
		}
		for c := n.FirstChild; c != nil && !found; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return found
}

var cssURL = regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]`)

// cssRefs lists the url(…) and @import references of a stylesheet.
func (w *weigher) cssRefs(base, css string) []string {
	var refs []string
	for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
		ref := m[1] + m[2]
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			continue
		}
		refs = append(refs, w.resolve(base, ref))
	}
	return refs
}

// resolve makes ref absolute; a reference to another site fails the test, since the
// content security policy forbids it and the budget could not count it.
func (w *weigher) resolve(base, ref string) string {
	w.t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := b.Parse(ref)
	if err != nil {
		w.t.Fatalf("reference %q: %v", ref, err)
	}
	u.Fragment = ""
	if u.Scheme == "data" {
		return ""
	}
	if u.Host != w.site.Host || u.Scheme != w.site.Scheme {
		w.t.Errorf("%s references %s on another site", base, u)
	}
	return u.String()
}
