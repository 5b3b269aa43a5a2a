//! EXIF orientation: all eight values land the stored top-left marker where a viewer shows it.

use albumen_media::{Fit, render};

use crate::fixtures::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}
use Corner::*;

/// Stored 64×32: a red square at the stored top-left, a blue one at the stored bottom-left.
fn marked(h: u32) -> impl Fn(u32, u32) -> Rgb {
    move |x, y| match (x < h / 2, y < h / 2) {
        (true, true) => RED,
        (true, false) => BLUE,
        _ => GREY,
    }
}

/// Colour at the middle of the 16×16 marker-sized region in `corner`.
fn at(img: &(u32, u32, Vec<u8>), corner: Corner) -> Rgb {
    let (w, h) = (img.0, img.1);
    let (x, y) = match corner {
        TopLeft => (8, 8),
        TopRight => (w - 9, 8),
        BottomLeft => (8, h - 9),
        BottomRight => (w - 9, h - 9),
    };
    pixel(img, x, y)
}

/// Where the stored top-left (red) and bottom-left (blue) corners are displayed, per the EXIF
/// 2.3 definition of tag 0x0112 (written out, not derived from the implementation).
const EXPECTED: [(Corner, Corner); 8] = [
    (TopLeft, BottomLeft),     // 1 normal
    (TopRight, BottomRight),   // 2 mirrored horizontally
    (BottomRight, TopRight),   // 3 rotated 180°
    (BottomLeft, TopLeft),     // 4 mirrored vertically
    (TopLeft, TopRight),       // 5 transposed
    (TopRight, TopLeft),       // 6 rotated 90° clockwise
    (BottomRight, BottomLeft), // 7 transversed
    (BottomLeft, BottomRight), // 8 rotated 90° counter-clockwise
];

#[test]
fn all_eight_orientations_jpeg() {
    let base = jpeg(64, 32, 95, marked(32));
    for (i, (red_at, blue_at)) in EXPECTED.into_iter().enumerate() {
        let o = i as u16 + 1;
        let data = with_exif(&base, &Exif::orientation(o));
        let out = render(
            &data,
            &preset(1000, 1000, Fit::Contain),
            &Default::default(),
        )
        .unwrap();
        let expected_dims = if o >= 5 { (32, 64) } else { (64, 32) };
        assert_eq!((out.width, out.height), expected_dims, "orientation {o}");
        let img = decode(&out.bytes);
        assert_eq!(
            (img.0, img.1),
            expected_dims,
            "orientation {o}: encoded size"
        );
        for corner in [TopLeft, TopRight, BottomLeft, BottomRight] {
            let c = at(&img, corner);
            let want = if corner == red_at {
                RED
            } else if corner == blue_at {
                BLUE
            } else {
                GREY
            };
            assert!(
                near(c, want, 60),
                "orientation {o}: {corner:?} is {c:?}, want {want:?}"
            );
        }
    }
}

#[test]
fn orientation_applies_to_crop_and_downscale_too() {
    // Stored 400×200 landscape with Orientation=6 displays as 200×400 portrait; a 100-wide
    // Contain keeps the marker (stored top-left) at the displayed top-right.
    let (w, h) = (400, 200);
    let data = with_exif(&jpeg(w, h, 95, marked(h)), &Exif::orientation(6));
    let out = render(&data, &preset(100, 100, Fit::Contain), &Default::default()).unwrap();
    assert_eq!((out.width, out.height), (50, 100));
    let img = decode(&out.bytes);
    assert!(
        near(pixel(&img, 40, 10), RED, 60),
        "{:?}",
        pixel(&img, 40, 10)
    );
    assert!(
        near(pixel(&img, 10, 10), BLUE, 60),
        "{:?}",
        pixel(&img, 10, 10)
    );
    assert!(near(pixel(&img, 25, 80), GREY, 30));
}

#[test]
fn tiff_orientation_is_applied() {
    let data = tiff_rgb(64, 32, Some(8), marked(32));
    let out = render(
        &data,
        &preset(1000, 1000, Fit::Contain),
        &Default::default(),
    )
    .unwrap();
    assert_eq!((out.width, out.height), (32, 64));
    let img = decode(&out.bytes);
    assert!(near(at(&img, BottomLeft), RED, 60));
    assert!(near(at(&img, BottomRight), BLUE, 60));
}
