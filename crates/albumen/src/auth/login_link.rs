//! Magic login links: a URL carrying 256 random bits that opens a session for one user without
//! a password. The database keeps only the token's BLAKE3 hash and a stamp of the user's
//! password hash, so a new password voids every earlier link; disabling the account deletes
//! them (as does a new password), so enabling it again does not bring them back.

use albumen_core::UserId;
use albumen_db::{NewLoginLink, Repo, RepoError, Users};

use super::{AuthError, Login, open_session, session};
use crate::clock::unix_now;

/// Links last two weeks unless asked otherwise.
pub const DEFAULT_DAYS: u32 = 14;
/// The longest a link may live.
pub const MAX_DAYS: u32 = 365;
/// Where a link points, relative to the site.
pub const PATH_PREFIX: &str = "/login/link/";

/// A link just made: the token (shown once) and when the link stops working.
#[derive(Debug, Clone)]
pub struct CreatedLink {
    pub token: String,
    pub expires_at: i64,
}

impl CreatedLink {
    /// The site-relative URL to hand to the user.
    pub fn path(&self) -> String {
        format!("{PATH_PREFIX}{}", self.token)
    }
}

/// A stamp of a password hash: changes whenever the password does, and reveals nothing usable.
fn password_stamp(password_hash: &str) -> String {
    blake3::hash(password_hash.as_bytes()).to_hex().to_string()
}

/// The user's current password hash, or `None` for an unknown user.
async fn current_hash(repo: &dyn Users, id: UserId) -> Result<Option<String>, AuthError> {
    let Some(user) = repo.user(id).await? else {
        return Ok(None);
    };
    Ok(repo
        .user_credentials(&user.username)
        .await?
        .filter(|(found, _)| found.id == id)
        .map(|(_, hash)| hash))
}

/// Makes a link for `user` valid for `days` days (0 makes one that has already expired, which
/// is only useful to tests). An unknown user is `RepoError::NotFound("user")`.
pub async fn create(
    repo: &dyn Repo,
    user: UserId,
    days: u32,
    single_use: bool,
) -> Result<CreatedLink, AuthError> {
    if days > MAX_DAYS {
        return Err(AuthError::InvalidInput(format!(
            "login links last at most {MAX_DAYS} days"
        )));
    }
    let hash = current_hash(repo, user)
        .await?
        .ok_or(RepoError::NotFound("user"))?;
    let (token, token_hash) = session::new_token();
    let now = unix_now();
    let expires_at = now + i64::from(days) * 86_400;
    repo.create_login_link(&NewLoginLink {
        token_hash,
        user_id: user,
        created_at: now,
        expires_at,
        single_use,
        password_stamp: password_stamp(&hash),
    })
    .await?;
    // Links are made rarely: a cheap moment to forget stale ones.
    repo.delete_expired_login_links(now).await?;
    Ok(CreatedLink { token, expires_at })
}

/// Opens a new session from a link token. Every kind of failure (malformed, unknown, expired,
/// used, password changed, account disabled) is the same [`AuthError::InvalidCredentials`], and
/// only a success uses up a single-use link (see [`Sessions::redeem_login_link`]).
///
/// [`Sessions::redeem_login_link`]: albumen_db::Sessions::redeem_login_link
pub async fn redeem(repo: &dyn Repo, token: &str, session_days: u32) -> Result<Login, AuthError> {
    if !session::plausible_token(token) {
        return Err(AuthError::InvalidCredentials);
    }
    let stamp_matches =
        |hash: &str, stamp: &str| session::tokens_match(&password_stamp(hash), stamp);
    let Some(user_id) = repo
        .redeem_login_link(&session::hash_token(token), unix_now(), &stamp_matches)
        .await?
    else {
        return Err(AuthError::InvalidCredentials);
    };
    // Disabled since the redemption: the session would not be honoured anyway.
    let user = match repo.user(user_id).await? {
        Some(user) if !user.disabled => user,
        _ => return Err(AuthError::InvalidCredentials),
    };
    open_session(repo, user, session_days).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_follow_the_password_hash() {
        assert_eq!(password_stamp("a"), password_stamp("a"));
        assert_ne!(password_stamp("a"), password_stamp("b"));
        assert_ne!(password_stamp("a"), "a");
    }
}
