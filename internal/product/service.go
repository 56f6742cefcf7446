package product

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Store is what the products need from storage. Every write of a record is one
// transaction with its audit record (naming the record and the fields, never the
// values); the counters of views and clicks are not audited (they change no record).
type Store interface {
	UnitByCode(ctx context.Context, code string) (unit.Unit, error)

	// Products lists a unit's products (a category's when cat ≠ ""), by name, with
	// their links and photos.
	Products(ctx context.Context, unitID int64, cat Category) ([]Product, error)
	Product(ctx context.Context, id int64) (Product, error)
	ProductBySlug(ctx context.Context, slug string) (Product, error)
	ProductByGTIN(ctx context.Context, gtin string) (Product, error)
	// SlugTaken reports whether a product other than id has slug.
	SlugTaken(ctx context.Context, slug string, id int64) (bool, error)
	// CreateProduct stores p with its certificates and links (ErrGTINTaken when
	// another product has its GTIN).
	CreateProduct(ctx context.Context, p Product, by int64) (Product, error)
	// UpdateProduct replaces p's fields, certificates and links (a link kept by its URL
	// keeps its clicks).
	UpdateProduct(ctx context.Context, p Product, by int64) (Product, error)
	// AddProductPhoto stores a photo unless the product has max of them (ErrPhotos).
	AddProductPhoto(ctx context.Context, unitID int64, ph Photo, max int, by int64) (Photo, error)
	ProductPhoto(ctx context.Context, id int64) (Photo, error)
	CountProductView(ctx context.Context, id int64) error
	// CountProductClick counts a click on one of the product's links and returns it
	// (ErrLinkNotFound when the link is not the product's).
	CountProductClick(ctx context.Context, productID, linkID int64) (Link, error)

	CreateBatch(ctx context.Context, unitID int64, b Batch, by int64) (Batch, error)
	Batches(ctx context.Context, productID int64) ([]Batch, error)
	Batch(ctx context.Context, productID int64, lot string) (Batch, error)

	// BlobPreview and SaveBlobPreview keep the previews of images (internal/dossierfile).
	BlobPreview(ctx context.Context, key string, width int) (string, error)
	SaveBlobPreview(ctx context.Context, key string, width int, previewKey string, size int64) error
}

// Blobs keeps the photos' bytes (internal/blob).
type Blobs interface {
	Put(ctx context.Context, r io.Reader, limit int64) (key string, size int64, err error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
}

// Service runs the rules of products, batches and their Digital Links.
type Service struct {
	Store Store
	Blobs Blobs // nil: no photos (ErrNoPhotos)
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Today is the date in Vietnam.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now().In(locale.Zone)) }

// Editors keep the products: the leader, the specialist (who follows the commune's
// economy) and the unit's administrator.
var Editors = []auth.Role{auth.RoleLeader, auth.RoleSpecialist, auth.RoleUnitAdmin}

// CanEdit reports whether p edits unitID's products.
func CanEdit(p *auth.Principal, unitID int64) bool { return p.Can(unitID, Editors...) }

// UnitByCode resolves a unit's code from outside input.
func (s *Service) UnitByCode(ctx context.Context, code string) (unit.Unit, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 32 {
		return unit.Unit{}, ErrUnit
	}
	return s.Store.UnitByCode(ctx, code)
}

// List lists a unit's products, a category's when cat ≠ "" (public).
func (s *Service) List(ctx context.Context, unitID int64, cat Category) ([]Product, error) {
	if cat != "" && cat.Label() == "" {
		return nil, ErrInvalid.With(fmt.Errorf("category %q", cat))
	}
	return s.Store.Products(ctx, unitID, cat)
}

// Get finds a product by its id (public).
func (s *Service) Get(ctx context.Context, id int64) (Product, error) {
	return s.Store.Product(ctx, id)
}

// BySlug finds a product by its page's name (public).
func (s *Service) BySlug(ctx context.Context, slug string) (Product, error) {
	if slug == "" || len(slug) > 120 {
		return Product{}, ErrNotFound
	}
	return s.Store.ProductBySlug(ctx, slug)
}

// Viewed counts a view of a product's page.
func (s *Service) Viewed(ctx context.Context, id int64) error {
	return s.Store.CountProductView(ctx, id)
}

// Click counts a click on one of a product's marketplace links and returns the link to
// go to: only a link stored with the product, never one from the request.
func (s *Service) Click(ctx context.Context, productID, linkID int64) (Link, error) {
	return s.Store.CountProductClick(ctx, productID, linkID)
}

// Input is a product as typed in a form or sent to the API. Numbers that could not be
// read are -1.
type Input struct {
	Name, Category, GTIN                string
	ProducerName, Village, Phone, Zalo  string
	Description                         string
	PriceMin, PriceMax                  int64
	PriceUnit                           string
	Stars, Year, ScoreA, ScoreB, ScoreC int
	Certificates                        []string
	Links                               []Link
}

// check validates in and makes the product's fields of it (into p), collecting every
// problem by field.
func (s *Service) check(in Input, p *Product) error {
	bad := map[string]string{}
	p.Name = oneLine(in.Name)
	if p.Name == "" || tooLong(p.Name, MaxName) {
		bad["name"] = fmt.Sprintf("Nhập tên sản phẩm (tối đa %d ký tự).", MaxName)
	}
	p.Category = Category(strings.TrimSpace(in.Category))
	if p.Category.Label() == "" {
		bad["category"] = "Chọn nhóm sản phẩm."
	}
	p.GTIN = ""
	if g := strings.TrimSpace(in.GTIN); g != "" {
		gt, err := ParseGTIN(g)
		if err != nil {
			bad["gtin"] = errMessage(err)
		}
		p.GTIN = gt
	}
	p.Producer = Producer{Name: oneLine(in.ProducerName), Village: oneLine(in.Village)}
	if p.Producer.Name == "" || tooLong(p.Producer.Name, MaxName) {
		bad["producer_name"] = fmt.Sprintf("Nhập tên cơ sở, hộ sản xuất (tối đa %d ký tự).", MaxName)
	}
	if tooLong(p.Producer.Village, MaxName) {
		bad["village"] = fmt.Sprintf("Tên thôn tối đa %d ký tự.", MaxName)
	}
	if ph := strings.TrimSpace(in.Phone); ph != "" {
		n, err := catalog.NormalizePhone(ph)
		if err != nil {
			bad["phone"] = "Số điện thoại: " + err.Error() + "."
		}
		p.Producer.Phone = n
	}
	if z := strings.TrimSpace(in.Zalo); z != "" {
		if strings.HasPrefix(z, "https://") {
			u, ok := checkURL(z)
			if !ok || !strings.HasPrefix(u, "https://zalo.me/") {
				bad["zalo"] = "Zalo: nhập số điện thoại hoặc đường dẫn https://zalo.me/…"
			}
			p.Producer.Zalo = u
		} else if n, err := catalog.NormalizePhone(z); err != nil {
			bad["zalo"] = "Zalo: nhập số điện thoại hoặc đường dẫn https://zalo.me/…"
		} else {
			p.Producer.Zalo = n
		}
	}
	p.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	if tooLong(p.Description, MaxText) {
		bad["description"] = fmt.Sprintf("Mô tả tối đa %d ký tự.", MaxText)
	}
	p.PriceMin, p.PriceMax, p.PriceUnit = in.PriceMin, in.PriceMax, oneLine(in.PriceUnit)
	switch {
	case p.PriceMin < 0 || p.PriceMin > MaxPrice:
		bad["price_min"] = "Giá thấp nhất là số đồng, từ 0."
	case p.PriceMax < 0 || p.PriceMax > MaxPrice:
		bad["price_max"] = "Giá cao nhất là số đồng, từ 0."
	case p.PriceMax != 0 && p.PriceMax < p.PriceMin:
		bad["price_max"] = "Giá cao nhất không nhỏ hơn giá thấp nhất."
	}
	if tooLong(p.PriceUnit, 60) {
		bad["price_unit"] = "Đơn vị tính tối đa 60 ký tự."
	}
	p.Rating = Rating{Stars: in.Stars, Year: in.Year, A: in.ScoreA, B: in.ScoreB, C: in.ScoreC}
	for k, m := range s.checkRating(p.Rating) {
		bad[k] = m
	}
	p.Certificates = nil
	for _, c := range in.Certificates {
		if c = oneLine(c); c != "" {
			p.Certificates = append(p.Certificates, c)
		}
	}
	if len(p.Certificates) > MaxCertificates || func() bool {
		for _, c := range p.Certificates {
			if tooLong(c, MaxLine) {
				return true
			}
		}
		return false
	}() {
		bad["certificates"] = fmt.Sprintf("Tối đa %d giấy chứng nhận, mỗi dòng tối đa %d ký tự.", MaxCertificates, MaxLine)
	}
	p.Links = nil
	for i, l := range in.Links {
		l.Label, l.URL = oneLine(l.Label), strings.TrimSpace(l.URL)
		if l.Label == "" && l.URL == "" {
			continue
		}
		u, ok := checkURL(l.URL)
		if !ok {
			bad["links"] = fmt.Sprintf("Nơi bán thứ %d: đường dẫn phải bắt đầu bằng https:// (kết nối bảo mật).", i+1)
			continue
		}
		if l.Label == "" || tooLong(l.Label, 60) {
			bad["links"] = fmt.Sprintf("Nơi bán thứ %d: nhập tên sàn hoặc nơi bán (tối đa 60 ký tự).", i+1)
			continue
		}
		p.Links = append(p.Links, Link{Label: l.Label, URL: u})
	}
	if len(p.Links) > MaxLinks {
		bad["links"] = fmt.Sprintf("Tối đa %d nơi bán.", MaxLinks)
	}
	if len(bad) > 0 {
		return &FieldError{Fields: bad}
	}
	return nil
}

// checkRating checks a rating: none (all zero), or stars 1–5 given in a year from 2019
// to this one, each part's score within its maximum, the stars those of the total.
func (s *Service) checkRating(r Rating) map[string]string {
	if r == (Rating{}) {
		return nil
	}
	bad := map[string]string{}
	if r.Stars < 1 || r.Stars > 5 {
		bad["stars"] = "Hạng sao OCOP từ 1 đến 5."
	}
	if y := s.Today().Year; r.Year < 2019 || r.Year > y {
		bad["year"] = fmt.Sprintf("Năm công nhận từ 2019 đến %d.", y)
		return bad
	}
	c := CriteriaFor(r.Year)
	for _, part := range []struct {
		key, name string
		v, max    int
	}{{"score_a", "A", r.A, c.MaxA}, {"score_b", "B", r.B, c.MaxB}, {"score_c", "C", r.C, c.MaxC}} {
		if part.v < 0 || part.v > part.max {
			bad[part.key] = fmt.Sprintf("Điểm phần %s từ 0 đến %d (Quyết định %s).", part.name, part.max, c.Decision)
		}
	}
	if len(bad) == 0 && StarsFor(r.Total()) != r.Stars {
		bad["stars"] = fmt.Sprintf("Tổng điểm %d ứng với hạng %d sao, không phải %d sao (90–100 điểm: 5 sao; 70–89: 4; 50–69: 3; 30–49: 2; dưới 30: 1).",
			r.Total(), StarsFor(r.Total()), r.Stars)
	}
	return bad
}

// errMessage is the Vietnamese message of an identifier's error.
func errMessage(err error) string { return apperr.From(err).Message }

// Create adds a product to a unit.
func (s *Service) Create(ctx context.Context, p *auth.Principal, unitID int64, in Input) (Product, error) {
	if !CanEdit(p, unitID) {
		return Product{}, ErrNotEditor
	}
	pr := Product{UnitID: unitID}
	if err := s.check(in, &pr); err != nil {
		return Product{}, err
	}
	slug, err := s.slug(ctx, pr.Name, 0)
	if err != nil {
		return Product{}, err
	}
	pr.Slug, pr.UpdatedAt = slug, s.now()
	return s.Store.CreateProduct(ctx, pr, p.UserID)
}

// Update replaces a product's fields (its page keeps its name).
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in Input) (Product, error) {
	pr, err := s.Store.Product(ctx, id)
	if err != nil {
		return Product{}, err
	}
	if !CanEdit(p, pr.UnitID) {
		return Product{}, ErrNotEditor
	}
	if err := s.check(in, &pr); err != nil {
		return Product{}, err
	}
	pr.UpdatedAt = s.now()
	return s.Store.UpdateProduct(ctx, pr, p.UserID)
}

// slug makes a page name of a product's name: its letters without accents, joined by
// hyphens, numbered when taken.
func (s *Service) slug(ctx context.Context, name string, id int64) (string, error) {
	base := strings.ReplaceAll(catalog.Fold(name), " ", "-")
	base = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, base)
	if len(base) > 80 {
		base = strings.TrimRight(base[:80], "-")
	}
	if base == "" {
		base = "san-pham"
	}
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug += "-" + strconv.Itoa(i)
		}
		taken, err := s.Store.SlugTaken(ctx, slug, id)
		if err != nil || !taken {
			return slug, err
		}
	}
}

// AddPhoto checks an uploaded photo (a JPEG or PNG decoded completely within its
// budget, internal/attach), keeps its bytes in the blob store and adds it to the
// product.
func (s *Service) AddPhoto(ctx context.Context, p *auth.Principal, productID int64, r io.Reader) (Photo, error) {
	pr, err := s.Store.Product(ctx, productID)
	if err != nil {
		return Photo{}, err
	}
	if !CanEdit(p, pr.UnitID) {
		return Photo{}, ErrNotEditor
	}
	if s.Blobs == nil {
		return Photo{}, ErrNoPhotos
	}
	if len(pr.Photos) >= MaxPhotos {
		return Photo{}, ErrPhotos
	}
	f, err := attach.Check(r, MaxPhotoBytes)
	if err != nil {
		return Photo{}, err
	}
	if !attach.IsImage(f.ContentType) {
		return Photo{}, ErrPhotoType
	}
	key, _, err := s.Blobs.Put(ctx, bytes.NewReader(f.Data), int64(len(f.Data)))
	if err != nil {
		return Photo{}, err
	}
	return s.Store.AddProductPhoto(ctx, pr.UnitID, Photo{ProductID: pr.ID, BlobKey: key, ContentType: f.ContentType,
		Width: f.Width, Height: f.Height}, MaxPhotos, p.UserID)
}

// BatchInput is a batch as typed.
type BatchInput struct {
	Lot               string
	Produced, Expires string // YYYY-MM-DD; Expires may be empty
	Producer, Inputs  string
}

// AddBatch records a batch of a product that has a GTIN.
func (s *Service) AddBatch(ctx context.Context, p *auth.Principal, productID int64, in BatchInput) (Batch, error) {
	pr, err := s.Store.Product(ctx, productID)
	if err != nil {
		return Batch{}, err
	}
	if !CanEdit(p, pr.UnitID) {
		return Batch{}, ErrNotEditor
	}
	if pr.GTIN == "" {
		return Batch{}, ErrNoGTIN
	}
	bad := map[string]string{}
	b := Batch{ProductID: pr.ID, Lot: strings.TrimSpace(in.Lot), Producer: oneLine(in.Producer), CreatedAt: s.now(),
		Inputs: strings.TrimSpace(strings.ReplaceAll(in.Inputs, "\r\n", "\n"))}
	if err := CheckLot(b.Lot); err != nil {
		bad["lot"] = ErrLot.Message
	}
	today := s.Today()
	if d, err := calendar.ParseDate(strings.TrimSpace(in.Produced)); err != nil || d.After(today) {
		bad["produced_on"] = "Nhập ngày sản xuất (không sau hôm nay)."
	} else {
		b.Produced = d
	}
	if e := strings.TrimSpace(in.Expires); e != "" {
		if d, err := calendar.ParseDate(e); err != nil || (!b.Produced.IsZero() && d.Before(b.Produced)) {
			bad["expires_on"] = "Hạn sử dụng là một ngày không trước ngày sản xuất."
		} else {
			b.Expires = d
		}
	}
	if b.Producer == "" {
		b.Producer = pr.Producer.Name
	}
	if tooLong(b.Producer, MaxName) {
		bad["producer"] = fmt.Sprintf("Nơi sản xuất tối đa %d ký tự.", MaxName)
	}
	if tooLong(b.Inputs, MaxText) {
		bad["inputs"] = fmt.Sprintf("Nguyên liệu tối đa %d ký tự.", MaxText)
	}
	if len(bad) > 0 {
		return Batch{}, &FieldError{Fields: bad}
	}
	return s.Store.CreateBatch(ctx, pr.UnitID, b, p.UserID)
}

// Batches lists a product's batches, the latest first (public: what the label says).
func (s *Service) Batches(ctx context.Context, productID int64) ([]Batch, error) {
	return s.Store.Batches(ctx, productID)
}

// Batch finds a product's batch by its lot.
func (s *Service) Batch(ctx context.Context, productID int64, lot string) (Batch, error) {
	if CheckLot(lot) != nil {
		return Batch{}, ErrBatchNotFound
	}
	return s.Store.Batch(ctx, productID, lot)
}

// Resolve finds what a Digital Link names: the product and, when the key has a lot,
// its batch. A well-formed key xaso does not know is ErrNotFound or ErrBatchNotFound.
func (s *Service) Resolve(ctx context.Context, k Key) (Product, Batch, error) {
	pr, err := s.Store.ProductByGTIN(ctx, k.GTIN)
	if err != nil || k.Lot == "" {
		return pr, Batch{}, err
	}
	b, err := s.Store.Batch(ctx, pr.ID, k.Lot)
	return pr, b, err
}
