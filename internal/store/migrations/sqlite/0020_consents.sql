-- A citizen's recorded consent that someone else acts for them (issue 15: a volunteer of
-- the community digital team files only with it; issue 21 adds purposes). A record is
-- never edited but to end it: revoking sets revoked_at, a new grant is a new row.
CREATE TABLE consents (
    id           INTEGER PRIMARY KEY,
    citizen_id   BIGINT NOT NULL REFERENCES users(id),
    volunteer_id BIGINT NOT NULL REFERENCES users(id),
    unit_id      BIGINT NOT NULL REFERENCES units(id), -- where the volunteer serves
    purpose      TEXT NOT NULL,                        -- consent.Purpose: assisted_filing, …
    text         TEXT NOT NULL,                        -- the words the citizen agreed to
    given_at     TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
-- At most one standing consent per citizen, volunteer, unit and purpose.
CREATE UNIQUE INDEX consents_active ON consents(citizen_id, volunteer_id, unit_id, purpose) WHERE revoked_at IS NULL;
CREATE INDEX consents_volunteer ON consents(volunteer_id, purpose) WHERE revoked_at IS NULL;

-- The consent an assisted dossier was filed under: the volunteer sees the dossier while
-- that consent stands.
ALTER TABLE dossiers ADD COLUMN consent_id BIGINT REFERENCES consents(id);
CREATE INDEX dossiers_assisted ON dossiers(assisted_by, submitted_at) WHERE assisted_by IS NOT NULL;
