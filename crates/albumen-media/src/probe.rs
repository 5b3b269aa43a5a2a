//! Probing: what a library scan learns from the head of a file without decoding pixels.

use crate::{Format, MediaError, exif, format, source};

/// What a scan learns from the head of a file. Never decodes pixels.
///
/// Metadata is best effort: a missing or malformed tag leaves only its own field empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Detected from magic bytes, not the file name.
    pub format: Format,
    /// Stored (pre-orientation) pixel width from the header (for a RAW: of its largest
    /// embedded preview, which is what renders).
    pub width: u32,
    /// Stored (pre-orientation) pixel height from the header.
    pub height: u32,
    /// EXIF orientation 1..=8; 1 when absent or invalid.
    pub orientation: u8,
    /// EXIF DateTimeOriginal (else DateTimeDigitized, else DateTime) as "YYYY-MM-DDTHH:MM:SS",
    /// in the camera's local time (EXIF has no zone here). None when absent or unparsable.
    pub taken_at: Option<String>,
    /// "Make Model", trimmed, without repeating the make when the model already names it.
    pub camera: Option<String>,
    /// EXIF LensModel, prefixed with LensMake unless the model already names it; trimmed.
    pub lens: Option<String>,
    /// EXIF ExposureTime as photographers write it: "1/250", "0.5", "2", "30".
    pub exposure_time: Option<String>,
    /// EXIF FNumber, e.g. 2.8.
    pub f_number: Option<f64>,
    /// EXIF PhotographicSensitivity (ISOSpeedRatings); zero reads as None.
    pub iso: Option<u32>,
    /// EXIF FocalLength in millimetres (actual, not 35 mm equivalent).
    pub focal_length: Option<f64>,
    /// (latitude, longitude) in signed decimal degrees (north and east positive). None when
    /// absent, malformed, out of range, or the all-zero position of a receiver without a fix.
    pub gps: Option<(f64, f64)>,
    /// EXIF OffsetTimeOriginal as "+HH:MM" / "-HH:MM": the zone of `taken_at` when the camera
    /// recorded it.
    pub taken_offset: Option<String>,
}

impl Probe {
    /// Size as displayed, i.e. after applying the orientation (swapped for 5..=8).
    pub fn display_size(&self) -> (u32, u32) {
        if self.orientation >= 5 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// Inspects the head of a file (the first 256 KiB is plenty; the whole file also works).
///
/// Errors: [`MediaError::Empty`] for zero bytes, [`MediaError::Unsupported`] for formats we do
/// not render, [`MediaError::NotBuiltIn`] for HEIC/AVIF without the `heif` feature,
/// [`MediaError::Corrupt`] when the header is damaged or lies beyond `head`.
/// Limits are *not* applied here; the caller decides (render does).
pub fn probe(head: &[u8]) -> Result<Probe, MediaError> {
    let format = format::sniff(head)?;
    let source = source::open(format, head)?;
    let mut meta = exif::read(format, head);
    if format == Format::Raw && meta.taken_at.is_none() && meta.camera.is_none() {
        // RW2 keeps its EXIF inside the embedded JPEG rather than in the TIFF structure.
        meta = exif::read(Format::Jpeg, source.bytes);
    }
    let header = source.header;
    Ok(Probe {
        format,
        // For a RAW, the size of the preview we render, not of the sensor.
        width: header.width,
        height: header.height,
        // TIFF's own IFD0 tag is authoritative and survives where kamadak gives up.
        orientation: source.container_orientation.unwrap_or(meta.orientation),
        taken_at: meta.taken_at,
        camera: meta.camera,
        lens: meta.settings.lens,
        exposure_time: meta.settings.exposure_time,
        f_number: meta.settings.f_number,
        iso: meta.settings.iso,
        focal_length: meta.settings.focal_length,
        gps: meta.gps,
        taken_offset: meta.taken_offset,
    })
}
