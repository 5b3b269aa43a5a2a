//! Resource limits checked from the header, before any pixel buffer exists.

use crate::MediaError;

/// Caps on what the pipeline will decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum stored pixel count (width × height). Pixels are not bytes: a 100 MP 8-bit RGB
    /// decode holds about 300 MB, a 100 MP 16-bit RGBA one about 1.2 GB; callers bound bytes
    /// with [`crate::memory_need`].
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_pixels: 100_000_000,
        }
    }
}

impl Limits {
    /// Rejects a `width`×`height` image that exceeds the limit.
    pub fn check(&self, width: u32, height: u32) -> Result<(), MediaError> {
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(MediaError::TooLarge {
                width,
                height,
                limit: self.max_pixels,
            });
        }
        Ok(())
    }
}
