-- Fees billed at filing (issue 17): a dossier of a fee-bearing procedure gets its payment
-- request in the filing's transaction, unless the counter officer records an exemption
-- with its legal ground, kept here (one row per dossier; by object names in the audit).
CREATE TABLE fee_exemptions (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),     -- the collecting (competent) unit
    dossier_id   BIGINT NOT NULL UNIQUE REFERENCES dossiers(id),
    dossier_code TEXT NOT NULL,
    ground       TEXT NOT NULL,                            -- the legal ground, as typed
    actor_id     BIGINT REFERENCES users(id),
    actor_name   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
