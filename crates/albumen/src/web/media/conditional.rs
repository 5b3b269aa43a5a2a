//! Conditional requests (RFC 9110 §13): `If-None-Match` (which takes precedence),
//! `If-Modified-Since` and `If-Range`. Evaluated only after authorization, so a stale validator
//! for a photo that is no longer visible gets the same 404 as anything else.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use axum::http::header::{IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE};

/// What identifies the version of a representation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Validators<'a> {
    /// A strong entity tag, quotes included.
    pub etag: Option<&'a str>,
    pub last_modified: Option<SystemTime>,
}

impl Validators<'_> {
    /// HTTP dates have whole seconds; comparing anything finer would never match.
    pub(super) fn last_modified_secs(&self) -> Option<u64> {
        self.last_modified
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    }

    /// `Last-Modified` as sent: whole seconds.
    pub(super) fn last_modified_header(&self) -> Option<String> {
        let secs = self.last_modified_secs()?;
        Some(httpdate::fmt_http_date(
            UNIX_EPOCH + Duration::from_secs(secs),
        ))
    }
}

/// Whether the client's cached copy is current (answer 304).
pub(super) fn not_modified(headers: &HeaderMap, validators: &Validators<'_>) -> bool {
    if headers.contains_key(IF_NONE_MATCH) {
        // If-None-Match takes precedence: If-Modified-Since is then ignored (§13.2.2).
        let Some(etag) = validators.etag else {
            return false;
        };
        return headers
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|tag| tag == "*" || weak_eq(tag, etag));
    }
    let (Some(since), Some(modified)) = (
        headers
            .get(IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok()),
        validators.last_modified_secs(),
    ) else {
        return false;
    };
    since
        .duration_since(UNIX_EPOCH)
        .is_ok_and(|since| modified <= since.as_secs())
}

/// Whether a `Range` may be honoured: no `If-Range`, or one naming the current version with a
/// strong validator. Otherwise the whole representation is sent.
pub(super) fn range_applies(headers: &HeaderMap, validators: &Validators<'_>) -> bool {
    let Some(value) = headers.get(IF_RANGE) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let value = value.trim();
    if value.starts_with('"') || value.starts_with("W/") {
        // Strong comparison: a weak tag never matches.
        return validators.etag == Some(value);
    }
    match (
        httpdate::parse_http_date(value).ok(),
        validators.last_modified_secs(),
    ) {
        (Some(date), Some(modified)) => date
            .duration_since(UNIX_EPOCH)
            .is_ok_and(|d| d.as_secs() == modified),
        _ => false,
    }
}

/// Weak comparison (§8.8.3.2): equal opaque tags, ignoring `W/`.
fn weak_eq(tag: &str, etag: &str) -> bool {
    tag.trim_start_matches("W/") == etag.trim_start_matches("W/")
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const ETAG: &str = "\"abc\"";

    fn validators() -> Validators<'static> {
        Validators {
            etag: Some(ETAG),
            last_modified: Some(UNIX_EPOCH + Duration::from_millis(1_000_000_000_500)),
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn last_modified_is_whole_seconds() {
        assert_eq!(
            validators().last_modified_header().as_deref(),
            Some("Sun, 09 Sep 2001 01:46:40 GMT")
        );
    }

    #[test]
    fn if_none_match_wins_over_if_modified_since() {
        let v = validators();
        assert!(not_modified(
            &headers(&[("if-none-match", "\"x\", W/\"abc\"")]),
            &v
        ));
        assert!(not_modified(&headers(&[("if-none-match", "*")]), &v));
        assert!(!not_modified(
            &headers(&[
                ("if-none-match", "\"old\""),
                ("if-modified-since", "Sun, 09 Sep 2001 01:46:40 GMT"),
            ]),
            &v
        ));
        assert!(not_modified(
            &headers(&[("if-modified-since", "Sun, 09 Sep 2001 01:46:40 GMT")]),
            &v
        ));
        assert!(!not_modified(
            &headers(&[("if-modified-since", "Sun, 09 Sep 2001 01:46:39 GMT")]),
            &v
        ));
        assert!(!not_modified(
            &headers(&[("if-modified-since", "yesterday")]),
            &v
        ));
        assert!(!not_modified(&HeaderMap::new(), &v));
    }

    #[test]
    fn if_range_needs_a_strong_match() {
        let v = validators();
        assert!(range_applies(&HeaderMap::new(), &v));
        assert!(range_applies(&headers(&[("if-range", "\"abc\"")]), &v));
        assert!(!range_applies(&headers(&[("if-range", "W/\"abc\"")]), &v));
        assert!(!range_applies(&headers(&[("if-range", "\"old\"")]), &v));
        assert!(range_applies(
            &headers(&[("if-range", "Sun, 09 Sep 2001 01:46:40 GMT")]),
            &v
        ));
        assert!(!range_applies(
            &headers(&[("if-range", "Sun, 09 Sep 2001 01:46:41 GMT")]),
            &v
        ));
    }
}
