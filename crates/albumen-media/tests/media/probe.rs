//! `probe`: what the library scan stores for each file.

use albumen_media::{Format, MediaError, probe};

use crate::fixtures::*;

fn camera_jpeg() -> Vec<u8> {
    let exif = Exif {
        orientation: Some(6),
        make: Some("Canon"),
        model: Some("Canon EOS R5"),
        date_time: Some("2021:07:05 09:00:00"),
        date_time_original: Some("2021:07:04 18:30:05"),
        ..Exif::default()
    };
    with_exif(&jpeg(120, 80, 90, scene(120, 80)), &exif)
}

#[test]
fn jpeg_dims_orientation_date_and_camera() {
    let p = probe(&camera_jpeg()).unwrap();
    assert_eq!(p.format, Format::Jpeg);
    assert_eq!(
        (p.width, p.height),
        (120, 80),
        "stored size, not display size"
    );
    assert_eq!(p.orientation, 6);
    assert_eq!(p.display_size(), (80, 120));
    assert_eq!(p.taken_at.as_deref(), Some("2021-07-04T18:30:05"));
    assert_eq!(
        p.camera.as_deref(),
        Some("Canon EOS R5"),
        "make not repeated"
    );
}

#[test]
fn probe_reads_only_the_head() {
    // A big file whose head (what the scanner passes) is just the first 4 KiB.
    let big = with_exif(
        &jpeg(1200, 900, 90, scene(1200, 900)),
        &Exif::orientation(3),
    );
    assert!(big.len() > 16 * 1024);
    let p = probe(&big[..4096]).unwrap();
    assert_eq!((p.width, p.height, p.orientation), (1200, 900, 3));
}

#[test]
fn date_falls_back_from_placeholder_original() {
    // Cameras with an unset clock write zeros; DateTimeDigitized is the next best.
    let exif = Exif {
        date_time_original: Some("0000:00:00 00:00:00"),
        date_time_digitized: Some("2019:12:31 23:59:59"),
        date_time: Some("2020:01:01 10:00:00"),
        ..Exif::default()
    };
    let p = probe(&with_exif(&jpeg(16, 16, 90, |_, _| GREY), &exif)).unwrap();
    assert_eq!(p.taken_at.as_deref(), Some("2019-12-31T23:59:59"));

    let only_zero = Exif {
        date_time_original: Some("0000:00:00 00:00:00"),
        ..Exif::default()
    };
    let p = probe(&with_exif(&jpeg(16, 16, 90, |_, _| GREY), &only_zero)).unwrap();
    assert_eq!(p.taken_at, None);
}

#[test]
fn make_and_model_are_joined_when_distinct() {
    let exif = Exif {
        make: Some("Apple "),
        model: Some("iPhone 12\0"),
        ..Exif::default()
    };
    let p = probe(&with_exif(&jpeg(16, 16, 90, |_, _| GREY), &exif)).unwrap();
    assert_eq!(p.camera.as_deref(), Some("Apple iPhone 12"));
}

#[test]
fn no_exif_means_defaults() {
    let p = probe(&jpeg(33, 17, 90, |_, _| GREY)).unwrap();
    assert_eq!((p.width, p.height), (33, 17));
    assert_eq!((p.orientation, p.taken_at, p.camera), (1, None, None));
}

#[test]
fn invalid_orientation_reads_as_one() {
    let p = probe(&with_exif(
        &jpeg(16, 16, 90, |_, _| GREY),
        &Exif::orientation(9),
    ))
    .unwrap();
    assert_eq!(p.orientation, 1);
}

#[test]
fn tolerates_malformed_exif_like_piexif_writes() {
    // A next-IFD pointer into nowhere makes strict parsers reject the whole block.
    let exif = Exif {
        orientation: Some(8),
        date_time_original: Some("2022:03:04 05:06:07"),
        bad_next_ifd: true,
        ..Exif::default()
    };
    let p = probe(&with_exif(&jpeg(16, 16, 90, |_, _| GREY), &exif)).unwrap();
    assert_eq!(p.orientation, 8);
    assert_eq!(p.taken_at.as_deref(), Some("2022-03-04T05:06:07"));
}

#[test]
fn other_formats_dims() {
    let small = image::DynamicImage::new_rgb8(41, 23);
    let cases: [(Vec<u8>, Format); 4] = [
        (png(300, 200, |_, _| GREY), Format::Png),
        (encode_with(&small, image::ImageFormat::Gif), Format::Gif),
        (encode_with(&small, image::ImageFormat::WebP), Format::Webp),
        (encode_with(&small, image::ImageFormat::Tiff), Format::Tiff),
    ];
    for (data, format) in cases {
        let p = probe(&data).unwrap();
        assert_eq!(p.format, format);
        let expected = if format == Format::Png {
            (300, 200)
        } else {
            (41, 23)
        };
        assert_eq!((p.width, p.height), expected, "{format:?}");
        assert_eq!(p.orientation, 1);
    }
}

#[test]
fn tiff_orientation_from_ifd0() {
    let p = probe(&tiff_rgb(8, 4, Some(6), |_, _| GREY)).unwrap();
    assert_eq!(
        (p.format, p.width, p.height, p.orientation),
        (Format::Tiff, 8, 4, 6)
    );
}

#[test]
fn zero_bytes_is_empty() {
    assert_eq!(probe(&[]), Err(MediaError::Empty));
}

#[test]
fn garbage_is_unsupported_and_named_formats_too() {
    assert!(matches!(
        probe(b"this is not an image at all"),
        Err(MediaError::Unsupported { .. })
    ));
    assert_eq!(
        probe(b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0"),
        Err(MediaError::Unsupported {
            format: "bmp".into()
        })
    );
}

#[test]
fn truncated_header_is_corrupt() {
    let data = jpeg(64, 64, 90, |_, _| GREY);
    // SOI + the start of APP0: the frame header is not there.
    assert!(matches!(probe(&data[..10]), Err(MediaError::Corrupt(_))));
    let png = png(8, 8, |_, _| GREY);
    assert!(matches!(probe(&png[..18]), Err(MediaError::Corrupt(_))));
}

#[test]
fn extension_mapping_and_mime() {
    for (ext, f) in [
        ("jpg", Format::Jpeg),
        ("JPEG", Format::Jpeg),
        ("jpe", Format::Jpeg),
        ("png", Format::Png),
        ("Gif", Format::Gif),
        ("webp", Format::Webp),
        ("tif", Format::Tiff),
        ("TIFF", Format::Tiff),
    ] {
        assert_eq!(Format::from_extension(ext), Some(f), "{ext}");
    }
    assert_eq!(Format::from_extension("bmp"), None);
    assert_eq!(Format::from_extension(""), None);
    assert_eq!(Format::Jpeg.mime(), "image/jpeg");
    assert_eq!(Format::Webp.mime(), "image/webp");
}
