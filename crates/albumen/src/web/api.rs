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
}

impl From<PhotoEntry> for PhotoDto {
    fn from(photo: PhotoEntry) -> Self {
        let (width, height) = photo.display_size();
        Self {
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

/// `GET /api/v1/albums/{id}`: one album with the photos the viewer may see.
pub async fn get_album(
    viewer: Viewer,
    PathId(id): PathId<AlbumId>,
) -> Result<Json<AlbumDetailDto>, AppError> {
    let (album, photos) = viewer.gallery()?.album(id).await?;
    Ok(Json(AlbumDetailDto {
        album: album.into(),
        photos: photos.into_iter().map(PhotoDto::from).collect(),
    }))
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
