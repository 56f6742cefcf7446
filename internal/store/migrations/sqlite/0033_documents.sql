-- Official documents (issue 19, Decree 30/2020/NĐ-CP): the incoming and outgoing
-- registers of each unit, the leader's direction, files (hồ sơ công việc) and the
-- dispatch rows an issue owes its recipients. docs/DOCUMENTS.md is the reference.
CREATE TABLE document_files (
    id              INTEGER PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    code            TEXT NOT NULL,
    title           TEXT NOT NULL,
    retention_years INTEGER NOT NULL,  -- 0: permanent (vĩnh viễn)
    year            INTEGER NOT NULL,
    ended_on        TEXT,              -- the day the work ended (YYYY-MM-DD)
    created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX document_files_code ON document_files(unit_id, code);

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    direction       TEXT NOT NULL,            -- incoming | outgoing
    type_code       TEXT NOT NULL,            -- document.Types ('' : not stated)
    subject         TEXT NOT NULL,
    sender          TEXT NOT NULL DEFAULT '', -- issuing body of an incoming one
    recipients      TEXT NOT NULL DEFAULT '[]', -- JSON array of an outgoing one's recipients
    drafting_unit   TEXT NOT NULL DEFAULT '',
    search_text     TEXT NOT NULL,            -- folded subject, sender, notation
    year            INTEGER NOT NULL,         -- of the number (outgoing) or arrival (incoming), Vietnam time
    sequence        TEXT,                     -- the outgoing sequence its number was taken from
    number          INTEGER,                  -- outgoing: the number issued; incoming: its own number
    number_notation TEXT NOT NULL DEFAULT '',
    arrival_number  INTEGER,                  -- incoming: số đến
    dup_key         TEXT,                     -- incoming: folded sender | notation | date
    urgency         TEXT NOT NULL,
    confidential    BOOLEAN NOT NULL DEFAULT FALSE,
    legal           BOOLEAN NOT NULL DEFAULT FALSE,
    issued_on       TEXT,
    received_at     TIMESTAMP,
    source          TEXT NOT NULL DEFAULT '', -- incoming: paper | email | exchange
    status          TEXT NOT NULL,
    paper           BOOLEAN NOT NULL DEFAULT FALSE,
    signed_blob     TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]', -- JSON array of blob keys
    file_id         BIGINT REFERENCES document_files(id),
    handler_id      BIGINT REFERENCES users(id),
    supporting      TEXT NOT NULL DEFAULT '',
    instruction     TEXT NOT NULL DEFAULT '',
    deadline        TEXT,
    progress        TEXT NOT NULL DEFAULT '',
    reply_to        BIGINT REFERENCES documents(id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
-- Outgoing numbers are unique per unit, year and sequence; arrival numbers per unit and
-- year; an incoming document is registered once (NULLs never collide).
CREATE UNIQUE INDEX documents_number ON documents(unit_id, year, sequence, number);
CREATE UNIQUE INDEX documents_arrival ON documents(unit_id, year, arrival_number);
CREATE UNIQUE INDEX documents_duplicate ON documents(unit_id, dup_key);
CREATE INDEX documents_register ON documents(unit_id, direction, year, created_at);
CREATE INDEX documents_handler ON documents(handler_id, status);

-- One counter row per unit, year and sequence ('den' is the arrival sequence), taken
-- with INSERT … ON CONFLICT DO UPDATE … RETURNING in the issuing transaction.
CREATE TABLE document_sequences (
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    year     INTEGER NOT NULL,
    sequence TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year, sequence)
);

-- A unit's settings: its abbreviation in symbols and which types share a sequence.
CREATE TABLE document_settings (
    unit_id      BIGINT PRIMARY KEY REFERENCES units(id),
    abbreviation TEXT NOT NULL,
    type_groups  TEXT NOT NULL DEFAULT '{}' -- JSON: type code → sequence name
);

-- The outbox of documents issued (kind document_dispatch): one row per recipient,
-- written in the issuing transaction; the exchange and e-mail senders claim them.
CREATE TABLE document_dispatches (
    id              INTEGER PRIMARY KEY,
    document_id     BIGINT NOT NULL REFERENCES documents(id),
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    kind            TEXT NOT NULL DEFAULT 'document_dispatch',
    recipient       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending', -- pending, sent, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    sent_at         TIMESTAMP
);
CREATE INDEX document_dispatches_due ON document_dispatches(status, next_attempt_at);
CREATE INDEX document_dispatches_document ON document_dispatches(document_id);
