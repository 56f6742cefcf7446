-- Tele-health booking (internal/telehealth, docs/TELEHEALTH.md): the commune health
-- station's consultation slots (a doctor, a kind: video, phone or at the station, a start
-- and a length) and citizens' bookings of them. A slot holds at most one live booking:
-- active_slot is the slot's id while the booking stands (booked, attended, no-show) and
-- NULL once cancelled, under a UNIQUE index, so that of many bookings of one slot at once
-- exactly one is stored (NULLs never collide on either engine).
-- reason is health data: blanked at cancellation and a day after the slot; name and phone
-- thirty days after it (xaso telehealth purge, run by serve); person_hash (a hash of the
-- phone or the account) stays to count the people reached in the year.
CREATE TABLE telehealth_slots (
    id         INTEGER PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    doctor     TEXT NOT NULL,
    kind       TEXT NOT NULL,           -- video, phone, station
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX telehealth_slots_unit ON telehealth_slots(unit_id, starts_at);

CREATE TABLE telehealth_bookings (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL,             -- "KB-7KQ2MX9A"
    slot_id      BIGINT NOT NULL REFERENCES telehealth_slots(id),
    active_slot  BIGINT REFERENCES telehealth_slots(id),
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    user_id      BIGINT REFERENCES users(id),
    secret_hash  TEXT NOT NULL,
    room         TEXT NOT NULL,             -- the video room's random name (128 bits)
    name         TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',  -- E.164
    reason       TEXT NOT NULL DEFAULT '',
    person_hash  TEXT NOT NULL,
    status       TEXT NOT NULL,             -- booked, cancelled, attended, no_show
    booked_at    TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP,
    marked_at    TIMESTAMP,
    purged_at    TIMESTAMP
);
CREATE UNIQUE INDEX telehealth_bookings_code ON telehealth_bookings(code);
CREATE UNIQUE INDEX telehealth_bookings_active ON telehealth_bookings(active_slot);
CREATE INDEX telehealth_bookings_slot ON telehealth_bookings(slot_id);
CREATE INDEX telehealth_bookings_user ON telehealth_bookings(user_id);
