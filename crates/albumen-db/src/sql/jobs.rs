//! The job queue and leases.

use async_trait::async_trait;
use sqlx::Row;

use super::{SqlRepo, trusted};
use crate::repo::{Job, JobCounts, Jobs};
use crate::{Backend, Result};

/// The kind of the jobs that make a photo's previews.
pub const PREVIEWS: &str = "previews";

impl SqlRepo {
    /// Releases a job's lease: due again at `run_after`, or failed for good at `failed_at`.
    async fn release_job(
        &self,
        job: &Job,
        error: &str,
        run_after: Option<i64>,
        failed_at: Option<i64>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = $3, \
               run_after = COALESCE($4, run_after), failed_at = $5 \
             WHERE id = $1 AND generation = $2",
        )
        .bind(job.id)
        .bind(job.generation)
        .bind(error)
        .bind(run_after)
        .bind(failed_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl Jobs for SqlRepo {
    async fn queue_preview_jobs(&self, since: i64, now: i64) -> Result<u64> {
        // SQLite needs the WHERE before ON CONFLICT to parse an INSERT … SELECT upsert.
        let done = sqlx::query(
            "INSERT INTO jobs (kind, target, priority, sort_key, run_after, created_at) \
             SELECT $1, p.id, \
               CASE WHEN ap.public = 1 THEN 0 WHEN ap.album_id IS NOT NULL THEN 1 ELSE 2 END, \
               p.taken_at, $3, $3 \
             FROM photos p LEFT JOIN album_policies ap ON ap.album_id = p.album_id \
             WHERE p.missing_since IS NULL AND p.updated_at >= $2 \
             ON CONFLICT (kind, target) DO UPDATE SET generation = jobs.generation + 1, \
               priority = excluded.priority, sort_key = excluded.sort_key, attempts = 0, \
               run_after = excluded.run_after, locked_by = NULL, locked_until = NULL, \
               last_error = NULL, failed_at = NULL",
        )
        .bind(PREVIEWS)
        .bind(since)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn claim_jobs(
        &self,
        kind: &str,
        worker: &str,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<Job>> {
        let skip_locked = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let rows = sqlx::query(trusted(format!(
            "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM jobs WHERE kind = $3 AND failed_at IS NULL \
               AND run_after <= $4 AND (locked_until IS NULL OR locked_until <= $4) \
               ORDER BY priority, sort_key DESC NULLS LAST, id LIMIT $5 {skip_locked}) \
             RETURNING id, target, attempts, generation"
        )))
        .bind(worker)
        .bind(lease_until)
        .bind(kind)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut jobs = rows
            .iter()
            .map(|row| {
                Ok(Job {
                    id: row.try_get("id")?,
                    target: row.try_get("target")?,
                    attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                    generation: row.try_get("generation")?,
                })
            })
            .collect::<Result<Vec<Job>>>()?;
        // RETURNING comes in no promised order.
        jobs.sort_by_key(|job| job.id);
        Ok(jobs)
    }

    async fn finish_job(&self, job: &Job) -> Result<()> {
        sqlx::query("DELETE FROM jobs WHERE id = $1 AND generation = $2")
            .bind(job.id)
            .bind(job.generation)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn retry_job(&self, job: &Job, error: &str, run_after: i64) -> Result<()> {
        self.release_job(job, error, Some(run_after), None).await
    }

    async fn fail_job(&self, job: &Job, error: &str, now: i64) -> Result<()> {
        self.release_job(job, error, None, Some(now)).await
    }

    async fn job_counts(&self, kind: &str, now: i64) -> Result<JobCounts> {
        let row = sqlx::query(
            "SELECT \
               COALESCE(SUM(CASE WHEN failed_at IS NULL AND (locked_until IS NULL \
                 OR locked_until <= $2) THEN 1 ELSE 0 END), 0) AS queued, \
               COALESCE(SUM(CASE WHEN failed_at IS NULL AND locked_until > $2 \
                 THEN 1 ELSE 0 END), 0) AS running, \
               COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS failed \
             FROM jobs WHERE kind = $1",
        )
        .bind(kind)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        let count = |name: &str| -> Result<u64> {
            Ok(u64::try_from(row.try_get::<i64, _>(name)?).unwrap_or(0))
        };
        Ok(JobCounts {
            queued: count("queued")?,
            running: count("running")?,
            failed: count("failed")?,
        })
    }

    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
               expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= $4",
        )
        .bind(name)
        .bind(holder)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
