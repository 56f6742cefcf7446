-- The certification register (sổ chứng thực, internal/certify): one book per kind of
-- certification (copies from originals, signatures, contracts and transactions), its
-- lines numbered from 1 each year in Vietnam. certification_sequences holds each
-- book's last number; the increment (INSERT … ON CONFLICT DO UPDATE … RETURNING) locks
-- the row in the transaction that inserts the line, so a number is never given twice.
CREATE TABLE certification_sequences (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind    TEXT NOT NULL,
    year    INTEGER NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (unit_id, kind, year)
);

-- requester and document are personal or may be: the register must hold them (Decree
-- 23/2015), audit records never do.
CREATE TABLE certifications (
    id              INTEGER PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    kind            TEXT NOT NULL CHECK (kind IN ('copy', 'signature', 'contract')),
    year            INTEGER NOT NULL,
    number          BIGINT NOT NULL,
    book            TEXT NOT NULL,
    certified_at    TIMESTAMP NOT NULL,
    day             TEXT NOT NULL,          -- the local date, for the day's reconciliation
    document        TEXT NOT NULL,
    requester       TEXT NOT NULL,
    pages           INTEGER NOT NULL,
    copies          INTEGER NOT NULL,
    fee             BIGINT NOT NULL,
    certifier_id    BIGINT REFERENCES users(id),
    certifier_name  TEXT NOT NULL,
    certifier_title TEXT NOT NULL,
    recorded_by     BIGINT NOT NULL REFERENCES users(id),
    recorder_name   TEXT NOT NULL,
    statement       TEXT NOT NULL,          -- the certification text as printed (lời chứng)
    UNIQUE (unit_id, kind, year, number)
);
CREATE INDEX certifications_day ON certifications(unit_id, day);

-- A certification's fee is a payment request without a dossier: dossier_id becomes
-- optional and certification_id names the entry. SQLite cannot drop a NOT NULL, so the
-- table is rebuilt (https://sqlite.org/lang_altertable.html#otheralter) inside the
-- migration's transaction: the copy is kept aside, the table dropped and created again
-- under its own name, the rows put back. Foreign keys stay on; deferred, the rows of
-- payment_events, payment_notifications and receipts find their request again before
-- the commit checks them. A column added to payment_requests by an earlier migration
-- must be listed here too.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE payment_requests_copy AS SELECT * FROM payment_requests;
DROP TABLE payment_requests;
CREATE TABLE payment_requests (
    id               INTEGER PRIMARY KEY,
    unit_id          BIGINT NOT NULL REFERENCES units(id),  -- the collecting unit
    dossier_id       BIGINT REFERENCES dossiers(id),        -- NULL for a certification's fee
    dossier_code     TEXT NOT NULL,                         -- '' for a certification's fee
    ordinal          INTEGER NOT NULL,
    online           BOOLEAN NOT NULL,   -- the online rates of the fees applied
    items            TEXT NOT NULL,      -- JSON [{"name": …, "amount": …}]
    amount           BIGINT NOT NULL,
    reference        TEXT NOT NULL,
    state            TEXT NOT NULL,      -- pending, paid, cancelled, refunded
    paid             BIGINT NOT NULL,
    refunded         BIGINT NOT NULL,
    flag_partial     BOOLEAN NOT NULL,
    flag_over        BOOLEAN NOT NULL,
    method           TEXT NOT NULL,      -- of the payment that settled it; '' until paid
    reason           TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    paid_at          TIMESTAMP,
    closed_at        TIMESTAMP,
    version          INTEGER NOT NULL,   -- optimistic lock
    certification_id BIGINT UNIQUE REFERENCES certifications(id),
    UNIQUE (unit_id, reference),
    UNIQUE (dossier_id, ordinal),
    CHECK ((dossier_id IS NULL) <> (certification_id IS NULL))
);
INSERT INTO payment_requests (id, unit_id, dossier_id, dossier_code, ordinal, online, items, amount, reference, state, paid,
    refunded, flag_partial, flag_over, method, reason, created_at, paid_at, closed_at, version)
    SELECT id, unit_id, dossier_id, dossier_code, ordinal, online, items, amount, reference, state, paid,
    refunded, flag_partial, flag_over, method, reason, created_at, paid_at, closed_at, version FROM payment_requests_copy;
DROP TABLE payment_requests_copy;
CREATE INDEX payment_requests_state ON payment_requests(unit_id, state);
CREATE INDEX payment_requests_created ON payment_requests(unit_id, created_at);
CREATE INDEX payment_requests_reference ON payment_requests(reference);
