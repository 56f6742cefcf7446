-- Finding a dossier (issue 17): the applicant's name folded as catalog.Fold folds it
-- (no accents, đ → d, lower case, words separated by one space) after one space, so
-- "nguyen van an" finds " nguyen van an", the name of "Nguyễn Văn An" (store.searchName). The store writes it with every dossier; the rows of before are filled
-- by the migration step in store/migrate.go (Go folds, SQL cannot). An identity or phone
-- number is matched exactly in its own column, through an index of that column: no new
-- column holds them, and what is searched is never logged.
ALTER TABLE dossiers ADD COLUMN applicant_fold TEXT NOT NULL DEFAULT '';
-- Each branch of a search (the dossiers a unit decides; those it received for another)
-- walks its unit's dossiers newest first, the folded name and the code at hand in the
-- index: a search by name or by a code's end reads no row it does not show.
CREATE INDEX dossiers_search ON dossiers(competent_unit_id, submitted_at, applicant_fold, code);
CREATE INDEX dossiers_search_receiving ON dossiers(receiving_unit_id, submitted_at, competent_unit_id, applicant_fold, code);
CREATE INDEX dossiers_applicant_id ON dossiers(applicant_id);
CREATE INDEX dossiers_applicant_phone ON dossiers(applicant_phone);
