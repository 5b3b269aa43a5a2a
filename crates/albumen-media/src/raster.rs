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
}

// Hand-written so a stray `{:?}` never dumps megabytes of pixels.
impl fmt::Debug for Rgb8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rgb8({}x{})", self.width, self.height)
    }
}
