//! What a viewer may see: the service layer shared by the HTML pages and the JSON API. Single
//! objects are authorized with `access::decide` on their facts; lists use the viewer's
//! visibility scope. A denial and a nonexistent id give the same `NotFound`.

use albumen_core::access::{self, Action, Decision, Grant, Subject, Target, VisibilityScope};
use albumen_core::model::{Album, Photo};
use albumen_core::{AlbumId, PhotoId};
use albumen_db::Repo;

use crate::web::error::AppError;

/// Present albums the subject may see, newest first.
pub async fn albums(repo: &dyn Repo, subject: &Subject) -> Result<Vec<Album>, AppError> {
    Ok(repo.list_albums(&VisibilityScope::of(subject)).await?)
}

/// One album and the photos in it the subject may see.
pub async fn album(
    repo: &dyn Repo,
    subject: &Subject,
    id: AlbumId,
) -> Result<(Album, Vec<Photo>), AppError> {
    album_for(repo, subject, id, Action::View).await
}

/// [`album`], when the subject may do `action` on the album itself (every action on an album
/// implies viewing it).
pub async fn album_for(
    repo: &dyn Repo,
    subject: &Subject,
    id: AlbumId,
    action: Action,
) -> Result<(Album, Vec<Photo>), AppError> {
    let facts = repo.album_facts(id).await?.ok_or(AppError::NotFound)?;
    if access::decide(subject, action, Target::Album(&facts)) == Decision::Deny {
        return Err(AppError::NotFound);
    }
    let scope = VisibilityScope::of(subject);
    let album = repo.album(&scope, id).await?.ok_or(AppError::NotFound)?;
    let photos = repo.album_photos(&scope, id).await?;
    Ok((album, photos))
}

/// An album page: the album, where it sits, what is below it and its photos.
#[derive(Debug)]
pub struct AlbumPage {
    pub album: Album,
    /// The albums above, from the top down (id and name).
    pub parents: Vec<(AlbumId, String)>,
    /// Child albums the subject may see that hold photos it may see, newest first.
    pub sub_albums: Vec<Album>,
    pub photos: Vec<Photo>,
}

/// [`album`] with its breadcrumbs and sub-albums.
pub async fn album_page(
    repo: &dyn Repo,
    subject: &Subject,
    id: AlbumId,
) -> Result<AlbumPage, AppError> {
    let (album, photos) = self::album(repo, subject, id).await?;
    let scope = VisibilityScope::of(subject);
    let sub_albums = repo.sub_albums(&scope, id).await?;
    let parents = repo.album_parents(id).await?;
    Ok(AlbumPage {
        album,
        parents,
        sub_albums,
        photos,
    })
}

/// One photo and the grant to act on it.
pub async fn photo(
    repo: &dyn Repo,
    subject: &Subject,
    id: PhotoId,
    action: Action,
) -> Result<(Photo, Grant), AppError> {
    let facts = repo.photo_facts(id).await?.ok_or(AppError::NotFound)?;
    let grant = access::authorize(subject, action, &facts).map_err(|_| AppError::NotFound)?;
    let photo = repo.photo(id).await?.ok_or(AppError::NotFound)?;
    Ok((photo, grant))
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
}

pub async fn photo_in_album(
    repo: &dyn Repo,
    subject: &Subject,
    id: PhotoId,
) -> Result<PhotoInAlbum, AppError> {
    let (photo, _grant) = self::photo(repo, subject, id, Action::View).await?;
    let scope = VisibilityScope::of(subject);
    let siblings = repo.album_photos(&scope, photo.album_id).await?;
    let index = siblings.iter().position(|p| p.id == id).unwrap_or(0);
    let album = match repo.album_facts(photo.album_id).await? {
        Some(facts)
            if access::decide(subject, Action::View, Target::Album(&facts)) == Decision::Allow =>
        {
            repo.album(&scope, photo.album_id).await?
        }
        _ => None,
    };
    Ok(PhotoInAlbum {
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
