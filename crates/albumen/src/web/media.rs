//! Media routes: previews, originals and album exports. Each one authorizes first (through
//! `gallery`, which respects every kind of viewer) and only then looks at validators, ranges
//! or files, so a photo that is hidden or gone is the same 404 whatever the request carries.
//! Storage will not hand out bytes, or a file's location, without the resulting grant.

mod body;
mod conditional;
mod offload;
mod range;
mod sniff;
mod zip_route;

use std::io;
use std::time::SystemTime;

use albumen_core::PhotoId;
use albumen_core::access::Action;
use albumen_core::model::Photo;
use albumen_media::Encoding;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{
    ACCEPT, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, LAST_MODIFIED,
    RANGE, VARY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use self::body::{Representation, Source};
use self::conditional::Validators;
use self::range::RangeRequest;
use crate::config::SendFile;
use crate::gallery::GrantedPhoto;
use crate::preview::Preview;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::extract::{PathId, Viewer, parse_id};

pub use self::zip_route::album_export;

/// Previews of photos only some people may see: kept privately and briefly by browsers (access
/// can be revoked), revalidated cheaply by ETag afterwards.
const PRIVATE_PREVIEW: &str = "private, max-age=3600";
/// Previews anyone may see, at a versioned URL (`?v=` of the current content and settings):
/// they never change there, so any cache may keep them. Public already means anyone may have
/// saved them; a policy change reaches shared caches only as the pages link new versions.
const PUBLIC_VERSIONED_PREVIEW: &str = "public, max-age=31536000, immutable";
/// Previews anyone may see at an unversioned URL (album covers): kept an hour, then revalidated.
const PUBLIC_PREVIEW: &str = "public, max-age=3600";
/// Originals and archives: every reuse is revalidated, which re-runs the authorization.
const PRIVATE_REVALIDATE: &str = "private, no-cache";

const X_ACCEL_REDIRECT: HeaderName = HeaderName::from_static("x-accel-redirect");
const X_SENDFILE: HeaderName = HeaderName::from_static("x-sendfile");

/// `GET|HEAD /media/photos/{id}/preview/{preset}`
pub async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, preset_name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let id: PhotoId = parse_id(&id)?;
    let GrantedPhoto {
        photo,
        grant,
        public,
    } = viewer.gallery()?.photo(id, Action::View).await?;
    let preset = state
        .previews
        .preset(&preset_name)
        .ok_or(AppError::NotFound)?;
    // Only what anonymous visitors may see can be kept by shared caches.
    let accept = request.get(ACCEPT).and_then(|v| v.to_str().ok());
    let encoding = state.previews.negotiate(accept);
    let etag = preset.etag(&photo.fingerprint, encoding);
    let versioned =
        query_value(query.as_deref(), "v").is_some_and(|v| v == preset.version(&photo.fingerprint));
    let cache_control = match (public, versioned) {
        (true, true) => PUBLIC_VERSIONED_PREVIEW,
        (true, false) => PUBLIC_PREVIEW,
        (false, _) => PRIVATE_PREVIEW,
    };
    let mut headers = media_headers(
        cache_control,
        public,
        disposition(&preview_name(&photo, encoding), query.as_deref()),
    );
    // The bytes depend on the Accept header (WebP or JPEG).
    headers.insert(
        VARY,
        HeaderValue::from_static(if public { "Accept" } else { "Cookie, Accept" }),
    );
    // The hot path: a cached preview.
    let key = preset.cache_key(&photo.fingerprint, encoding);
    if let Some(cached) = state.storage.cached_preview(&grant, &key).await? {
        let validators = Validators {
            etag: Some(&etag),
            last_modified: cached.modified,
        };
        // We encoded it: its type is the encoding's.
        let repr = Representation {
            len: cached.bytes.len() as u64,
            source: Source::Memory(cached.bytes),
            content_type: encoding.mime(),
        };
        return Ok(respond(&request, headers, repr, &validators));
    }

    let preview = state
        .previews
        .get(&state.storage, &grant, preset, encoding)
        .await?;
    let (bytes, validators) = match preview {
        Preview::Image(bytes) => (
            bytes,
            Validators {
                etag: Some(&etag),
                last_modified: Some(SystemTime::now()),
            },
        ),
        Preview::Placeholder(bytes) => {
            // Not the real preview: never cached, so a repaired file shows up at once.
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            (
                bytes,
                Validators {
                    etag: None,
                    last_modified: None,
                },
            )
        }
    };
    let repr = Representation {
        content_type: sniff::content_type(&bytes),
        len: bytes.len() as u64,
        source: Source::Memory(bytes),
    };
    Ok(respond(&request, headers, repr, &validators))
}

/// `GET|HEAD /media/photos/{id}/original`: streamed by Albumen or handed to the front server.
pub async fn original(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<PhotoId>,
    RawQuery(query): RawQuery,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let GrantedPhoto { photo, grant, .. } = viewer.gallery()?.photo(id, Action::Download).await?;
    let mut headers = media_headers(
        PRIVATE_REVALIDATE,
        false,
        disposition(&photo.filename, query.as_deref()),
    );
    // The file is opened before any validator is looked at: a file gone since the scan is a
    // 404, and one replaced since has another ETag, never a 304 with the scan's.
    let mut original = state.storage.open_original(&grant).await?;
    let etag = original_etag(&photo.fingerprint, original.len, original.modified);
    let content_type = sniff_file(&mut original.file)
        .await
        .map_err(AppError::internal)?;
    let validators = Validators {
        etag: Some(&etag),
        last_modified: original.modified,
    };
    let offload = match state.config.server.send_file {
        SendFile::Stream => {
            let repr = Representation {
                source: Source::File(original.file),
                len: original.len,
                content_type,
            };
            return Ok(respond(&request, headers, repr, &validators));
        }
        SendFile::XAccel => {
            let location = state.storage.offload_path(&grant)?;
            (
                X_ACCEL_REDIRECT,
                offload::x_accel_redirect(&state.config.server.x_accel_prefix, &location.relative),
            )
        }
        SendFile::XSendfile => {
            let location = state.storage.offload_path(&grant)?;
            let absolute = match &state.config.server.x_sendfile_root {
                Some(root) => root.join(&location.relative),
                None => std::path::absolute(&location.absolute).map_err(AppError::internal)?,
            };
            (X_SENDFILE, offload::x_sendfile(&absolute))
        }
    };
    drop(original);
    add_validators(&mut headers, &validators);
    if conditional::not_modified(&request, &validators) {
        return Ok(not_modified_response(headers));
    }
    // The front server sends the body and answers ranges; it keeps our type and disposition.
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(offload.0, offload.1);
    Ok((StatusCode::OK, headers).into_response())
}

/// The scan's content fingerprint, and the size and modification time of the file actually
/// opened: equal for every instance serving the same files, different once they change.
fn original_etag(fingerprint: &str, len: u64, modified: Option<std::time::SystemTime>) -> String {
    let nanos = modified
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("\"{fingerprint}-{len:x}-{nanos:x}\"")
}

/// Validators, then 304 or the (ranged) representation.
fn respond(
    request: &HeaderMap,
    mut headers: HeaderMap,
    repr: Representation,
    validators: &Validators<'_>,
) -> Response {
    add_validators(&mut headers, validators);
    if conditional::not_modified(request, validators) {
        return not_modified_response(headers);
    }
    let range = if conditional::range_applies(request, validators) {
        range::parse(request.get(RANGE).map(HeaderValue::as_bytes), repr.len)
    } else {
        RangeRequest::Full
    };
    body::send(headers, repr, range)
}

fn not_modified_response(mut headers: HeaderMap) -> Response {
    headers.remove(CONTENT_DISPOSITION);
    (StatusCode::NOT_MODIFIED, headers).into_response()
}

fn add_validators(headers: &mut HeaderMap, validators: &Validators<'_>) {
    if let Some(value) = validators
        .etag
        .and_then(|etag| HeaderValue::from_str(etag).ok())
    {
        headers.insert(ETAG, value);
    }
    if let Some(value) = validators
        .last_modified_header()
        .and_then(|date| HeaderValue::from_str(&date).ok())
    {
        headers.insert(LAST_MODIFIED, value);
    }
}

/// Headers every media answer carries. Anything not public varies with the session cookie,
/// so no shared cache hands one viewer's bytes to another.
fn media_headers(cache_control: &'static str, public: bool, disposition: HeaderValue) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(10);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    if !public {
        headers.insert(VARY, HeaderValue::from_static("Cookie"));
    }
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(CONTENT_DISPOSITION, disposition);
    headers
}

/// `IMG_0001.HEIC` → `IMG_0001.webp`: a preview is named for what it holds.
fn preview_name(photo: &Photo, encoding: Encoding) -> String {
    let stem = photo
        .filename
        .rsplit_once('.')
        .map_or(photo.filename.as_str(), |(stem, _)| stem);
    format!("{stem}.{}", encoding.extension())
}

/// The value of `name` in a query string (the first, if repeated).
fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The type from the first bytes, then back to the start for the body.
async fn sniff_file(file: &mut tokio::fs::File) -> io::Result<&'static str> {
    let mut head = [0u8; sniff::SNIFF_LEN];
    let mut filled = 0;
    while filled < head.len() {
        let read = file.read(&mut head[filled..]).await?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    file.seek(io::SeekFrom::Start(0)).await?;
    Ok(sniff::content_type(&head[..filled]))
}

/// `inline`, or `attachment` with `?download=1`.
fn disposition(filename: &str, query: Option<&str>) -> HeaderValue {
    let download = query.is_some_and(|q| {
        form_urlencoded::parse(q.as_bytes())
            .any(|(key, value)| key == "download" && matches!(&*value, "1" | "true"))
    });
    content_disposition(if download { "attachment" } else { "inline" }, filename)
}

/// `kind` with the file's name: an ASCII fallback plus the exact UTF-8 name (RFC 6266,
/// RFC 5987), so no byte of the name can break the header.
fn content_disposition(kind: &'static str, filename: &str) -> HeaderValue {
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
    let mut encoded = String::with_capacity(filename.len() * 3);
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_carry_utf8_names_safely() {
        let value = content_disposition("inline", "Über \"x\".jpg");
        assert_eq!(
            value.to_str().expect("ascii header"),
            "inline; filename=\"_ber _x_.jpg\"; filename*=UTF-8''%C3%9Cber%20%22x%22.jpg"
        );
    }

    #[test]
    fn download_asks_for_an_attachment() {
        let kind = |q: Option<&str>| {
            disposition("a.jpg", q)
                .to_str()
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(kind(None), "inline");
        assert_eq!(kind(Some("download=1")), "attachment");
        assert_eq!(kind(Some("x=2&download=true")), "attachment");
        assert_eq!(kind(Some("download=0")), "inline");
    }
}
