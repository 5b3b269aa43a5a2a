//! The HTTP surface: one router for HTML pages, the JSON API, media and assets.

pub mod admin;
pub mod admin_pages;
pub mod api;
pub mod assets;
pub mod chunks;
pub mod client;
pub mod error;
pub mod extract;
pub mod html;
pub mod login;
pub mod media;
pub mod policy;
pub mod qr;
pub mod routes;
pub mod scan_page;
pub mod session;
pub mod share;
pub mod view_as;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::{HeaderName, HeaderValue, StatusCode, Version};
use axum::middleware::{from_fn_with_state, map_response};
use axum::response::Response;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// No external resources, no framing, no inline script: the pages need nothing else.
/// `connect-src 'self'`: the scan page's event stream (`EventSource`) to this origin.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src 'self' data:; media-src 'self'; \
     style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The largest request body: JSON bodies are settings and id lists, never files.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The application. `serve` and every test build it here.
pub fn build_app(state: AppState) -> Router {
    let security_headers = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ];
    let mut app = routes::router(routes::table())
        .fallback(html::not_found)
        .layer(from_fn_with_state(state.clone(), session::resolve_viewer))
        .layer(from_fn_with_state(state.clone(), html::render_errors));
    for (name, value) in security_headers {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    app.layer(from_fn_with_state(state.clone(), client::identify))
        .layer(map_response(personal_responses))
        .layer(CompressionLayer::new().compress_when(compressible))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(120),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// Paths whose last segment is a secret (a share link's or a login link's token).
const TOKEN_PATHS: [&str; 2] = [crate::share::PATH_PREFIX, "/login/link/"];

/// The span every request's events are logged in: its method and path, with a token in the path
/// replaced (it would otherwise open the link for anyone who reads the logs) and no query.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %redacted_path(request.uri().path()),
    )
}

fn redacted_path(path: &str) -> std::borrow::Cow<'_, str> {
    match TOKEN_PATHS.iter().find(|prefix| path.starts_with(*prefix)) {
        Some(prefix) if path.len() > prefix.len() => format!("{prefix}[token]").into(),
        _ => path.into(),
    }
}

/// Whether a response is a page or an API answer (as opposed to media, which set their own
/// caching and are never compressed).
fn is_document(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"))
}

/// Pages and API answers depend on who asks: no cache may keep them (so Back after logging out
/// refetches instead of showing a private page), and none may hand one viewer's to another.
async fn personal_responses(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if is_document(headers.get(CONTENT_TYPE)) && !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.append(VARY, HeaderValue::from_static("Cookie"));
    }
    response
}

/// Text compresses well (a 3,000-photo album page shrinks about tenfold); images, videos and
/// archives are compressed already, and compressing them would break their byte ranges.
fn compressible(
    _status: StatusCode,
    _version: Version,
    headers: &axum::http::HeaderMap,
    _extensions: &axum::http::Extensions,
) -> bool {
    let text = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            // An event stream is sent as it happens, never held back to compress.
            (ct.starts_with("text/") && !ct.starts_with("text/event-stream"))
                || ct.starts_with("application/json")
                || ct.starts_with("image/svg+xml")
        });
    let big_enough = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .is_none_or(|len| len >= 256);
    text && big_enough
}

#[cfg(test)]
mod tests {
    use super::redacted_path;

    #[test]
    fn logs_never_carry_link_tokens() {
        assert_eq!(redacted_path("/s/Zx81secret"), "/s/[token]");
        assert_eq!(redacted_path("/login/link/abc"), "/login/link/[token]");
        assert_eq!(redacted_path("/albums/3"), "/albums/3");
    }
}
