-- The service centre's floor (issue 28): service groups, desks, kiosks, queue tickets
-- numbered per unit, day and group, and the calls the hall hears.
CREATE TABLE queue_groups (
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    code          TEXT NOT NULL,                -- tu-phap-ho-tich
    letter        TEXT NOT NULL,                -- the tickets' prefix: A
    name          TEXT NOT NULL,
    sort_order    INTEGER NOT NULL DEFAULT 0,
    slot_minutes  INTEGER NOT NULL DEFAULT 30,  -- booked visits: the slots' length
    slot_capacity INTEGER NOT NULL DEFAULT 4,   -- and how many each takes
    PRIMARY KEY (unit_id, code)
);
CREATE UNIQUE INDEX queue_groups_letter ON queue_groups(unit_id, letter);

CREATE TABLE queue_desks (
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    number     INTEGER NOT NULL,
    group_codes TEXT NOT NULL DEFAULT '',        -- group codes separated by spaces; '' every group
    holder_id  BIGINT REFERENCES users(id),     -- the officer who calls tickets to it
    PRIMARY KEY (unit_id, number)
);

CREATE TABLE queue_kiosks (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    code    TEXT NOT NULL,
    printer TEXT NOT NULL DEFAULT '',           -- host:port of its ESC/POS printer; '' none
    PRIMARY KEY (unit_id, code)
);

-- One row per unit, day and group; incremented in the transaction that inserts the
-- ticket, so a number is never given twice.
CREATE TABLE queue_sequences (
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    day        TEXT NOT NULL,
    group_code TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (unit_id, day, group_code)
);

CREATE TABLE queue_tickets (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    day          TEXT NOT NULL,
    group_code   TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    number       TEXT NOT NULL,
    priority     TEXT NOT NULL DEFAULT '',      -- '', elderly, disabled, pregnant, booked
    status       TEXT NOT NULL,                 -- waiting, called, done, skipped
    desk         INTEGER NOT NULL DEFAULT 0,    -- calling desk, or the desk a transfer sent it to
    officer_id   BIGINT REFERENCES users(id),
    kiosk        TEXT NOT NULL DEFAULT '',
    token        TEXT NOT NULL,                 -- the phone's link to the ticket
    booking_id   BIGINT,
    dossier_code TEXT,
    taken_at     TIMESTAMP NOT NULL,
    called_at    TIMESTAMP,
    finished_at  TIMESTAMP,
    calls        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX queue_tickets_number ON queue_tickets(unit_id, day, number);
CREATE UNIQUE INDEX queue_tickets_token ON queue_tickets(token);
CREATE INDEX queue_tickets_open ON queue_tickets(unit_id, day, status);

CREATE TABLE queue_calls (
    id        INTEGER PRIMARY KEY,
    unit_id   BIGINT NOT NULL REFERENCES units(id),
    day       TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES queue_tickets(id),
    number    TEXT NOT NULL,
    desk      INTEGER NOT NULL,
    called_at TIMESTAMP NOT NULL
);
CREATE INDEX queue_calls_day ON queue_calls(unit_id, day, id);

-- Moves on with every change of a unit's floor: the calling screens of every instance
-- poll it and read the floor again only when it moved.
CREATE TABLE queue_revisions (
    unit_id BIGINT PRIMARY KEY REFERENCES units(id),
    n       BIGINT NOT NULL
);

-- The ticket a counter dossier was received from.
ALTER TABLE dossiers ADD COLUMN queue_ticket TEXT;
