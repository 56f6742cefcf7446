-- Notifications that arrive (issue 20, docs/NOTIFY.md): a message owed to a person names
-- the person (a citizen account, 0 if none), the contacts the dossier recorded, its kind
-- and template data and a dedup key (a second enqueue with the same key is a no-op); the
-- notify worker walks the channel ladder (Web Push, Zalo ZNS, SMS, e-mail) and records
-- each attempt. Direct recipients (e-mail, escpos://, tel:) keep working.
ALTER TABLE outbox ADD COLUMN user_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN data TEXT NOT NULL DEFAULT '';           -- template data (JSON object)
ALTER TABLE outbox ADD COLUMN dedup_key TEXT;
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT '';        -- the ladder's channel being tried
ALTER TABLE outbox ADD COLUMN channel_tries INTEGER NOT NULL DEFAULT 0; -- failed tries on it
ALTER TABLE outbox ADD COLUMN given_up TEXT NOT NULL DEFAULT '';       -- channels that failed for good, comma separated
ALTER TABLE outbox ADD COLUMN expires_at TIMESTAMP;                    -- one-time codes: not sent after it
CREATE UNIQUE INDEX outbox_dedup ON outbox(dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX outbox_ref ON outbox(ref);

-- One attempt on one channel: GOV.UK Notify's statuses (sending until the gateway
-- answers; accepted, delivered, failed, expired). Its id is the gateway's idempotency key.
CREATE TABLE notify_attempts (
    id          INTEGER PRIMARY KEY,
    outbox_id   BIGINT NOT NULL REFERENCES outbox(id),
    channel     TEXT NOT NULL,                   -- push, zns, sms, email, printer
    provider_id TEXT NOT NULL DEFAULT '',        -- the gateway's message id
    status      TEXT NOT NULL DEFAULT 'sending', -- sending, accepted, delivered, failed, expired
    error       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX notify_attempts_outbox ON notify_attempts(outbox_id, id);
CREATE INDEX notify_attempts_provider ON notify_attempts(channel, provider_id);

-- A citizen's consent to be notified on a channel (Law 91/2025): when, the text shown,
-- withdrawn when; position orders the citizen's own ladder (0: the default order).
CREATE TABLE notification_consents (
    user_id      BIGINT NOT NULL REFERENCES users(id),
    channel      TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    text         TEXT NOT NULL,
    granted_at   TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    PRIMARY KEY (user_id, channel)
);

-- Web Push subscriptions (RFC 8030), bound to the user whose session made them.
CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    endpoint   TEXT NOT NULL UNIQUE,
    p256dh     TEXT NOT NULL, -- base64url, the browser's P-256 public key
    auth       TEXT NOT NULL, -- base64url, 16 bytes
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);

-- A unit's own wording of a kind of message on a channel (defaults are in code).
CREATE TABLE notify_templates (
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    kind       TEXT NOT NULL,
    channel    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, kind, channel)
);

-- The server's own keys: the VAPID key (RFC 8292), generated once; the private key sealed
-- under the KEK when one is configured (sealed = TRUE).
CREATE TABLE notify_keys (
    name        TEXT PRIMARY KEY,
    public_key  BLOB NOT NULL,
    private_key BLOB NOT NULL,
    sealed      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL
);
