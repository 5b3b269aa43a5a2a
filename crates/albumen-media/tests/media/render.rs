//! `render` / `render_all`: sizes, cropping, no upscaling, one decode for many presets.

use albumen_media::{Fit, Limits, Preset, render, render_all};

use crate::fixtures::*;

fn dims(data: &[u8], p: Preset) -> (u32, u32) {
    let out = render(data, &p, &Limits::default()).unwrap();
    let decoded = decode(&out.bytes);
    assert_eq!(
        (decoded.0, decoded.1),
        (out.width, out.height),
        "reported size = encoded size"
    );
    assert_eq!(out.mime, "image/jpeg");
    (out.width, out.height)
}

#[test]
fn crop_gives_exact_square() {
    let data = jpeg(600, 400, 90, scene(600, 400));
    assert_eq!(dims(&data, preset(256, 256, Fit::Crop)), (256, 256));
}

#[test]
fn crop_takes_the_centre() {
    // Red and blue bands at the far left and right; the 400×400 centre is all green.
    let data = jpeg(600, 400, 95, |x, _| match x {
        0..80 => RED,
        520.. => BLUE,
        _ => GREEN,
    });
    let out = render(&data, &preset(256, 256, Fit::Crop), &Limits::default()).unwrap();
    let img = decode(&out.bytes);
    for y in (0..256).step_by(5) {
        for x in (0..256).step_by(5) {
            let c = pixel(&img, x, y);
            assert!(near(c, GREEN, 40), "({x},{y}) = {c:?}");
        }
    }
}

#[test]
fn contain_1600_on_24_megapixels() {
    // Flat-ish content keeps this quick in debug builds; the size logic is what matters.
    let data = jpeg(6000, 4000, 80, |x, y| [(x / 24) as u8, (y / 16) as u8, 90]);
    // 4000 * 1600 / 6000 = 1066.67, rounded half up.
    assert_eq!(dims(&data, preset(1600, 1600, Fit::Contain)), (1600, 1067));
}

#[test]
fn contain_keeps_aspect_for_portrait_and_wide_boxes() {
    let data = jpeg(300, 400, 90, scene(300, 400));
    assert_eq!(dims(&data, preset(150, 150, Fit::Contain)), (113, 150));
    assert_eq!(dims(&data, preset(1920, 200, Fit::Contain)), (150, 200));
}

#[test]
fn never_upscales() {
    let data = jpeg(100, 50, 90, scene(100, 50));
    assert_eq!(dims(&data, preset(256, 256, Fit::Contain)), (100, 50));
    // Crop on a small image: the largest centred square, at the original scale.
    assert_eq!(dims(&data, preset(256, 256, Fit::Crop)), (50, 50));
}

#[test]
fn small_crop_is_a_sharp_cut_of_the_middle() {
    // 100×50 with a 1-px checkerboard: cropping at scale 1 must not blur it.
    let data = png(
        100,
        50,
        |x, y| if (x + y) % 2 == 0 { [0, 0, 0] } else { WHITE },
    );
    let out = render(
        &data,
        &Preset {
            quality: 100,
            ..preset(256, 256, Fit::Crop)
        },
        &Limits::default(),
    )
    .unwrap();
    let img = decode(&out.bytes);
    assert_eq!((img.0, img.1), (50, 50));
    // Output (0,0) is source (25,0): odd, so white.
    assert!(pixel(&img, 0, 0)[0] > 200 && pixel(&img, 1, 0)[0] < 55);
}

#[test]
fn render_all_matches_individual_renders_in_order() {
    let data = jpeg(1200, 800, 90, scene(1200, 800));
    let presets = [
        preset(64, 64, Fit::Crop),
        preset(600, 600, Fit::Contain),
        preset(100, 100, Fit::Contain),
        preset(300, 100, Fit::Crop),
    ];
    let all = render_all(&data, &presets, &Limits::default()).unwrap();
    let sizes: Vec<_> = all.iter().map(|r| (r.width, r.height)).collect();
    assert_eq!(sizes, [(64, 64), (600, 400), (100, 67), (300, 100)]);
    for (r, p) in all.iter().zip(&presets) {
        // The shared decode (at the largest preset's scale) must look like a dedicated one.
        let single = decode(&render(&data, p, &Limits::default()).unwrap().bytes);
        let shared = decode(&r.bytes);
        assert_eq!((single.0, single.1), (shared.0, shared.1));
        let diff: f64 = single
            .2
            .iter()
            .zip(&shared.2)
            .map(|(a, b)| f64::from(a.abs_diff(*b)))
            .sum::<f64>()
            / single.2.len() as f64;
        assert!(diff < 6.0, "{p:?}: mean diff {diff}");
    }
    assert!(
        render_all(&data, &[], &Limits::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn quality_is_honoured() {
    let data = jpeg(800, 600, 95, scene(800, 600));
    let lo = render(
        &data,
        &Preset {
            quality: 40,
            ..preset(400, 400, Fit::Contain)
        },
        &Limits::default(),
    )
    .unwrap();
    let hi = render(
        &data,
        &Preset {
            quality: 95,
            ..preset(400, 400, Fit::Contain)
        },
        &Limits::default(),
    )
    .unwrap();
    assert!(
        hi.bytes.len() > lo.bytes.len() * 3 / 2,
        "{} vs {}",
        hi.bytes.len(),
        lo.bytes.len()
    );
}

#[test]
fn downscaled_colours_are_preserved() {
    // Left half red, right half blue, rendered at 1/8-ish scale through the DCT path.
    let data = jpeg(2000, 1000, 90, |x, _| if x < 1000 { RED } else { BLUE });
    let out = render(&data, &preset(200, 200, Fit::Contain), &Limits::default()).unwrap();
    let img = decode(&out.bytes);
    assert_eq!((img.0, img.1), (200, 100));
    assert!(near(pixel(&img, 40, 50), RED, 30));
    assert!(near(pixel(&img, 160, 50), BLUE, 30));
}

#[test]
fn placeholder_is_deterministic_grey_box() {
    let p = preset(256, 256, Fit::Crop);
    let a = albumen_media::placeholder(&p);
    let b = albumen_media::placeholder(&p);
    assert_eq!(a.bytes, b.bytes);
    assert_eq!((a.width, a.height, a.mime), (256, 256, "image/jpeg"));
    let img = decode(&a.bytes);
    assert_eq!((img.0, img.1), (256, 256));
    let corner = pixel(&img, 2, 2);
    assert!(
        corner[0] == corner[1] && corner[1] == corner[2],
        "neutral: {corner:?}"
    );
    assert!((150..230).contains(&corner[0]), "mid grey: {corner:?}");
    // The mark is darker than the background at the centre (the cross).
    assert!(pixel(&img, 128, 128)[0] < corner[0]);
    // Contain fills the whole box too.
    let c = albumen_media::placeholder(&preset(1600, 900, Fit::Contain));
    assert_eq!(decode(&c.bytes).0, 1600);
    assert_eq!((c.width, c.height), (1600, 900));
}
