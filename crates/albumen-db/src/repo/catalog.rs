//! The photo catalog: albums and photos as the scanner keeps them, and the reads that show them.

use albumen_core::access::{AlbumFacts, MediaRef, PhotoFacts, VisibilityScope};
use albumen_core::model::{Album, MediaKind, Photo, PhotoEntry, PhotoMeta};
use albumen_core::{AlbumId, PhotoId};
use async_trait::async_trait;

use crate::Result;

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

/// An album row as a scan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogAlbum {
    pub id: AlbumId,
    pub path: String,
    pub missing: bool,
}

/// A place in an album's order (`taken_at ASC NULLS LAST, filename, id`, the order of
/// [`Reader::album_entries`]): the key of the photo a chunk continues after. Any key is a valid
/// place, so one need not name a real photo: `taken_at = Some("2021-05")` sorts before every
/// photo taken in May 2021.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoKey {
    pub taken_at: Option<String>,
    pub filename: String,
    pub id: PhotoId,
}

impl From<&PhotoEntry> for PhotoKey {
    fn from(entry: &PhotoEntry) -> Self {
        Self {
            taken_at: entry.taken_at.clone(),
            filename: entry.filename.clone(),
            id: entry.id,
        }
    }
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
pub trait Catalog: Send + Sync + std::fmt::Debug {
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
    /// Every present album's facts at once (policy with its lists, unlisted), by id: what the
    /// admin's access tree shows, in three statements whatever the number of albums.
    async fn all_album_facts(&self) -> Result<Vec<AlbumFacts>>;
    /// A present photo's policy and its album's, for explaining decisions.
    async fn photo_facts(&self, id: PhotoId) -> Result<Option<PhotoFacts>>;
    /// A present album and every present album below it: what an album link with its
    /// sub-albums reaches.
    async fn album_subtree(&self, id: AlbumId) -> Result<Vec<AlbumId>>;

    /// Marks albums unlisted (or listed again), all or nothing; an unknown album is
    /// [`RepoError::NotFound`]`("album")`.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn set_albums_unlisted(&self, albums: &[AlbumId], unlisted: bool) -> Result<()>;

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
    /// Records the mean colour (0xRRGGBB) of the previews of the content with `fingerprint`,
    /// on every photo with that content.
    async fn set_colour(&self, fingerprint: &str, colour: u32) -> Result<()>;
    /// Forgets a stage's problem for a path once the file reads fine again.
    async fn clear_problem(&self, path: &str, stage: ProblemStage) -> Result<()>;
    async fn problems(&self) -> Result<Vec<Problem>>;
    async fn record_scan(&self, scan: &ScanRecord) -> Result<()>;
    async fn last_scan(&self) -> Result<Option<ScanRecord>>;
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
    /// The listed albums beside `id` (in the same folder, or at the top with it) that the scope
    /// may see and that hold a photo it may see, `id` among them if so (id and name), in the
    /// index's order: newest first.
    async fn album_siblings(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<(AlbumId, String)>>;
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
    /// Up to `limit` of [`Reader::album_entries`], those after `after` (from the start when
    /// `None`): a keyset read in exactly album order, served by the `photos_album_order` index,
    /// filtering visibility in SQL so a chunk costs the same at any depth of any album.
    async fn album_chunk(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
        after: Option<&PhotoKey>,
        limit: u32,
    ) -> Result<Vec<PhotoEntry>>;
    /// How many present photos of the album the scope may see were taken in each month
    /// (`YYYY-MM`), oldest first; `None` (last) counts the undated ones. One grouped statement.
    async fn album_months(
        &mut self,
        scope: &VisibilityScope,
        id: AlbumId,
    ) -> Result<Vec<(Option<String>, i64)>>;
    /// A present photo with its own policy and its album's, and where its bytes are: the caller
    /// decides on the facts (`access::authorize`) before using either.
    async fn photo_with_facts(
        &mut self,
        id: PhotoId,
    ) -> Result<Option<(Photo, PhotoFacts, MediaRef)>>;
}
