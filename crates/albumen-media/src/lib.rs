//! Albumen's image pipeline: pure CPU, synchronous, bytes in and bytes out.
//!
//! * [`probe`] reads format, size, orientation, capture time, camera, lens, exposure settings
//!   and GPS position from a file's head without decoding pixels (library scans).
//! * [`render`] / [`render_all`] produce JPEG thumbnails and previews: limits are checked from
//!   the header first, JPEGs are decoded by libjpeg-turbo at a reduced DCT scale, resized with
//!   Lanczos3, oriented per EXIF and encoded with libjpeg-turbo.
//! * [`memory_need`] tells, from the headers alone, how many bytes a render will hold at its
//!   peak, so callers can reserve them from a memory budget first.
//! * [`placeholder`] is the grey stand-in for originals that cannot be rendered.
//!
//! No paths, no IO, no async: callers run this on blocking threads.

#[cfg(test)]
mod ban_canary;
mod decode;
mod encode;
mod error;
mod exif;
mod format;
mod guard;
mod header;
#[cfg(feature = "heif")]
mod heif;
mod icc;
mod limits;
mod memory;
mod orient;
mod output;
mod pipeline;
mod placeholder;
mod preset;
mod probe;
mod raster;
mod raw;
mod resize;
mod source;
mod spare;

pub use error::MediaError;
pub use format::Format;
pub use limits::Limits;
pub use output::{Encoding, Output};
pub use pipeline::{Rendered, memory_need, render, render_all, render_outputs};
pub use placeholder::placeholder;
pub use preset::{Fit, Preset};
pub use probe::{Probe, probe};

/// Version of the rendering output. Bump whenever the pixels or bytes produced for the same
/// input and preset change (resampling, orientation, encoder settings); it is part of the
/// cache key, so a bump invalidates stale thumbnails.
pub const PIPELINE_VERSION: u32 = 3;
