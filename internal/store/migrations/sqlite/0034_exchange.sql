-- Documents and statuses exchanged with other bodies through the province's exchange
-- platform (edXML, QCVN 102:2016). Outgoing rows are an outbox: written in the transaction
-- that owes them, delivered at least once by exchange.Service.Deliver; the message id is
-- unique per unit and direction, so a message is queued once and a message received twice
-- is handled once.
CREATE TABLE exchange_messages (
    id              INTEGER PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    direction       TEXT NOT NULL,                  -- out, in
    message_id      TEXT NOT NULL,
    peer_organ      TEXT NOT NULL,                  -- the recipient (out) or the sender (in)
    kind            TEXT NOT NULL,                  -- document, status
    document_id     TEXT NOT NULL DEFAULT '',       -- edXML DocumentId the message is or answers
    status_code     TEXT NOT NULL DEFAULT '',       -- of a status message
    payload         BLOB NOT NULL,                  -- the edXML
    state           TEXT NOT NULL DEFAULT 'pending', -- out: pending, sent, failed; in: received, refused
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    sent_at         TIMESTAMP,
    UNIQUE (unit_id, direction, message_id)
);
CREATE INDEX exchange_messages_due ON exchange_messages(state, next_attempt_at);
CREATE INDEX exchange_messages_document ON exchange_messages(unit_id, document_id);
