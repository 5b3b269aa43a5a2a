//! Which bytes hold the pixels to render: the file itself, or a RAW's embedded JPEG preview.

use crate::header::{self, Header};
use crate::{Format, MediaError, exif, raw};

/// The image to decode, with its header already read.
#[derive(Debug)]
pub(crate) struct Source<'a> {
    /// The encoded image: the whole file, or a RAW's preview JPEG.
    pub(crate) bytes: &'a [u8],
    /// Header of `bytes` (format `Jpeg` for a RAW's preview).
    pub(crate) header: Header,
    /// Orientation known from the container (TIFF or RAW IFD0), before looking at EXIF.
    pub(crate) container_orientation: Option<u8>,
}

impl Source<'_> {
    /// EXIF orientation of what is rendered; the container's tag wins.
    pub(crate) fn orientation(&self) -> u8 {
        self.container_orientation
            .unwrap_or_else(|| exif::read(self.header.format, self.bytes).orientation)
    }
}

/// Finds the pixels in `data` of sniffed `format` and reads their header. Limits are the
/// caller's to check, on `header` (for a RAW: the preview that will really be decoded).
pub(crate) fn open(format: Format, data: &[u8]) -> Result<Source<'_>, MediaError> {
    if format != Format::Raw {
        let header = header::read(format, data)?;
        // libheif applies HEIF's own rotation; EXIF orientation there is informational only.
        let container_orientation = match format {
            Format::Heif => Some(1),
            _ => header.tiff_orientation,
        };
        return Ok(Source {
            bytes: data,
            header,
            container_orientation,
        });
    }
    let scan = raw::scan(data).ok_or_else(|| MediaError::corrupt("RAW has no TIFF structure"))?;
    // A preview past the end of `data` is not found, so a probe of the head alone errs and the
    // scanner can retry with more of the file.
    let (preview, _) = scan.preview.ok_or_else(|| {
        MediaError::corrupt("RAW has no embedded JPEG preview (in the bytes given)")
    })?;
    Ok(Source {
        bytes: preview,
        header: header::read(Format::Jpeg, preview)?,
        container_orientation: scan.orientation,
    })
}
