//! Share links: what a link reaches, and the records kept about it.

use albumen_core::{AlbumId, PhotoId, ShareId, UserId};
use async_trait::async_trait;

use crate::Result;

/// What a share link reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareTarget {
    /// One album, and with `include_sub_albums` every album below it.
    Album {
        id: AlbumId,
        include_sub_albums: bool,
    },
    /// Exactly these photos.
    Photos(Vec<PhotoId>),
}

/// A share link to store. Only the hash of its token is kept; the password, if any, is already
/// hashed.
#[derive(Debug, Clone)]
pub struct NewShare {
    pub token_hash: String,
    pub label: String,
    pub target: ShareTarget,
    pub password_hash: Option<String>,
    pub allow_download: bool,
    pub allow_zip: bool,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

/// A stored share link, live or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRecord {
    pub id: ShareId,
    pub label: String,
    pub target: ShareTarget,
    pub password_hash: Option<String>,
    pub allow_download: bool,
    pub allow_zip: bool,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub view_count: i64,
}

impl ShareRecord {
    /// Neither revoked nor expired at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

/// Share links, and the server-wide secrets that key their unlock cookies.
#[async_trait]
pub trait Shares: Send + Sync + std::fmt::Debug {
    /// Stores a link, all or nothing: an unknown or missing album or photo is
    /// [`RepoError::NotFound`] and stores nothing.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn create_share(&self, share: &NewShare) -> Result<ShareId>;
    /// The link whose token hashes to `token_hash`, live or not.
    async fn share_by_token(&self, token_hash: &str) -> Result<Option<ShareRecord>>;
    async fn share(&self, id: ShareId) -> Result<Option<ShareRecord>>;
    /// Every link, newest first.
    async fn list_shares(&self) -> Result<Vec<ShareRecord>>;
    /// Revokes a link at `now` (a link revoked earlier keeps its first time); an unknown link
    /// is [`RepoError::NotFound`]`("share")`.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn revoke_share(&self, id: ShareId, now: i64) -> Result<()>;
    /// Notes that the link was used at `now`, counting a view when it was `opened`.
    async fn record_share_use(&self, id: ShareId, now: i64, opened: bool) -> Result<()>;
    /// The server-wide secret called `name`: the stored one, or `candidate` stored now. Every
    /// instance sharing the database ends up with the same value.
    async fn secret(&self, name: &str, candidate: &str) -> Result<String>;
}
