package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/product"
)

// The commune's products (internal/product, docs/PRODUCTS.md): anyone lists a unit's
// products and reads one with its batches; the leader, the specialist and the unit's
// administrator create and update products and record batches. The Digital Link
// resolver (/01/…) and the photos are served by the pages.
func productRoutes(h handlers) []httpx.Route {
	if h.Products == nil {
		return nil
	}
	editors := httpx.OnlyRoles(product.Editors...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/products", Access: httpx.Anyone, Handler: h.listProducts},
		{Pattern: "POST /api/v1/products", Access: editors, Handler: h.createProduct},
		{Pattern: "GET /api/v1/products/{id}", Access: httpx.Anyone, Handler: h.getProduct},
		{Pattern: "PUT /api/v1/products/{id}", Access: editors, Handler: h.updateProduct},
		{Pattern: "GET /api/v1/products/{id}/batches", Access: httpx.Anyone, Handler: h.listBatches},
		{Pattern: "POST /api/v1/products/{id}/batches", Access: editors, Handler: h.createBatch},
	}
}

// ProductDoc is a product as the API shows it.
type ProductDoc struct {
	ID           int64       `json:"id"`
	Slug         string      `json:"slug"`
	URL          string      `json:"url"`
	Name         string      `json:"name"`
	Category     string      `json:"category"`
	GTIN         *string     `json:"gtin"` // 14 digits
	DigitalLink  *string     `json:"digital_link"`
	Producer     ProducerDoc `json:"producer"`
	Description  string      `json:"description"`
	PriceMin     int64       `json:"price_min"`
	PriceMax     int64       `json:"price_max"`
	PriceUnit    string      `json:"price_unit"`
	OCOP         *OCOPDoc    `json:"ocop"`
	Certificates []string    `json:"certificates"`
	Links        []LinkDoc   `json:"links"`
	Photos       []string    `json:"photos"` // their addresses
	Views        int         `json:"views"`
	Clicks       int         `json:"clicks"`
	UpdatedAt    time.Time   `json:"updated_at"`
	Batches      []BatchDoc  `json:"batches,omitempty"`
}

// ProducerDoc is a product's producer (published on purpose: where to buy).
type ProducerDoc struct {
	Name    string `json:"name"`
	Village string `json:"village"`
	Phone   string `json:"phone"`
	Zalo    string `json:"zalo"`
}

// OCOPDoc is a product's OCOP rating with its scores and their maxima.
type OCOPDoc struct {
	Stars    int    `json:"stars"`
	Year     int    `json:"year"`
	A        int    `json:"score_a"`
	B        int    `json:"score_b"`
	C        int    `json:"score_c"`
	Total    int    `json:"total"`
	MaxA     int    `json:"max_a"`
	MaxB     int    `json:"max_b"`
	MaxC     int    `json:"max_c"`
	Decision string `json:"decision"`
}

// LinkDoc is a marketplace link: its url, and the counted redirect the pages use.
type LinkDoc struct {
	ID       int64  `json:"id"`
	Label    string `json:"label"`
	URL      string `json:"url"`
	Redirect string `json:"redirect"`
	Clicks   int    `json:"clicks"`
}

// BatchDoc is a batch with its Digital Link.
type BatchDoc struct {
	ID          int64   `json:"id"`
	Lot         string  `json:"lot"`
	ProducedOn  string  `json:"produced_on"`
	ExpiresOn   *string `json:"expires_on"`
	Producer    string  `json:"producer"`
	Inputs      string  `json:"inputs"`
	DigitalLink string  `json:"digital_link"`
}

// base is the public address for the links of a document.
func (h handlers) base(r *http.Request) string {
	if h.BaseURL != "" {
		return strings.TrimRight(h.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func productDoc(base string, p product.Product) ProductDoc {
	d := ProductDoc{ID: p.ID, Slug: p.Slug, URL: base + product.ProductPath(p), Name: p.Name, Category: string(p.Category),
		Producer:    ProducerDoc{Name: p.Producer.Name, Village: p.Producer.Village, Phone: p.Producer.Phone, Zalo: p.Producer.Zalo},
		Description: p.Description, PriceMin: p.PriceMin, PriceMax: p.PriceMax, PriceUnit: p.PriceUnit,
		Certificates: append([]string{}, p.Certificates...), Links: []LinkDoc{}, Photos: []string{}, Views: p.Views, Clicks: p.Clicks(),
		UpdatedAt: p.UpdatedAt}
	if p.GTIN != "" {
		g, dl := p.GTIN, product.DigitalLink(base, p, product.Batch{})
		d.GTIN, d.DigitalLink = &g, &dl
	}
	if r := p.Rating; r.Stars > 0 {
		c := product.CriteriaFor(r.Year)
		d.OCOP = &OCOPDoc{Stars: r.Stars, Year: r.Year, A: r.A, B: r.B, C: r.C, Total: r.Total(), MaxA: c.MaxA, MaxB: c.MaxB,
			MaxC: c.MaxC, Decision: c.Decision}
	}
	for _, l := range p.Links {
		d.Links = append(d.Links, LinkDoc{ID: l.ID, Label: l.Label, URL: l.URL, Redirect: base + product.ClickPath(p, l), Clicks: l.Clicks})
	}
	for _, ph := range p.Photos {
		d.Photos = append(d.Photos, base+product.ProductPath(p)+"/anh/"+strconv.FormatInt(ph.ID, 10))
	}
	return d
}

func batchDoc(base string, p product.Product, b product.Batch) BatchDoc {
	d := BatchDoc{ID: b.ID, Lot: b.Lot, ProducedOn: b.Produced.String(), Producer: b.Producer, Inputs: b.Inputs,
		DigitalLink: product.DigitalLink(base, p, b)}
	if !b.Expires.IsZero() {
		e := b.Expires.String()
		d.ExpiresOn = &e
	}
	return d
}

func (h handlers) listProducts(w http.ResponseWriter, r *http.Request) error {
	unitID := h.HomeUnitID
	if code := r.URL.Query().Get("unit"); strings.TrimSpace(code) != "" {
		u, err := h.Products.UnitByCode(r.Context(), code)
		if err != nil {
			return err
		}
		unitID = u.ID
	}
	ps, err := h.Products.List(r.Context(), unitID, product.Category(r.URL.Query().Get("category")))
	if err != nil {
		return err
	}
	base := h.base(r)
	items := make([]ProductDoc, len(ps))
	for i, p := range ps {
		items[i] = productDoc(base, p)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[ProductDoc]{Items: items, Total: len(items)})
}

func (h handlers) productByID(r *http.Request) (product.Product, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return product.Product{}, product.ErrNotFound
	}
	return h.Products.Get(r.Context(), id)
}

func (h handlers) getProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := h.productByID(r)
	if err != nil {
		return err
	}
	bs, err := h.Products.Batches(r.Context(), p.ID)
	if err != nil {
		return err
	}
	base := h.base(r)
	d := productDoc(base, p)
	d.Batches = []BatchDoc{}
	for _, b := range bs {
		d.Batches = append(d.Batches, batchDoc(base, p, b))
	}
	return httpx.WriteJSON(w, http.StatusOK, d)
}

// productInput is a product as a client sends it.
type productInput struct {
	Unit        string      `json:"unit"`
	Name        string      `json:"name"`
	Category    string      `json:"category"`
	GTIN        string      `json:"gtin"`
	Producer    ProducerDoc `json:"producer"`
	Description string      `json:"description"`
	PriceMin    int64       `json:"price_min"`
	PriceMax    int64       `json:"price_max"`
	PriceUnit   string      `json:"price_unit"`
	OCOP        *struct {
		Stars int `json:"stars"`
		Year  int `json:"year"`
		A     int `json:"score_a"`
		B     int `json:"score_b"`
		C     int `json:"score_c"`
	} `json:"ocop"`
	Certificates []string `json:"certificates"`
	Links        []struct {
		Label string `json:"label"`
		URL   string `json:"url"`
	} `json:"links"`
}

func (in productInput) input() product.Input {
	out := product.Input{Name: in.Name, Category: in.Category, GTIN: in.GTIN, ProducerName: in.Producer.Name,
		Village: in.Producer.Village, Phone: in.Producer.Phone, Zalo: in.Producer.Zalo, Description: in.Description,
		PriceMin: in.PriceMin, PriceMax: in.PriceMax, PriceUnit: in.PriceUnit, Certificates: in.Certificates}
	if o := in.OCOP; o != nil {
		out.Stars, out.Year, out.ScoreA, out.ScoreB, out.ScoreC = o.Stars, o.Year, o.A, o.B, o.C
	}
	for _, l := range in.Links {
		out.Links = append(out.Links, product.Link{Label: l.Label, URL: l.URL})
	}
	return out
}

// A product's text (4,000 letters of description written as \u escapes, its lists)
// fits in 64 KB.
const productBody = 64 << 10

func (h handlers) createProduct(w http.ResponseWriter, r *http.Request) error {
	var raw productInput
	if err := httpx.DecodeJSON(w, r, &raw, productBody); err != nil {
		return err
	}
	unitID := h.HomeUnitID
	if strings.TrimSpace(raw.Unit) != "" {
		u, err := h.Products.UnitByCode(r.Context(), raw.Unit)
		if err != nil {
			return err
		}
		unitID = u.ID
	}
	p, err := h.Products.Create(r.Context(), auth.PrincipalFrom(r.Context()), unitID, raw.input())
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, productDoc(h.base(r), p))
}

func (h handlers) updateProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := h.productByID(r)
	if err != nil {
		return err
	}
	var raw productInput
	if err := httpx.DecodeJSON(w, r, &raw, productBody); err != nil {
		return err
	}
	up, err := h.Products.Update(r.Context(), auth.PrincipalFrom(r.Context()), p.ID, raw.input())
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, productDoc(h.base(r), up))
}

func (h handlers) listBatches(w http.ResponseWriter, r *http.Request) error {
	p, err := h.productByID(r)
	if err != nil {
		return err
	}
	bs, err := h.Products.Batches(r.Context(), p.ID)
	if err != nil {
		return err
	}
	base := h.base(r)
	items := make([]BatchDoc, len(bs))
	for i, b := range bs {
		items[i] = batchDoc(base, p, b)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[BatchDoc]{Items: items, Total: len(items)})
}

func (h handlers) createBatch(w http.ResponseWriter, r *http.Request) error {
	p, err := h.productByID(r)
	if err != nil {
		return err
	}
	var raw struct {
		Lot        string `json:"lot"`
		ProducedOn string `json:"produced_on"`
		ExpiresOn  string `json:"expires_on"`
		Producer   string `json:"producer"`
		Inputs     string `json:"inputs"`
	}
	if err := httpx.DecodeJSON(w, r, &raw, 32<<10); err != nil {
		return err
	}
	b, err := h.Products.AddBatch(r.Context(), auth.PrincipalFrom(r.Context()), p.ID, product.BatchInput{Lot: raw.Lot,
		Produced: raw.ProducedOn, Expires: raw.ExpiresOn, Producer: raw.Producer, Inputs: raw.Inputs})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, batchDoc(h.base(r), p, b))
}
