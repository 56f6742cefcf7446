-- A fee receipt issued in error is cancelled and replaced, both kept (DOMAIN §4): the
-- cancellation (when, by whom, why, and its local day for the day's summary) is kept
-- beside the signed record, which is not changed; the replacement is a new receipt of
-- the same request that names the old one (replaces), and the old one names it
-- (replaced_by). A request may so have several receipts, one of them in force: the
-- UNIQUE on request_id becomes a unique index over the receipts not cancelled. SQLite
-- cannot drop a constraint, so the table is rebuilt as in 0032 (nothing references it).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE receipts_copy AS SELECT * FROM receipts;
DROP TABLE receipts;
CREATE TABLE receipts (
    id                INTEGER PRIMARY KEY,
    unit_id           BIGINT NOT NULL REFERENCES units(id),
    request_id        BIGINT NOT NULL REFERENCES payment_requests(id),
    dossier_code      TEXT NOT NULL,
    template          TEXT NOT NULL,
    series            TEXT NOT NULL,
    year              INTEGER NOT NULL,
    number            BIGINT NOT NULL,
    issued_at         TIMESTAMP NOT NULL,
    issue_day         TEXT NOT NULL,   -- the local date of issue, for the day's summary
    total             BIGINT NOT NULL,
    body              TEXT NOT NULL,   -- the receipt as JSON (payment.Receipt)
    xml               TEXT NOT NULL,   -- the XML record (payment.ReceiptXML), unsigned
    cancelled_at      TIMESTAMP,
    cancel_day        TEXT NOT NULL DEFAULT '', -- the local date of the cancellation
    cancelled_by      BIGINT REFERENCES users(id),
    cancelled_by_name TEXT NOT NULL DEFAULT '',
    cancel_reason     TEXT NOT NULL DEFAULT '',
    replaces          BIGINT REFERENCES receipts(id),
    replaced_by       BIGINT REFERENCES receipts(id),
    UNIQUE (unit_id, template, series, year, number)
);
INSERT INTO receipts (id, unit_id, request_id, dossier_code, template, series, year, number, issued_at, issue_day, total, body, xml)
    SELECT id, unit_id, request_id, dossier_code, template, series, year, number, issued_at, issue_day, total, body, xml FROM receipts_copy;
DROP TABLE receipts_copy;
CREATE INDEX receipts_day ON receipts(unit_id, issue_day);
CREATE UNIQUE INDEX receipts_in_force ON receipts(request_id) WHERE cancelled_at IS NULL;
CREATE INDEX receipts_request ON receipts(request_id);
CREATE INDEX receipts_cancel_day ON receipts(unit_id, cancel_day) WHERE cancelled_at IS NOT NULL;
