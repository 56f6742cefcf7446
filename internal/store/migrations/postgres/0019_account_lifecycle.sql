-- The account lifecycle (issue 15).
--
-- Session tokens are stored as the SHA-256 of the token (hex), as API tokens are, so a
-- copy of the database or a backup hands out no live session. The rows of before are
-- keyed by the token itself and cannot be rehashed in SQL portably, so they are deleted:
-- everyone logs in once more after this upgrade (a one-time logout).
DELETE FROM sessions;

-- A session records the generation of its user's sessions it was opened in. Changing the
-- password or disabling the account moves the generation on, and every session of an
-- older generation ends at its next request: the request already reads the user with
-- their roles in one query, so the check costs nothing.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- An API token may expire; NULL: it lasts until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
