//! What a rendition is encoded as.

use crate::Preset;

/// The file format of a rendition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Baseline JPEG, 4:2:0 chroma (libjpeg-turbo). Every browser shows it.
    #[default]
    Jpeg,
    /// Lossy WebP (libwebp): about a third smaller than JPEG at similar quality, but slower
    /// to encode.
    Webp,
    /// AVIF (AV1 in HEIF, through libheif): smaller still. Only with the `heif` feature and an
    /// AV1 encoder in libheif; see [`Encoding::available`].
    Avif,
}

impl Encoding {
    /// The MIME type of the encoded bytes.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
        }
    }

    /// The usual file extension, without the dot (for cache object names).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
            Self::Avif => "avif",
        }
    }

    /// Whether this build can encode it: JPEG and WebP always, AVIF when built with the
    /// `heif` feature and libheif found an AV1 encoder.
    pub fn available(self) -> bool {
        match self {
            Self::Jpeg | Self::Webp => true,
            #[cfg(feature = "heif")]
            Self::Avif => crate::heif::avif_encoder_available(),
            #[cfg(not(feature = "heif"))]
            Self::Avif => false,
        }
    }
}

/// One requested rendition: a preset and the format to encode it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Output {
    /// Size, fit and quality.
    pub preset: Preset,
    /// File format; the preset's quality applies to both.
    pub encoding: Encoding,
}

impl From<Preset> for Output {
    /// A JPEG rendition, what [`crate::render_all`] produces.
    fn from(preset: Preset) -> Self {
        Self {
            preset,
            encoding: Encoding::Jpeg,
        }
    }
}

impl Preset {
    /// This preset encoded as `encoding`.
    pub fn encoded(self, encoding: Encoding) -> Output {
        Output {
            preset: self,
            encoding,
        }
    }
}
