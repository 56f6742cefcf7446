-- Messages to the province's source information system (internal/broadcast/source): an
-- outbox written in the transaction that owes each message (a bulletin's approval, the
-- daily play-log job), delivered at least once, in order per bulletin; the message id is
-- unique per unit, so a message is queued once.
CREATE TABLE source_messages (
    id              INTEGER PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    message_id      TEXT NOT NULL,
    kind            TEXT NOT NULL,                   -- bulletin, play-log
    bulletin_id     BIGINT NOT NULL,
    payload         BLOB NOT NULL,                   -- JSON
    state           TEXT NOT NULL DEFAULT 'pending', -- pending, sent, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    sent_at         TIMESTAMP,
    UNIQUE (unit_id, message_id)
);
CREATE INDEX source_messages_due ON source_messages(state, next_attempt_at);
CREATE INDEX source_messages_bulletin ON source_messages(bulletin_id, id);

-- When a bulletin was withdrawn: its plays after it were no longer planned (the play log,
-- the monthly totals).
ALTER TABLE bulletins ADD COLUMN withdrawn_at TIMESTAMP;
