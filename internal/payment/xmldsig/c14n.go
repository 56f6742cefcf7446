package xmldsig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Exclusive XML Canonicalization 1.0 without comments
// (http://www.w3.org/2001/10/xml-exc-c14n#) of one element of a document and what it
// contains, the node-set a same-document reference ("#id") selects.
//
// What it implements, per the recommendation: the element is written as if it were a
// document of its own, with the namespace declarations it and its descendants visibly
// use (an element's own prefix, or the default namespace for an unprefixed element, and
// the prefixes of its attributes) written on the outermost element that uses them and
// not repeated below unless rebound; xmlns="" only where an element without a prefix
// sits under a rendered non-empty default namespace; namespace declarations sorted by
// prefix, then attributes by namespace URI and local name; empty elements as a start and
// an end tag; text with &amp; &lt; &gt; &#xD; escaped, attribute values with &amp; &lt;
// &quot; &#x9; &#xA; &#xD;; comments dropped, processing instructions kept; line ends
// already normalised by the parser. Not implemented, because xaso's documents never
// carry them: an InclusiveNamespaces PrefixList, DTD-declared defaults and entity
// expansion, and the whitespace normalisation a DTD requires for non-CDATA attributes.

// node is an element of a parsed document, with what canonicalisation needs.
type node struct {
	prefix, local string
	attrs         []xml.Attr // as written (Name.Space is the prefix), xmlns declarations included
	children      []any      // *node, text (string), or xml.ProcInst
	parent        *node
}

// ns returns the namespace URI bound to prefix at n ("" for none).
func (n *node) ns(prefix string) (string, bool) {
	for e := n; e != nil; e = e.parent {
		for _, a := range e.attrs {
			if prefix == "" && a.Name.Space == "" && a.Name.Local == "xmlns" {
				return a.Value, true
			}
			if prefix != "" && a.Name.Space == "xmlns" && a.Name.Local == prefix {
				return a.Value, true
			}
		}
	}
	if prefix == "xml" {
		return "http://www.w3.org/XML/1998/namespace", true
	}
	return "", prefix == ""
}

// attr returns the value of the attribute with no prefix and this local name.
func (n *node) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// space is the namespace URI of the element.
func (n *node) space() string {
	u, _ := n.ns(n.prefix)
	return u
}

var errParse = errors.New("xmldsig: the document is not well-formed XML")

// Bounds of a record read: a receipt is a few kilobytes and a day's summary of a unit's
// receipts nine elements a receipt; these are far above (a summary of ten thousand
// receipts), and below what would hurt (the tree of maxElements costs some 36 MB). They
// are checked as the document is read, before the tree grows (and walk and
// canonicalize, which recurse, only ever see maxDepth levels).
const (
	maxDocument   = 8 << 20
	maxDepth      = 64
	maxElements   = 100_000
	maxAttributes = 64 // on one element, namespace declarations included
)

// parse reads a document into its tree of elements; anything before and after the root
// element (the declaration, comments) is not kept.
func parse(doc []byte) (*node, error) {
	if len(doc) > maxDocument {
		return nil, ErrTooComplex.With(fmt.Errorf("%d bytes, at most %d", len(doc), maxDocument))
	}
	if err := attributesPerTag(doc); err != nil {
		return nil, err
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var root, cur *node
	depth, elements := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errParse, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return nil, ErrTooComplex.With(fmt.Errorf("elements nested deeper than %d", maxDepth))
			}
			if elements++; elements > maxElements {
				return nil, ErrTooComplex.With(fmt.Errorf("more than %d elements", maxElements))
			}
			n := &node{prefix: t.Name.Space, local: t.Name.Local, attrs: slices.Clone(t.Attr), parent: cur}
			if cur == nil {
				if root != nil {
					return nil, fmt.Errorf("%w: two root elements", errParse)
				}
				root = n
			} else {
				cur.children = append(cur.children, n)
			}
			cur = n
		case xml.EndElement:
			if cur == nil || t.Name.Space != cur.prefix || t.Name.Local != cur.local {
				return nil, fmt.Errorf("%w: unbalanced end tag %s", errParse, t.Name.Local)
			}
			cur = cur.parent
			depth--
		case xml.CharData:
			if cur != nil {
				cur.children = append(cur.children, string(t))
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: text outside the root element", errParse)
			}
		case xml.ProcInst:
			if cur != nil {
				cur.children = append(cur.children, t.Copy())
			}
		case xml.Directive:
			// A DTD could declare defaults and entities this canonicaliser does not apply,
			// and entities that expand without end (the billion laughs).
			return nil, ErrDoctype.With(fmt.Errorf("%w: DOCTYPE and other directives are not accepted", errParse))
		}
	}
	if root == nil || cur != nil {
		return nil, fmt.Errorf("%w: no complete root element", errParse)
	}
	return root, nil
}

// attributesPerTag refuses a tag with more than maxAttributes attributes before the
// decoder reads it: it would allocate them all at once. It counts the equals signs
// outside quotes between a tag's < and >, at least one per attribute.
func attributesPerTag(doc []byte) error {
	inTag, count := false, 0
	var quote byte
	for _, c := range doc {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case !inTag:
			if c == '<' {
				inTag, count = true, 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			if count++; count > maxAttributes {
				return ErrTooComplex.With(fmt.Errorf("a tag with more than %d attributes", maxAttributes))
			}
		case c == '>':
			inTag = false
		}
	}
	return nil
}

// walk calls f on n and every element under it, in document order.
func walk(n *node, f func(*node)) {
	f(n)
	for _, c := range n.children {
		if e, ok := c.(*node); ok {
			walk(e, f)
		}
	}
}

// canonicalize writes the exclusive canonical form of the subtree of n, leaving out
// the elements skip accepts (the enveloped-signature transform).
func canonicalize(n *node, skip func(*node) bool) []byte {
	var b bytes.Buffer
	writeElement(&b, n, map[string]string{}, skip)
	return b.Bytes()
}

func writeElement(b *bytes.Buffer, n *node, rendered map[string]string, skip func(*node) bool) {
	// The prefixes the element visibly uses: its own, and its attributes' (an
	// unprefixed attribute is in no namespace and uses none).
	used := []string{n.prefix}
	var plain []xml.Attr
	for _, a := range n.attrs {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			continue
		}
		plain = append(plain, a)
		if a.Name.Space != "" && a.Name.Space != "xml" && !slices.Contains(used, a.Name.Space) {
			used = append(used, a.Name.Space)
		}
	}
	type decl struct{ prefix, uri string }
	var decls []decl
	scope := rendered
	for _, p := range used {
		if p == "xml" {
			continue
		}
		uri, _ := n.ns(p)
		prev, had := rendered[p]
		if p == "" && uri == "" && (!had || prev == "") {
			continue // no default namespace in force and none rendered above
		}
		if had && prev == uri {
			continue
		}
		decls = append(decls, decl{p, uri})
	}
	if len(decls) > 0 {
		scope = make(map[string]string, len(rendered)+len(decls))
		for k, v := range rendered {
			scope[k] = v
		}
		for _, d := range decls {
			scope[d.prefix] = d.uri
		}
	}
	slices.SortFunc(decls, func(x, y decl) int { return strings.Compare(x.prefix, y.prefix) })
	slices.SortFunc(plain, func(x, y xml.Attr) int {
		xu, _ := n.ns(x.Name.Space)
		yu, _ := n.ns(y.Name.Space)
		if x.Name.Space == "" {
			xu = ""
		}
		if y.Name.Space == "" {
			yu = ""
		}
		if c := strings.Compare(xu, yu); c != 0 {
			return c
		}
		return strings.Compare(x.Name.Local, y.Name.Local)
	})
	name := n.local
	if n.prefix != "" {
		name = n.prefix + ":" + n.local
	}
	b.WriteByte('<')
	b.WriteString(name)
	for _, d := range decls {
		if d.prefix == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(` xmlns:` + d.prefix + `="`)
		}
		escapeAttr(b, d.uri)
		b.WriteByte('"')
	}
	for _, a := range plain {
		b.WriteByte(' ')
		if a.Name.Space != "" {
			b.WriteString(a.Name.Space + ":")
		}
		b.WriteString(a.Name.Local + `="`)
		escapeAttr(b, a.Value)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	for _, c := range n.children {
		switch c := c.(type) {
		case *node:
			if skip == nil || !skip(c) {
				writeElement(b, c, scope, skip)
			}
		case string:
			escapeText(b, c)
		case xml.ProcInst:
			b.WriteString("<?" + c.Target)
			if len(c.Inst) > 0 {
				b.WriteByte(' ')
				b.Write(c.Inst)
			}
			b.WriteString("?>")
		}
	}
	b.WriteString("</" + name + ">")
}

func escapeText(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}

func escapeAttr(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}

// Canonicalize returns the exclusive canonical form (without comments) of the element
// of doc whose Id attribute is id, or of the root element when id is "".
func Canonicalize(doc []byte, id string) ([]byte, error) {
	root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return canonicalize(root, nil), nil
	}
	n, err := byID(root, id)
	if err != nil {
		return nil, err
	}
	return canonicalize(n, nil), nil
}

// byID finds the one element whose Id attribute is id. Two elements with the same Id
// are refused: a signature over one could be shown with the other (signature wrapping).
func byID(root *node, id string) (*node, error) {
	var found []*node
	walk(root, func(n *node) {
		if v, ok := n.attr("Id"); ok && v == id {
			found = append(found, n)
		}
	})
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: no element with Id %q", ErrInvalid, id)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%w: %d elements with Id %q", ErrInvalid, len(found), id)
}
