//! The only module that reads media bytes. Originals come from the library (read-only);
//! previews live in the cache (read-write, disposable). Every function that returns bytes of a
//! photo takes a [`Grant`] for that photo, which only `albumen_core::access` can create, and
//! reads the file the grant names: no caller passes a location.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use albumen_core::access::{Action, Grant};
use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A grant for another photo or a weaker action: a programming error, never a user error.
    #[error("grant does not cover this photo")]
    NotGranted,
    #[error("{0} is not in the library")]
    Missing(String),
    #[error("library path {0:?} is not a plain relative path")]
    BadPath(String),
    #[error("reading the library failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("cache storage failed: {0}")]
    Cache(#[from] object_store::Error),
}

/// A stored preview's name: derived from content and settings only, never from request input.
/// It remembers the content it names, so a read checks that the grant is for that content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    path: object_store::path::Path,
    fingerprint: String,
}

impl CacheKey {
    /// `previews/ab/abcdef…-<settings hash>.<ext>`: sharded by fingerprint so no folder grows
    /// huge.
    pub fn preview(fingerprint: &str, settings_hash: &str, extension: &str) -> Self {
        let shard = fingerprint.get(..2).unwrap_or("00");
        Self {
            path: object_store::path::Path::from(format!(
                "previews/{shard}/{fingerprint}-{settings_hash}.{extension}"
            )),
            fingerprint: fingerprint.to_owned(),
        }
    }

    pub fn as_str(&self) -> &str {
        self.path.as_ref()
    }
}

/// The parts of a stored preview's name: fingerprint, settings hash and extension. `None` for
/// anything Albumen did not name.
pub fn preview_key_parts(key: &str) -> Option<(&str, &str, &str)> {
    let (_, file) = key.strip_prefix("previews/")?.split_once('/')?;
    let (stem, extension) = file.rsplit_once('.')?;
    let (fingerprint, settings_hash) = stem.rsplit_once('-')?;
    Some((fingerprint, settings_hash, extension))
}

/// A granted file opened for streaming: an original or a cached preview.
#[derive(Debug)]
pub struct OpenFile {
    pub file: tokio::fs::File,
    pub len: u64,
    pub modified: Option<SystemTime>,
}

/// A cached preview's bytes and when they were written.
#[derive(Debug, Clone)]
pub struct CachedPreview {
    pub bytes: Bytes,
    pub modified: Option<SystemTime>,
}

/// Size and modification time of a granted original, without opening it.
#[derive(Debug, Clone, Copy)]
pub struct OriginalMeta {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

/// Where a granted original lives, for a front server that sends it (X-Accel-Redirect,
/// X-Sendfile). Handing out a location is handing out the bytes, so it takes a grant too.
#[derive(Debug, Clone)]
pub struct OffloadPath {
    /// Library-relative, exact on-disk bytes, plain components only.
    pub relative: PathBuf,
    /// `relative` joined to the library root.
    pub absolute: PathBuf,
}

#[derive(Debug)]
pub struct Storage {
    library_root: PathBuf,
    cache: Arc<dyn ObjectStore>,
    /// The cache's folder, so cached previews are read with one open instead of object-store calls.
    cache_dir: PathBuf,
    /// Recently read or written previews, in memory.
    hot: HotPreviews,
}

/// Previews by cache key, bounded by bytes. A key names its content (fingerprint, settings,
/// encoding), so an entry never goes stale: it only ages out. Reads still need a grant.
type HotPreviews = quick_cache::sync::Cache<String, CachedPreview, PreviewBytes>;

#[derive(Debug, Clone)]
struct PreviewBytes;

impl quick_cache::Weighter<String, CachedPreview> for PreviewBytes {
    fn weight(&self, key: &String, preview: &CachedPreview) -> u64 {
        (key.len() + preview.bytes.len()) as u64
    }
}

/// Previews of about this size fill the memory cache: a 30 kB thumbnail or a 200 kB preview.
const TYPICAL_PREVIEW_BYTES: u64 = 64 * 1024;

impl Storage {
    /// A library folder and a local cache folder (created if needed), with `memory_bytes` of
    /// recently used previews kept in memory (0: none).
    pub fn local(
        library_root: &Path,
        cache_dir: &Path,
        memory_bytes: u64,
    ) -> Result<Self, StorageError> {
        std::fs::create_dir_all(cache_dir)?;
        let items = usize::try_from(memory_bytes / TYPICAL_PREVIEW_BYTES).unwrap_or(usize::MAX);
        Ok(Self {
            library_root: library_root.to_path_buf(),
            cache: Arc::new(LocalFileSystem::new_with_prefix(cache_dir)?),
            cache_dir: cache_dir.to_path_buf(),
            hot: HotPreviews::with_weighter(items.max(1), memory_bytes, PreviewBytes),
        })
    }

    pub fn library_root(&self) -> &Path {
        &self.library_root
    }

    /// The whole original in memory, to render a preview (sizes are bounded by the scan).
    pub async fn read_original(&self, grant: &Grant) -> Result<Bytes, StorageError> {
        self.with_original(grant, Action::View, |mut file, meta| {
            let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
            file.read_to_end(&mut bytes)?;
            Ok(Bytes::from(bytes))
        })
        .await
    }

    /// The original for download.
    pub async fn open_original(&self, grant: &Grant) -> Result<OpenFile, StorageError> {
        let (file, meta) = self
            .with_original(grant, Action::Download, |file, meta| Ok((file, meta)))
            .await?;
        Ok(OpenFile {
            file: tokio::fs::File::from_std(file),
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }

    /// A granted video opened for a frame grabber: a poster shows what the page shows, so a
    /// viewing grant is enough. Opened like any original (no symlink followed).
    pub async fn open_video(&self, grant: &Grant) -> Result<std::fs::File, StorageError> {
        self.with_original(grant, Action::View, |file, _| Ok(file))
            .await
    }

    /// Size and modification time of the original for download (planning an archive). It is
    /// opened like any original, so a symlink planted since the scan is not followed.
    pub async fn original_meta(&self, grant: &Grant) -> Result<OriginalMeta, StorageError> {
        self.with_original(grant, Action::Download, |_, meta| {
            Ok(OriginalMeta {
                len: meta.len(),
                modified: meta.modified().ok(),
            })
        })
        .await
    }

    /// The original's location for a front server to send (download grant required).
    pub fn offload_path(&self, grant: &Grant) -> Result<OffloadPath, StorageError> {
        let absolute = self.original_path(grant, Action::Download)?;
        Ok(OffloadPath {
            relative: granted_path(grant),
            absolute,
        })
    }

    /// A cached preview of the granted photo, if present: from memory, or read whole in the
    /// same trip to the blocking pool that opens its file (previews are small, and this is
    /// every thumbnail's path).
    pub async fn cached_preview(
        &self,
        grant: &Grant,
        key: &CacheKey,
    ) -> Result<Option<CachedPreview>, StorageError> {
        if !grant.covers(Action::View) || key.fingerprint != grant.media().fingerprint() {
            return Err(StorageError::NotGranted);
        }
        if let Some(hot) = self.hot.get(key.as_str()) {
            return Ok(Some(hot));
        }
        // Keys are built from fingerprints and settings hashes, never from requests; checked
        // anyway, like library paths.
        let path = library_path(&self.cache_dir, Path::new(key.as_str()))?;
        let read = tokio::task::spawn_blocking(move || read_regular_file(&path))
            .await
            .map_err(std::io::Error::other)?;
        match read {
            Ok(found) => {
                if let Some(found) = &found {
                    self.hot.insert(key.as_str().to_owned(), found.clone());
                }
                Ok(found)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether a preview is cached (no bytes read, no grant needed: nothing leaves).
    pub async fn has_preview(&self, key: &CacheKey) -> Result<bool, StorageError> {
        match self.cache.head(&key.path).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores a rendered preview (atomically: readers never see a partial file).
    pub async fn store_preview(&self, key: &CacheKey, bytes: Bytes) -> Result<(), StorageError> {
        self.cache
            .put(&key.path, PutPayload::from(bytes.clone()))
            .await?;
        let preview = CachedPreview {
            bytes,
            modified: Some(SystemTime::now()),
        };
        self.hot.insert(key.as_str().to_owned(), preview);
        Ok(())
    }

    /// Deletes every stored preview `keep` rejects; returns (deleted, kept, bytes freed).
    pub async fn prune_previews(
        &self,
        keep: impl Fn(&str) -> bool,
    ) -> Result<(u64, u64, u64), StorageError> {
        use futures::TryStreamExt;
        let prefix = object_store::path::Path::from("previews");
        let mut listing = self.cache.list(Some(&prefix));
        let (mut deleted, mut kept, mut freed) = (0, 0, 0);
        while let Some(object) = listing.try_next().await? {
            if keep(object.location.as_ref()) {
                kept += 1;
                continue;
            }
            match self.cache.delete(&object.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
            self.hot.remove(object.location.as_ref());
            deleted += 1;
            freed += object.size;
        }
        Ok((deleted, kept, freed))
    }

    fn original_path(&self, grant: &Grant, action: Action) -> Result<PathBuf, StorageError> {
        if !grant.covers(action) {
            return Err(StorageError::NotGranted);
        }
        library_path(&self.library_root, &granted_path(grant))
    }

    /// Opens the granted original without following any symlink below the library root, checks
    /// that it is a regular file and hands it to `then`, all in one trip to the blocking pool.
    async fn with_original<T: Send + 'static>(
        &self,
        grant: &Grant,
        action: Action,
        then: impl FnOnce(std::fs::File, std::fs::Metadata) -> std::io::Result<T> + Send + 'static,
    ) -> Result<T, StorageError> {
        // Validates the grant and the catalog path; the open itself is relative to the root.
        self.original_path(grant, action)?;
        let root = self.library_root.clone();
        let relative = granted_path(grant);
        let done = tokio::task::spawn_blocking(move || {
            let file = open_beneath(&root, &relative)?;
            let meta = file.metadata()?;
            if !meta.is_file() {
                return Ok(None);
            }
            then(file, meta).map(Some)
        })
        .await
        .map_err(std::io::Error::other)?;
        match done {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(StorageError::Missing(grant.media().path().to_owned())),
            Err(e) => Err(io_error(e, grant)),
        }
    }
}

/// A file that is gone, or that a symlink now stands for (refused by [`open_beneath`]), is
/// missing: the route answers the ordinary 404.
fn io_error(err: std::io::Error, grant: &Grant) -> StorageError {
    if refused(&err) || err.kind() == std::io::ErrorKind::NotFound {
        StorageError::Missing(grant.media().path().to_owned())
    } else {
        StorageError::Io(err)
    }
}

/// The granted file's path relative to the library.
fn granted_path(grant: &Grant) -> PathBuf {
    let media = grant.media();
    relative_path(media.path(), media.fs_path())
}

/// Opens `relative` (plain components only) below `root` for reading, following no symlink
/// after the root: the scan saw regular files and folders, and a symlink swapped in since
/// (TOCTOU) must not lead out of the library. The root itself may be a symlink.
#[expect(
    clippy::disallowed_methods,
    reason = "storage is the one place that opens originals"
)]
fn open_beneath(root: &Path, relative: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let dir = rustix::fs::open(
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    // NONBLOCK: a FIFO swapped in for a photo must not hang the open (no effect on files).
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::ResolveFlags;
        let resolve =
            ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
        match rustix::fs::openat2(&dir, relative, flags, Mode::empty(), resolve) {
            Ok(fd) => return Ok(fd.into()),
            // Kernels before 5.6 lack openat2; some seccomp filters answer EPERM for it.
            Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => {}
            Err(e) => return Err(e.into()),
        }
    }
    open_each_component(dir, relative, flags)
}

/// How [`open_beneath`] refuses a symlink: `ELOOP` (`O_NOFOLLOW`, `RESOLVE_NO_SYMLINKS`),
/// `ENOTDIR` (`O_DIRECTORY | O_NOFOLLOW` on a symlinked folder), `EXDEV` (`RESOLVE_BENEATH`).
fn refused(err: &std::io::Error) -> bool {
    use rustix::io::Errno;
    matches!(
        Errno::from_io_error(err),
        Some(Errno::LOOP | Errno::NOTDIR | Errno::XDEV)
    )
}

/// The fallback for [`open_beneath`]: one `openat(O_NOFOLLOW)` per component.
#[expect(
    clippy::disallowed_methods,
    reason = "storage is the one place that opens originals"
)]
fn open_each_component(
    mut dir: rustix::fd::OwnedFd,
    relative: &Path,
    flags: rustix::fs::OFlags,
) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let mut components = relative.components().peekable();
    while let Some(component) = components.next() {
        let Component::Normal(name) = component else {
            return Err(rustix::io::Errno::XDEV.into());
        };
        if components.peek().is_none() {
            return Ok(
                rustix::fs::openat(&dir, name, flags | OFlags::NOFOLLOW, Mode::empty())?.into(),
            );
        }
        dir = rustix::fs::openat(
            &dir,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
    }
    Err(rustix::io::Errno::NOENT.into())
}

/// The whole file and its modification time; `None` when the path is not a regular file. The
/// cache's writer replaces files by renaming complete ones over them, so a read is never torn.
fn read_regular_file(path: &Path) -> std::io::Result<Option<CachedPreview>> {
    #[expect(
        clippy::disallowed_methods,
        reason = "storage is the one place that reads originals and the cache"
    )]
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(Some(CachedPreview {
        bytes: Bytes::from(bytes),
        modified: meta.modified().ok(),
    }))
}

/// Joins a catalog path to the library root, refusing anything but plain relative components.
/// Catalog paths come from the scanner, never from requests; this is defence in depth.
pub fn library_path(root: &Path, relative: &Path) -> Result<PathBuf, StorageError> {
    let plain = relative.components().next().is_some()
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(root.join(relative))
    } else {
        Err(StorageError::BadPath(relative.display().to_string()))
    }
}

/// A catalogued file's path relative to the library: its exact on-disk bytes when recorded
/// (NFD or non-UTF-8 names), else its NFC path.
pub fn relative_path(path: &str, fs_path: Option<&[u8]>) -> PathBuf {
    match fs_path {
        Some(bytes) => bytes_to_path(bytes),
        None => PathBuf::from(path),
    }
}

#[cfg(unix)]
fn bytes_to_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_paths_stay_inside_the_root() {
        let root = Path::new("/lib");
        assert_eq!(
            library_path(root, Path::new("2013_01_19_Snow/a b.jpg")).ok(),
            Some(PathBuf::from("/lib/2013_01_19_Snow/a b.jpg"))
        );
        for bad in ["", "/etc/passwd", "../x.jpg", "a/../../x.jpg", "./a.jpg"] {
            assert!(library_path(root, Path::new(bad)).is_err(), "{bad:?}");
        }
        let raw = relative_path("A/é.jpg", Some(b"A/e\xcc\x81.jpg"));
        assert_eq!(library_path(root, &raw).ok(), Some(root.join(&raw)));
    }

    /// Both ways of opening an original (openat2, and the per-component fallback for kernels
    /// without it) refuse a symlink in the file name or in a folder, and allow a symlinked root.
    #[test]
    fn originals_open_through_no_symlink_below_the_root() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().expect("temp dir");
        let real = tmp.path().join("real");
        let outside = tmp.path().join("outside");
        for dir in [real.join("A"), outside.clone()] {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::fs::write(real.join("A/a.jpg"), "photo").expect("write");
        std::fs::write(outside.join("a.jpg"), "secret").expect("write");
        symlink(outside.join("a.jpg"), real.join("A/swapped.jpg")).expect("symlink");
        symlink(&outside, real.join("B")).expect("symlink");
        let root = tmp.path().join("root");
        symlink(&real, &root).expect("symlink");

        #[expect(clippy::disallowed_methods, reason = "testing the fallback open")]
        let fallback = |relative: &str| {
            let dir =
                rustix::fs::open(&root, rustix::fs::OFlags::RDONLY, rustix::fs::Mode::empty())
                    .expect("root opens");
            open_each_component(dir, Path::new(relative), rustix::fs::OFlags::RDONLY)
        };
        assert_opens_only_plain_paths(|relative| open_beneath(&root, Path::new(relative)));
        assert_opens_only_plain_paths(fallback);
    }

    fn assert_opens_only_plain_paths(open: impl Fn(&str) -> std::io::Result<std::fs::File>) {
        let mut text = String::new();
        open("A/a.jpg")
            .expect("a plain file opens")
            .read_to_string(&mut text)
            .expect("read");
        assert_eq!(text, "photo");
        for path in ["A/swapped.jpg", "B/a.jpg"] {
            let err = open(path).expect_err(path);
            assert!(refused(&err), "{path}: {err}");
        }
    }

    #[test]
    fn cache_keys_shard_by_fingerprint_and_parse_back() {
        let key = CacheKey::preview("abcdef", "123", "webp");
        assert_eq!(key.as_str(), "previews/ab/abcdef-123.webp");
        assert_eq!(
            preview_key_parts(key.as_str()),
            Some(("abcdef", "123", "webp"))
        );
        for foreign in ["previews/ab/notes.txt", "archives/ab/a-b.zip", "previews/x"] {
            assert_eq!(preview_key_parts(foreign), None, "{foreign}");
        }
    }
}
