-- The floor's set-up from the administrator's pages (issue 28): a desk's name, a kiosk's
-- name, the secret key its page's address carries (token; '' for kiosks set up before,
-- which need none) and whether it gives tickets.
ALTER TABLE queue_desks ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE queue_kiosks ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE queue_kiosks ADD COLUMN token TEXT NOT NULL DEFAULT '';
ALTER TABLE queue_kiosks ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;
