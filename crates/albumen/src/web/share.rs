//! Share links over HTTP: opening one (`/s/{token}`, with a password form for protected links)
//! and the admin API that makes, lists and revokes them.

use albumen_core::{AlbumId, PhotoId, ShareId};
use albumen_db::{ShareRecord, ShareTarget, Shares};
use axum::Form;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, REFERRER_POLICY, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::limiter::{Locked, Target};
use crate::share::{self, LinkRequest};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::extract::{Admin, AppJson, Client, PathId, Viewer};
use crate::web::html::{preview_version, render};
use crate::web::login::FormError;

/// The token is in the URL of these pages: never send it on, never keep the page.
fn private_page_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers
}

/// Link tokens, their uses and the unlock key: no catalog read is made through it.
#[expect(
    clippy::disallowed_methods,
    reason = "share links' own records; catalog reads go through the viewer's gallery"
)]
fn links(state: &AppState) -> &dyn Shares {
    state.unscoped_repo().as_ref()
}

/// Who made a link: their username, for the guest's "shared by" line.
#[expect(
    clippy::disallowed_methods,
    reason = "the link's creator, named on its page; no catalog read"
)]
async fn creator_name(state: &AppState, link: &ShareRecord) -> Result<Option<String>, AppError> {
    let Some(id) = link.created_by else {
        return Ok(None);
    };
    let repo: &dyn albumen_db::Users = state.unscoped_repo().as_ref();
    Ok(repo.user(id).await?.map(|user| user.username))
}

/// A guest: a visitor with no session who holds at least one link. Their pages show the
/// link's chrome (no login, no index) and are never indexed.
pub fn is_guest(viewer: &Viewer) -> bool {
    viewer.user.is_none() && !viewer.subject().shares().is_empty()
}

/// `1 March 2027` (UTC).
fn long_date(unix: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(unix, 0).map(|t| t.format("%-d %B %Y").to_string())
}

/// What a guest's page says about the link that shows it: its title (label, else `name`), who
/// shared it, until when, and its Open Graph card. The card's image is `cover`'s standard
/// preview, only if an anonymous visitor holding just this link may see that photo; its URL is
/// `page` (never the token's; none for a photo link). `None` when the viewer is no guest or holds no such link.
pub async fn guest_link(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    share: ShareId,
    name: &str,
    cover: Option<PhotoId>,
    page: Option<&str>,
) -> Result<Option<serde_json::Value>, AppError> {
    if !is_guest(viewer) {
        return Ok(None);
    }
    let Some(through_link) = viewer.gallery()?.through_link(share) else {
        return Ok(None);
    };
    let Some(link) = links(state).share(share).await? else {
        return Ok(None);
    };
    let origin = crate::web::client::origin(viewer.cookies.secure(), headers);
    let image = match (cover, &origin) {
        (Some(cover), Some(origin)) => {
            match through_link
                .photo(cover, albumen_core::access::Action::View)
                .await
            {
                Ok(granted) => {
                    let v = preview_version(state, &granted.photo.fingerprint, "standard");
                    Some(format!(
                        "{origin}/media/photos/{cover}/preview/standard?v={v}"
                    ))
                }
                Err(crate::gallery::GalleryError::NotFound) => None,
                Err(err) => return Err(err.into()),
            }
        }
        _ => None,
    };
    let title = if link.label.trim().is_empty() {
        name.to_owned()
    } else {
        link.label.clone()
    };
    Ok(Some(json!({
        "title": title,
        "shared_by": creator_name(state, &link).await?,
        "until": link.expires_at.and_then(long_date),
        "until_iso": link.expires_at.and_then(|at| chrono::DateTime::from_timestamp(at, 0)).map(|t| t.format("%Y-%m-%d").to_string()),
        "image": image,
        "url": origin.zip(page).map(|(origin, page)| format!("{origin}{page}")),
    })))
}

/// The first link the viewer holds that reaches `album`.
pub fn link_to_album(viewer: &Viewer, album: AlbumId) -> Option<ShareId> {
    viewer
        .subject()
        .shares()
        .iter()
        .find(|grant| grant.albums().contains(&album))
        .and_then(|grant| grant.share())
}

/// The first link the viewer holds that reaches `photo` (named by it, or through `album`).
pub fn link_to_photo(viewer: &Viewer, photo: PhotoId, album: Option<AlbumId>) -> Option<ShareId> {
    let subject = viewer.subject();
    let named = subject
        .shares()
        .iter()
        .find(|grant| grant.photos().contains(&photo))
        .and_then(|grant| grant.share());
    named.or_else(|| album.and_then(|album| link_to_album(viewer, album)))
}

/// The link a token opens; anything else is the ordinary 404.
async fn open_link(state: &AppState, token: &str) -> Result<ShareRecord, AppError> {
    share::live_link(links(state), token)
        .await?
        .ok_or(AppError::NotFound)
}

/// `Set-Cookie` for an opened (and, if protected, unlocked) link: flagged like the session; it
/// lasts until the link expires (at most a year).
fn link_cookie(viewer: &Viewer, key: &[u8; 32], link: &ShareRecord, token: &str) -> HeaderValue {
    viewer.cookies.share_link(
        link.id.get(),
        &share::cookie_value(key, link, token),
        share::cookie_max_age(link),
    )
}

/// The password form of a protected link, with what went wrong last time.
fn password_form(
    state: &AppState,
    viewer: &Viewer,
    error: Option<FormError>,
) -> Result<axum::response::Html<String>, AppError> {
    render(
        state,
        viewer,
        "share.html",
        json!({ "locked": true, "error": error, "noindex": true }),
    )
}

/// `GET /s/{token}`: a protected link not yet unlocked in this browser answers the password
/// form; otherwise the browser gets the link's cookie and goes to the album, or back here to
/// see the link's photos with the cookie that opens them.
pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    let link = open_link(&state, &token).await?;
    let key = share::unlock_key(links(&state), &state.unlock_key).await?;
    let held = viewer.cookies.share_links(&request_headers);
    if link.password_hash.is_some() && !share::holds_unlocked(held, &key, &link) {
        let page = password_form(&state, &viewer, None)?;
        return Ok((private_page_headers(), page).into_response());
    }
    let holds_link = viewer
        .subject()
        .shares()
        .iter()
        .any(|grant| grant.share() == Some(link.id));
    match &link.target {
        ShareTarget::Photos(ids) if holds_link => {
            let gallery = viewer.gallery()?;
            let mut photos = Vec::new();
            let mut cover = None;
            for photo in gallery.photos(ids).await? {
                cover = cover.or(Some(photo.id));
                let v = preview_version(&state, &photo.fingerprint, "thumb");
                photos.push(json!({ "id": photo.id, "filename": photo.filename, "v": v }));
            }
            if photos.is_empty() {
                return Err(AppError::NotFound);
            }
            let guest = guest_link(
                &state,
                &viewer,
                &request_headers,
                link.id,
                "Shared photos",
                cover,
                // A photo link's page is the token's URL, which never goes into the page.
                None,
            )
            .await?;
            let context = json!({
                "locked": false,
                "label": link.label,
                "photos": photos,
                "link": guest,
                "noindex": true,
            });
            let page = render(&state, &viewer, "share.html", context)?;
            Ok((private_page_headers(), page).into_response())
        }
        // Sent back here with the cookie, but it did not come along.
        ShareTarget::Photos(_) if query.as_deref() == Some("opened") => {
            let context = json!({ "no_cookie": true, "noindex": true });
            let page = render(&state, &viewer, "share.html", context)?;
            Ok((private_page_headers(), page).into_response())
        }
        target => {
            links(&state)
                .record_share_use(link.id, crate::clock::unix_now(), true)
                .await?;
            let mut headers = private_page_headers();
            headers.insert(SET_COOKIE, link_cookie(&viewer, &key, &link, &token));
            let location = match target {
                ShareTarget::Album { id, .. } => format!("/albums/{id}"),
                ShareTarget::Photos(_) => format!("{}{token}?opened", share::PATH_PREFIX),
            };
            headers.insert(
                LOCATION,
                HeaderValue::from_str(&location).map_err(AppError::internal)?,
            );
            Ok((StatusCode::SEE_OTHER, headers).into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct UnlockForm {
    password: String,
}

/// `POST /s/{token}` with the password (form field `password`, never in the URL). Attempts are
/// limited per link, from anywhere and per client address, like logins (`auth::limiter`).
pub async fn unlock(
    State(state): State<AppState>,
    viewer: Viewer,
    client: Client,
    Path(token): Path<String>,
    Form(form): Form<UnlockForm>,
) -> Result<Response, AppError> {
    let link = open_link(&state, &token).await?;
    let attempt = match state
        .login_limiter
        .begin(Target::ShareLink(link.id), client.address)
    {
        Ok(attempt) => attempt,
        Err(Locked { retry_after }) => {
            let error = FormError::TooManyAttempts {
                seconds: retry_after,
            };
            let page = password_form(&state, &viewer, Some(error))?;
            let mut headers = private_page_headers();
            headers.insert(RETRY_AFTER, HeaderValue::from(retry_after));
            return Ok((StatusCode::TOO_MANY_REQUESTS, headers, page).into_response());
        }
    };
    attempt.wait().await;
    let matches = match share::password_matches(&link, &form.password).await {
        Ok(matches) => matches,
        Err(err) => {
            attempt.abandoned();
            return Err(err.into());
        }
    };
    if !matches {
        // Already counted by `begin`.
        drop(attempt);
        let page = password_form(&state, &viewer, Some(FormError::Wrong))?;
        return Ok((StatusCode::UNAUTHORIZED, private_page_headers(), page).into_response());
    }
    attempt.succeeded();
    let key = share::unlock_key(links(&state), &state.unlock_key).await?;
    let mut headers = private_page_headers();
    headers.insert(SET_COOKIE, link_cookie(&viewer, &key, &link, &token));
    headers.insert(
        LOCATION,
        HeaderValue::from_str(&format!("{}{token}", share::PATH_PREFIX))
            .map_err(AppError::internal)?,
    );
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

/// `POST /api/v1/shares`: exactly one of `album_id` and `photo_ids`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateShare {
    album_id: Option<AlbumId>,
    #[serde(default)]
    include_sub_albums: bool,
    photo_ids: Option<Vec<PhotoId>>,
    #[serde(default)]
    label: String,
    /// RFC 3339.
    expires_at: Option<String>,
    password: Option<String>,
    #[serde(default)]
    allow_download: bool,
    #[serde(default)]
    allow_zip: bool,
}

#[derive(Debug, Serialize)]
pub struct CreatedShareDto {
    id: ShareId,
    token: String,
    url: String,
}

pub async fn create(
    admin: Admin,
    AppJson(body): AppJson<CreateShare>,
) -> Result<Response, AppError> {
    let target = match (body.album_id, body.photo_ids) {
        (Some(id), None) => ShareTarget::Album {
            id,
            include_sub_albums: body.include_sub_albums,
        },
        (None, Some(photos)) if !body.include_sub_albums => ShareTarget::Photos(photos),
        _ => {
            return Err(AppError::BadRequest(
                "give either album_id (with include_sub_albums) or photo_ids".to_owned(),
            ));
        }
    };
    let expires_at = body.expires_at.as_deref().map(parse_time).transpose()?;
    let link = share::create(
        admin.repo(),
        LinkRequest {
            target,
            label: body.label,
            expires_at,
            password: body.password,
            allow_download: body.allow_download,
            allow_zip: body.allow_zip,
            created_by: Some(admin.user.id),
        },
    )
    .await?;
    let dto = CreatedShareDto {
        id: link.id,
        url: link.path(),
        token: link.token,
    };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

/// RFC 3339 → Unix seconds.
fn parse_time(text: &str) -> Result<i64, AppError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| AppError::BadRequest(format!("expires_at {text:?} is not an RFC 3339 time")))
}

/// A link as administrators see it: never its token (only its hash is stored) nor its
/// password hash.
#[derive(Debug, Serialize)]
pub struct ShareDto {
    id: ShareId,
    label: String,
    album_id: Option<AlbumId>,
    include_sub_albums: bool,
    photo_ids: Option<Vec<PhotoId>>,
    has_password: bool,
    allow_download: bool,
    allow_zip: bool,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
    view_count: i64,
    live: bool,
}

impl From<ShareRecord> for ShareDto {
    fn from(link: ShareRecord) -> Self {
        let live = link.is_live(crate::clock::unix_now());
        let (album_id, include_sub_albums, photo_ids) = match link.target {
            ShareTarget::Album {
                id,
                include_sub_albums,
            } => (Some(id), include_sub_albums, None),
            ShareTarget::Photos(ids) => (None, false, Some(ids)),
        };
        Self {
            id: link.id,
            label: link.label,
            album_id,
            include_sub_albums,
            photo_ids,
            has_password: link.password_hash.is_some(),
            allow_download: link.allow_download,
            allow_zip: link.allow_zip,
            created_at: link.created_at,
            expires_at: link.expires_at,
            revoked_at: link.revoked_at,
            last_used_at: link.last_used_at,
            view_count: link.view_count,
            live,
        }
    }
}

pub async fn list(admin: Admin) -> Result<Json<Vec<ShareDto>>, AppError> {
    let links = admin.repo().list_shares().await?;
    Ok(Json(links.into_iter().map(ShareDto::from).collect()))
}

pub async fn revoke(admin: Admin, PathId(id): PathId<ShareId>) -> Result<StatusCode, AppError> {
    admin
        .repo()
        .revoke_share(id, crate::clock::unix_now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
