package product_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/product"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

var _ product.Store = storetest.Demo{}.Store

func service(t *testing.T) (*product.Service, storetest.Demo) {
	t.Helper()
	d := storetest.OpenDemo(t)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	return &product.Service{Store: d.Store, Blobs: blobs, Now: func() time.Time { return now }}, d
}

func goodInput() product.Input {
	return product.Input{Name: "Mắm tép Yên Từ", Category: "food", GTIN: "9520123000028", ProducerName: "HTX Yên Từ",
		Village: "Thôn Yên Thổ", Phone: "0912 345 678", Zalo: "https://zalo.me/0912345678", PriceMin: 50_000, PriceMax: 80_000,
		PriceUnit: "hũ 500 g", Stars: 4, Year: 2025, ScoreA: 30, ScoreB: 20, ScoreC: 25,
		Certificates: []string{"Chứng nhận OCOP 4 sao"}, Links: []product.Link{{Label: "Shopee", URL: "https://shopee.vn/mam-tep"}}}
}

// The demo's giò trứng Nộn Khê is in the catalog, rated 3 stars in 2024 with its
// scores, and its batch's Digital Link resolves to the batch.
func TestDemoProductResolves(t *testing.T) {
	ctx := context.Background()
	svc, d := service(t)
	ps, err := svc.List(ctx, d.Unit, product.CatFood)
	if err != nil || len(ps) != 1 {
		t.Fatalf("catalog: %d, %v", len(ps), err)
	}
	p := ps[0]
	if p.Slug != demo.ProductSlug || p.Rating != (product.Rating{Stars: 3, Year: 2024, A: 24, B: 13, C: 20}) ||
		p.Producer.Village != "Thôn Nộn Khê" || len(p.Links) != 2 || len(p.Certificates) != 2 {
		t.Fatalf("demo product: %+v", p)
	}
	k, err := product.ParsePath("/01/" + demo.ProductGTIN + "/10/" + demo.ProductLot)
	if err != nil {
		t.Fatal(err)
	}
	rp, b, err := svc.Resolve(ctx, k)
	if err != nil || rp.ID != p.ID || b.Lot != demo.ProductLot || b.Inputs == "" || b.Expires.IsZero() {
		t.Fatalf("resolve: %+v %+v %v", rp, b, err)
	}
	// Well-formed but unknown: not found.
	if _, _, err := svc.Resolve(ctx, product.Key{GTIN: k.GTIN, Lot: "NK-9999"}); !errors.Is(err, product.ErrBatchNotFound) {
		t.Errorf("unknown lot: %v", err)
	}
	if _, _, err := svc.Resolve(ctx, product.Key{GTIN: "09506000134352"}); !errors.Is(err, product.ErrNotFound) {
		t.Errorf("unknown GTIN: %v", err)
	}
}

// Bad input is refused field by field and nothing is stored: a GTIN of the wrong
// length or check digit, a marketplace link not https, scores above their maxima, stars
// that are not the total's.
func TestCreateRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	svc, d := service(t)
	leader := d.Member(t, "lanhdao", auth.RoleLeader)
	for name, c := range map[string]struct {
		edit  func(*product.Input)
		field string
	}{
		"gtin length":   {func(in *product.Input) { in.GTIN = "952012300002" + "88" }, "gtin"},
		"gtin check":    {func(in *product.Input) { in.GTIN = "9520123000029" }, "gtin"},
		"http link":     {func(in *product.Input) { in.Links[0].URL = "http://shopee.vn/mam-tep" }, "links"},
		"script link":   {func(in *product.Input) { in.Links[0].URL = "javascript:alert(1)" }, "links"},
		"score a":       {func(in *product.Input) { in.ScoreA, in.ScoreC = 41, 14 }, "score_a"},
		"score b":       {func(in *product.Input) { in.ScoreB = 26 }, "score_b"},
		"score c":       {func(in *product.Input) { in.ScoreC = 36 }, "score_c"},
		"stars":         {func(in *product.Input) { in.Stars = 5 }, "stars"},
		"year":          {func(in *product.Input) { in.Year = 2030 }, "year"},
		"prices":        {func(in *product.Input) { in.PriceMax = 10_000 }, "price_max"},
		"phone":         {func(in *product.Input) { in.Phone = "12345" }, "phone"},
		"zalo":          {func(in *product.Input) { in.Zalo = "https://evil.example/zalo" }, "zalo"},
		"category":      {func(in *product.Input) { in.Category = "cars" }, "category"},
		"name":          {func(in *product.Input) { in.Name = strings.Repeat("x", 201) }, "name"},
		"2021 criteria": {func(in *product.Input) { in.Year, in.ScoreA, in.ScoreC = 2021, 36, 19 }, "score_a"},
	} {
		in := goodInput()
		in.Links = append([]product.Link(nil), in.Links...)
		c.edit(&in)
		_, err := svc.Create(ctx, leader, d.Unit, in)
		var fe *product.FieldError
		if !errors.As(err, &fe) || fe.Fields[c.field] == "" || apperr.From(err).Code != "invalid_product_input" {
			t.Errorf("%s: %v", name, err)
		}
	}
	ps, _ := svc.List(ctx, d.Unit, "")
	if len(ps) != 1 {
		t.Fatalf("stored after refusals: %d products", len(ps))
	}
	// Under Decision 1048 (before 2023) C counted 40.
	in := goodInput()
	in.Year, in.ScoreA, in.ScoreB, in.ScoreC = 2021, 20, 15, 38
	if _, err := svc.Create(ctx, leader, d.Unit, in); err != nil {
		t.Fatalf("2021 rating: %v", err)
	}
	// The same GTIN twice: a conflict.
	in = goodInput()
	in.Name = "Mắm tép khác"
	if _, err := svc.Create(ctx, leader, d.Unit, in); !errors.Is(err, product.ErrGTINTaken) {
		t.Fatalf("GTIN twice: %v", err)
	}
	// Officials other than the editors cannot.
	if _, err := svc.Create(ctx, d.Member(t, "motcua", auth.RoleCounter), d.Unit, goodInput()); !errors.Is(err, product.ErrNotEditor) {
		t.Fatalf("counter: %v", err)
	}
	if _, err := svc.Create(ctx, d.Member(t, "tocongnghe", auth.RoleDigitalTeam), d.Unit, goodInput()); !errors.Is(err, product.ErrNotEditor) {
		t.Fatalf("volunteer: %v", err)
	}
}

// A product's links keep their clicks when it is edited; a click counts only on the
// product's own links.
func TestClicksAndUpdate(t *testing.T) {
	ctx := context.Background()
	svc, d := service(t)
	specialist := d.Member(t, "chuyenvien", auth.RoleSpecialist)
	p, err := svc.Create(ctx, specialist, d.Unit, goodInput())
	if err != nil {
		t.Fatal(err)
	}
	if p.Slug != "mam-tep-yen-tu" || p.GTIN != "09520123000028" || p.Producer.Phone != "0912345678" {
		t.Fatalf("created: %+v", p)
	}
	// The creation is audited with the fields' names, never their values.
	recs, _, err := d.Store.AuditRecords(ctx, d.Unit, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.Event.Action == "product.create" && r.Event.ObjectID == strconv.FormatInt(p.ID, 10) {
			found = true
			raw := fmt.Sprintf("%+v", r.Event)
			for _, personal := range []string{"0912345678", "HTX Yên Từ", "shopee"} {
				if strings.Contains(raw, personal) {
					t.Errorf("the audit record holds %q: %s", personal, raw)
				}
			}
		}
	}
	if !found {
		t.Fatal("no audit record of the creation")
	}
	for range 3 {
		if l, err := svc.Click(ctx, p.ID, p.Links[0].ID); err != nil || l.URL != "https://shopee.vn/mam-tep" {
			t.Fatalf("click: %+v %v", l, err)
		}
	}
	demoP, _ := svc.BySlug(ctx, demo.ProductSlug)
	if _, err := svc.Click(ctx, p.ID, demoP.Links[0].ID); !errors.Is(err, product.ErrLinkNotFound) {
		t.Fatalf("another product's link: %v", err)
	}
	if err := svc.Viewed(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	in := goodInput()
	in.Name = "Mắm tép Yên Từ loại 1"
	in.Links = append(in.Links, product.Link{Label: "Lazada", URL: "https://lazada.vn/mam-tep"})
	up, err := svc.Update(ctx, specialist, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Get(ctx, p.ID)
	if err != nil || got.Name != up.Name || got.Slug != p.Slug || len(got.Links) != 2 || got.Links[0].Clicks != 3 ||
		got.Links[1].Clicks != 0 || got.Views != 1 || got.Clicks() != 3 {
		t.Fatalf("after update: %+v %v", got, err)
	}
	// A refused update changes nothing.
	in.ScoreB = 30
	if _, err := svc.Update(ctx, specialist, p.ID, in); err == nil {
		t.Fatal("score B 30 accepted")
	}
	if again, _ := svc.Get(ctx, p.ID); again.Rating.B != 20 {
		t.Fatalf("partially stored: %+v", again.Rating)
	}
}

// Batches: a lot of set 82 once per product, on a product with a GTIN.
func TestBatches(t *testing.T) {
	ctx := context.Background()
	svc, d := service(t)
	admin := d.Member(t, "quantri", auth.RoleUnitAdmin)
	in := goodInput()
	in.GTIN = ""
	noGTIN, err := svc.Create(ctx, admin, d.Unit, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddBatch(ctx, admin, noGTIN.ID, product.BatchInput{Lot: "A1", Produced: "2026-12-01"}); !errors.Is(err, product.ErrNoGTIN) {
		t.Fatalf("no GTIN: %v", err)
	}
	p, _ := svc.BySlug(ctx, demo.ProductSlug)
	for lot, field := range map[string]string{"Lô 1": "lot", "A B": "lot", "": "lot", strings.Repeat("A", 21): "lot"} {
		_, err := svc.AddBatch(ctx, admin, p.ID, product.BatchInput{Lot: lot, Produced: "2026-12-01"})
		var fe *product.FieldError
		if !errors.As(err, &fe) || fe.Fields[field] == "" {
			t.Errorf("lot %q: %v", lot, err)
		}
	}
	for name, b := range map[string]product.BatchInput{
		"future":  {Lot: "B1", Produced: "2026-12-09"},
		"expires": {Lot: "B1", Produced: "2026-12-01", Expires: "2026-11-30"},
		"date":    {Lot: "B1", Produced: "01/12/2026"},
	} {
		if _, err := svc.AddBatch(ctx, admin, p.ID, b); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	b, err := svc.AddBatch(ctx, admin, p.ID, product.BatchInput{Lot: "NK/2026-12", Produced: "2026-12-06", Inputs: "Thịt lợn"})
	if err != nil || b.Producer != p.Producer.Name {
		t.Fatalf("batch: %+v %v", b, err)
	}
	if _, err := svc.AddBatch(ctx, admin, p.ID, product.BatchInput{Lot: "NK/2026-12", Produced: "2026-12-06"}); !errors.Is(err, product.ErrBatchExists) {
		t.Fatalf("twice: %v", err)
	}
	bs, err := svc.Batches(ctx, p.ID)
	if err != nil || len(bs) != 2 || bs[0].Lot != "NK/2026-12" && bs[1].Lot != "NK/2026-12" {
		t.Fatalf("batches: %+v %v", bs, err)
	}
	k, err := product.ParsePath(product.BatchPath(p, b))
	if err != nil || k.Lot != "NK/2026-12" {
		t.Fatalf("path %s: %+v %v", product.BatchPath(p, b), k, err)
	}
}

// Photos are images checked by internal/attach and kept in the blob store.
func TestPhotos(t *testing.T) {
	ctx := context.Background()
	svc, d := service(t)
	leader := d.Member(t, "lanhdao", auth.RoleLeader)
	p, _ := svc.BySlug(ctx, demo.ProductSlug)
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	ph, err := svc.AddPhoto(ctx, leader, p.ID, bytes.NewReader(b.Bytes()))
	if err != nil || ph.Width != 40 || ph.ContentType != "image/png" {
		t.Fatalf("photo: %+v %v", ph, err)
	}
	if _, err := svc.AddPhoto(ctx, leader, p.ID, strings.NewReader("%PDF-1.4\n%%EOF\n")); !errors.Is(err, product.ErrPhotoType) {
		t.Fatalf("pdf: %v", err)
	}
	if _, err := svc.AddPhoto(ctx, leader, p.ID, strings.NewReader("<html>")); apperr.KindOf(err) != apperr.Invalid {
		t.Fatalf("html: %v", err)
	}
	if _, err := svc.AddPhoto(ctx, d.Member(t, "motcua", auth.RoleCounter), p.ID, bytes.NewReader(b.Bytes())); !errors.Is(err, product.ErrNotEditor) {
		t.Fatalf("counter: %v", err)
	}
	got, _ := svc.Get(ctx, p.ID)
	if len(got.Photos) != 1 {
		t.Fatalf("photos: %+v", got.Photos)
	}
	rc, data, err := svc.PhotoPreview(ctx, p.ID, ph.ID)
	if err != nil || rc != "image/jpeg" || len(data) == 0 {
		t.Fatalf("preview: %q %d %v", rc, len(data), err)
	}
}
