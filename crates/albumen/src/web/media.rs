//! Media routes: previews and originals. Each one authorizes through `gallery::photo`, and
//! storage will not hand out bytes without the resulting grant.

use albumen_core::PhotoId;
use albumen_core::access::Action;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio_util::io::ReaderStream;

use crate::gallery;
use crate::preview::Preview;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::html::parse_id;
use crate::web::session::Viewer;

/// Access can be revoked, so browsers may keep media only privately and briefly.
const PRIVATE_CACHE: &str = "private, max-age=3600";

/// `GET /media/photos/{id}/preview/{preset}`
pub async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, preset_name)): Path<(String, String)>,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    let id: PhotoId = parse_id(&id)?;
    let (photo, grant) =
        gallery::photo(state.repo.as_ref(), viewer.subject(), id, Action::View).await?;
    let preset = state
        .previews
        .preset(&preset_name)
        .ok_or(AppError::NotFound)?;
    let etag = preset.etag(&photo);
    let mut headers = private_headers(&etag)?;
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    if matches_etag(&request_headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let preview = state
        .previews
        .get(&state.storage, state.repo.as_ref(), &grant, &photo, preset)
        .await?;
    match preview {
        Preview::Image(bytes) => Ok((headers, bytes).into_response()),
        Preview::Placeholder(bytes) => {
            // Not the real preview: never cached, so a repaired file shows up at once.
            headers.remove(ETAG);
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok((headers, bytes).into_response())
        }
    }
}

/// `GET /media/photos/{id}/original`
pub async fn original(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    let id: PhotoId = parse_id(&id)?;
    let (photo, grant) =
        gallery::photo(state.repo.as_ref(), viewer.subject(), id, Action::Download).await?;
    let etag = format!("\"{}\"", photo.fingerprint);
    let mut headers = private_headers(&etag)?;
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(crate::media_type::mime_of(&photo.filename)),
    );
    headers.insert(CONTENT_DISPOSITION, content_disposition(&photo.filename));
    if matches_etag(&request_headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let original = state.storage.open_original(&grant, &photo).await?;
    headers.insert(CONTENT_LENGTH, HeaderValue::from(original.len));
    let body = Body::from_stream(ReaderStream::new(original.file));
    Ok((headers, body).into_response())
}

fn private_headers(etag: &str) -> Result<HeaderMap, AppError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        ETAG,
        HeaderValue::from_str(etag).map_err(AppError::internal)?,
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(PRIVATE_CACHE));
    headers.insert(VARY, HeaderValue::from_static("Cookie"));
    Ok(headers)
}

/// `If-None-Match` with our strong ETag (or `*`).
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// `inline` with the original's name: an ASCII fallback plus the exact UTF-8 name (RFC 6266,
/// RFC 5987), so no byte of the name can break the header.
fn content_disposition(filename: &str) -> HeaderValue {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "inline; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("inline"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_carry_utf8_names_safely() {
        let value = content_disposition("Über \"x\".jpg");
        assert_eq!(
            value.to_str().expect("ascii header"),
            "inline; filename=\"_ber _x_.jpg\"; filename*=UTF-8''%C3%9Cber%20%22x%22.jpg"
        );
    }

    #[test]
    fn etag_matching() {
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, HeaderValue::from_static("\"a\", W/\"b\""));
        assert!(matches_etag(&headers, "\"b\""));
        assert!(!matches_etag(&headers, "\"c\""));
    }
}
