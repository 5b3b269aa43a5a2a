//! The formats we render, and sniffing them from magic bytes.

use crate::{MediaError, raw};

/// An image container format the pipeline can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG / JFIF / EXIF.
    Jpeg,
    /// PNG (APNG renders its default image).
    Png,
    /// GIF (the first frame is rendered).
    Gif,
    /// WebP, lossy or lossless (the first frame of an animation is rendered).
    Webp,
    /// Baseline TIFF (the first image is rendered).
    Tiff,
    /// A camera RAW (CR2, NEF, ARW, DNG, ORF, RW2, PEF): the largest embedded JPEG preview is
    /// rendered, the sensor data is not developed.
    Raw,
    /// HEIC / HEIF / AVIF (primary image). Rendered only when built with the `heif` feature;
    /// otherwise probing and rendering them fail with [`crate::MediaError::NotBuiltIn`].
    Heif,
}

impl Format {
    /// The MIME type of the original file.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Tiff => "image/tiff",
            // Each maker has its own unregistered type; browsers show none of them.
            Self::Raw => "application/octet-stream",
            Self::Heif => "image/heif",
        }
    }

    /// Maps a file extension (without the dot, any case) to a format, so a scanner can skip
    /// files it will never render without reading them. `jfif` is accepted too, as browsers
    /// on Windows save JPEGs under that name. HEIC/AVIF map to [`Format::Heif`] with or without
    /// the `heif` feature, so a build lacking it still lists them (and says why it cannot
    /// render them).
    pub fn from_extension(ext: &str) -> Option<Format> {
        let ext = ext.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" | "jpe" | "jfif" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "gif" => Some(Self::Gif),
            "webp" => Some(Self::Webp),
            "tif" | "tiff" => Some(Self::Tiff),
            "cr2" | "nef" | "nrw" | "arw" | "dng" | "orf" | "rw2" | "pef" => Some(Self::Raw),
            "heic" | "heif" | "hif" | "avif" => Some(Self::Heif),
            _ => None,
        }
    }

    /// The `image` crate's name for the format (for the non-JPEG decode path).
    pub(crate) fn image_format(self) -> image::ImageFormat {
        match self {
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Png => image::ImageFormat::Png,
            Self::Gif => image::ImageFormat::Gif,
            Self::Webp => image::ImageFormat::WebP,
            Self::Tiff => image::ImageFormat::Tiff,
            // Only the embedded JPEG preview is decoded.
            Self::Raw => image::ImageFormat::Jpeg,
            // Never used: libheif decodes these.
            Self::Heif => image::ImageFormat::Avif,
        }
    }
}

/// Identifies the format from magic bytes; the file extension is never trusted.
pub(crate) fn sniff(data: &[u8]) -> Result<Format, MediaError> {
    if data.is_empty() {
        return Err(MediaError::Empty);
    }
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
        return Ok(Format::Webp);
    }
    if raw::has_raw_magic(data) {
        return Ok(Format::Raw);
    }
    if is_heif(data) {
        return Ok(Format::Heif);
    }
    if data.starts_with(b"II*\0") || data.starts_with(b"MM\0*") {
        return Ok(if raw::is_raw(data) {
            Format::Raw
        } else {
            Format::Tiff
        });
    }
    Err(MediaError::unsupported(name_unsupported(data)))
}

/// An ISO-BMFF file whose major brand is a HEIF still-image brand (HEVC or AV1 coded).
fn is_heif(data: &[u8]) -> bool {
    data.len() >= 12
        && &data[4..8] == b"ftyp"
        && matches!(
            &data[8..12],
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"mif1" | b"msf1" | b"avif" | b"avis"
        )
}

/// Names common formats we do not render, so logs and the UI can say what the file was.
fn name_unsupported(data: &[u8]) -> &'static str {
    if data.starts_with(b"II+\0") || data.starts_with(b"MM\0+") {
        return "bigtiff";
    }
    if data.len() >= 12 && &data[4..8] == b"ftyp" {
        return match &data[8..12] {
            b"qt  " => "quicktime",
            _ => "iso-bmff (video?)",
        };
    }
    if data.starts_with(b"BM") {
        return "bmp";
    }
    if data.starts_with(b"8BPS") {
        return "psd";
    }
    if data.starts_with(b"%PDF") {
        return "pdf";
    }
    if data.starts_with(&[0x00, 0x00, 0x01, 0x00]) {
        return "ico";
    }
    if data.starts_with(&[0xFF, 0x0A]) || data.starts_with(b"\0\0\0\x0cJXL ") {
        return "jpeg-xl";
    }
    "unknown"
}
