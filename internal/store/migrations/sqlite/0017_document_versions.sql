-- A signed document keeps its code across its signatures (docs/SIGNATURES.md): the
-- leader's signature registers version 1 of <dossier code>-KQ<n>, the clerk's seal on it
-- version 2, so the QR code stamped before the first signature finds the final file.
-- kind tells results (counted by the Decision 766 e-result indicator) from the forms
-- 01–06 seal-signed by the organisation (<dossier code>-PH<n>). A key may carry the
-- image its signatures show: the leader's handwritten signature (blue) or the
-- organisation's seal (red), transparent PNG (Decree 30/2020, Appendix I).
CREATE TABLE issued_documents_v (
    sha256        TEXT PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    dossier_code  TEXT NOT NULL,
    document_code TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    kind          TEXT NOT NULL DEFAULT 'result' CHECK (kind IN ('result', 'form')),
    issued_at     TIMESTAMP NOT NULL,
    UNIQUE (document_code, version)
);
INSERT INTO issued_documents_v (sha256, unit_id, dossier_code, document_code, issued_at)
    SELECT sha256, unit_id, dossier_code, document_code, issued_at FROM issued_documents;
DROP TABLE issued_documents;
ALTER TABLE issued_documents_v RENAME TO issued_documents;
CREATE INDEX issued_documents_dossier ON issued_documents(dossier_code);

ALTER TABLE signing_keys ADD COLUMN image BLOB;
