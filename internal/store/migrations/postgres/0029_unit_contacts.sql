-- The commune portal's home page (issue 17): where the one-stop desk is, its hotline and
-- e-mail, set by the unit's administrator. Office hours are office_hours' (0002).
CREATE TABLE unit_contacts (
    unit_id    BIGINT PRIMARY KEY REFERENCES units(id),
    address    TEXT NOT NULL,
    hotline    TEXT NOT NULL,
    email      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
