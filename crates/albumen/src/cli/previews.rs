//! `albumen previews [--all]`: work the background preview queue here, with a progress bar;
//! `albumen cache prune`: delete cached previews no present photo needs.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::CommonArgs;
use crate::clock::unix_now;
use crate::preview_jobs::{Tally, work_batch, worker_name};
use crate::state::AppState;

#[derive(Debug, Args)]
pub struct PreviewsArgs {
    /// Queue every present photo first (previews already cached are kept, not made again)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Delete cached previews that no present photo, configured preset or encoding needs
    Prune,
}

pub(super) async fn run(common: &CommonArgs, args: PreviewsArgs) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    let repo = super::catalog(&state).as_ref();
    if args.all {
        repo.queue_preview_jobs(0, unix_now()).await?;
    }
    let before = repo
        .job_counts(albumen_db::PREVIEW_JOBS, unix_now())
        .await?;
    let bar = ProgressBar::new(before.queued);
    bar.set_style(ProgressStyle::with_template(
        "{spinner} previews [{elapsed_precise}] {wide_bar} {pos}/{len} photos ({per_sec}, {eta} left)",
    )?);
    bar.enable_steady_tick(Duration::from_millis(120));
    let tally = Arc::new(Tally::default());
    let ticker = {
        let (bar, tally) = (bar.clone(), tally.clone());
        tokio::spawn(async move {
            loop {
                bar.set_position(tally.done.load(Relaxed));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let worker = worker_name();
    let limit = u32::try_from(state.config.preview_workers()).unwrap_or(1);
    let result = async {
        while work_batch(&state, &worker, limit, &tally).await? > 0 {}
        anyhow::Ok(())
    }
    .await;
    ticker.abort();
    bar.finish_and_clear();
    result?;
    let after = repo
        .job_counts(albumen_db::PREVIEW_JOBS, unix_now())
        .await?;
    println!(
        "{} photos: {} previews made, {} failed, {} to retry later; {} failed in all, {} queued, {} running elsewhere",
        tally.done.load(Relaxed),
        tally.made.load(Relaxed),
        tally.failed.load(Relaxed),
        tally.retried.load(Relaxed),
        after.failed,
        after.queued,
        after.running,
    );
    Ok(())
}

pub(super) async fn run_cache(common: &CommonArgs, command: CacheCommand) -> anyhow::Result<()> {
    let state = AppState::open(common.load(|_| {})?).await?;
    match command {
        CacheCommand::Prune => {
            let fingerprints: HashSet<String> = super::catalog(&state)
                .catalog_files()
                .await?
                .into_iter()
                .filter(|f| !f.missing)
                .map(|f| f.fingerprint)
                .collect();
            let (deleted, kept, freed) = state
                .storage
                .prune_previews(|key| state.previews.wanted(&fingerprints, key))
                .await?;
            println!(
                "deleted {deleted} previews ({:.1} MB), kept {kept}",
                freed as f64 / 1e6
            );
        }
    }
    Ok(())
}
