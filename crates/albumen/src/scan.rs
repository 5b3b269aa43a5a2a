//! The library scan: list the folder, read new and changed files (head and tail only),
//! recognise moved and renamed files and folders by content, upsert albums and photos in
//! batches, soft-delete what vanished. One bad file never stops a scan; a missing or suddenly
//! emptied library stops it before anything changes. One scan at a time, through a lease in
//! the database that also holds across server instances.

mod control;
mod identity;
mod naming;
mod pattern;
mod read;
mod walk;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use albumen_db::{
    AlbumUpsert, Catalog, CatalogFile, PhotoUpsert, Problem, ProblemStage, Repo, RepoError,
    ScanOutcome, ScanRecord,
};
use rayon::prelude::*;
use serde::Serialize;

pub use control::{ScanControl, ScanStatus};

use crate::clock::unix_now;
use crate::config::ScanConfig;
use crate::library::Library;
use pattern::Patterns;

const LEASE: &str = "scan";
/// Long enough for any scan; a crashed holder's lease lapses after it.
const LEASE_SECONDS: i64 = 6 * 3600;
const BATCH: usize = 2000;

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
    #[error(
        "{vanished} of {known} catalogued files are gone from {path}, more than \
         scan.max_vanished_share allows; is the disk mounted? Nothing was changed \
         (run `albumen scan --accept-vanished` if they really were removed)"
    )]
    TooManyVanished {
        path: PathBuf,
        vanished: usize,
        known: usize,
    },
    #[error("invalid scan pattern: {0}")]
    Pattern(#[from] regex::Error),
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
    /// Albums holding at least one photo.
    pub albums: usize,
    /// Catalogued, present photos and videos after the scan.
    pub photos: usize,
    pub added: usize,
    pub updated: usize,
    /// Recognised by content under a new name or folder (ids kept).
    pub moved: usize,
    pub unchanged: usize,
    pub missing: usize,
    /// Photos and albums deleted after their grace period.
    pub purged: u64,
    pub problems: usize,
    /// Photos queued for background previews (new or changed ones).
    pub previews_queued: u64,
    pub seconds: f64,
}

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanJob {
    pub root: PathBuf,
    pub config: ScanConfig,
    /// Accept that more than `max_vanished_share` of the files vanished (once).
    pub accept_vanished: bool,
    /// Queue background preview jobs for the photos the scan added or changed.
    pub queue_previews: bool,
}

impl ScanJob {
    pub fn new(root: &Path, config: &ScanConfig) -> Self {
        Self {
            root: root.to_path_buf(),
            config: config.clone(),
            accept_vanished: false,
            queue_previews: true,
        }
    }

    /// Identifies the pattern settings, so a change re-derives names and dates, and what this
    /// build can read, so a build that gained HEIC/AVIF support does not skip an unchanged
    /// listing whose HEIC files were problems before.
    fn config_hash(&self) -> String {
        let json = serde_json::to_string(&self.config.patterns).unwrap_or_default();
        let mut hasher = blake3::Hasher::new();
        hasher.update(json.as_bytes());
        if cfg!(feature = "heif") {
            hasher.update(b"\0heif");
        }
        hasher.finalize().to_hex()[..16].to_owned()
    }
}

/// Scans the library into the catalog.
pub async fn scan(
    repo: &Arc<dyn Repo>,
    job: &ScanJob,
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
    let mut result = scan_locked(repo.as_ref(), job, progress).await;
    if let (Ok((report, _)), true) = (&mut result, job.queue_previews) {
        match repo.queue_preview_jobs(started_at, unix_now()).await {
            Ok(queued) => report.previews_queued = queued,
            Err(err) => result = Err(err.into()),
        }
    }
    let (result, listing_digest) = match result {
        Ok((report, digest)) => (Ok(report), Some(digest)),
        Err(err) => (Err(err), None),
    };
    let mut record = ScanRecord {
        started_at,
        finished_at: unix_now(),
        outcome: ScanOutcome::Completed,
        files: 0,
        albums: 0,
        photos: 0,
        added: 0,
        updated: 0,
        missing: 0,
        problems: 0,
        error: None,
        config_hash: Some(job.config_hash()),
        listing_digest,
    };
    match &result {
        Ok(report) => {
            record.files = count(report.files);
            record.albums = count(report.albums);
            record.photos = count(report.photos);
            record.added = count(report.added);
            record.updated = count(report.updated + report.moved);
            record.missing = count(report.missing);
            record.problems = count(report.problems);
        }
        Err(err) => {
            record.outcome = ScanOutcome::Failed;
            record.error = Some(err.to_string());
        }
    }
    let recorded = repo.record_scan(&record).await;
    repo.release_lease(LEASE, &holder).await?;
    recorded?;
    result
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn count_u64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Logs how long each phase took (`ALBUMEN_LOG=albumen::scan=debug`).
struct Phases(Instant);

impl Phases {
    fn done(&mut self, phase: &str) {
        tracing::debug!(phase, ms = self.0.elapsed().as_millis(), "scan phase");
        self.0 = Instant::now();
    }
}

/// Everything a scan's outcome depends on: the patterns and every listed file's name, size
/// and modification time (and what could not be listed).
fn listing_digest(config_hash: &str, listing: &walk::Listing) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(config_hash.as_bytes());
    for file in &listing.files {
        hasher.update(file.path.as_bytes());
        hasher.update(&[0]);
        hasher.update(file.fs_path.as_deref().unwrap_or_default());
        hasher.update(&[0]);
        hasher.update(&file.size.to_le_bytes());
        hasher.update(&file.mtime_ns.to_le_bytes());
    }
    for (path, reason) in &listing.problems {
        hasher.update(path.as_bytes());
        hasher.update(&[0]);
        hasher.update(reason.as_bytes());
        hasher.update(&[0]);
    }
    hasher.finalize().to_hex().to_string()
}

/// Scans under the lease; also returns the listing digest to record.
async fn scan_locked(
    repo: &dyn Catalog,
    job: &ScanJob,
    progress: Arc<Progress>,
) -> Result<(ScanReport, String), ScanError> {
    let clock = Instant::now();
    let mut phases = Phases(Instant::now());
    let patterns = Arc::new(Patterns::compile(&job.config)?);
    let root = job.root.clone();
    let library = Library::new(&root);
    let listing = {
        let (library, patterns) = (library.clone(), patterns.clone());
        tokio::task::spawn_blocking(move || walk::list(&library, &patterns))
            .await
            .map_err(|e| ScanError::Worker(e.to_string()))?
            .map_err(|e| ScanError::LibraryUnavailable {
                path: root.clone(),
                reason: e.to_string(),
            })?
    };
    progress
        .found
        .store(listing.files.len() as u64, Ordering::Relaxed);
    phases.done("list");
    let now = unix_now();
    let config_hash = job.config_hash();
    let digest = listing_digest(&config_hash, &listing);
    let last = repo.last_scan().await?;

    // The same listing as the last completed scan: nothing to read, match or write. Only the
    // grace period moves on.
    if let Some(last) = last.as_ref().filter(|l| {
        l.outcome == ScanOutcome::Completed && l.listing_digest.as_deref() == Some(&digest)
    }) {
        let grace = i64::from(job.config.missing_grace_days) * 86_400;
        let (purged_photos, purged_albums) = repo.purge_missing(now - grace).await?;
        let photos = usize::try_from(last.photos).unwrap_or(0);
        let report = ScanReport {
            files: usize::try_from(last.files).unwrap_or(0),
            albums: usize::try_from(last.albums).unwrap_or(0),
            photos,
            added: 0,
            updated: 0,
            moved: 0,
            unchanged: photos,
            missing: 0,
            purged: purged_photos + purged_albums,
            problems: usize::try_from(last.problems).unwrap_or(0),
            previews_queued: 0,
            seconds: clock.elapsed().as_secs_f64(),
        };
        phases.done("unchanged listing");
        return Ok((report, digest));
    }
    let mut problems: Vec<Problem> = listing
        .problems
        .iter()
        .map(|(path, reason)| problem(path, reason, now))
        .collect();

    let catalog = repo.catalog_files().await?;
    let present_known = catalog.iter().filter(|f| !f.missing).count();
    let known: HashMap<&str, &CatalogFile> = catalog.iter().map(|f| (f.path.as_str(), f)).collect();
    let config_changed = last.and_then(|s| s.config_hash).as_deref() != Some(config_hash.as_str());

    // Unchanged files (same size and mtime) are not read; with unchanged patterns they are not
    // even matched again. Every other file needs an album pattern: those without are reported,
    // not catalogued.
    let mut files: Vec<(walk::Found, Option<pattern::PathFacts>)> = Vec::new();
    let mut unchanged = 0;
    let mut redated = Vec::new();
    let mut to_read = Vec::new();
    for found in listing.files {
        let catalogued = known.get(found.path.as_str()).copied();
        let same = catalogued.filter(|k| {
            !k.missing && k.size == count_u64(found.size) && k.mtime_ns == found.mtime_ns
        });
        if same.is_some() && !config_changed {
            unchanged += 1;
            files.push((found, None));
            continue;
        }
        let Some(facts) = patterns.classify(&found.path) else {
            problems.push(problem(&found.path, "matches no album pattern", now));
            continue;
        };
        match same {
            Some(k) => {
                unchanged += 1;
                let taken = taken_at(&found, facts.photo_date.as_ref(), k.exif_taken_at.clone());
                if taken != k.taken_at {
                    redated.push((k.id, taken));
                }
            }
            None => to_read.push((found.clone(), catalogued.map(|k| k.id))),
        }
        files.push((found, Some(facts)));
    }
    if files.is_empty() && present_known > 0 && !job.accept_vanished {
        return Err(ScanError::LibraryEmpty {
            path: root,
            known: present_known,
        });
    }
    progress
        .to_read
        .store(to_read.len() as u64, Ordering::Relaxed);
    phases.done("classify + load catalog");

    // Header reads in parallel on all cores, off the async runtime.
    let results = {
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || {
            to_read
                .into_par_iter()
                .map(|(found, known_id)| {
                    let facts = read::read_file(&library, &found.relative_fs_path(), found.kind);
                    progress.read.fetch_add(1, Ordering::Relaxed);
                    if facts.is_err() {
                        progress.problems.fetch_add(1, Ordering::Relaxed);
                    }
                    (found, known_id, facts)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| ScanError::Worker(e.to_string()))?
    };
    phases.done("read");

    // Files no longer where the catalog had them: moved, or gone.
    let listed: HashSet<&str> = files.iter().map(|(f, _)| f.path.as_str()).collect();
    let vanished: Vec<&CatalogFile> = catalog
        .iter()
        .filter(|f| !f.missing && !listed.contains(f.path.as_str()))
        .collect();
    let mut moves = identity::Moves::new(
        catalog
            .iter()
            .filter(|f| f.missing || !listed.contains(f.path.as_str())),
    );
    let facts_of: HashMap<&str, &pattern::PathFacts> = files
        .iter()
        .filter_map(|(f, facts)| Some((f.path.as_str(), facts.as_ref()?)))
        .collect();
    let mut upserts = Vec::new();
    let mut healed = Vec::new();
    let (mut added, mut updated, mut moved) = (0, 0, 0);
    let mut unreadable = HashSet::new();
    for (found, known_id, facts) in results {
        match facts {
            Ok(facts) => {
                let id = match known_id {
                    Some(_) => {
                        updated += 1;
                        None
                    }
                    None => match moves.claim(&facts.fingerprint, count_u64(found.size)) {
                        Some(id) => {
                            moved += 1;
                            Some(id)
                        }
                        None => {
                            added += 1;
                            None
                        }
                    },
                };
                healed.push(found.path.clone());
                let path_facts = facts_of.get(found.path.as_str()).copied();
                upserts.push(photo_upsert(id, &found, facts, path_facts));
            }
            Err(reason) => {
                unreadable.insert(found.path.clone());
                problems.push(problem(&found.path, &reason, now));
            }
        }
    }
    let gone: Vec<_> = vanished
        .iter()
        .filter(|f| !moves.is_claimed(f.id))
        .map(|f| f.id)
        .collect();
    if !job.accept_vanished
        && present_known > 0
        && gone.len() as f64 > job.config.max_vanished_share * present_known as f64
    {
        return Err(ScanError::TooManyVanished {
            path: root,
            vanished: gone.len(),
            known: present_known,
        });
    }

    // Albums: every folder holding a present photo, and the folders above it. The first file
    // of a folder (in listing order) names its album.
    let library_name = root.file_name().map_or_else(
        || "Library".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut album_dirs: BTreeMap<String, Option<pattern::PathFacts>> = BTreeMap::new();
    for (found, facts) in &files {
        if !known.contains_key(found.path.as_str()) && unreadable.contains(&found.path) {
            continue;
        }
        let dir = parent_of(&found.path);
        if !album_dirs.contains_key(dir) {
            let facts = facts.clone().or_else(|| patterns.classify(&found.path));
            album_dirs.insert(dir.to_owned(), facts);
        }
        let mut above = parent_of(dir);
        while !above.is_empty() && !album_dirs.contains_key(above) {
            album_dirs.insert(above.to_owned(), None);
            above = parent_of(above);
        }
    }
    let catalog_albums = repo.catalog_albums().await?;
    let renames = identity::album_renames(&catalog_albums, &album_dirs, &catalog, &upserts);
    for (id, new_path) in &renames {
        repo.rename_album(*id, new_path, now).await?;
    }
    let mut albums: Vec<AlbumUpsert> = album_dirs
        .iter()
        .map(|(path, facts)| album_upsert(path, facts.as_ref(), &library_name))
        .collect();
    // Parents before children, so each can point at its parent.
    albums.sort_by(|a, b| {
        (a.path.split('/').count(), &a.path).cmp(&(b.path.split('/').count(), &b.path))
    });
    repo.upsert_albums(&albums, now).await?;
    phases.done("albums");
    let renamed: HashSet<_> = renames.iter().map(|(id, _)| *id).collect();
    let gone_albums: Vec<_> = catalog_albums
        .iter()
        .filter(|a| !a.missing && !renamed.contains(&a.id) && !album_dirs.contains_key(&a.path))
        .map(|a| a.id)
        .collect();

    for batch in upserts.chunks(BATCH) {
        repo.upsert_photos(batch, now).await?;
    }
    for batch in gone.chunks(BATCH) {
        repo.mark_missing(batch, now).await?;
    }
    repo.mark_albums_missing(&gone_albums, now).await?;
    // Changed patterns re-derive the capture dates of files that were not re-read.
    repo.set_taken_at(&redated).await?;
    phases.done("write photos");
    repo.refresh_albums().await?;
    phases.done("dates");

    for problem in &problems {
        repo.record_problem(problem).await?;
    }
    // Forget the problems of files that read fine now (few: look them up, not one per file).
    let open: HashSet<String> = repo
        .problems()
        .await?
        .into_iter()
        .filter(|p| p.stage == ProblemStage::Scan)
        .map(|p| p.path)
        .collect();
    for path in healed.iter().filter(|p| open.contains(*p)) {
        repo.clear_problem(path, ProblemStage::Scan).await?;
    }
    phases.done("problems");
    let grace = i64::from(job.config.missing_grace_days) * 86_400;
    let (purged_photos, purged_albums) = repo.purge_missing(now - grace).await?;
    phases.done("purge");

    let holding: HashSet<&str> = files
        .iter()
        .filter(|(f, _)| !unreadable.contains(&f.path) || known.contains_key(f.path.as_str()))
        .map(|(f, _)| parent_of(&f.path))
        .collect();
    let report = ScanReport {
        files: files.len(),
        albums: holding.len(),
        photos: unchanged + upserts.len(),
        added,
        updated,
        moved,
        unchanged,
        missing: gone.len(),
        purged: purged_photos + purged_albums,
        problems: problems.len(),
        previews_queued: 0,
        seconds: clock.elapsed().as_secs_f64(),
    };
    Ok((report, digest))
}

fn problem(path: &str, reason: &str, now: i64) -> Problem {
    Problem {
        path: path.to_owned(),
        stage: ProblemStage::Scan,
        reason: reason.to_owned(),
        seen_at: now,
    }
}

pub(crate) fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn album_upsert(path: &str, facts: Option<&pattern::PathFacts>, library_name: &str) -> AlbumUpsert {
    let folder = path.rsplit('/').next().filter(|f| !f.is_empty());
    let name = facts
        .and_then(|f| f.album_name.clone())
        .unwrap_or_else(|| folder.unwrap_or(library_name).to_owned());
    AlbumUpsert {
        path: path.to_owned(),
        parent_path: (!path.is_empty())
            .then(|| parent_of(path).to_owned())
            .filter(|p| !p.is_empty()),
        category: facts.map(|f| f.category.clone()).unwrap_or_default(),
        name,
        name_date: facts.and_then(|f| f.album_date.clone()),
    }
}

/// The capture time: from the path pattern, then EXIF, then the file name, then the mtime.
fn taken_at(
    found: &walk::Found,
    from_path: Option<&String>,
    exif: Option<String>,
) -> Option<String> {
    let filename = found.path.rsplit('/').next().unwrap_or(&found.path);
    from_path
        .cloned()
        .or(exif)
        .or_else(|| naming::date_from_file_name(filename))
        .or_else(|| mtime_local(found.mtime_ns))
}

fn photo_upsert(
    id: Option<albumen_core::PhotoId>,
    found: &walk::Found,
    facts: read::FileFacts,
    path_facts: Option<&pattern::PathFacts>,
) -> PhotoUpsert {
    let filename = found
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&found.path)
        .to_owned();
    PhotoUpsert {
        id,
        album_path: parent_of(&found.path).to_owned(),
        path: found.path.clone(),
        fs_path: found.fs_path.clone(),
        filename,
        kind: found.kind,
        size: count_u64(found.size),
        mtime_ns: found.mtime_ns,
        fingerprint: facts.fingerprint,
        taken_at: taken_at(
            found,
            path_facts.and_then(|f| f.photo_date.as_ref()),
            facts.exif_taken_at.clone(),
        ),
        exif_taken_at: facts.exif_taken_at,
        width: facts.width,
        height: facts.height,
        orientation: facts.orientation,
        meta: facts.meta,
    }
}

/// The modification time in the server's time zone: cameras record local time too.
fn mtime_local(mtime_ns: i64) -> Option<String> {
    let utc = chrono::DateTime::from_timestamp_nanos(mtime_ns);
    Some(naming::format_datetime(
        utc.with_timezone(&chrono::Local).naive_local(),
    ))
}
