//! The only module that hands out media bytes. Originals come from the library (read-only,
//! opened through [`Library`], which follows no symlink below its root); previews live in the
//! cache (read-write, disposable). Every function that returns bytes of a photo takes a
//! [`Grant`] for that photo, which only `albumen_core::access` can create, and reads the file
//! the grant names: no caller passes a location.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use albumen_core::access::{Action, Grant};
use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::library::{self, Library, OpenError};

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
    library: Library,
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
            library: Library::new(library_root),
            cache: Arc::new(LocalFileSystem::new_with_prefix(cache_dir)?),
            cache_dir: cache_dir.to_path_buf(),
            hot: HotPreviews::with_weighter(items.max(1), memory_bytes, PreviewBytes),
        })
    }

    pub fn library(&self) -> &Library {
        &self.library
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
        let relative = granted_path(grant, Action::Download)?;
        let absolute = self
            .library
            .absolute(&relative)
            .map_err(|e| open_error(e, grant))?;
        Ok(OffloadPath { relative, absolute })
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
        let path = library::join_plain(&self.cache_dir, Path::new(key.as_str()))
            .ok_or_else(|| StorageError::BadPath(key.as_str().to_owned()))?;
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

    /// Opens the granted original through the library (no symlink followed below its root,
    /// regular files only) and hands it to `then`, all in one trip to the blocking pool.
    async fn with_original<T: Send + 'static>(
        &self,
        grant: &Grant,
        action: Action,
        then: impl FnOnce(std::fs::File, std::fs::Metadata) -> std::io::Result<T> + Send + 'static,
    ) -> Result<T, StorageError> {
        let relative = granted_path(grant, action)?;
        let library = self.library.clone();
        let done = tokio::task::spawn_blocking(move || match library.open(&relative) {
            Ok((file, meta)) => then(file, meta).map_err(OpenError::Io),
            Err(err) => Err(err),
        })
        .await
        .map_err(std::io::Error::other)?;
        done.map_err(|e| open_error(e, grant))
    }
}

/// The library-relative path of the photo the grant names, if it covers `action`.
fn granted_path(grant: &Grant, action: Action) -> Result<PathBuf, StorageError> {
    if !grant.covers(action) {
        return Err(StorageError::NotGranted);
    }
    let media = grant.media();
    Ok(library::relative_path(media.path(), media.fs_path()))
}

/// A file that is gone, is no longer a regular file, or that a symlink now stands for is
/// missing: the route answers the ordinary 404.
fn open_error(err: OpenError, grant: &Grant) -> StorageError {
    match err {
        OpenError::Link | OpenError::NotFound | OpenError::NotAFile => {
            StorageError::Missing(grant.media().path().to_owned())
        }
        OpenError::BadPath(path) => StorageError::BadPath(path),
        OpenError::Io(err) => StorageError::Io(err),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
