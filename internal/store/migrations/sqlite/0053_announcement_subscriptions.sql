-- Citizens subscribe to their commune's announcements (issue 22, docs/NOTIFY.md): the
-- whole commune (village_id 0) and/or chosen villages, with the consent text shown, when
-- granted and withdrawn (Law 91/2025), as the channel consents are. Publishing an
-- announcement owes a message of kind 'announcement' to each subscriber it concerns, in
-- the publish's transaction (one INSERT … SELECT into the outbox).
CREATE TABLE announcement_subscriptions (
    user_id      BIGINT NOT NULL REFERENCES users(id),
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    village_id   BIGINT NOT NULL DEFAULT 0, -- 0: the whole commune; else villages(id)
    text         TEXT NOT NULL,
    granted_at   TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    PRIMARY KEY (user_id, unit_id, village_id)
);
CREATE INDEX announcement_subscriptions_unit ON announcement_subscriptions(unit_id, village_id);
