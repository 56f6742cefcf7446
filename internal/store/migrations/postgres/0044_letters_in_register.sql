-- Issue 16's extension letters (form 04) are outgoing documents of the unit's register
-- (issue 19): each takes its number from the document sequences (document_sequences, the
-- công văn's sequence, Decree 30) and has its documents row, which dossier_letters now
-- names. The letters' own counter (outgoing_sequences) goes: nothing was deployed with it.
-- The uniqueness of numbers is the documents table's (unit, year, sequence, number), so
-- dossier_letters loses its own UNIQUE (unit, year, number).
ALTER TABLE dossier_letters DROP CONSTRAINT dossier_letters_unit_id_year_number_key;
ALTER TABLE dossier_letters ADD COLUMN document_id BIGINT REFERENCES documents(id);
CREATE UNIQUE INDEX dossier_letters_document ON dossier_letters(document_id);
DROP TABLE outgoing_sequences;
