//! The render pipeline: sniff → header → limits → decode (scaled) → resize → orient → encode.

use crate::decode::Decoded;
use crate::preset::{Plan, Preset, plan};
use crate::raster::Rgb8;
use crate::{
    Limits, MediaError, Output, decode, encode, format, memory, orient, resize, source, spare,
};

/// One encoded rendition.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The encoded file.
    pub bytes: Vec<u8>,
    /// Displayed width (orientation applied).
    pub width: u32,
    /// Displayed height (orientation applied).
    pub height: u32,
    /// `"image/jpeg"` or `"image/webp"`, per the requested [`crate::Encoding`].
    pub mime: &'static str,
    /// The rendition's mean colour (sRGB), for a placeholder painted while it loads.
    pub colour: [u8; 3],
}

/// The bytes a [`render_outputs`] call with the same arguments holds at its peak, from the
/// headers alone (no pixel is decoded): the decoder's output at the scale it will really
/// decode, in its own sample format, its working buffers, and the resize and encode buffers
/// of every output. Callers reserve it from a memory budget before rendering. Fails as
/// `render_outputs` would on a file it cannot open or above `limits`.
pub fn memory_need(data: &[u8], outputs: &[Output], limits: &Limits) -> Result<u64, MediaError> {
    let Some(prepared) = prepare(data, outputs, limits)? else {
        return Ok(0);
    };
    memory::render_need(
        prepared.source.bytes,
        &prepared.source.header,
        prepared.need,
        outputs,
        &prepared.plans,
        prepared.orientation >= 5,
    )
}

/// Everything decided before decoding.
struct Prepared<'a> {
    source: source::Source<'a>,
    orientation: u8,
    /// One per output, in display space.
    plans: Vec<Plan>,
    /// The size the decode must reach, in stored orientation.
    need: (u32, u32),
}

/// Opens the source, checks limits against its header and plans every output; None when
/// there are no outputs.
fn prepare<'a>(
    data: &'a [u8],
    outputs: &[Output],
    limits: &Limits,
) -> Result<Option<Prepared<'a>>, MediaError> {
    let source = source::open(format::sniff(data)?, data)?;
    let header = source.header;
    limits.check(header.width, header.height)?;
    if outputs.is_empty() {
        return Ok(None);
    }
    let orientation = source.orientation();
    // Converts sizes between stored and display space (the swap is its own inverse).
    let swap = |(w, h): (u32, u32)| if orientation >= 5 { (h, w) } else { (w, h) };
    let display = swap((header.width, header.height));
    let plans: Vec<Plan> = outputs.iter().map(|o| plan(&o.preset, display)).collect();
    // The decode must satisfy the most demanding preset.
    let need = plans
        .iter()
        .map(|p| swap(p.need))
        .fold((1, 1), |a, n| (a.0.max(n.0), a.1.max(n.1)));
    Ok(Some(Prepared {
        source,
        orientation,
        plans,
        need,
    }))
}

/// Renders one preset from the complete original file. See [`render_all`].
pub fn render(data: &[u8], preset: &Preset, limits: &Limits) -> Result<Rendered, MediaError> {
    let mut out = render_all(data, std::slice::from_ref(preset), limits)?;
    out.pop()
        .ok_or_else(|| MediaError::Internal("no rendition produced".into()))
}

/// Renders several presets from ONE decode, in input order, as JPEG. See [`render_outputs`].
pub fn render_all(
    data: &[u8],
    presets: &[Preset],
    limits: &Limits,
) -> Result<Vec<Rendered>, MediaError> {
    let outputs: Vec<Output> = presets.iter().map(|p| Output::from(*p)).collect();
    render_outputs(data, &outputs, limits)
}

/// Renders several outputs (preset + encoding) from ONE decode, in input order.
///
/// The image is decoded once, at the smallest DCT scale n/8 that still covers the most demanding
/// preset (JPEG only; other formats decode at full size). The largest rendition is resized from
/// that with Lanczos3; smaller ones are resized from the smallest whole-image rendition already
/// made that covers them (a 256 thumbnail from the 1600 preview, not from the 2250 px decode),
/// which is cheaper and, with at least the target size to start from, as sharp. Each is
/// oriented per EXIF and encoded without metadata, keeping an RGB ICC profile. Limits are
/// checked against the header before any pixel buffer is allocated. Never upscales.
pub fn render_outputs(
    data: &[u8],
    outputs: &[Output],
    limits: &Limits,
) -> Result<Vec<Rendered>, MediaError> {
    let Some(prepared) = prepare(data, outputs, limits)? else {
        return Ok(Vec::new());
    };
    let Prepared {
        source,
        orientation,
        plans,
        need,
    } = prepared;
    let swap = |(w, h): (u32, u32)| if orientation >= 5 { (h, w) } else { (w, h) };
    let Decoded { image, icc } = decode::decode(source.bytes, &source.header, need, limits)?;

    // Most demanding first, so smaller renditions can start from larger ones.
    let mut order: Vec<usize> = (0..outputs.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(u64::from(plans[i].need.0) * u64::from(plans[i].need.1))
    });
    // Whole-image (uncropped) renditions in stored orientation, candidates to resize from.
    let mut sources: Vec<Rgb8> = Vec::new();
    let mut done: Vec<Option<Rendered>> = vec![None; outputs.len()];
    for i in order {
        let (output, plan) = (&outputs[i], &plans[i]);
        let need = swap(plan.need);
        let covers = |s: &&Rgb8| s.width >= need.0 && s.height >= need.1;
        // `sources` come in decreasing area, so the last one that covers is the smallest.
        let from = sources.iter().rev().find(covers).unwrap_or(&image);
        // Resize in stored orientation, then orient the small result.
        let small = resize::resize(from, swap(plan.out), plan.crop)?;
        let shown = orient::oriented(&small, orientation);
        let shown = shown.as_ref().unwrap_or(&small);
        done[i] = Some(Rendered {
            bytes: encode::encode(
                shown,
                output.preset.quality,
                output.encoding,
                icc.as_deref(),
            )?,
            width: shown.width,
            height: shown.height,
            mime: output.encoding.mime(),
            colour: shown.mean_colour(),
        });
        if !plan.crop {
            sources.push(small);
        }
    }
    spare::give_back(image.pixels);
    done.into_iter()
        .map(|r| r.ok_or_else(|| MediaError::Internal("rendition missing".into())))
        .collect()
}
