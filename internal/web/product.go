package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/product"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The commune's products (docs/PRODUCTS.md): the public catalog /san-pham by category,
// each product's page (its views counted) with its photos and its counted redirects to
// the marketplaces; the GS1 Digital Link resolver /01/{gtin}[/10/{lot}] (the batch's
// page for people, its RFC 9264 link set for machines); and the office pages where the
// leader, the specialist and the unit's administrator keep the products, their photos
// and batches and print a batch's label with its QR code.
func (s *Server) productRoutes() []httpx.Route {
	if s.Products == nil {
		return nil
	}
	editors := httpx.OnlyRoles(product.Editors...)
	officials := httpx.OnlyRoles(auth.OfficeRoles...)
	return []httpx.Route{
		{Pattern: "GET /san-pham", Access: httpx.Anyone, Handler: s.productCatalog},
		{Pattern: "GET /san-pham/{slug}", Access: httpx.Anyone, Handler: s.productPage},
		{Pattern: "GET /san-pham/{slug}/mua/{link}", Access: httpx.Anyone, Handler: s.productClick},
		{Pattern: "GET /san-pham/{slug}/anh/{photo}", Access: httpx.Anyone, Handler: s.productPhoto},
		{Pattern: "GET /01/{path...}", Access: httpx.Anyone, Handler: s.resolveDigitalLink},
		{Pattern: "GET /office/san-pham", Access: officials, Handler: s.officeProducts},
		{Pattern: "POST /office/san-pham", Access: editors, Handler: s.createProduct},
		{Pattern: "GET /office/san-pham/{id}", Access: officials, Handler: s.officeProduct},
		{Pattern: "POST /office/san-pham/{id}", Access: editors, Handler: s.updateProduct},
		{Pattern: "POST /office/san-pham/{id}/anh", Access: editors, Handler: s.addProductPhoto},
		{Pattern: "POST /office/san-pham/{id}/lo", Access: editors, Handler: s.addBatch},
		{Pattern: "GET /office/san-pham/{id}/lo/{batch}/nhan", Access: officials, Handler: s.batchLabel},
	}
}

var errProductForm = apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")

// productView is a product as the pages show it.
type productView struct {
	product.Product
	CategoryLabel string
	Price         string
	Stars         string // ★★★☆☆
	Criteria      product.Criteria
	PhoneLink     template.URL // tel:… (a checked ten-digit number)
	ZaloLink      string       // https://zalo.me/…
	Updated       string
}

func newProductView(p product.Product) productView {
	v := productView{Product: p, CategoryLabel: p.Category.Label(), Updated: locale.Day(p.UpdatedAt)}
	switch {
	case p.PriceMin > 0 && p.PriceMax > p.PriceMin:
		v.Price = locale.Money(p.PriceMin) + " – " + locale.Money(p.PriceMax)
	case p.PriceMin > 0:
		v.Price = locale.Money(p.PriceMin)
	case p.PriceMax > 0:
		v.Price = "đến " + locale.Money(p.PriceMax)
	}
	if v.Price != "" && p.PriceUnit != "" {
		v.Price += " / " + p.PriceUnit
	}
	if p.Rating.Stars > 0 {
		v.Stars = strings.Repeat("★", p.Rating.Stars) + strings.Repeat("☆", 5-p.Rating.Stars)
		v.Criteria = product.CriteriaFor(p.Rating.Year)
	}
	if p.Producer.Phone != "" {
		v.PhoneLink = template.URL("tel:" + p.Producer.Phone)
	}
	switch z := p.Producer.Zalo; {
	case strings.HasPrefix(z, "https://"):
		v.ZaloLink = z
	case z != "":
		v.ZaloLink = "https://zalo.me/" + z
	}
	return v
}

type productCatalogPage struct {
	Unit       unit.Unit
	Category   product.Category
	Categories []product.Category
	Products   []productView
}

func (s *Server) productCatalog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.Store.UnitByID(ctx, s.HomeUnitID)
	if err != nil {
		return err
	}
	cat := product.Category(r.URL.Query().Get("nhom"))
	if cat.Label() == "" {
		cat = ""
	}
	ps, err := s.Products.List(ctx, u.ID, cat)
	if err != nil {
		return err
	}
	page := productCatalogPage{Unit: u, Category: cat, Categories: product.Categories}
	for _, p := range ps {
		page.Products = append(page.Products, newProductView(p))
	}
	v := s.view(r, "Sản phẩm OCOP của "+u.Name)
	v.Area, v.Nav, v.Data = "portal", "products", page
	return s.views.render(w, http.StatusOK, "products", v)
}

type productPage struct {
	productView
	Batches []product.Batch
}

func (s *Server) productPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.Products.BySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if err := s.Products.Viewed(ctx, p.ID); err != nil {
		return err
	}
	v := s.view(r, p.Name)
	v.Area, v.Nav, v.Data = "portal", "products", productPage{productView: newProductView(p)}
	if p.GTIN != "" {
		w.Header().Set("Link", "<"+s.absolute(r, product.Key{GTIN: p.GTIN}.Path()+"?linkType=all")+`>; rel="linkset"; type="`+product.LinksetType+`"`)
	}
	return s.views.render(w, http.StatusOK, "product", v)
}

// productClick counts a click on one of the product's marketplace links and goes
// there: the link is looked up among the product's stored links by its number, never
// taken from the request.
func (s *Server) productClick(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.Products.BySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("link"), 10, 64)
	if err != nil {
		return product.ErrLinkNotFound
	}
	l, err := s.Products.Click(ctx, p.ID, id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, l.URL, http.StatusFound)
	return nil
}

func (s *Server) productPhoto(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.Products.BySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	if err != nil {
		return product.ErrPhotoNotFound
	}
	ct, data, err := s.Products.PhotoPreview(ctx, p.ID, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(data)
	return err
}

// wantsLinkset reports whether the client asks the resolver for the link set: with
// ?linkType=all or Accept: application/linkset+json.
func wantsLinkset(r *http.Request) bool {
	if r.URL.Query().Get("linkType") == "all" {
		return true
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mt), product.LinksetType) {
			return true
		}
	}
	return false
}

type batchPage struct {
	productView
	Batch    product.Batch
	Produced string
	Expires  string
	Expired  bool
}

// resolveDigitalLink is the GS1 Digital Link resolver: /01/{gtin} (the product) and
// /01/{gtin}/10/{lot} (a batch). A malformed link is 400 with the reason; a
// well-formed one xaso does not know is 404.
func (s *Server) resolveDigitalLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	linkset := wantsLinkset(r)
	k, err := product.ParsePath(r.URL.EscapedPath())
	if err != nil {
		return s.badDigitalLink(w, r, err, linkset)
	}
	p, b, err := s.Products.Resolve(ctx, k)
	if err != nil {
		if linkset {
			return s.linksetProblem(w, r, err)
		}
		return err
	}
	base := s.absolute(r, "")
	if linkset {
		w.Header().Set("Content-Type", product.LinksetType)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		return json.NewEncoder(w).Encode(product.LinksetFor(base, p, b))
	}
	w.Header().Set("Link", "<"+product.DigitalLink(base, p, b)+"?linkType=all>; rel=\"linkset\"; type=\""+product.LinksetType+"\"")
	if k.Lot == "" {
		// The product's Digital Link: its page is the default link.
		http.Redirect(w, r, product.ProductPath(p), http.StatusTemporaryRedirect)
		return nil
	}
	today := s.Products.Today()
	page := batchPage{productView: newProductView(p), Batch: b, Produced: locale.Day(b.Produced.Time()),
		Expired: !b.Expires.IsZero() && b.Expires.Before(today)}
	if !b.Expires.IsZero() {
		page.Expires = locale.Day(b.Expires.Time())
	}
	v := s.view(r, p.Name+" – lô "+b.Lot)
	v.Area, v.Nav, v.Data = "portal", "products", page
	return s.views.render(w, http.StatusOK, "batch", v)
}

// badDigitalLink answers a malformed link with 400 (not the 422 of a form's input: the
// URI itself is wrong): the reason on a page, or as a problem document to a machine.
func (s *Server) badDigitalLink(w http.ResponseWriter, r *http.Request, err error, linkset bool) error {
	e := apperr.From(err)
	if linkset {
		return writeProblemStatus(w, r, e, http.StatusBadRequest)
	}
	v := s.view(r, "Mã truy xuất không hợp lệ")
	v.Error = e.Message
	return s.views.render(w, http.StatusBadRequest, "error", v)
}

func (s *Server) linksetProblem(w http.ResponseWriter, r *http.Request, err error) error {
	e := apperr.From(err)
	if e.Kind != apperr.NotFound {
		return err
	}
	return writeProblemStatus(w, r, e, http.StatusNotFound)
}

func writeProblemStatus(w http.ResponseWriter, r *http.Request, e *apperr.Error, status int) error {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(httpx.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Code: e.Code, Detail: e.Message, RequestID: httpx.RequestID(r.Context())})
}

// The office pages.

type linkRow struct{ Label, URL string }

type productForm struct {
	ID         int64
	Action     string
	Form       map[string]string
	Links      []linkRow
	Errors     map[string]string
	Categories []product.Category
	CanEdit    bool
}

type officeProductsPage struct {
	Unit     unit.Unit
	Products []productView
	New      productForm
	CanEdit  bool
}

func (s *Server) officeProducts(w http.ResponseWriter, r *http.Request) error {
	return s.renderOfficeProducts(w, r, http.StatusOK, nil, nil, nil)
}

func (s *Server) renderOfficeProducts(w http.ResponseWriter, r *http.Request, status int, form map[string]string, links []linkRow,
	bad map[string]string) error {
	ctx := r.Context()
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	ps, err := s.Products.List(ctx, u.ID, "")
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	page := officeProductsPage{Unit: u, CanEdit: product.CanEdit(p, u.ID)}
	for _, x := range ps {
		page.Products = append(page.Products, newProductView(x))
	}
	if form == nil {
		form = map[string]string{"category": string(product.CatFood)}
	}
	page.New = productForm{Action: "/office/san-pham", Form: form, Links: padLinks(links), Errors: bad, Categories: product.Categories,
		CanEdit: page.CanEdit}
	v := s.view(r, "Sản phẩm OCOP")
	v.Area, v.Nav, v.Data = "office", "products", page
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "office_products", v)
}

// padLinks leaves two empty rows for new links, up to the most a product has.
func padLinks(ls []linkRow) []linkRow {
	out := append([]linkRow(nil), ls...)
	for i := 0; i < 2 && len(out) < product.MaxLinks; i++ {
		out = append(out, linkRow{})
	}
	return out
}

var productFormFields = []string{"name", "category", "gtin", "producer_name", "village", "phone", "zalo", "description",
	"price_min", "price_max", "price_unit", "stars", "year", "score_a", "score_b", "score_c", "certificates"}

// readProductForm reads a product's form: its fields as typed (to show them again) and
// the service's input.
func readProductForm(w http.ResponseWriter, r *http.Request) (map[string]string, []linkRow, product.Input, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, nil, product.Input{}, errProductForm
	}
	form := map[string]string{}
	for _, k := range productFormFields {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	num := func(k string) int64 {
		v := strings.NewReplacer(".", "", " ", "", ",", "").Replace(form[k])
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return -1
		}
		return n
	}
	in := product.Input{Name: form["name"], Category: form["category"], GTIN: form["gtin"], ProducerName: form["producer_name"],
		Village: form["village"], Phone: form["phone"], Zalo: form["zalo"], Description: r.PostFormValue("description"),
		PriceMin: num("price_min"), PriceMax: num("price_max"), PriceUnit: form["price_unit"], Stars: int(num("stars")),
		Year: int(num("year")), ScoreA: int(num("score_a")), ScoreB: int(num("score_b")), ScoreC: int(num("score_c")),
		Certificates: strings.Split(r.PostFormValue("certificates"), "\n")}
	form["description"] = r.PostFormValue("description")
	form["certificates"] = r.PostFormValue("certificates")
	labels, urls := r.PostForm["link_label"], r.PostForm["link_url"]
	if len(labels) > product.MaxLinks+2 || len(urls) != len(labels) {
		return nil, nil, product.Input{}, errProductForm
	}
	var links []linkRow
	for i := range labels {
		l := linkRow{Label: strings.TrimSpace(labels[i]), URL: strings.TrimSpace(urls[i])}
		if l.Label == "" && l.URL == "" {
			continue
		}
		links = append(links, l)
		in.Links = append(in.Links, product.Link{Label: l.Label, URL: l.URL})
	}
	return form, links, in, nil
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	form, links, in, err := readProductForm(w, r)
	if err != nil {
		return err
	}
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	p, err := s.Products.Create(ctx, auth.PrincipalFrom(ctx), u.ID, in)
	if bad := productFieldErrors(err); bad != nil {
		return s.renderOfficeProducts(w, r, http.StatusUnprocessableEntity, form, links, bad)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã thêm sản phẩm "+p.Name+".")
	http.Redirect(w, r, "/office/san-pham/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
	return nil
}

// productFieldErrors are the fields' problems of err: a field error's, or a conflict's
// at its field (nil: another error).
func productFieldErrors(err error) map[string]string {
	var fe *product.FieldError
	switch {
	case errors.As(err, &fe):
		return fe.Fields
	case errors.Is(err, product.ErrGTINTaken):
		return map[string]string{"gtin": product.ErrGTINTaken.Message}
	case errors.Is(err, product.ErrBatchExists):
		return map[string]string{"lot": product.ErrBatchExists.Message}
	case errors.Is(err, product.ErrNoGTIN):
		return map[string]string{"lot": product.ErrNoGTIN.Message}
	}
	return nil
}

type batchRow struct {
	product.Batch
	Produced, Expires string
	Link              string
}

type officeProductPage struct {
	productView
	Unit        unit.Unit
	Edit        productForm
	Batches     []batchRow
	BatchForm   map[string]string
	BatchErrors map[string]string
	PhotoError  string
	Today       string
}

func (s *Server) productByID(r *http.Request) (product.Product, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return product.Product{}, product.ErrNotFound
	}
	p, err := s.Products.Get(r.Context(), id)
	if err != nil {
		return product.Product{}, err
	}
	// An official sees the products of their own unit.
	if !auth.PrincipalFrom(r.Context()).Can(p.UnitID, auth.OfficeRoles...) {
		return product.Product{}, product.ErrNotFound
	}
	return p, nil
}

func (s *Server) officeProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := s.productByID(r)
	if err != nil {
		return err
	}
	return s.renderOfficeProduct(w, r, http.StatusOK, p, officeProductPage{})
}

func productFormOf(p product.Product) (map[string]string, []linkRow) {
	itoa := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	gtin := product.ShortGTIN(p.GTIN)
	f := map[string]string{"name": p.Name, "category": string(p.Category), "gtin": gtin, "producer_name": p.Producer.Name,
		"village": p.Producer.Village, "phone": p.Producer.Phone, "zalo": p.Producer.Zalo, "description": p.Description,
		"price_min": itoa(p.PriceMin), "price_max": itoa(p.PriceMax), "price_unit": p.PriceUnit,
		"stars": itoa(int64(p.Rating.Stars)), "year": itoa(int64(p.Rating.Year)), "score_a": itoa(int64(p.Rating.A)),
		"score_b": itoa(int64(p.Rating.B)), "score_c": itoa(int64(p.Rating.C)), "certificates": strings.Join(p.Certificates, "\n")}
	var links []linkRow
	for _, l := range p.Links {
		links = append(links, linkRow{Label: l.Label, URL: l.URL})
	}
	return f, links
}

func (s *Server) renderOfficeProduct(w http.ResponseWriter, r *http.Request, status int, p product.Product, page officeProductPage) error {
	ctx := r.Context()
	u, err := s.Store.UnitByID(ctx, p.UnitID)
	if err != nil {
		return err
	}
	bs, err := s.Products.Batches(ctx, p.ID)
	if err != nil {
		return err
	}
	page.productView, page.Unit, page.Today = newProductView(p), u, s.Products.Today().String()
	canEdit := product.CanEdit(auth.PrincipalFrom(ctx), p.UnitID)
	if page.Edit.Form == nil {
		form, links := productFormOf(p)
		page.Edit = productForm{Form: form, Links: links}
	}
	page.Edit.ID, page.Edit.Action, page.Edit.Categories, page.Edit.CanEdit = p.ID, "/office/san-pham/"+strconv.FormatInt(p.ID, 10),
		product.Categories, canEdit
	page.Edit.Links = padLinks(page.Edit.Links)
	if page.BatchForm == nil {
		page.BatchForm = map[string]string{"produced_on": page.Today, "producer": p.Producer.Name}
	}
	for _, b := range bs {
		row := batchRow{Batch: b, Produced: locale.Day(b.Produced.Time()), Link: product.DigitalLink(s.absolute(r, ""), p, b)}
		if !b.Expires.IsZero() {
			row.Expires = locale.Day(b.Expires.Time())
		}
		page.Batches = append(page.Batches, row)
	}
	v := s.view(r, p.Name)
	v.Area, v.Nav, v.Data = "office", "products", page
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "office_product", v)
}

func (s *Server) updateProduct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.productByID(r)
	if err != nil {
		return err
	}
	form, links, in, err := readProductForm(w, r)
	if err != nil {
		return err
	}
	up, err := s.Products.Update(ctx, auth.PrincipalFrom(ctx), p.ID, in)
	if bad := productFieldErrors(err); bad != nil {
		return s.renderOfficeProduct(w, r, http.StatusUnprocessableEntity, p,
			officeProductPage{Edit: productForm{Form: form, Links: links, Errors: bad}})
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã lưu sản phẩm "+up.Name+".")
	http.Redirect(w, r, "/office/san-pham/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) addProductPhoto(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.productByID(r)
	if err != nil {
		return err
	}
	up, err := httpx.ReadUpload(w, r, product.MaxPhotoBytes)
	if err == nil {
		_, err = s.Products.AddPhoto(ctx, auth.PrincipalFrom(ctx), p.ID, bytes.NewReader(up.File.Data))
	}
	if e := apperr.From(err); err != nil && e.Kind == apperr.Invalid {
		return s.renderOfficeProduct(w, r, http.StatusUnprocessableEntity, p, officeProductPage{PhotoError: e.Message})
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã thêm ảnh.")
	http.Redirect(w, r, "/office/san-pham/"+strconv.FormatInt(p.ID, 10)+"#anh", http.StatusSeeOther)
	return nil
}

func (s *Server) addBatch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.productByID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errProductForm
	}
	form := map[string]string{}
	for _, k := range []string{"lot", "produced_on", "expires_on", "producer", "inputs"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	b, err := s.Products.AddBatch(ctx, auth.PrincipalFrom(ctx), p.ID, product.BatchInput{Lot: form["lot"], Produced: form["produced_on"],
		Expires: form["expires_on"], Producer: form["producer"], Inputs: form["inputs"]})
	if bad := productFieldErrors(err); bad != nil {
		return s.renderOfficeProduct(w, r, http.StatusUnprocessableEntity, p, officeProductPage{BatchForm: form, BatchErrors: bad})
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã thêm lô "+b.Lot+".")
	http.Redirect(w, r, "/office/san-pham/"+strconv.FormatInt(p.ID, 10)+"/lo/"+strconv.FormatInt(b.ID, 10)+"/nhan", http.StatusSeeOther)
	return nil
}

type labelPage struct {
	productView
	Batch             product.Batch
	Produced, Expires string
	Link              string
	QR                template.HTML
}

// batchLabel is a batch's printable label: the product, the lot, its dates and its
// GS1 Digital Link as a QR code.
func (s *Server) batchLabel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.productByID(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("batch"), 10, 64)
	if err != nil {
		return product.ErrBatchNotFound
	}
	bs, err := s.Products.Batches(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if b.ID != id {
			continue
		}
		link := product.DigitalLink(s.absolute(r, ""), p, b)
		svg, err := qr.SVG(link, "Mã QR truy xuất nguồn gốc "+p.Name+", lô "+b.Lot)
		if err != nil {
			return err
		}
		page := labelPage{productView: newProductView(p), Batch: b, Produced: locale.Day(b.Produced.Time()), Link: link, QR: template.HTML(svg)}
		if !b.Expires.IsZero() {
			page.Expires = locale.Day(b.Expires.Time())
		}
		v := s.view(r, "Nhãn "+p.Name+" – lô "+b.Lot)
		v.Data = page
		return s.views.render(w, http.StatusOK, "product_label", v)
	}
	return product.ErrBatchNotFound
}
