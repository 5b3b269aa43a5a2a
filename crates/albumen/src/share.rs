//! Share links: a URL carrying 256 random bits that lets whoever holds it see one album (and
//! optionally the albums below it) or a selection of photos, without an account.
//!
//! The database keeps only the token's BLAKE3 hash and, for a protected link, an argon2id hash
//! of its password. Opening a link leaves a cookie named after the link (`albumen_share_{id}`)
//! holding the token; a protected link's cookie also carries an unlock MAC (keyed BLAKE3 over
//! the link id and its password hash) once the password was given, so media requests check a
//! MAC instead of re-hashing the password, a new password voids every unlock, and unlocking one
//! link never unlocks another. The cookie is read on every request and the link looked up
//! afresh: a revoked or expired link stops working on the next request.

use std::collections::BTreeSet;

use albumen_core::access::ShareGrant;
use albumen_core::{ShareId, UserId};
use albumen_db::{Catalog, NewShare, Repo, RepoError, ShareRecord, ShareTarget, Shares};

use crate::auth::session::{hash_token, hex, new_token, plausible_token, tokens_match};
use crate::auth::{AuthError, password};
use crate::clock::unix_now;

/// Where a link points, relative to the site.
pub const PATH_PREFIX: &str = "/s/";
/// Cookies that hold opened links: this prefix and the link's id.
pub const COOKIE_PREFIX: &str = "albumen_share_";
/// Links a browser may hold at once; further cookies are ignored.
pub const MAX_HELD: usize = 16;
/// The longest label an administrator may give a link.
const MAX_LABEL: usize = 200;
/// Name of the unlock key in the catalog's `secrets` table.
const UNLOCK_KEY: &str = "share-unlock";
/// How long after its last recorded use a link's use is recorded again.
const USE_RECORD_INTERVAL: i64 = 60;

/// A link to make.
#[derive(Debug, Clone)]
pub struct LinkRequest {
    pub target: ShareTarget,
    pub label: String,
    pub expires_at: Option<i64>,
    pub password: Option<String>,
    pub allow_download: bool,
    pub allow_zip: bool,
    pub created_by: Option<UserId>,
}

/// A link just made: its id and the token, shown once.
#[derive(Debug, Clone)]
pub struct CreatedLink {
    pub id: ShareId,
    pub token: String,
}

impl CreatedLink {
    /// The site-relative URL to hand out.
    pub fn path(&self) -> String {
        format!("{PATH_PREFIX}{}", self.token)
    }
}

/// Validates and stores a link. An unknown album or photo is `RepoError::NotFound`.
pub async fn create(repo: &dyn Shares, request: LinkRequest) -> Result<CreatedLink, AuthError> {
    let now = unix_now();
    if request.label.chars().count() > MAX_LABEL || request.label.chars().any(char::is_control) {
        return Err(AuthError::InvalidInput(format!(
            "a label is at most {MAX_LABEL} printable characters"
        )));
    }
    if request.expires_at.is_some_and(|at| at <= now) {
        return Err(AuthError::InvalidInput(
            "expires_at must be in the future".to_owned(),
        ));
    }
    if matches!(&request.target, ShareTarget::Photos(p) if p.is_empty()) {
        return Err(AuthError::InvalidInput(
            "a photo link needs at least one photo".to_owned(),
        ));
    }
    let password_hash = match request.password {
        Some(p) if p.is_empty() => {
            return Err(AuthError::InvalidInput(
                "a link password cannot be empty".to_owned(),
            ));
        }
        Some(p) => Some(password::hash(p).await?),
        None => None,
    };
    let (token, token_hash) = new_token();
    let id = repo
        .create_share(&NewShare {
            token_hash,
            label: request.label,
            target: request.target,
            password_hash,
            allow_download: request.allow_download,
            allow_zip: request.allow_zip,
            created_by: request.created_by,
            created_at: now,
            expires_at: request.expires_at,
        })
        .await?;
    Ok(CreatedLink { id, token })
}

/// The live link a token opens, or `None` (malformed, unknown, revoked or expired alike).
pub async fn live_link(repo: &dyn Shares, token: &str) -> Result<Option<ShareRecord>, RepoError> {
    if !plausible_token(token) {
        return Ok(None);
    }
    let now = unix_now();
    Ok(repo
        .share_by_token(&hash_token(token))
        .await?
        .filter(|link| link.is_live(now)))
}

/// Checks a link's password. Attempts are rate limited by the caller.
pub async fn password_matches(link: &ShareRecord, given: &str) -> Result<bool, AuthError> {
    match &link.password_hash {
        Some(hash) => password::verify(given.to_owned(), hash.clone()).await,
        None => Ok(true),
    }
}

/// The unlock key, read from the catalog once per process.
pub type UnlockKey = tokio::sync::OnceCell<[u8; 32]>;

/// The server-wide key for unlock MACs, shared by every instance through the catalog.
pub async fn unlock_key(repo: &dyn Shares, cache: &UnlockKey) -> Result<[u8; 32], RepoError> {
    cache
        .get_or_try_init(|| load_unlock_key(repo))
        .await
        .copied()
}

async fn load_unlock_key(repo: &dyn Shares) -> Result<[u8; 32], RepoError> {
    let candidate = hex(&rand::random::<[u8; 32]>());
    let stored = repo.secret(UNLOCK_KEY, &candidate).await?;
    Ok(blake3::derive_key(
        "albumen 2026 share unlock key",
        stored.as_bytes(),
    ))
}

/// The MAC proving that the password of `link` (as it is now) was given.
fn unlock_mac(key: &[u8; 32], link: &ShareRecord) -> String {
    let mut hasher = blake3::Hasher::new_keyed(key);
    hasher.update(b"albumen share unlock\0");
    hasher.update(&link.id.get().to_le_bytes());
    hasher.update(link.password_hash.as_deref().unwrap_or("").as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// The cookie value for `token`, with the unlock MAC for a protected link.
pub fn cookie_value(key: &[u8; 32], link: &ShareRecord, token: &str) -> String {
    match link.password_hash {
        Some(_) => format!("{token}.{}", unlock_mac(key, link)),
        None => token.to_owned(),
    }
}

/// How long a browser keeps a link's cookie: until the link expires, at most a year.
pub fn cookie_max_age(link: &ShareRecord) -> i64 {
    link.expires_at
        .map_or(365 * 86_400, |at| (at - unix_now()).clamp(0, 365 * 86_400))
}

/// Whether the browser already holds an unlocked cookie for `link`, among the held link
/// cookies (`(link id, value)`).
pub fn holds_unlocked<'a>(
    held: impl IntoIterator<Item = (&'a str, &'a str)>,
    key: &[u8; 32],
    link: &ShareRecord,
) -> bool {
    held.into_iter().any(|(name, value)| {
        name == link.id.to_string() && value_unlocks(key, link, value.split_once('.'))
    })
}

fn value_unlocks(key: &[u8; 32], link: &ShareRecord, parts: Option<(&str, &str)>) -> bool {
    match (&link.password_hash, parts) {
        (None, _) => true,
        (Some(_), Some((_, mac))) => tokens_match(&unlock_mac(key, link), mac),
        (Some(_), None) => false,
    }
}

/// The grants of every live link whose cookie the request carries (`(link id, value)` of each
/// link cookie; at most [`MAX_HELD`] are looked at). A cookie whose token does not open the
/// link named in its name, or a protected link's cookie without a valid unlock MAC, grants
/// nothing.
pub async fn held_grants<'a>(
    repo: &dyn Repo,
    held: impl IntoIterator<Item = (&'a str, &'a str)>,
    key: &UnlockKey,
) -> Result<Vec<ShareGrant>, RepoError> {
    let held: Vec<(&str, &str)> = held.into_iter().take(MAX_HELD).collect();
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let key = unlock_key(repo, key).await?;
    let now = unix_now();
    let mut grants = Vec::new();
    for (name, value) in held {
        let (token, mac) = match value.split_once('.') {
            Some((token, mac)) => (token, Some(mac)),
            None => (value, None),
        };
        let Some(link) = live_link(repo, token).await? else {
            continue;
        };
        if name != link.id.to_string() || !value_unlocks(&key, &link, mac.map(|m| (token, m))) {
            continue;
        }
        if link
            .last_used_at
            .is_none_or(|at| now - at >= USE_RECORD_INTERVAL)
        {
            repo.record_share_use(link.id, now, false).await?;
        }
        grants.push(grant(repo, &link).await?);
    }
    Ok(grants)
}

/// What a live link lets its holder reach right now (an album link's sub-albums as they are).
/// The share resolver: the one place that turns a stored link into a [`ShareGrant`].
#[expect(
    clippy::disallowed_methods,
    reason = "the share resolver builds share grants from stored links"
)]
pub async fn grant(repo: &dyn Catalog, link: &ShareRecord) -> Result<ShareGrant, RepoError> {
    let (albums, photos) = match &link.target {
        ShareTarget::Album {
            id,
            include_sub_albums: true,
        } => (
            repo.album_subtree(*id).await?.into_iter().collect(),
            BTreeSet::new(),
        ),
        ShareTarget::Album { id, .. } => ([*id].into(), BTreeSet::new()),
        ShareTarget::Photos(photos) => (BTreeSet::new(), photos.iter().copied().collect()),
    };
    Ok(ShareGrant::new(
        Some(link.id),
        albums,
        photos,
        link.allow_download,
        link.allow_zip,
    ))
}

#[cfg(test)]
mod tests {
    use albumen_core::AlbumId;

    use super::*;

    fn link(password_hash: Option<&str>) -> ShareRecord {
        ShareRecord {
            id: ShareId::new(3),
            label: String::new(),
            target: ShareTarget::Album {
                id: AlbumId::new(1),
                include_sub_albums: false,
            },
            password_hash: password_hash.map(str::to_owned),
            allow_download: false,
            allow_zip: false,
            created_by: None,
            created_at: 0,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
            view_count: 0,
        }
    }

    #[test]
    fn unlock_macs_bind_the_link_and_its_password() {
        let key = [7u8; 32];
        let protected = link(Some("$argon2id$one"));
        let value = cookie_value(&key, &protected, "tok");
        let (_, mac) = value
            .split_once('.')
            .expect("a protected link's cookie has a MAC");
        assert!(value_unlocks(&key, &protected, Some(("tok", mac))));
        // A new password, another link or another key: the same MAC unlocks nothing.
        assert!(!value_unlocks(
            &key,
            &link(Some("$argon2id$two")),
            Some(("tok", mac))
        ));
        let other = ShareRecord {
            id: ShareId::new(4),
            ..protected.clone()
        };
        assert!(!value_unlocks(&key, &other, Some(("tok", mac))));
        assert!(!value_unlocks(&[8u8; 32], &protected, Some(("tok", mac))));
        assert!(!value_unlocks(&key, &protected, None));
        assert_eq!(cookie_value(&key, &link(None), "tok"), "tok");
    }
}
