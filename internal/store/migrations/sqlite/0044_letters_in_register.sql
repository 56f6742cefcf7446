-- Issue 16's extension letters (form 04) are outgoing documents of the unit's register
-- (issue 19): each takes its number from the document sequences (document_sequences, the
-- công văn's sequence, Decree 30) and has its documents row, which dossier_letters now
-- names. The letters' own counter (outgoing_sequences) goes: nothing was deployed with it.
-- The uniqueness of numbers is the documents table's (unit, year, sequence, number), so
-- dossier_letters loses its own UNIQUE (unit, year, number): SQLite rebuilds the table.
CREATE TABLE dossier_letters_new (
    dossier_id  BIGINT NOT NULL REFERENCES dossiers(id),
    form        TEXT NOT NULL,                        -- "04"
    unit_id     BIGINT NOT NULL REFERENCES units(id), -- the issuing (competent) unit
    year        INTEGER NOT NULL,
    number      BIGINT NOT NULL,
    notation    TEXT NOT NULL,                        -- "05/UBND-VP"
    issued_at   TIMESTAMP NOT NULL,
    document_id BIGINT REFERENCES documents(id),      -- its row in the outgoing register
    PRIMARY KEY (dossier_id, form)
);
INSERT INTO dossier_letters_new (dossier_id, form, unit_id, year, number, notation, issued_at)
    SELECT dossier_id, form, unit_id, year, number, notation, issued_at FROM dossier_letters;
DROP TABLE dossier_letters;
ALTER TABLE dossier_letters_new RENAME TO dossier_letters;
CREATE UNIQUE INDEX dossier_letters_document ON dossier_letters(document_id);
DROP TABLE outgoing_sequences;
