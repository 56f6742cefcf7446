-- A dossier's unit_id was the unit that received it, while the unit_id of its events,
-- files and ratings is the competent unit, the one that decides it: the column now says
-- which unit it holds. The indexes on it (dossiers_received, dossiers_receiving_inbox)
-- follow the renamed column in both engines; no view, trigger or partial index names it.
ALTER TABLE dossiers RENAME COLUMN unit_id TO receiving_unit_id;
