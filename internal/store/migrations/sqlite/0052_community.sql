-- The commune's community side (internal/community, docs/COMMUNITY.md): villages get a
-- stable code (the commune's code and a two-digit number), a kind and a leader; dated
-- counts and coverage facts; the community digital technology teams' members (one team
-- per village), their training and their visits; citizens' help requests with their
-- status history. Dates are ISO text (YYYY-MM-DD), compared as text.
ALTER TABLE villages ADD COLUMN code TEXT NOT NULL DEFAULT '';
ALTER TABLE villages ADD COLUMN kind TEXT NOT NULL DEFAULT 'thon';
ALTER TABLE villages ADD COLUMN leader_name TEXT NOT NULL DEFAULT '';
UPDATE villages SET code = (SELECT u.code FROM units u WHERE u.id = villages.unit_id) || '-' ||
    printf('%02d', (SELECT COUNT(*) FROM villages v2 WHERE v2.unit_id = villages.unit_id AND v2.id <= villages.id));
CREATE UNIQUE INDEX villages_code ON villages(code);

CREATE TABLE village_counts (
    id         INTEGER PRIMARY KEY,
    village_id BIGINT NOT NULL REFERENCES villages(id),
    as_of      TEXT NOT NULL,
    households INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    source     TEXT NOT NULL,
    entered_by BIGINT REFERENCES users(id),
    entered_at TIMESTAMP NOT NULL
);
CREATE INDEX village_counts_village ON village_counts(village_id, as_of);

CREATE TABLE village_coverage (
    id         INTEGER PRIMARY KEY,
    village_id BIGINT NOT NULL REFERENCES villages(id),
    kind       TEXT NOT NULL,          -- fibre, mobile_broadband, public_wifi, loudspeaker
    available  BOOLEAN NOT NULL,
    as_of      TEXT NOT NULL,
    source     TEXT NOT NULL,
    cluster_id BIGINT,                 -- broadcast_clusters(id) for loudspeaker
    entered_by BIGINT REFERENCES users(id),
    entered_at TIMESTAMP NOT NULL
);
CREATE INDEX village_coverage_village ON village_coverage(village_id, kind, as_of);

CREATE TABLE team_members (
    id         INTEGER PRIMARY KEY,
    village_id BIGINT NOT NULL REFERENCES villages(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    phone      TEXT NOT NULL,
    joined_on  TEXT NOT NULL,
    left_on    TEXT NOT NULL DEFAULT '',
    UNIQUE (village_id, user_id, joined_on)
);
CREATE INDEX team_members_user ON team_members(user_id);

CREATE TABLE team_trainings (
    id          INTEGER PRIMARY KEY,
    member_id   BIGINT NOT NULL REFERENCES team_members(id),
    course      TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    certificate TEXT NOT NULL DEFAULT ''
);

CREATE TABLE team_visits (
    id          INTEGER PRIMARY KEY,
    member_id   BIGINT NOT NULL REFERENCES team_members(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    village_id  BIGINT NOT NULL REFERENCES villages(id),
    visited_on  TEXT NOT NULL,
    households  INTEGER NOT NULL,
    installs    INTEGER NOT NULL,
    accounts    INTEGER NOT NULL,
    payments    INTEGER NOT NULL,
    note        TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX team_visits_user ON team_visits(user_id, visited_on);
CREATE INDEX team_visits_village ON team_visits(village_id, visited_on);

CREATE TABLE help_requests (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    village_id  BIGINT NOT NULL REFERENCES villages(id),
    topic       TEXT NOT NULL,
    description TEXT NOT NULL,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    owner_id    BIGINT REFERENCES users(id),
    filed_by    BIGINT REFERENCES users(id),
    secret_hash TEXT NOT NULL,
    client_hash TEXT NOT NULL,
    status      TEXT NOT NULL,
    filed_at    TIMESTAMP NOT NULL,
    due_at      TIMESTAMP NOT NULL,
    assignee_id BIGINT REFERENCES users(id),
    assignee    TEXT NOT NULL DEFAULT '',
    closed_at   TIMESTAMP,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX help_requests_unit ON help_requests(unit_id, status, due_at);
CREATE INDEX help_requests_client ON help_requests(client_hash, filed_at);

CREATE TABLE help_request_events (
    id         INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES help_requests(id),
    status     TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX help_request_events_request ON help_request_events(request_id, id);

-- The digital-transformation indicators' manual values (community.Definitions are the
-- versioned definitions): per unit, indicator and year, with their source and date; the
-- latest entered wins, the older ones kept.
CREATE TABLE dx_values (
    id         INTEGER PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    indicator  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    value      REAL NOT NULL,
    source     TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    entered_by BIGINT REFERENCES users(id),
    entered_at TIMESTAMP NOT NULL
);
CREATE INDEX dx_values_unit ON dx_values(unit_id, year, indicator);
