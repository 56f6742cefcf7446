-- Indicator 2.1 of Decision 766 judges a dossier on any day by how it stood then
-- (internal/dossier/index766.go): each event now records the appointment after it, and
-- each dossier when its last event happened, where its current span began. Events
-- stored before keep no appointment: a rebuild measures them against the dossier's
-- final one. The new counters (end_on_time, end_late, late_open_from, late_open_until)
-- are written from now on; `xaso report rebuild` writes them for the history before.
ALTER TABLE dossier_events ADD COLUMN due_at TIMESTAMPTZ;
ALTER TABLE dossiers ADD COLUMN changed_at TIMESTAMPTZ;
UPDATE dossiers SET changed_at = (SELECT MAX(e.at) FROM dossier_events e WHERE e.dossier_id = dossiers.id);
