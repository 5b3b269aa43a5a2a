//! Decoding to RGB8: JPEG through libjpeg-turbo with DCT-domain downscaling, everything else
//! (and JPEGs libjpeg-turbo rejects) through the `image` crate.

use std::cell::RefCell;
use std::io::Cursor;

use image::ImageDecoder;
use turbojpeg::{Colorspace, Decompressor, PixelFormat, ScalingFactor};

use crate::guard::no_panic;
use crate::header::Header;
use crate::icc;
use crate::raster::Rgb8;
use crate::spare;
use crate::{Format, Limits, MediaError};

/// Progressive JPEGs with absurd scan counts are a known CPU-exhaustion trick; real encoders
/// emit around ten.
const MAX_SCANS: u32 = 500;

thread_local! {
    // One decompressor per worker thread: tj3Init allocates, and the server renders from a
    // bounded pool of blocking threads.
    static DECOMPRESSOR: RefCell<Option<Decompressor>> = const { RefCell::new(None) };
}

/// The DCT-domain scale n/8 to decode at: the smallest of 1/8, 2/8, 4/8 and 8/8 whose output
/// still covers `need`; returns n.
///
/// libjpeg-turbo can scale by any n/8 inside the IDCT, but only those four scales have SIMD
/// IDCTs; the others run plain C (and decode chroma with C IDCTs of twice the size). Entropy
/// decoding costs the same at every scale and dominates, so the SIMD scale above is faster
/// overall even with more pixels to resize: a 6000×4000 original for a 1600 fit decodes at 4/8
/// (3000×2000), not 3/8 (2250×1500): 8.25 against 7.95 images/s on `bench/pipeline`.
/// `need` must be the size the *whole* stored image has to reach: the fitted size for Contain,
/// the fill size for Crop (a 256 square crop of 6000×4000 needs 384×256, not 256×171).
/// Output dimensions round up, as libjpeg-turbo's do (TJSCALED).
pub(crate) fn dct_num(src: (u32, u32), need: (u32, u32)) -> u32 {
    let scaled = |d: u32, n: u32| (u64::from(d) * u64::from(n)).div_ceil(8);
    [1, 2, 4, 8]
        .into_iter()
        .find(|n| scaled(src.0, *n) >= u64::from(need.0) && scaled(src.1, *n) >= u64::from(need.1))
        .unwrap_or(8)
}

/// Pixels plus the ICC profile that gives them meaning, when the file had one.
pub(crate) struct Decoded {
    pub(crate) image: Rgb8,
    /// An RGB ICC profile from the original (profiles of other colour spaces are dropped, as
    /// the pixels are converted to RGB without colour management).
    pub(crate) icc: Option<Vec<u8>>,
}

/// Decodes `data` to at least `need` (stored orientation), or full size for non-JPEG formats.
pub(crate) fn decode(
    data: &[u8],
    header: &Header,
    need: (u32, u32),
    limits: &Limits,
) -> Result<Decoded, MediaError> {
    #[cfg(feature = "heif")]
    if header.format == Format::Heif {
        return crate::heif::decode(data, limits);
    }
    if header.format != Format::Jpeg {
        return decode_with_image(data, header);
    }
    let icc = crate::header::jpeg_icc(data).filter(|p| icc::is_rgb(p));
    let image = decode_jpeg(data, header, need, limits)?;
    Ok(Decoded { image, icc })
}

fn decode_jpeg(
    data: &[u8],
    header: &Header,
    need: (u32, u32),
    limits: &Limits,
) -> Result<Rgb8, MediaError> {
    if header.precision != 8 {
        return Err(MediaError::unsupported(format!(
            "{}-bit JPEG",
            header.precision
        )));
    }
    match decode_turbo(data, need, limits) {
        Ok(img) => Ok(img),
        // libjpeg-turbo reports warnings such as "Premature end of JPEG file" (a truncated
        // upload) as failures although it decoded what was there. A second, independent
        // decoder (zune-jpeg via `image`, full size) decides whether the file is usable; if it
        // also fails, libjpeg-turbo's message is the more informative one.
        Err(Turbo::Input(msg)) => decode_with_image(data, header)
            .map(|d| d.image)
            .map_err(|_| MediaError::Corrupt(msg)),
        Err(Turbo::Fatal(e)) => Err(e),
    }
}

enum Turbo {
    /// libjpeg-turbo could not decode the input; worth a second opinion.
    Input(String),
    /// Limits or setup failures; final.
    Fatal(MediaError),
}

fn decode_turbo(data: &[u8], need: (u32, u32), limits: &Limits) -> Result<Rgb8, Turbo> {
    DECOMPRESSOR.with_borrow_mut(|slot| {
        let dec = match slot {
            Some(dec) => dec,
            None => slot.insert(new_decompressor().map_err(Turbo::Fatal)?),
        };
        let input = |e: turbojpeg::Error| Turbo::Input(e.to_string());
        let hdr = dec.read_header(data).map_err(input)?;
        let width = u32::try_from(hdr.width).map_err(|_| Turbo::Input("JPEG too wide".into()))?;
        let height = u32::try_from(hdr.height).map_err(|_| Turbo::Input("JPEG too tall".into()))?;
        // Re-check with libjpeg's own reading of the header, in case it disagrees with ours
        // (e.g. several frame headers).
        limits.check(width, height).map_err(Turbo::Fatal)?;

        // Lossless JPEG cannot be scaled in the DCT domain.
        let num = if hdr.is_lossless {
            8
        } else {
            dct_num((width, height), need)
        };
        let factor = ScalingFactor::new(num as usize, 8);
        dec.set_scaling_factor(factor).map_err(input)?;
        let scaled = hdr.scaled(factor);

        // libjpeg-turbo will not convert CMYK/YCCK to RGB, so take CMYK and convert here.
        let cmyk = matches!(hdr.colorspace, Colorspace::CMYK | Colorspace::YCCK);
        let format = if cmyk {
            PixelFormat::CMYK
        } else {
            PixelFormat::RGB
        };
        let mut image = turbojpeg::Image {
            pixels: spare::take(scaled.width * scaled.height * format.size()),
            width: scaled.width,
            pitch: scaled.width * format.size(),
            height: scaled.height,
            format,
        };
        dec.decompress(data, image.as_deref_mut()).map_err(input)?;
        let pixels = if cmyk {
            cmyk_to_rgb(image.pixels)
        } else {
            image.pixels
        };
        Ok(Rgb8 {
            // Scaled dimensions are at most the u32 originals.
            width: u32::try_from(scaled.width).unwrap_or(width),
            height: u32::try_from(scaled.height).unwrap_or(height),
            pixels,
        })
    })
}

fn new_decompressor() -> Result<Decompressor, MediaError> {
    let internal = |e: turbojpeg::Error| MediaError::Internal(e.to_string());
    let mut dec = Decompressor::new().map_err(internal)?;
    dec.set_scan_limit(MAX_SCANS).map_err(internal)?;
    Ok(dec)
}

/// Converts CMYK to RGB in place (4 bytes per pixel down to 3). JPEG CMYK is almost always
/// written by Adobe software, which stores the channels inverted (255 = no ink), and
/// libjpeg-turbo writes the same convention; hence `R = C * K / 255` on the raw values.
/// No ICC colour management: approximate but recognisable colours.
fn cmyk_to_rgb(mut px: Vec<u8>) -> Vec<u8> {
    let n = px.len() / 4;
    for i in 0..n {
        let [c, m, y, k] = [px[4 * i], px[4 * i + 1], px[4 * i + 2], px[4 * i + 3]].map(u32::from);
        // Writes land at or before the pixel being read, never on a later one.
        px[3 * i] = ((c * k + 127) / 255) as u8;
        px[3 * i + 1] = ((m * k + 127) / 255) as u8;
        px[3 * i + 2] = ((y * k + 127) / 255) as u8;
    }
    px.truncate(n * 3);
    px
}

/// Full-size decode through the `image` crate, flattened to RGB8 on white.
fn decode_with_image(data: &[u8], header: &Header) -> Result<Decoded, MediaError> {
    let reader = image::ImageReader::with_format(Cursor::new(data), header.format.image_format());
    // Hold the decoder to the size our header check approved; a file whose real frame is
    // bigger than its header claims fails instead of allocating.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(header.width);
    limits.max_image_height = Some(header.height);
    // Output buffer at up to 16-bit RGBA, plus working room for the decoder.
    limits.max_alloc = Some(u64::from(header.width) * u64::from(header.height) * 8 + (64 << 20));
    let (img, icc) = no_panic(|| {
        let mut decoder = reader.into_decoder()?;
        // As ImageReader::decode does: the output buffer counts against the allowance.
        limits.reserve(decoder.total_bytes())?;
        decoder.set_limits(limits)?;
        let icc = decoder.icc_profile().ok().flatten();
        Ok((image::DynamicImage::from_decoder(decoder)?, icc))
    })?
    .map_err(image_error)?;
    Ok(Decoded {
        image: flatten(img),
        icc: icc.filter(|p| icc::is_rgb(p)),
    })
}

fn image_error(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Unsupported(u) => MediaError::unsupported(u.to_string()),
        other => MediaError::Corrupt(other.to_string()),
    }
}

/// Any colour type and depth to 8-bit RGB; transparency is composited onto white, which is
/// what a gallery page behind a transparent PNG usually looks like.
fn flatten(img: image::DynamicImage) -> Rgb8 {
    let (width, height) = (img.width(), img.height());
    if !img.color().has_alpha() {
        return Rgb8 {
            width,
            height,
            pixels: img.into_rgb8().into_raw(),
        };
    }
    let mut px = img.into_rgba8().into_raw();
    let n = px.len() / 4;
    for i in 0..n {
        let [r, g, b, a] = [px[4 * i], px[4 * i + 1], px[4 * i + 2], px[4 * i + 3]].map(u32::from);
        let over_white = |v: u32| ((v * a + 255 * (255 - a) + 127) / 255) as u8;
        px[3 * i] = over_white(r);
        px[3 * i + 1] = over_white(g);
        px[3 * i + 2] = over_white(b);
    }
    px.truncate(n * 3);
    Rgb8 {
        width,
        height,
        pixels: px,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dct_scale_contain_1600_on_24mp_is_half() {
        // Fitted size 1600×1067: 4/8 gives 3000×2000; 2/8 would give 1500×1000 < 1600, and
        // 3/8 (2250×1500) has no SIMD IDCT.
        assert_eq!(dct_num((6000, 4000), (1600, 1067)), 4);
        // 12 MP 4000×3000 fitted to 1600×1200: 4/8 (2000×1500).
        assert_eq!(dct_num((4000, 3000), (1600, 1200)), 4);
        // 6 MP 3000×2000 for the same fit: 4/8 is 1500 wide, so the whole image.
        assert_eq!(dct_num((3000, 2000), (1600, 1067)), 8);
    }

    #[test]
    fn dct_scale_crop_256_on_24mp_is_eighth() {
        // Fill size 384×256: 1/8 gives 750×500, which still covers it.
        assert_eq!(dct_num((6000, 4000), (384, 256)), 1);
    }

    #[test]
    fn dct_scale_uses_fill_not_fit_for_crop() {
        // A 700 square crop of 6000×4000 needs the fill 1050×700, so 2/8 (1500×1000) and not
        // 1/8 (750×500), although 750×500 would cover the *fitted* 700×467.
        assert_eq!(dct_num((6000, 4000), (1050, 700)), 2);
        assert_eq!(dct_num((6000, 4000), (700, 467)), 1);
    }

    #[test]
    fn dct_scale_rounds_up_like_libjpeg() {
        // ceil(1001 * 4 / 8) = 501 covers 501; ceil(1000 * 4 / 8) = 500 does not.
        assert_eq!(dct_num((1001, 1001), (501, 501)), 4);
        assert_eq!(dct_num((1000, 1000), (501, 501)), 8);
        assert_eq!(dct_num((100, 50), (100, 50)), 8);
    }

    #[test]
    fn cmyk_inverted_convention() {
        // Adobe-inverted: C=M=Y=255 (no ink), K=255 (no black) is white; K=0 is black.
        assert_eq!(
            cmyk_to_rgb(vec![255, 255, 255, 255, 255, 255, 255, 0]),
            vec![255, 255, 255, 0, 0, 0]
        );
        // Full cyan ink (C=0) on no black: red channel off.
        assert_eq!(cmyk_to_rgb(vec![0, 255, 255, 255]), vec![0, 255, 255]);
    }

    #[test]
    fn flatten_composites_onto_white() {
        let mut img = image::RgbaImage::new(2, 1);
        img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        img.put_pixel(1, 0, image::Rgba([0, 0, 0, 128]));
        let out = flatten(image::DynamicImage::ImageRgba8(img));
        assert_eq!(out.pixels, vec![255, 255, 255, 127, 127, 127]);
    }
}
