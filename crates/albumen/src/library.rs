//! The library folder and its one rule: Albumen reads only files inside it. Below the root no
//! symbolic link is ever followed: the scan reports each link it meets and catalogues nothing
//! behind it, and every open of an original refuses one, so a link planted after a scan leads
//! nowhere either (S16). The root itself may be a symlink (`~/Pictures -> /mnt/photos`).
//! Scanner and storage both read through [`Library`], so they cannot disagree.

use std::fs::{File, Metadata};
use std::path::{Component, Path, PathBuf};

/// Why a link met below the root is not followed, as scan problems say it.
pub const LINK_NOT_FOLLOWED: &str =
    "symbolic link, not followed: Albumen reads only files inside the library";

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("library path {0:?} is not a plain relative path")]
    BadPath(String),
    #[error("{LINK_NOT_FOLLOWED}")]
    Link,
    #[error("not in the library")]
    NotFound,
    #[error("not a regular file")]
    NotAFile,
    #[error("{0}")]
    Io(std::io::Error),
}

/// The library folder, read-only.
#[derive(Debug, Clone)]
pub struct Library {
    root: PathBuf,
}

impl Library {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Opens the regular file at `relative` (plain components only) for reading, following no
    /// symlink after the root, and returns it with its metadata.
    pub fn open(&self, relative: &Path) -> Result<(File, Metadata), OpenError> {
        if !is_plain(relative) {
            return Err(OpenError::BadPath(relative.display().to_string()));
        }
        let file = open_beneath(&self.root, relative).map_err(|err| {
            if refused(&err) {
                OpenError::Link
            } else if err.kind() == std::io::ErrorKind::NotFound {
                OpenError::NotFound
            } else {
                OpenError::Io(err)
            }
        })?;
        let meta = file.metadata().map_err(OpenError::Io)?;
        if !meta.is_file() {
            return Err(OpenError::NotAFile);
        }
        Ok((file, meta))
    }

    /// Where `relative` lives, for a front server that sends it. Checks the path is plain; the
    /// front server must refuse symlinks itself (`disable_symlinks on` in nginx).
    pub fn absolute(&self, relative: &Path) -> Result<PathBuf, OpenError> {
        join_plain(&self.root, relative)
            .ok_or_else(|| OpenError::BadPath(relative.display().to_string()))
    }

    /// A walk below `start` (the root, or a folder the walk found) that reports links as
    /// entries of their own and never descends through one. Only the root may be a link.
    pub(crate) fn walk(&self, start: &Path) -> walkdir::WalkDir {
        walkdir::WalkDir::new(start)
            .follow_links(false)
            .follow_root_links(start == self.root)
    }
}

/// `root` joined with `relative` when that is plain relative components, else None.
/// Catalog paths come from the scanner and cache keys from hashes, never from requests; this
/// is defence in depth.
pub fn join_plain(root: &Path, relative: &Path) -> Option<PathBuf> {
    is_plain(relative).then(|| root.join(relative))
}

fn is_plain(relative: &Path) -> bool {
    relative.components().next().is_some()
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
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

/// Opens `relative` below `root` with `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)`, or one
/// `openat(O_NOFOLLOW)` per component where the kernel lacks it.
#[expect(
    clippy::disallowed_methods,
    reason = "the library is the one place that opens originals"
)]
fn open_beneath(root: &Path, relative: &Path) -> std::io::Result<File> {
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
    reason = "the library is the one place that opens originals"
)]
fn open_each_component(
    mut dir: rustix::fd::OwnedFd,
    relative: &Path,
    flags: rustix::fs::OFlags,
) -> std::io::Result<File> {
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

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn library_paths_stay_inside_the_root() {
        let root = Path::new("/lib");
        assert_eq!(
            join_plain(root, Path::new("2013_01_19_Snow/a b.jpg")),
            Some(PathBuf::from("/lib/2013_01_19_Snow/a b.jpg"))
        );
        for bad in ["", "/etc/passwd", "../x.jpg", "a/../../x.jpg", "./a.jpg"] {
            assert!(join_plain(root, Path::new(bad)).is_none(), "{bad:?}");
            assert!(
                matches!(
                    Library::new(root).open(Path::new(bad)),
                    Err(OpenError::BadPath(_))
                ),
                "{bad:?}"
            );
        }
        let raw = relative_path("A/é.jpg", Some(b"A/e\xcc\x81.jpg"));
        assert_eq!(join_plain(root, &raw), Some(root.join(&raw)));
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

        let library = Library::new(&root);
        assert!(library.open(Path::new("A/a.jpg")).is_ok());
        for link in ["A/swapped.jpg", "B/a.jpg"] {
            let err = library.open(Path::new(link)).expect_err(link);
            assert!(matches!(err, OpenError::Link), "{link}: {err}");
            assert!(err.to_string().contains("not followed"), "{err}");
        }
        assert!(matches!(
            library.open(Path::new("A/gone.jpg")),
            Err(OpenError::NotFound)
        ));
        assert!(matches!(
            library.open(Path::new("A")),
            Err(OpenError::NotAFile)
        ));
    }

    fn assert_opens_only_plain_paths(open: impl Fn(&str) -> std::io::Result<File>) {
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
}
