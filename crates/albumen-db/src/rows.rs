//! Row → model mapping, shared by both backends (sqlx `Any` rows).

use albumen_core::access::MediaRef;
use albumen_core::model::{Album, MediaKind, Permissions, Photo, PhotoEntry, PhotoMeta, User};
use albumen_core::{AlbumId, PhotoId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{RepoError, Result};

pub(crate) const USER_COLUMNS: &str =
    "u.id, u.username, u.is_admin, u.can_see_all, u.can_scan, u.disabled, u.created_at";

pub(crate) fn user(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: UserId::new(row.try_get("id")?),
        username: row.try_get("username")?,
        permissions: Permissions {
            admin: flag(row, "is_admin")?,
            can_see_all: flag(row, "can_see_all")?,
            can_scan: flag(row, "can_scan")?,
        },
        disabled: flag(row, "disabled")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) const PHOTO_COLUMNS: &str = "p.id, p.album_id, p.filename, p.kind, \
     p.size, p.fingerprint, p.taken_at, p.width, p.height, p.orientation, p.camera, p.lens, \
     p.exposure_time, p.f_number, p.iso, p.focal_length, p.latitude, p.longitude, p.duration_ms";

pub(crate) fn photo(row: &AnyRow) -> Result<Photo> {
    let kind: String = row.try_get("kind")?;
    Ok(Photo {
        id: PhotoId::new(row.try_get("id")?),
        album_id: AlbumId::new(row.try_get("album_id")?),
        filename: row.try_get("filename")?,
        kind: MediaKind::parse(&kind).ok_or_else(|| RepoError::Corrupt(format!("kind {kind}")))?,
        size: row.try_get("size")?,
        fingerprint: row.try_get("fingerprint")?,
        taken_at: row.try_get("taken_at")?,
        width: int(row, "width")?,
        height: int(row, "height")?,
        orientation: int(row, "orientation")?,
        meta: PhotoMeta {
            camera: row.try_get("camera")?,
            lens: row.try_get("lens")?,
            exposure_time: row.try_get("exposure_time")?,
            f_number: row.try_get("f_number")?,
            iso: row
                .try_get::<Option<i64>, _>("iso")?
                .and_then(|v| u32::try_from(v).ok()),
            focal_length: row.try_get("focal_length")?,
            gps: match (
                row.try_get::<Option<f64>, _>("latitude")?,
                row.try_get::<Option<f64>, _>("longitude")?,
            ) {
                (Some(lat), Some(lon)) => Some((lat, lon)),
                _ => None,
            },
            duration_ms: row.try_get("duration_ms")?,
        },
    })
}

pub(crate) const MEDIA_COLUMNS: &str = "p.id, p.kind, p.path, p.fs_path, p.fingerprint, p.size";

/// Where a photo's bytes are: only ever read together with the facts that authorize it, or for
/// the system's own work. Expects [`MEDIA_COLUMNS`].
#[expect(
    clippy::disallowed_methods,
    reason = "media references come from catalog rows, here and nowhere else"
)]
pub(crate) fn media(row: &AnyRow) -> Result<MediaRef> {
    let kind: String = row.try_get("kind")?;
    Ok(MediaRef::new(
        PhotoId::new(row.try_get("id")?),
        MediaKind::parse(&kind).ok_or_else(|| RepoError::Corrupt(format!("kind {kind}")))?,
        row.try_get("path")?,
        row.try_get("fs_path")?,
        row.try_get("fingerprint")?,
        int(row, "size")?,
    ))
}

pub(crate) const ENTRY_COLUMNS: &str = "p.id, p.filename, p.kind, p.fingerprint, p.taken_at, p.width, p.height, p.orientation, \
     p.colour";

/// Expects [`ENTRY_COLUMNS`].
pub(crate) fn entry(row: &AnyRow) -> Result<PhotoEntry> {
    let kind: String = row.try_get("kind")?;
    Ok(PhotoEntry {
        id: PhotoId::new(row.try_get("id")?),
        filename: row.try_get("filename")?,
        kind: MediaKind::parse(&kind).ok_or_else(|| RepoError::Corrupt(format!("kind {kind}")))?,
        fingerprint: row.try_get("fingerprint")?,
        taken_at: row.try_get("taken_at")?,
        width: int(row, "width")?,
        height: int(row, "height")?,
        orientation: int(row, "orientation")?,
        colour: colour(row.try_get("colour")?),
    })
}

/// A stored 0xRRGGBB colour; anything else (never written) as unknown.
fn colour(value: Option<i64>) -> Option<u32> {
    value
        .and_then(|v| u32::try_from(v).ok())
        .filter(|v| *v <= 0xFF_FFFF)
}

/// Expects `a.*` columns plus `photo_count` and `cover` (`ID COLOUR FINGERPRINT`, the colour
/// -1 when unknown).
pub(crate) fn album(row: &AnyRow) -> Result<Album> {
    let (cover, cover_colour, cover_fingerprint) =
        match row.try_get::<Option<String>, _>("cover")? {
            Some(text) => {
                let mut parts = text.splitn(3, ' ');
                let mut number = || parts.next().and_then(|n| n.parse::<i64>().ok());
                let (id, colour_value) = (number(), number());
                let fingerprint = parts.next();
                match (id, colour_value, fingerprint) {
                    (Some(id), Some(c), Some(fp)) => {
                        (Some(PhotoId::new(id)), colour(Some(c)), Some(fp.to_owned()))
                    }
                    _ => return Err(RepoError::Corrupt(format!("album cover {text:?}"))),
                }
            }
            None => (None, None, None),
        };
    Ok(Album {
        id: AlbumId::new(row.try_get("id")?),
        path: row.try_get("path")?,
        category: row.try_get("category")?,
        name: row.try_get("name")?,
        date: row.try_get("date")?,
        unlisted: flag(row, "unlisted")?,
        photo_count: row.try_get("photo_count")?,
        cover,
        cover_fingerprint,
        cover_colour,
    })
}

pub(crate) fn flag(row: &AnyRow, column: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn int<T: TryFrom<i64>>(row: &AnyRow, column: &str) -> Result<T> {
    let raw: i64 = row.try_get(column)?;
    T::try_from(raw).map_err(|_| RepoError::Corrupt(format!("{column} = {raw}")))
}
