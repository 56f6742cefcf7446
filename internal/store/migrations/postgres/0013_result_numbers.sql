-- A result issued by another system (a birth certificate from the civil-status register)
-- keeps the number and book it was issued under, and which system issued it.
ALTER TABLE dossier_files ADD COLUMN result_number TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier_files ADD COLUMN result_book TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier_files ADD COLUMN result_issuer TEXT NOT NULL DEFAULT '';
