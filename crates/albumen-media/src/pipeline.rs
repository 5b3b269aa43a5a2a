//! The render pipeline: sniff → header → limits → decode (scaled) → resize → orient → encode.

use crate::preset::{Plan, Preset, plan};
use crate::{Limits, MediaError, decode, encode, exif, format, header, orient, resize};

/// One encoded rendition.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The encoded file.
    pub bytes: Vec<u8>,
    /// Displayed width (orientation applied).
    pub width: u32,
    /// Displayed height (orientation applied).
    pub height: u32,
    /// Always `"image/jpeg"` for now.
    pub mime: &'static str,
}

/// Renders one preset from the complete original file. See [`render_all`].
pub fn render(data: &[u8], preset: &Preset, limits: &Limits) -> Result<Rendered, MediaError> {
    let mut out = render_all(data, std::slice::from_ref(preset), limits)?;
    out.pop()
        .ok_or_else(|| MediaError::Internal("no rendition produced".into()))
}

/// Renders several presets from ONE decode, in input order.
///
/// The image is decoded once, at the smallest DCT scale that still covers the most demanding
/// preset (JPEG only; other formats decode at full size), then each preset is resized from that
/// with Lanczos3, oriented per EXIF and encoded as JPEG (4:2:0). Limits are checked against the
/// header before any pixel buffer is allocated. Never upscales.
pub fn render_all(
    data: &[u8],
    presets: &[Preset],
    limits: &Limits,
) -> Result<Vec<Rendered>, MediaError> {
    let format = format::sniff(data)?;
    let header = header::read(format, data)?;
    limits.check(header.width, header.height)?;
    if presets.is_empty() {
        return Ok(Vec::new());
    }
    let orientation = header
        .tiff_orientation
        .unwrap_or_else(|| exif::read(format, data).orientation);
    // Converts sizes between stored and display space (the swap is its own inverse).
    let swap = |(w, h): (u32, u32)| if orientation >= 5 { (h, w) } else { (w, h) };
    let display = swap((header.width, header.height));

    let plans: Vec<Plan> = presets.iter().map(|p| plan(p, display)).collect();
    // The decode must satisfy the most demanding preset.
    let need = plans
        .iter()
        .map(|p| swap(p.need))
        .fold((1, 1), |a, n| (a.0.max(n.0), a.1.max(n.1)));
    let decoded = decode::decode(data, &header, need, limits)?;

    presets
        .iter()
        .zip(&plans)
        .map(|(preset, plan)| {
            // Resize in stored orientation, then orient the small result.
            let small = resize::resize(&decoded, swap(plan.out), plan.crop)?;
            let shown = orient::apply(small, orientation);
            Ok(Rendered {
                bytes: encode::jpeg(&shown, preset.quality)?,
                width: shown.width,
                height: shown.height,
                mime: "image/jpeg",
            })
        })
        .collect()
}
