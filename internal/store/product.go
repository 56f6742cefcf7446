package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/product"
)

// The commune's products, their photos, links and batches (internal/product, migration
// 0058).

const productColumns = `p.id, p.unit_id, p.slug, p.name, p.category, COALESCE(p.gtin, ''), p.producer_name, p.village, p.phone, p.zalo,
	p.description, p.price_min, p.price_max, p.price_unit, p.ocop_stars, p.ocop_year, p.score_a, p.score_b, p.score_c, p.views, p.updated_at`

// productFields are the fields an audit record of a product names.
var productFields = []string{"name", "category", "gtin", "producer_name", "village", "phone", "zalo", "description",
	"price_min", "price_max", "price_unit", "ocop_stars", "ocop_year", "score_a", "score_b", "score_c", "certificates", "links"}

// Products lists a unit's products, a category's when cat ≠ "".
func (s *Store) Products(ctx context.Context, unitID int64, cat product.Category) ([]product.Product, error) {
	if cat == "" {
		return s.products(ctx, `p.unit_id = $1`, unitID)
	}
	return s.products(ctx, `p.unit_id = $1 AND p.category = $2`, unitID, string(cat))
}

// Product loads a product with its certificates, links and photos.
func (s *Store) Product(ctx context.Context, id int64) (product.Product, error) {
	return s.oneProduct(ctx, `p.id = $1`, id)
}

// ProductBySlug loads a product by its page's name.
func (s *Store) ProductBySlug(ctx context.Context, slug string) (product.Product, error) {
	return s.oneProduct(ctx, `p.slug = $1`, slug)
}

// ProductByGTIN loads a product by its GTIN (14 digits).
func (s *Store) ProductByGTIN(ctx context.Context, gtin string) (product.Product, error) {
	return s.oneProduct(ctx, `p.gtin = $1`, gtin)
}

func (s *Store) oneProduct(ctx context.Context, where string, arg any) (product.Product, error) {
	ps, err := s.products(ctx, where, arg)
	if err != nil {
		return product.Product{}, err
	}
	if len(ps) == 0 {
		return product.Product{}, product.ErrNotFound
	}
	return ps[0], nil
}

func (s *Store) products(ctx context.Context, where string, args ...any) ([]product.Product, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+productColumns+` FROM products p WHERE `+where+` ORDER BY p.name, p.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []product.Product
	index := map[int64]int{}
	for rows.Next() {
		var p product.Product
		r := &p.Rating
		if err := rows.Scan(&p.ID, &p.UnitID, &p.Slug, &p.Name, &p.Category, &p.GTIN, &p.Producer.Name, &p.Producer.Village,
			&p.Producer.Phone, &p.Producer.Zalo, &p.Description, &p.PriceMin, &p.PriceMax, &p.PriceUnit, &r.Stars, &r.Year,
			&r.A, &r.B, &r.C, &p.Views, &p.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		p.UpdatedAt = p.UpdatedAt.UTC()
		index[p.ID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, mapErr(err)
	}
	join := ` x JOIN products p ON p.id = x.product_id WHERE ` + where
	crows, err := s.r.QueryContext(ctx, `SELECT x.product_id, x.text FROM product_certificates`+join+` ORDER BY x.position, x.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	for crows.Next() {
		var id int64
		var text string
		if err := crows.Scan(&id, &text); err != nil {
			crows.Close()
			return nil, err
		}
		out[index[id]].Certificates = append(out[index[id]].Certificates, text)
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, mapErr(err)
	}
	lrows, err := s.r.QueryContext(ctx, `SELECT x.product_id, x.id, x.label, x.url, x.clicks FROM product_links`+join+` ORDER BY x.position, x.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	for lrows.Next() {
		var id int64
		var l product.Link
		if err := lrows.Scan(&id, &l.ID, &l.Label, &l.URL, &l.Clicks); err != nil {
			lrows.Close()
			return nil, err
		}
		out[index[id]].Links = append(out[index[id]].Links, l)
	}
	lrows.Close()
	if err := lrows.Err(); err != nil {
		return nil, mapErr(err)
	}
	prows, err := s.r.QueryContext(ctx, `SELECT x.id, x.product_id, x.blob_key, x.content_type, x.width, x.height FROM product_photos`+join+` ORDER BY x.id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer prows.Close()
	for prows.Next() {
		var ph product.Photo
		if err := prows.Scan(&ph.ID, &ph.ProductID, &ph.BlobKey, &ph.ContentType, &ph.Width, &ph.Height); err != nil {
			return nil, err
		}
		out[index[ph.ProductID]].Photos = append(out[index[ph.ProductID]].Photos, ph)
	}
	return out, mapErr(prows.Err())
}

// SlugTaken reports whether a product other than id has slug.
func (s *Store) SlugTaken(ctx context.Context, slug string, id int64) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM products WHERE slug = $1 AND id <> $2`, slug, id).Scan(&n)
	return n > 0, mapErr(err)
}

// CreateProduct stores a product with its certificates and links, audited.
func (s *Store) CreateProduct(ctx context.Context, p product.Product, by int64) (product.Product, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r := p.Rating
		err := tx.QueryRowContext(ctx, `INSERT INTO products (unit_id, slug, name, category, gtin, producer_name, village, phone, zalo,
			description, price_min, price_max, price_unit, ocop_stars, ocop_year, score_a, score_b, score_c, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
			p.UnitID, p.Slug, p.Name, string(p.Category), nullString(p.GTIN), p.Producer.Name, p.Producer.Village, p.Producer.Phone,
			p.Producer.Zalo, p.Description, p.PriceMin, p.PriceMax, p.PriceUnit, r.Stars, r.Year, r.A, r.B, r.C, nullID(by),
			p.UpdatedAt.UTC()).Scan(&p.ID)
		if isUnique(err) {
			return product.ErrGTINTaken.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: product: %w", err)
		}
		if err := s.saveProductLists(ctx, tx, &p, nil); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: p.UnitID, Action: "product.create", ObjectType: "product",
			ObjectID: strconv.FormatInt(p.ID, 10), Fields: productFields})
	})
	return p, err
}

// UpdateProduct replaces a product's fields, certificates and links, audited; a link
// kept (the same URL) keeps its clicks.
func (s *Store) UpdateProduct(ctx context.Context, p product.Product, by int64) (product.Product, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		r := p.Rating
		res, err := tx.ExecContext(ctx, `UPDATE products SET name = $1, category = $2, gtin = $3, producer_name = $4, village = $5,
			phone = $6, zalo = $7, description = $8, price_min = $9, price_max = $10, price_unit = $11, ocop_stars = $12, ocop_year = $13,
			score_a = $14, score_b = $15, score_c = $16, updated_by = $17, updated_at = $18 WHERE id = $19`,
			p.Name, string(p.Category), nullString(p.GTIN), p.Producer.Name, p.Producer.Village, p.Producer.Phone, p.Producer.Zalo,
			p.Description, p.PriceMin, p.PriceMax, p.PriceUnit, r.Stars, r.Year, r.A, r.B, r.C, nullID(by), p.UpdatedAt.UTC(), p.ID)
		if isUnique(err) {
			return product.ErrGTINTaken.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: product %d: %w", p.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return product.ErrNotFound
		}
		clicks := map[string]int{}
		rows, err := tx.QueryContext(ctx, `SELECT url, clicks FROM product_links WHERE product_id = $1`, p.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u string
			var n int
			if err := rows.Scan(&u, &n); err != nil {
				rows.Close()
				return err
			}
			clicks[u] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM product_certificates WHERE product_id = $1`, `DELETE FROM product_links WHERE product_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, p.ID); err != nil {
				return err
			}
		}
		if err := s.saveProductLists(ctx, tx, &p, clicks); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: p.UnitID, Action: "product.update", ObjectType: "product",
			ObjectID: strconv.FormatInt(p.ID, 10), Fields: productFields})
	})
	return p, err
}

func (s *Store) saveProductLists(ctx context.Context, tx *sql.Tx, p *product.Product, clicks map[string]int) error {
	for i, c := range p.Certificates {
		if _, err := tx.ExecContext(ctx, `INSERT INTO product_certificates (product_id, position, text) VALUES ($1, $2, $3)`,
			p.ID, i, c); err != nil {
			return fmt.Errorf("store: product certificate: %w", err)
		}
	}
	for i := range p.Links {
		l := &p.Links[i]
		l.Clicks = clicks[l.URL]
		delete(clicks, l.URL) // a URL listed twice keeps its clicks once
		if err := tx.QueryRowContext(ctx, `INSERT INTO product_links (product_id, position, label, url, clicks) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, p.ID, i, l.Label, l.URL, l.Clicks).Scan(&l.ID); err != nil {
			return fmt.Errorf("store: product link: %w", err)
		}
	}
	return nil
}

// AddProductPhoto stores a photo of a product unless it has max of them, audited.
func (s *Store) AddProductPhoto(ctx context.Context, unitID int64, ph product.Photo, max int, by int64) (product.Photo, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM product_photos WHERE product_id = $1`, ph.ProductID).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return product.ErrPhotos
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO product_photos (product_id, blob_key, content_type, width, height, added_by, added_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, ph.ProductID, ph.BlobKey, ph.ContentType, ph.Width, ph.Height,
			nullID(by), s.timestamp()).Scan(&ph.ID); err != nil {
			return fmt.Errorf("store: product photo: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "product.photo", ObjectType: "product",
			ObjectID: strconv.FormatInt(ph.ProductID, 10), Fields: []string{"photo"}})
	})
	return ph, err
}

// ProductPhoto loads a photo's record.
func (s *Store) ProductPhoto(ctx context.Context, id int64) (product.Photo, error) {
	var ph product.Photo
	err := s.r.QueryRowContext(ctx, `SELECT id, product_id, blob_key, content_type, width, height FROM product_photos WHERE id = $1`, id).
		Scan(&ph.ID, &ph.ProductID, &ph.BlobKey, &ph.ContentType, &ph.Width, &ph.Height)
	return ph, notFound(err, product.ErrPhotoNotFound)
}

// CountProductView counts a view of a product's page (a counter, not audited).
func (s *Store) CountProductView(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE products SET views = views + 1 WHERE id = $1`, id)
		return err
	})
}

// CountProductClick counts a click on one of a product's links and returns the link.
func (s *Store) CountProductClick(ctx context.Context, productID, linkID int64) (product.Link, error) {
	var l product.Link
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE product_links SET clicks = clicks + 1 WHERE id = $1 AND product_id = $2
			RETURNING id, label, url, clicks`, linkID, productID).Scan(&l.ID, &l.Label, &l.URL, &l.Clicks)
		return notFound(err, product.ErrLinkNotFound)
	})
	return l, err
}

// CreateBatch stores a batch of a product, audited.
func (s *Store) CreateBatch(ctx context.Context, unitID int64, b product.Batch, by int64) (product.Batch, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO product_batches (product_id, lot, produced_on, expires_on, producer, inputs, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, b.ProductID, b.Lot, b.Produced.String(), dateText(b.Expires),
			b.Producer, b.Inputs, nullID(by), b.CreatedAt.UTC()).Scan(&b.ID)
		if isUnique(err) {
			return product.ErrBatchExists.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: product batch: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "product.batch", ObjectType: "product_batch",
			ObjectID: strconv.FormatInt(b.ID, 10), Fields: []string{"product_id", "lot", "produced_on", "expires_on", "producer", "inputs"}})
	})
	return b, err
}

const batchColumns = `id, product_id, lot, produced_on, expires_on, producer, inputs, created_at`

func scanBatch(row interface{ Scan(...any) error }) (product.Batch, error) {
	var b product.Batch
	var produced, expires string
	err := row.Scan(&b.ID, &b.ProductID, &b.Lot, &produced, &expires, &b.Producer, &b.Inputs, &b.CreatedAt)
	b.Produced, b.CreatedAt = parseDate(produced), b.CreatedAt.UTC()
	if expires != "" {
		b.Expires = parseDate(expires)
	}
	return b, err
}

// Batches lists a product's batches, the latest first.
func (s *Store) Batches(ctx context.Context, productID int64) ([]product.Batch, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+batchColumns+` FROM product_batches WHERE product_id = $1
		ORDER BY produced_on DESC, id DESC`, productID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []product.Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, mapErr(rows.Err())
}

// Batch loads a product's batch by its lot.
func (s *Store) Batch(ctx context.Context, productID int64, lot string) (product.Batch, error) {
	b, err := scanBatch(s.r.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM product_batches WHERE product_id = $1 AND lot = $2`,
		productID, lot))
	return b, notFound(err, product.ErrBatchNotFound)
}
