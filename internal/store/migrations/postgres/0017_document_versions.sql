-- A signed document keeps its code across its signatures (docs/SIGNATURES.md): the
-- leader's signature registers version 1 of <dossier code>-KQ<n>, the clerk's seal on it
-- version 2, so the QR code stamped before the first signature finds the final file.
-- kind tells results (counted by the Decision 766 e-result indicator) from the forms
-- 01–06 seal-signed by the organisation (<dossier code>-PH<n>). A key may carry the
-- image its signatures show: the leader's handwritten signature (blue) or the
-- organisation's seal (red), transparent PNG (Decree 30/2020, Appendix I).
ALTER TABLE issued_documents DROP CONSTRAINT issued_documents_document_code_key;
ALTER TABLE issued_documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE issued_documents ADD COLUMN kind TEXT NOT NULL DEFAULT 'result' CHECK (kind IN ('result', 'form'));
ALTER TABLE issued_documents ADD CONSTRAINT issued_documents_code_version UNIQUE (document_code, version);

ALTER TABLE signing_keys ADD COLUMN image BYTEA;
