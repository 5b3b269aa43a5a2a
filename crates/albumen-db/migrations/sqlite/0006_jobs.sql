-- Background work shared by every instance: one row per (kind, target), e.g. ('previews',
-- photo id). Workers claim ready rows with a lease (locked_until), so a crashed worker's jobs
-- come back; attempts count claims, so a job that crashes its worker fails after a few tries
-- (failed_at) instead of blocking the queue. Queueing a job again bumps its generation, and a
-- worker finishing an older generation leaves the new one queued.

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    target       INTEGER NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 0,
    sort_key     TEXT,
    generation   INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_after    INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until INTEGER,
    last_error   TEXT,
    failed_at    INTEGER,
    created_at   INTEGER NOT NULL,
    UNIQUE (kind, target)
);
CREATE INDEX jobs_ready ON jobs (kind, failed_at, priority, sort_key);
