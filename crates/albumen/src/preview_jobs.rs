//! The background preview queue's worker. Scans queue a job per new or changed photo (see
//! `Jobs::queue_preview_jobs`); every server instance, and `albumen previews`, claims jobs under
//! a lease and makes each photo's missing previews from one decode. A file that cannot be
//! rendered fails its job at once (the problem is recorded); other failures are retried with
//! backoff, and a job that keeps failing, or keeps killing its worker, fails after
//! [`MAX_ATTEMPTS`] claims without holding up the rest.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use albumen_core::PhotoId;
use albumen_core::access::{SystemReason, system_grant};
use albumen_db::{Job, PREVIEW_JOBS, RepoError};
use futures::StreamExt;

use crate::clock::unix_now;
use crate::preview::Generated;
use crate::state::AppState;

/// Claims before a job fails for good.
pub const MAX_ATTEMPTS: u32 = 5;
/// How long a claimed job is a worker's; a worker that dies gives its jobs back after this.
const LEASE_SECONDS: i64 = 600;
/// How often an idle server looks for new jobs.
const IDLE_POLL: Duration = Duration::from_secs(10);

/// What a worker did, for progress bars and logs.
#[derive(Debug, Default)]
pub struct Tally {
    pub done: AtomicU64,
    pub made: AtomicU64,
    pub failed: AtomicU64,
    pub retried: AtomicU64,
}

/// A name for this worker, unique across instances (it shows in the jobs table's `locked_by`).
pub fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "albumen".to_owned());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// Claims up to `limit` jobs and works them, `limit` at once. Returns how many it claimed.
pub async fn work_batch(
    state: &AppState,
    worker: &str,
    limit: u32,
    tally: &Tally,
) -> Result<usize, RepoError> {
    let now = unix_now();
    let jobs = jobs_repo(state)
        .claim_jobs(PREVIEW_JOBS, worker, now, now + LEASE_SECONDS, limit)
        .await?;
    let claimed = jobs.len();
    let results: Vec<Result<(), RepoError>> = futures::stream::iter(jobs)
        .map(|job| run(state, job, tally))
        .buffer_unordered(usize::try_from(limit).unwrap_or(1).max(1))
        .collect()
        .await;
    results.into_iter().collect::<Result<(), _>>()?;
    Ok(claimed)
}

/// The queue and the catalog rows the system's own work needs (under a system grant).
#[expect(
    clippy::disallowed_methods,
    reason = "background jobs are the system's own work, not a viewer's"
)]
fn jobs_repo(state: &AppState) -> &dyn albumen_db::Repo {
    state.unscoped_repo().as_ref()
}

async fn run(state: &AppState, job: Job, tally: &Tally) -> Result<(), RepoError> {
    let repo = jobs_repo(state);
    let outcome = if job.attempts > MAX_ATTEMPTS {
        // Claimed this often without an answer: it takes its worker down. Leave it.
        Err(format!("gave up after {MAX_ATTEMPTS} attempts"))
    } else {
        match repo.media(PhotoId::new(job.target)).await? {
            // Gone since it was queued: nothing to do.
            None => Ok(0),
            Some(media) => {
                #[expect(
                    clippy::disallowed_methods,
                    reason = "background jobs make previews without a viewer"
                )]
                let grant = system_grant(media, SystemReason::PreviewJob);
                match state.previews.generate(&state.storage, &grant).await {
                    Ok(Generated::Made(n)) => Ok(n),
                    Ok(Generated::Unrenderable(reason)) => {
                        repo.fail_job(&job, &reason, unix_now()).await?;
                        tally.failed.fetch_add(1, Relaxed);
                        tally.done.fetch_add(1, Relaxed);
                        return Ok(());
                    }
                    Err(err) if job.attempts < MAX_ATTEMPTS => {
                        let delay = backoff(job.attempts);
                        tracing::warn!(photo = job.target, %err, retry_in = delay, "preview job failed");
                        repo.retry_job(&job, &err.to_string(), unix_now() + delay)
                            .await?;
                        tally.retried.fetch_add(1, Relaxed);
                        return Ok(());
                    }
                    Err(err) => Err(err.to_string()),
                }
            }
        }
    };
    match outcome {
        Ok(made) => {
            repo.finish_job(&job).await?;
            tally.made.fetch_add(made as u64, Relaxed);
        }
        Err(reason) => {
            tracing::error!(photo = job.target, %reason, "preview job failed for good");
            repo.fail_job(&job, &reason, unix_now()).await?;
            tally.failed.fetch_add(1, Relaxed);
        }
    }
    tally.done.fetch_add(1, Relaxed);
    Ok(())
}

/// Seconds before the next try after `attempts` claims: 30 s, 2 min, 8 min, 32 min.
fn backoff(attempts: u32) -> i64 {
    30 * 4_i64.pow(attempts.saturating_sub(1).min(4))
}

/// The server's share of the queue: forever, at most half the decode workers at once (at least
/// one), so pages and on-demand previews keep the rest.
pub async fn serve_forever(state: AppState) {
    let worker = worker_name();
    let limit = u32::try_from((state.config.preview_workers() / 2).max(1)).unwrap_or(1);
    let tally = Tally::default();
    loop {
        match work_batch(&state, &worker, limit, &tally).await {
            Ok(0) => tokio::time::sleep(IDLE_POLL).await,
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(%err, "cannot work the preview queue");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_and_is_capped() {
        let delays: Vec<i64> = (1..=7).map(backoff).collect();
        assert_eq!(delays, [30, 120, 480, 1920, 7680, 7680, 7680]);
    }
}
