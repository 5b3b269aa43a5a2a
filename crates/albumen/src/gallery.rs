//! What a viewer may see: the service layer shared by the HTML pages and the JSON API. Single
//! objects are authorized with `access::decide` on their facts; lists use the viewer's
//! visibility scope. A denial and a nonexistent id give the same `NotFound`.

use albumen_core::access::{
    self, Action, Decision, Grant, PhotoFacts, Subject, Target, VisibilityScope,
};
use albumen_core::model::{Album, Photo, PhotoEntry};
use albumen_core::{AlbumId, PhotoId};
use albumen_db::{Reader, Repo};

use crate::web::error::AppError;

/// Present albums the subject may see, newest first.
pub async fn albums(repo: &dyn Repo, subject: &Subject) -> Result<Vec<Album>, AppError> {
    Ok(repo.list_albums(&VisibilityScope::of(subject)).await?)
}

/// One album and the photos in it the subject may see, as a list shows them.
pub async fn album(
    repo: &dyn Repo,
    subject: &Subject,
    id: AlbumId,
) -> Result<(Album, Vec<PhotoEntry>), AppError> {
    let scope = VisibilityScope::of(subject);
    let mut read = repo.reader().await?;
    let album = authorized_album(read.as_mut(), subject, &scope, id, Action::View).await?;
    let photos = read.album_entries(&scope, id).await?;
    Ok((album, photos))
}

/// The album and its visible photos, whole, when the subject may do `action` on the album
/// itself (every action on an album implies viewing it).
pub async fn album_for(
    repo: &dyn Repo,
    subject: &Subject,
    id: AlbumId,
    action: Action,
) -> Result<(Album, Vec<Photo>), AppError> {
    let scope = VisibilityScope::of(subject);
    let mut read = repo.reader().await?;
    let album = authorized_album(read.as_mut(), subject, &scope, id, action).await?;
    let photos = read.album_photos(&scope, id).await?;
    Ok((album, photos))
}

/// The album, if the subject may do `action` on it; read and decided in one statement.
async fn authorized_album(
    read: &mut dyn Reader,
    subject: &Subject,
    scope: &VisibilityScope,
    id: AlbumId,
    action: Action,
) -> Result<Album, AppError> {
    let (album, facts) = read
        .album_with_facts(scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match access::decide(subject, action, Target::Album(&facts)) {
        Decision::Allow => Ok(album),
        Decision::Deny => Err(AppError::NotFound),
    }
}

/// An album page: the album, where it sits, what is below it and its photos.
#[derive(Debug)]
pub struct AlbumPage {
    pub album: Album,
    /// The albums above, from the top down (id and name).
    pub parents: Vec<(AlbumId, String)>,
    /// Child albums the subject may see that hold photos it may see, newest first.
    pub sub_albums: Vec<Album>,
    pub photos: Vec<PhotoEntry>,
}

/// [`album`] with its breadcrumbs and sub-albums, read on one connection.
pub async fn album_page(
    repo: &dyn Repo,
    subject: &Subject,
    id: AlbumId,
) -> Result<AlbumPage, AppError> {
    let scope = VisibilityScope::of(subject);
    let mut read = repo.reader().await?;
    let album = authorized_album(read.as_mut(), subject, &scope, id, Action::View).await?;
    Ok(AlbumPage {
        album,
        photos: read.album_entries(&scope, id).await?,
        sub_albums: read.sub_albums(&scope, id).await?,
        parents: read.album_parents(id).await?,
    })
}

/// One photo and the grant to act on it.
pub async fn photo(
    repo: &dyn Repo,
    subject: &Subject,
    id: PhotoId,
    action: Action,
) -> Result<(Photo, Grant), AppError> {
    let (photo, _facts, grant) = photo_with_facts(repo, subject, id, action).await?;
    Ok((photo, grant))
}

/// [`photo`] with the facts the decision was made on.
pub async fn photo_with_facts(
    repo: &dyn Repo,
    subject: &Subject,
    id: PhotoId,
    action: Action,
) -> Result<(Photo, PhotoFacts, Grant), AppError> {
    authorized_photo(repo.reader().await?.as_mut(), subject, id, action).await
}

async fn authorized_photo(
    read: &mut dyn Reader,
    subject: &Subject,
    id: PhotoId,
    action: Action,
) -> Result<(Photo, PhotoFacts, Grant), AppError> {
    let (photo, facts) = read.photo_with_facts(id).await?.ok_or(AppError::NotFound)?;
    let grant = access::authorize(subject, action, &facts).map_err(|_| AppError::NotFound)?;
    Ok((photo, facts, grant))
}

/// A photo with its place among the visible photos of its album.
#[derive(Debug)]
pub struct PhotoInAlbum {
    pub photo: Photo,
    /// The album, when the subject may see it (a photo can be visible on its own).
    pub album: Option<Album>,
    pub previous: Option<PhotoId>,
    pub next: Option<PhotoId>,
    /// 1-based.
    pub position: usize,
    pub total: usize,
    /// Whether the subject may also download the original (pages offer it only then).
    pub may_download: bool,
}

pub async fn photo_in_album(
    repo: &dyn Repo,
    subject: &Subject,
    id: PhotoId,
) -> Result<PhotoInAlbum, AppError> {
    let scope = VisibilityScope::of(subject);
    let mut read = repo.reader().await?;
    let (photo, facts, _grant) = authorized_photo(read.as_mut(), subject, id, Action::View).await?;
    let siblings = read.album_entries(&scope, photo.album_id).await?;
    let index = siblings.iter().position(|p| p.id == id).unwrap_or(0);
    // The photo's facts carry its album's policy.
    let album = match access::decide(subject, Action::View, Target::Album(&facts.album)) {
        Decision::Allow => read.album(&scope, photo.album_id).await?,
        Decision::Deny => None,
    };
    let may_download =
        access::decide(subject, Action::Download, Target::Photo(&facts)) == Decision::Allow;
    Ok(PhotoInAlbum {
        may_download,
        previous: index
            .checked_sub(1)
            .and_then(|i| siblings.get(i))
            .map(|p| p.id),
        next: siblings.get(index + 1).map(|p| p.id),
        position: index + 1,
        total: siblings.len().max(1),
        album,
        photo,
    })
}
