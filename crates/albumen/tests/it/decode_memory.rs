//! Decodes under one memory budget (`previews.decode_memory_mb`): each reserves what the
//! header says it will hold before it starts; a photo needing more than the whole budget gets
//! the placeholder and a problem, never a decode.

use std::sync::atomic::Ordering::Relaxed;

use albumen::config::Config;
use albumen::preview_jobs::{Tally, work_batch};
use albumen_media::{Encoding, Limits, Output};
use image::{ImageBuffer, Rgb, Rgba};

use crate::common::{TestApp, image_size};
use crate::fixtures::{Exif, jpeg};

const MB: u64 = 1 << 20;

/// JPEG previews only, a 64 MB budget, and room for several decodes at once.
fn small_budget(config: &mut Config) {
    config.previews.decode_memory_mb = 64;
    config.previews.workers = 4;
    config.previews.webp = false;
    config.previews.avif = false;
}

/// What the server's presets need to render `bytes` as JPEG, by the pipeline's own account.
fn need(t: &TestApp, bytes: &[u8]) -> u64 {
    let outputs: Vec<Output> = t
        .state
        .previews
        .presets()
        .iter()
        .map(|p| Output {
            preset: p.preset,
            encoding: Encoding::Jpeg,
        })
        .collect();
    albumen_media::memory_need(bytes, &outputs, &Limits::default()).unwrap()
}

fn encode(image: &image::DynamicImage) -> Vec<u8> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    let encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Best, FilterType::Up);
    image.write_with_encoder(encoder).unwrap();
    png
}

/// A 3000×3000 16-bit RGBA PNG of one colour: 72 MB of pixels from a file of a few dozen KB.
fn flat_16_bit_png() -> Vec<u8> {
    let pixels = ImageBuffer::from_pixel(3000, 3000, Rgba([0x3333u16, 0x6666, 0x9999, 0xFFFF]));
    encode(&image::DynamicImage::ImageRgba16(pixels))
}

#[tokio::test]
async fn a_photo_needing_more_than_the_whole_budget_is_refused_not_decoded() {
    let t = TestApp::with_config(small_budget).await;
    let png = flat_16_bit_png();
    assert!(png.len() < 200_000, "{} bytes", png.len());
    t.add("A/deep.png", &png);
    t.add("A/small.jpg", &jpeg(640, 480, &Exif::default()));
    t.scan().await;
    let budget = t.state.previews.memory_budget();
    assert_eq!(budget.total(), 64 * MB);
    // 8 bytes a pixel decoded, 4 more converted: well past the budget.
    assert!(need(&t, &png) > 100 * MB, "{}", need(&t, &png));

    let admin = t.admin().await;
    let deep = t.photo_id("deep.png").await;
    let refused = t
        .get(
            &format!("/media/photos/{deep}/preview/standard"),
            Some(&admin),
        )
        .await;
    assert!(refused.is_placeholder(), "placeholder");
    assert_eq!(budget.peak(), 0, "nothing was reserved, so nothing decoded");
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "A/deep.png");
    assert!(
        problems[0]
            .reason
            .contains("previews.decode_memory_mb (64 MB)"),
        "{problems:?}"
    );

    // A photo that fits renders, and gives its share back.
    let small = t.photo_id("small.jpg").await;
    let fine = t
        .get(
            &format!("/media/photos/{small}/preview/standard"),
            Some(&admin),
        )
        .await;
    assert_ne!(fine.header("cache-control"), Some("no-store"));
    assert_eq!(image_size(&fine.body), (640, 480));
    // It reserved (for the standard preset and the thumbnail it brings along), within budget.
    assert!(budget.peak() > 0 && budget.peak() <= budget.total());
    assert_eq!(budget.reserved(), 0);
}

/// Four workers, six photos each needing more than half the budget: they take turns, and the
/// budget's own count never shows more held than it has.
#[tokio::test]
async fn concurrent_decodes_never_reserve_more_than_the_budget() {
    let t = TestApp::with_config(small_budget).await;
    let mut needs = Vec::new();
    for i in 0..6u8 {
        let pixels = ImageBuffer::from_fn(1200, 1200, |x, y| {
            Rgb([i * 40, (x % 256) as u8, (y % 256) as u8])
        });
        let png = encode(&image::DynamicImage::ImageRgb8(pixels));
        needs.push(need(&t, &png));
        t.add(&format!("A/{i}.png"), &png);
    }
    let budget = t.state.previews.memory_budget();
    let smallest = needs.iter().copied().min().unwrap();
    assert!(
        2 * smallest > budget.total(),
        "only one fits at a time: {needs:?}"
    );
    t.scan().await;

    let tally = Tally::default();
    let mut claimed = 0;
    loop {
        match work_batch(&t.state, "w", 4, &tally).await.unwrap() {
            0 => break,
            n => claimed += n,
        }
    }
    assert_eq!(claimed, 6);
    assert_eq!(
        (tally.made.load(Relaxed), tally.failed.load(Relaxed)),
        (24, 0),
        "four presets each"
    );
    assert!(
        budget.peak() >= smallest,
        "every decode reserved its need: peak {} < {smallest}",
        budget.peak()
    );
    assert!(
        budget.peak() <= budget.total(),
        "peak {} > budget {}",
        budget.peak(),
        budget.total()
    );
    assert!(budget.peak() < 2 * smallest, "never two at once");
    assert_eq!(budget.reserved(), 0);
}
