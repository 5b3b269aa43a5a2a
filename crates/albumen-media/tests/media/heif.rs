//! HEIC and AVIF (iPhones, modern Android): rendered with the `heif` feature, a clean
//! Unsupported error without it. Fixtures: 64×48, left half red, right half blue, made with
//! `heif-enc` (x265 and AOM), under 1 KB each.

use albumen_media::{Fit, Limits, MediaError, probe, render};

#[cfg(feature = "heif")]
use crate::fixtures::*;

const HEIC: &[u8] = include_bytes!("../fixtures/red_blue_64x48.heic");
const AVIF: &[u8] = include_bytes!("../fixtures/red_blue_64x48.avif");

#[cfg(feature = "heif")]
#[test]
fn heic_and_avif_render_with_their_colours() {
    for (name, data) in [("heic", HEIC), ("avif", AVIF)] {
        let p = probe(data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (p.format, p.width, p.height),
            (albumen_media::Format::Heif, 64, 48)
        );
        let out = render(data, &preset(32, 32, Fit::Contain), &Limits::default()).unwrap();
        assert_eq!((out.width, out.height), (32, 24), "{name}");
        let img = decode(&out.bytes);
        assert!(near(pixel(&img, 4, 12), [220, 30, 30], 40), "{name}");
        assert!(near(pixel(&img, 28, 12), [30, 30, 220], 40), "{name}");
    }
}

#[cfg(feature = "heif")]
#[test]
fn heif_is_held_to_the_limits() {
    let err = render(
        HEIC,
        &crate::fixtures::preset(16, 16, Fit::Crop),
        &Limits { max_pixels: 1000 },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooLarge {
                width: 64,
                height: 48,
                ..
            }
        ),
        "{err:?}"
    );
}

#[cfg(not(feature = "heif"))]
#[test]
fn without_the_feature_heic_and_avif_are_named_unsupported() {
    for (name, data) in [("heic", HEIC), ("avif", AVIF)] {
        let unsupported = MediaError::Unsupported {
            format: name.to_owned(),
        };
        assert_eq!(probe(data).unwrap_err(), unsupported);
        let preset = albumen_media::Preset {
            width: 16,
            height: 16,
            fit: Fit::Crop,
            quality: 80,
        };
        assert_eq!(
            render(data, &preset, &Limits::default()).unwrap_err(),
            unsupported
        );
    }
}
