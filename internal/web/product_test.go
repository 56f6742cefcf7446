package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/product"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func demoProduct(t *testing.T, e *env) product.Product {
	t.Helper()
	p, err := e.st.ProductBySlug(context.Background(), demo.ProductSlug)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// textByID is the text of the element with the id, nested elements included.
func textByID(t *testing.T, page, id string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				found = n
			}
		}
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		t.Fatalf("no #%s in page", id)
	}
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
	collect(found)
	return strings.Join(strings.Fields(b.String()), " ")
}

func getWith(t *testing.T, u string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// The resolver answers a Digital Link: the batch's page for people, its link set for
// machines, 400 with the reason for a malformed link, 404 for a well-formed unknown one.
func TestDigitalLinkResolver(t *testing.T) {
	e := newEnv(t)
	dl := "/01/" + demo.ProductGTIN + "/10/" + demo.ProductLot
	resp, page := getWith(t, e.ts.URL+dl)
	if resp.StatusCode != 200 || textByID(t, page, "batch-lot") != demo.ProductLot || !strings.Contains(page, "Giò trứng Nộn Khê") ||
		!strings.Contains(resp.Header.Get("Link"), `rel="linkset"`) {
		t.Fatalf("batch page: %d %s", resp.StatusCode, resp.Header.Get("Link"))
	}
	if d := textByID(t, page, "batch-produced"); len(d) != 10 || d[2] != '/' || d[5] != '/' {
		t.Errorf("produced on %q, want dd/mm/yyyy", d)
	}
	// GTIN-14 in the link, the same batch.
	if resp, _ := getWith(t, e.ts.URL+"/01/0"+demo.ProductGTIN+"/10/"+demo.ProductLot); resp.StatusCode != 200 {
		t.Errorf("GTIN-14: %d", resp.StatusCode)
	}
	for _, ask := range [][]string{{dl + "?linkType=all"}, {dl, "Accept", "application/linkset+json"}} {
		resp, body := getWith(t, e.ts.URL+ask[0], ask[1:]...)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != product.LinksetType {
			t.Fatalf("%v: %d %s", ask, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var ls struct {
			Linkset []map[string]json.RawMessage `json:"linkset"`
		}
		if err := json.Unmarshal([]byte(body), &ls); err != nil || len(ls.Linkset) != 1 {
			t.Fatalf("link set: %v %s", err, body)
		}
		var anchor string
		var pip []product.Target
		json.Unmarshal(ls.Linkset[0]["anchor"], &anchor)
		json.Unmarshal(ls.Linkset[0][product.RelPIP], &pip)
		if anchor != e.ts.URL+"/01/0"+demo.ProductGTIN+"/10/"+demo.ProductLot || // the canonical link: GTIN-14
			len(pip) != 1 || pip[0].Href != e.ts.URL+"/san-pham/"+demo.ProductSlug ||
			len(pip[0].Hreflang) != 1 || pip[0].Hreflang[0] != "vi" {
			t.Fatalf("link set: %s", body)
		}
	}
	// The product's link goes to its page.
	if resp, _ := getWith(t, e.ts.URL+"/01/"+demo.ProductGTIN); resp.StatusCode != http.StatusTemporaryRedirect ||
		resp.Header.Get("Location") != "/san-pham/"+demo.ProductSlug {
		t.Errorf("product link: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for path, want := range map[string]int{
		"/01/08934563000012/10/X":                                    400, // the contract check's: a wrong check digit
		"/01/8934563000012":                                          400,
		"/01/893456300001/10/X":                                      400, // GTIN-12, wrong check digit
		"/01/123/10/X":                                               400,
		"/01/" + demo.ProductGTIN + "/10/L%C3%B4":                    400, // "Lô"
		"/01/" + demo.ProductGTIN + "/10/A%20B":                      400,
		"/01/" + demo.ProductGTIN + "/10/" + strings.Repeat("A", 21): 400,
		"/01/" + demo.ProductGTIN + "/10/A/B":                        400,
		"/01/" + demo.ProductGTIN + "/10/NK-9999":                    404,
		"/01/09506000134352/10/X":                                    404,
		"/01/09506000134352":                                         404,
	} {
		resp, body := getWith(t, e.ts.URL+path)
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
		if want == 400 && !strings.Contains(body, "GTIN") && !strings.Contains(body, "Số lô") && !strings.Contains(body, "đường dẫn") {
			t.Errorf("%s: no reason given", path)
		}
		// Machines get a problem document with the same status.
		resp, body = getWith(t, e.ts.URL+path+"?linkType=all")
		if resp.StatusCode != want || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"code"`) {
			t.Errorf("%s as a link set: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	if resp, body := getWith(t, e.ts.URL+"/01/08934563000012/10/X"); !strings.Contains(body, product.ErrGTINCheck.Message) {
		t.Errorf("check digit message: %d", resp.StatusCode)
	}
}

// The catalog lists the product by category; its page counts its views; a marketplace
// click is counted and goes only to the product's stored link.
func TestProductPagesAndClicks(t *testing.T) {
	e := newEnv(t)
	p := demoProduct(t, e)
	c := e.client()
	resp, page := get(t, c, e.ts.URL+"/san-pham?nhom=food")
	if resp.StatusCode != 200 || !strings.Contains(textByID(t, page, "products"), "Giò trứng Nộn Khê") {
		t.Fatalf("catalog: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/san-pham?nhom=drink"); !strings.Contains(page, `id="no-products"`) {
		t.Error("drinks list the food")
	}
	for range 2 {
		resp, page = get(t, c, e.ts.URL+"/san-pham/"+p.Slug)
	}
	if resp.StatusCode != 200 || !strings.Contains(textByID(t, page, "ocop"), "3 sao") || !strings.Contains(page, "phần A 24/40") ||
		!strings.Contains(page, "tel:0987654321") || !strings.Contains(page, "https://zalo.me/0987654321") {
		t.Fatalf("product page: %d %s", resp.StatusCode, textByID(t, page, "ocop"))
	}
	l := p.Links[0]
	resp, _ = get(t, c, e.ts.URL+"/san-pham/"+p.Slug+"/mua/"+strconv.FormatInt(l.ID, 10))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != l.URL {
		t.Fatalf("click: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, bad := range []string{"9999", "x", "https:%2F%2Fevil.example"} {
		if resp, _ := get(t, c, e.ts.URL+"/san-pham/"+p.Slug+"/mua/"+bad); resp.StatusCode != 404 {
			t.Errorf("click %s: %d", bad, resp.StatusCode)
		}
	}
	if resp, _ := get(t, c, e.ts.URL+"/san-pham/khong-co"); resp.StatusCode != 404 {
		t.Errorf("unknown product: %d", resp.StatusCode)
	}
	var doc struct {
		Views  int `json:"views"`
		Clicks int `json:"clicks"`
		OCOP   struct {
			Stars, Total int
		} `json:"ocop"`
		Batches []struct {
			DigitalLink string `json:"digital_link"`
		} `json:"batches"`
	}
	if code, _ := apiGet(t, e, "", "/api/v1/products/"+strconv.FormatInt(p.ID, 10), &doc); code != 200 || doc.Views != 2 || doc.Clicks != 1 ||
		doc.OCOP.Stars != 3 || doc.OCOP.Total != 57 || len(doc.Batches) != 1 || !strings.HasSuffix(doc.Batches[0].DigitalLink, "/10/"+demo.ProductLot) {
		t.Fatalf("API: %d %+v", code, doc)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	if code, _ := apiGet(t, e, "", "/api/v1/products?unit="+demo.CommuneCode, &list); code != 200 || list.Total != 1 || len(list.Items) != 1 {
		t.Fatalf("list: %d %+v", code, list)
	}
	if code, pr := apiGet(t, e, "", "/api/v1/products?category=cars", nil); code != 422 {
		t.Errorf("bad category: %d %+v", code, pr)
	}
}

// The officials keep the products on the office pages, without JavaScript: a refused
// form shows each field's problem and stores nothing; a batch gets its label with the
// Digital Link that resolves; a photo is checked and served as a preview.
func TestOfficeProducts(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "chuyenvien", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/office/san-pham")
	if resp.StatusCode != 200 || !strings.Contains(textByID(t, page, "t-products"), "Giò trứng Nộn Khê") {
		t.Fatalf("office list: %d", resp.StatusCode)
	}
	form := url.Values{"name": {"Rượu làng Yên Từ"}, "category": {"drink"}, "gtin": {"9520123000035"}, "producer_name": {"HTX Yên Từ"},
		"phone": {"0912345678"}, "price_min": {"120.000"}, "stars": {"5"}, "year": {"2025"}, "score_a": {"30"}, "score_b": {"20"}, "score_c": {"25"},
		"link_label": {"Shopee", ""}, "link_url": {"http://shopee.vn/ruou", ""}}
	resp, err := c.PostForm(e.ts.URL+"/office/san-pham", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), "https://") || !strings.Contains(string(b), "75 ứng với hạng 4 sao") {
		t.Fatalf("refused form: %d", resp.StatusCode)
	}
	if ps, _ := e.st.Products(context.Background(), demoProduct(t, e).UnitID, ""); len(ps) != 1 {
		t.Fatalf("stored after a refusal: %d", len(ps))
	}
	form.Set("stars", "4")
	form["link_url"] = []string{"https://shopee.vn/ruou", ""}
	resp, err = c.PostForm(e.ts.URL+"/office/san-pham", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/office/san-pham/") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	resp, page = get(t, c, e.ts.URL+loc)
	if resp.StatusCode != 200 || !strings.Contains(page, "Rượu làng Yên Từ") {
		t.Fatalf("edit page: %d", resp.StatusCode)
	}
	// A batch with a bad lot is refused; a good one leads to its label.
	resp, err = c.PostForm(e.ts.URL+loc+"/lo", url.Values{"lot": {"Lô 1"}, "produced_on": {"2026-12-01"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), "bộ ký tự GS1") {
		t.Fatalf("bad lot: %d", resp.StatusCode)
	}
	resp, err = c.PostForm(e.ts.URL+loc+"/lo", url.Values{"lot": {"R/2026.1"}, "produced_on": {"2026-12-01"}, "inputs": {"Gạo nếp cái hoa vàng"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	label := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(label, "/nhan") {
		t.Fatalf("batch: %d %s", resp.StatusCode, label)
	}
	resp, page = get(t, c, e.ts.URL+label)
	link := textByID(t, page, "label-link")
	if resp.StatusCode != 200 || !strings.Contains(page, "<svg") || link != e.ts.URL+"/01/09520123000035/10/R%2F2026.1" {
		t.Fatalf("label: %d %q", resp.StatusCode, link)
	}
	if resp, page := getWith(t, link); resp.StatusCode != 200 || textByID(t, page, "batch-lot") != "R/2026.1" {
		t.Fatalf("label's link: %d", resp.StatusCode)
	}
	// Photos: a PNG is kept and served as a JPEG preview; a text file is refused.
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	var pngBytes bytes.Buffer
	png.Encode(&pngBytes, img)
	for _, f := range []struct {
		data []byte
		want int
	}{{[]byte("not an image"), 422}, {pngBytes.Bytes(), http.StatusSeeOther}} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "anh.png")
		fw.Write(f.data)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+loc+"/anh", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != f.want {
			t.Fatalf("photo: %d, want %d", resp.StatusCode, f.want)
		}
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/office/san-pham/"), 10, 64)
	p, err := e.st.Product(context.Background(), id)
	if err != nil || len(p.Photos) != 1 {
		t.Fatalf("photos: %+v %v", p.Photos, err)
	}
	resp, _ = get(t, e.client(), e.ts.URL+fmt.Sprintf("/san-pham/%s/anh/%d", p.Slug, p.Photos[0].ID))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("preview: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Another product's photo number under this product: not found.
	if resp, _ := get(t, e.client(), e.ts.URL+fmt.Sprintf("/san-pham/%s/anh/%d", demo.ProductSlug, p.Photos[0].ID)); resp.StatusCode != 404 {
		t.Errorf("photo of another product: %d", resp.StatusCode)
	}
	// The counter reads but does not edit.
	cc, _ := e.login(t, "motcua", demo.Password)
	if resp, page := get(t, cc, e.ts.URL+loc); resp.StatusCode != 200 || strings.Contains(page, `id="batch-form"`) {
		t.Errorf("counter's view: %d", resp.StatusCode)
	}
}

// The API: the editors create products and batches; bad input is refused with its
// code and fields, nothing stored.
func TestProductAPI(t *testing.T) {
	e := newEnv(t)
	tok := bearer(t, e, "lanhdao")
	body := `{"name":"Chè lam Yên Từ","category":"food","gtin":"95201230000","producer":{"name":"Hộ bà Lan","phone":"0912345678"},
		"ocop":{"stars":3,"year":2024,"score_a":41,"score_b":10,"score_c":5},"links":[{"label":"Web","url":"http://x.vn"}]}`
	code, resp := apiSend(t, e, tok, http.MethodPost, "/api/v1/products", body)
	var pr struct {
		Code   string `json:"code"`
		Errors []struct{ Field string }
	}
	json.Unmarshal([]byte(resp), &pr)
	fields := map[string]bool{}
	for _, f := range pr.Errors {
		fields[f.Field] = true
	}
	if code != 422 || pr.Code != "invalid_product_input" || !fields["gtin"] || !fields["score_a"] || !fields["links"] {
		t.Fatalf("refusal: %d %s", code, resp)
	}
	body = `{"name":"Chè lam Yên Từ","category":"food","gtin":"95201230000` + string(product.CheckDigit("95201230000")) + `",
		"producer":{"name":"Hộ bà Lan"},"ocop":{"stars":3,"year":2024,"score_a":25,"score_b":15,"score_c":15}}`
	code, resp = apiSend(t, e, tok, http.MethodPost, "/api/v1/products", body)
	var doc struct {
		ID          int64  `json:"id"`
		GTIN        string `json:"gtin"`
		DigitalLink string `json:"digital_link"`
	}
	json.Unmarshal([]byte(resp), &doc)
	if code != 201 || doc.GTIN != "000952012300004"[1:] && doc.GTIN == "" {
		t.Fatalf("create: %d %s", code, resp)
	}
	id := strconv.FormatInt(doc.ID, 10)
	if code, resp := apiSend(t, e, tok, http.MethodPost, "/api/v1/products/"+id+"/batches", `{"lot":"CL 1","produced_on":"2026-12-01"}`); code != 422 ||
		!strings.Contains(resp, `"lot"`) {
		t.Fatalf("bad lot: %d %s", code, resp)
	}
	code, resp = apiSend(t, e, tok, http.MethodPost, "/api/v1/products/"+id+"/batches", `{"lot":"CL-1","produced_on":"2026-12-01","expires_on":"2027-03-01"}`)
	var bd struct {
		DigitalLink string `json:"digital_link"`
	}
	json.Unmarshal([]byte(resp), &bd)
	if code != 201 || !strings.HasSuffix(bd.DigitalLink, "/10/CL-1") {
		t.Fatalf("batch: %d %s", code, resp)
	}
	if code, _ := apiSend(t, e, tok, http.MethodPost, "/api/v1/products/"+id+"/batches", `{"lot":"CL-1","produced_on":"2026-12-01"}`); code != 409 {
		t.Fatalf("batch twice: %d", code)
	}
	u, _ := url.Parse(bd.DigitalLink)
	if resp, _ := getWith(t, e.ts.URL+u.Path); resp.StatusCode != 200 {
		t.Fatalf("batch link: %d", resp.StatusCode)
	}
	if code, _ := apiSend(t, e, bearer(t, e, "motcua"), http.MethodPost, "/api/v1/products", body); code != 403 {
		t.Fatalf("counter: %d", code)
	}
}

// The demo's batch label's QR code decodes to its Digital Link, and the link opens the
// batch's page.
func TestDemoLabelQRResolves(t *testing.T) {
	testtool.Path(t, "zbarimg", "apt-get install zbar-tools")
	e := newEnv(t)
	p := demoProduct(t, e)
	bs, err := e.st.Batches(context.Background(), p.ID)
	if err != nil || len(bs) != 1 {
		t.Fatalf("demo batches: %d %v", len(bs), err)
	}
	c, _ := e.login(t, "lanhdao", demo.Password)
	resp, page := get(t, c, e.ts.URL+fmt.Sprintf("/office/san-pham/%d/lo/%d/nhan", p.ID, bs[0].ID))
	if resp.StatusCode != 200 {
		t.Fatalf("label: %d", resp.StatusCode)
	}
	link := textByID(t, page, "label-link")
	// The label's QR is the SVG of the link; its PNG (the same encoder) is what a phone reads.
	img, err := qr.PNG(link, 512)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(file, img, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("zbarimg", "--raw", "-q", file).Output()
	if got := strings.TrimSpace(string(out)); err != nil || got != link {
		t.Fatalf("zbarimg: %q %v, want %q", got, err, link)
	}
	if resp, page := getWith(t, link); resp.StatusCode != 200 || textByID(t, page, "batch-lot") != demo.ProductLot {
		t.Fatalf("%s: %d", link, resp.StatusCode)
	}
}
