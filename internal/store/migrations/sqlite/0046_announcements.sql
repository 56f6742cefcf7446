-- The commune's announcements (internal/announce, docs/BROADCAST.md): written by the
-- unit's leader or administrator, published by the leader, shown on the portal between
-- their first and last valid days (ISO dates as text, compared as text), optionally for
-- some villages only (no rows in announcement_villages: the whole commune).
CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    valid_from   TEXT NOT NULL,          -- YYYY-MM-DD
    valid_to     TEXT NOT NULL,          -- YYYY-MM-DD, inclusive
    status       TEXT NOT NULL,          -- draft, published, withdrawn
    created_by   BIGINT NOT NULL REFERENCES users(id),
    published_by BIGINT REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX announcements_unit ON announcements(unit_id, status, valid_from);

CREATE TABLE announcement_villages (
    announcement_id BIGINT NOT NULL REFERENCES announcements(id),
    village_id      BIGINT NOT NULL REFERENCES villages(id),
    PRIMARY KEY (announcement_id, village_id)
);
