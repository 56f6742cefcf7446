-- A dossier forwarded by the national public-service portal keeps the portal's code: the
-- portal forwards again after a timeout, and the code makes that a replay, not a second
-- dossier; status updates go back under it.
ALTER TABLE dossiers ADD COLUMN national_code TEXT;
CREATE UNIQUE INDEX dossiers_national_code ON dossiers(national_code) WHERE national_code IS NOT NULL;
