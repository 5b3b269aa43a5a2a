//! Response bodies for media: the whole representation, one range, or several as
//! `multipart/byteranges`, streamed from a file in fixed chunks or sliced from memory (no
//! copy). Lengths are always known up front and sent as `Content-Length`.

use std::collections::VecDeque;
use std::io::{self, SeekFrom};

use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::range::{ByteRange, RangeRequest};

/// Read size per chunk: large enough that a cached preview takes one or two reads, small
/// enough that thousands of concurrent downloads stay within memory.
const CHUNK: u64 = 256 * 1024;

/// Where a representation's bytes are.
#[derive(Debug)]
pub(super) enum Source {
    Memory(Bytes),
    File(tokio::fs::File),
}

#[derive(Debug)]
pub(super) struct Representation {
    pub source: Source,
    pub len: u64,
    pub content_type: &'static str,
}

/// 200 with everything, 206 with the ranges, or 416. `headers` already carries the validators
/// and caching headers.
pub(super) fn send(mut headers: HeaderMap, repr: Representation, range: RangeRequest) -> Response {
    let len = repr.len;
    match range {
        RangeRequest::Full => {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(repr.content_type));
            headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
            let body = body(repr.source, vec![Segment::Data { start: 0, len }]);
            (StatusCode::OK, headers, body).into_response()
        }
        RangeRequest::Unsatisfiable => {
            headers.insert(CONTENT_RANGE, header_value(&format!("bytes */{len}")));
            headers.insert(CONTENT_LENGTH, HeaderValue::from(0));
            (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response()
        }
        RangeRequest::Partial(ranges) => {
            if let [one] = ranges[..] {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(repr.content_type));
                headers.insert(CONTENT_RANGE, content_range(one, len));
                headers.insert(CONTENT_LENGTH, HeaderValue::from(one.len()));
                let body = body(
                    repr.source,
                    vec![Segment::Data {
                        start: one.start,
                        len: one.len(),
                    }],
                );
                return (StatusCode::PARTIAL_CONTENT, headers, body).into_response();
            }
            let boundary = format!("albumen-{:016x}", rand::random::<u64>());
            let mut segments = Vec::with_capacity(ranges.len() * 2 + 1);
            for (i, range) in ranges.iter().enumerate() {
                let part = format!(
                    "{}--{boundary}\r\nContent-Type: {}\r\nContent-Range: bytes {}-{}/{len}\r\n\r\n",
                    if i == 0 { "" } else { "\r\n" },
                    repr.content_type,
                    range.start,
                    range.end
                );
                segments.push(Segment::Bytes(Bytes::from(part)));
                segments.push(Segment::Data {
                    start: range.start,
                    len: range.len(),
                });
            }
            segments.push(Segment::Bytes(Bytes::from(format!(
                "\r\n--{boundary}--\r\n"
            ))));
            let total: u64 = segments.iter().map(Segment::len).sum();
            headers.insert(
                CONTENT_TYPE,
                header_value(&format!("multipart/byteranges; boundary={boundary}")),
            );
            headers.insert(CONTENT_LENGTH, HeaderValue::from(total));
            (
                StatusCode::PARTIAL_CONTENT,
                headers,
                body(repr.source, segments),
            )
                .into_response()
        }
    }
}

pub(super) fn content_range(range: ByteRange, len: u64) -> HeaderValue {
    header_value(&format!("bytes {}-{}/{len}", range.start, range.end))
}

/// Only ever called with ASCII we formatted ourselves.
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[derive(Debug)]
enum Segment {
    Bytes(Bytes),
    Data { start: u64, len: u64 },
}

impl Segment {
    fn len(&self) -> u64 {
        match self {
            Self::Bytes(b) => b.len() as u64,
            Self::Data { len, .. } => *len,
        }
    }
}

fn body(source: Source, segments: Vec<Segment>) -> Body {
    match source {
        Source::Memory(bytes) => {
            // Slices share the buffer: nothing is copied.
            let chunks: Vec<io::Result<Bytes>> = segments
                .into_iter()
                .map(|segment| match segment {
                    Segment::Bytes(b) => Ok(b),
                    Segment::Data { start, len } => {
                        let (start, end) = (to_usize(start)?, to_usize(start + len)?);
                        bytes
                            .get(start..end)
                            .map(|_| bytes.slice(start..end))
                            .ok_or_else(|| io::Error::other("range outside the buffer"))
                    }
                })
                .collect();
            match <[_; 1]>::try_from(chunks) {
                Ok([Ok(single)]) => Body::from(single),
                Ok(one) => Body::from_stream(futures::stream::iter(one)),
                Err(chunks) => Body::from_stream(futures::stream::iter(chunks)),
            }
        }
        Source::File(file) => {
            let reader = FileSegments {
                file,
                pos: 0,
                segments: segments.into(),
                buf: BytesMut::new(),
            };
            Body::from_stream(futures::stream::try_unfold(reader, |mut r| async move {
                Ok::<_, io::Error>(r.next_chunk().await?.map(|chunk| (chunk, r)))
            }))
        }
    }
}

fn to_usize(v: u64) -> io::Result<usize> {
    usize::try_from(v).map_err(io::Error::other)
}

struct FileSegments {
    file: tokio::fs::File,
    /// The file's read position.
    pos: u64,
    segments: VecDeque<Segment>,
    buf: BytesMut,
}

impl FileSegments {
    async fn next_chunk(&mut self) -> io::Result<Option<Bytes>> {
        loop {
            match self.segments.front_mut() {
                None => return Ok(None),
                Some(Segment::Data { len: 0, .. }) => {
                    self.segments.pop_front();
                }
                Some(Segment::Bytes(_)) => {
                    if let Some(Segment::Bytes(bytes)) = self.segments.pop_front() {
                        return Ok(Some(bytes));
                    }
                }
                Some(Segment::Data { start, len }) => {
                    if self.pos != *start {
                        self.file.seek(SeekFrom::Start(*start)).await?;
                        self.pos = *start;
                    }
                    let want = (*len).min(CHUNK);
                    self.buf.reserve(to_usize(want)?);
                    let read = (&mut self.file).take(want).read_buf(&mut self.buf).await? as u64;
                    if read == 0 {
                        // The file shrank under us; the promised length cannot be kept.
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "file shorter than announced",
                        ));
                    }
                    *start += read;
                    *len -= read;
                    self.pos += read;
                    return Ok(Some(self.buf.split().freeze()));
                }
            }
        }
    }
}
