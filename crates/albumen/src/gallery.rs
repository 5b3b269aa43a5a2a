//! What a viewer may see: [`Gallery`], the one handle through which a viewer's pages, API
//! answers and media read the catalog. It is built around the viewer's [`Subject`] and scopes
//! every read to it — lists, breadcrumbs, neighbours, counts, dates, covers — so a hidden row
//! cannot reach a page by accident. Single objects are authorized with `access::decide` on the
//! facts read with them; photos come back with the [`Grant`] storage demands. A denial and a
//! nonexistent id give the same [`GalleryError::NotFound`].
//!
//! Unscoped catalog reads exist only on [`Catalog`] itself, which the web layer reaches through the
//! administrator's extractor and system jobs through their system grant.

use std::sync::Arc;

use albumen_core::access::{
    self, Action, Decision, Grant, PhotoFacts, Subject, Target, VisibilityScope,
};
use albumen_core::model::{Album, Photo, PhotoEntry};
use albumen_core::{AlbumId, PhotoId};
use albumen_db::{Catalog, PhotoKey, Reader, RepoError};

#[derive(Debug, thiserror::Error)]
pub enum GalleryError {
    /// Nonexistent, or not for this viewer: one answer.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

type Result<T> = std::result::Result<T, GalleryError>;

/// The catalog as one viewer may see it.
#[derive(Debug, Clone)]
pub struct Gallery {
    repo: Arc<dyn Catalog>,
    subject: Subject,
    scope: VisibilityScope,
}

/// An album page: the album, where it sits, what is below it and its photos.
#[derive(Debug)]
pub struct AlbumPage {
    pub album: Album,
    /// The albums above that the viewer may see (id and name), from the top down.
    pub parents: Vec<(AlbumId, String)>,
    /// Child albums the viewer may see that hold photos it may see, newest first.
    pub sub_albums: Vec<Album>,
    pub photos: Vec<PhotoEntry>,
    /// Whether the viewer may export the album as a ZIP (pages offer it only then).
    pub may_export: bool,
    /// Where the next chunk starts, when `photos` is a chunk and more follow.
    pub next: Option<PhotoKey>,
    /// The albums before and after this one in the index (among those beside it), if the
    /// viewer sees it listed there.
    pub siblings: Siblings,
    /// Visible photos per month (`YYYY-MM`, oldest first; `None` last for undated ones), for a
    /// chunked page's date scrubber; empty on a whole page.
    pub months: Vec<(Option<String>, i64)>,
}

/// An album's neighbours in the index: the newer one listed before it, the older one after.
#[derive(Debug, Default)]
pub struct Siblings {
    pub before: Option<(AlbumId, String)>,
    pub after: Option<(AlbumId, String)>,
}

impl Siblings {
    /// The neighbours of `id` in `listed`, in the index's order.
    fn of(id: AlbumId, listed: &[(AlbumId, String)]) -> Self {
        let Some(at) = listed.iter().position(|(a, _)| *a == id) else {
            return Self::default();
        };
        Self {
            before: at.checked_sub(1).map(|i| listed[i].clone()),
            after: listed.get(at + 1).cloned(),
        }
    }
}

/// A chunk of an album's visible photos in album order, and where the next one starts.
#[derive(Debug)]
pub struct AlbumChunk {
    pub photos: Vec<PhotoEntry>,
    pub next: Option<PhotoKey>,
}

/// A photo the viewer may act on, with the grant to read its bytes.
#[derive(Debug)]
pub struct GrantedPhoto {
    pub photo: Photo,
    pub grant: Grant,
    /// Whether anonymous visitors may see it too (shared caches may then keep its previews).
    pub public: bool,
}

/// A photo with its place among the visible photos of its album.
#[derive(Debug)]
pub struct PhotoInAlbum {
    pub photo: Photo,
    /// The album, when the viewer may see it (a photo can be visible on its own).
    pub album: Option<Album>,
    pub previous: Option<PhotoId>,
    pub next: Option<PhotoId>,
    /// 1-based.
    pub position: usize,
    pub total: usize,
    /// Whether the viewer may also download the original (pages offer it only then).
    pub may_download: bool,
}

impl Gallery {
    pub fn new(repo: Arc<dyn Catalog>, subject: Subject) -> Self {
        let scope = VisibilityScope::of(&subject);
        Self {
            repo,
            subject,
            scope,
        }
    }

    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The catalog as an anonymous visitor holding only `share`, one of this viewer's links,
    /// would see it (what a link's public card may show); `None` if the viewer holds no such
    /// link. Never wider than this gallery.
    #[expect(
        clippy::disallowed_methods,
        reason = "narrows to a grant the session resolver already gave this viewer; adds none"
    )]
    pub fn through_link(&self, share: albumen_core::ShareId) -> Option<Gallery> {
        let grant = self
            .subject
            .shares()
            .iter()
            .find(|grant| grant.share() == Some(share))?;
        Some(Gallery::new(
            self.repo.clone(),
            Subject::anonymous().with_share(grant.clone()),
        ))
    }

    async fn reader(&self) -> Result<Box<dyn Reader>> {
        Ok(self.repo.reader().await?)
    }

    /// Present albums the viewer may see, newest first.
    pub async fn albums(&self) -> Result<Vec<Album>> {
        Ok(self.reader().await?.list_albums(&self.scope).await?)
    }

    /// One album and the photos in it the viewer may see, as a list shows them.
    pub async fn album(&self, id: AlbumId) -> Result<(Album, Vec<PhotoEntry>)> {
        let mut read = self.reader().await?;
        let album = self
            .authorized_album(read.as_mut(), id, Action::View)
            .await?;
        let photos = read.album_entries(&self.scope, id).await?;
        Ok((album, photos))
    }

    /// [`Gallery::album`] with its breadcrumbs and sub-albums, read on one connection.
    pub async fn album_page(&self, id: AlbumId) -> Result<AlbumPage> {
        let mut read = self.reader().await?;
        let (album, may_export) = self.viewed_album(read.as_mut(), id).await?;
        Ok(AlbumPage {
            may_export,
            album,
            photos: read.album_entries(&self.scope, id).await?,
            sub_albums: read.sub_albums(&self.scope, id).await?,
            parents: read.album_parents(&self.scope, id).await?,
            siblings: Siblings::of(id, &read.album_siblings(&self.scope, id).await?),
            next: None,
            months: Vec::new(),
        })
    }

    /// [`Gallery::album_page`] showing one chunk of at most `limit` photos, those after
    /// `after`, with the album's months for the scrubber. Authorized exactly like the whole
    /// page; only visible photos are read, counted and dated.
    pub async fn album_page_chunk(
        &self,
        id: AlbumId,
        after: Option<&PhotoKey>,
        limit: u32,
    ) -> Result<AlbumPage> {
        let mut read = self.reader().await?;
        let (album, may_export) = self.viewed_album(read.as_mut(), id).await?;
        let chunk = self.chunk(read.as_mut(), id, after, limit).await?;
        Ok(AlbumPage {
            may_export,
            album,
            photos: chunk.photos,
            next: chunk.next,
            months: read.album_months(&self.scope, id).await?,
            sub_albums: read.sub_albums(&self.scope, id).await?,
            parents: read.album_parents(&self.scope, id).await?,
            siblings: Siblings::of(id, &read.album_siblings(&self.scope, id).await?),
        })
    }

    /// One album and a chunk of at most `limit` of its visible photos, after `after`.
    pub async fn album_chunk(
        &self,
        id: AlbumId,
        after: Option<&PhotoKey>,
        limit: u32,
    ) -> Result<(Album, AlbumChunk)> {
        let mut read = self.reader().await?;
        let album = self
            .authorized_album(read.as_mut(), id, Action::View)
            .await?;
        let chunk = self.chunk(read.as_mut(), id, after, limit).await?;
        Ok((album, chunk))
    }

    /// An album page's album, if the viewer may view it, and whether it may also export it.
    async fn viewed_album(&self, read: &mut dyn Reader, id: AlbumId) -> Result<(Album, bool)> {
        let (album, facts) = read
            .album_with_facts(&self.scope, id)
            .await?
            .ok_or(GalleryError::NotFound)?;
        if self.decide(Action::View, Target::Album(&facts)) == Decision::Deny {
            return Err(GalleryError::NotFound);
        }
        let may_export = self.decide(Action::Export, Target::Album(&facts)) == Decision::Allow;
        Ok((album, may_export))
    }

    /// Reads one photo more than asked, to know whether another chunk follows.
    async fn chunk(
        &self,
        read: &mut dyn Reader,
        id: AlbumId,
        after: Option<&PhotoKey>,
        limit: u32,
    ) -> Result<AlbumChunk> {
        let limit = limit.max(1);
        let mut photos = read
            .album_chunk(&self.scope, id, after, limit.saturating_add(1))
            .await?;
        let more = photos.len() > limit as usize;
        photos.truncate(limit as usize);
        let next = more.then(|| photos.last().map(PhotoKey::from)).flatten();
        Ok(AlbumChunk { photos, next })
    }

    /// One photo and the grant to do `action` on it.
    pub async fn photo(&self, id: PhotoId, action: Action) -> Result<GrantedPhoto> {
        let (granted, _) = self
            .authorized_photo(self.reader().await?.as_mut(), id, action)
            .await?;
        Ok(granted)
    }

    /// A photo page: the photo, its album if visible, and its neighbours among the photos of
    /// the album the viewer may see.
    pub async fn photo_page(&self, id: PhotoId) -> Result<PhotoInAlbum> {
        let mut read = self.reader().await?;
        let (granted, facts) = self
            .authorized_photo(read.as_mut(), id, Action::View)
            .await?;
        let photo = granted.photo;
        let siblings = read.album_entries(&self.scope, photo.album_id).await?;
        let index = siblings.iter().position(|p| p.id == id).unwrap_or(0);
        // The photo's facts carry its album's policy.
        let album = match self.decide(Action::View, Target::Album(&facts.album)) {
            Decision::Allow => read.album(&self.scope, photo.album_id).await?,
            Decision::Deny => None,
        };
        Ok(PhotoInAlbum {
            may_download: self.decide(Action::Download, Target::Photo(&facts)) == Decision::Allow,
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

    /// Of `ids`, the photos the viewer may see, in that order (a photo link's page).
    pub async fn photos(&self, ids: &[PhotoId]) -> Result<Vec<Photo>> {
        let mut read = self.reader().await?;
        let mut visible = Vec::with_capacity(ids.len());
        for &id in ids {
            match self.authorized_photo(read.as_mut(), id, Action::View).await {
                Ok((granted, _)) => visible.push(granted.photo),
                Err(GalleryError::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(visible)
    }

    /// An album export: the album and, in album order, each photo the viewer may both see and
    /// export, with its grant. `Action::Export` is granted by policies wherever they grant
    /// viewing and by share links only when they allow archives. An album the viewer may not
    /// export is `NotFound`; so is one with nothing to export (an empty archive would still
    /// confirm the album).
    pub async fn export(&self, id: AlbumId) -> Result<(Album, Vec<(Photo, Grant)>)> {
        let mut read = self.reader().await?;
        let album = self
            .authorized_album(read.as_mut(), id, Action::Export)
            .await?;
        let visible = read.album_entries(&self.scope, id).await?;
        let mut granted = Vec::with_capacity(visible.len());
        for entry in visible {
            match self
                .authorized_photo(read.as_mut(), entry.id, Action::Export)
                .await
            {
                Ok((photo, _)) => granted.push((photo.photo, photo.grant)),
                Err(GalleryError::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        if granted.is_empty() {
            return Err(GalleryError::NotFound);
        }
        Ok((album, granted))
    }

    fn decide(&self, action: Action, target: Target<'_>) -> Decision {
        access::decide(&self.subject, action, target)
    }

    /// The album, if the viewer may do `action` on it (every action on an album implies
    /// viewing it); read and decided in one statement.
    async fn authorized_album(
        &self,
        read: &mut dyn Reader,
        id: AlbumId,
        action: Action,
    ) -> Result<Album> {
        let (album, facts) = read
            .album_with_facts(&self.scope, id)
            .await?
            .ok_or(GalleryError::NotFound)?;
        match self.decide(action, Target::Album(&facts)) {
            Decision::Allow => Ok(album),
            Decision::Deny => Err(GalleryError::NotFound),
        }
    }

    async fn authorized_photo(
        &self,
        read: &mut dyn Reader,
        id: PhotoId,
        action: Action,
    ) -> Result<(GrantedPhoto, PhotoFacts)> {
        let (photo, facts, media) = read
            .photo_with_facts(id)
            .await?
            .ok_or(GalleryError::NotFound)?;
        let grant = access::authorize(&self.subject, action, &facts, media)
            .map_err(|_| GalleryError::NotFound)?;
        let public = access::decide(&Subject::anonymous(), Action::View, Target::Photo(&facts))
            == Decision::Allow;
        Ok((
            GrantedPhoto {
                photo,
                grant,
                public,
            },
            facts,
        ))
    }
}
