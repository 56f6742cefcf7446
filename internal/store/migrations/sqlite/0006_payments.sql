-- Fee payments (docs/PAYMENTS.md): each unit's collection account and receipt settings,
-- payment requests with their history, the bank notifications the webhook received (the
-- idempotency record), and electronic fee receipts with their gap-free counters.

-- One collection account per unit. The webhook secret is kept as the administrator's
-- key itself, not a hash: verifying an HMAC needs the key. It is shown once, when it is
-- generated, and never returned by the API afterwards. previous_secret stays valid
-- until previous_until, so that a sender can switch to a rotated secret without losing
-- notifications.
CREATE TABLE payment_accounts (
    unit_id         BIGINT PRIMARY KEY REFERENCES units(id),
    bin             TEXT NOT NULL,
    number          TEXT NOT NULL,
    name            TEXT NOT NULL,
    card            BOOLEAN NOT NULL,
    webhook_secret  TEXT NOT NULL,  -- '' until generated
    previous_secret TEXT NOT NULL,  -- '' when none
    previous_until  TIMESTAMP,
    secret_set_at   TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL
);

-- A unit's receipt settings: symbols as the tax authority registered them, and the
-- collecting unit as receipts name it.
CREATE TABLE receipt_configs (
    unit_id        BIGINT PRIMARY KEY REFERENCES units(id),
    name           TEXT NOT NULL,  -- receipt name; '' for the rules' default
    template       TEXT NOT NULL,
    series         TEXT NOT NULL,
    collector_name TEXT NOT NULL,
    tax_code       TEXT NOT NULL,
    address        TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE payment_requests (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),  -- the collecting unit
    dossier_id   BIGINT NOT NULL REFERENCES dossiers(id),
    dossier_code TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    online       BOOLEAN NOT NULL,   -- the online rates of the fees applied
    items        TEXT NOT NULL,      -- JSON [{"name": …, "amount": …}]
    amount       BIGINT NOT NULL,
    reference    TEXT NOT NULL,
    state        TEXT NOT NULL,      -- pending, paid, cancelled, refunded
    paid         BIGINT NOT NULL,
    refunded     BIGINT NOT NULL,
    flag_partial BOOLEAN NOT NULL,
    flag_over    BOOLEAN NOT NULL,
    method       TEXT NOT NULL,      -- of the payment that settled it; '' until paid
    reason       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    paid_at      TIMESTAMP,
    closed_at    TIMESTAMP,
    version      INTEGER NOT NULL,   -- optimistic lock
    UNIQUE (unit_id, reference),
    UNIQUE (dossier_id, ordinal)
);
CREATE INDEX payment_requests_state ON payment_requests(unit_id, state);
CREATE INDEX payment_requests_created ON payment_requests(unit_id, created_at);
CREATE INDEX payment_requests_reference ON payment_requests(reference);

-- A request's append-only history (payment.Event).
CREATE TABLE payment_events (
    id             INTEGER PRIMARY KEY,
    request_id     BIGINT NOT NULL REFERENCES payment_requests(id),
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    at             TIMESTAMP NOT NULL,   -- when it was recorded
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    method         TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    money_at       TIMESTAMP,            -- when the money moved (payments, refunds)
    actor_id       BIGINT REFERENCES users(id),
    actor_name     TEXT NOT NULL,
    flag_partial   BOOLEAN NOT NULL,
    flag_over      BOOLEAN NOT NULL,
    note           TEXT NOT NULL
);
CREATE INDEX payment_events_request ON payment_events(request_id, id);
CREATE INDEX payment_events_money ON payment_events(unit_id, money_at);

-- Every verified bank notification, applied or not. The unique key is the idempotency
-- key: a second delivery of the same transaction finds the first and changes nothing.
-- request_id is the request the transfer is recorded on, NULL while it is unmatched
-- (the accountant may later record it on a request from the statement: resolved_*).
CREATE TABLE payment_notifications (
    id             INTEGER PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    bank_bin       TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    account        TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    description    TEXT NOT NULL,
    transacted_at  TIMESTAMP NOT NULL,
    body           TEXT NOT NULL,   -- the raw body as received and verified
    outcome        TEXT NOT NULL,   -- payment.Outcome
    reference      TEXT NOT NULL,   -- the reference the description named, '' if none
    suggestions    TEXT NOT NULL,   -- JSON array of request ids the payer may have meant
    request_id     BIGINT REFERENCES payment_requests(id),
    received_at    TIMESTAMP NOT NULL,
    resolved_at    TIMESTAMP,
    resolved_by    BIGINT REFERENCES users(id),
    UNIQUE (unit_id, bank_bin, transaction_id)
);
CREATE INDEX payment_notifications_day ON payment_notifications(unit_id, transacted_at);

-- One counter per unit, template, series and year; the increment takes the row's lock in
-- the transaction that stores the receipt, so numbers are neither skipped nor repeated.
CREATE TABLE receipt_sequences (
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    template TEXT NOT NULL,
    series   TEXT NOT NULL,
    year     INTEGER NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (unit_id, template, series, year)
);

CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    request_id   BIGINT NOT NULL UNIQUE REFERENCES payment_requests(id),
    dossier_code TEXT NOT NULL,
    template     TEXT NOT NULL,
    series       TEXT NOT NULL,
    year         INTEGER NOT NULL,
    number       BIGINT NOT NULL,
    issued_at    TIMESTAMP NOT NULL,
    issue_day    TEXT NOT NULL,   -- the local date of issue, for the day's summary
    total        BIGINT NOT NULL,
    body         TEXT NOT NULL,   -- the receipt as JSON (payment.Receipt)
    xml          TEXT NOT NULL,   -- the XML record (payment.ReceiptXML), unsigned
    UNIQUE (unit_id, template, series, year, number)
);
CREATE INDEX receipts_day ON receipts(unit_id, issue_day);
