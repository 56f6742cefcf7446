-- The official mailbox as the clerk sees it: messages fetched by IMAP (one row per
-- mailbox UID; a new UIDVALIDITY starts over), registered with one click into the register
-- of incoming documents (arrival_number) or dismissed. raw keeps the message as fetched
-- (NULL when it was larger than the fetch limit) so the files are registered intact.
CREATE TABLE mail_inbox (
    id             INTEGER PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    uid_validity   BIGINT NOT NULL,
    uid            BIGINT NOT NULL,
    message_id     TEXT NOT NULL DEFAULT '',
    sender         TEXT NOT NULL DEFAULT '',
    subject        TEXT NOT NULL DEFAULT '',
    sent_at        TIMESTAMP,
    size           BIGINT NOT NULL,
    attachments    INTEGER NOT NULL DEFAULT 0,
    raw            BLOB,
    state          TEXT NOT NULL DEFAULT 'new', -- new, registered, dismissed, too_large, unreadable
    arrival_number INTEGER,
    fetched_at     TIMESTAMP NOT NULL,
    registered_at  TIMESTAMP,
    UNIQUE (unit_id, uid_validity, uid)
);
CREATE INDEX mail_inbox_list ON mail_inbox(unit_id, state, fetched_at);
