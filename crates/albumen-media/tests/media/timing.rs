//! A rough speed check on a 24 MP JPEG, not run by default:
//!
//!     cargo test --release -p albumen-media timing -- --ignored --nocapture

use std::time::Instant;

use albumen_media::{Fit, Limits, Preset, render_all};
use turbojpeg::{PixelFormat, Subsamp};

use crate::fixtures::*;

#[test]
#[ignore = "timing; run explicitly in --release"]
fn timing_24mp_preview_and_thumb() {
    // Gradients plus per-pixel noise: roughly the entropy of a q92 camera JPEG.
    let (w, h) = (6000u32, 4000u32);
    let mut rng = Rng(7);
    let base = scene(w, h);
    let mut buf = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let n = rng.next();
            for (i, c) in base(x, y).into_iter().enumerate() {
                let noise = ((n >> (i * 8)) & 0x1F) as i16 - 16;
                buf.push((i16::from(c) + noise).clamp(0, 255) as u8);
            }
        }
    }
    let img = turbojpeg::Image {
        pixels: buf.as_slice(),
        width: w as usize,
        pitch: w as usize * 3,
        height: h as usize,
        format: PixelFormat::RGB,
    };
    let data = turbojpeg::compress(img, 92, Subsamp::Sub2x2)
        .unwrap()
        .to_vec();
    let data = with_exif(&data, &Exif::orientation(6));
    let presets = [
        Preset {
            width: 1600,
            height: 1600,
            fit: Fit::Contain,
            quality: 85,
        },
        Preset {
            width: 256,
            height: 256,
            fit: Fit::Crop,
            quality: 85,
        },
    ];
    let median = |mut t: Vec<f64>| {
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    };
    let mut pipeline = Vec::new();
    let mut floor = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let out = render_all(&data, &presets, &Limits::default()).unwrap();
        pipeline.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!((out[0].width, out[0].height), (1067, 1600));

        // The floor: libjpeg-turbo decoding at 1/2 alone (what the 1600 preview needs).
        let start = Instant::now();
        let mut dec = turbojpeg::Decompressor::new().unwrap();
        dec.set_scaling_factor(turbojpeg::ScalingFactor::ONE_HALF)
            .unwrap();
        let s = dec
            .read_header(&data)
            .unwrap()
            .scaled(turbojpeg::ScalingFactor::ONE_HALF);
        let mut img = turbojpeg::Image {
            pixels: vec![0; s.width * s.height * 3],
            width: s.width,
            pitch: s.width * 3,
            height: s.height,
            format: PixelFormat::RGB,
        };
        dec.decompress(&data, img.as_deref_mut()).unwrap();
        floor.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    eprintln!(
        "24 MP JPEG ({:.1} MB) -> 1600 contain + 256 crop: {:.1} ms/image median; \
         decode-at-1/2 floor {:.1} ms",
        data.len() as f64 / 1e6,
        median(pipeline),
        median(floor),
    );
}
