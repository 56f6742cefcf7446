package product

import (
	"strconv"
	"strings"
)

// The link set of a Digital Link (RFC 9264 §4.2, application/linkset+json), as a GS1
// conformant resolver answers linkType=all: one link context object whose anchor is the
// Digital Link and whose other members are link relation types (the GS1 Web
// Vocabulary's, as absolute URIs), each an array of target objects with an href.

// LinksetType is the media type of a link set in JSON.
const LinksetType = "application/linkset+json"

// GS1 link types used (https://ref.gs1.org/voc/).
const (
	RelDefault      = "https://gs1.org/voc/defaultLink"
	RelPIP          = "https://gs1.org/voc/pip"
	RelTraceability = "https://gs1.org/voc/traceability"
	RelRetailers    = "https://gs1.org/voc/hasRetailers"
	RelCertificates = "https://gs1.org/voc/certificationInfo"
)

// Target is a link's target (RFC 9264 §4.2.4).
type Target struct {
	Href     string   `json:"href"`
	Type     string   `json:"type,omitempty"`
	Hreflang []string `json:"hreflang,omitempty"`
	Title    string   `json:"title,omitempty"`
}

// Linkset is the document: {"linkset": [{"anchor": …, rel: [targets]…}]}.
type Linkset struct {
	Linkset []map[string]any `json:"linkset"`
}

// Pages are the addresses of the pages a link set points to.
type Pages struct {
	Base string // the public address, without a trailing "/"
}

// ProductPath is a product's public page.
func ProductPath(p Product) string { return "/san-pham/" + p.Slug }

// BatchPath is a batch's page: its Digital Link.
func BatchPath(p Product, b Batch) string { return Key{GTIN: p.GTIN, Lot: b.Lot}.Path() }

// DigitalLink is the GS1 Digital Link URI of a batch (its QR code's content) or, when
// b is zero, of the product.
func DigitalLink(base string, p Product, b Batch) string {
	return strings.TrimRight(base, "/") + Key{GTIN: p.GTIN, Lot: b.Lot}.Path()
}

// LinksetFor is the link set of a product's Digital Link (b zero) or a batch's: the
// default link (the batch's page, or the product's), the product information page, the
// batch's traceability, the certificates and the marketplaces (through xaso's counted
// redirect, which only goes to the product's stored links).
func LinksetFor(base string, p Product, b Batch) Linkset {
	base = strings.TrimRight(base, "/")
	vi := []string{"vi"}
	pip := Target{Href: base + ProductPath(p), Type: "text/html", Hreflang: vi, Title: p.Name}
	ctx := map[string]any{"anchor": DigitalLink(base, p, b)}
	if b.Lot != "" {
		page := Target{Href: base + BatchPath(p, b), Type: "text/html", Hreflang: vi, Title: p.Name + " – lô " + b.Lot}
		ctx[RelDefault] = []Target{page}
		ctx[RelTraceability] = []Target{page}
	} else {
		ctx[RelDefault] = []Target{pip}
	}
	ctx[RelPIP] = []Target{pip}
	if len(p.Certificates) > 0 {
		ctx[RelCertificates] = []Target{{Href: base + ProductPath(p) + "#chung-nhan", Type: "text/html", Hreflang: vi,
			Title: "Chứng nhận của " + p.Name}}
	}
	if len(p.Links) > 0 {
		var ts []Target
		for _, l := range p.Links {
			ts = append(ts, Target{Href: base + ClickPath(p, l), Type: "text/html", Title: l.Label})
		}
		ctx[RelRetailers] = ts
	}
	return Linkset{Linkset: []map[string]any{ctx}}
}

// ClickPath is the counted redirect to one of a product's marketplace links.
func ClickPath(p Product, l Link) string {
	return "/san-pham/" + p.Slug + "/mua/" + strconv.FormatInt(l.ID, 10)
}
