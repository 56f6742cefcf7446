-- Inboxes list a unit's open dossiers whether it received them or decides them: both
-- sides of that OR need the status in their index, or the receiving side reads every
-- dossier the unit ever received.
CREATE INDEX dossiers_receiving_inbox ON dossiers(unit_id, status, due_at);
