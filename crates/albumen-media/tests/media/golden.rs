//! Golden images: rendered outputs compared with committed expectations (tiny PNGs in
//! `tests/golden/`), with a tolerance for SIMD rounding differences between CPUs.
//!
//! After an intended output change (and a `PIPELINE_VERSION` bump), inspect the images
//! written to `target/golden-out/`, then re-bless with:
//!
//!     ALBUMEN_BLESS=1 cargo test -p albumen-media golden

use std::path::PathBuf;

use albumen_media::{Fit, Limits, Preset, placeholder, render};
use image::{DynamicImage, ImageFormat};

use crate::fixtures::*;

/// Largest mean absolute channel difference accepted.
const MAX_MEAN_DIFF: f64 = 1.5;
/// Largest single channel difference accepted.
const MAX_PIXEL_DIFF: u8 = 40;

fn cases() -> Vec<(&'static str, Vec<u8>, Preset)> {
    let alpha = image::RgbaImage::from_fn(120, 90, |x, y| {
        let [r, g, b] = scene(120, 90)(x, y);
        image::Rgba([r, g, b, (x * 255 / 119) as u8])
    });
    let rgb16 = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(120, 90, |x, y| {
        let [r, g, b] = scene(120, 90)(x, y);
        image::Rgb([r, g, b].map(|c| u16::from(c) * 257))
    });
    let mut cases = vec![
        (
            "jpeg_scene_contain64",
            jpeg(480, 320, 92, scene(480, 320)),
            preset(64, 64, Fit::Contain),
        ),
        (
            "jpeg_orient6_crop48",
            with_exif(&jpeg(480, 320, 92, scene(480, 320)), &Exif::orientation(6)),
            preset(48, 48, Fit::Crop),
        ),
        (
            "png_alpha_contain64",
            encode_with(&DynamicImage::ImageRgba8(alpha), ImageFormat::Png),
            preset(64, 64, Fit::Contain),
        ),
        (
            "tiff_orient3_crop40x24",
            tiff_rgb(200, 100, Some(3), scene(200, 100)),
            preset(40, 24, Fit::Crop),
        ),
        (
            "jpeg_progressive_crop48",
            jpeg_progressive(480, 320, scene(480, 320)),
            preset(48, 48, Fit::Crop),
        ),
        (
            "jpeg_cmyk_contain32",
            jpeg_cmyk(64, 48, [40, 160, 90]),
            preset(32, 32, Fit::Contain),
        ),
        (
            "png16_contain64",
            encode_with(&DynamicImage::ImageRgb16(rgb16), ImageFormat::Png),
            preset(64, 64, Fit::Contain),
        ),
        (
            "gif_first_frame_contain64",
            gif_scene(120, 90),
            preset(64, 64, Fit::Contain),
        ),
        (
            "webp_lossy_contain64",
            webp::Encoder::from_rgb(&rgb_buf(120, 90, scene(120, 90)), 120, 90)
                .encode(90.0)
                .to_vec(),
            preset(64, 64, Fit::Contain),
        ),
    ];
    // Every EXIF orientation, on a picture whose corners differ.
    for (o, name) in ORIENTED.into_iter().enumerate() {
        let o = u16::try_from(o + 1).unwrap();
        let data = with_exif(&jpeg(96, 64, 92, scene(96, 64)), &Exif::orientation(o));
        cases.push((name, data, preset(48, 48, Fit::Contain)));
    }
    cases
}

const ORIENTED: [&str; 8] = [
    "jpeg_orient1_contain48",
    "jpeg_orient2_contain48",
    "jpeg_orient3_contain48",
    "jpeg_orient4_contain48",
    "jpeg_orient5_contain48",
    "jpeg_orient6_contain48",
    "jpeg_orient7_contain48",
    "jpeg_orient8_contain48",
];

/// A two-frame GIF whose first frame is the scene (the second, red, must not show).
fn gif_scene(w: u32, h: u32) -> Vec<u8> {
    let first = image::RgbaImage::from_fn(w, h, |x, y| {
        let [r, g, b] = scene(w, h)(x, y);
        image::Rgba([r, g, b, 255])
    });
    let second = image::RgbaImage::from_pixel(w, h, image::Rgba([255, 0, 0, 255]));
    let mut data = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut data);
        encoder
            .encode_frames([image::Frame::new(first), image::Frame::new(second)])
            .unwrap();
    }
    data
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// `target/golden-out`, found from the test binary's location (target/<profile>/deps/…).
fn out_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe
        .ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    target.join("golden-out")
}

fn check(name: &str, jpeg: &[u8], failures: &mut Vec<String>) {
    let (w, h, px) = decode(jpeg);
    let actual = image::RgbImage::from_raw(w, h, px).unwrap();
    let path = golden_dir().join(format!("{name}.png"));
    if std::env::var_os("ALBUMEN_BLESS").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        actual.save(&path).unwrap();
        return;
    }
    #[expect(clippy::disallowed_methods, reason = "reads a committed golden image")]
    let golden = image::open(&path);
    let problem = match golden {
        Err(_) => Some(format!(
            "{name}: no golden at {}; verify the output, then bless",
            path.display()
        )),
        Ok(expected) => {
            let expected = expected.to_rgb8();
            if expected.dimensions() != actual.dimensions() {
                Some(format!(
                    "{name}: size {:?}, expected {:?}",
                    actual.dimensions(),
                    expected.dimensions()
                ))
            } else {
                let diffs: Vec<u8> = expected
                    .as_raw()
                    .iter()
                    .zip(actual.as_raw())
                    .map(|(a, b)| a.abs_diff(*b))
                    .collect();
                let mean = diffs.iter().map(|d| f64::from(*d)).sum::<f64>() / diffs.len() as f64;
                let max = diffs.iter().copied().max().unwrap_or(0);
                (mean > MAX_MEAN_DIFF || max > MAX_PIXEL_DIFF)
                    .then(|| format!("{name}: mean diff {mean:.2} (max {MAX_MEAN_DIFF}), max diff {max} (max {MAX_PIXEL_DIFF})"))
            }
        }
    };
    if let Some(problem) = problem {
        let out = out_dir();
        std::fs::create_dir_all(&out).unwrap();
        let written = out.join(format!("{name}.png"));
        actual.save(&written).unwrap();
        failures.push(format!(
            "{problem}; actual written to {}",
            written.display()
        ));
    }
}

#[test]
fn golden_images() {
    let mut failures = Vec::new();
    for (name, data, preset) in cases() {
        let out = render(&data, &preset, &Limits::default()).unwrap();
        check(name, &out.bytes, &mut failures);
    }
    check(
        "placeholder_64x48",
        &placeholder(&preset(64, 48, Fit::Crop)).bytes,
        &mut failures,
    );
    assert!(
        failures.is_empty(),
        "golden mismatches (re-bless with ALBUMEN_BLESS=1 once verified):\n{}",
        failures.join("\n")
    );
}
