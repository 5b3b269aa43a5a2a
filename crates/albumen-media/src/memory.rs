//! What a render holds in memory at its peak, worked out from the headers before any pixel
//! buffer exists, so a caller can reserve it from a process-wide budget (bytes, not pixels: a
//! 100 MP 16-bit RGBA PNG takes four times what a 100 MP JPEG does).
//!
//! The figure is an upper bound built from the buffers each stage allocates: the decoder's
//! output at the scale actually decoded, in the decoder's own sample format; the decoder's
//! working memory (libjpeg's whole-image coefficient buffer for progressive JPEGs, the
//! conversion to 8-bit RGB, libheif's YCbCr planes); then for the renditions, the resized
//! images kept to resize smaller ones from, the encoded bytes, and the largest transient set
//! (resampling buffer, oriented copy, encoder state). `examples/memory_need.rs` compares it
//! with the peak resident memory a render really reaches.

use std::io::Cursor;

use image::ImageDecoder;

use crate::decode::dct_num;
use crate::header::{self, Header};
use crate::preset::Plan;
use crate::{Encoding, Format, MediaError, Output};

/// Codec tables, Huffman and quantisation state, row buffers, EXIF and ICC copies.
const SLACK: u64 = 8 << 20;

/// A decode: its output size, and the bytes it holds at its peak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecodeNeed {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) bytes: u64,
}

/// Bytes a render of `outputs` (with their `plans`) from `bytes` holds at its peak; `need` is
/// the stored-orientation size the decode must reach.
pub(crate) fn render_need(
    bytes: &[u8],
    header: &Header,
    need: (u32, u32),
    outputs: &[Output],
    plans: &[Plan],
    swap: bool,
) -> Result<u64, MediaError> {
    let decode = decode_need(bytes, header, need)?;
    let (dw, dh) = (u64::from(decode.width), u64::from(decode.height));
    let mut kept = 0;
    let mut transient = 0;
    for (output, plan) in outputs.iter().zip(plans) {
        let (ow, oh) = if swap {
            (plan.out.1, plan.out.0)
        } else {
            plan.out
        };
        let (ow, oh) = (u64::from(ow), u64::from(oh));
        let rgb = ow * oh * 3;
        // Resized images are kept as sources for smaller ones, encoded bytes until the end
        // (a byte a pixel covers JPEG and WebP at any preset quality, even on noise).
        kept += ow * oh + if plan.crop { 0 } else { rgb };
        // Lanczos runs in two passes; the intermediate image has the output's size along the
        // first axis and the source's along the other, at most the decoded size.
        let resampling = (dh * ow).max(dw * oh) * 3;
        transient = transient.max(resampling + rgb + encoder_bytes(output.encoding, ow * oh));
    }
    Ok(decode.bytes + kept + transient + SLACK)
}

/// Working memory of an encoder for `pixels` output pixels.
fn encoder_bytes(encoding: Encoding, pixels: u64) -> u64 {
    match encoding {
        // libjpeg-turbo's worst-case output buffer for 4:2:0 (tj3JPEGBufSize).
        Encoding::Jpeg => pixels * 3,
        // libwebp's YUV picture, its analysis and token buffers.
        Encoding::Webp => pixels * 8,
        // libheif's YCbCr image, libaom's frame buffers and look-ahead at speed 9.
        Encoding::Avif => pixels * 24 + (32 << 20),
    }
}

/// What decoding `bytes` (described by `header`) to at least `need` holds at its peak.
pub(crate) fn decode_need(
    bytes: &[u8],
    header: &Header,
    need: (u32, u32),
) -> Result<DecodeNeed, MediaError> {
    match header.format {
        Format::Jpeg | Format::Raw => Ok(jpeg(bytes, header, need)),
        #[cfg(feature = "heif")]
        Format::Heif => heif(bytes),
        #[cfg(not(feature = "heif"))]
        Format::Heif => Err(MediaError::NotBuiltIn {
            format: "HEIC/AVIF",
        }),
        Format::Png | Format::Gif | Format::Webp | Format::Tiff => with_image(bytes, header),
    }
}

/// The frame's components (horizontal and vertical sampling factors), whether it is
/// progressive or lossless, and how many components its first scan carries.
#[derive(Debug, Default)]
struct JpegLayout {
    sampling: Vec<(u8, u8)>,
    progressive: bool,
    lossless: bool,
    first_scan_components: u8,
}

fn jpeg_layout(d: &[u8]) -> JpegLayout {
    let mut layout = JpegLayout::default();
    // A walk error means a broken file, which fails to decode; its need is the default one.
    let _ = header::walk_jpeg(d, |marker, payload| {
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof && layout.sampling.is_empty() {
            // SOF: P, Y, X, Nf, then Nf × (C, H<<4|V, Tq).
            let count = payload.get(5).copied().unwrap_or(0);
            layout.sampling = (0..usize::from(count))
                .filter_map(|i| payload.get(6 + 3 * i + 1))
                .map(|hv| ((hv >> 4).max(1), (hv & 0x0F).max(1)))
                .collect();
            layout.progressive = matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
            layout.lossless = matches!(marker, 0xC3 | 0xC7 | 0xCB | 0xCF);
        }
        if marker == 0xDA {
            layout.first_scan_components = payload.first().copied().unwrap_or(0);
            return true;
        }
        false
    });
    layout
}

/// libjpeg-turbo at the DCT scale the pipeline picks, or, when it rejects the file, the
/// full-size decoder of the `image` crate (zune-jpeg) that gets a second opinion; whichever
/// is larger, as the first may fail after allocating.
fn jpeg(bytes: &[u8], header: &Header, need: (u32, u32)) -> DecodeNeed {
    let layout = jpeg_layout(bytes);
    let (w, h) = (u64::from(header.width), u64::from(header.height));
    let num = if layout.lossless {
        8
    } else {
        dct_num((header.width, header.height), need)
    };
    let scaled = |d: u64| (d * u64::from(num)).div_ceil(8);
    let (sw, sh) = (scaled(w), scaled(h));
    let components = layout.sampling.len().max(1) as u64;
    // CMYK is decoded as four bytes per pixel, then packed to three in place.
    let turbo_out = sw * sh * if components == 4 { 4 } else { 3 };
    // Every coefficient of every component, 2 bytes each, padded to whole MCUs.
    let (hmax, vmax) = layout
        .sampling
        .iter()
        .fold((1u64, 1u64), |(a, b), &(hh, vv)| {
            (a.max(u64::from(hh)), b.max(u64::from(vv)))
        });
    let coefficients: u64 = if layout.sampling.is_empty() {
        w * h * 3 * 2
    } else {
        layout
            .sampling
            .iter()
            .map(|&(hh, vv)| {
                let cw = (w * u64::from(hh))
                    .div_ceil(hmax)
                    .next_multiple_of(8 * hmax);
                let ch = (h * u64::from(vv))
                    .div_ceil(vmax)
                    .next_multiple_of(8 * vmax);
                cw * ch * 2
            })
            .sum()
    };
    // libjpeg buffers the whole image's coefficients when it cannot decode in one pass.
    let whole_image =
        layout.progressive || usize::from(layout.first_scan_components) < layout.sampling.len();
    let turbo = turbo_out + if whole_image { coefficients } else { 0 };
    // zune-jpeg: full-size RGB output, one component plane per channel, and for a
    // progressive file every coefficient.
    let fallback =
        w * h * 3 + w * h * components + if layout.progressive { coefficients } else { 0 };
    DecodeNeed {
        width: u32::try_from(sw).unwrap_or(header.width),
        height: u32::try_from(sh).unwrap_or(header.height),
        bytes: turbo.max(fallback),
    }
}

/// PNG, GIF, WebP and TIFF through the `image` crate, at full size: its output buffer in the
/// file's own sample format (16-bit RGBA is 8 bytes a pixel), the conversion to 8-bit RGB(A)
/// made while that buffer still exists, and the decoder's own working memory.
fn with_image(bytes: &[u8], header: &Header) -> Result<DecodeNeed, MediaError> {
    let reader = image::ImageReader::with_format(Cursor::new(bytes), header.format.image_format());
    let decoder = crate::guard::no_panic(|| reader.into_decoder())?
        .map_err(|e| MediaError::corrupt(e.to_string()))?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    let color = decoder.color_type();
    let native = decoder.total_bytes();
    let converted = match color {
        image::ColorType::Rgb8 | image::ColorType::Rgba8 => 0,
        other if other.has_alpha() => pixels * 4,
        _ => pixels * 3,
    };
    let working = match header.format {
        // GIF frames are composed onto an RGBA canvas; WebP decodes to YUV or ARGB first.
        Format::Gif | Format::Webp => pixels * 4,
        // A second buffer when the tiff crate converts (CMYK, planar, odd depths).
        Format::Tiff => native,
        _ => 0,
    };
    Ok(DecodeNeed {
        width,
        height,
        bytes: native + converted + working,
    })
}

/// libheif: the decoded YCbCr planes (up to 4:4:4, 16-bit samples beyond 8 bits), the
/// interleaved RGB image it converts them to, and our packed copy of it.
#[cfg(feature = "heif")]
fn heif(bytes: &[u8]) -> Result<DecodeNeed, MediaError> {
    let (width, height, bits) = crate::heif::layout(bytes)?;
    let pixels = u64::from(width) * u64::from(height);
    let sample = if bits > 8 { 2 } else { 1 };
    Ok(DecodeNeed {
        width,
        height,
        bytes: pixels * (3 * sample + 3 + 3),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(format: Format, width: u32, height: u32) -> Header {
        Header {
            format,
            width,
            height,
            precision: 8,
            tiff_orientation: None,
        }
    }

    fn sof(marker: u8, width: u16, height: u16, sampling: &[u8]) -> Vec<u8> {
        let mut d = vec![0xFF, 0xD8, 0xFF, marker];
        let len = 8 + 3 * sampling.len() as u16;
        d.extend_from_slice(&len.to_be_bytes());
        d.push(8);
        d.extend_from_slice(&height.to_be_bytes());
        d.extend_from_slice(&width.to_be_bytes());
        d.push(sampling.len() as u8);
        for (i, hv) in sampling.iter().enumerate() {
            d.extend_from_slice(&[i as u8 + 1, *hv, 0]);
        }
        // SOS with all components.
        d.extend_from_slice(&[0xFF, 0xDA, 0x00, 6 + 2 * sampling.len() as u8]);
        d.push(sampling.len() as u8);
        d.extend(std::iter::repeat_n(0, 2 * sampling.len() + 3));
        d
    }

    #[test]
    fn a_baseline_jpeg_needs_its_scaled_output_or_the_full_size_fallback() {
        // 6000×4000 4:2:0 for a 1600 fit: libjpeg-turbo decodes at 1/2 (3000×2000, 18 MB) in
        // one pass; the full-size fallback holds 72 MB of RGB and three 24 MB planes.
        let d = sof(0xC0, 6000, 4000, &[0x22, 0x11, 0x11]);
        let layout = jpeg_layout(&d);
        assert_eq!(layout.sampling, [(2, 2), (1, 1), (1, 1)]);
        assert!(!layout.progressive);
        let need = jpeg(&d, &header(Format::Jpeg, 6000, 4000), (1600, 1067));
        assert_eq!((need.width, need.height), (3000, 2000));
        let pixels = 6000 * 4000;
        assert_eq!(need.bytes, pixels * 3 + pixels * 3);
    }

    #[test]
    fn a_progressive_jpeg_adds_every_coefficient() {
        // 800×800 4:4:4 at full size: 3 bytes a pixel out, 2 per coefficient of 3 components.
        let progressive = sof(0xC2, 800, 800, &[0x11, 0x11, 0x11]);
        let layout = jpeg_layout(&progressive);
        assert!(layout.progressive);
        assert_eq!(layout.first_scan_components, 3);
        let need = jpeg(&progressive, &header(Format::Jpeg, 800, 800), (800, 800));
        let pixels = 800 * 800;
        // The fallback: RGB, three planes and the coefficients.
        assert_eq!(need.bytes, pixels * 3 + pixels * 3 + pixels * 6);
    }

    #[test]
    fn a_16_bit_png_counts_eight_bytes_a_pixel_and_its_conversion() {
        let img = image::ImageBuffer::<image::Rgba<u16>, _>::new(300, 200);
        let mut png = Vec::new();
        image::DynamicImage::ImageRgba16(img)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encode");
        let need = decode_need(&png, &header(Format::Png, 300, 200), (300, 200)).expect("need");
        assert_eq!((need.width, need.height), (300, 200));
        assert_eq!(need.bytes, 300 * 200 * (8 + 4));
    }
}
