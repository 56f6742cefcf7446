-- A visit recorded on a phone without connection is kept in the citizen app's queue and
-- sent when the connection returns, with the phone's Idempotency-Key (docs/APP.md,
-- docs/COMMUNITY.md): the key and a hash of what it carried, so a replay records the
-- visit once. NULL: recorded without a key.
ALTER TABLE team_visits ADD COLUMN idem_key TEXT;
ALTER TABLE team_visits ADD COLUMN idem_hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX team_visits_idem ON team_visits(user_id, idem_key);
