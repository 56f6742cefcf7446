-- The procedure catalog (versioned) and the dossiers with their history, attachments,
-- daily code sequences, idempotency keys and statistics counters.

CREATE TABLE procedures (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id), -- whose catalog
    code         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL,            -- draft, published, archived
    name         TEXT NOT NULL,
    field_code   TEXT NOT NULL,
    field_name   TEXT NOT NULL,
    online_level TEXT NOT NULL,
    search       TEXT NOT NULL,            -- catalog.Fold of code, name and field
    body         TEXT NOT NULL,            -- the procedure as catalog JSON
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (unit_id, code, version)
);
CREATE INDEX procedures_unit_status ON procedures(unit_id, status, code);

CREATE TABLE dossiers (
    id                 INTEGER PRIMARY KEY,
    unit_id            BIGINT NOT NULL REFERENCES units(id), -- the receiving unit
    competent_unit_id  BIGINT NOT NULL REFERENCES units(id),
    code               TEXT NOT NULL UNIQUE,
    secret             TEXT NOT NULL,
    procedure_id       BIGINT NOT NULL REFERENCES procedures(id),
    procedure_code     TEXT NOT NULL,
    procedure_version  INTEGER NOT NULL,
    procedure_name     TEXT NOT NULL,
    channel            TEXT NOT NULL,
    applicant_name     TEXT NOT NULL,
    applicant_id       TEXT NOT NULL,
    applicant_phone    TEXT NOT NULL,
    applicant_email    TEXT NOT NULL,
    applicant_address  TEXT NOT NULL,
    owner_id           BIGINT REFERENCES users(id),
    assisted_by        BIGINT REFERENCES users(id),
    consent            TEXT NOT NULL,
    fields             TEXT NOT NULL,       -- JSON object of the online form's answers
    status             TEXT NOT NULL,
    step               INTEGER NOT NULL,
    submitted_at       TIMESTAMP NOT NULL,
    received_at        TIMESTAMP,
    due_at             TIMESTAMP,
    extended_due_at    TIMESTAMP,
    paused_at          TIMESTAMP,
    paused_minutes     BIGINT NOT NULL,
    supplements        INTEGER NOT NULL,
    step_started_at    TIMESTAMP NOT NULL,
    resolved_at        TIMESTAMP,
    timeliness         TEXT NOT NULL,
    ended_at           TIMESTAMP,
    reason             TEXT NOT NULL,
    version            INTEGER NOT NULL
);
CREATE INDEX dossiers_inbox ON dossiers(competent_unit_id, status, due_at);
CREATE INDEX dossiers_received ON dossiers(unit_id, received_at);
CREATE INDEX dossiers_owner ON dossiers(owner_id);

CREATE TABLE dossier_events (
    id          INTEGER PRIMARY KEY,
    dossier_id  BIGINT NOT NULL REFERENCES dossiers(id),
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    at          TIMESTAMP NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    from_step   INTEGER NOT NULL,
    to_step     INTEGER NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);

CREATE TABLE dossier_files (
    id           INTEGER PRIMARY KEY,
    dossier_id   BIGINT NOT NULL REFERENCES dossiers(id),
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    kind         TEXT NOT NULL,     -- paper, supplement, result
    name         TEXT NOT NULL,     -- what the file is, e.g. the paper's name
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    blob_key     TEXT NOT NULL,     -- SHA-256 of the content
    digitised    BOOLEAN NOT NULL,  -- scanned at the counter (Circular 01/2023)
    uploaded_by  BIGINT REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX dossier_files_dossier ON dossier_files(dossier_id);

-- One row per receiving unit and day; the increment takes the row's lock, so codes are
-- gap-free and unique under concurrent intake on both engines.
CREATE TABLE dossier_sequences (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    day     TEXT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day)
);

CREATE TABLE idempotency_keys (
    principal  TEXT NOT NULL,  -- who sent it: "user:12" or "anon:<address>"
    key        TEXT NOT NULL,
    body_hash  TEXT NOT NULL,
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (principal, key)
);

-- Statistics counters, kept in the transaction of each transition: per unit,
-- procedure, channel, local day and measure (received, resolved_early, …).
CREATE TABLE dossier_counts (
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    day            TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    channel        TEXT NOT NULL,
    measure        TEXT NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day, procedure_code, channel, measure)
);
