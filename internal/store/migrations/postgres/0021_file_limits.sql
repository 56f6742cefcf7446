-- Previews of images, made once from the original and kept in the blob store: the key
-- of the original (its SHA-256) and the preview's width name the preview's blob. Derived
-- data, shared by every attachment with the same bytes.
CREATE TABLE blob_previews (
    blob_key    TEXT NOT NULL,
    width       INTEGER NOT NULL,
    preview_key TEXT NOT NULL,
    size        BIGINT NOT NULL,
    PRIMARY KEY (blob_key, width)
);

-- A user's uploads of the last day are counted against their daily cap.
CREATE INDEX dossier_files_uploader ON dossier_files(uploaded_by, created_at);
