//! The JSON API, version 1. Wire types live here, not in the domain crates.

use albumen_core::AlbumId;
use albumen_core::model::{Album, PhotoEntry, User};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::scan::{ScanJob, ScanStatus};
use crate::state::AppState;
use crate::web::chunks::{self, Tile};
use crate::web::error::AppError;
use crate::web::extract::{AppJson, Client, PathId, Scanner, Viewer};
use crate::web::login::{end_session, start_session};

#[derive(Debug, Serialize)]
pub struct UserDto {
    id: albumen_core::UserId,
    username: String,
    permissions: Vec<&'static str>,
}

impl From<&User> for UserDto {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
            permissions: user.permissions.names(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AlbumDto {
    id: AlbumId,
    name: String,
    date: Option<String>,
    category: String,
    photo_count: i64,
}

impl From<Album> for AlbumDto {
    fn from(album: Album) -> Self {
        Self {
            id: album.id,
            name: album.name,
            date: album.date,
            category: album.category,
            photo_count: album.photo_count,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PhotoDto {
    id: albumen_core::PhotoId,
    filename: String,
    date: Option<String>,
    /// Displayed size, after EXIF orientation.
    width: u32,
    height: u32,
    /// `srcset` (preset, `v`, width), `sizes`, `thumb_v` and `colour` (`#rrggbb` once the
    /// previews are made, else null): what an album page's tile shows.
    #[serde(flatten)]
    tile: Tile,
}

impl PhotoDto {
    fn new(state: &AppState, photo: PhotoEntry) -> Self {
        let (width, height) = photo.display_size();
        Self {
            tile: chunks::tile(state, &photo),
            id: photo.id,
            filename: photo.filename,
            date: photo.taken_at,
            width,
            height,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AlbumDetailDto {
    #[serde(flatten)]
    album: AlbumDto,
    photos: Vec<PhotoDto>,
    /// The `cursor` of the next chunk, when more photos follow (also in the `Link` header).
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// `?limit=` and `?cursor=` of `GET /api/v1/albums/{id}`, checked by hand so that a bad one is
/// this API's JSON 400.
#[derive(Debug, Deserialize)]
pub struct ChunkQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

/// `POST /api/v1/session`: logs in; the response sets the session cookie and carries the CSRF
/// token that state-changing requests must send in `X-CSRF-Token`. Too many failed logins for
/// the username or the client address: 429 `too-many-attempts` with `Retry-After`.
pub async fn create_session(
    State(state): State<AppState>,
    viewer: Viewer,
    client: Client,
    AppJson(credentials): AppJson<Credentials>,
) -> Result<Response, AppError> {
    let (login, headers) = start_session(
        &state,
        &viewer,
        client,
        &credentials.username,
        &credentials.password,
    )
    .await?;
    let body = json!({ "csrf_token": login.csrf_token, "user": UserDto::from(&login.user) });
    Ok((headers, Json(body)).into_response())
}

/// `GET /api/v1/session`: who is logged in, and the CSRF token.
pub async fn get_session(viewer: Viewer) -> Result<Json<serde_json::Value>, AppError> {
    let user = viewer.user.as_ref().ok_or(AppError::Unauthenticated)?;
    Ok(Json(
        json!({ "csrf_token": viewer.csrf_token, "user": UserDto::from(user) }),
    ))
}

/// `DELETE /api/v1/session`: logs out.
pub async fn delete_session(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let headers = end_session(&state, &viewer).await?;
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// `GET /api/v1/albums`: the albums the viewer may see, newest first.
pub async fn list_albums(viewer: Viewer) -> Result<Json<Vec<AlbumDto>>, AppError> {
    let albums = viewer.gallery()?.albums().await?;
    Ok(Json(albums.into_iter().map(AlbumDto::from).collect()))
}

/// `GET /api/v1/albums/{id}`: one album with the photos the viewer may see, in album order.
/// `?limit=` (1 to 1000) and `?cursor=` (from the previous answer) read it in chunks; with
/// neither, every photo as before, up to 10,000. When more photos follow, the answer carries
/// `next_cursor` and `Link: <…?limit=N&cursor=C>; rel="next"`.
pub async fn get_album(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<AlbumId>,
    axum::extract::Query(query): axum::extract::Query<ChunkQuery>,
) -> Result<Response, AppError> {
    let after = query
        .cursor
        .as_deref()
        .map(chunks::decode_cursor)
        .transpose()?;
    let limit = match (&query.limit, &after) {
        (Some(limit), _) => chunks::parse_limit(limit)?,
        (None, Some(_)) => chunks::DEFAULT_LIMIT,
        (None, None) => chunks::UNPAGED_CAP,
    };
    let (album, chunk) = viewer
        .gallery()?
        .album_chunk(id, after.as_ref(), limit)
        .await?;
    let next_cursor = chunk.next.as_ref().map(chunks::encode_cursor);
    let body = Json(AlbumDetailDto {
        album: album.into(),
        photos: chunk
            .photos
            .into_iter()
            .map(|p| PhotoDto::new(&state, p))
            .collect(),
        next_cursor: next_cursor.clone(),
    });
    Ok(match next_cursor {
        Some(cursor) => {
            let link = format!("</api/v1/albums/{id}?limit={limit}&cursor={cursor}>; rel=\"next\"");
            ([(axum::http::header::LINK, link)], body).into_response()
        }
        None => body.into_response(),
    })
}

/// `GET /api/v1/scan`: the running scan's progress and the last report.
pub async fn scan_status(State(state): State<AppState>, _scanner: Scanner) -> Json<ScanStatus> {
    Json(state.scans.status())
}

/// `POST /api/v1/scan`: starts a scan in the background (202), or 409 if one is running.
pub async fn start_scan(
    State(state): State<AppState>,
    scanner: Scanner,
) -> Result<Response, AppError> {
    let mut job = ScanJob::new(&state.config.library.path, &state.config.scan);
    job.queue_previews = state.config.previews.background;
    state.scans.start(scanner.repo().clone(), job)?;
    Ok((StatusCode::ACCEPTED, Json(state.scans.status())).into_response())
}
