-- The commune's loudspeakers (internal/broadcast, docs/BROADCAST.md): clusters of
-- speakers, the speakers with their feed tokens (hashed), bulletins with their schedule
-- and sound, the clusters each plays on, and the play log the speakers report.
CREATE TABLE broadcast_clusters (
    id         INTEGER PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (unit_id, code)
);

CREATE TABLE broadcast_speakers (
    id           INTEGER PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    cluster_id   BIGINT NOT NULL REFERENCES broadcast_clusters(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,
    last_seen_at TIMESTAMP,
    volume       INTEGER,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX broadcast_speakers_cluster ON broadcast_speakers(cluster_id);

CREATE TABLE bulletins (
    id          INTEGER PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    priority    TEXT NOT NULL,          -- normal, priority, emergency
    status      TEXT NOT NULL,          -- draft, approved, withdrawn
    audio_key   TEXT NOT NULL,
    seconds     DOUBLE PRECISION NOT NULL,
    start_at    TIMESTAMP NOT NULL,
    rule        TEXT NOT NULL DEFAULT '', -- RFC 5545 RRULE; empty: once at start_at
    end_at      TIMESTAMP,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    approved_by BIGINT REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    approved_at TIMESTAMP,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX bulletins_unit ON bulletins(unit_id, status);

CREATE TABLE bulletin_clusters (
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id),
    cluster_id  BIGINT NOT NULL REFERENCES broadcast_clusters(id),
    PRIMARY KEY (bulletin_id, cluster_id)
);
CREATE INDEX bulletin_clusters_cluster ON bulletin_clusters(cluster_id);

-- One row per speaker and play (the bulletin's due time): planned plays without a row
-- were not acknowledged.
CREATE TABLE broadcast_plays (
    speaker_id  BIGINT NOT NULL REFERENCES broadcast_speakers(id),
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id),
    due_at      TIMESTAMP NOT NULL,
    status      TEXT NOT NULL,          -- played, cut, failed
    reported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (speaker_id, bulletin_id, due_at)
);
