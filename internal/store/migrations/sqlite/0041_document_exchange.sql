-- Official documents through the exchange platform (issue 19, docs/EXCHANGE.md): an
-- incoming document registered from an edXML message keeps the message's DocumentId and
-- its sender's organ id, so its handling (05, 06) is reported back; an outgoing one keeps
-- the last status its recipients sent (the full list is in exchange_messages). Dispatch
-- rows name their channel: "exchange" for a recipient written as an organ id, "email"
-- otherwise (document.DispatchChannel), so each sender claims only its own.
ALTER TABLE documents ADD COLUMN exchange_id TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN exchange_organ TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN exchange_status TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_exchange ON documents(unit_id, exchange_id);
ALTER TABLE document_dispatches ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
CREATE INDEX document_dispatches_channel ON document_dispatches(channel, status, next_attempt_at);
