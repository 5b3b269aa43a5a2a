//! Downscaling (and centre-cropping) with fast_image_resize's Lanczos3.

use std::cell::RefCell;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::MediaError;
use crate::raster::Rgb8;

thread_local! {
    // Reuses the convolution buffers between calls on the same worker thread.
    static RESIZER: RefCell<Resizer> = RefCell::new(Resizer::new());
}

/// Resizes `src` to exactly `out`; with `crop`, the source is first cut to `out`'s aspect ratio
/// around its centre, otherwise it is scaled as a whole.
pub(crate) fn resize(src: &Rgb8, out: (u32, u32), crop: bool) -> Result<Rgb8, MediaError> {
    let (ow, oh) = (out.0.max(1), out.1.max(1));
    if (src.width, src.height) == (ow, oh) {
        return Ok(Rgb8 {
            width: ow,
            height: oh,
            pixels: src.pixels.clone(),
        });
    }
    // A crop at scale 1 (small image in a big Crop box) is a plain copy of the middle; going
    // through the convolution with a half-pixel offset would only blur it.
    if crop && ow <= src.width && oh <= src.height && (ow == src.width || oh == src.height) {
        return Ok(centre_cut(src, ow, oh));
    }
    let fail = |e: &dyn std::fmt::Display| MediaError::Internal(format!("resize: {e}"));
    let src_view =
        ImageRef::new(src.width, src.height, &src.pixels, PixelType::U8x3).map_err(|e| fail(&e))?;
    let mut dst = Image::new(ow, oh, PixelType::U8x3);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if crop {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    // The resizer keeps its intermediate image for the next call on this thread; one for a
    // huge source is dropped instead, as the decode buffer is (`spare`).
    let intermediate =
        (src.height as usize * ow as usize).max(src.width as usize * oh as usize) * 3;
    if intermediate > crate::spare::SPARE_MAX {
        Resizer::new().resize(&src_view, &mut dst, &options)
    } else {
        RESIZER.with_borrow_mut(|r| r.resize(&src_view, &mut dst, &options))
    }
    .map_err(|e| fail(&e))?;
    Ok(Rgb8 {
        width: ow,
        height: oh,
        pixels: dst.into_vec(),
    })
}

/// Copies the centred `w`×`h` region of `src` (which must be at least that big).
fn centre_cut(src: &Rgb8, w: u32, h: u32) -> Rgb8 {
    let left = ((src.width - w) / 2) as usize;
    let top = ((src.height - h) / 2) as usize;
    let stride = src.width as usize * 3;
    let row_len = w as usize * 3;
    let mut pixels = Vec::with_capacity(Rgb8::byte_len(w, h));
    for row in src.pixels.chunks_exact(stride).skip(top).take(h as usize) {
        pixels.extend_from_slice(&row[left * 3..left * 3 + row_len]);
    }
    Rgb8 {
        width: w,
        height: h,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centre_cut_takes_the_middle() {
        // 4×1 image with pixels 0,1,2,3 (grey levels); the middle 2 are 1 and 2.
        let src = Rgb8 {
            width: 4,
            height: 1,
            pixels: [0u8, 1, 2, 3].iter().flat_map(|v| [*v; 3]).collect(),
        };
        let out = resize(&src, (2, 1), true).expect("resize");
        assert_eq!(out.pixels, vec![1, 1, 1, 2, 2, 2]);
    }

    #[test]
    fn downscale_keeps_flat_colour() {
        let src = Rgb8 {
            width: 40,
            height: 30,
            pixels: [10u8, 200, 30].repeat(40 * 30),
        };
        let out = resize(&src, (7, 5), false).expect("resize");
        assert_eq!((out.width, out.height), (7, 5));
        assert!(out.pixels.chunks_exact(3).all(|p| p == [10, 200, 30]));
    }
}
