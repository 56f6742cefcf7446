-- The desk's name (issue 16): since 1 July 2025 a commune's one-stop desk is its Public
-- Administration Service Centre; '' prints the default "Trung tâm Phục vụ hành chính
-- công <unit>". letter_symbol is the symbol of the unit's outgoing letters without the
-- number ("UBND-VP"); '' prints the default (unit.DefaultLetterSymbol).
ALTER TABLE units ADD COLUMN desk_name TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN letter_symbol TEXT NOT NULL DEFAULT '';

-- The outgoing register's numbers (văn bản đi): from 1 each 1 January per unit (Decree
-- 30/2020), taken in the transaction that issues the letter.
CREATE TABLE outgoing_sequences (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year    INTEGER NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year)
);
-- The letters a dossier's transitions issued (form 04, the apology and extension), with
-- their number in the competent unit's outgoing register.
CREATE TABLE dossier_letters (
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
    form       TEXT NOT NULL,                        -- "04"
    unit_id    BIGINT NOT NULL REFERENCES units(id), -- the issuing (competent) unit
    year       INTEGER NOT NULL,
    number     BIGINT NOT NULL,
    notation   TEXT NOT NULL,                        -- "05/UBND-VP"
    issued_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dossier_id, form),
    UNIQUE (unit_id, year, number)
);
