//! EXIF orientation: turning the stored pixel grid into the displayed one.
//!
//! Applied to the already-small output (orienting commutes with a centred resize/crop), so
//! it costs well under a millisecond even for large previews.

use crate::raster::Rgb8;

/// Returns `img` as it should be displayed for EXIF `orientation` (1..=8; anything else is
/// treated as 1). 5..=8 swap width and height.
#[cfg(test)]
pub(crate) fn apply(img: Rgb8, orientation: u8) -> Rgb8 {
    oriented(&img, orientation).unwrap_or(img)
}

/// `img` as displayed for `orientation`, or None when it is displayed as stored (1, or an
/// invalid value), so the caller can use `img` itself without a copy.
pub(crate) fn oriented(img: &Rgb8, orientation: u8) -> Option<Rgb8> {
    if !(2..=8).contains(&orientation) {
        return None;
    }
    let (sw, sh) = (img.width as usize, img.height as usize);
    let (dw, dh) = if orientation >= 5 { (sh, sw) } else { (sw, sh) };
    // For each display pixel (x, y), the stored pixel it shows:
    //   2 mirror horizontally, 3 rotate 180°, 4 mirror vertically,
    //   5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise.
    let source = |x: usize, y: usize| -> (usize, usize) {
        match orientation {
            2 => (sw - 1 - x, y),
            3 => (sw - 1 - x, sh - 1 - y),
            4 => (x, sh - 1 - y),
            5 => (y, x),
            6 => (y, sh - 1 - x),
            7 => (sw - 1 - y, sh - 1 - x),
            _ => (sw - 1 - y, x), // 8
        }
    };
    let mut pixels = Vec::with_capacity(img.pixels.len());
    for y in 0..dh {
        for x in 0..dw {
            let (sx, sy) = source(x, y);
            let at = (sy * sw + sx) * 3;
            pixels.extend_from_slice(&img.pixels[at..at + 3]);
        }
    }
    Some(Rgb8 {
        width: dw as u32,
        height: dh as u32,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2×1 stored image: pixel A at the left, B at the right.
    fn two_by_one() -> Rgb8 {
        Rgb8 {
            width: 2,
            height: 1,
            pixels: vec![1, 1, 1, 2, 2, 2],
        }
    }

    fn grey(img: &Rgb8) -> Vec<u8> {
        img.pixels.chunks_exact(3).map(|p| p[0]).collect()
    }

    #[test]
    fn all_eight_orientations() {
        // Stored row [A B]. Expected display layouts, row-major.
        let expected: [(u32, u32, [u8; 2]); 8] = [
            (2, 1, [1, 2]), // 1 as is
            (2, 1, [2, 1]), // 2 mirrored
            (2, 1, [2, 1]), // 3 rotated 180
            (2, 1, [1, 2]), // 4 flipped vertically (one row: unchanged)
            (1, 2, [1, 2]), // 5 transpose: A stays on top
            (1, 2, [1, 2]), // 6 rotate CW: left edge goes to the top
            (1, 2, [2, 1]), // 7 transverse: A at the bottom
            (1, 2, [2, 1]), // 8 rotate CCW: left edge goes to the bottom
        ];
        for (i, (w, h, px)) in expected.into_iter().enumerate() {
            let out = apply(two_by_one(), i as u8 + 1);
            assert_eq!((out.width, out.height), (w, h), "orientation {}", i + 1);
            assert_eq!(grey(&out), px, "orientation {}", i + 1);
        }
    }

    #[test]
    fn invalid_orientation_is_identity() {
        assert_eq!(grey(&apply(two_by_one(), 0)), [1, 2]);
        assert_eq!(grey(&apply(two_by_one(), 9)), [1, 2]);
    }
}
