//! "View as": an administrator browses the gallery exactly as one user, or the holder of one
//! share link, would, with a banner saying so, and changes nothing meanwhile.
//!
//! The target is kept in a cookie (`albumen_view_as`) holding `u<id>` or `s<id>` and a keyed
//! BLAKE3 MAC over the target and the hash of the administrator's session token, keyed by the
//! catalog's stored secret (the one share-link unlocks use, with its own domain string). The
//! session resolver (`web::session`) honours it only with a valid MAC, for that very session,
//! whose user is (still) an administrator: it cannot be forged, moved to another session or
//! kept past a lost admin right, and it dies with the session. The resolver then builds the
//! request's [`Gallery`](crate::gallery::Gallery) for the target's subject alone (a user's
//! groups and permissions, or one link's grant; never the administrator's own link cookies), so
//! every page, preview, original and ZIP follows the target's access. While it is set, every
//! state-changing request but stopping and logging out is refused in the same resolver, and the
//! admin extractors refuse every admin page.

use albumen_core::access::Subject;
use albumen_core::model::User;
use albumen_core::{ShareId, UserId};
use albumen_db::Repo;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth;
use crate::auth::session::tokens_match;
use crate::clock::unix_now;
use crate::share;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::extract::{Admin, Viewer};

/// The cookie's name (with `__Host-` over HTTPS, as every cookie).
pub const COOKIE: &str = "albumen_view_as";
/// How long a view-as lasts at most, unless stopped (or the session ends) before.
const MAX_AGE_SECONDS: i64 = 12 * 3600;
/// The state-changing requests allowed while viewing as someone: stopping, and logging out
/// (which ends the administrator's own session and with it the view).
const ALLOWED_WHILE_VIEWING: [&str; 2] = ["/admin/view-as/stop", "/logout"];

/// Whom the administrator views the gallery as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    User(UserId),
    Link(ShareId),
}

impl Target {
    fn encode(self) -> String {
        match self {
            Self::User(id) => format!("u{id}"),
            Self::Link(id) => format!("s{id}"),
        }
    }

    /// `u12` or `s3`, as the start form and the cookie carry it.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, id) = text.split_at_checked(1)?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        match kind {
            "u" => Some(Self::User(UserId::new(id))),
            "s" => Some(Self::Link(ShareId::new(id))),
            _ => None,
        }
    }
}

/// An administrator viewing as someone: who they really are, and whom they view as.
#[derive(Debug, Clone)]
pub struct ViewAs {
    /// The administrator whose session this is.
    pub admin: User,
    pub target: Target,
    /// How the banner names the target: a username, or a link's label.
    pub label: String,
}

fn mac(key: &[u8; 32], session_hash: &str, target: Target) -> String {
    let mut hasher = blake3::Hasher::new_keyed(key);
    hasher.update(b"albumen view as\0");
    hasher.update(session_hash.as_bytes());
    hasher.update(b"\0");
    hasher.update(target.encode().as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// The cookie value for viewing as `target` in the session whose token hashes to
/// `session_hash`.
fn cookie_value(key: &[u8; 32], session_hash: &str, target: Target) -> String {
    format!("{}.{}", target.encode(), mac(key, session_hash, target))
}

/// The target a cookie value names, if its MAC is right for this session.
fn verify(key: &[u8; 32], session_hash: &str, value: &str) -> Option<Target> {
    let (target, given) = value.split_once('.')?;
    let target = Target::parse(target)?;
    tokens_match(&mac(key, session_hash, target), given).then_some(target)
}

/// What the session resolver needs when the administrator views as someone: the viewer's user
/// as the target (none for a link), the subject to scope the gallery to, and the banner's state.
#[derive(Debug)]
pub struct Resolved {
    pub user: Option<User>,
    pub subject: Subject,
    pub view_as: ViewAs,
}

/// The view-as of an administrator's request, if its cookie is valid for this session; `None`
/// for anyone else or a bad cookie (which then changes nothing: the administrator's own view).
#[expect(
    clippy::disallowed_methods,
    reason = "viewing as a link builds the anonymous subject holding only that link's grant"
)]
pub async fn resolve(
    state: &AppState,
    repo: &dyn Repo,
    admin: &User,
    session_hash: &str,
    value: Option<&str>,
) -> Result<Option<Resolved>, AppError> {
    let Some(value) = value.filter(|_| admin.permissions.admin && !admin.disabled) else {
        return Ok(None);
    };
    let key = share::unlock_key(repo, &state.unlock_key).await?;
    let Some(target) = verify(&key, session_hash, value) else {
        return Ok(None);
    };
    let (user, subject, label) = match target {
        Target::User(id) => match repo.user(id).await? {
            Some(user) if !user.disabled => {
                let subject = auth::subject_of(repo, &user).await?;
                let label = user.username.clone();
                (Some(user), subject, label)
            }
            // Gone or disabled: they would have no session, so they see what a visitor sees.
            Some(user) => (
                None,
                Subject::anonymous(),
                format!("{} (disabled)", user.username),
            ),
            None => (None, Subject::anonymous(), format!("user {id} (deleted)")),
        },
        Target::Link(id) => match repo.share(id).await? {
            Some(link) if link.is_live(unix_now()) => {
                let grant = share::grant(repo, &link).await?;
                (
                    None,
                    Subject::anonymous().with_share(grant),
                    link_label(&link),
                )
            }
            // A revoked or expired link opens nothing.
            Some(link) => (
                None,
                Subject::anonymous(),
                format!("{} (no longer live)", link_label(&link)),
            ),
            None => (None, Subject::anonymous(), format!("link {id} (deleted)")),
        },
    };
    Ok(Some(Resolved {
        user,
        subject,
        view_as: ViewAs {
            admin: admin.clone(),
            target,
            label,
        },
    }))
}

fn link_label(link: &albumen_db::ShareRecord) -> String {
    if link.label.is_empty() {
        format!("link {}", link.id)
    } else {
        format!("link “{}”", link.label)
    }
}

/// Whether a state-changing request to `path` may go through while viewing as someone.
pub fn allowed_while_viewing(path: &str) -> bool {
    ALLOWED_WHILE_VIEWING.contains(&path)
}

fn redirect(location: &'static str, cookie: HeaderValue) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(LOCATION, HeaderValue::from_static(location));
    headers.insert(SET_COOKIE, cookie);
    (StatusCode::SEE_OTHER, headers).into_response()
}

/// `POST /admin/view-as` with `target` (`u{user id}` or `s{link id}`): the administrator's
/// browser views the gallery as that user or link holder from the next request on (303 to `/`).
/// An unknown target is 404, the administrator themself 400.
pub async fn start(
    admin: Admin,
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    let field = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "target")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let target = Target::parse(&field)
        .ok_or_else(|| AppError::BadRequest("choose a user or a link".to_owned()))?;
    let label = match target {
        Target::User(id) if id == admin.user.id => {
            return Err(AppError::BadRequest("that is you".to_owned()));
        }
        Target::User(id) => {
            admin
                .repo()
                .user(id)
                .await?
                .ok_or(AppError::NotFound)?
                .username
        }
        Target::Link(id) => link_label(&admin.repo().share(id).await?.ok_or(AppError::NotFound)?),
    };
    let session_hash = viewer
        .session_hash
        .as_deref()
        .ok_or(AppError::Unauthenticated)?;
    let key = share::unlock_key(admin.repo(), &state.unlock_key).await?;
    let value = cookie_value(&key, session_hash, target);
    tracing::info!(admin = %admin.user.username, target = %label, "view-as started");
    Ok(redirect(
        "/",
        viewer.cookies.set_named(COOKIE, &value, MAX_AGE_SECONDS),
    ))
}

/// `POST /admin/view-as/stop`: back to the administrator's own view (303 to the access page).
/// Allowed while viewing as someone (the one admin action that is); anyone but an
/// administrator is refused as on every admin route.
pub async fn stop(viewer: Viewer) -> Result<Response, AppError> {
    match (&viewer.view_as, &viewer.user) {
        (Some(view_as), _) => {
            tracing::info!(
                admin = %view_as.admin.username,
                target = %view_as.label,
                "view-as stopped"
            );
        }
        (None, Some(user)) if user.permissions.admin => {}
        (None, Some(_)) => return Err(AppError::Forbidden),
        (None, None) => return Err(AppError::Unauthenticated),
    }
    Ok(redirect(
        "/admin/access",
        viewer.cookies.set_named(COOKIE, "", 0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_binds_the_target_to_the_session() {
        let key = [9u8; 32];
        let target = Target::User(UserId::new(4));
        let value = cookie_value(&key, "session-a", target);
        assert_eq!(verify(&key, "session-a", &value), Some(target));
        // Another session, another key, another target under the same MAC: nothing.
        assert_eq!(verify(&key, "session-b", &value), None);
        assert_eq!(verify(&[8u8; 32], "session-a", &value), None);
        let (_, mac) = value.split_once('.').unwrap_or_default();
        assert_eq!(verify(&key, "session-a", &format!("u5.{mac}")), None);
        assert_eq!(verify(&key, "session-a", &format!("s4.{mac}")), None);
        assert_eq!(verify(&key, "session-a", "u4"), None);
    }

    #[test]
    fn targets_parse_strictly() {
        assert_eq!(Target::parse("u12"), Some(Target::User(UserId::new(12))));
        assert_eq!(Target::parse("s3"), Some(Target::Link(ShareId::new(3))));
        for bad in ["", "u", "x1", "u0", "u-1", "u1x", "é1"] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }
}
