//! The one error type at the web edge. Every variant maps to a status and a stable code in one
//! exhaustive match; internal details are logged, never sent.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::AuthError;
use crate::preview::PreviewError;
use crate::scan::ScanError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nonexistent *and* not allowed: one answer, so a denial reveals nothing.
    #[error("not found")]
    NotFound,
    #[error("login required")]
    Unauthenticated,
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("missing or invalid CSRF token")]
    Csrf,
    /// An administrator viewing the gallery as someone else asked to change something (or to
    /// use an admin page): nothing changes until they stop.
    #[error("viewing the gallery as someone else: stop viewing as them to change anything")]
    ViewingAs,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A request body over its limit (in bytes).
    #[error("the request body is larger than the {0} bytes allowed")]
    TooLarge(usize),
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("a scan is already running")]
    ScanRunning,
    /// Too many failed logins for the username or the client address; the same answer whether
    /// the username exists or not.
    #[error("too many attempts; try again in {retry_after} seconds")]
    TooManyAttempts { retry_after: u64 },
    #[error("internal error")]
    Internal(String),
}

const NOT_FOUND: &str = "This page does not exist, or you are not allowed to see it.";
const LOG_IN: &str = "Please log in.";
const REFUSED: &str = "This request was refused. Reload the page and try again.";
const NOT_CARRIED_OUT: &str = "The request could not be carried out.";
const TOO_MANY: &str = "Too many attempts. Wait a while and try again.";
const VIEWING_AS: &str = "You are viewing the gallery as someone else, so nothing can be changed \
                          and the admin pages are closed. Stop viewing as them first.";
const WENT_WRONG: &str = "Something went wrong on the server.";
/// Every message an error page shows, in English; the page translates it (see `i18n`).
pub const PAGE_MESSAGES: &[&str] = &[
    NOT_FOUND,
    VIEWING_AS,
    LOG_IN,
    REFUSED,
    NOT_CARRIED_OUT,
    TOO_MANY,
    WENT_WRONG,
];

/// What an error response carries for the HTML error page renderer.
#[derive(Debug, Clone, Copy)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub message: &'static str,
}

impl AppError {
    pub fn internal(err: impl std::fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not-found"),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "login-required"),
            Self::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid-credentials"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            Self::Csrf => (StatusCode::FORBIDDEN, "csrf-failed"),
            Self::ViewingAs => (StatusCode::FORBIDDEN, "viewing-as"),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request"),
            Self::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type")
            }
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::ScanRunning => (StatusCode::CONFLICT, "scan-running"),
            Self::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too-many-attempts"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The text shown to people: fixed per variant except for validation messages we wrote.
    fn public_message(&self) -> String {
        match self {
            Self::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                "Something went wrong on the server.".to_owned()
            }
            other => other.to_string(),
        }
    }

    fn page_message(&self) -> &'static str {
        match self {
            Self::NotFound => NOT_FOUND,
            Self::Unauthenticated | Self::InvalidCredentials => LOG_IN,
            Self::Forbidden | Self::Csrf => REFUSED,
            Self::ViewingAs => VIEWING_AS,
            Self::BadRequest(_)
            | Self::UnsupportedMediaType(_)
            | Self::TooLarge(_)
            | Self::Conflict(_)
            | Self::ScanRunning => NOT_CARRIED_OUT,
            Self::TooManyAttempts { .. } => TOO_MANY,
            Self::Internal(_) => WENT_WRONG,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = json!({"error": {"code": code, "message": self.public_message()}});
        let mut response = (status, Json(body)).into_response();
        if let Self::TooManyAttempts { retry_after } = self {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response.extensions_mut().insert(ErrorInfo {
            status,
            message: self.page_message(),
        });
        response
    }
}

impl From<albumen_db::RepoError> for AppError {
    fn from(err: albumen_db::RepoError) -> Self {
        match err {
            albumen_db::RepoError::Conflict(what) => Self::Conflict(what),
            albumen_db::RepoError::NotFound(_) => Self::NotFound,
            other => Self::internal(other),
        }
    }
}

impl From<crate::gallery::GalleryError> for AppError {
    fn from(err: crate::gallery::GalleryError) -> Self {
        match err {
            crate::gallery::GalleryError::NotFound => Self::NotFound,
            crate::gallery::GalleryError::Repo(err) => err.into(),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::UnsupportedMediaType(
                "expected a JSON body (Content-Type: application/json)".to_owned(),
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::TooLarge(super::BODY_LIMIT)
            }
            // Syntax, shape and body errors: axum's text says what was wrong and where.
            other => Self::BadRequest(other.body_text()),
        }
    }
}

impl From<crate::auth::limiter::Locked> for AppError {
    fn from(locked: crate::auth::limiter::Locked) -> Self {
        Self::TooManyAttempts {
            retry_after: locked.retry_after,
        }
    }
}

impl From<AuthError> for AppError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::InvalidCredentials => Self::InvalidCredentials,
            AuthError::InvalidInput(message) => Self::BadRequest(message),
            AuthError::Repo(err) => err.into(),
            AuthError::Hash(detail) => Self::Internal(detail),
        }
    }
}

impl From<StorageError> for AppError {
    fn from(err: StorageError) -> Self {
        match err {
            // The catalog is ahead of the disk; to the viewer the file simply is not there.
            StorageError::Missing(_) => Self::NotFound,
            other => Self::internal(other),
        }
    }
}

impl From<PreviewError> for AppError {
    fn from(err: PreviewError) -> Self {
        match err {
            PreviewError::Storage(err) => err.into(),
            PreviewError::Worker(detail) => Self::Internal(detail),
        }
    }
}

impl From<ScanError> for AppError {
    fn from(err: ScanError) -> Self {
        match err {
            ScanError::AlreadyRunning => Self::ScanRunning,
            other => Self::internal(other),
        }
    }
}
