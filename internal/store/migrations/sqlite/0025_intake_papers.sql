-- Form 01 lists the papers the officer actually received (issue 16), not the catalog's
-- whole list: each paper's name as the procedure words it, its form (original, copy,
-- certified copy) and how many, in the order taken.
CREATE TABLE dossier_papers (
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    form       TEXT NOT NULL,     -- dossier.PaperForm: original, copy, certified_copy
    count      INTEGER NOT NULL,
    PRIMARY KEY (dossier_id, position)
);

-- The register of dossiers (form 07, sổ theo dõi hồ sơ): one book a year per receiving
-- unit, its lines numbered in order of receipt; form 01 prints the book and the line.
-- The line is taken in the transaction that receives the dossier, gap-free like codes.
CREATE TABLE register_sequences (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year    INTEGER NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year)
);
CREATE TABLE dossier_register (
    dossier_id BIGINT NOT NULL PRIMARY KEY REFERENCES dossiers(id),
    unit_id    BIGINT NOT NULL REFERENCES units(id), -- the receiving unit
    year       INTEGER NOT NULL,
    line       BIGINT NOT NULL,
    UNIQUE (unit_id, year, line)
);
