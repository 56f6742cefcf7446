-- A fee receipt issued in error is cancelled and replaced, both kept (DOMAIN §4): the
-- cancellation (when, by whom, why, and its local day for the day's summary) is kept
-- beside the signed record, which is not changed; the replacement is a new receipt of
-- the same request that names the old one (replaces), and the old one names it
-- (replaced_by). A request may so have several receipts, one of them in force: the
-- UNIQUE on request_id becomes a unique index over the receipts not cancelled.
ALTER TABLE receipts DROP CONSTRAINT receipts_request_id_key;
ALTER TABLE receipts ADD COLUMN cancelled_at TIMESTAMPTZ;
ALTER TABLE receipts ADD COLUMN cancel_day TEXT NOT NULL DEFAULT '';
ALTER TABLE receipts ADD COLUMN cancelled_by BIGINT REFERENCES users(id);
ALTER TABLE receipts ADD COLUMN cancelled_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE receipts ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE receipts ADD COLUMN replaces BIGINT REFERENCES receipts(id);
ALTER TABLE receipts ADD COLUMN replaced_by BIGINT REFERENCES receipts(id);
CREATE UNIQUE INDEX receipts_in_force ON receipts(request_id) WHERE cancelled_at IS NULL;
CREATE INDEX receipts_request ON receipts(request_id);
CREATE INDEX receipts_cancel_day ON receipts(unit_id, cancel_day) WHERE cancelled_at IS NOT NULL;
