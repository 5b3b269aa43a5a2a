//! Panic containment around third-party parsers.
//!
//! Decoders for PNG/GIF/WebP/TIFF and the EXIF parser are pure Rust and fuzzed, but a single
//! panic on a hostile file would take down a worker thread mid-batch. Catching it turns such a
//! bug into an ordinary "corrupt input" error so the gallery serves a placeholder instead.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::MediaError;

/// Runs `f`, converting a panic into [`MediaError::Corrupt`].
pub(crate) fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, MediaError> {
    // AssertUnwindSafe: `f` only reads the input slice and builds fresh values; nothing it
    // could leave half-modified is observed after a panic.
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|_| MediaError::corrupt("decoder panicked on this input"))
}
