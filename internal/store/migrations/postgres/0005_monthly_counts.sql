-- Monthly roll-up of dossier_counts, kept in the same transaction: a report over a long
-- period sums whole months here and only its partial months in dossier_counts.
CREATE TABLE dossier_counts_monthly (
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    month          TEXT NOT NULL, -- YYYY-MM
    procedure_code TEXT NOT NULL,
    channel        TEXT NOT NULL,
    measure        TEXT NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (unit_id, month, procedure_code, channel, measure)
);
