-- Issue 22's last parts (docs/BROADCAST.md). The operator's changes of single plays on
-- a cluster's day (broadcast.Move): the play of a bulletin due at due_at on a cluster
-- plays at moved_to instead, the same day, or is skipped (moved_to NULL).
CREATE TABLE bulletin_moves (
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id),
    cluster_id  BIGINT NOT NULL REFERENCES broadcast_clusters(id),
    due_at      TIMESTAMP NOT NULL,
    moved_to    TIMESTAMP,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (bulletin_id, cluster_id, due_at)
);

-- Files attached to an announcement (PDF, JPEG, PNG, checked by internal/attach), kept in
-- the blob store; n numbers them within the announcement from 1.
CREATE TABLE announcement_attachments (
    announcement_id BIGINT NOT NULL REFERENCES announcements(id),
    n               INTEGER NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    blob_key        TEXT NOT NULL,
    created_by      BIGINT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (announcement_id, n)
);
