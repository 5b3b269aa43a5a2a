//! Camera RAW files (CR2, NEF, ARW, DNG, ORF, RW2, PEF): we render the largest JPEG preview the
//! camera embedded instead of demosaicing the sensor data.
//!
//! All of these are TIFF structures (ORF and RW2 with their own magic numbers). Previews hide
//! in three places: JPEGInterchangeFormat/Length pairs (NEF, ARW, PEF, ORF thumbnails), a
//! single JPEG strip in an IFD whose Compression is 6 or 7 (CR2's IFD0, DNG previews), and
//! Panasonic's JpgFromRaw tag in RW2. IFD chains and SubIFDs are followed; every candidate must
//! be an 8-bit lossy JPEG (the raw data itself is often lossless JPEG, which we skip).

use crate::header;

/// At most this many IFDs are visited: real files have under ten; a loop or a bomb stops here.
const MAX_IFDS: usize = 32;
/// At most this many entries per IFD are read.
const MAX_ENTRIES: u16 = 1000;

const TAG_COMPRESSION: u16 = 0x0103;
const TAG_PHOTOMETRIC: u16 = 0x0106;
const TAG_STRIP_OFFSETS: u16 = 0x0111;
const TAG_ORIENTATION: u16 = 0x0112;
const TAG_STRIP_BYTE_COUNTS: u16 = 0x0117;
const TAG_SUB_IFDS: u16 = 0x014A;
const TAG_JPEG_OFFSET: u16 = 0x0201;
const TAG_JPEG_LENGTH: u16 = 0x0202;
const TAG_RW2_JPG_FROM_RAW: u16 = 0x002E;
const TAG_DNG_VERSION: u16 = 0xC612;
/// PhotometricInterpretation of sensor data: colour filter array and linear raw.
const PHOTOMETRIC_RAW: [u32; 2] = [32803, 34892];

/// What a walk over a RAW file's IFDs found.
#[derive(Debug, Default)]
pub(crate) struct Scan<'a> {
    /// The embedded JPEG with the most pixels, with its (width, height).
    pub(crate) preview: Option<(&'a [u8], (u32, u32))>,
    /// Orientation from IFD0, which applies to the previews too.
    pub(crate) orientation: Option<u8>,
    /// Whether the structure holds sensor data (DNGVersion, a CFA or LinearRaw image), which
    /// tells a RAW from an ordinary TIFF that shares its magic number.
    pub(crate) has_sensor_data: bool,
}

/// ORF, RW2 and CR2 announce themselves in the first bytes.
pub(crate) fn has_raw_magic(d: &[u8]) -> bool {
    d.starts_with(b"IIRO")
        || d.starts_with(b"IIRS")
        || d.starts_with(b"MMOR")
        || d.starts_with(b"IIU\0")
        || (d.starts_with(b"II*\0") && d.get(8..10) == Some(b"CR"))
}

/// Whether a file that starts like a TIFF is really a RAW (NEF, ARW, DNG, PEF are plain TIFF
/// magic).
pub(crate) fn is_raw(d: &[u8]) -> bool {
    has_raw_magic(d) || scan(d).is_some_and(|s| s.has_sensor_data)
}

/// Walks the IFD tree of `d`; None when it is not a TIFF structure at all.
pub(crate) fn scan(d: &[u8]) -> Option<Scan<'_>> {
    let t = Tiff {
        d,
        little: d.starts_with(b"II"),
    };
    if !(d.starts_with(b"II") || d.starts_with(b"MM")) {
        return None;
    }
    let mut out = Scan::default();
    let mut pending = vec![t.u32(4)? as usize];
    let mut seen = Vec::new();
    while let Some(ifd) = pending.pop() {
        if seen.len() >= MAX_IFDS || seen.contains(&ifd) || ifd < 8 {
            continue;
        }
        let first = seen.is_empty();
        seen.push(ifd);
        let mut facts = IfdFacts::default();
        for e in t.entries(ifd) {
            match e.tag {
                TAG_COMPRESSION => facts.compression = t.value(&e),
                TAG_PHOTOMETRIC if t.value(&e).is_some_and(|p| PHOTOMETRIC_RAW.contains(&p)) => {
                    out.has_sensor_data = true;
                }
                TAG_STRIP_OFFSETS => facts.strips = t.values(&e),
                TAG_STRIP_BYTE_COUNTS => facts.strip_lengths = t.values(&e),
                TAG_ORIENTATION if first => {
                    out.orientation = t
                        .value(&e)
                        .and_then(|v| u8::try_from(v).ok())
                        .filter(|o| (1..=8).contains(o));
                }
                TAG_SUB_IFDS => pending.extend(t.values(&e).iter().map(|&o| o as usize)),
                TAG_JPEG_OFFSET => facts.jpeg_offset = t.value(&e),
                TAG_JPEG_LENGTH => facts.jpeg_length = t.value(&e),
                TAG_RW2_JPG_FROM_RAW => {
                    // UNDEFINED bytes stored out of line: the count is the length.
                    facts.extra = t.u32(e.at + 8).map(|offset| (offset, e.count));
                }
                TAG_DNG_VERSION => out.has_sensor_data = true,
                _ => {}
            }
        }
        if let Some(next) = t.u32(ifd + 2 + usize::from(t.count(ifd)) * 12)
            && next != 0
        {
            pending.push(next as usize);
        }
        for (offset, length) in facts.candidates() {
            let Some(jpeg) = slice(d, offset, length) else {
                continue;
            };
            if let Some(size) = lossy_jpeg_size(jpeg)
                && out.preview.is_none_or(|(_, (w, h))| {
                    u64::from(size.0) * u64::from(size.1) > u64::from(w) * u64::from(h)
                })
            {
                out.preview = Some((jpeg, size));
            }
        }
    }
    Some(out)
}

/// The size of an 8-bit, DCT-based JPEG; None for anything else (lossless raw data, 12-bit,
/// garbage).
fn lossy_jpeg_size(jpeg: &[u8]) -> Option<(u32, u32)> {
    if !jpeg.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return None;
    }
    let frame = header::jpeg_frame(jpeg).ok()?;
    // SOF3, SOF7, SOF11 and SOF15 are lossless.
    let lossless = matches!(frame.marker, 0xC3 | 0xC7 | 0xCB | 0xCF);
    (frame.precision == 8 && !lossless).then_some((frame.width, frame.height))
}

fn slice(d: &[u8], offset: u32, length: u32) -> Option<&[u8]> {
    let start = offset as usize;
    d.get(start..start.checked_add(length as usize)?)
}

/// The preview-relevant tags of one IFD.
#[derive(Default)]
struct IfdFacts {
    compression: Option<u32>,
    strips: Vec<u32>,
    strip_lengths: Vec<u32>,
    jpeg_offset: Option<u32>,
    jpeg_length: Option<u32>,
    extra: Option<(u32, u32)>,
}

impl IfdFacts {
    /// (offset, length) of every place a JPEG may sit.
    fn candidates(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        if let (Some(o), Some(l)) = (self.jpeg_offset, self.jpeg_length) {
            out.push((o, l));
        }
        // Old-style (6) and new-style (7) JPEG compression, stored as one strip.
        if matches!(self.compression, Some(6 | 7))
            && let ([o], [l]) = (self.strips.as_slice(), self.strip_lengths.as_slice())
        {
            out.push((*o, *l));
        }
        out.extend(self.extra);
        out
    }
}

/// One 12-byte IFD entry; `at` is where it starts.
struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    at: usize,
}

/// Bounds-checked reads in the file's byte order.
struct Tiff<'a> {
    d: &'a [u8],
    little: bool,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.d.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.d.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn count(&self, ifd: usize) -> u16 {
        self.u16(ifd).unwrap_or(0).min(MAX_ENTRIES)
    }

    fn entries(&self, ifd: usize) -> impl Iterator<Item = Entry> + '_ {
        (0..usize::from(self.count(ifd))).map_while(move |i| {
            let at = ifd + 2 + i * 12;
            Some(Entry {
                tag: self.u16(at)?,
                typ: self.u16(at + 2)?,
                count: self.u32(at + 4)?,
                at,
            })
        })
    }

    /// The first value of a SHORT or LONG (or IFD) entry.
    fn value(&self, e: &Entry) -> Option<u32> {
        self.values(e).first().copied()
    }

    /// Up to 64 values of a SHORT, LONG or IFD entry, inline or out of line.
    fn values(&self, e: &Entry) -> Vec<u32> {
        let (size, read): (usize, &dyn Fn(usize) -> Option<u32>) = match e.typ {
            3 => (2, &|at| self.u16(at).map(u32::from)),
            4 | 13 => (4, &|at| self.u32(at)),
            _ => return Vec::new(),
        };
        let count = (e.count as usize).min(64);
        // Values that fit in the 4-byte field are stored inline.
        let base = if count * size <= 4 {
            Some(e.at + 8)
        } else {
            self.u32(e.at + 8).map(|o| o as usize)
        };
        let Some(base) = base else {
            return Vec::new();
        };
        (0..count).map_while(|i| read(base + i * size)).collect()
    }
}
