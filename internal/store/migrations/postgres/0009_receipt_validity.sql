-- The days a unit's receipt symbols may be used (as registered with the tax authority),
-- as ISO dates in Vietnam; '' for unbounded on that side.
ALTER TABLE receipt_configs ADD COLUMN valid_from TEXT NOT NULL DEFAULT '';
ALTER TABLE receipt_configs ADD COLUMN valid_until TEXT NOT NULL DEFAULT '';
