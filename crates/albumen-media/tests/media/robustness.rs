//! No input may panic: garbage, truncated prefixes and bit-flipped versions of valid files all
//! return Ok or Err.

use albumen_media::{Fit, Limits, probe, render, render_all};
use image::{DynamicImage, ImageFormat};

use crate::fixtures::*;

fn exercise(data: &[u8]) {
    // Tighter than default so mutated headers cannot make the test slow.
    let limits = Limits {
        max_pixels: 4_000_000,
    };
    let _ = probe(data);
    let _ = render(data, &preset(16, 16, Fit::Crop), &limits);
    let _ = render_all(
        data,
        &[preset(24, 24, Fit::Contain), preset(8, 8, Fit::Crop)],
        &limits,
    );
}

fn valid_files() -> Vec<(&'static str, Vec<u8>)> {
    let rgb = DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 30, |x, y| {
        image::Rgb(scene(40, 30)(x, y))
    }));
    let exif = Exif {
        orientation: Some(6),
        make: Some("Make"),
        model: Some("Model"),
        date_time_original: Some("2020:01:02 03:04:05"),
        offset_time_original: Some("-03:30"),
        lens_make: Some("LensMake"),
        lens_model: Some("Lens 24-70mm"),
        exposure_time: Some((1, 125)),
        f_number: Some((28, 10)),
        iso: Some(1600),
        focal_length: Some((35, 1)),
        gps_latitude: Some(("S", [(33, 1), (51, 1), (246, 10)])),
        gps_longitude: Some(("W", [(74, 1), (2, 1), (402, 10)])),
        ..Exif::default()
    };
    vec![
        ("jpeg", with_exif(&jpeg(40, 30, 80, scene(40, 30)), &exif)),
        ("progressive", jpeg_progressive(40, 30, scene(40, 30))),
        ("png", encode_with(&rgb.to_rgba8().into(), ImageFormat::Png)),
        ("gif", encode_with(&rgb, ImageFormat::Gif)),
        ("webp", encode_with(&rgb, ImageFormat::WebP)),
        ("tiff", encode_with(&rgb, ImageFormat::Tiff)),
        ("tiff-hand", tiff_rgb(20, 10, Some(5), scene(20, 10))),
        ("raw", raw_nef_like(48, 32)),
    ]
}

#[test]
fn truncated_prefixes() {
    for (name, data) in valid_files() {
        let step = (data.len() / 300).max(1);
        for len in (0..data.len()).filter(|l| *l < 400 || l % step == 0) {
            exercise(&data[..len]);
        }
        eprintln!("{name}: {} bytes ok", data.len());
    }
}

#[test]
fn bit_flips() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (_, data) in valid_files() {
        for _ in 0..150 {
            let mut d = data.clone();
            for _ in 0..=rng.below(6) {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            exercise(&d);
            // Also overwrite a whole byte with an extreme value (lengths, dimensions).
            let i = rng.below(d.len());
            d[i] = if rng.below(2) == 0 { 0xFF } else { 0x00 };
            exercise(&d);
        }
    }
}

#[test]
fn random_garbage_behind_every_magic() {
    let mut rng = Rng(42);
    let magics: [&[u8]; 8] = [
        b"",
        &[0xFF, 0xD8, 0xFF],
        b"\x89PNG\r\n\x1a\n",
        b"GIF89a",
        b"RIFF\0\0\0\0WEBPVP8X",
        b"II*\0",
        b"MM\0*",
        b"\0\0\0\x18ftypheic",
    ];
    for magic in magics {
        for len in [0usize, 1, 7, 30, 100, 1000, 5000] {
            for _ in 0..20 {
                let mut d = magic.to_vec();
                d.extend((0..len).map(|_| rng.next() as u8));
                exercise(&d);
            }
        }
    }
}
