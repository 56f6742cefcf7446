-- Working calendar: the yearly decisions (extra days off, swapped working days) entered by
-- administrators, each unit's office hours, and a revision counter per scope that lets
-- every instance notice a change without polling the tables themselves.

CREATE TABLE calendar_decisions (
    id         INTEGER PRIMARY KEY,
    unit_id    BIGINT REFERENCES units(id), -- NULL: nationwide (reference data)
    number     TEXT NOT NULL,
    signed_on  TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX calendar_decisions_unit ON calendar_decisions(unit_id);

CREATE TABLE calendar_days (
    decision_id BIGINT NOT NULL REFERENCES calendar_decisions(id) ON DELETE CASCADE,
    unit_id     BIGINT REFERENCES units(id),
    day         TEXT NOT NULL,
    off         BOOLEAN NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (decision_id, day)
);

CREATE TABLE office_hours (
    unit_id    BIGINT PRIMARY KEY REFERENCES units(id),
    monday     TEXT NOT NULL,
    tuesday    TEXT NOT NULL,
    wednesday  TEXT NOT NULL,
    thursday   TEXT NOT NULL,
    friday     TEXT NOT NULL,
    saturday   TEXT NOT NULL,
    sunday     TEXT NOT NULL,
    makeup     TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE calendar_revisions (
    scope_id BIGINT PRIMARY KEY, -- unit id, 0 for nationwide
    revision BIGINT NOT NULL
);
