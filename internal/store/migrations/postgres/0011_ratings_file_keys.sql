-- The citizen's rating of the service (Decision 766, satisfaction): one per dossier,
-- given when the result is ready or the dossier has ended, counted by the day it was given.
CREATE TABLE dossier_ratings (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id),
    unit_id    BIGINT NOT NULL REFERENCES units(id), -- the dossier's competent unit
    rating     TEXT NOT NULL CHECK (rating IN ('satisfied', 'neutral', 'dissatisfied')),
    comment    TEXT NOT NULL,
    rated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX dossier_ratings_unit_at ON dossier_ratings(unit_id, rated_at);

-- Idempotency-Key of an upload: the same key on the same dossier with the same file
-- answers with the file recorded the first time; with another file it is refused.
ALTER TABLE dossier_files ADD COLUMN idem_key TEXT;
ALTER TABLE dossier_files ADD COLUMN idem_hash TEXT;
CREATE UNIQUE INDEX dossier_files_idem ON dossier_files(dossier_id, idem_key) WHERE idem_key IS NOT NULL;
