//! Output formats: JPEG and WebP, metadata stripped, ICC profiles carried over.

use albumen_media::{Encoding, Fit, Limits, Output, render_all, render_outputs};
use image::ImageDecoder;

use crate::fixtures::*;

fn webp_pixels(data: &[u8]) -> (u32, u32, Vec<u8>) {
    let img = image::load_from_memory_with_format(data, image::ImageFormat::WebP)
        .unwrap()
        .into_rgb8();
    (img.width(), img.height(), img.into_raw())
}

/// A minimal but well-formed RGB ICC profile header, padded; tagged so tests can recognise it.
fn rgb_profile(len: usize) -> Vec<u8> {
    let mut p = vec![0u8; len];
    p[0..4].copy_from_slice(&(len as u32).to_be_bytes());
    p[12..16].copy_from_slice(b"mntr");
    p[16..20].copy_from_slice(b"RGB ");
    p[20..24].copy_from_slice(b"XYZ ");
    p[36..40].copy_from_slice(b"acsp");
    for (i, b) in p.iter_mut().enumerate().skip(128) {
        *b = (i % 251) as u8;
    }
    p
}

/// Inserts `profile` as APP2 ICC_PROFILE chunks of at most `chunk` bytes right after SOI.
fn with_icc(jpeg: &[u8], profile: &[u8], chunk: usize) -> Vec<u8> {
    let parts: Vec<&[u8]> = profile.chunks(chunk).collect();
    let mut out = jpeg[..2].to_vec();
    for (i, part) in parts.iter().enumerate() {
        out.extend_from_slice(&[0xFF, 0xE2]);
        out.extend_from_slice(&(part.len() as u16 + 16).to_be_bytes());
        out.extend_from_slice(b"ICC_PROFILE\0");
        out.extend_from_slice(&[i as u8 + 1, parts.len() as u8]);
        out.extend_from_slice(part);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn jpeg_icc(data: &[u8]) -> Option<Vec<u8>> {
    image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(data))
        .unwrap()
        .icc_profile()
        .unwrap()
}

fn webp_icc(data: &[u8]) -> Option<Vec<u8>> {
    image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(data))
        .unwrap()
        .icc_profile()
        .unwrap()
}

#[test]
fn webp_output_has_the_right_type_size_and_colours() {
    let data = jpeg(800, 600, 92, |x, _| if x < 400 { RED } else { BLUE });
    let out = render_outputs(
        &data,
        &[preset(400, 400, Fit::Contain).encoded(Encoding::Webp)],
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(out[0].mime, "image/webp");
    assert_eq!((out[0].width, out[0].height), (400, 300));
    assert!(out[0].bytes.starts_with(b"RIFF") && &out[0].bytes[8..12] == b"WEBP");
    let img = webp_pixels(&out[0].bytes);
    assert_eq!((img.0, img.1), (400, 300));
    assert!(
        near(pixel(&img, 50, 150), RED, 30),
        "{:?}",
        pixel(&img, 50, 150)
    );
    assert!(
        near(pixel(&img, 350, 150), BLUE, 30),
        "{:?}",
        pixel(&img, 350, 150)
    );
}

#[test]
fn webp_quality_follows_the_preset() {
    let data = jpeg(640, 480, 95, scene(640, 480));
    let size = |quality| {
        let mut p = preset(640, 640, Fit::Contain);
        p.quality = quality;
        render_outputs(&data, &[p.encoded(Encoding::Webp)], &Limits::default()).unwrap()[0]
            .bytes
            .len()
    };
    assert!(size(30) < size(90));
}

#[test]
fn mixed_encodings_in_one_call_keep_input_order() {
    let data = jpeg(1200, 900, 90, scene(1200, 900));
    let outputs: [Output; 3] = [
        preset(100, 100, Fit::Crop).encoded(Encoding::Webp),
        preset(800, 800, Fit::Contain).into(),
        preset(300, 300, Fit::Contain).encoded(Encoding::Webp),
    ];
    let out = render_outputs(&data, &outputs, &Limits::default()).unwrap();
    let got: Vec<_> = out.iter().map(|r| (r.mime, r.width, r.height)).collect();
    assert_eq!(
        got,
        [
            ("image/webp", 100, 100),
            ("image/jpeg", 800, 600),
            ("image/webp", 300, 225)
        ]
    );
    assert_eq!(webp_pixels(&out[0].bytes).0, 100);
    assert_eq!(decode(&out[1].bytes).0, 800);
}

#[test]
fn exif_and_gps_are_not_copied_to_the_output() {
    let exif = Exif {
        make: Some("Canon"),
        gps_latitude: Some(("N", [(52, 1), (31, 1), (0, 1)])),
        gps_longitude: Some(("E", [(13, 1), (24, 1), (0, 1)])),
        ..Exif::orientation(6)
    };
    let data = with_exif(&jpeg(320, 240, 90, scene(320, 240)), &exif);
    for encoding in [Encoding::Jpeg, Encoding::Webp] {
        let out = &render_outputs(
            &data,
            &[preset(200, 200, Fit::Contain).encoded(encoding)],
            &Limits::default(),
        )
        .unwrap()[0];
        // Orientation is applied to the pixels instead.
        assert_eq!((out.width, out.height), (150, 200));
        let has = |needle: &[u8]| out.bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!has(b"Exif\0\0"), "{encoding:?} output carries EXIF");
        assert!(
            !has(b"Canon"),
            "{encoding:?} output carries the camera make"
        );
    }
}

#[test]
fn rgb_icc_profile_is_embedded_in_jpeg_and_webp() {
    // Larger than one APP2 segment, so the input is split and the output must be too.
    let profile = rgb_profile(70_000);
    let data = with_icc(&jpeg(320, 240, 90, scene(320, 240)), &profile, 60_000);
    let out = render_outputs(
        &data,
        &[
            preset(160, 160, Fit::Contain).into(),
            preset(160, 160, Fit::Contain).encoded(Encoding::Webp),
        ],
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(jpeg_icc(&out[0].bytes).as_deref(), Some(profile.as_slice()));
    assert_eq!(webp_icc(&out[1].bytes).as_deref(), Some(profile.as_slice()));
    // Still decodable pictures of the right size.
    assert_eq!(decode(&out[0].bytes).0, 160);
    assert_eq!(webp_pixels(&out[1].bytes).0, 160);
}

#[cfg(feature = "heif")]
#[test]
fn rgb_icc_profile_is_embedded_in_avif() {
    let profile = rgb_profile(3000);
    let data = with_icc(&jpeg(320, 240, 90, scene(320, 240)), &profile, 60_000);
    let avif = &render_outputs(
        &data,
        &[preset(160, 160, Fit::Contain).encoded(Encoding::Avif)],
        &Limits::default(),
    )
    .unwrap()[0];
    // Read back by the pipeline's HEIF decoder, which hands the profile on to the JPEG.
    let back = render_all(
        &avif.bytes,
        &[preset(160, 160, Fit::Contain)],
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        jpeg_icc(&back[0].bytes).as_deref(),
        Some(profile.as_slice())
    );
}

#[test]
fn png_icc_profile_is_embedded() {
    let profile = rgb_profile(600);
    let img = image::RgbImage::from_raw(64, 48, rgb_buf(64, 48, scene(64, 48))).unwrap();
    let mut data = Vec::new();
    let mut encoder = image::codecs::png::PngEncoder::new(&mut data);
    image::ImageEncoder::set_icc_profile(&mut encoder, profile.clone()).unwrap();
    image::ImageEncoder::write_image(
        encoder,
        img.as_raw(),
        64,
        48,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    let out = render_all(&data, &[preset(32, 32, Fit::Contain)], &Limits::default()).unwrap();
    assert_eq!(jpeg_icc(&out[0].bytes).as_deref(), Some(profile.as_slice()));
}

#[test]
fn profiles_that_do_not_describe_rgb_are_dropped() {
    // A CMYK profile on a CMYK JPEG: the output pixels are RGB, so the profile would lie.
    let mut cmyk = rgb_profile(400);
    cmyk[16..20].copy_from_slice(b"CMYK");
    let data = with_icc(&jpeg_cmyk(64, 48, [200, 40, 40]), &cmyk, 60_000);
    let out = render_all(&data, &[preset(64, 64, Fit::Contain)], &Limits::default()).unwrap();
    assert_eq!(jpeg_icc(&out[0].bytes), None);
    // A profile with a missing chunk is not embedded half.
    let profile = rgb_profile(3000);
    let mut broken = with_icc(&jpeg(64, 48, 90, scene(64, 48)), &profile, 1000);
    // Renumber the second chunk as a duplicate of the first.
    let second = broken
        .windows(12)
        .enumerate()
        .filter(|(_, w)| w == b"ICC_PROFILE\0")
        .nth(1)
        .unwrap()
        .0;
    broken[second + 12] = 1;
    let out = render_all(&broken, &[preset(64, 64, Fit::Contain)], &Limits::default()).unwrap();
    assert_eq!(jpeg_icc(&out[0].bytes), None);
}
