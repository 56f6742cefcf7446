-- QR forms (internal/qrform, docs/QRFORMS.md): a unit's simple forms (a health
-- declaration, a visitor register, a survey) answered at a short link without an account.
-- The fields are JSON (frozen after the first answer); each answer keeps its values one row
-- per value, the consent (purpose and time) given with it and its files (blob keys, in the
-- QR forms' own blob directory). qr_form_counts keeps the counts per form, field and choice
-- (the field "" counts the answers), updated with each answer, so that the statistics
-- survive the answers' deletion when the form's retention ends.
CREATE TABLE qr_forms (
    id             INTEGER PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    code           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    fields         TEXT NOT NULL,
    opens_at       TIMESTAMP NOT NULL,
    closes_at      TIMESTAMP NOT NULL,
    retention_days INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'draft',
    created_by     BIGINT REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL,
    published_at   TIMESTAMP,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX qr_forms_unit ON qr_forms(unit_id, created_at);

CREATE TABLE qr_answers (
    id              INTEGER PRIMARY KEY,
    form_id         BIGINT NOT NULL REFERENCES qr_forms(id),
    submitted_at    TIMESTAMP NOT NULL,
    village_id      BIGINT REFERENCES villages(id),
    user_id         BIGINT REFERENCES users(id),
    consent_purpose TEXT NOT NULL,
    consent_at      TIMESTAMP NOT NULL
);
CREATE INDEX qr_answers_form ON qr_answers(form_id, submitted_at);

CREATE TABLE qr_answer_values (
    answer_id BIGINT NOT NULL REFERENCES qr_answers(id) ON DELETE CASCADE,
    field_key TEXT NOT NULL,
    position  INTEGER NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (answer_id, field_key, position)
);
CREATE INDEX qr_answer_values_choice ON qr_answer_values(field_key, value);

CREATE TABLE qr_answer_files (
    answer_id    BIGINT NOT NULL REFERENCES qr_answers(id) ON DELETE CASCADE,
    field_key    TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    PRIMARY KEY (answer_id, field_key)
);
CREATE INDEX qr_answer_files_blob ON qr_answer_files(blob_key);

CREATE TABLE qr_form_counts (
    form_id   BIGINT NOT NULL REFERENCES qr_forms(id),
    field_key TEXT NOT NULL,
    choice    TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (form_id, field_key, choice)
);
