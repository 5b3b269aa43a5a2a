//! Camera RAW files render from their largest embedded JPEG preview.

use albumen_media::{Fit, Format, Limits, MediaError, probe, render};
use turbojpeg::{Compressor, PixelFormat};

use crate::fixtures::RawField::*;
use crate::fixtures::*;

fn lossless_jpeg(w: u32, h: u32) -> Vec<u8> {
    let buf = rgb_buf(w, h, |_, _| GREEN);
    let mut c = Compressor::new().unwrap();
    c.set_lossless(true).unwrap();
    c.compress_to_vec(turbojpeg::Image {
        pixels: buf.as_slice(),
        width: w as usize,
        pitch: w as usize * 3,
        height: h as usize,
        format: PixelFormat::RGB,
    })
    .unwrap()
}

#[test]
fn nef_like_raw_renders_its_largest_preview_oriented() {
    let data = raw_nef_like(640, 480);
    let p = probe(&data).unwrap();
    assert_eq!(p.format, Format::Raw);
    // The size of what renders (the preview), and IFD0's orientation and make.
    assert_eq!((p.width, p.height, p.orientation), (640, 480, 6));
    assert_eq!(p.camera.as_deref(), Some("NIKON CORPORATION"));

    let out = render(&data, &preset(320, 320, Fit::Contain), &Limits::default()).unwrap();
    assert_eq!((out.width, out.height), (240, 320));
    let img = decode(&out.bytes);
    // Not the green thumbnail; rotated 90° clockwise, so the red left half is now on top.
    assert!(
        near(pixel(&img, 120, 40), RED, 40),
        "{:?}",
        pixel(&img, 120, 40)
    );
    assert!(
        near(pixel(&img, 120, 280), BLUE, 40),
        "{:?}",
        pixel(&img, 120, 280)
    );
}

#[test]
fn dng_preview_strip_is_used_and_lossless_raw_data_skipped() {
    // IFD0: a 400×300 preview as a compression-7 strip. SubIFD: the bigger "raw data" as
    // lossless JPEG, which must not be picked although it has more pixels.
    let preview = jpeg(400, 300, 90, |_, _| RED);
    let raw = lossless_jpeg(800, 600);
    let data = raw_file(
        b"II*\0",
        &[],
        &[preview, raw],
        &[
            vec![
                (0x0103, Short(7)),
                (0x0111, BlobOffset(0)),
                (0x0117, BlobLength(0)),
                (0x014A, Ifds(vec![1])),
                (0xC612, Long(0x0104_0000)),
            ],
            vec![
                (0x0103, Short(7)),
                (0x0106, Short(32803)),
                (0x0111, BlobOffset(1)),
                (0x0117, BlobLength(1)),
            ],
        ],
        &[0],
    );
    assert_eq!(probe(&data).unwrap().format, Format::Raw);
    let out = render(&data, &preset(200, 200, Fit::Contain), &Limits::default()).unwrap();
    assert_eq!((out.width, out.height), (200, 150));
    assert!(near(pixel(&decode(&out.bytes), 100, 75), RED, 30));
}

#[test]
fn cr2_orf_and_rw2_magic_numbers_are_recognised() {
    let preview = || jpeg(300, 200, 90, |_, _| BLUE);
    let strip = |blob| {
        vec![
            (0x0103, Short(6)),
            (0x0111, BlobOffset(blob)),
            (0x0117, BlobLength(blob)),
        ]
    };
    let cr2 = raw_file(
        b"II*\0",
        b"CR\x02\0\0\0\0\0",
        &[preview()],
        &[strip(0)],
        &[0],
    );
    let orf = raw_file(b"IIRO", &[], &[preview()], &[strip(0)], &[0]);
    // Panasonic keeps a full JPEG in tag 0x2E.
    let rw2 = raw_file(
        b"IIU\0",
        &[],
        &[preview()],
        &[vec![(0x002E, BlobBytes(0))]],
        &[0],
    );
    for (name, data) in [("cr2", cr2), ("orf", orf), ("rw2", rw2)] {
        let p = probe(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (p.format, p.width, p.height),
            (Format::Raw, 300, 200),
            "{name}"
        );
        let out = render(&data, &preset(150, 150, Fit::Contain), &Limits::default()).unwrap();
        assert_eq!((out.width, out.height), (150, 100), "{name}");
    }
}

#[test]
fn the_embedded_preview_is_held_to_the_limits() {
    let data = raw_nef_like(640, 480);
    let err = render(
        &data,
        &preset(64, 64, Fit::Crop),
        &Limits {
            max_pixels: 640 * 480 - 1,
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooLarge {
                width: 640,
                height: 480,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn raw_without_a_preview_is_a_clean_bad_input_error() {
    let data = raw_file(
        b"II*\0",
        &[],
        &[vec![0u8; 256]],
        &[vec![
            (0x0106, Short(32803)),
            (0x0111, BlobOffset(0)),
            (0x0117, BlobLength(0)),
        ]],
        &[0],
    );
    let err = render(&data, &preset(64, 64, Fit::Crop), &Limits::default()).unwrap_err();
    assert!(err.is_bad_input(), "{err:?}");
}

#[test]
fn plain_tiff_is_not_taken_for_raw() {
    let data = tiff_rgb(20, 10, None, |_, _| GREY);
    assert_eq!(probe(&data).unwrap().format, Format::Tiff);
}

#[test]
fn raw_extensions_are_catalogued() {
    for ext in ["CR2", "nef", "arw", "dng", "orf", "rw2", "pef"] {
        assert_eq!(Format::from_extension(ext), Some(Format::Raw), "{ext}");
    }
}
