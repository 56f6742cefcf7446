-- Finding a dossier (issue 17): the applicant's name folded as catalog.Fold folds it
-- (no accents, đ → d, lower case, words separated by one space), so "nguyen van an" finds
-- "Nguyễn Văn An". The store writes it with every dossier; the rows of before are filled
-- by the migration step in store/migrate.go (Go folds, SQL cannot). No new copy of an
-- identity or phone number is made: those are matched in their own columns.
ALTER TABLE dossiers ADD COLUMN applicant_fold TEXT NOT NULL DEFAULT '';
-- Each branch of a search (the dossiers a unit decides; those it received for another)
-- walks its unit's dossiers newest first, the folded name at hand in the index.
CREATE INDEX dossiers_search ON dossiers(competent_unit_id, submitted_at, applicant_fold);
CREATE INDEX dossiers_search_receiving ON dossiers(receiving_unit_id, submitted_at, competent_unit_id, applicant_fold);
