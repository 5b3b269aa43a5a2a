//! Which files are media, and their MIME types, by file name extension.

use albumen_core::model::MediaKind;

/// Video containers catalogued as videos: (extension, MIME type).
const VIDEOS: &[(&str, &str)] = &[
    ("mp4", "video/mp4"),
    ("m4v", "video/mp4"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("mkv", "video/x-matroska"),
    ("avi", "video/x-msvideo"),
    ("3gp", "video/3gpp"),
    ("mts", "video/mp2t"),
    ("m2ts", "video/mp2t"),
];

fn extension(name: &str) -> Option<&str> {
    name.rsplit_once('.').map(|(_, ext)| ext)
}

fn video(ext: &str) -> Option<&'static str> {
    VIDEOS
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(ext))
        .map(|(_, mime)| *mime)
}

/// Image, video, or not media at all.
pub fn kind_of(name: &str) -> Option<MediaKind> {
    let ext = extension(name)?;
    if albumen_media::Format::from_extension(ext).is_some() {
        Some(MediaKind::Image)
    } else {
        video(ext).map(|_| MediaKind::Video)
    }
}

/// The MIME type a file name announces.
pub fn mime_of(name: &str) -> &'static str {
    extension(name)
        .and_then(|ext| {
            albumen_media::Format::from_extension(ext)
                .map(albumen_media::Format::mime)
                .or_else(|| video(ext))
        })
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_types() {
        assert_eq!(kind_of("a/IMG.JPG"), Some(MediaKind::Image));
        assert_eq!(kind_of("clip.MOV"), Some(MediaKind::Video));
        assert_eq!(kind_of("notes.txt"), None);
        assert_eq!(kind_of("no_extension"), None);
        assert_eq!(mime_of("x.jpeg"), "image/jpeg");
        assert_eq!(mime_of("x.webm"), "video/webm");
        assert_eq!(mime_of("x.bin"), "application/octet-stream");
    }
}
