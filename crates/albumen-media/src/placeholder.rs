//! The "broken image" stand-in served when an original cannot be rendered.

use crate::preset::Preset;
use crate::raster::Rgb8;
use crate::{Rendered, encode};

const BACKGROUND: u8 = 0xC8;
const MARK: u8 = 0xA8;

/// A neutral grey JPEG filling the preset's whole box (for either fit), with a subtle mark: a
/// darker square outline with a diagonal cross, centred. Same bytes for the same preset.
pub fn placeholder(preset: &Preset) -> Rendered {
    let (w, h) = (preset.width.max(1), preset.height.max(1));
    let img = draw(w, h);
    // Encoding a flat grey image at a fixed size cannot fail short of allocation failure; if
    // it somehow does, an empty body with the right headers still beats an error page.
    let bytes = encode::jpeg(&img, preset.quality).unwrap_or_default();
    Rendered {
        bytes,
        width: w,
        height: h,
        mime: "image/jpeg",
        colour: [BACKGROUND; 3],
    }
}

fn draw(w: u32, h: u32) -> Rgb8 {
    let mut pixels = vec![BACKGROUND; Rgb8::byte_len(w, h)];
    let side = w.min(h) / 3;
    let stroke = (side / 24).max(1);
    if side >= 6 {
        let (x0, y0) = ((w - side) / 2, (h - side) / 2);
        for dy in 0..side {
            for dx in 0..side {
                let edge = dx < stroke || dy < stroke || dx >= side - stroke || dy >= side - stroke;
                let diagonal = dx.abs_diff(dy) < stroke || (dx + dy).abs_diff(side - 1) < stroke;
                if edge || diagonal {
                    let at = Rgb8::byte_len(w, y0 + dy) + (x0 + dx) as usize * 3;
                    pixels[at..at + 3].fill(MARK);
                }
            }
        }
    }
    Rgb8 {
        width: w,
        height: h,
        pixels,
    }
}
