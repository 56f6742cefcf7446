-- Official documents through the exchange platform (issue 19, docs/EXCHANGE.md): an
-- incoming document registered from an edXML message keeps the message's DocumentId and
-- its sender's organ id, so its handling (05, 06) is reported back; an outgoing one keeps
-- the last status its recipients sent (the full list is in exchange_messages), an
-- incoming one a recall (13) and its answer (15, 16). The dispatch rows' channel is
-- migration 0043's.
ALTER TABLE documents ADD COLUMN exchange_id TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN exchange_organ TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN exchange_status TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_exchange ON documents(unit_id, exchange_id);
