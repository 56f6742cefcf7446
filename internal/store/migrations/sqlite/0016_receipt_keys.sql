-- Each collecting unit's own key for signing its electronic fee receipts and daily
-- summaries (XML-DSig; docs/PAYMENTS.md §5). Receipts are issued without a human (the
-- bank's notification settles a request), so the private key is sealed with the server's
-- key-encryption key (XASO_RECEIPT_KEK: HKDF-SHA-256, AES-256-GCM, bound to the unit and
-- the certificate), not with a passphrase. kek_id names the KEK that sealed it. The
-- newest row without retired_at is the unit's key; replaced keys stay so that receipts
-- they signed are still recognised as the unit's. A certificate belongs to one unit.
CREATE TABLE receipt_keys (
    id          INTEGER PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    subject     TEXT NOT NULL,
    serial      TEXT NOT NULL,
    not_before  TIMESTAMP NOT NULL,
    not_after   TIMESTAMP NOT NULL,
    cert_sha256 TEXT NOT NULL UNIQUE,
    chain_pem   TEXT NOT NULL,   -- the certificate, then its issuers as the file gave them
    kek_id      TEXT NOT NULL,
    sealed_key  BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP
);
CREATE INDEX receipt_keys_unit ON receipt_keys(unit_id, id);
