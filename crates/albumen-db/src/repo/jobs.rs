//! Background work shared by every instance: the job queue and named leases.

use async_trait::async_trait;

use crate::Result;

/// A background job a worker has claimed: done with [`Jobs::finish_job`], or given back with
/// [`Jobs::retry_job`] or [`Jobs::fail_job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    /// What the job is about: a photo id for preview jobs.
    pub target: i64,
    /// Claims so far, this one included.
    pub attempts: u32,
    /// Bumped when the job is queued again; only the claimed generation is finished.
    pub generation: i64,
}

/// How many jobs of a kind wait, run (leased) and have failed for good.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub queued: u64,
    pub running: u64,
    pub failed: u64,
}

/// Background jobs and leases. Claiming takes ready jobs (not failed, due, not leased) in
/// priority order under a lease; PostgreSQL skips rows other workers are claiming at the same
/// moment (`FOR UPDATE SKIP LOCKED`), SQLite serialises writers.
#[async_trait]
pub trait Jobs: Send + Sync + std::fmt::Debug {
    /// Queues a preview job for every present photo updated at or after `since` (0: all):
    /// photos in public albums first, then albums with a policy, then private ones, newest
    /// first within each. A job already queued, running or failed is queued afresh. Returns
    /// the number of photos queued.
    async fn queue_preview_jobs(&self, since: i64, now: i64) -> Result<u64>;
    /// Leases up to `limit` ready jobs of `kind` to `worker` until `lease_until`.
    async fn claim_jobs(
        &self,
        kind: &str,
        worker: &str,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<Job>>;
    /// Removes a finished job, unless it was queued again meanwhile.
    async fn finish_job(&self, job: &Job) -> Result<()>;
    /// Gives a job back, to be claimed again from `run_after`.
    async fn retry_job(&self, job: &Job, error: &str, run_after: i64) -> Result<()>;
    /// Marks a job failed for good (kept, with its error, until it is queued again).
    async fn fail_job(&self, job: &Job, error: &str, now: i64) -> Result<()>;
    async fn job_counts(&self, kind: &str, now: i64) -> Result<JobCounts>;

    /// Takes or renews the named lease for `holder` until `expires_at`; false if someone else
    /// holds a live one. One holder at a time across processes and instances.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool>;
    async fn release_lease(&self, name: &str, holder: &str) -> Result<()>;
}
