-- The citizen app counts its own installs (issue 21, docs/COMMUNITY.md): on its first run
-- it makes a random install id on the device and posts it once; only the id's SHA-256 is
-- kept (idempotent on it), with the unit and the village the app was set up for and
-- when it was first seen. Nothing about the person or the device. The computed indicator
-- app_installs_counted counts these rows.
CREATE TABLE app_installs (
    id         INTEGER PRIMARY KEY,
    id_hash    TEXT NOT NULL UNIQUE,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    village_id BIGINT REFERENCES villages(id),
    first_seen TIMESTAMP NOT NULL
);
CREATE INDEX app_installs_unit ON app_installs(unit_id, first_seen);
