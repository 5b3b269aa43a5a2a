//! `GET|HEAD /albums/{id}/export.zip`: the photos of an album the viewer may download, as a ZIP
//! streamed while it is written. Its layout is known before the first byte, so it has a
//! `Content-Length`, an ETag, and byte ranges for resumed downloads.

use std::collections::HashSet;
use std::io;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use albumen_core::AlbumId;
use albumen_core::access::Grant;
use albumen_core::model::Photo;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDateTime, Timelike};
use futures::TryStreamExt;
use futures::future::BoxFuture;

use super::conditional::{self, Validators};
use super::range::{self, ByteRange, RangeRequest};
use super::{
    PRIVATE_REVALIDATE, add_validators, body, content_disposition, media_headers,
    not_modified_response,
};
use crate::state::AppState;
use crate::storage::{Storage, StorageError};
use crate::web::error::AppError;
use crate::web::extract::{PathId, Viewer};
use crate::zip::{DosDateTime, EntryMeta, EntryReader, EntrySource, ZipPlan};

pub async fn album_export(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<AlbumId>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let (album, items) = viewer.gallery()?.export(id).await?;

    // The layout needs every size now; a file that vanished since the scan is left out.
    let mut names = UniqueNames::default();
    let mut entries = Vec::with_capacity(items.len());
    let mut kept = Vec::with_capacity(items.len());
    let mut version = blake3::Hasher::new();
    let mut newest: Option<SystemTime> = None;
    for (photo, grant) in items {
        let meta = match state.storage.original_meta(&grant).await {
            Ok(meta) => meta,
            Err(StorageError::Missing(_)) => continue,
            Err(err) => return Err(err.into()),
        };
        let name = names.claim(&photo.filename);
        let modified = entry_time(&photo, meta.modified);
        // Everything that shapes the archive's bytes: names, sizes, times, contents.
        for part in [name.as_bytes(), photo.fingerprint.as_bytes()] {
            version.update(&(part.len() as u64).to_le_bytes());
            version.update(part);
        }
        version.update(&meta.len.to_le_bytes());
        version.update(&modified.date.to_le_bytes());
        version.update(&modified.time.to_le_bytes());
        let mtime_ns = meta
            .modified
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        version.update(&mtime_ns.to_le_bytes());
        newest = newest.max(meta.modified);
        entries.push(EntryMeta {
            name,
            size: meta.len,
            modified,
        });
        kept.push((photo, grant));
    }
    if kept.is_empty() {
        return Err(AppError::NotFound);
    }
    let plan = Arc::new(ZipPlan::new(entries));
    let etag = format!("\"zip-{}\"", &version.finalize().to_hex()[..32]);
    let validators = Validators {
        etag: Some(&etag),
        last_modified: newest,
    };
    let mut headers = media_headers(
        PRIVATE_REVALIDATE,
        false,
        content_disposition("attachment", &format!("{}.zip", album.name)),
    );
    add_validators(&mut headers, &validators);
    if conditional::not_modified(&request, &validators) {
        return Ok(not_modified_response(headers));
    }

    let len = plan.len();
    let range = if conditional::range_applies(&request, &validators) {
        range::parse(request.get(RANGE).map(HeaderValue::as_bytes), len)
    } else {
        RangeRequest::Full
    };
    let (status, span) = match range {
        RangeRequest::Unsatisfiable => {
            return Ok(body::send(
                headers,
                body::Representation {
                    source: body::Source::Memory(bytes::Bytes::new()),
                    len,
                    content_type: "application/zip",
                },
                RangeRequest::Unsatisfiable,
            ));
        }
        // A resumed download asks for one range; several are answered with the whole archive,
        // which the RFC allows and which saves re-reading entries for each part.
        RangeRequest::Partial(ranges) if ranges.len() == 1 => {
            (StatusCode::PARTIAL_CONTENT, ranges[0])
        }
        RangeRequest::Partial(_) | RangeRequest::Full => (
            StatusCode::OK,
            ByteRange {
                start: 0,
                end: len - 1,
            },
        ),
    };
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(span.len()));
    if status == StatusCode::PARTIAL_CONTENT {
        headers.insert(CONTENT_RANGE, body::content_range(span, len));
    }
    let source = Originals {
        storage: state.storage.clone(),
        items: kept,
    };
    let album_id = album.id;
    let stream = crate::zip::stream(plan, source, span.start, span.end).inspect_err(move |err| {
        tracing::warn!(album = %album_id, %err, "album export aborted");
    });
    Ok((status, headers, Body::from_stream(stream)).into_response())
}

/// The granted originals, opened one at a time as the archive reaches them.
struct Originals {
    storage: Arc<Storage>,
    items: Vec<(Photo, Grant)>,
}

impl EntrySource for Originals {
    fn open(&mut self, index: usize) -> BoxFuture<'static, io::Result<EntryReader>> {
        let storage = self.storage.clone();
        let item = self.items.get(index).cloned();
        Box::pin(async move {
            let (_, grant) = item.ok_or_else(|| io::Error::other("no such entry"))?;
            let original = storage
                .open_original(&grant)
                .await
                .map_err(io::Error::other)?;
            Ok(Box::pin(original.file) as EntryReader)
        })
    }
}

/// The capture time (camera local time, as ZIP times are local), else the file's.
fn entry_time(photo: &Photo, modified: Option<SystemTime>) -> DosDateTime {
    let taken = photo
        .taken_at
        .as_deref()
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").ok());
    let time = taken.or_else(|| {
        let since = modified?.duration_since(UNIX_EPOCH).ok()?;
        let secs = i64::try_from(since.as_secs()).ok()?;
        chrono::DateTime::from_timestamp(secs, 0).map(|t| t.naive_utc())
    });
    time.map_or(DosDateTime::EPOCH, |t| {
        DosDateTime::new(
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
        )
    })
}

/// Entry names, unique regardless of case (archives are unpacked on case-insensitive disks
/// too): the second `IMG_1.jpg` becomes `IMG_1 (2).jpg`.
#[derive(Debug, Default)]
struct UniqueNames {
    taken: HashSet<String>,
}

impl UniqueNames {
    fn claim(&mut self, filename: &str) -> String {
        let clean: String = filename
            .chars()
            .map(|c| {
                if c == '/' || c == '\\' || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = if clean.trim_matches('.').is_empty() {
            "photo".to_owned()
        } else {
            clean
        };
        let (stem, ext) = match clean.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
            _ => (clean.clone(), String::new()),
        };
        let mut candidate = clean;
        let mut n = 2;
        while !self.taken.insert(candidate.to_lowercase()) {
            candidate = format!("{stem} ({n}){ext}");
            n += 1;
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_plain() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("IMG_1.jpg"), "IMG_1.jpg");
        assert_eq!(names.claim("img_1.JPG"), "img_1 (2).JPG");
        assert_eq!(names.claim("IMG_1.jpg"), "IMG_1 (3).jpg");
        assert_eq!(names.claim("IMG_1 (2).jpg"), "IMG_1 (2) (2).jpg");
        assert_eq!(names.claim("../a\\b\n.jpg"), ".._a_b_.jpg");
        assert_eq!(names.claim(".."), "photo");
        assert_eq!(names.claim("README"), "README");
        assert_eq!(names.claim("readme"), "readme (2)");
    }
}
