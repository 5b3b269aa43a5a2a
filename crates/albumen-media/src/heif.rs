//! HEIC / HEIF / AVIF through libheif (cargo feature `heif`).
//!
//! libheif applies the container's rotation and mirroring (irot/imir) while decoding, and the
//! HEIF spec makes EXIF orientation informational only, so these images are never re-oriented.

use libheif_rs::{ColorSpace, HeifContext, ImageHandle, LibHeif, RgbChroma, SecurityLimits};

use crate::decode::Decoded;
use crate::raster::Rgb8;
use crate::{Limits, MediaError, icc};

fn corrupt(e: &libheif_rs::HeifError) -> MediaError {
    MediaError::corrupt(format!("HEIF: {e}"))
}

/// Parses the container (no pixel decoding) and returns its primary image.
fn primary(ctx: &HeifContext<'_>) -> Result<ImageHandle, MediaError> {
    ctx.primary_image_handle().map_err(|e| corrupt(&e))
}

/// Displayed size of the primary image, from the container alone.
pub(crate) fn dimensions(data: &[u8]) -> Result<(u32, u32), MediaError> {
    let ctx = HeifContext::read_from_bytes(data).map_err(|e| corrupt(&e))?;
    let handle = primary(&ctx)?;
    Ok((handle.width(), handle.height()))
}

/// Decodes the primary image to 8-bit RGB, with its RGB ICC profile if any.
pub(crate) fn decode(data: &[u8], limits: &Limits) -> Result<Decoded, MediaError> {
    let mut ctx = HeifContext::new().map_err(|e| MediaError::Internal(e.to_string()))?;
    // libheif's own guard, set before parsing so it also holds for the grid and tile sizes
    // the container declares, in case they add up to more than the header said.
    let mut security = SecurityLimits::new();
    security.set_max_image_size_pixels(limits.max_pixels);
    ctx.set_security_limits(&security)
        .map_err(|e| MediaError::Internal(e.to_string()))?;
    // Tiles in the calling thread: the caller already bounds how many decodes run at once.
    ctx.set_max_decoding_threads(0);
    ctx.read_bytes(data).map_err(|e| corrupt(&e))?;
    let handle = primary(&ctx)?;
    limits.check(handle.width(), handle.height())?;
    let icc = handle
        .color_profile_raw()
        .map(|p| p.data)
        .filter(|p| icc::is_rgb(p));
    let image = LibHeif::new()
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), None)
        .map_err(|e| corrupt(&e))?;
    let plane = image
        .planes()
        .interleaved
        .ok_or_else(|| MediaError::Internal("libheif returned no interleaved RGB plane".into()))?;
    let row = plane.width as usize * 3;
    let mut pixels = Vec::with_capacity(row * plane.height as usize);
    for y in 0..plane.height as usize {
        let start = y * plane.stride;
        pixels.extend_from_slice(
            plane.data.get(start..start + row).ok_or_else(|| {
                MediaError::Internal("libheif plane shorter than its size".into())
            })?,
        );
    }
    Ok(Decoded {
        image: Rgb8 {
            width: plane.width,
            height: plane.height,
            pixels,
        },
        icc,
    })
}
