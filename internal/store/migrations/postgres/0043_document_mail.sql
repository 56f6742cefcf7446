-- Official e-mail (issue 19): each dispatch row of an issued document names its channel
-- (exchange: an organ id; email: an address, for bodies without an exchange address;
-- paper: by post or by hand), so each sender claims only its own, and the Message-ID its
-- messages carry on every attempt (the same one each time: receivers see duplicates).
ALTER TABLE document_dispatches ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE document_dispatches ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
CREATE INDEX document_dispatches_channel ON document_dispatches(channel, status, next_attempt_at);
