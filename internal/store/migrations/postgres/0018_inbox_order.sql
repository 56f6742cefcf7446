-- A unit's list of dossiers (the inbox) reads two disjoint branches: those it decides and
-- those it received for another unit. Each branch's index now holds the sort keys
-- (appointment, then submission) and what tells the branches apart, so the count and the
-- choice of a page come from the indexes alone, before the page's rows are read.
DROP INDEX dossiers_inbox;
CREATE INDEX dossiers_inbox ON dossiers(competent_unit_id, status, due_at, submitted_at);
DROP INDEX dossiers_receiving_inbox;
CREATE INDEX dossiers_receiving_inbox ON dossiers(unit_id, status, due_at, submitted_at, competent_unit_id);
