-- Outgoing documents signed inside xaso (issue 19, docs/DOCUMENTS.md "Signing"): the
-- draft's PDF as it stands (the blob key of the file uploaded, then of each signed
-- version) and how far its signing went: '' none, 'signed' by the leader, 'sealed' by the
-- clerk with the body's seal (ready for an electronic issue).
ALTER TABLE documents ADD COLUMN draft_blob TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN sign_stage TEXT NOT NULL DEFAULT '';
