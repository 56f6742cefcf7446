-- The provinces' roll-up of closed months (docs/STATISTICS.md, "The roll-up"): a
-- province's report reads two snapshots here instead of every commune's monthly counters.
-- Kept by a job (Store.FoldCounts), not by the transitions: a province's row would be
-- written by every commune's transactions.

-- Cumulative snapshots: for a province (unit_id) and a closed month, the sums of every
-- counter of the province and its communes dated through that month's last day. A month
-- without counters has no snapshot: the one before it stands for it.
CREATE TABLE dossier_counts_rollup (
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    month          TEXT NOT NULL, -- YYYY-MM
    procedure_code TEXT NOT NULL,
    channel        TEXT NOT NULL,
    measure        TEXT NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (unit_id, month, procedure_code, channel, measure)
);

-- The days of the folded months, summed over the province and its communes (not
-- cumulative): a period that starts or ends inside a folded month reads its days here
-- rather than every commune's daily counters.
CREATE TABLE dossier_counts_rollup_daily (
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    day            TEXT NOT NULL, -- YYYY-MM-DD
    procedure_code TEXT NOT NULL,
    channel        TEXT NOT NULL,
    measure        TEXT NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day, procedure_code, channel, measure)
);

-- How far each province is folded: the snapshots stand for every month through
-- folded_through, for the units listed (ids, ascending, comma-separated); a report whose
-- units differ (a commune added or moved) does not use them.
CREATE TABLE dossier_counts_rollup_state (
    unit_id        BIGINT PRIMARY KEY REFERENCES units(id),
    folded_through TEXT NOT NULL, -- YYYY-MM
    units          TEXT NOT NULL,
    folded_at      TIMESTAMPTZ NOT NULL
);

-- Months folded already that a counter landed in afterwards (a late transition's
-- overdue_from, an import): written in the counter's transaction, under the counter's
-- unit; the snapshots from that month on are not used until the job folds them again.
CREATE TABLE dossier_counts_dirty (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    month   TEXT NOT NULL, -- YYYY-MM
    PRIMARY KEY (unit_id, month)
);
