// Package product is the commune's products (docs/PRODUCTS.md, DOMAIN.md §14): each
// product's page (its producer, description, photos, price range, OCOP rating with its
// A/B/C scores, certificates and where to buy it), the public catalog by category with
// its views and marketplace clicks counted, and the product's batches (lô), each with
// its GS1 Digital Link; xaso is the resolver of those links, answering people with the
// batch's page and machines with an RFC 9264 link set. Service runs the rules over the
// Store it declares.
package product

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
)

// Category is an OCOP product group (Decision 148/QĐ-TTg: six groups).
type Category string

const (
	CatFood       Category = "food"       // thực phẩm
	CatDrink      Category = "drink"      // đồ uống
	CatHerbal     Category = "herbal"     // dược liệu và sản phẩm từ dược liệu
	CatHandicraft Category = "handicraft" // thủ công mỹ nghệ
	CatPlants     Category = "plants"     // sinh vật cảnh
	CatTourism    Category = "tourism"    // dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch
)

var categoryLabels = map[Category]string{CatFood: "Thực phẩm", CatDrink: "Đồ uống", CatHerbal: "Dược liệu",
	CatHandicraft: "Thủ công mỹ nghệ", CatPlants: "Sinh vật cảnh", CatTourism: "Du lịch cộng đồng"}

// Label is the category in Vietnamese.
func (c Category) Label() string { return categoryLabels[c] }

// Categories lists the categories in the order the catalog shows them.
var Categories = []Category{CatFood, CatDrink, CatHerbal, CatHandicraft, CatPlants, CatTourism}

// Producer is who makes a product: a household, a cooperative. A producer's phone and
// Zalo are published on purpose (where to buy).
type Producer struct {
	Name    string
	Village string
	Phone   string // ten digits, 0…
	Zalo    string // a phone number or a https://zalo.me/ link
}

// Rating is a product's OCOP rating: its stars, the year they were given and its scores
// in the three parts of the criteria. Stars 0: not rated.
type Rating struct {
	Stars   int
	Year    int
	A, B, C int
}

// Total is the rating's score out of 100.
func (r Rating) Total() int { return r.A + r.B + r.C }

// Criteria are the maxima of the three parts of a set of OCOP criteria.
type Criteria struct {
	Decision   string
	MaxA, MaxB int
	MaxC       int
}

// CriteriaFor gives the criteria a rating of year was scored by: Decision 148/QĐ-TTg
// (24/02/2023: A 40, B 25, C 35) from 2023, Decision 1048/QĐ-TTg (2019: A 35, B 25,
// C 40) before.
func CriteriaFor(year int) Criteria {
	if year >= 2023 {
		return Criteria{Decision: "148/QĐ-TTg", MaxA: 40, MaxB: 25, MaxC: 35}
	}
	return Criteria{Decision: "1048/QĐ-TTg", MaxA: 35, MaxB: 25, MaxC: 40}
}

// StarsFor is the class of a total score (the same bands in both decisions): 90–100
// five stars, 70–89 four, 50–69 three, 30–49 two, under 30 one.
func StarsFor(total int) int {
	switch {
	case total >= 90:
		return 5
	case total >= 70:
		return 4
	case total >= 50:
		return 3
	case total >= 30:
		return 2
	}
	return 1
}

// Link is a place to buy the product online: a marketplace's page of it.
type Link struct {
	ID     int64
	Label  string // "Shopee", "Sàn thương mại điện tử tỉnh"
	URL    string // https only
	Clicks int
}

// Photo is a photo of a product, kept in the blob store.
type Photo struct {
	ID            int64
	ProductID     int64
	BlobKey       string
	ContentType   string
	Width, Height int
}

// Product is a commune's product with what its page shows.
type Product struct {
	ID     int64
	UnitID int64
	// Slug names the product's page: /san-pham/{slug}; unique across units.
	Slug        string
	Name        string
	Category    Category
	GTIN        string // 14 digits; "": none (no batches, no Digital Link)
	Producer    Producer
	Description string
	// PriceMin, PriceMax are in đồng for PriceUnit (0: not given).
	PriceMin, PriceMax int64
	PriceUnit          string // "hộp 500 g", "kg"
	Rating             Rating
	Certificates       []string
	Links              []Link
	Photos             []Photo
	Views              int
	UpdatedAt          time.Time
}

// Clicks is the sum of the marketplace links' clicks.
func (p Product) Clicks() int {
	n := 0
	for _, l := range p.Links {
		n += l.Clicks
	}
	return n
}

// Batch is a lot of a product: what traceability tells of it.
type Batch struct {
	ID        int64
	ProductID int64
	Lot       string
	Produced  calendar.Date
	Expires   calendar.Date // zero: not given
	Producer  string
	Inputs    string // the raw materials and where they came from
	CreatedAt time.Time
}

// Limits of what is typed.
const (
	MaxName         = 200
	MaxText         = 4000
	MaxLine         = 300
	MaxCertificates = 10
	MaxLinks        = 8
	MaxURL          = 500
	MaxPrice        = 1_000_000_000
	MaxPhotos       = 12
	// MaxPhotoBytes bounds an uploaded photo.
	MaxPhotoBytes = 8 << 20
)

// Errors of this package.
var (
	ErrNotFound      = apperr.New(apperr.NotFound, "product_not_found", "Không tìm thấy sản phẩm này.")
	ErrBatchNotFound = apperr.New(apperr.NotFound, "batch_not_found", "Không tìm thấy lô sản phẩm này.")
	ErrLinkNotFound  = apperr.New(apperr.NotFound, "product_link_not_found", "Không tìm thấy nơi bán này của sản phẩm.")
	ErrPhotoNotFound = apperr.New(apperr.NotFound, "product_photo_not_found", "Không tìm thấy ảnh này.")
	ErrNotEditor     = apperr.New(apperr.Forbidden, "product_edit_forbidden", "Chỉ lãnh đạo, chuyên viên và quản trị đơn vị cập nhật sản phẩm.")
	ErrInvalid       = apperr.New(apperr.Invalid, "invalid_product_input", "Thông tin sản phẩm chưa hợp lệ; xem từng mục.")
	ErrGTINTaken     = apperr.New(apperr.Conflict, "gtin_taken", "Mã GTIN này đã gán cho một sản phẩm khác.")
	ErrBatchExists   = apperr.New(apperr.Conflict, "batch_exists", "Sản phẩm đã có lô mang số này.")
	ErrNoGTIN        = apperr.New(apperr.Invalid, "product_without_gtin", "Sản phẩm chưa có mã GTIN: nhập mã GTIN trước khi tạo lô để in mã QR truy xuất.")
	ErrPhotoType     = apperr.New(apperr.Invalid, "product_photo_not_image", "Ảnh sản phẩm phải là ảnh JPEG hoặc PNG.")
	ErrPhotos        = apperr.New(apperr.Invalid, "product_photos_full", fmt.Sprintf("Mỗi sản phẩm có tối đa %d ảnh.", MaxPhotos))
	ErrNoPhotos      = apperr.New(apperr.Unavailable, "photos_unavailable", "Chưa cấu hình nơi lưu ảnh.")
	ErrUnit          = apperr.New(apperr.Invalid, "invalid_unit", "Mã đơn vị không hợp lệ.")
)

// FieldError lists the problems of an input by field, to draw each at its input.
type FieldError struct{ Fields map[string]string }

func (e *FieldError) Error() string { return ErrInvalid.Error() }

// Unwrap makes the error's kind and code ErrInvalid's.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Details lists the fields' problems for the API (sorted by field).
func (e *FieldError) Details() []apperr.Detail {
	var out []apperr.Detail
	for _, k := range fieldOrder {
		if m, ok := e.Fields[k]; ok {
			out = append(out, apperr.Detail{Field: k, Message: m})
		}
	}
	return out
}

var fieldOrder = []string{"name", "category", "gtin", "producer_name", "village", "phone", "zalo", "description",
	"price_min", "price_max", "price_unit", "stars", "year", "score_a", "score_b", "score_c", "certificates", "links",
	"lot", "produced_on", "expires_on", "producer", "inputs"}

// oneLine trims s and folds its runs of white space into one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n || !utf8.ValidString(s) }

// checkURL accepts an absolute https link to a host, without credentials.
func checkURL(s string) (string, bool) {
	if s == "" || len(s) > MaxURL {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" ||
		strings.ContainsAny(s, " \t\r\n\\<>\"") {
		return "", false
	}
	return u.String(), true
}
