//! HEIC and AVIF (iPhones, modern Android): rendered with the `heif` feature, a clean
//! NotBuiltIn error without it. Fixtures: 64×48, left half red, right half blue, made with
//! `heif-enc` (x265 and AOM), under 1 KB each.

use albumen_media::{Fit, Format, Limits, MediaError, probe, render};

use crate::fixtures::preset;
#[cfg(feature = "heif")]
use crate::fixtures::{decode, near, pixel};

const HEIC: &[u8] = include_bytes!("../fixtures/red_blue_64x48.heic");
const AVIF: &[u8] = include_bytes!("../fixtures/red_blue_64x48.avif");
/// The colours the fixtures were encoded from.
#[cfg(feature = "heif")]
const RED: [u8; 3] = [220, 30, 30];
#[cfg(feature = "heif")]
const BLUE: [u8; 3] = [30, 30, 220];

#[cfg(feature = "heif")]
#[test]
fn heic_and_avif_render_with_their_colours() {
    for (name, data) in [("heic", HEIC), ("avif", AVIF)] {
        let p = probe(data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (p.format, p.width, p.height),
            (Format::Heif, 64, 48),
            "{name}"
        );
        for (size, fit, want) in [
            (64, Fit::Contain, (64, 48)),
            (32, Fit::Contain, (32, 24)),
            (16, Fit::Crop, (16, 16)),
        ] {
            let out = render(data, &preset(size, size, fit), &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((out.width, out.height), want, "{name} {size}");
            let img = decode(&out.bytes);
            assert_eq!((img.0, img.1), want, "{name} {size}");
            // A column a quarter in from each side, away from the edge the chroma blurs.
            let (left, right, y) = (want.0 / 4, want.0 * 3 / 4, want.1 / 2);
            assert!(
                near(pixel(&img, left, y), RED, 20),
                "{name} {size}: left {:?}",
                pixel(&img, left, y)
            );
            assert!(
                near(pixel(&img, right, y), BLUE, 20),
                "{name} {size}: right {:?}",
                pixel(&img, right, y)
            );
        }
    }
}

#[cfg(feature = "heif")]
#[test]
fn heif_is_held_to_the_limits() {
    for data in [HEIC, AVIF] {
        let err = render(
            data,
            &preset(16, 16, Fit::Crop),
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
}

#[cfg(feature = "heif")]
#[test]
fn truncated_or_hollow_heif_is_corrupt() {
    let hollow = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    for data in [&hollow[..], &HEIC[..HEIC.len() / 2], &AVIF[..40]] {
        let err = render(data, &preset(16, 16, Fit::Crop), &Limits::default()).unwrap_err();
        assert!(matches!(err, MediaError::Corrupt(_)), "{err:?}");
    }
    assert!(matches!(probe(hollow), Err(MediaError::Corrupt(_))));
}

#[cfg(not(feature = "heif"))]
#[test]
fn without_the_feature_heic_and_avif_are_not_built_in() {
    let not_built_in = MediaError::NotBuiltIn {
        format: "HEIC/AVIF",
    };
    assert_eq!(
        not_built_in.to_string(),
        "HEIC/AVIF support is not built in (cargo feature `heif`)"
    );
    for data in [HEIC, AVIF] {
        assert_eq!(probe(data).unwrap_err(), not_built_in);
        assert_eq!(
            render(data, &preset(16, 16, Fit::Crop), &Limits::default()).unwrap_err(),
            not_built_in
        );
    }
}

/// Listed by name either way, so a build without the feature still catalogues these files.
#[test]
fn heif_extensions_map_to_heif() {
    for ext in ["heic", "HEIF", "hif", "avif"] {
        assert_eq!(Format::from_extension(ext), Some(Format::Heif), "{ext}");
    }
}

// AVIF output (libheif with an AV1 encoder, which scripts/bootstrap.sh provides: libaom-dev).

#[cfg(feature = "heif")]
mod avif_output {
    use albumen_media::{Encoding, Fit, Limits, Preset, render_all, render_outputs};

    use crate::fixtures::{Exif, decode, jpeg, near, pixel, preset, scene, with_exif};

    const RED: [u8; 3] = [255, 0, 0];
    const BLUE: [u8; 3] = [0, 0, 255];

    fn avif(data: &[u8], preset: Preset) -> albumen_media::Rendered {
        assert!(
            Encoding::Avif.available(),
            "libheif has no AV1 encoder: install libaom-dev (scripts/bootstrap.sh does) and \
             rebuild it with `cargo clean -p libheif-sys`"
        );
        render_outputs(data, &[preset.encoded(Encoding::Avif)], &Limits::default())
            .unwrap()
            .remove(0)
    }

    #[test]
    fn avif_previews_are_oriented_and_keep_their_colours() {
        // Red above blue, stored rotated: orientation 6 shows red on the right.
        let data = with_exif(
            &jpeg(600, 400, 92, |_, y| if y < 200 { RED } else { BLUE }),
            &Exif::orientation(6),
        );
        let out = avif(&data, preset(300, 300, Fit::Contain));
        assert_eq!(out.mime, "image/avif");
        assert_eq!(&out.bytes[4..12], b"ftypavif");
        assert_eq!((out.width, out.height), (200, 300));
        // Back through the pipeline's own HEIF decoder: the size and colours survived.
        let back = render_all(
            &out.bytes,
            &[preset(300, 300, Fit::Contain)],
            &Limits::default(),
        )
        .unwrap();
        let img = decode(&back[0].bytes);
        assert_eq!((img.0, img.1), (200, 300));
        assert!(
            near(pixel(&img, 150, 150), RED, 40),
            "{:?}",
            pixel(&img, 150, 150)
        );
        assert!(
            near(pixel(&img, 50, 150), BLUE, 40),
            "{:?}",
            pixel(&img, 50, 150)
        );
    }

    #[test]
    fn avif_quality_follows_the_preset_and_beats_jpeg_on_size() {
        let data = jpeg(640, 480, 95, scene(640, 480));
        let size = |quality, encoding: Encoding| {
            let mut p = preset(640, 640, Fit::Contain);
            p.quality = quality;
            render_outputs(&data, &[p.encoded(encoding)], &Limits::default()).unwrap()[0]
                .bytes
                .len()
        };
        assert!(size(30, Encoding::Avif) < size(90, Encoding::Avif));
        assert!(size(85, Encoding::Avif) < size(85, Encoding::Jpeg));
    }

    #[test]
    fn avif_carries_no_metadata_but_the_icc_profile() {
        let exif = Exif {
            make: Some("Canon"),
            gps_latitude: Some(("N", [(52, 1), (31, 1), (0, 1)])),
            ..Exif::orientation(1)
        };
        let data = with_exif(&jpeg(320, 240, 90, scene(320, 240)), &exif);
        let out = avif(&data, preset(200, 200, Fit::Contain));
        let has = |needle: &[u8]| out.bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!has(b"Exif"), "AVIF output carries EXIF");
        assert!(!has(b"Canon"), "AVIF output carries the camera make");
    }
}
