//! JPEG output through libjpeg-turbo.

use std::cell::RefCell;

use turbojpeg::{Compressor, PixelFormat, Subsamp};

use crate::MediaError;
use crate::raster::Rgb8;

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor>> = const { RefCell::new(None) };
}

/// Encodes `img` as a baseline JPEG with 4:2:0 chroma at `quality` (clamped to 1..=100).
pub(crate) fn jpeg(img: &Rgb8, quality: u8) -> Result<Vec<u8>, MediaError> {
    let fail = |e: turbojpeg::Error| MediaError::Encode(e.to_string());
    COMPRESSOR.with_borrow_mut(|slot| {
        let comp = match slot {
            Some(comp) => comp,
            None => {
                let mut comp = Compressor::new().map_err(fail)?;
                comp.set_subsamp(Subsamp::Sub2x2).map_err(fail)?;
                slot.insert(comp)
            }
        };
        comp.set_quality(i32::from(quality.clamp(1, 100)))
            .map_err(fail)?;
        let image = turbojpeg::Image {
            pixels: img.pixels.as_slice(),
            width: img.width as usize,
            pitch: img.width as usize * 3,
            height: img.height as usize,
            format: PixelFormat::RGB,
        };
        comp.compress_to_vec(image).map_err(fail)
    })
}
