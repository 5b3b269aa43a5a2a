//! Hand-rolled header readers: dimensions (and a few decode-relevant facts) straight from the
//! first bytes of a file. They never allocate pixels and never read past the slice, so probing a
//! hostile 30000×30000 header costs microseconds.

use crate::{Format, MediaError};

/// What the container header says, before any decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) format: Format,
    /// Stored (pre-orientation) size.
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// JPEG sample precision (8 for ordinary files); 8 for other formats.
    pub(crate) precision: u8,
    /// TIFF carries Orientation in its own IFD0, which we already walk; other formats need EXIF.
    pub(crate) tiff_orientation: Option<u8>,
}

/// Reads the header of `data`, whose format was already sniffed.
pub(crate) fn read(format: Format, data: &[u8]) -> Result<Header, MediaError> {
    let mut header = Header {
        format,
        width: 0,
        height: 0,
        precision: 8,
        tiff_orientation: None,
    };
    match format {
        Format::Jpeg => {
            let (w, h, precision) = jpeg(data)?;
            (header.width, header.height, header.precision) = (w, h, precision);
        }
        Format::Png => (header.width, header.height) = png(data)?,
        Format::Gif => (header.width, header.height) = gif(data)?,
        Format::Webp => (header.width, header.height) = webp(data)?,
        Format::Tiff => {
            let (w, h, orientation) = tiff(data)?;
            (header.width, header.height, header.tiff_orientation) = (w, h, orientation);
        }
        // A RAW renders from its embedded preview; `source` reads that preview's header.
        Format::Raw => return Err(MediaError::Internal("RAW header read as an image".into())),
        #[cfg(feature = "heif")]
        Format::Heif => (header.width, header.height) = crate::heif::dimensions(data)?,
        #[cfg(not(feature = "heif"))]
        Format::Heif => {
            return Err(MediaError::NotBuiltIn {
                format: "HEIC/AVIF",
            });
        }
    }
    if header.width == 0 || header.height == 0 {
        return Err(MediaError::corrupt(format!(
            "{} header declares a zero dimension",
            format.mime()
        )));
    }
    Ok(header)
}

fn truncated(what: &str) -> MediaError {
    MediaError::corrupt(format!("{what} header is truncated"))
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn le16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn le24(d: &[u8], at: usize) -> Option<u32> {
    let b = d.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

fn le32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// Calls `visit(marker, payload)` for each marker segment from SOI up to and including the
/// first scan header (SOS, 0xDA), until `visit` returns true. The last payload may be cut
/// short when `d` is only the head of the file. Errors when the structure is broken, when `d`
/// ends first, or when the first scan header is reached and `visit` did not stop there.
pub(crate) fn walk_jpeg<'a>(
    d: &'a [u8],
    mut visit: impl FnMut(u8, &'a [u8]) -> bool,
) -> Result<(), MediaError> {
    let mut pos = 2; // after SOI
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        if *d.get(pos).ok_or_else(|| truncated("JPEG"))? != 0xFF {
            return Err(MediaError::corrupt("JPEG marker expected"));
        }
        while d.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *d.get(pos).ok_or_else(|| truncated("JPEG"))?;
        pos += 1;
        match marker {
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            0xD8 => return Err(MediaError::corrupt("JPEG has a nested SOI")),
            0xD9 => return Err(MediaError::corrupt("JPEG has no frame header")),
            _ => {}
        }
        let len = usize::from(be16(d, pos).ok_or_else(|| truncated("JPEG"))?);
        if len < 2 {
            return Err(MediaError::corrupt("JPEG segment length below 2"));
        }
        let payload = &d[(pos + 2).min(d.len())..(pos + len).min(d.len())];
        if visit(marker, payload) {
            return Ok(());
        }
        if marker == 0xDA {
            // Entropy-coded data follows: no more marker segments to walk.
            return Err(MediaError::corrupt("JPEG has no frame header"));
        }
        pos += len;
    }
}

/// A JPEG frame header (SOFn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frame {
    /// 0xC0..=0xCF: tells baseline, progressive and lossless apart.
    pub(crate) marker: u8,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) precision: u8,
}

/// The first SOFn segment.
pub(crate) fn jpeg_frame(d: &[u8]) -> Result<Frame, MediaError> {
    let mut frame = None;
    walk_jpeg(d, |marker, payload| {
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            frame = Some((marker, payload));
        }
        is_sof
    })?;
    let (marker, sof) = frame.ok_or_else(|| truncated("JPEG"))?;
    let (Some(&precision), Some(height), Some(width)) = (sof.first(), be16(sof, 1), be16(sof, 3))
    else {
        return Err(truncated("JPEG"));
    };
    if height == 0 {
        // The height would come from a DNL marker after the first scan; libjpeg rejects
        // these too.
        return Err(MediaError::unsupported("JPEG with DNL-defined height"));
    }
    Ok(Frame {
        marker,
        width: u32::from(width),
        height: u32::from(height),
        precision,
    })
}

/// Dimensions and sample precision from the first SOFn segment.
fn jpeg(d: &[u8]) -> Result<(u32, u32, u8), MediaError> {
    let f = jpeg_frame(d)?;
    Ok((f.width, f.height, f.precision))
}

/// The TIFF structure inside the first APP1 "Exif" segment, if any (possibly cut short).
pub(crate) fn jpeg_exif(d: &[u8]) -> Option<&[u8]> {
    const EXIF_ID: &[u8] = b"Exif\0\0";
    let mut found = None;
    // A walk error after the segment was found does not matter; before, it means "no EXIF".
    let _ = walk_jpeg(d, |marker, payload| {
        if marker == 0xE1 && payload.starts_with(EXIF_ID) {
            found = Some(&payload[EXIF_ID.len()..]);
        }
        found.is_some()
    });
    found
}

/// The ICC profile from APP2 "ICC_PROFILE" segments, reassembled in sequence order. None when
/// absent or when the chunks are inconsistent (missing, duplicated or differently counted).
pub(crate) fn jpeg_icc(d: &[u8]) -> Option<Vec<u8>> {
    const ICC_ID: &[u8] = b"ICC_PROFILE\0";
    let mut chunks: Vec<(u8, u8, &[u8])> = Vec::new();
    // Segments up to the first scan; a walk error there (SOS, truncation) just ends the list.
    let _ = walk_jpeg(d, |marker, payload| {
        if marker == 0xE2
            && let Some(rest) = payload.strip_prefix(ICC_ID)
            && let [seq, count, data @ ..] = rest
        {
            chunks.push((*seq, *count, data));
        }
        false
    });
    let count = chunks.first()?.1;
    if count == 0 || chunks.len() != usize::from(count) || chunks.iter().any(|c| c.1 != count) {
        return None;
    }
    chunks.sort_by_key(|c| c.0);
    // Sequence numbers run 1..=count, each once.
    if chunks.iter().zip(1..=count).any(|(c, want)| c.0 != want) {
        return None;
    }
    Some(chunks.iter().flat_map(|c| c.2.iter().copied()).collect())
}

fn png(d: &[u8]) -> Result<(u32, u32), MediaError> {
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
    if d.get(12..16).is_some_and(|t| t != b"IHDR") {
        return Err(MediaError::corrupt("PNG does not start with IHDR"));
    }
    let w = be32(d, 16).ok_or_else(|| truncated("PNG"))?;
    let h = be32(d, 20).ok_or_else(|| truncated("PNG"))?;
    // The PNG spec caps dimensions at 2^31 - 1.
    if w > i32::MAX as u32 || h > i32::MAX as u32 {
        return Err(MediaError::corrupt("PNG dimension out of range"));
    }
    Ok((w, h))
}

fn gif(d: &[u8]) -> Result<(u32, u32), MediaError> {
    // Logical screen descriptor right after the 6-byte signature.
    let w = le16(d, 6).ok_or_else(|| truncated("GIF"))?;
    let h = le16(d, 8).ok_or_else(|| truncated("GIF"))?;
    Ok((u32::from(w), u32::from(h)))
}

fn webp(d: &[u8]) -> Result<(u32, u32), MediaError> {
    let chunk = d.get(12..16).ok_or_else(|| truncated("WebP"))?;
    match chunk {
        b"VP8 " => {
            // 3-byte frame tag, 3-byte start code, then 14-bit width and height.
            if d.get(23..26).ok_or_else(|| truncated("WebP"))? != [0x9D, 0x01, 0x2A] {
                return Err(MediaError::corrupt("WebP VP8 start code missing"));
            }
            let w = le16(d, 26).ok_or_else(|| truncated("WebP"))? & 0x3FFF;
            let h = le16(d, 28).ok_or_else(|| truncated("WebP"))? & 0x3FFF;
            Ok((u32::from(w), u32::from(h)))
        }
        b"VP8L" => {
            if *d.get(20).ok_or_else(|| truncated("WebP"))? != 0x2F {
                return Err(MediaError::corrupt("WebP VP8L signature missing"));
            }
            let bits = le32(d, 21).ok_or_else(|| truncated("WebP"))?;
            Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => {
            let w = le24(d, 24).ok_or_else(|| truncated("WebP"))? + 1;
            let h = le24(d, 27).ok_or_else(|| truncated("WebP"))? + 1;
            Ok((w, h))
        }
        _ => Err(MediaError::corrupt("WebP has an unknown first chunk")),
    }
}

/// Reads ImageWidth, ImageLength and Orientation from IFD0.
fn tiff(d: &[u8]) -> Result<(u32, u32, Option<u8>), MediaError> {
    let little = d.starts_with(b"II");
    let u16_at = |at: usize| if little { le16(d, at) } else { be16(d, at) };
    let u32_at = |at: usize| if little { le32(d, at) } else { be32(d, at) };
    let ifd = u32_at(4).ok_or_else(|| truncated("TIFF"))? as usize;
    let count = u16_at(ifd).ok_or_else(|| truncated("TIFF"))?;
    let (mut width, mut height, mut orientation) = (None, None, None);
    for i in 0..usize::from(count) {
        let entry = ifd + 2 + i * 12;
        let tag = u16_at(entry).ok_or_else(|| truncated("TIFF"))?;
        let typ = u16_at(entry + 2).ok_or_else(|| truncated("TIFF"))?;
        // A single SHORT or LONG value is stored inline, left-justified in the value field.
        let value = match typ {
            3 => u16_at(entry + 8).map(u32::from),
            4 => u32_at(entry + 8),
            _ => None,
        };
        match tag {
            0x0100 => width = value,
            0x0101 => height = value,
            0x0112 => orientation = value.and_then(|v| u8::try_from(v).ok()),
            _ => {}
        }
    }
    match (width, height) {
        (Some(w), Some(h)) => Ok((w, h, orientation.filter(|o| (1..=8).contains(o)))),
        _ => Err(MediaError::corrupt(
            "TIFF IFD0 lacks ImageWidth/ImageLength",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riff(chunk: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut d = b"RIFF\0\0\0\0WEBP".to_vec();
        d.extend_from_slice(chunk);
        d.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        d.extend_from_slice(payload);
        d
    }

    #[test]
    fn webp_lossy_dims_ignore_scale_bits() {
        // Frame tag, start code, then 14-bit sizes whose top two bits are upscaling hints.
        let mut payload = vec![0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A];
        payload.extend_from_slice(&(640u16 | 0x4000).to_le_bytes());
        payload.extend_from_slice(&480u16.to_le_bytes());
        let h = read(Format::Webp, &riff(b"VP8 ", &payload)).expect("header");
        assert_eq!((h.width, h.height), (640, 480));
    }

    #[test]
    fn webp_extended_canvas_dims() {
        let mut payload = vec![0x10, 0, 0, 0];
        payload.extend_from_slice(&[0x7F, 0x0C, 0x00]); // 3199 + 1
        payload.extend_from_slice(&[0x00, 0x00, 0x01]); // 65536 + 1
        let h = read(Format::Webp, &riff(b"VP8X", &payload)).expect("header");
        assert_eq!((h.width, h.height), (3200, 65537));
    }

    #[test]
    fn jpeg_walk_skips_fill_bytes_and_standalone_markers() {
        let mut d = vec![0xFF, 0xD8];
        d.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB]); // APP0
        d.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xD3]); // fill bytes + RST3
        d.extend_from_slice(&[
            0xFF, 0xC2, 0x00, 0x0B, 12, 0x01, 0x2C, 0x00, 0xC8, 3, 0, 0, 0,
        ]);
        let h = read(Format::Jpeg, &d).expect("header");
        assert_eq!((h.width, h.height, h.precision), (200, 300, 12));
    }

    #[test]
    fn jpeg_without_frame_header_is_corrupt() {
        let d = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02];
        assert!(matches!(
            read(Format::Jpeg, &d),
            Err(MediaError::Corrupt(_))
        ));
    }
}
