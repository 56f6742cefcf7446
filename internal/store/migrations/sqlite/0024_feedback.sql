-- Citizens' feedback (phản ánh, kiến nghị) about a dossier or about a unit's service
-- (internal/feedback, docs/FEEDBACK.md): filed by the dossier's applicant or a
-- logged-in citizen, assigned to an official of the unit, answered by its deadline
-- (the unit's working days, feedback_settings, default 10), published with its answer
-- when the citizen agreed (publish). verdict is the citizen's view of the answer.
CREATE TABLE feedback (
    id            INTEGER PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id), -- the unit that answers
    dossier_id    BIGINT REFERENCES dossiers(id),
    kind          TEXT NOT NULL CHECK (kind IN ('complaint', 'proposal')),
    content       TEXT NOT NULL,
    name          TEXT NOT NULL,
    contact       TEXT NOT NULL,
    owner_id      BIGINT REFERENCES users(id),
    publish       BOOLEAN NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'answered')),
    filed_at      TIMESTAMP NOT NULL,
    due_at        TIMESTAMP NOT NULL,
    assignee_id   BIGINT REFERENCES users(id),
    assignee_name TEXT NOT NULL,
    answer        TEXT NOT NULL,
    answered_at   TIMESTAMP,
    answered_by   TEXT NOT NULL,
    verdict       TEXT NOT NULL CHECK (verdict IN ('', 'satisfied', 'dissatisfied')),
    version       INTEGER NOT NULL
);
CREATE INDEX feedback_unit_filed ON feedback(unit_id, filed_at);
CREATE INDEX feedback_dossier ON feedback(dossier_id);
CREATE INDEX feedback_owner ON feedback(owner_id);

CREATE TABLE feedback_settings (
    unit_id     BIGINT PRIMARY KEY REFERENCES units(id),
    answer_days INTEGER NOT NULL CHECK (answer_days BETWEEN 1 AND 60)
);

-- The satisfaction survey beside the three-level rating: one per dossier, each
-- criterion scored 1..5 (scores: a JSON object, criterion → score).
CREATE TABLE dossier_surveys (
    dossier_id  BIGINT PRIMARY KEY REFERENCES dossiers(id),
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    scores      TEXT NOT NULL,
    comment     TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL
);
CREATE INDEX dossier_surveys_unit_at ON dossier_surveys(unit_id, answered_at);
