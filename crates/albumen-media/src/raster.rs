//! The in-memory image passed between pipeline stages.

use std::fmt;

/// Packed 8-bit RGB pixels, row-major, no padding.
pub(crate) struct Rgb8 {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) pixels: Vec<u8>,
}

impl Rgb8 {
    /// Byte length of a `width`×`height` RGB buffer.
    pub(crate) fn byte_len(width: u32, height: u32) -> usize {
        width as usize * height as usize * 3
    }

    /// The mean colour over a grid of at most 64×64 evenly spread pixels: what a page paints
    /// while the image loads. Black for an empty image.
    pub(crate) fn mean_colour(&self) -> [u8; 3] {
        let (w, h) = (self.width as usize, self.height as usize);
        if w == 0 || h == 0 || self.pixels.len() < w * h * 3 {
            return [0; 3];
        }
        let (nx, ny) = (w.min(64), h.min(64));
        let mut sum = [0u64; 3];
        for j in 0..ny {
            let y = (2 * j + 1) * h / (2 * ny);
            for i in 0..nx {
                let x = (2 * i + 1) * w / (2 * nx);
                let at = (y * w + x) * 3;
                for (total, &value) in sum.iter_mut().zip(&self.pixels[at..at + 3]) {
                    *total += u64::from(value);
                }
            }
        }
        let n = (nx * ny) as u64;
        sum.map(|total| u8::try_from((total + n / 2) / n).unwrap_or(u8::MAX))
    }
}

// Hand-written so a stray `{:?}` never dumps megabytes of pixels.
impl fmt::Debug for Rgb8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rgb8({}x{})", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::Rgb8;

    #[test]
    fn the_mean_colour_weighs_the_whole_image() {
        // Left half red, right half blue: purple, whatever the size.
        for (w, h) in [(2, 1), (100, 50), (1000, 3)] {
            let mut pixels = Vec::new();
            for _ in 0..h {
                for x in 0..w {
                    pixels.extend(if x < w / 2 { [200, 0, 0] } else { [0, 0, 100] });
                }
            }
            let image = Rgb8 {
                width: w,
                height: h,
                pixels,
            };
            assert_eq!(image.mean_colour(), [100, 0, 50], "{w}x{h}");
        }
        let empty = Rgb8 {
            width: 0,
            height: 0,
            pixels: Vec::new(),
        };
        assert_eq!(empty.mean_colour(), [0, 0, 0]);
    }
}
