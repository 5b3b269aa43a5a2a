//! Listing the library folder: which media files exist, with size and modification time.
//! Paths are kept twice: NFC text for matching, display and identity, and the exact bytes the
//! file system uses (macOS stores NFD; some names are not UTF-8) for reading.

use std::collections::HashSet;
use std::path::Path;
use std::time::UNIX_EPOCH;

use albumen_core::model::MediaKind;
use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::pattern::Patterns;
use crate::library::{LINK_NOT_FOLLOWED, Library};

/// A media file found in the library.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// Library-relative, `/`-separated, NFC.
    pub(crate) path: String,
    /// The exact relative path bytes, when they differ from `path`.
    pub(crate) fs_path: Option<Vec<u8>>,
    pub(crate) kind: MediaKind,
    pub(crate) size: u64,
    pub(crate) mtime_ns: i64,
}

impl Found {
    /// The path to open the file with, relative to the library root.
    pub(crate) fn relative_fs_path(&self) -> std::path::PathBuf {
        crate::library::relative_path(&self.path, self.fs_path.as_deref())
    }
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().as_bytes().to_vec()
}

#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub(crate) files: Vec<Found>,
    /// (path, reason) for entries that could not be listed.
    pub(crate) problems: Vec<(String, String)>,
}

/// NFC form of a relative path, `/`-separated; lossy for names that are not UTF-8.
fn display_path(rel: &Path) -> String {
    let text = rel.to_string_lossy();
    let text = if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    };
    // Most names are already NFC: check before paying for an allocation.
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        text
    } else {
        text.nfc().collect()
    }
}

/// Walks the library, skipping ignored paths, one top-level folder per core at a time. Links
/// below the root are problems, never followed (see [`Library`]); so are other per-entry
/// failures. Only an unreadable root is an error. The order is deterministic: by name, depth
/// first.
pub(crate) fn list(library: &Library, patterns: &Patterns) -> std::io::Result<Listing> {
    let root = library.root();
    // Fail before touching the catalog if the root itself is missing or unreadable.
    std::fs::read_dir(root)?;
    let mut top = Listing::default();
    let mut subtrees = Vec::new();
    let entries = walker(library, root, 1, patterns);
    visit(root, entries, &mut top, |dir| {
        subtrees.push(dir.to_path_buf())
    });
    let parts: Vec<Listing> = subtrees
        .par_iter()
        .map(|dir| {
            let mut part = Listing::default();
            visit(
                root,
                walker(library, dir, usize::MAX, patterns),
                &mut part,
                |_| {},
            );
            part
        })
        .collect();

    let mut listing = Listing {
        files: Vec::new(),
        problems: top.problems,
    };
    let mut seen = HashSet::new();
    for part in std::iter::once(Listing {
        files: top.files,
        problems: Vec::new(),
    })
    .chain(parts)
    {
        listing.problems.extend(part.problems);
        for found in part.files {
            if seen.insert(found.path.clone()) {
                listing.files.push(found);
            } else {
                listing.problems.push((
                    found.path,
                    "another file has the same name once Unicode-normalised; skipped".to_owned(),
                ));
            }
        }
    }
    Ok(listing)
}

/// The entries below `start` (not `start` itself), down to `max_depth`.
fn walker<'a>(
    library: &'a Library,
    start: &Path,
    max_depth: usize,
    patterns: &'a Patterns,
) -> walkdir::FilterEntry<walkdir::IntoIter, impl FnMut(&walkdir::DirEntry) -> bool + 'a> {
    let root = library.root();
    library
        .walk(start)
        .sort_by_file_name()
        .min_depth(1)
        .max_depth(max_depth)
        .into_iter()
        .filter_entry(move |e| {
            e.path().strip_prefix(root).map_or(true, |rel| {
                rel.as_os_str().is_empty() || !patterns.ignored(&display_path(rel))
            })
        })
}

/// Records the media files of one walk; hands folders to `on_dir` (for the top level).
fn visit(
    root: &Path,
    entries: impl Iterator<Item = walkdir::Result<walkdir::DirEntry>>,
    listing: &mut Listing,
    mut on_dir: impl FnMut(&Path),
) {
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map_or_else(String::new, display_path);
                let reason = err
                    .io_error()
                    .map_or_else(|| err.to_string(), ToString::to_string);
                listing.problems.push((path, reason));
                continue;
            }
        };
        if entry.path_is_symlink() {
            if let Ok(rel) = entry.path().strip_prefix(root) {
                listing
                    .problems
                    .push((display_path(rel), LINK_NOT_FOLLOWED.to_owned()));
            }
            continue;
        }
        if entry.file_type().is_dir() {
            on_dir(entry.path());
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let path = display_path(rel);
        let Some(kind) = crate::media_type::kind_of(&path) else {
            continue;
        };
        let raw = path_bytes(rel);
        let fs_path = (raw != path.as_bytes()).then_some(raw);
        match entry.metadata() {
            Ok(meta) => listing.files.push(Found {
                path,
                fs_path,
                kind,
                size: meta.len(),
                mtime_ns: meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .and_then(|d| i64::try_from(d.as_nanos()).ok())
                    .unwrap_or(0),
            }),
            Err(err) => listing.problems.push((path, err.to_string())),
        }
    }
}
