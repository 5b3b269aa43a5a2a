//! HEIC / HEIF / AVIF through libheif (cargo feature `heif`).
//!
//! libheif applies the container's rotation and mirroring (irot/imir) while decoding, and the
//! HEIF spec makes EXIF orientation informational only, so these images are never re-oriented.

use libheif_rs::{
    Channel, ColorProfileRaw, ColorSpace, CompressionFormat, EncoderParameterValue, EncoderQuality,
    HeifContext, Image, ImageHandle, LibHeif, RgbChroma, SecurityLimits, color_profile_types,
};

use crate::decode::Decoded;
use crate::raster::Rgb8;
use crate::{Limits, MediaError, icc};

/// libaom's speed for AVIF previews (0 slowest … 9 fastest). At 9, libaom 3.6 encodes a
/// preview in about half WebP's time (at 8, over twice its own time at 9, mostly on real
/// photographs), and is still smaller than WebP at the same closeness to the original: see
/// `bench/pipeline/avif_quality.py` in bench/README.md.
const AOM_SPEED: i32 = 9;

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

/// Displayed size and luma bit depth of the primary image, from the container alone.
pub(crate) fn layout(data: &[u8]) -> Result<(u32, u32, u8), MediaError> {
    let ctx = HeifContext::read_from_bytes(data).map_err(|e| corrupt(&e))?;
    let handle = primary(&ctx)?;
    Ok((
        handle.width(),
        handle.height(),
        handle.luma_bits_per_pixel(),
    ))
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

/// Whether this libheif can encode AV1 (it links whichever AV1 encoder the build found:
/// libaom, rav1e or SVT-AV1). Asked once.
pub(crate) fn avif_encoder_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        LibHeif::new()
            .encoder_for_format(CompressionFormat::Av1)
            .is_ok()
    })
}

/// AVIF at `quality` (libheif's 0–100 scale), 4:2:0, one thread (callers bound how many
/// renders run at once), embedding `icc` when given. No metadata is written.
pub(crate) fn encode_avif(
    img: &Rgb8,
    quality: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    let fail = |e: libheif_rs::HeifError| MediaError::Encode(format!("AVIF: {e}"));
    let lib = LibHeif::new();
    let mut encoder = lib
        .encoder_for_format(CompressionFormat::Av1)
        .map_err(fail)?;
    encoder
        .set_quality(EncoderQuality::Lossy(quality.min(100)))
        .map_err(fail)?;
    // libaom's parameters; other AV1 encoders name theirs differently and keep their defaults.
    let names = encoder.parameters_names();
    for (name, value) in [
        ("speed", EncoderParameterValue::Int(AOM_SPEED)),
        ("threads", EncoderParameterValue::Int(1)),
        ("chroma", EncoderParameterValue::String("420".to_owned())),
    ] {
        if names.iter().any(|n| n == name) {
            encoder.set_parameter_value(name, value).map_err(fail)?;
        }
    }
    let mut image =
        Image::new(img.width, img.height, ColorSpace::Rgb(RgbChroma::Rgb)).map_err(fail)?;
    image
        .create_plane(Channel::Interleaved, img.width, img.height, 8)
        .map_err(fail)?;
    let row = img.width as usize * 3;
    {
        let plane = image
            .planes_mut()
            .interleaved
            .ok_or_else(|| MediaError::Internal("libheif made no interleaved plane".into()))?;
        for (src, dst) in img
            .pixels
            .chunks_exact(row)
            .zip(plane.data.chunks_mut(plane.stride))
        {
            dst[..row].copy_from_slice(src);
        }
    }
    if let Some(profile) = icc {
        image
            .set_color_profile_raw(&ColorProfileRaw::new(
                color_profile_types::PROF,
                profile.to_vec(),
            ))
            .map_err(fail)?;
    }
    let mut ctx = HeifContext::new().map_err(fail)?;
    ctx.encode_image(&image, &mut encoder, None).map_err(fail)?;
    ctx.write_to_bytes().map_err(fail)
}
