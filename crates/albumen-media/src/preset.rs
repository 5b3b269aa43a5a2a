//! Output presets and the size arithmetic that applies a preset to an image.

/// How an image is fitted into a preset's box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fit {
    /// Fill the box, then centre-crop the overflow (square grid thumbnails).
    Crop,
    /// Fit entirely inside the box, keeping the aspect ratio (previews).
    Contain,
}

/// One rendition: a box, a fit and the JPEG quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Preset {
    /// Box width in pixels (0 is treated as 1).
    pub width: u32,
    /// Box height in pixels (0 is treated as 1).
    pub height: u32,
    /// Crop to fill the box, or contain within it.
    pub fit: Fit,
    /// JPEG quality 1..=100 (values outside are clamped).
    pub quality: u8,
}

impl Preset {
    /// The size of this preset's rendition of an image displayed at `display` (orientation
    /// applied): what pages put in `width`, `height` and `srcset` before the preview exists.
    pub fn output_size(&self, display: (u32, u32)) -> (u32, u32) {
        plan(self, display).out
    }
}

/// How one preset applies to one image, all in display (post-orientation) space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Final output size.
    pub(crate) out: (u32, u32),
    /// Smallest size the *whole* image must be decoded at for the resize to lose nothing:
    /// the fitted size for Contain, the fill size (before cropping) for Crop.
    pub(crate) need: (u32, u32),
    /// Whether the resize centre-crops to the output aspect ratio.
    pub(crate) crop: bool,
}

/// `a * b / c` rounded half up, computed without overflow.
fn mul_div_round(a: u32, b: u32, c: u32) -> u32 {
    let (a, b, c) = (u64::from(a), u64::from(b), u64::from(c.max(1)));
    u32::try_from((2 * a * b + c) / (2 * c)).unwrap_or(u32::MAX)
}

/// `a * b / c` rounded up.
fn mul_div_ceil(a: u32, b: u32, c: u32) -> u32 {
    let (a, b, c) = (u64::from(a), u64::from(b), u64::from(c.max(1)));
    u32::try_from((a * b).div_ceil(c)).unwrap_or(u32::MAX)
}

/// Applies `preset` to an image of `display` size. Never upscales.
///
/// Contain rounds the shorter side to the nearest pixel (half up), so 6000×4000 in a 1600 box
/// becomes 1600×1067. Crop on an image smaller than the box keeps its scale and cuts the
/// largest centred region of the box's aspect ratio.
pub(crate) fn plan(preset: &Preset, display: (u32, u32)) -> Plan {
    let (dw, dh) = (display.0.max(1), display.1.max(1));
    let (bw, bh) = (preset.width.max(1), preset.height.max(1));
    // Compare aspect ratios exactly: is the image at least as wide (relative to height) as the box?
    let wider = u64::from(dw) * u64::from(bh) >= u64::from(dh) * u64::from(bw);
    match preset.fit {
        Fit::Contain => {
            let out = if dw <= bw && dh <= bh {
                (dw, dh)
            } else if wider {
                (bw, mul_div_round(dh, bw, dw).clamp(1, bh))
            } else {
                (mul_div_round(dw, bh, dh).clamp(1, bw), bh)
            };
            Plan {
                out,
                need: out,
                crop: false,
            }
        }
        Fit::Crop => {
            let (out, need) = if wider {
                if dh <= bh {
                    ((mul_div_round(dh, bw, bh).clamp(1, dw), dh), (dw, dh))
                } else {
                    ((bw, bh), (mul_div_ceil(dw, bh, dh).min(dw), bh))
                }
            } else if dw <= bw {
                ((dw, mul_div_round(dw, bh, bw).clamp(1, dh)), (dw, dh))
            } else {
                ((bw, bh), (bw, mul_div_ceil(dh, bw, dw).min(dh)))
            };
            Plan {
                out,
                need,
                crop: true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(width: u32, height: u32, fit: Fit) -> Preset {
        Preset {
            width,
            height,
            fit,
            quality: 85,
        }
    }

    #[test]
    fn contain_fits_inside_and_rounds_half_up() {
        let plan = plan(&p(1600, 1600, Fit::Contain), (6000, 4000));
        assert_eq!(plan.out, (1600, 1067)); // 1066.67 rounds to 1067
        assert_eq!(plan.need, plan.out);
        assert_eq!(
            super::plan(&p(1600, 1600, Fit::Contain), (4000, 6000)).out,
            (1067, 1600)
        );
        // Non-square box: the binding side is chosen by aspect ratio.
        assert_eq!(
            super::plan(&p(1920, 1080, Fit::Contain), (4000, 3000)).out,
            (1440, 1080)
        );
    }

    #[test]
    fn output_size_is_the_planned_size() {
        assert_eq!(
            p(2560, 2560, Fit::Contain).output_size((6000, 4000)),
            (2560, 1707)
        );
        assert_eq!(p(256, 256, Fit::Crop).output_size((6000, 4000)), (256, 256));
        assert_eq!(
            p(2560, 2560, Fit::Contain).output_size((800, 600)),
            (800, 600)
        );
    }

    #[test]
    fn contain_never_upscales() {
        assert_eq!(plan(&p(256, 256, Fit::Contain), (100, 50)).out, (100, 50));
    }

    #[test]
    fn crop_needs_the_fill_size() {
        let plan = plan(&p(256, 256, Fit::Crop), (6000, 4000));
        assert_eq!(plan.out, (256, 256));
        assert_eq!(plan.need, (384, 256));
        assert!(plan.crop);
    }

    #[test]
    fn crop_on_small_image_cuts_largest_centred_box() {
        let plan = plan(&p(256, 256, Fit::Crop), (100, 50));
        assert_eq!(plan.out, (50, 50));
        assert_eq!(plan.need, (100, 50));
        // One side larger than the box, the other smaller: still no upscaling.
        assert_eq!(
            super::plan(&p(256, 256, Fit::Crop), (1000, 100)).out,
            (100, 100)
        );
    }

    #[test]
    fn degenerate_box_is_one_pixel() {
        assert_eq!(plan(&p(0, 0, Fit::Contain), (10, 10)).out, (1, 1));
        assert_eq!(plan(&p(0, 0, Fit::Crop), (10, 10)).out, (1, 1));
    }
}
