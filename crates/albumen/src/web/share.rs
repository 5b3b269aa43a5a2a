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
    error: Option<&str>,
) -> Result<axum::response::Html<String>, AppError> {
    render(
        state,
        viewer,
        "share.html",
        json!({ "locked": true, "error": error }),
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
            for photo in gallery.photos(ids).await? {
                let v = preview_version(&state, &photo.fingerprint, "thumb");
                photos.push(json!({ "id": photo.id, "filename": photo.filename, "v": v }));
            }
            if photos.is_empty() {
                return Err(AppError::NotFound);
            }
            let context = json!({ "locked": false, "label": link.label, "photos": photos });
            let page = render(&state, &viewer, "share.html", context)?;
            Ok((private_page_headers(), page).into_response())
        }
        // Sent back here with the cookie, but it did not come along.
        ShareTarget::Photos(_) if query.as_deref() == Some("opened") => {
            let page = render(&state, &viewer, "share.html", json!({ "no_cookie": true }))?;
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
            let error = format!("Too many attempts; try again in {retry_after} seconds.");
            let page = password_form(&state, &viewer, Some(&error))?;
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
        let error = "That is not the password of this link.";
        let page = password_form(&state, &viewer, Some(error))?;
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
