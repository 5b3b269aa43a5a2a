//! Limits: hostile headers are refused before any pixel buffer exists.

use std::time::Instant;

use albumen_media::{Fit, Limits, MediaError, probe, render, render_all};

use crate::fixtures::*;

#[test]
fn huge_png_header_is_too_large_without_decoding() {
    let mut data = png(4, 4, |_, _| GREY);
    patch_ihdr(&mut data, 30_000, 30_000);
    let p = probe(&data).unwrap();
    assert_eq!(
        (p.width, p.height),
        (30_000, 30_000),
        "the patched header is valid"
    );
    let start = Instant::now();
    let err = render(&data, &preset(256, 256, Fit::Crop), &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        MediaError::TooLarge {
            width: 30_000,
            height: 30_000,
            limit: 100_000_000
        }
    );
    assert!(err.is_bad_input());
    // A 2.7 GB allocation (or a decode attempt) would take far longer than this.
    assert!(start.elapsed().as_millis() < 200, "{:?}", start.elapsed());
}

#[test]
fn huge_jpeg_header_is_too_large() {
    let mut data = jpeg(16, 16, 90, |_, _| GREY);
    patch_sof(&mut data, 30_000, 30_000);
    assert_eq!(probe(&data).unwrap().width, 30_000);
    let err = render_all(
        &data,
        &[
            preset(256, 256, Fit::Crop),
            preset(1600, 1600, Fit::Contain),
        ],
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooLarge {
                width: 30_000,
                height: 30_000,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn real_image_over_a_small_limit() {
    let data = png(64, 64, |_, _| GREY);
    let tight = Limits { max_pixels: 1000 };
    assert!(matches!(
        render(&data, &preset(32, 32, Fit::Contain), &tight),
        Err(MediaError::TooLarge {
            width: 64,
            height: 64,
            limit: 1000
        })
    ));
    // The limit is inclusive.
    let exact = Limits {
        max_pixels: 64 * 64,
    };
    assert!(render(&data, &preset(32, 32, Fit::Contain), &exact).is_ok());
}

#[test]
fn default_limit_is_100_megapixels() {
    assert_eq!(Limits::default().max_pixels, 100_000_000);
}

#[test]
fn error_classification() {
    assert!(MediaError::Empty.is_bad_input());
    assert!(MediaError::Corrupt("x".into()).is_bad_input());
    assert!(
        MediaError::Unsupported {
            format: "heic".into()
        }
        .is_bad_input()
    );
    assert!(
        MediaError::NotBuiltIn {
            format: "HEIC/AVIF"
        }
        .is_bad_input()
    );
    assert!(!MediaError::Encode("x".into()).is_bad_input());
    assert!(!MediaError::Internal("x".into()).is_bad_input());
    assert_eq!(
        render(&[], &preset(8, 8, Fit::Crop), &Limits::default()).unwrap_err(),
        MediaError::Empty
    );
}
