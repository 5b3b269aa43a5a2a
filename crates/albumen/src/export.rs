//! Album export: which photos go into an archive. One place, so every rule about exports is
//! decided here and nowhere else: `Action::Export`, which policies grant wherever they grant
//! viewing and share links only when they allow ZIP archives.

use albumen_core::AlbumId;
use albumen_core::access::{Action, Grant, Subject};
use albumen_core::model::{Album, Photo};
use albumen_db::Repo;

use crate::gallery;
use crate::web::error::AppError;

/// The album and, in album order, each photo the subject may both see and export, with the
/// grant storage needs to read it. An album the subject may not see is `NotFound`;
/// so is one where it may download nothing (an empty archive would still confirm the album).
pub async fn album_export(
    repo: &dyn Repo,
    subject: &Subject,
    id: AlbumId,
) -> Result<(Album, Vec<(Photo, Grant)>), AppError> {
    let (album, visible) = gallery::album_for(repo, subject, id, Action::Export).await?;
    let mut granted = Vec::with_capacity(visible.len());
    for photo in visible {
        match gallery::photo(repo, subject, photo.id, Action::Export).await {
            Ok((photo, grant)) => granted.push((photo, grant)),
            Err(AppError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    if granted.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((album, granted))
}
