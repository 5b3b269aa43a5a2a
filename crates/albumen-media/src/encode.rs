//! Output encoders: JPEG through libjpeg-turbo, lossy WebP through libwebp, AVIF through
//! libheif (with the `heif` feature). None writes
//! metadata (no EXIF, XMP or comments: the orientation is already applied and GPS must not
//! leak into public previews); an RGB ICC profile from the original is embedded, see `icc`.

use std::cell::RefCell;

use turbojpeg::{Compressor, PixelFormat, Subsamp};

use crate::raster::Rgb8;
use crate::{Encoding, MediaError};

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor>> = const { RefCell::new(None) };
}

/// Encodes `img` at `quality` (clamped to 1..=100), embedding `icc` when given.
pub(crate) fn encode(
    img: &Rgb8,
    quality: u8,
    encoding: Encoding,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    let quality = quality.clamp(1, 100);
    match encoding {
        Encoding::Jpeg => {
            let jpeg = jpeg(img, quality)?;
            Ok(match icc {
                Some(profile) => with_jpeg_icc(&jpeg, profile),
                None => jpeg,
            })
        }
        Encoding::Webp => {
            let webp = webp(img, quality)?;
            Ok(match icc {
                Some(profile) => with_webp_icc(&webp, img, profile)?,
                None => webp,
            })
        }
        #[cfg(feature = "heif")]
        Encoding::Avif => crate::heif::encode_avif(img, avif_quality(quality), icc),
        #[cfg(not(feature = "heif"))]
        Encoding::Avif => Err(MediaError::unsupported("AVIF output (not built in)")),
    }
}

/// The AVIF quality for a preset's (JPEG-scale) quality: libheif's scale for libaom is not
/// JPEG's. AVIF q70 is the lowest as close to the original as JPEG q85 (SSIM on scikit-image's
/// sample photographs, `bench/pipeline/avif_quality.py`), at 61% of its size.
#[cfg(feature = "heif")]
fn avif_quality(jpeg_quality: u8) -> u8 {
    jpeg_quality.saturating_sub(15)
}

/// Baseline JPEG with 4:2:0 chroma.
pub(crate) fn jpeg(img: &Rgb8, quality: u8) -> Result<Vec<u8>, MediaError> {
    let fail = |e: turbojpeg::Error| MediaError::Encode(e.to_string());
    COMPRESSOR.with_borrow_mut(|slot| {
        let comp = match slot {
            Some(comp) => comp,
            None => {
                let mut comp = Compressor::new().map_err(fail)?;
                comp.set_subsamp(Subsamp::Sub2x2).map_err(fail)?;
                slot.insert(comp)
            }
        };
        comp.set_quality(i32::from(quality)).map_err(fail)?;
        let image = turbojpeg::Image {
            pixels: img.pixels.as_slice(),
            width: img.width as usize,
            pitch: img.width as usize * 3,
            height: img.height as usize,
            format: PixelFormat::RGB,
        };
        comp.compress_to_vec(image).map_err(fail)
    })
}

/// Lossy WebP at libwebp's default effort (method 4).
fn webp(img: &Rgb8, quality: u8) -> Result<Vec<u8>, MediaError> {
    // libwebp's limit; our previews are far below it, but a caller could ask for a huge box.
    if img.width > 16383 || img.height > 16383 {
        return Err(MediaError::Encode(format!(
            "{}x{} is beyond WebP's 16383 pixel limit",
            img.width, img.height
        )));
    }
    let encoder = webp::Encoder::from_rgb(&img.pixels, img.width, img.height);
    let config = webp::WebPConfig::new()
        .map_err(|()| MediaError::Internal("libwebp version mismatch".into()))
        .map(|mut c| {
            c.quality = f32::from(quality);
            c
        })?;
    encoder
        .encode_advanced(&config)
        .map(|mem| mem.to_vec())
        .map_err(|e| MediaError::Encode(format!("WebP: {e:?}")))
}

/// Largest ICC payload per APP2 segment: 65535 minus the length field and the 14-byte header.
const ICC_CHUNK: usize = 65_519;

/// Inserts `profile` as APP2 ICC_PROFILE segments after SOI and the JFIF APP0 (which must
/// come first).
fn with_jpeg_icc(jpeg: &[u8], profile: &[u8]) -> Vec<u8> {
    let mut at = 2;
    if jpeg.get(2..4) == Some(&[0xFF, 0xE0]) {
        let len = jpeg
            .get(4..6)
            .map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
        at = (4 + len).min(jpeg.len());
    }
    let chunks: Vec<&[u8]> = profile.chunks(ICC_CHUNK).collect();
    // At most 255 chunks fit the one-byte count (16 MB); larger profiles are dropped.
    let Ok(count) = u8::try_from(chunks.len()) else {
        return jpeg.to_vec();
    };
    let mut out = Vec::with_capacity(jpeg.len() + profile.len() + 18 * chunks.len());
    out.extend_from_slice(&jpeg[..at]);
    for (seq, chunk) in (1..=count).zip(&chunks) {
        // Chunk length is at most ICC_CHUNK, so the segment length fits in u16.
        let len = (chunk.len() + 16) as u16;
        out.extend_from_slice(&[0xFF, 0xE2]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(b"ICC_PROFILE\0");
        out.extend_from_slice(&[seq, count]);
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&jpeg[at..]);
    out
}

/// Rewraps a simple (VP8-only) WebP as an extended one with an ICCP chunk.
fn with_webp_icc(webp: &[u8], img: &Rgb8, profile: &[u8]) -> Result<Vec<u8>, MediaError> {
    let body = webp
        .get(12..)
        .filter(|_| webp.starts_with(b"RIFF") && webp.get(8..12) == Some(b"WEBP"))
        .ok_or_else(|| MediaError::Encode("libwebp produced no RIFF container".into()))?;
    let chunk = |out: &mut Vec<u8>, fourcc: &[u8; 4], payload: &[u8]| {
        out.extend_from_slice(fourcc);
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(payload);
        if payload.len() % 2 == 1 {
            out.push(0); // chunks are padded to even length
        }
    };
    // VP8X: flags (ICC = bit 5), 3 reserved bytes, canvas width - 1 and height - 1 as 24 bits.
    let mut vp8x = vec![0x20, 0, 0, 0];
    vp8x.extend_from_slice(&(img.width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(img.height - 1).to_le_bytes()[..3]);
    let mut out = Vec::with_capacity(webp.len() + profile.len() + 40);
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    chunk(&mut out, b"VP8X", &vp8x);
    chunk(&mut out, b"ICCP", profile);
    out.extend_from_slice(body);
    let riff_len =
        u32::try_from(out.len() - 8).map_err(|_| MediaError::Encode("WebP beyond 4 GB".into()))?;
    out[4..8].copy_from_slice(&riff_len.to_le_bytes());
    Ok(out)
}
