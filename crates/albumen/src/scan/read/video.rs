//! Video metadata through `ffprobe`, when it is installed (see [`crate::media_tools`]: a
//! separate, confined process reading the file the scanner opened). A file that is not a
//! video container, or that ffprobe cannot read, is catalogued without facts; its poster will
//! say why.

use albumen_core::model::PhotoMeta;
use serde::Deserialize;

use super::FileFacts;
use crate::media_tools;

/// Size, duration and capture time when `ffprobe` can tell; the fingerprint alone otherwise.
pub(crate) fn facts(file: &std::fs::File, fingerprint: String) -> FileFacts {
    let probed = if media_tools::ffprobe_available() {
        match media_tools::probe(file) {
            Ok(json) => parse(&json),
            Err(err) => {
                tracing::debug!(%err, "no video facts");
                None
            }
        }
    } else {
        None
    };
    let probed = probed.unwrap_or_default();
    FileFacts {
        fingerprint,
        width: probed.width,
        height: probed.height,
        orientation: 1,
        exif_taken_at: probed.created,
        meta: PhotoMeta {
            duration_ms: probed.duration_ms,
            ..PhotoMeta::default()
        },
    }
}

#[derive(Debug, Default)]
struct Probed {
    width: u32,
    height: u32,
    duration_ms: Option<i64>,
    created: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Output {
    #[serde(default)]
    streams: Vec<Stream>,
    format: Option<Format>,
}

#[derive(Debug, Deserialize)]
struct Stream {
    codec_type: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Format {
    duration: Option<String>,
    #[serde(default)]
    tags: std::collections::HashMap<String, String>,
}

fn parse(json: &[u8]) -> Option<Probed> {
    let out: Output = serde_json::from_slice(json).ok()?;
    let video = out
        .streams
        .iter()
        .find(|s| s.codec_type.as_deref() == Some("video"));
    let format = out.format.as_ref();
    Some(Probed {
        width: video.and_then(|v| v.width).unwrap_or(0),
        height: video.and_then(|v| v.height).unwrap_or(0),
        duration_ms: format
            .and_then(|f| f.duration.as_deref())
            .and_then(|d| d.parse::<f64>().ok())
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| (d * 1000.0).round() as i64),
        // ISO 8601 UTC, e.g. 2021-07-04T10:15:00.000000Z: keep the date and time.
        created: format
            .and_then(|f| f.tags.get("creation_time"))
            .and_then(|t| t.get(..19))
            .filter(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").is_ok())
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_size_duration_and_creation_time() {
        let json = r#"{"streams":[{"codec_type":"audio"},{"codec_type":"video","width":1920,"height":1080}],
            "format":{"duration":"12.345000","tags":{"creation_time":"2021-07-04T10:15:00.000000Z"}}}"#;
        let probed = parse(json.as_bytes()).expect("parses");
        assert_eq!((probed.width, probed.height), (1920, 1080));
        assert_eq!(probed.duration_ms, Some(12_345));
        assert_eq!(probed.created.as_deref(), Some("2021-07-04T10:15:00"));
    }

    #[test]
    fn tolerates_missing_and_bad_fields() {
        let probed = parse(br#"{"format":{"duration":"N/A","tags":{"creation_time":"junk"}}}"#)
            .expect("parses");
        assert_eq!(
            (probed.width, probed.duration_ms, probed.created),
            (0, None, None)
        );
        assert!(parse(b"not json").is_none());
    }
}
