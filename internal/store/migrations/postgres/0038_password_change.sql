-- A one-time password must be changed (issue 17).
--
-- A unit administrator who creates a user or resets a password hands over a one-time
-- password; the user's first login with it leads to the change of password, and no other
-- office page or API call is served until the user has chosen their own. The flag is set
-- by the creation and the reset, and cleared by the user's own change.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
