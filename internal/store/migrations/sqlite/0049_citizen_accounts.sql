-- Citizens open their own accounts (internal/citizen, issue 20): by a mobile number
-- (a one-time code by SMS) or an e-mail address (a link). The account keeps the number
-- (E.164, +84…) or the address it was opened with, unique, to log in with and to reset
-- the password by; the CCCD number the citizen typed, unverified.
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN citizen_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX users_phone ON users(phone);
CREATE UNIQUE INDEX users_email ON users(email);

-- Identities verified by someone else (VNeID, the national-integration issue): empty
-- until a provider is wired. One subject of a provider belongs to one account.
CREATE TABLE user_identities (
    provider    TEXT NOT NULL,   -- vneid
    subject     TEXT NOT NULL,   -- the provider's identifier of the person
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    verified_at TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX user_identities_user ON user_identities(user_id);

-- One-time codes (SMS, 6 digits) and links (e-mail, a long token) that prove a citizen
-- holds a number or an address: to register, to reset a password, to link a dossier
-- filed at the counter. Only the code's HMAC is kept. target is the number or address
-- in clear, needed to create the account; it is blanked once the challenge is used or
-- has expired, and the row is deleted after a day. target_hash and client (a hash of
-- the client's address) count the limits across instances.
CREATE TABLE account_challenges (
    id          TEXT PRIMARY KEY,       -- random, in the page's address
    purpose     TEXT NOT NULL,          -- register, reset, link
    channel     TEXT NOT NULL,          -- sms, email
    target      TEXT NOT NULL DEFAULT '',
    target_hash TEXT NOT NULL,
    client      TEXT NOT NULL DEFAULT '',
    code_hash   TEXT NOT NULL,
    user_id     BIGINT REFERENCES users(id) ON DELETE CASCADE,     -- reset, link: the account
    dossier_id  BIGINT REFERENCES dossiers(id) ON DELETE CASCADE,  -- link: the dossier
    tries       INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP
);
CREATE INDEX account_challenges_target ON account_challenges(target_hash, created_at);
CREATE INDEX account_challenges_client ON account_challenges(client, created_at);
CREATE INDEX account_challenges_created ON account_challenges(created_at);
