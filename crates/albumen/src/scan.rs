//! The library scan: list the folder, read new and changed files (head and tail only), upsert
//! albums and photos in batches, soft-delete what vanished. One bad file never stops a scan; a
//! missing or suddenly empty library stops it before anything changes. One scan at a time,
//! through a lease in the database that also holds across server instances.

mod control;
mod naming;
mod read;
mod walk;

pub use control::{ScanControl, ScanStatus};

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use albumen_core::model::MediaKind;
use albumen_db::{
    AlbumUpsert, PhotoUpsert, Problem, ProblemStage, Repo, RepoError, ScanOutcome, ScanRecord,
};
use rayon::prelude::*;
use serde::Serialize;

use crate::clock::unix_now;

const LEASE: &str = "scan";
/// Long enough for any scan; a crashed holder's lease lapses after it.
const LEASE_SECONDS: i64 = 6 * 3600;
const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("another scan is running")]
    AlreadyRunning,
    #[error("the library folder {path} cannot be read: {reason}")]
    LibraryUnavailable { path: PathBuf, reason: String },
    #[error(
        "the library folder {path} has no photos but the catalog knows {known}; \
         is the disk mounted? Nothing was changed"
    )]
    LibraryEmpty { path: PathBuf, known: usize },
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("scan worker failed: {0}")]
    Worker(String),
}

/// Live counters, read by the CLI progress bar and the API while a scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Media files found so far by the listing.
    pub found: AtomicU64,
    /// New or changed files that must be read.
    pub to_read: AtomicU64,
    /// Of those, read so far.
    pub read: AtomicU64,
    pub problems: AtomicU64,
}

/// What a finished scan did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanReport {
    /// Media files in the library.
    pub files: usize,
    pub albums: usize,
    /// Present photos after the scan.
    pub photos: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub missing: usize,
    pub problems: usize,
    pub seconds: f64,
}

/// Scans `root` into the catalog.
pub async fn scan(
    repo: &Arc<dyn Repo>,
    root: &Path,
    progress: Arc<Progress>,
) -> Result<ScanReport, ScanError> {
    let holder = format!("{:032x}", rand::random::<u128>());
    let started_at = unix_now();
    if !repo
        .acquire_lease(LEASE, &holder, started_at, started_at + LEASE_SECONDS)
        .await?
    {
        return Err(ScanError::AlreadyRunning);
    }
    let result = scan_locked(repo, root, progress).await;
    let record = match &result {
        Ok(report) => ScanRecord {
            started_at,
            finished_at: unix_now(),
            outcome: ScanOutcome::Completed,
            files: count(report.files),
            albums: count(report.albums),
            photos: count(report.photos),
            added: count(report.added),
            updated: count(report.updated),
            missing: count(report.missing),
            problems: count(report.problems),
            error: None,
        },
        Err(err) => ScanRecord {
            started_at,
            finished_at: unix_now(),
            outcome: ScanOutcome::Failed,
            files: 0,
            albums: 0,
            photos: 0,
            added: 0,
            updated: 0,
            missing: 0,
            problems: 0,
            error: Some(err.to_string()),
        },
    };
    let recorded = repo.record_scan(&record).await;
    repo.release_lease(LEASE, &holder).await?;
    recorded?;
    result
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A file that must be (re)read, and whether the catalog already had it.
struct ToRead {
    found: walk::Found,
    known: bool,
}

async fn scan_locked(
    repo: &Arc<dyn Repo>,
    root: &Path,
    progress: Arc<Progress>,
) -> Result<ScanReport, ScanError> {
    let clock = Instant::now();
    let root_buf = root.to_path_buf();
    let listing = tokio::task::spawn_blocking(move || walk::list(&root_buf))
        .await
        .map_err(|e| ScanError::Worker(e.to_string()))?
        .map_err(|e| ScanError::LibraryUnavailable {
            path: root.to_path_buf(),
            reason: e.to_string(),
        })?;
    progress
        .found
        .store(listing.files.len() as u64, Ordering::Relaxed);

    let catalog = repo.catalog_files().await?;
    let present_known = catalog.iter().filter(|f| !f.missing).count();
    if listing.files.is_empty() && present_known > 0 {
        return Err(ScanError::LibraryEmpty {
            path: root.to_path_buf(),
            known: present_known,
        });
    }
    let known: HashMap<&str, &albumen_db::CatalogFile> =
        catalog.iter().map(|f| (f.path.as_str(), f)).collect();

    let mut unchanged = 0;
    let mut to_read = Vec::new();
    for found in &listing.files {
        match known.get(found.path.as_str()) {
            Some(k)
                if !k.missing
                    && k.size == count_u64(found.size)
                    && k.mtime_ns == found.mtime_ns =>
            {
                unchanged += 1;
            }
            other => to_read.push(ToRead {
                found: found.clone(),
                known: other.is_some(),
            }),
        }
    }
    progress
        .to_read
        .store(to_read.len() as u64, Ordering::Relaxed);

    // Header reads in parallel on all cores, off the async runtime.
    let read_root = root.to_path_buf();
    let read_progress = progress.clone();
    let results = tokio::task::spawn_blocking(move || {
        to_read
            .into_par_iter()
            .map(|item| {
                let facts = read::read_file(&read_root.join(&item.found.path));
                read_progress.read.fetch_add(1, Ordering::Relaxed);
                if facts.is_err() {
                    read_progress.problems.fetch_add(1, Ordering::Relaxed);
                }
                (item, facts)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ScanError::Worker(e.to_string()))?;

    let now = unix_now();
    let mut problems: Vec<Problem> = listing
        .problems
        .iter()
        .map(|(path, reason)| Problem {
            path: path.clone(),
            stage: ProblemStage::Scan,
            reason: reason.clone(),
            seen_at: now,
        })
        .collect();
    progress
        .problems
        .fetch_add(listing.problems.len() as u64, Ordering::Relaxed);

    let mut upserts = Vec::new();
    let mut healed = Vec::new();
    let (mut added, mut updated) = (0, 0);
    let mut unreadable = HashSet::new();
    for (item, facts) in results {
        match facts {
            Ok(facts) => {
                if item.known {
                    updated += 1;
                } else {
                    added += 1;
                }
                healed.push(item.found.path.clone());
                upserts.push(photo_upsert(&item.found, facts));
            }
            Err(reason) => {
                unreadable.insert(item.found.path.clone());
                problems.push(Problem {
                    path: item.found.path,
                    stage: ProblemStage::Scan,
                    reason,
                    seen_at: now,
                });
            }
        }
    }

    // Albums: every folder holding a catalogued file that is still there.
    let mut album_paths = BTreeSet::new();
    for found in &listing.files {
        let catalogued = known.contains_key(found.path.as_str());
        if catalogued || !unreadable.contains(&found.path) {
            album_paths.insert(parent_of(&found.path).to_owned());
        }
    }
    let library_name = root.file_name().map_or_else(
        || "Library".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let albums: Vec<AlbumUpsert> = album_paths
        .iter()
        .map(|path| album_upsert(path, &library_name))
        .collect();
    repo.upsert_albums(&albums, now).await?;
    for batch in upserts.chunks(BATCH) {
        repo.upsert_photos(batch, now).await?;
    }

    let seen: HashSet<&str> = listing.files.iter().map(|f| f.path.as_str()).collect();
    let vanished: Vec<_> = catalog
        .iter()
        .filter(|f| !f.missing && !seen.contains(f.path.as_str()))
        .map(|f| f.id)
        .collect();
    for batch in vanished.chunks(BATCH) {
        repo.mark_missing(batch, now).await?;
    }
    repo.refresh_albums(now).await?;

    for problem in &problems {
        repo.record_problem(problem).await?;
    }
    for path in &healed {
        repo.clear_problem(path, ProblemStage::Scan).await?;
    }

    let photos = listing.files.len() - unreadable.len();
    Ok(ScanReport {
        files: listing.files.len(),
        albums: albums.len(),
        photos,
        added,
        updated,
        unchanged,
        missing: vanished.len(),
        problems: problems.len(),
        seconds: clock.elapsed().as_secs_f64(),
    })
}

fn count_u64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn album_upsert(path: &str, library_name: &str) -> AlbumUpsert {
    let folder = path.rsplit('/').next().filter(|f| !f.is_empty());
    let derived = naming::album_name(folder.unwrap_or(library_name));
    AlbumUpsert {
        path: path.to_owned(),
        category: String::new(),
        name: derived.name,
        name_date: derived.date,
    }
}

fn photo_upsert(found: &walk::Found, facts: read::FileFacts) -> PhotoUpsert {
    let filename = found
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&found.path)
        .to_owned();
    let taken_at = facts
        .probe
        .taken_at
        .clone()
        .or_else(|| naming::date_from_file_name(&filename))
        .or_else(|| mtime_local(found.mtime_ns));
    PhotoUpsert {
        album_path: parent_of(&found.path).to_owned(),
        path: found.path.clone(),
        filename,
        kind: MediaKind::Image,
        size: count_u64(found.size),
        mtime_ns: found.mtime_ns,
        fingerprint: facts.fingerprint,
        taken_at,
        width: facts.probe.width,
        height: facts.probe.height,
        orientation: facts.probe.orientation,
        camera: facts.probe.camera,
    }
}

/// The modification time in the server's time zone: cameras record local time too.
fn mtime_local(mtime_ns: i64) -> Option<String> {
    let utc = chrono::DateTime::from_timestamp_nanos(mtime_ns);
    Some(naming::format_datetime(
        utc.with_timezone(&chrono::Local).naive_local(),
    ))
}
