//! The stylesheets, scripts and icon (the admin pages' `admin.css` and `admin.js` and the
//! viewer's `viewer.js` among them), compiled into the binary and served with far-future
//! caching; page links carry a content hash so a new release is fetched at once.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::web::error::AppError;

const CSS: &str = include_str!("../../assets/app.css");
const JS: &str = include_str!("../../assets/app.js");
const ICON: &str = include_str!("../../assets/icon.svg");
const ADMIN_CSS: &str = include_str!("../../assets/admin.css");
const ADMIN_JS: &str = include_str!("../../assets/admin.js");
const VIEWER_JS: &str = include_str!("../../assets/viewer.js");
const NOSCRIPT_CSS: &str = include_str!("../../assets/noscript.css");

pub static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = blake3::Hasher::new();
    hasher.update(CSS.as_bytes());
    hasher.update(JS.as_bytes());
    hasher.update(ICON.as_bytes());
    hasher.update(ADMIN_CSS.as_bytes());
    hasher.update(ADMIN_JS.as_bytes());
    hasher.update(VIEWER_JS.as_bytes());
    hasher.update(NOSCRIPT_CSS.as_bytes());
    hasher.finalize().to_hex()[..12].to_owned()
});

/// `GET /assets/{name}`
pub async fn asset(Path(name): Path<String>) -> Result<Response, AppError> {
    let (mime, body) = match name.as_str() {
        "app.css" => ("text/css; charset=utf-8", CSS),
        "app.js" => ("text/javascript; charset=utf-8", JS),
        "icon.svg" => ("image/svg+xml", ICON),
        "admin.css" => ("text/css; charset=utf-8", ADMIN_CSS),
        "admin.js" => ("text/javascript; charset=utf-8", ADMIN_JS),
        "viewer.js" => ("text/javascript; charset=utf-8", VIEWER_JS),
        "noscript.css" => ("text/css; charset=utf-8", NOSCRIPT_CSS),
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        body,
    )
        .into_response())
}
