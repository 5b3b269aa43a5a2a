//! The catalog interface the application programs against, and the records it exchanges.

use albumen_core::access::{AlbumFacts, PhotoFacts, VisibilityScope};
use albumen_core::model::{Album, MediaKind, Permissions, Photo, User};
use albumen_core::{AlbumId, PhotoId, UserId};
use async_trait::async_trait;

use crate::Result;

/// A user to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub permissions: Permissions,
    pub now: i64,
}

/// A login session. Only a hash of the cookie's token is stored, so a copy of the database does
/// not let anyone log in.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// What the catalog remembers about a library file, so a rescan can skip unchanged files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogFile {
    pub id: PhotoId,
    pub path: String,
    pub size: i64,
    pub mtime_ns: i64,
    pub fingerprint: String,
    pub missing: bool,
}

/// An album as the scanner derives it from a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbumUpsert {
    pub path: String,
    pub category: String,
    pub name: String,
    /// The date the folder name gives, if any (`YYYY-MM-DD`); otherwise the album takes the date
    /// of its oldest photo.
    pub name_date: Option<String>,
}

/// A new or changed file as the scanner read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoUpsert {
    pub album_path: String,
    pub path: String,
    pub filename: String,
    pub kind: MediaKind,
    pub size: i64,
    pub mtime_ns: i64,
    pub fingerprint: String,
    pub taken_at: Option<String>,
    pub width: u32,
    pub height: u32,
    pub orientation: u8,
    pub camera: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemStage {
    Scan,
    Preview,
}

impl ProblemStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scan => "scan",
            Self::Preview => "preview",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "scan" => Some(Self::Scan),
            "preview" => Some(Self::Preview),
            _ => None,
        }
    }
}

/// A file that could not be catalogued or rendered, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub stage: ProblemStage,
    pub reason: String,
    pub seen_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutcome {
    Completed,
    Failed,
}

/// The report of one finished scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRecord {
    pub started_at: i64,
    pub finished_at: i64,
    pub outcome: ScanOutcome,
    pub files: i64,
    pub albums: i64,
    pub photos: i64,
    pub added: i64,
    pub updated: i64,
    pub missing: i64,
    pub problems: i64,
    pub error: Option<String>,
}

/// The catalog. Single objects are authorized by the caller from their facts; lists take a
/// [`VisibilityScope`] and filter in SQL.
#[async_trait]
pub trait Repo: Send + Sync + std::fmt::Debug {
    // Accounts.
    async fn create_user(&self, user: &NewUser) -> Result<User>;
    /// The user and its password hash, for login.
    async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>>;
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn count_users(&self) -> Result<i64>;

    // Sessions.
    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The live session for a token hash, with its user; expired sessions and disabled users
    /// yield `None`.
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_expired_sessions(&self, now: i64) -> Result<u64>;

    // Catalog reads.
    /// Present albums the scope may see, newest first.
    async fn list_albums(&self, scope: &VisibilityScope) -> Result<Vec<Album>>;
    /// One present album with counts for the scope; the caller has authorized it.
    async fn album(&self, scope: &VisibilityScope, id: AlbumId) -> Result<Option<Album>>;
    /// Present photos of an album the scope may see, in album order (date, then file name).
    async fn album_photos(&self, scope: &VisibilityScope, id: AlbumId) -> Result<Vec<Photo>>;
    /// One present photo, unfiltered: the caller authorizes it with [`Repo::photo_facts`].
    async fn photo(&self, id: PhotoId) -> Result<Option<Photo>>;
    async fn album_facts(&self, id: AlbumId) -> Result<Option<AlbumFacts>>;
    async fn photo_facts(&self, id: PhotoId) -> Result<Option<PhotoFacts>>;

    // Scanning.
    async fn catalog_files(&self) -> Result<Vec<CatalogFile>>;
    /// Creates or updates albums by path; never touches policies or ids.
    async fn upsert_albums(&self, albums: &[AlbumUpsert], now: i64) -> Result<()>;
    /// Creates or updates photos by path in one transaction; a reappearing file is present again.
    /// Their albums must exist.
    async fn upsert_photos(&self, photos: &[PhotoUpsert], now: i64) -> Result<()>;
    /// Marks photos missing (soft delete: rows, ids and policies stay).
    async fn mark_missing(&self, ids: &[PhotoId], now: i64) -> Result<()>;
    /// Recomputes album dates and marks albums without present photos missing (and back).
    async fn refresh_albums(&self, now: i64) -> Result<()>;
    /// Replaces the problems of one stage for one path (or adds it).
    async fn record_problem(&self, problem: &Problem) -> Result<()>;
    /// Forgets a stage's problem for a path once the file reads fine again.
    async fn clear_problem(&self, path: &str, stage: ProblemStage) -> Result<()>;
    async fn problems(&self) -> Result<Vec<Problem>>;
    async fn record_scan(&self, scan: &ScanRecord) -> Result<()>;
    async fn last_scan(&self) -> Result<Option<ScanRecord>>;

    // Leases: one holder at a time across processes and instances.
    /// Takes or renews the named lease for `holder` until `expires_at`; false if someone else
    /// holds a live one.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool>;
    async fn release_lease(&self, name: &str, holder: &str) -> Result<()>;
}
