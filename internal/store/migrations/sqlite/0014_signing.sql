-- Digital signatures (docs/SIGNATURES.md).

-- An official's PKCS#12 file, sealed with a key derived from the official's passphrase
-- (argon2id, AES-256-GCM); xaso never stores the passphrase. kind: 'personal' (the
-- leader's own signature) or 'seal' (the organisation's certificate, held by the clerk).
CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL CHECK (kind IN ('personal', 'seal')),
    subject     TEXT NOT NULL,   -- the certificate's subject, for the list
    serial      TEXT NOT NULL,
    not_after   TIMESTAMP NOT NULL,
    cert_sha256 TEXT NOT NULL,
    sealed      BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (user_id, cert_sha256)
);

-- The roots a signer's chain must reach, set by the administrator (the Vietnamese roots;
-- a test CA in demo mode). Never the system store.
CREATE TABLE trust_anchors (
    sha256   TEXT PRIMARY KEY,
    subject  TEXT NOT NULL,
    cert_der BLOB NOT NULL,
    added_at TIMESTAMP NOT NULL
);

-- The register of documents xaso issued: the SHA-256 of the signed PDF, the dossier and
-- the result's code <dossier code>-KQ<n>, so that a verification can say xaso issued it.
CREATE TABLE issued_documents (
    sha256        TEXT PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    dossier_code  TEXT NOT NULL,
    document_code TEXT NOT NULL UNIQUE,
    issued_at     TIMESTAMP NOT NULL
);
CREATE INDEX issued_documents_dossier ON issued_documents(dossier_code);
