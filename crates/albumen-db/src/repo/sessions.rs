//! Being logged in: sessions, and the magic login links that open them without a password.

use albumen_core::model::User;
use albumen_core::{GroupId, UserId};
use async_trait::async_trait;

use crate::Result;

/// A login session. Only a hash of the cookie's token is stored, so a copy of the database does
/// not let anyone log in.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: User,
    /// The groups the user belongs to, ascending.
    pub groups: Vec<GroupId>,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// A magic login link to store. Only the hash of the link's token is kept; `password_stamp` is
/// a hash of the user's password hash, compared when the link is used so a new password voids it.
#[derive(Debug, Clone)]
pub struct NewLoginLink {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: i64,
    pub expires_at: i64,
    pub single_use: bool,
    pub password_stamp: String,
}

/// Whether a login link's password stamp still matches its user's password hash:
/// `(password_hash, password_stamp) -> bool`, decided by the caller, which makes the stamps.
pub type StampCheck<'a> = dyn Fn(&str, &str) -> bool + Send + Sync + 'a;

/// Sessions and login links. Both are keyed by a hash of their token.
#[async_trait]
pub trait Sessions: Send + Sync + std::fmt::Debug {
    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The live session for a token hash, with its user; expired sessions and disabled users
    /// yield `None`.
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_expired_sessions(&self, now: i64) -> Result<u64>;

    /// Stores a link; an unknown user is a foreign-key error, so check the user first. A link
    /// may be made for a disabled user (an account being prepared): it works once the account
    /// is enabled, unless the account is disabled again meanwhile.
    async fn create_login_link(&self, link: &NewLoginLink) -> Result<()>;
    /// Redeems a link: its user if the link is unexpired and not used up, the user is enabled
    /// and `stamp_matches(user's password hash, link's stamp)`. Only then is a single-use link
    /// marked used, so a refused attempt uses nothing up. The checks and the mark are one
    /// transaction ended by one conditional `UPDATE` (link still unused, user still enabled
    /// with the hash that was checked), which decides: of concurrent redemptions of a
    /// single-use link exactly one succeeds, and a link deleted or a password changed since
    /// the checks is refused.
    async fn redeem_login_link(
        &self,
        token_hash: &str,
        now: i64,
        stamp_matches: &StampCheck<'_>,
    ) -> Result<Option<UserId>>;
    async fn delete_expired_login_links(&self, now: i64) -> Result<u64>;
}
