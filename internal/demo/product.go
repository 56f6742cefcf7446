package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/product"
	"github.com/xaso-vn/xaso/internal/store"
)

// The demo's product (DOMAIN.md §14, docs/PRODUCTS.md): giò trứng Nộn Khê, a pork roll
// with egg made in the village of Nộn Khê, rated OCOP 3 stars in 2024 (A 24, B 13,
// C 20: 57 points), with a GTIN under GS1's prefix 952, which GS1 keeps for
// demonstrations (never on a real product), and one batch whose QR code resolves. The
// producer, the phone and the links are illustrative.

// ProductGTIN is the demo product's GTIN-13 (check digit 1).
const ProductGTIN = "9520123000011"

// ProductLot is the demo batch's lot; ProductSlug names the product's page.
const (
	ProductLot  = "NK-0001"
	ProductSlug = "gio-trung-non-khe"
)

func demoProducts(ctx context.Context, st *store.Store, commune int64, leader *auth.Principal, now time.Time) error {
	svc := &product.Service{Store: st, Now: func() time.Time { return now }}
	p, err := svc.Create(ctx, leader, commune, product.Input{
		Name: "Giò trứng Nộn Khê", Category: string(product.CatFood), GTIN: ProductGTIN,
		ProducerName: "Cơ sở giò chả Phạm Thị Hằng", Village: "Thôn Nộn Khê", Phone: "0987 654 321", Zalo: "0987654321",
		Description: "Giò trứng làm theo cách truyền thống của làng Nộn Khê: thịt lợn nạc giã tay, trứng vịt luộc nguyên quả " +
			"cuộn giữa, gói lá chuối và luộc chín. Thái ra mặt cắt trắng hồng, lòng đỏ ở giữa. Bảo quản mát 2–6 °C, dùng trong 10 ngày.",
		PriceMin: 180_000, PriceMax: 220_000, PriceUnit: "kg",
		Stars: 3, Year: 2024, ScoreA: 24, ScoreB: 13, ScoreC: 20,
		Certificates: []string{"Giấy chứng nhận sản phẩm OCOP 3 sao, Ủy ban nhân dân tỉnh Ninh Bình, năm 2024",
			"Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"},
		Links: []product.Link{{Label: "Shopee", URL: "https://shopee.vn/gio-trung-non-khe"},
			{Label: "Sàn thương mại điện tử tỉnh", URL: "https://ocop.example.vn/san-pham/gio-trung-non-khe"}},
	})
	if err != nil {
		return fmt.Errorf("demo: product: %w", err)
	}
	today := calendar.DateOf(now.In(locale.Zone))
	_, err = svc.AddBatch(ctx, leader, p.ID, product.BatchInput{Lot: ProductLot, Produced: today.AddDays(-1).String(),
		Expires: today.AddDays(9).String(), Producer: "Cơ sở giò chả Phạm Thị Hằng, thôn Nộn Khê",
		Inputs: "Thịt lợn nạc vai, mông: trang trại Yên Thổ (xã Yên Từ). Trứng vịt: hộ chăn nuôi thôn Yên Phong. Lá chuối, lạt giang: thôn Nộn Khê."})
	if err != nil {
		return fmt.Errorf("demo: product batch: %w", err)
	}
	return nil
}
