-- Named assignment (issue 28): the officer a dossier's current step is given to by name
-- (NULL: the step belongs to its role); cleared when the step changes.
ALTER TABLE dossiers ADD COLUMN assigned_to BIGINT REFERENCES users(id);

-- Delegation while away (ủy quyền khi vắng mặt): from starts_on to ends_on (local dates,
-- both included) delegate_id acts on the dossiers assigned to absent_id in unit_id.
-- ended_at ends it early; otherwise it ends by itself after ends_on.
CREATE TABLE delegations (
    id          INTEGER PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    absent_id   BIGINT NOT NULL REFERENCES users(id),
    delegate_id BIGINT NOT NULL REFERENCES users(id),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP
);
CREATE INDEX delegations_delegate ON delegations(delegate_id, ends_on);
CREATE INDEX delegations_unit ON delegations(unit_id, ends_on);
