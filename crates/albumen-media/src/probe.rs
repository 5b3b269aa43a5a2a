//! Probing: what a library scan learns from the head of a file without decoding pixels.

use crate::{Format, MediaError, exif, format, header};

/// What a scan learns from the head of a file. Never decodes pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Detected from magic bytes, not the file name.
    pub format: Format,
    /// Stored (pre-orientation) pixel width from the header.
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
/// not render, [`MediaError::Corrupt`] when the header is damaged or lies beyond `head`.
/// Limits are *not* applied here; the caller decides (render does).
pub fn probe(head: &[u8]) -> Result<Probe, MediaError> {
    let format = format::sniff(head)?;
    let header = header::read(format, head)?;
    let meta = exif::read(format, head);
    Ok(Probe {
        format,
        width: header.width,
        height: header.height,
        // TIFF's own IFD0 tag is authoritative and survives where kamadak gives up.
        orientation: header.tiff_orientation.unwrap_or(meta.orientation),
        taken_at: meta.taken_at,
        camera: meta.camera,
    })
}
