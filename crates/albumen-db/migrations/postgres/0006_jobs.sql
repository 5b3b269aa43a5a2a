-- Background work shared by every instance: one row per (kind, target), e.g. ('previews',
-- photo id). Workers claim ready rows with a lease (locked_until), so a crashed worker's jobs
-- come back; attempts count claims, so a job that crashes its worker fails after a few tries
-- (failed_at) instead of blocking the queue. Queueing a job again bumps its generation, and a
-- worker finishing an older generation leaves the new one queued.

CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT COLLATE "C" NOT NULL,
    target       BIGINT NOT NULL,
    priority     BIGINT NOT NULL DEFAULT 0,
    sort_key     TEXT COLLATE "C",
    generation   BIGINT NOT NULL DEFAULT 0,
    attempts     BIGINT NOT NULL DEFAULT 0,
    run_after    BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    failed_at    BIGINT,
    created_at   BIGINT NOT NULL,
    UNIQUE (kind, target)
);
CREATE INDEX jobs_ready ON jobs (kind, failed_at, priority, sort_key);
