//! The catalog interface the application programs against, and the records it exchanges.

use albumen_core::access::{
    AlbumFacts, AlbumPolicy, MediaRef, PhotoFacts, Policy, VisibilityScope,
};
use albumen_core::model::{Album, MediaKind, Permissions, Photo, PhotoEntry, PhotoMeta, User};
use albumen_core::{AlbumId, GroupId, PhotoId, ShareId, UserId};
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

/// Changes to an account; `None` leaves a field as it is. The password is already hashed.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    pub permissions: Option<Permissions>,
}

impl UserUpdate {
    /// Whether the change must end the user's sessions: disabling, a new password or new
    /// permissions take effect at once.
    pub fn ends_sessions(&self) -> bool {
        self.disabled == Some(true) || self.password_hash.is_some() || self.permissions.is_some()
    }

    /// Whether the change must delete the user's login links: disabling voids them for good
    /// (enabling the account again does not revive them), and so does a new password.
    pub fn ends_login_links(&self) -> bool {
        self.disabled == Some(true) || self.password_hash.is_some()
    }
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
    /// The groups the user belongs to, ascending.
    pub groups: Vec<GroupId>,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// A magic login link to store. Only the hash of the link's token is kept; `password_stamp` is
/// a hash of the user's password hash, compared when the link is used so a new password voids it.
#[derive(Debug, Clone)]
pub struct NewLoginLink {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: i64,
    pub expires_at: i64,
    pub single_use: bool,
    pub password_stamp: String,
}

/// Whether a login link's password stamp still matches its user's password hash:
/// `(password_hash, password_stamp) -> bool`, decided by the caller, which makes the stamps.
pub type StampCheck<'a> = dyn Fn(&str, &str) -> bool + Send + Sync + 'a;

/// What a share link reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareTarget {
    /// One album, and with `include_sub_albums` every album below it.
    Album {
        id: AlbumId,
        include_sub_albums: bool,
    },
    /// Exactly these photos.
    Photos(Vec<PhotoId>),
}

/// A share link to store. Only the hash of its token is kept; the password, if any, is already
/// hashed.
#[derive(Debug, Clone)]
pub struct NewShare {
    pub token_hash: String,
    pub label: String,
    pub target: ShareTarget,
    pub password_hash: Option<String>,
    pub allow_download: bool,
    pub allow_zip: bool,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

/// A stored share link, live or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRecord {
    pub id: ShareId,
    pub label: String,
    pub target: ShareTarget,
    pub password_hash: Option<String>,
    pub allow_download: bool,
    pub allow_zip: bool,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub view_count: i64,
}

impl ShareRecord {
    /// Neither revoked nor expired at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

/// A group of users, named so administrators can list it in policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub created_at: i64,
}

/// What the catalog remembers about a library file, so a rescan can skip unchanged files and
/// recognise moved ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogFile {
    pub id: PhotoId,
    pub album_id: AlbumId,
    pub path: String,
    pub size: i64,
    pub mtime_ns: i64,
    pub fingerprint: String,
    pub taken_at: Option<String>,
    pub exif_taken_at: Option<String>,
    pub missing: bool,
}

/// A background job a worker has claimed: done with [`Repo::finish_job`], or given back with
/// [`Repo::retry_job`] or [`Repo::fail_job`].
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

/// An album row as a scan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogAlbum {
    pub id: AlbumId,
    pub path: String,
    pub missing: bool,
}

/// An album as the scanner derives it from a folder. Upserting makes it present again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbumUpsert {
    pub path: String,
    /// The folder above, already upserted (parents go first); `None` at the top.
    pub parent_path: Option<String>,
    pub category: String,
    pub name: String,
    /// The date the folder name gives, if any (`YYYY-MM-DD`); otherwise the album takes the date
    /// of its oldest photo.
    pub name_date: Option<String>,
}

/// A new, changed or moved file as the scanner read it.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoUpsert {
    /// A file recognised as moved or renamed: this row is updated in place, keeping its id
    /// (and with it its policies and links). `None`: insert, or update the row at `path`.
    pub id: Option<PhotoId>,
    pub album_path: String,
    /// NFC, `/`-separated.
    pub path: String,
    /// The exact bytes of the path on disk when they differ from `path`.
    pub fs_path: Option<Vec<u8>>,
    pub filename: String,
    pub kind: MediaKind,
    pub size: i64,
    pub mtime_ns: i64,
    pub fingerprint: String,
    pub taken_at: Option<String>,
    /// EXIF DateTimeOriginal, kept so a change of patterns can re-derive `taken_at`.
    pub exif_taken_at: Option<String>,
    pub width: u32,
    pub height: u32,
    pub orientation: u8,
    pub meta: PhotoMeta,
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
    /// Hash of the path patterns the scan ran with.
    pub config_hash: Option<String>,
    /// Digest of the listing a completed scan catalogued.
    pub listing_digest: Option<String>,
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
    /// Applies `update` and, when [`UserUpdate::ends_sessions`], deletes the user's sessions
    /// and, when [`UserUpdate::ends_login_links`], its login links, in one transaction; an
    /// unknown user is [`RepoError::NotFound`]`("user")`. Returns the user as it is afterwards.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn update_user(&self, id: UserId, update: &UserUpdate) -> Result<User>;

    // Sessions.
    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The live session for a token hash, with its user; expired sessions and disabled users
    /// yield `None`.
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_expired_sessions(&self, now: i64) -> Result<u64>;

    // Login links.
    /// Stores a link; an unknown user is a foreign-key error, so check the user first. A link
    /// may be made for a disabled user (an account being prepared): it works once the account
    /// is enabled, unless the account is disabled again meanwhile.
    async fn create_login_link(&self, link: &NewLoginLink) -> Result<()>;
    /// Redeems a link: its user if the link is unexpired and not used up, the user is enabled
    /// and `stamp_matches(user's password hash, link's stamp)`. Only then is a single-use link
    /// marked used, so a refused attempt uses nothing up. The checks and the mark are one
    /// transaction ended by one conditional `UPDATE` (link still unused, user still enabled
    /// with the hash that was checked), which decides: of concurrent redemptions of a
    /// single-use link exactly one succeeds, and a link deleted or a password changed since
    /// the checks is refused.
    async fn redeem_login_link(
        &self,
        token_hash: &str,
        now: i64,
        stamp_matches: &StampCheck<'_>,
    ) -> Result<Option<UserId>>;
    async fn delete_expired_login_links(&self, now: i64) -> Result<u64>;

    // Groups.
    /// A new, empty group; a name already taken is [`RepoError::Conflict`]`("group")`.
    ///
    /// [`RepoError::Conflict`]: crate::RepoError::Conflict
    async fn create_group(&self, name: &str, now: i64) -> Result<GroupId>;
    /// All groups, by name.
    async fn list_groups(&self) -> Result<Vec<Group>>;
    /// Deletes a group with its memberships and its places in policies.
    async fn delete_group(&self, id: GroupId) -> Result<()>;
    /// Replaces the members of a group, all or nothing: an unknown group or user is
    /// [`RepoError::NotFound`] and changes nothing.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn set_group_members(&self, group: GroupId, users: &[UserId]) -> Result<()>;
    /// The members of a group, by id.
    async fn group_members(&self, group: GroupId) -> Result<Vec<UserId>>;
    /// The groups a user belongs to, by id: what its [`albumen_core::access::Subject`] carries.
    async fn user_groups(&self, user: UserId) -> Result<Vec<GroupId>>;

    // Access policies. Setting a policy creates it or replaces it whole (flags, users and
    // groups). Every form is all or nothing: an unknown album, photo, user or group is
    // `RepoError::NotFound` and leaves every policy as it was.
    async fn set_album_policy(&self, album: AlbumId, policy: &AlbumPolicy, now: i64) -> Result<()>;
    async fn set_album_policies(
        &self,
        albums: &[AlbumId],
        policy: &AlbumPolicy,
        now: i64,
    ) -> Result<()>;
    /// Removes an album's policy (the album becomes private); no policy is not an error.
    async fn delete_album_policy(&self, album: AlbumId) -> Result<()>;
    async fn delete_album_policies(&self, albums: &[AlbumId]) -> Result<()>;
    async fn set_photo_policy(&self, photo: PhotoId, policy: &Policy, now: i64) -> Result<()>;
    async fn set_photo_policies(&self, photos: &[PhotoId], policy: &Policy, now: i64)
    -> Result<()>;
    /// Removes a photo's own policy (it follows its album again); no policy is not an error.
    async fn delete_photo_policy(&self, photo: PhotoId) -> Result<()>;
    async fn delete_photo_policies(&self, photos: &[PhotoId]) -> Result<()>;

    // Share links.
    /// Stores a link, all or nothing: an unknown or missing album or photo is
    /// [`RepoError::NotFound`] and stores nothing.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn create_share(&self, share: &NewShare) -> Result<ShareId>;
    /// The link whose token hashes to `token_hash`, live or not.
    async fn share_by_token(&self, token_hash: &str) -> Result<Option<ShareRecord>>;
    async fn share(&self, id: ShareId) -> Result<Option<ShareRecord>>;
    /// Every link, newest first.
    async fn list_shares(&self) -> Result<Vec<ShareRecord>>;
    /// Revokes a link at `now` (a link revoked earlier keeps its first time); an unknown link
    /// is [`RepoError::NotFound`]`("share")`.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn revoke_share(&self, id: ShareId, now: i64) -> Result<()>;
    /// Notes that the link was used at `now`, counting a view when it was `opened`.
    async fn record_share_use(&self, id: ShareId, now: i64, opened: bool) -> Result<()>;
    /// A present album and every present album below it.
    async fn album_subtree(&self, id: AlbumId) -> Result<Vec<AlbumId>>;
    /// Marks albums unlisted (or listed again), all or nothing; an unknown album is
    /// [`RepoError::NotFound`]`("album")`.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn set_albums_unlisted(&self, albums: &[AlbumId], unlisted: bool) -> Result<()>;
    /// The server-wide secret called `name`: the stored one, or `candidate` stored now. Every
    /// instance sharing the database ends up with the same value.
    async fn secret(&self, name: &str, candidate: &str) -> Result<String>;

    // Catalog reads.
    /// A [`Reader`] on a connection of its own: the scoped reads a viewer's page makes.
    async fn reader(&self) -> Result<Box<dyn Reader>>;
    /// One-shot [`Reader::list_albums`].
    async fn list_albums(&self, scope: &VisibilityScope) -> Result<Vec<Album>> {
        self.reader().await?.list_albums(scope).await
    }
    /// One-shot [`Reader::album_photos`].
    async fn album_photos(&self, scope: &VisibilityScope, id: AlbumId) -> Result<Vec<Photo>> {
        self.reader().await?.album_photos(scope, id).await
    }
    // Unscoped reads, for administrators and the system's own work; a viewer's page never
    // makes them.
    /// One present photo, whatever its policy.
    async fn photo(&self, id: PhotoId) -> Result<Option<Photo>>;
    /// Where a present photo's bytes are, for a system grant.
    async fn media(&self, id: PhotoId) -> Result<Option<MediaRef>>;
    /// A present album's policy, for explaining decisions.
    async fn album_facts(&self, id: AlbumId) -> Result<Option<AlbumFacts>>;
    /// A present photo's policy and its album's, for explaining decisions.
    async fn photo_facts(&self, id: PhotoId) -> Result<Option<PhotoFacts>>;

    // Scanning.
    async fn catalog_files(&self) -> Result<Vec<CatalogFile>>;
    async fn catalog_albums(&self) -> Result<Vec<CatalogAlbum>>;
    /// Creates or updates albums by path, in order (parents first), making them present;
    /// never touches policies or ids.
    async fn upsert_albums(&self, albums: &[AlbumUpsert], now: i64) -> Result<()>;
    /// A renamed or moved folder: the album keeps its id under its new path.
    async fn rename_album(&self, id: AlbumId, new_path: &str, now: i64) -> Result<()>;
    /// Marks albums missing (soft delete).
    async fn mark_albums_missing(&self, ids: &[AlbumId], now: i64) -> Result<()>;
    /// Creates, updates or moves photos in one transaction; they are present afterwards.
    /// Their albums must exist.
    async fn upsert_photos(&self, photos: &[PhotoUpsert], now: i64) -> Result<()>;
    /// Marks photos missing (soft delete: rows, ids and policies stay).
    async fn mark_missing(&self, ids: &[PhotoId], now: i64) -> Result<()>;
    /// New capture dates after the path patterns changed.
    async fn set_taken_at(&self, dates: &[(PhotoId, Option<String>)]) -> Result<()>;
    /// Recomputes album dates: the date in the folder name, else the oldest present photo's.
    async fn refresh_albums(&self) -> Result<()>;
    /// Deletes photos and albums missing since before `before`; returns (photos, albums).
    async fn purge_missing(&self, before: i64) -> Result<(u64, u64)>;
    /// Replaces the problems of one stage for one path (or adds it).
    async fn record_problem(&self, problem: &Problem) -> Result<()>;
    /// Forgets a stage's problem for a path once the file reads fine again.
    async fn clear_problem(&self, path: &str, stage: ProblemStage) -> Result<()>;
    async fn problems(&self) -> Result<Vec<Problem>>;
    async fn record_scan(&self, scan: &ScanRecord) -> Result<()>;
    async fn last_scan(&self) -> Result<Option<ScanRecord>>;

    // Background jobs, shared by every instance. Claiming takes ready jobs (not failed, due,
    // not leased) in priority order under a lease; PostgreSQL skips rows other workers are
    // claiming at the same moment (`FOR UPDATE SKIP LOCKED`), SQLite serialises writers.
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

/// Catalog reads on one connection held until the reader is dropped: a page that reads the
/// catalog several times does not hand its connection back to the pool in between (on SQLite
/// each hand-back is a round trip to the connection's thread). Reads only, no transaction.
#[async_trait]
pub trait Reader: Send {
    /// Present albums the scope may see that hold photos it may see, newest first.
    async fn list_albums(&mut self, scope: &VisibilityScope) -> Result<Vec<Album>>;
    /// One present album with counts for the scope; the caller has authorized it.
    async fn album(&mut self, scope: &VisibilityScope, id: AlbumId) -> Result<Option<Album>>;
    /// [`Reader::album`] and [`Reader::album_facts`] in one statement (plus one for the
    /// policy's lists, if it has a policy): the caller decides on the facts before using the
    /// album.
    async fn album_with_facts(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Option<(Album, AlbumFacts)>>;
    /// Present child albums of `id` the scope may see that hold, in themselves or below, a
    /// photo it may see; counts and cover as in [`Reader::album`]; newest first.
    async fn sub_albums(&mut self, scope: &VisibilityScope, id: AlbumId) -> Result<Vec<Album>>;
    /// The albums above `id` that the scope may see (id and name), from the top down; hidden
    /// ones are left out.
    async fn album_parents(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<(AlbumId, String)>>;
    /// Present photos of an album the scope may see, in album order (date, then file name).
    async fn album_photos(&mut self, scope: &VisibilityScope, id: AlbumId) -> Result<Vec<Photo>>;
    /// [`Reader::album_photos`], only what a list shows of each.
    async fn album_entries(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<PhotoEntry>>;
    /// A present photo with its own policy and its album's, and where its bytes are: the caller
    /// decides on the facts (`access::authorize`) before using either.
    async fn photo_with_facts(
        &mut self,
        id: PhotoId,
    ) -> Result<Option<(Photo, PhotoFacts, MediaRef)>>;
}
