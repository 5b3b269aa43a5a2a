//! Access policies: who may see an album or a photo.

use albumen_core::access::{AlbumPolicy, Policy};
use albumen_core::{AlbumId, PhotoId};
use async_trait::async_trait;

use crate::Result;

/// Album and photo policies. Setting a policy creates it or replaces it whole (flags, users and
/// groups). Every form is all or nothing: an unknown album, photo, user or group is
/// [`RepoError::NotFound`] and leaves every policy as it was. Policies are read with the objects
/// they protect (see [`Catalog`]).
///
/// [`RepoError::NotFound`]: crate::RepoError::NotFound
/// [`Catalog`]: crate::Catalog
#[async_trait]
pub trait Policies: Send + Sync + std::fmt::Debug {
    async fn set_album_policy(&self, album: AlbumId, policy: &AlbumPolicy, now: i64) -> Result<()>;
    async fn set_album_policies(
        &self,
        albums: &[AlbumId],
        policy: &AlbumPolicy,
        now: i64,
    ) -> Result<()>;
    /// Removes an album's policy (the album becomes private); no policy is not an error.
    async fn delete_album_policy(&self, album: AlbumId) -> Result<()>;
    async fn delete_album_policies(&self, albums: &[AlbumId]) -> Result<()>;
    async fn set_photo_policy(&self, photo: PhotoId, policy: &Policy, now: i64) -> Result<()>;
    async fn set_photo_policies(&self, photos: &[PhotoId], policy: &Policy, now: i64)
    -> Result<()>;
    /// Removes a photo's own policy (it follows its album again); no policy is not an error.
    async fn delete_photo_policy(&self, photo: PhotoId) -> Result<()>;
    async fn delete_photo_policies(&self, photos: &[PhotoId]) -> Result<()>;
}
