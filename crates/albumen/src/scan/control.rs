//! Scans started by the server: at most one at a time in this process (the database lease
//! covers other processes), with live progress and the last outcome kept for the API.

use std::sync::{Arc, Mutex};

use albumen_db::Repo;
use serde::Serialize;

use super::{Progress, ScanError, ScanJob, ScanReport, scan};

#[derive(Debug, Default)]
pub struct ScanControl {
    inner: Mutex<Status>,
}

#[derive(Debug, Default)]
struct Status {
    running: Option<Arc<Progress>>,
    last: Option<Result<ScanReport, String>>,
}

/// A snapshot for display.
#[derive(Debug, Clone, Serialize)]
pub struct ScanStatus {
    pub running: bool,
    pub found: u64,
    pub to_read: u64,
    pub read: u64,
    pub problems: u64,
    pub last_report: Option<ScanReport>,
    pub last_error: Option<String>,
}

impl ScanControl {
    /// Starts a background scan unless one is already running here.
    pub fn start(
        self: &Arc<Self>,
        repo: Arc<dyn Repo>,
        job: ScanJob,
    ) -> Result<tokio::task::JoinHandle<()>, ScanError> {
        let progress = Arc::new(Progress::default());
        {
            let mut status = self.lock();
            if status.running.is_some() {
                return Err(ScanError::AlreadyRunning);
            }
            status.running = Some(progress.clone());
        }
        let control = self.clone();
        Ok(tokio::spawn(async move {
            let result = scan(&repo, &job, progress).await;
            match &result {
                Ok(report) => tracing::info!(?report, "scan finished"),
                Err(err) => tracing::error!(%err, "scan failed"),
            }
            let mut status = control.lock();
            status.running = None;
            status.last = Some(result.map_err(|e| e.to_string()));
        }))
    }

    pub fn status(&self) -> ScanStatus {
        use std::sync::atomic::Ordering::Relaxed;
        let status = self.lock();
        let progress = status.running.as_deref();
        let read = |f: fn(&Progress) -> &std::sync::atomic::AtomicU64| {
            progress.map_or(0, |p| f(p).load(Relaxed))
        };
        ScanStatus {
            running: progress.is_some(),
            found: read(|p| &p.found),
            to_read: read(|p| &p.to_read),
            read: read(|p| &p.read),
            problems: read(|p| &p.problems),
            last_report: status.last.as_ref().and_then(|r| r.as_ref().ok().cloned()),
            last_error: status.last.as_ref().and_then(|r| r.as_ref().err().cloned()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Status> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
