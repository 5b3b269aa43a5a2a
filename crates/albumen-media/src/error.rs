//! The one error type of the crate.

/// Why an image could not be probed or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// Zero bytes were given.
    #[error("empty input")]
    Empty,
    /// The bytes are not one of the formats we render (or a variant of one we do not support,
    /// such as a 12-bit JPEG).
    #[error("unsupported image format: {format}")]
    Unsupported {
        /// Short human-readable name of what was recognised ("heic", "12-bit JPEG", "unknown").
        format: String,
    },
    /// A format this build leaves out: HEIC/HEIF/AVIF without the `heif` cargo feature. The
    /// file may be fine; a build with the feature renders it.
    #[error("{format} support is not built in (cargo feature `heif`)")]
    NotBuiltIn {
        /// What the file is ("HEIC/AVIF").
        format: &'static str,
    },
    /// The header declares more pixels than [`crate::Limits`] allow. Detected from the header
    /// alone, before any pixel buffer is allocated.
    #[error("image of {width}x{height} exceeds the limit of {limit} pixels")]
    TooLarge {
        /// Stored width from the header.
        width: u32,
        /// Stored height from the header.
        height: u32,
        /// The `max_pixels` limit that was exceeded.
        limit: u64,
    },
    /// The bytes claim to be a supported format but cannot be parsed or decoded.
    #[error("corrupt image: {0}")]
    Corrupt(String),
    /// The output JPEG could not be produced (not the input's fault).
    #[error("encoding failed: {0}")]
    Encode(String),
    /// A codec could not be set up (allocation failure or similar; not the input's fault).
    #[error("internal codec error: {0}")]
    Internal(String),
}

impl MediaError {
    /// True when the failure is caused by the input file (or, for [`Self::NotBuiltIn`], by
    /// what this build can read), so retrying the same bytes is pointless and a placeholder
    /// should be served; false for failures on our side.
    pub fn is_bad_input(&self) -> bool {
        match self {
            Self::Empty
            | Self::Unsupported { .. }
            | Self::NotBuiltIn { .. }
            | Self::TooLarge { .. }
            | Self::Corrupt(_) => true,
            Self::Encode(_) | Self::Internal(_) => false,
        }
    }

    pub(crate) fn unsupported(format: impl Into<String>) -> Self {
        Self::Unsupported {
            format: format.into(),
        }
    }

    pub(crate) fn corrupt(msg: impl Into<String>) -> Self {
        Self::Corrupt(msg.into())
    }
}
