//! Share links over HTTP: opening one (`/s/{token}`, with a password form for protected links)
//! and the admin API that makes, lists and revokes them.

use albumen_core::access::Action;
use albumen_core::{AlbumId, PhotoId, ShareId};
use albumen_db::{ShareRecord, ShareTarget};
use axum::Form;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, REFERRER_POLICY, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::limiter::{Locked, Target};
use crate::gallery;
use crate::share::{self, LinkRequest};
use crate::state::AppState;
use crate::web::admin::{Admin, AppJson};
use crate::web::error::AppError;
use crate::web::html::{parse_id, preview_version, render};
use crate::web::login::ClientAddress;
use crate::web::session::Viewer;

/// The token is in the URL of these pages: never send it on, never keep the page.
fn private_page_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers
}

/// The link a token opens; anything else is the ordinary 404.
async fn open_link(state: &AppState, token: &str) -> Result<ShareRecord, AppError> {
    share::live_link(state.repo.as_ref(), token)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /s/{token}`: a protected link not yet unlocked in this browser answers the password
/// form; otherwise the browser gets the link's cookie and goes to the album, or sees the
/// link's photos.
pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    let link = open_link(&state, &token).await?;
    let key = share::unlock_key(state.repo.as_ref(), &state.unlock_key).await?;
    let unlocked = share::holds_unlocked(&request_headers, &key, &link);
    if link.password_hash.is_some() && !unlocked {
        let page = render(
            &state,
            &viewer,
            "share.html",
            json!({ "locked": true, "error": null }),
        )?;
        return Ok((private_page_headers(), page).into_response());
    }
    state
        .repo
        .record_share_use(link.id, crate::clock::unix_now(), true)
        .await?;
    let mut headers = private_page_headers();
    headers.insert(
        SET_COOKIE,
        share::set_cookie(&key, &link, &token, state.config.auth.secure_cookies),
    );
    match &link.target {
        ShareTarget::Album { id, .. } => {
            headers.insert(
                LOCATION,
                HeaderValue::from_str(&format!("/albums/{id}")).map_err(AppError::internal)?,
            );
            Ok((StatusCode::SEE_OTHER, headers).into_response())
        }
        ShareTarget::Photos(ids) => {
            // The subject of this request does not hold the new cookie yet: add the link.
            let grant = share::grant(state.repo.as_ref(), &link).await?;
            let subject = viewer.subject().clone().with_share(grant);
            let mut photos = Vec::new();
            for id in ids {
                if let Ok((photo, _)) =
                    gallery::photo(state.repo.as_ref(), &subject, *id, Action::View).await
                {
                    let v = preview_version(&state, &photo.fingerprint, "thumb");
                    photos.push(json!({ "id": photo.id, "filename": photo.filename, "v": v }));
                }
            }
            if photos.is_empty() {
                return Err(AppError::NotFound);
            }
            let context = json!({ "locked": false, "label": link.label, "photos": photos });
            let page = render(&state, &viewer, "share.html", context)?;
            Ok((headers, page).into_response())
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
    address: ClientAddress,
    Path(token): Path<String>,
    Form(form): Form<UnlockForm>,
) -> Result<Response, AppError> {
    let link = open_link(&state, &token).await?;
    let attempt = match state
        .login_limiter
        .begin(Target::ShareLink(link.id), address.0)
    {
        Ok(attempt) => attempt,
        Err(Locked { retry_after }) => {
            let error = format!("Too many attempts; try again in {retry_after} seconds.");
            let page = render(
                &state,
                &viewer,
                "share.html",
                json!({ "locked": true, "error": error }),
            )?;
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
        let page = render(
            &state,
            &viewer,
            "share.html",
            json!({ "locked": true, "error": error }),
        )?;
        return Ok((StatusCode::UNAUTHORIZED, private_page_headers(), page).into_response());
    }
    attempt.succeeded();
    let key = share::unlock_key(state.repo.as_ref(), &state.unlock_key).await?;
    let mut headers = private_page_headers();
    headers.insert(
        SET_COOKIE,
        share::set_cookie(&key, &link, &token, state.config.auth.secure_cookies),
    );
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
    State(state): State<AppState>,
    Admin(admin): Admin,
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
        state.repo.as_ref(),
        LinkRequest {
            target,
            label: body.label,
            expires_at,
            password: body.password,
            allow_download: body.allow_download,
            allow_zip: body.allow_zip,
            created_by: Some(admin.id),
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

pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<ShareDto>>, AppError> {
    let links = state.repo.list_shares().await?;
    Ok(Json(links.into_iter().map(ShareDto::from).collect()))
}

pub async fn revoke(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let id: ShareId = parse_id(&id)?;
    state
        .repo
        .revoke_share(id, crate::clock::unix_now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
