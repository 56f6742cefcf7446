-- Booked visits to the floor and the citizens' ratings of the officer at the desk
-- (issue 28).
CREATE TABLE queue_bookings (
    id            INTEGER PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    group_code    TEXT NOT NULL,
    day           TEXT NOT NULL,
    slot          TEXT NOT NULL,                -- HH:MM, the slot's start
    slot_end      TEXT NOT NULL,
    code          TEXT NOT NULL,                -- typed at the kiosk, in the QR code
    status        TEXT NOT NULL,                -- booked, checked_in, cancelled
    email         TEXT NOT NULL DEFAULT '',     -- for the confirmation and reminder
    ticket_id     BIGINT REFERENCES queue_tickets(id),
    created_at    TIMESTAMP NOT NULL,
    checked_in_at TIMESTAMP,
    cancelled_at  TIMESTAMP
);
CREATE UNIQUE INDEX queue_bookings_code ON queue_bookings(code);
CREATE INDEX queue_bookings_day ON queue_bookings(unit_id, day);

-- Places taken in each slot, taken under the slot's capacity by a conditional update,
-- so concurrent bookings never overfill it.
CREATE TABLE queue_slot_counts (
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    group_code TEXT NOT NULL,
    day        TEXT NOT NULL,
    slot       TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (unit_id, group_code, day, slot)
);

-- A face (1-4) and an optional reason from a fixed list: nothing about the citizen.
CREATE TABLE desk_ratings (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    desk         INTEGER NOT NULL,
    officer_id   BIGINT NOT NULL REFERENCES users(id),
    ticket_id    BIGINT NOT NULL REFERENCES queue_tickets(id),
    dossier_code TEXT,
    score        INTEGER NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX desk_ratings_ticket ON desk_ratings(ticket_id);
CREATE INDEX desk_ratings_unit ON desk_ratings(unit_id, created_at);
