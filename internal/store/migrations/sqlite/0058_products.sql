-- The commune's products (internal/product, docs/PRODUCTS.md): the product with its
-- producer, OCOP rating and GTIN; its certificates, marketplace links (with their
-- clicks) and photos (blobs); its batches (lots) with their dates, producer and inputs.
-- Dates are ISO text (YYYY-MM-DD).
CREATE TABLE products (
    id             INTEGER PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    category       TEXT NOT NULL,          -- food, drink, herbal, handicraft, plants, tourism
    gtin           TEXT,                   -- 14 digits; NULL: none
    producer_name  TEXT NOT NULL,
    village        TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    zalo           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    price_min      BIGINT NOT NULL DEFAULT 0,
    price_max      BIGINT NOT NULL DEFAULT 0,
    price_unit     TEXT NOT NULL DEFAULT '',
    ocop_stars     INTEGER NOT NULL DEFAULT 0,  -- 0: not rated
    ocop_year      INTEGER NOT NULL DEFAULT 0,
    score_a        INTEGER NOT NULL DEFAULT 0,
    score_b        INTEGER NOT NULL DEFAULT 0,
    score_c        INTEGER NOT NULL DEFAULT 0,
    views          BIGINT NOT NULL DEFAULT 0,
    updated_by     BIGINT REFERENCES users(id),
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX products_gtin ON products(gtin);
CREATE INDEX products_unit ON products(unit_id, category, name);

CREATE TABLE product_certificates (
    id         INTEGER PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id),
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX product_certificates_product ON product_certificates(product_id, position);

CREATE TABLE product_links (
    id         INTEGER PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id),
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    url        TEXT NOT NULL,              -- https only (checked by the service)
    clicks     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX product_links_product ON product_links(product_id, position);

CREATE TABLE product_photos (
    id           INTEGER PRIMARY KEY,
    product_id   BIGINT NOT NULL REFERENCES products(id),
    blob_key     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    added_by     BIGINT REFERENCES users(id),
    added_at     TIMESTAMP NOT NULL
);
CREATE INDEX product_photos_product ON product_photos(product_id);

CREATE TABLE product_batches (
    id          INTEGER PRIMARY KEY,
    product_id  BIGINT NOT NULL REFERENCES products(id),
    lot         TEXT NOT NULL,
    produced_on TEXT NOT NULL,
    expires_on  TEXT NOT NULL DEFAULT '',
    producer    TEXT NOT NULL,
    inputs      TEXT NOT NULL DEFAULT '',
    created_by  BIGINT REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (product_id, lot)
);
