//! `albumen scan`: scan the library with a progress bar, then print a summary.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::CommonArgs;
use crate::scan::{Progress, ScanJob, scan};
use crate::state::AppState;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Print the report as JSON instead of a progress bar and a summary
    #[arg(long)]
    pub json: bool,
    /// Go ahead even if more than scan.max_vanished_share of the files vanished
    #[arg(long)]
    pub accept_vanished: bool,
}

pub(super) async fn run(common: &CommonArgs, args: ScanArgs) -> anyhow::Result<()> {
    let config = common.load(|_| {})?;
    let state = AppState::open(config).await?;
    let progress = Arc::new(Progress::default());
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {msg} [{elapsed_precise}] {wide_bar} {pos}/{len} files ({per_sec}, {eta} left)",
    )?);
    bar.enable_steady_tick(Duration::from_millis(120));
    let ticker = {
        let (bar, progress) = (bar.clone(), progress.clone());
        tokio::spawn(async move {
            loop {
                let to_read = progress.to_read.load(Relaxed);
                if to_read == 0 {
                    bar.set_message(format!("listing: {} files", progress.found.load(Relaxed)));
                } else {
                    bar.set_length(to_read);
                    bar.set_position(progress.read.load(Relaxed));
                    bar.set_message(format!(
                        "reading, {} problems",
                        progress.problems.load(Relaxed)
                    ));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let mut job = ScanJob::new(&state.config.library.path, &state.config.scan);
    job.accept_vanished = args.accept_vanished;
    job.queue_previews = state.config.previews.background;
    let result = scan(super::catalog(&state), &job, progress).await;
    ticker.abort();
    bar.finish_and_clear();
    let report = result?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "scanned {} in {:.1} s: {} albums, {} photos ({} new, {} changed, {} moved, {} unchanged, {} missing, {} purged), {} problems",
            state.config.library.path.display(),
            report.seconds,
            report.albums,
            report.photos,
            report.added,
            report.updated,
            report.moved,
            report.unchanged,
            report.missing,
            report.purged,
            report.problems,
        );
        for problem in super::catalog(&state).problems().await?.iter().take(20) {
            println!("  problem: {}: {}", problem.path, problem.reason);
        }
    }
    Ok(())
}
