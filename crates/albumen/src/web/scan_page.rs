//! The scan page (`/admin/scan`) for administrators and users who may scan: "Scan now", the
//! state of the scan, the last report, the scan problems with their reasons (the files named
//! only to those who see every photo: a problem's path may be in an album the scanner may not
//! see), the depth of the preview queue, and a server-sent event stream of the running scan's
//! progress.
//!
//! The stream reads the same in-process counters as `GET /api/v1/scan` every half second while
//! a scan runs, sends a `done` event when it ends and closes; with no scan running it sends one
//! `idle` event and closes, so nothing stays open for an idle page.

use std::time::Duration;

use albumen_db::{PREVIEW_JOBS, ScanOutcome};
use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::clock::unix_now;
use crate::scan::{ScanError, ScanJob, ScanStatus};
use crate::state::AppState;
use crate::web::admin_pages::{see_other, when};
use crate::web::error::AppError;
use crate::web::extract::{Scanner, Viewer};
use crate::web::html::render;

/// How often the stream reports a running scan.
const TICK: Duration = Duration::from_millis(500);

/// The query the "Scan now" form redirects to.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /admin/scan`
pub async fn scan_page(
    scanner: Scanner,
    State(state): State<AppState>,
    viewer: Viewer,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let repo = scanner.repo();
    let status = state.scans.status();
    let last = repo.last_scan().await?.map(|r| {
        json!({
            "finished": when(r.finished_at),
            "seconds": (r.finished_at - r.started_at).max(0),
            "failed": r.outcome == ScanOutcome::Failed,
            "error": r.error,
            "files": r.files,
            "albums": r.albums,
            "photos": r.photos,
            "added": r.added,
            "updated": r.updated,
            "missing": r.missing,
            "problems": r.problems,
            // Only this process's last scan knows how many files moved.
            "moved": status.last_report.as_ref().map(|report| report.moved),
        })
    });
    // A problem names a file, which may be in an album the scanner may not see: the list is
    // for those who see every photo; others get the count.
    let all_problems = repo.problems().await?;
    let sees_all = scanner.user.permissions.sees_all();
    let problems: Vec<Value> = all_problems
        .iter()
        .filter(|_| sees_all)
        .map(|p| {
            json!({
                "path": &p.path,
                "stage": p.stage.as_str(),
                "reason": &p.reason,
                "seen": when(p.seen_at),
            })
        })
        .collect();
    let queue = repo.job_counts(PREVIEW_JOBS, unix_now()).await?;
    let notice = match done.done.as_deref() {
        Some("started") => Some("Scan started."),
        Some("running") => Some("A scan is already running; its progress is below."),
        Some("finished") => Some("Scan finished."),
        _ => None,
    };
    let context = json!({
        "section": "scan",
        "notice": notice,
        "status": status,
        "phase": phase(&status),
        "last": last,
        "problems": problems,
        "problem_count": all_problems.len(),
        "sees_all": sees_all,
        "queue": {"queued": queue.queued, "running": queue.running, "failed": queue.failed},
    });
    Ok(render(&state, &viewer, "admin/scan.html", context)?.into_response())
}

/// `POST /admin/scan`: starts a scan as `POST /api/v1/scan` does, then back to the page.
pub async fn start_scan(
    scanner: Scanner,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let mut job = ScanJob::new(&state.config.library.path, &state.config.scan);
    job.queue_previews = state.config.previews.background;
    match state.scans.start(scanner.repo().clone(), job) {
        Ok(_) => see_other("/admin/scan?done=started"),
        Err(ScanError::AlreadyRunning) => see_other("/admin/scan?done=running"),
        Err(err) => Err(err.into()),
    }
}

/// What a running scan is doing, from its counters: listing the library, reading the new and
/// changed files, then saving what it read to the catalog.
fn phase(status: &ScanStatus) -> &'static str {
    match (status.running, status.to_read) {
        (false, _) => "idle",
        (true, 0) => "listing",
        (true, to_read) if status.read < to_read => "reading",
        (true, _) => "saving",
    }
}

fn event(name: &str, status: &ScanStatus) -> Result<Event, axum::Error> {
    let mut data = serde_json::to_value(status).map_err(axum::Error::new)?;
    if let Some(map) = data.as_object_mut() {
        map.insert("phase".to_owned(), json!(phase(status)));
    }
    Event::default().event(name).json_data(data)
}

/// `GET /admin/scan/events`: `progress` events while a scan runs, then `done`; `idle` alone
/// when none runs.
pub async fn scan_events(_scanner: Scanner, State(state): State<AppState>) -> Response {
    // `Some(first)` while the stream goes on.
    let stream = futures::stream::unfold(Some(true), move |step| {
        let state = state.clone();
        async move {
            let first = step?;
            if !first {
                tokio::time::sleep(TICK).await;
            }
            let status = state.scans.status();
            let (name, next) = match (status.running, first) {
                (true, _) => ("progress", Some(false)),
                (false, true) => ("idle", None),
                (false, false) => ("done", None),
            };
            Some((event(name, &status), next))
        }
    });
    let mut response = Sse::new(stream).into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
