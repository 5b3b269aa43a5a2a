//! Listing the library folder: which media files exist, with size and modification time.

use std::path::Path;
use std::time::UNIX_EPOCH;

use albumen_media::Format;
use walkdir::WalkDir;

/// A media file found in the library.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// Library-relative, `/`-separated.
    pub(crate) path: String,
    pub(crate) size: u64,
    pub(crate) mtime_ns: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub(crate) files: Vec<Found>,
    /// (path, reason) for entries that could not be listed.
    pub(crate) problems: Vec<(String, String)>,
}

/// Names that are never media: system clutter and NAS thumbnail folders.
fn ignored(name: &str) -> bool {
    name.starts_with('.') || name == "@eaDir" || name == "Thumbs.db" || name == "desktop.ini"
}

/// Walks `root` (following symlinks, with loop detection). Per-entry failures become problems;
/// only an unreadable root is an error.
pub(crate) fn list(root: &Path) -> std::io::Result<Listing> {
    // Fail before touching the catalog if the root itself is missing or unreadable.
    std::fs::read_dir(root)?;
    let mut listing = Listing::default();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map_or_else(String::new, |p| p.to_string_lossy().into_owned());
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_owned()
                } else {
                    err.io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string)
                };
                listing.problems.push((path, reason));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let Some(ext) = rel.extension() else {
            continue;
        };
        if Format::from_extension(&ext.to_string_lossy()).is_none() {
            continue;
        }
        let Some(path) = rel.to_str() else {
            listing.problems.push((
                rel.to_string_lossy().into_owned(),
                "file name is not valid UTF-8".to_owned(),
            ));
            continue;
        };
        match entry.metadata() {
            Ok(meta) => listing.files.push(Found {
                path: path.replace(std::path::MAIN_SEPARATOR, "/"),
                size: meta.len(),
                mtime_ns: meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .and_then(|d| i64::try_from(d.as_nanos()).ok())
                    .unwrap_or(0),
            }),
            Err(err) => listing.problems.push((path.to_owned(), err.to_string())),
        }
    }
    Ok(listing)
}
