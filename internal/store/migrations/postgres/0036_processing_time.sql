-- Indicator 2.2 of Decision 766 (average time per procedure): each dossier records its
-- processing time once, in the transaction of its end of processing (resolved, or
-- returned, refused, stopped or withdrawn without being resolved): from its receipt to
-- that end, less the citizen's supplement waits, in hundredths of its procedure's own
-- unit (processing_unit: hours, days or calendar_days), with the procedure's legal
-- limit in that unit. Dossiers ended before this migration have none: `xaso report
-- rebuild` measures them from their histories (dossier.ProcessingOf).
ALTER TABLE dossiers ADD COLUMN processing_time BIGINT;
ALTER TABLE dossiers ADD COLUMN processing_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN processing_limit INTEGER NOT NULL DEFAULT 0;
-- The index's one grouped query per period: the measured dossiers of a unit received in it.
CREATE INDEX dossiers_processing ON dossiers(competent_unit_id, received_at, procedure_code) WHERE processing_time IS NOT NULL;
